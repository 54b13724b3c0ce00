//! Sending: attempts with retries (backon), one tracing span per call, and
//! buffering each response so it is classified once ([`Verdict`]).

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use backon::Retryable;
use bytes::Bytes;
use http::response::Parts;
use reqwest::{Request, Response};
use tracing::Instrument;

use crate::envelope::{BufferedBody, Verdict};
use crate::retry::RetryPolicy;

/// A response made of parts and a body: the one way a response is rebuilt
/// (status, version, headers and extensions kept).
pub(crate) fn rebuild(parts: Parts, body: Bytes) -> Response {
    Response::from(http::Response::from_parts(parts, body))
}

/// Runs the attempts of one call inside a `kombo.request` span.
pub(crate) async fn execute(
    client: &reqwest::Client,
    policy: &RetryPolicy,
    request: Request,
    operation: &'static str,
) -> reqwest::Result<Response> {
    let span = tracing::info_span!(
        "kombo.request",
        operation,
        method = %request.method(),
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
        log_url = tracing::field::Empty,
    );
    execute_with_retries(client, policy, request)
        .instrument(span)
        .await
}

/// One attempt's outcome when it should not simply be returned.
enum Attempt {
    /// A response the policy retries (kept, to return it if attempts run out).
    Retryable(Response, Option<Duration>),
    /// Failed to connect: nothing was sent.
    Connect(reqwest::Error),
    /// Any other transport failure: not retried (the request may have been processed).
    Fatal(reqwest::Error),
}

async fn execute_with_retries(
    client: &reqwest::Client,
    policy: &RetryPolicy,
    request: Request,
) -> reqwest::Result<Response> {
    let span = tracing::Span::current();
    // A body that cannot be cloned (a stream) is sent once.
    let template = match request.try_clone() {
        Some(template) if policy.enabled() => template,
        _ => {
            span.record("attempt", 1);
            return send_once(client, request, &span).await;
        }
    };
    let attempts = AtomicU32::new(0);
    // The first attempt sends the request itself; only retries clone it.
    let mut first = Some(request);
    let attempt = || {
        // try_clone succeeded once, so the body is in memory and clones again.
        let request = first.take().unwrap_or_else(|| {
            template
                .try_clone()
                .unwrap_or_else(|| clone_without_body(&template))
        });
        let (attempts, span) = (&attempts, &span);
        async move {
            let n = attempts.fetch_add(1, Ordering::Relaxed) + 1;
            span.record("attempt", n);
            match send_once(client, request, span).await {
                Ok(response) => {
                    let verdict = response.extensions().get::<Verdict>();
                    match policy.decision(response.status(), verdict, response.headers()) {
                        Some(wait) => Err(Attempt::Retryable(response, wait)),
                        None => Ok(response),
                    }
                }
                Err(e) if e.is_connect() => Err(Attempt::Connect(e)),
                Err(e) => Err(Attempt::Fatal(e)),
            }
        }
    };
    let max_wait = policy.max_retry_after;
    let started = std::time::Instant::now();
    let outcome = attempt
        .retry(policy.backoff())
        .sleep(tokio::time::sleep)
        .when(|e| match e {
            Attempt::Retryable(_, wait) => wait.is_none_or(|w| w <= max_wait),
            Attempt::Connect(_) => policy.retry_connect_errors,
            Attempt::Fatal(_) => false,
        })
        .adjust(|e, backoff| {
            let wait = match (e, backoff) {
                (Attempt::Retryable(_, Some(server)), Some(d)) => Some((*server).max(d)),
                (_, d) => d,
            };
            // The time budget: no retry whose wait ends past it.
            wait.filter(|w| started.elapsed() + *w <= policy.max_elapsed)
        })
        .notify(|e, wait| {
            let reason = match e {
                Attempt::Retryable(r, _) => format!("HTTP {}", r.status().as_u16()),
                _ => "connection failed".to_owned(),
            };
            tracing::info!(?wait, %reason, "retrying Kombo request");
        })
        .await;
    match outcome {
        Ok(response) | Err(Attempt::Retryable(response, _)) => Ok(response),
        Err(Attempt::Connect(e)) | Err(Attempt::Fatal(e)) => Err(e),
    }
}

/// Unreachable in practice (the template's body is in memory); keeps the
/// method, URL, headers and timeout rather than panicking.
fn clone_without_body(template: &Request) -> Request {
    let mut request = Request::new(template.method().clone(), template.url().clone());
    *request.headers_mut() = template.headers().clone();
    *request.timeout_mut() = template.timeout().copied();
    request
}

async fn send_once(
    client: &reqwest::Client,
    request: Request,
    span: &tracing::Span,
) -> reqwest::Result<Response> {
    let response = buffer(client.execute(request).await?).await?;
    let status = response.status().as_u16();
    span.record("status", status);
    match response.extensions().get::<Verdict>() {
        Some(Verdict::Api(error)) => {
            if let Some(log_url) = &error.log_url {
                span.record("log_url", log_url.as_str());
            }
            tracing::info!(
                status,
                code = error.code.as_deref().unwrap_or("none"),
                log_url = error.log_url.as_deref().unwrap_or("none"),
                "Kombo API error"
            );
        }
        _ => tracing::debug!(status, "Kombo response"),
    }
    Ok(response)
}

/// Classifies the response once. A success streams on to its decoder, which
/// reads the body once; any other status is read whole (Kombo's error bodies
/// are small JSON documents) and kept in the extensions for the error.
async fn buffer(response: Response) -> reqwest::Result<Response> {
    if response.status().is_success() {
        // No verdict in the extensions means success: nothing to allocate.
        return Ok(response);
    }
    let (mut parts, body) = http::Response::from(response).into_parts();
    let bytes = http_body_util::BodyExt::collect(body).await?.to_bytes();
    parts.extensions.insert(Verdict::of(parts.status, &bytes));
    parts.extensions.insert(BufferedBody(bytes.clone()));
    Ok(rebuild(parts, bytes))
}
