//! Sending: the attempts of one call with retries (backon) inside one
//! tracing span. Each response is read whole and classified once
//! ([`Verdict`]); a success goes back to its decoder, anything else becomes
//! the call's [`Error`] here.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use backon::Retryable;
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Request, StatusCode};
use tracing::Instrument;

use super::Operation;
use crate::Error;
use crate::envelope::Verdict;
use crate::retry::RetryPolicy;

/// A 2xx response, read whole.
pub(crate) struct Success {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// A response read whole and classified.
struct Received {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    verdict: Verdict,
}

impl Received {
    fn into_result(self) -> Result<Success, Error> {
        match Error::from_response(self.status, self.headers.clone(), &self.body, &self.verdict) {
            None => Ok(Success {
                status: self.status,
                headers: self.headers,
                body: self.body,
            }),
            Some(error) => Err(error),
        }
    }
}

/// One attempt's outcome when it should not simply be returned.
enum Attempt {
    /// A response the policy retries (kept, to return it if attempts run out).
    Retryable(Box<Received>, Option<Duration>),
    /// Failed to connect: nothing was sent.
    Connect(reqwest::Error),
    /// Any other transport failure: not retried (the request may have been processed).
    Fatal(reqwest::Error),
}

/// Runs the attempts of one call inside a `kombo.request` span.
pub(crate) async fn execute(
    client: &reqwest::Client,
    policy: &RetryPolicy,
    request: Request,
    operation: &'static Operation,
) -> Result<Success, Error> {
    let span = tracing::info_span!(
        "kombo.request",
        operation = operation.id,
        method = operation.method,
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
        log_url = tracing::field::Empty,
    );
    let outcome = attempts(client, policy, request).instrument(span).await;
    match outcome {
        Ok(received) => received.into_result(),
        Err(Attempt::Retryable(received, _)) => received.into_result(),
        Err(Attempt::Connect(e)) | Err(Attempt::Fatal(e)) => Err(Error::Transport(e)),
    }
}

async fn attempts(
    client: &reqwest::Client,
    policy: &RetryPolicy,
    request: Request,
) -> Result<Received, Attempt> {
    let span = tracing::Span::current();
    // A body that cannot be cloned (a stream) is sent once.
    let template = match request.try_clone() {
        Some(template) if policy.enabled() => template,
        _ => {
            span.record("attempt", 1);
            return send_once(client, request, &span)
                .await
                .map_err(classify_error);
        }
    };
    let count = AtomicU32::new(0);
    // The first attempt sends the request itself; only retries clone it.
    let mut first = Some(request);
    let attempt = || {
        // try_clone succeeded once, so the body is in memory and clones again.
        let request = first.take().unwrap_or_else(|| {
            template
                .try_clone()
                .unwrap_or_else(|| clone_without_body(&template))
        });
        let (count, span) = (&count, &span);
        async move {
            let n = count.fetch_add(1, Ordering::Relaxed) + 1;
            span.record("attempt", n);
            let received = send_once(client, request, span)
                .await
                .map_err(classify_error)?;
            match policy.decision(received.status, &received.verdict, &received.headers) {
                Some(wait) => Err(Attempt::Retryable(Box::new(received), wait)),
                None => Ok(received),
            }
        }
    };
    let max_wait = policy.max_retry_after;
    let started = std::time::Instant::now();
    attempt
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
                Attempt::Retryable(r, _) => format!("HTTP {}", r.status.as_u16()),
                _ => "connection failed".to_owned(),
            };
            tracing::info!(?wait, %reason, "retrying Kombo request");
        })
        .await
}

fn classify_error(e: reqwest::Error) -> Attempt {
    if e.is_connect() {
        Attempt::Connect(e)
    } else {
        Attempt::Fatal(e)
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
) -> reqwest::Result<Received> {
    let response = client.execute(request).await?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    let verdict = Verdict::of(status, &body);
    span.record("status", status.as_u16());
    match &verdict {
        Verdict::Api(error) => {
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
    }
    Ok(Received {
        status,
        headers,
        body,
        verdict,
    })
}
