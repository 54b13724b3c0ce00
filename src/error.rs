//! One error type for every call: Kombo API errors with their codes, unexpected
//! responses, transport failures and requests refused before sending.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Most bytes of an unexpected body kept in [`UnexpectedResponse::body_snippet`].
pub const BODY_SNIPPET_LIMIT: usize = 512;

/// Kombo's error codes: the documented ones, plus any other as [`ErrorCode::Unknown`].
///
/// Branch on the code, never on the message (Kombo's guidance). `as_str()`
/// gives back exactly the string Kombo sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `PLATFORM.RATE_LIMIT_EXCEEDED`
    PlatformRateLimitExceeded,
    /// `PLATFORM.CONCURRENCY_LIMIT_EXCEEDED`
    PlatformConcurrencyLimitExceeded,
    /// `PLATFORM.INTEGRATION_NOT_FOUND`
    PlatformIntegrationNotFound,
    /// `PLATFORM.INPUT_INVALID`
    PlatformInputInvalid,
    /// `PLATFORM.UNKNOWN_ERROR`
    PlatformUnknownError,
    /// `PLATFORM.IP_NOT_WHITELISTED`
    PlatformIpNotWhitelisted,
    /// `PLATFORM.AUTHENTICATION_INVALID`
    PlatformAuthenticationInvalid,
    /// `PLATFORM.TASK_TIMED_OUT`
    PlatformTaskTimedOut,
    /// `INTEGRATION.INACTIVE`
    IntegrationInactive,
    /// `INTEGRATION.SETUP_INCOMPLETE`
    IntegrationSetupIncomplete,
    /// `INTEGRATION.SETUP_SYNC_PENDING`
    IntegrationSetupSyncPending,
    /// `INTEGRATION.QA_FAILED`
    IntegrationQaFailed,
    /// `INTEGRATION.AUTHENTICATION_INVALID`
    IntegrationAuthenticationInvalid,
    /// `INTEGRATION.PERMISSION_MISSING`
    IntegrationPermissionMissing,
    /// `INTEGRATION.MODEL_NOT_AVAILABLE`
    IntegrationModelNotAvailable,
    /// `INTEGRATION.MODEL_DISABLED`
    IntegrationModelDisabled,
    /// `INTEGRATION.ACTION_NOT_AVAILABLE`
    IntegrationActionNotAvailable,
    /// `INTEGRATION.ACTION_DISABLED`
    IntegrationActionDisabled,
    /// `REMOTE.INPUT_INVALID`
    RemoteInputInvalid,
    /// `REMOTE.RATE_LIMIT_EXCEEDED`
    RemoteRateLimitExceeded,
    /// `REMOTE.SERVICE_UNAVAILABLE`
    RemoteServiceUnavailable,
    /// `REMOTE.UNKNOWN_HTTP_ERROR`
    RemoteUnknownHttpError,
    /// `ATS.JOB_CLOSED`
    AtsJobClosed,
    /// `ATS.APPLICATION_ALREADY_EXISTS`
    AtsApplicationAlreadyExists,
    /// `HRIS.EMPLOYEE_ALREADY_EXISTS`
    HrisEmployeeAlreadyExists,
    /// `AI_APPLY.JOB_FEED_IMPORT_ALREADY_RUNNING`
    AiApplyJobFeedImportAlreadyRunning,
    /// `AI_APPLY.JOB_FEED_IMPORT_TIMED_OUT`
    AiApplyJobFeedImportTimedOut,
    /// A code this version of the crate does not know, kept verbatim.
    Unknown(String),
}

