//! Spans and the duration metric, shaped after OpenTelemetry's (stable) HTTP
//! client conventions and kept on `tracing`: a `kombo.call` span (kind
//! internal) for the logical call, holding the limiter's waits and the retry
//! events, and one client span per attempt, named `{method} {url.template}`
//! through `otel.name` (what `tracing-opentelemetry` exports). An attempt
//! span exists only for a request that was sent.
//!
//! Nothing here sees the `Authorization` header; `url.full` is redacted
//! anyway (userinfo, and query values with secret-like names), because a URL
//! is the one place a caller's secret could ride along.

use std::borrow::Cow;
use std::time::Instant;

use reqwest::{StatusCode, Url};
use tracing::Span;
use tracing::field::{Empty, display};

use super::Operation;
use crate::Error;
use crate::envelope::Verdict;

/// The target of the duration metric's events (DEBUG level).
pub(crate) const METRICS_TARGET: &str = "kombo::metrics";

/// Query parameters whose values `url.full` never shows (OpenTelemetry's list
/// and the usual credential names).
const SECRET_QUERY: &[&str] = &[
    "awsaccesskeyid",
    "signature",
    "sig",
    "x-goog-signature",
    "token",
    "access_token",
    "api_key",
    "apikey",
    "key",
    "secret",
    "client_secret",
    "password",
];

const REDACTED: &str = "REDACTED";

/// The span of one logical call.
pub(super) fn call_span(operation: &Operation, integration: Option<&str>) -> Span {
    tracing::info_span!(
        "kombo.call",
        otel.name = operation.id,
        otel.kind = "internal",
        otel.status_code = Empty,
        kombo.operation = operation.id,
        kombo.tag = operation.tag,
        kombo.integration_id = integration,
        "error.type" = Empty,
    )
}

/// Marks the call span failed.
pub(super) fn call_failed(span: &Span, error: &Error) {
    if span.is_disabled() {
        return;
    }
    let kind: Cow<'_, str> = match error {
        Error::RateLimited { .. } => "rate_limited".into(),
        Error::ConcurrencyLimited { .. } => "concurrency_limited".into(),
        Error::Transport(e) => transport_kind(e).into(),
        other => match other.status() {
            Some(status) => status.as_str().to_owned().into(),
            None => "_OTHER".into(),
        },
    };
    span.record("otel.status_code", "ERROR");
    span.record("error.type", kind.as_ref());
}

/// One attempt's span and clock.
pub(super) struct AttemptTrace {
    pub(super) span: Span,
    begun: Instant,
    /// `server.address` and `server.port` for the metric, when it is recorded.
    metric: Option<(String, Option<u16>)>,
}

/// Opens the span of attempt `n` (1-based) of `operation` to `url`.
pub(super) fn attempt(operation: &Operation, url: &Url, n: u32) -> AttemptTrace {
    let span = tracing::info_span!(
        "kombo.attempt",
        otel.name = Empty,
        otel.kind = "client",
        otel.status_code = Empty,
        http.request.method = operation.method,
        server.address = Empty,
        server.port = Empty,
        url.full = Empty,
        url.template = operation.path,
        http.request.resend_count = Empty,
        http.response.status_code = Empty,
        "error.type" = Empty,
        error.code = Empty,
        log_url = Empty,
    );
    if !span.is_disabled() {
        span.record(
            "otel.name",
            display(format_args!("{} {}", operation.method, operation.path)),
        );
        if let Some(host) = url.host_str() {
            span.record("server.address", host);
        }
        if let Some(port) = url.port_or_known_default() {
            span.record("server.port", port);
        }
        span.record("url.full", redacted(url).as_ref());
        if n > 1 {
            span.record("http.request.resend_count", n - 1);
        }
    }
    let metric = tracing::enabled!(target: METRICS_TARGET, tracing::Level::DEBUG).then(|| {
        (
            url.host_str().unwrap_or_default().to_owned(),
            url.port_or_known_default(),
        )
    });
    AttemptTrace {
        span,
        begun: Instant::now(),
        metric,
    }
}

