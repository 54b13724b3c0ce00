//! One error type for every call: Kombo API errors with their codes, unexpected
//! responses, transport failures and requests refused before sending.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::envelope::Verdict;
use crate::rate_limit::{RateLimit, server_wait};
use crate::retry::retryable_response;

pub use crate::ErrorCode;

/// Most bytes of an unexpected body kept in [`UnexpectedResponse::body_snippet`].
pub const BODY_SNIPPET_LIMIT: usize = 512;

/// A Kombo error response (`{"status": "error", "error": {...}}`).
#[derive(Debug, Clone)]
#[non_exhaustive]
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
/// balancer, an empty or truncated body, JSON of the wrong shape, a redirect.
#[derive(Debug, Clone)]
#[non_exhaustive]
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
    /// The API key provider failed; nothing was sent.
    #[error("the API key provider failed: {0}")]
    ApiKey(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Kombo said its rate-limit window is used up (`ratelimit-remaining:
    /// 0`) until past the call's time budget: nothing was sent. Try again
    /// after `retry_after`.
    #[error("not sent: Kombo's rate limit resets in {retry_after:?}, past the call's time budget")]
    #[non_exhaustive]
    RateLimited {
        /// How long until the window resets.
        retry_after: Duration,
    },
    /// No slot under the integration's concurrency limit freed within the
    /// call's time budget: nothing was sent.
    #[error(
        "not sent: no slot under Kombo's concurrency limit freed within the call's time budget (waited {waited:?})"
    )]
    #[non_exhaustive]
    ConcurrencyLimited {
        /// How long the call waited for a slot.
        waited: Duration,
    },
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
            Error::InvalidRequest(_)
            | Error::Config(_)
            | Error::ApiKey(_)
            | Error::RateLimited { .. }
            | Error::ConcurrencyLimited { .. } => None,
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
    /// the retryable codes, a 503 without a Kombo body, a failed connection,
    /// a call the limiter held back (nothing was sent).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => retryable_response(Some(e.status), Some(e.raw_code.as_deref())),
            Error::UnexpectedResponse(e) => retryable_response(e.status, None),
            Error::Transport(e) => e.is_connect(),
            Error::RateLimited { .. } | Error::ConcurrencyLimited { .. } => true,
            Error::InvalidRequest(_) | Error::Config(_) | Error::ApiKey(_) => false,
        }
    }

    /// How long the server asked to wait (`Retry-After`, else
    /// `ratelimit-reset`; for [`Error::RateLimited`], the wait it learned).
    pub fn retry_after(&self) -> Option<Duration> {
        if let Error::RateLimited { retry_after } = self {
            return Some(*retry_after);
        }
        server_wait(self.headers()?)
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

impl Error {
    /// The error a classified response stands for (`None` for a success).
    pub(crate) fn from_response(
        status: StatusCode,
        headers: HeaderMap,
        body: &[u8],
        verdict: &Verdict,
    ) -> Option<Error> {
        match verdict {
            Verdict::Success => None,
            Verdict::Api(e) => Some(Error::Api(Box::new(ApiError {
                status,
                raw_code: e.code.clone(),
                title: e.title.clone(),
                message: e.message.clone(),
                log_url: e.log_url.clone(),
                headers,
            }))),
            Verdict::Unexpected(reason) => Some(Error::unexpected(
                Some(status),
                headers,
                body,
                Some(reason.clone()),
            )),
        }
    }

    /// A response that is not what the API describes.
    pub(crate) fn unexpected(
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_is_bounded() {
        let body = "é".repeat(1000);
        let s = snippet(body.as_bytes());
        assert!(s.len() <= BODY_SNIPPET_LIMIT);
        assert!(s.chars().all(|c| c == 'é'));
    }

    #[test]
    fn classified_responses_become_errors() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "2".parse().unwrap());
        let body = br#"{"status":"error","error":{"code":"PLATFORM.RATE_LIMIT_EXCEEDED","message":"slow"}}"#;
        let status = StatusCode::TOO_MANY_REQUESTS;
        let verdict = Verdict::of(status, body);
        let e = Error::from_response(status, headers, body, &verdict).unwrap();
        assert_eq!(e.code(), Some(ErrorCode::PlatformRateLimitExceeded));
        assert!(e.is_retryable());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
    }
}