const KNOWN_CODES: &[(ErrorCode, &str)] = &[
    (
        ErrorCode::PlatformRateLimitExceeded,
        "PLATFORM.RATE_LIMIT_EXCEEDED",
    ),
    (
        ErrorCode::PlatformConcurrencyLimitExceeded,
        "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED",
    ),
    (
        ErrorCode::PlatformIntegrationNotFound,
        "PLATFORM.INTEGRATION_NOT_FOUND",
    ),
    (ErrorCode::PlatformInputInvalid, "PLATFORM.INPUT_INVALID"),
    (ErrorCode::PlatformUnknownError, "PLATFORM.UNKNOWN_ERROR"),
    (
        ErrorCode::PlatformIpNotWhitelisted,
        "PLATFORM.IP_NOT_WHITELISTED",
    ),
    (
        ErrorCode::PlatformAuthenticationInvalid,
        "PLATFORM.AUTHENTICATION_INVALID",
    ),
    (ErrorCode::PlatformTaskTimedOut, "PLATFORM.TASK_TIMED_OUT"),
    (ErrorCode::IntegrationInactive, "INTEGRATION.INACTIVE"),
    (
        ErrorCode::IntegrationSetupIncomplete,
        "INTEGRATION.SETUP_INCOMPLETE",
    ),
    (
        ErrorCode::IntegrationSetupSyncPending,
        "INTEGRATION.SETUP_SYNC_PENDING",
    ),
    (ErrorCode::IntegrationQaFailed, "INTEGRATION.QA_FAILED"),
    (
        ErrorCode::IntegrationAuthenticationInvalid,
        "INTEGRATION.AUTHENTICATION_INVALID",
    ),
    (
        ErrorCode::IntegrationPermissionMissing,
        "INTEGRATION.PERMISSION_MISSING",
    ),
    (
        ErrorCode::IntegrationModelNotAvailable,
        "INTEGRATION.MODEL_NOT_AVAILABLE",
    ),
    (
        ErrorCode::IntegrationModelDisabled,
        "INTEGRATION.MODEL_DISABLED",
    ),
    (
        ErrorCode::IntegrationActionNotAvailable,
        "INTEGRATION.ACTION_NOT_AVAILABLE",
    ),
    (
        ErrorCode::IntegrationActionDisabled,
        "INTEGRATION.ACTION_DISABLED",
    ),
    (ErrorCode::RemoteInputInvalid, "REMOTE.INPUT_INVALID"),
    (
        ErrorCode::RemoteRateLimitExceeded,
        "REMOTE.RATE_LIMIT_EXCEEDED",
    ),
    (
        ErrorCode::RemoteServiceUnavailable,
        "REMOTE.SERVICE_UNAVAILABLE",
    ),
    (
        ErrorCode::RemoteUnknownHttpError,
        "REMOTE.UNKNOWN_HTTP_ERROR",
    ),
    (ErrorCode::AtsJobClosed, "ATS.JOB_CLOSED"),
    (
        ErrorCode::AtsApplicationAlreadyExists,
        "ATS.APPLICATION_ALREADY_EXISTS",
    ),
    (
        ErrorCode::HrisEmployeeAlreadyExists,
        "HRIS.EMPLOYEE_ALREADY_EXISTS",
    ),
    (
        ErrorCode::AiApplyJobFeedImportAlreadyRunning,
        "AI_APPLY.JOB_FEED_IMPORT_ALREADY_RUNNING",
    ),
    (
        ErrorCode::AiApplyJobFeedImportTimedOut,
        "AI_APPLY.JOB_FEED_IMPORT_TIMED_OUT",
    ),
];

/// The family of an error code: the part before the first `.`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorFamily {
    /// `PLATFORM.*`: Kombo itself (auth, limits, input).
    Platform,
    /// `INTEGRATION.*`: the state of the connected integration.
    Integration,
    /// `REMOTE.*`: the remote HR/ATS system.
    Remote,
    /// `ATS.*`
    Ats,
    /// `HRIS.*`
    Hris,
    /// `LMS.*`
    Lms,
    /// `AI_APPLY.*`
    AiApply,
    /// Any other prefix.
    Other,
}