impl AttemptTrace {
    /// Records a response read whole.
    pub(super) fn response(&self, operation: &Operation, status: StatusCode, verdict: &Verdict) {
        let span = &self.span;
        span.record("http.response.status_code", status.as_u16());
        let failed = status.is_client_error() || status.is_server_error();
        if failed {
            span.record("otel.status_code", "ERROR");
            span.record("error.type", status.as_str());
        }
        span.in_scope(|| match verdict {
            Verdict::Api(error) => {
                if let Some(code) = &error.code {
                    span.record("error.code", code.as_str());
                }
                if let Some(log_url) = &error.log_url {
                    span.record("log_url", log_url.as_str());
                }
                tracing::info!(
                    status = status.as_u16(),
                    code = error.code.as_deref().unwrap_or("none"),
                    log_url = error.log_url.as_deref().unwrap_or("none"),
                    "Kombo API error"
                );
            }
            _ => tracing::debug!(status = status.as_u16(), "Kombo response"),
        });
        self.metric(operation, Some(status), failed.then(|| status.as_str()));
    }

    /// Records a transport failure (no response).
    pub(super) fn failure(&self, operation: &Operation, error: &reqwest::Error) {
        let kind = transport_kind(error);
        self.span.record("otel.status_code", "ERROR");
        self.span.record("error.type", kind);
        self.metric(operation, None, Some(kind));
    }

    /// `http.client.request.duration` in seconds, as an event that
    /// `tracing-opentelemetry`'s `MetricsLayer` turns into a histogram.
    fn metric(&self, operation: &Operation, status: Option<StatusCode>, error: Option<&str>) {
        let Some((host, port)) = &self.metric else {
            return;
        };
        let seconds = self.begun.elapsed().as_secs_f64();
        self.span.in_scope(|| {
            tracing::event!(
                target: METRICS_TARGET,
                tracing::Level::DEBUG,
                histogram.http.client.request.duration = seconds,
                http.request.method = operation.method,
                url.template = operation.path,
                server.address = host.as_str(),
                server.port = port,
                http.response.status_code = status.map(|s| s.as_u16()),
                "error.type" = error,
                "http.client.request.duration"
            )
        });
    }
}

/// A low-cardinality name for a transport failure.
fn transport_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else if error.is_body() {
        "body"
    } else if error.is_request() {
        "request"
    } else {
        "_OTHER"
    }
}

/// `url` without credentials: userinfo and secret-like query values become
/// `REDACTED` (as OpenTelemetry asks); the URL as it is when it has neither.
pub(crate) fn redacted(url: &Url) -> Cow<'_, str> {
    let secret = |name: &str| SECRET_QUERY.iter().any(|s| s.eq_ignore_ascii_case(name));
    let userinfo = !url.username().is_empty() || url.password().is_some();
    let query = url.query_pairs().any(|(name, _)| secret(&name));
    if !userinfo && !query && url.fragment().is_none() {
        return Cow::Borrowed(url.as_str());
    }
    let mut clean = url.clone();
    clean.set_fragment(None);
    if userinfo {
        let _ = clean.set_username(REDACTED);
        let _ = clean.set_password(Some(REDACTED));
    }
    if query {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(name, value)| {
                let value = if secret(&name) {
                    REDACTED.to_owned()
                } else {
                    value.into_owned()
                };
                (name.into_owned(), value)
            })
            .collect();
        clean.query_pairs_mut().clear().extend_pairs(pairs);
    }
    Cow::Owned(clean.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_full_holds_no_credentials() {
        let url =
            Url::parse("https://user:pw@api.kombo.dev/v1/x?cursor=c&API_KEY=k&sig=s#frag").unwrap();
        let shown = redacted(&url);
        assert_eq!(
            shown,
            "https://REDACTED:REDACTED@api.kombo.dev/v1/x?cursor=c&API_KEY=REDACTED&sig=REDACTED"
        );
        let plain = Url::parse("https://api.kombo.dev/v1/integrations/a%3Ab/relink").unwrap();
        assert!(matches!(redacted(&plain), Cow::Borrowed(_)));
    }
}
