//! Sending: the attempts of one call with retries (backon), each admitted
//! by the limiter and traced in its own span (`telemetry`). Each response is read whole and classified once
//! ([`Verdict`]); a success goes back to its decoder, anything else becomes
//! the call's [`Error`] here.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use backon::Retryable;
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Request, StatusCode};
use tracing::Instrument;

use super::limiter::Admission;
use super::{Operation, telemetry};
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
        // A success needs no error built (and no copy of its headers).
        if matches!(self.verdict, Verdict::Success) {
            return Ok(Success {
                status: self.status,
                headers: self.headers,
                body: self.body,
            });
        }
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
    /// The limiter held the attempt back past the budget: nothing was sent.
    Refused(Error),
}

/// What every attempt of one call shares.
struct Context<'a> {
    client: &'a reqwest::Client,
    policy: &'a RetryPolicy,
    operation: &'static Operation,
    admission: Option<Admission<'a>>,
    /// The start of the call's one time budget (limiter waits and retries).
    started: Instant,
}

/// Runs the attempts of one call inside its `kombo.call` span.
pub(crate) async fn execute(
    client: &reqwest::Client,
    policy: &RetryPolicy,
    request: Request,
    operation: &'static Operation,
    admission: Option<Admission<'_>>,
    integration: Option<&str>,
) -> Result<Success, Error> {
    let span = telemetry::call_span(operation, integration);
    let context = Context {
        client,
        policy,
        operation,
        admission,
        started: Instant::now(),
    };
    let outcome = attempts(&context, request).instrument(span.clone()).await;
    let result = match outcome {
        Ok(received) => received.into_result(),
        Err(Attempt::Retryable(received, _)) => received.into_result(),
        Err(Attempt::Connect(e)) | Err(Attempt::Fatal(e)) => Err(Error::Transport(e)),
        Err(Attempt::Refused(e)) => Err(e),
    };
    if let Err(e) = &result {
        telemetry::call_failed(&span, e);
    }
    result
}

async fn attempts(context: &Context<'_>, request: Request) -> Result<Received, Attempt> {
    let policy = context.policy;
    // A body that cannot be cloned (a stream) is sent once.
    let template = match request.try_clone() {
        Some(template) if policy.enabled() => template,
        _ => return context.attempt(request, 1).await,
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
        let count = &count;
        async move {
            let n = count.fetch_add(1, Ordering::Relaxed) + 1;
            let received = context.attempt(request, n).await?;
            match policy.decision(received.status, &received.verdict, &received.headers) {
                Some(wait) => Err(Attempt::Retryable(Box::new(received), wait)),
                None => Ok(received),
            }
        }
    };
    let max_wait = policy.max_retry_after;
    let started = context.started;
    attempt
        .retry(policy.backoff())
        .sleep(tokio::time::sleep)
        .when(|e| match e {
            Attempt::Retryable(_, wait) => wait.is_none_or(|w| w <= max_wait),
            Attempt::Connect(_) => policy.retry_connect_errors,
            Attempt::Fatal(_) | Attempt::Refused(_) => false,
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

impl Context<'_> {
    /// Attempt `n`: admitted by the limiter, sent in its own span, read
    /// whole; the limiter learns from the response before the slot is freed.
    async fn attempt(&self, request: Request, n: u32) -> Result<Received, Attempt> {
        let permit = match &self.admission {
            Some(admission) => Some(
                admission
                    .admit(self.started, self.policy.max_elapsed)
                    .await
                    .map_err(Attempt::Refused)?,
            ),
            None => None,
        };
        let trace = telemetry::attempt(self.operation, request.url(), n);
        let send = send_once(self.client, request).instrument(trace.span.clone());
        let sent = match &permit {
            Some(permit) => permit.hold(send).await,
            None => send.await,
        };
        match &sent {
            Ok(received) => {
                trace.response(self.operation, received.status, &received.verdict);
                if let (Some(admission), Some(permit)) = (&self.admission, &permit) {
                    admission.observe(&received.headers, permit);
                    admission
                        .share(
                            received.status,
                            &received.verdict,
                            &received.headers,
                            permit,
                        )
                        .await;
                }
            }
            Err(e) => trace.failure(self.operation, e),
        }
        if let Some(permit) = permit {
            permit.finish().await;
        }
        sent.map_err(classify_error)
    }
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

async fn send_once(client: &reqwest::Client, request: Request) -> reqwest::Result<Received> {
    let mut response = client.execute(request).await?;
    let status = response.status();
    // Reading the body whole needs no headers: they are moved, not copied.
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await?;
    let verdict = Verdict::of(status, &body);
    Ok(Received {
        status,
        headers,
        body,
        verdict,
    })
}