impl ErrorCode {
    /// Every code this version knows (not [`ErrorCode::Unknown`]).
    pub fn known() -> impl Iterator<Item = &'static ErrorCode> {
        KNOWN_CODES.iter().map(|(code, _)| code)
    }

    /// Parses a code; never fails (unknown codes are kept).
    pub fn parse(code: &str) -> Self {
        KNOWN_CODES
            .iter()
            .find(|(_, s)| *s == code)
            .map(|(c, _)| c.clone())
            .unwrap_or_else(|| ErrorCode::Unknown(code.to_owned()))
    }

    /// The code as Kombo spells it.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::Unknown(s) => s,
            known => KNOWN_CODES
                .iter()
                .find(|(c, _)| c == known)
                .map(|(_, s)| *s)
                .unwrap_or_default(),
        }
    }

    /// The family (`PLATFORM`, `INTEGRATION`, …), also for unknown codes.
    pub fn family(&self) -> ErrorFamily {
        match self.as_str().split('.').next().unwrap_or_default() {
            "PLATFORM" => ErrorFamily::Platform,
            "INTEGRATION" => ErrorFamily::Integration,
            "REMOTE" => ErrorFamily::Remote,
            "ATS" => ErrorFamily::Ats,
            "HRIS" => ErrorFamily::Hris,
            "LMS" => ErrorFamily::Lms,
            "AI_APPLY" => ErrorFamily::AiApply,
            _ => ErrorFamily::Other,
        }
    }

    /// Whether Kombo documents this code as safe to retry automatically.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ErrorCode::PlatformRateLimitExceeded
                | ErrorCode::PlatformConcurrencyLimitExceeded
                | ErrorCode::RemoteRateLimitExceeded
                | ErrorCode::RemoteServiceUnavailable
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ErrorCode {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(ErrorCode::parse(s))
    }
}

/// Kombo's rate-limit and concurrency headers, on errors and on successes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// `ratelimit-limit`
    pub limit: Option<u64>,
    /// `ratelimit-remaining`
    pub remaining: Option<u64>,
    /// `ratelimit-reset`: seconds until the window resets.
    pub reset: Option<Duration>,
    /// `Concurrency-Limit`
    pub concurrency_limit: Option<u64>,
    /// `Concurrency-Remaining`
    pub concurrency_remaining: Option<u64>,
}

impl RateLimit {
    /// Reads the headers (absent or malformed values are `None`).
    ///
    /// Works on any response: `RateLimit::from_headers(response.headers())`.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        RateLimit {
            limit: number("ratelimit-limit"),
            remaining: number("ratelimit-remaining"),
            reset: number("ratelimit-reset").map(Duration::from_secs),
            concurrency_limit: number("concurrency-limit"),
            concurrency_remaining: number("concurrency-remaining"),
        }
    }
}

/// `Retry-After` as seconds or an HTTP date, relative to now.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A Kombo error response (`{"status": "error", "error": {...}}`).
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The code string as sent (`None` for `code: null`).
    pub raw_code: Option<String>,
    /// Static label (may be absent).
    pub title: Option<String>,
    /// What went wrong in this instance.
    pub message: String,
    /// Link to this interaction's log in the Kombo dashboard.
    pub log_url: Option<String>,
    /// Response headers.
    pub headers: HeaderMap,
}

impl ApiError {
    /// The error code; `None` when Kombo sent `code: null` (then use the status).
    pub fn code(&self) -> Option<ErrorCode> {
        self.raw_code.as_deref().map(ErrorCode::parse)
    }
}

/// A response that is not what the API describes: an HTML page from a load
/// balancer, an empty or truncated body, JSON of the wrong shape.
#[derive(Debug, Clone)]
pub struct UnexpectedResponse {
    /// HTTP status, when known.
    pub status: Option<StatusCode>,
    /// `Content-Type`, when sent.
    pub content_type: Option<String>,
    /// The first bytes of the body (at most [`BODY_SNIPPET_LIMIT`]), lossily decoded.
    pub body_snippet: String,
    /// Response headers (empty when unknown).
    pub headers: HeaderMap,
    /// Why the body was rejected, when a decoder said so.
    pub reason: Option<String>,
}

