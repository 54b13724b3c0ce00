//! Kombo's error envelope (`{"status": "error", "error": {...}}`), parsed once
//! per response into a [`Verdict`] that the retry decision, tracing and the
//! error all read.

use reqwest::StatusCode;

/// The fields of an error envelope.
#[derive(Debug, Clone, serde::Deserialize)]
pub(crate) struct EnvelopeError {
    #[serde(default)]
    pub(crate) code: Option<String>,
    #[serde(default)]
    pub(crate) title: Option<String>,
    pub(crate) message: String,
    #[serde(default)]
    pub(crate) log_url: Option<String>,
}

#[derive(serde::Deserialize)]
struct Envelope {
    status: String,
    error: EnvelopeError,
}

/// What a response is, decided once from its status and body.
#[derive(Debug, Clone)]
pub(crate) enum Verdict {
    /// A 2xx status: the body is parsed once, by the decoder of its type.
    Success,
    /// Kombo's error envelope.
    Api(EnvelopeError),
    /// Not a response the API describes; the reason says why.
    Unexpected(String),
}

impl Verdict {
    /// Classifies a whole response.
    pub(crate) fn of(status: StatusCode, body: &[u8]) -> Verdict {
        if status.is_client_error() || status.is_server_error() {
            match parse(body) {
                Some(error) => Verdict::Api(error),
                None => {
                    Verdict::Unexpected("error status without Kombo's error envelope".to_owned())
                }
            }
        } else if status.is_success() {
            Verdict::Success
        } else {
            // 1xx and 3xx: the API describes neither (redirects are not followed).
            Verdict::Unexpected(format!(
                "HTTP {} is not a response the API describes",
                status.as_u16()
            ))
        }
    }

    /// The envelope's code: `None` without an envelope, `Some(None)` for `code: null`.
    pub(crate) fn envelope_code(&self) -> Option<Option<&str>> {
        match self {
            Verdict::Api(e) => Some(e.code.as_deref()),
            _ => None,
        }
    }
}

fn parse(body: &[u8]) -> Option<EnvelopeError> {
    serde_json::from_slice::<Envelope>(body)
        .ok()
        .filter(|e| e.status == "error")
        .map(|e| e.error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_are_classified_once_by_status_and_body() {
        let envelope = br#"{"status":"error","error":{"code":null,"message":"m"}}"#;
        let v = Verdict::of(StatusCode::BAD_REQUEST, envelope);
        assert_eq!(v.envelope_code(), Some(None));
        let html = Verdict::of(StatusCode::SERVICE_UNAVAILABLE, b"<html>busy</html>");
        assert!(matches!(html, Verdict::Unexpected(r) if r.contains("envelope")));
        let wrong_status = br#"{"status":"success","error":{"message":"m"}}"#;
        assert!(matches!(
            Verdict::of(StatusCode::BAD_REQUEST, wrong_status),
            Verdict::Unexpected(_)
        ));
        assert!(matches!(Verdict::of(StatusCode::OK, b""), Verdict::Success));
        let redirect = Verdict::of(StatusCode::FOUND, b"");
        assert!(matches!(redirect, Verdict::Unexpected(r) if r.contains("302")));
    }
}
