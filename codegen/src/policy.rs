//! Kombo's policy: what Kombo documents about its API that no spec says —
//! which error codes exist beyond a spec's enums, which are safe to retry,
//! how codes fall into families, and which header scopes a call to an
//! integration (docs.kombo.dev/guides/errors). One table each. The generator
//! writes them into the `kombo` crate's client (`ErrorCode`, `ErrorFamily`,
//! the scoped header's name), and the runtime reads them from there: a code
//! Kombo adds to a spec becomes a variant with no edit here, and whether it
//! is retried is decided in this table alone.

/// The request header a scoped client (`kombo.integration(id)`) supplies;
/// the runtime's limiter keys calls by it.
pub const INTEGRATION_HEADER: &str = "X-Integration-Id";

/// Kombo's documented codes and whether each is safe to retry automatically
/// (the request was not processed). A spec's other codes follow them, not
/// retried.
pub(crate) const DOCUMENTED: &[(&str, bool)] = &[
    ("PLATFORM.RATE_LIMIT_EXCEEDED", true),
    ("PLATFORM.CONCURRENCY_LIMIT_EXCEEDED", true),
    ("PLATFORM.INTEGRATION_NOT_FOUND", false),
    ("PLATFORM.INPUT_INVALID", false),
    ("PLATFORM.UNKNOWN_ERROR", false),
    ("PLATFORM.IP_NOT_WHITELISTED", false),
    ("PLATFORM.AUTHENTICATION_INVALID", false),
    ("PLATFORM.TASK_TIMED_OUT", false),
    ("INTEGRATION.INACTIVE", false),
    ("INTEGRATION.SETUP_INCOMPLETE", false),
    ("INTEGRATION.SETUP_SYNC_PENDING", false),
    ("INTEGRATION.QA_FAILED", false),
    ("INTEGRATION.AUTHENTICATION_INVALID", false),
    ("INTEGRATION.PERMISSION_MISSING", false),
    ("INTEGRATION.MODEL_NOT_AVAILABLE", false),
    ("INTEGRATION.MODEL_DISABLED", false),
    ("INTEGRATION.ACTION_NOT_AVAILABLE", false),
    ("INTEGRATION.ACTION_DISABLED", false),
    ("REMOTE.INPUT_INVALID", false),
    ("REMOTE.RATE_LIMIT_EXCEEDED", true),
    ("REMOTE.SERVICE_UNAVAILABLE", true),
    ("REMOTE.UNKNOWN_HTTP_ERROR", false),
    ("ATS.JOB_CLOSED", false),
    ("ATS.APPLICATION_ALREADY_EXISTS", false),
    ("HRIS.EMPLOYEE_ALREADY_EXISTS", false),
    ("AI_APPLY.JOB_FEED_IMPORT_ALREADY_RUNNING", false),
    ("AI_APPLY.JOB_FEED_IMPORT_TIMED_OUT", false),
];

/// The families of codes, by the part before the first `.`: the
/// `ErrorFamily` variant, the prefix, what it means. A code of another
/// prefix is `ErrorFamily::Other`.
pub(crate) const FAMILIES: &[(&str, &str, &str)] = &[
    (
        "Platform",
        "PLATFORM",
        "Kombo itself (auth, limits, input).",
    ),
    (
        "Integration",
        "INTEGRATION",
        "The state of the connected integration.",
    ),
    ("Remote", "REMOTE", "The remote HR/ATS system."),
    ("Ats", "ATS", "The ATS models."),
    ("Hris", "HRIS", "The HRIS models."),
    ("Lms", "LMS", "The LMS models."),
    ("AiApply", "AI_APPLY", "AI Apply."),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_code_has_a_family() {
        for (code, _) in DOCUMENTED {
            let prefix = code.split('.').next().unwrap_or_default();
            assert!(FAMILIES.iter().any(|(_, p, _)| *p == prefix), "{code}");
        }
    }
}