/// Everything a call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Kombo answered with its error envelope.
    #[error("{}", format_api(.0))]
    Api(Box<ApiError>),
    /// The response was not one the API describes.
    #[error("{}", format_unexpected(.0))]
    UnexpectedResponse(Box<UnexpectedResponse>),
    /// Connecting, sending or reading failed (includes timeouts).
    #[error("transport error: {}", error_chain(.0))]
    Transport(#[source] reqwest::Error),
    /// The request was refused before anything was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The client could not be configured.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// `error: cause: cause` (reqwest's own message omits the causes).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    s
}

fn format_api(e: &ApiError) -> String {
    let code = e.raw_code.as_deref().unwrap_or("no code");
    let mut s = format!(
        "Kombo API error {} ({code}): {}",
        e.status.as_u16(),
        e.message
    );
    if let Some(url) = &e.log_url {
        s.push_str(&format!(" (log: {url})"));
    }
    s
}

fn format_unexpected(e: &UnexpectedResponse) -> String {
    let status = e
        .status
        .map(|s| s.as_u16().to_string())
        .unwrap_or_else(|| "unknown status".to_owned());
    let content_type = e.content_type.as_deref().unwrap_or("no content type");
    let mut s = format!("unexpected response (HTTP {status}, {content_type})");
    if let Some(reason) = &e.reason {
        s.push_str(&format!(": {reason}"));
    }
    if !e.body_snippet.is_empty() {
        s.push_str(&format!("; body starts: {:?}", e.body_snippet));
    } else {
        s.push_str("; empty body");
    }
    s
}

impl Error {
    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::UnexpectedResponse(e) => e.status,
            Error::Transport(e) => e.status(),
            Error::InvalidRequest(_) | Error::Config(_) => None,
        }
    }

    /// The Kombo error code (`None` unless an API error with a code).
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Error::Api(e) => e.code(),
            _ => None,
        }
    }

    /// The API error details, if this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Response headers, when a response was received.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(e) => Some(&e.headers),
            Error::UnexpectedResponse(e) => Some(&e.headers),
            _ => None,
        }
    }

    /// Whether retrying the same request later is safe and may succeed:
    /// the retryable codes, a 503 without a Kombo body, a failed connection.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.code().is_some_and(|c| c.is_retryable()),
            Error::UnexpectedResponse(e) => e.status == Some(StatusCode::SERVICE_UNAVAILABLE),
            Error::Transport(e) => e.is_connect(),
            Error::InvalidRequest(_) | Error::Config(_) => false,
        }
    }

    /// How long the server asked to wait (`Retry-After`, else `ratelimit-reset`).
    pub fn retry_after(&self) -> Option<Duration> {
        let headers = self.headers()?;
        retry_after(headers).or_else(|| RateLimit::from_headers(headers).reset)
    }

    /// Rate-limit headers of the failed response.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.headers().map(RateLimit::from_headers)
    }
}

/// Keeps at most [`BODY_SNIPPET_LIMIT`] bytes, cut on a character boundary.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(BODY_SNIPPET_LIMIT)]);
    text.trim_end_matches('\u{FFFD}').to_owned()
}

/// The envelope fields the wrapper reads from any generated error type.
#[derive(serde::Deserialize)]
struct Envelope {
    status: String,
    error: EnvelopeError,
}

#[derive(serde::Deserialize)]
pub(crate) struct EnvelopeError {
    #[serde(default)]
    pub(crate) code: Option<String>,
    #[serde(default)]
    pub(crate) title: Option<String>,
    pub(crate) message: String,
    #[serde(default)]
    pub(crate) log_url: Option<String>,
}

/// Parses Kombo's error envelope from a body (used for retry decisions too).
pub(crate) fn parse_envelope(body: &[u8]) -> Option<EnvelopeError> {
    serde_json::from_slice::<Envelope>(body)
        .ok()
        .filter(|e| e.status == "error")
        .map(|e| e.error)
}

fn unexpected_from_parts(
    status: Option<StatusCode>,
    headers: HeaderMap,
    body: &[u8],
    reason: Option<String>,
) -> Error {
    let content_type = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Error::UnexpectedResponse(Box::new(UnexpectedResponse {
        status,
        content_type,
        body_snippet: snippet(body),
        headers,
        reason,
    }))
}

impl<E: serde::Serialize> From<progenitor_client::Error<E>> for Error {
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::ErrorResponse(value) => {
                let status = value.status();
                let headers = value.headers().clone();
                let body = serde_json::to_vec(value.as_ref()).unwrap_or_default();
                match parse_envelope(&body) {
                    Some(e) => Error::Api(Box::new(ApiError {
                        status,
                        raw_code: e.code,
                        title: e.title,
                        message: e.message,
                        log_url: e.log_url,
                        headers,
                    })),
                    None => unexpected_from_parts(
                        Some(status),
                        headers,
                        &body,
                        Some("error body without Kombo's error envelope".to_owned()),
                    ),
                }
            }
            P::UnexpectedResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                let body = response
                    .extensions()
                    .get::<crate::runtime::BufferedBody>()
                    .map(|b| b.0.clone())
                    .unwrap_or_default();
                let extensions = response.extensions();
                let reason = extensions
                    .get::<crate::runtime::RejectedBecause>()
                    .map(|r| r.0.clone())
                    .or_else(|| {
                        extensions
                            .get::<crate::generated::InvalidPayload>()
                            .map(|p| format!("body does not match the API's schema: {}", p.0))
                    })
                    .or_else(|| {
                        #[cfg(feature = "spec-fixtures")]
                        if let Some(p) = extensions.get::<crate::subset::InvalidPayload>() {
                            return Some(format!("body does not match the API's schema: {}", p.0));
                        }
                        None
                    })
                    .or_else(|| Some("status not described by the API".to_owned()));
                unexpected_from_parts(Some(status), headers, &body, reason)
            }
            P::InvalidResponsePayload(body, e) => unexpected_from_parts(
                None,
                HeaderMap::new(),
                &body,
                Some(format!("body does not match the API's schema: {e}")),
            ),
            P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e) => {
                Error::Transport(e)
            }
            P::InvalidRequest(message) | P::Custom(message) => Error::InvalidRequest(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_have_families() {
        assert_eq!(ErrorCode::known().count(), 27);
        for code in ErrorCode::known() {
            assert_eq!(&ErrorCode::parse(code.as_str()), code);
            assert_ne!(code.family(), ErrorFamily::Other, "{code}");
        }
        let unknown = ErrorCode::parse("LMS.COURSE_GONE");
        assert_eq!(unknown, ErrorCode::Unknown("LMS.COURSE_GONE".into()));
        assert_eq!(unknown.as_str(), "LMS.COURSE_GONE");
        assert_eq!(unknown.family(), ErrorFamily::Lms);
        assert_eq!(ErrorCode::parse("weird").family(), ErrorFamily::Other);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let later = std::time::SystemTime::now() + Duration::from_secs(120);
        h.insert(
            "retry-after",
            httpdate::fmt_http_date(later).parse().unwrap(),
        );
        let d = retry_after(&h).unwrap();
        assert!(
            d <= Duration::from_secs(120) && d >= Duration::from_secs(118),
            "{d:?}"
        );
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn rate_limit_headers() {
        let mut h = HeaderMap::new();
        h.insert("ratelimit-limit", "100".parse().unwrap());
        h.insert("ratelimit-remaining", "0".parse().unwrap());
        h.insert("ratelimit-reset", "3".parse().unwrap());
        h.insert("Concurrency-Limit", "30".parse().unwrap());
        h.insert("concurrency-remaining", "x".parse().unwrap());
        assert_eq!(
            RateLimit::from_headers(&h),
            RateLimit {
                limit: Some(100),
                remaining: Some(0),
                reset: Some(Duration::from_secs(3)),
                concurrency_limit: Some(30),
                concurrency_remaining: None,
            }
        );
    }

    #[test]
    fn snippet_is_bounded() {
        let body = "é".repeat(1000);
        let s = snippet(body.as_bytes());
        assert!(s.len() <= BODY_SNIPPET_LIMIT);
        assert!(s.chars().all(|c| c == 'é'));
    }
}
