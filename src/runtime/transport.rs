//! Sending: the attempts of one call with retries (delays from backon), each admitted
//! by the limiter and traced in its own span (`telemetry`). Each response is read whole and classified once
//! ([`Verdict`]); a success goes back to its decoder, anything else becomes
//! the call's [`Error`] here.

use std::time::{Duration, Instant};

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
    again: impl Fn() -> Result<Request, Error>,
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
    let outcome = std::pin::pin!(attempts(&context, request, again))
        .instrument(span.clone())
        .await;
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

/// The attempts of one call: the retry decision is the policy's, the delays
/// backon's (exponential, jittered). The loop is written out rather than run
/// through backon's `Retry` future: that future and its builder chain move
/// the whole attempt state (kilobytes: the request, reqwest's pending future,
/// the limiter's) at every step, which cost a few percent of a loopback call
/// (BENCHMARKS.md); polled in place here, nothing moves.
async fn attempts(
    context: &Context<'_>,
    request: Request,
    again: impl Fn() -> Result<Request, Error>,
) -> Result<Received, Attempt> {
    let policy = context.policy;
    let mut delays = backon::BackoffBuilder::build(policy.backoff());
    // The first attempt sends the request it was given; a retry builds its own.
    let mut next = Some(request);
    let mut n = 0u32;
    loop {
        n = n.saturating_add(1);
        let request = match next.take() {
            Some(request) => request,
            None => again().map_err(Attempt::Refused)?,
        };
        let failed = match context.attempt(request, n).await {
            Ok(received) => {
                match policy.decision(received.status, &received.verdict, &received.headers) {
                    Some(wait) => Attempt::Retryable(Box::new(received), wait),
                    None => return Ok(received),
                }
            }
            Err(e) => e,
        };
        let retried = match &failed {
            Attempt::Retryable(_, wait) => wait.is_none_or(|w| w <= policy.max_retry_after),
            Attempt::Connect(_) => policy.retry_connect_errors,
            Attempt::Fatal(_) | Attempt::Refused(_) => false,
        };
        let wait = match (&failed, delays.next()) {
            (_, None) => None,
            (Attempt::Retryable(_, Some(server)), Some(delay)) => Some((*server).max(delay)),
            (_, Some(delay)) => Some(delay),
        }
        // The time budget: no retry whose wait ends past it.
        .filter(|w| context.started.elapsed() + *w <= policy.max_elapsed);
        let Some(wait) = wait.filter(|_| retried) else {
            return Err(failed);
        };
        let reason = match &failed {
            Attempt::Retryable(r, _) => format!("HTTP {}", r.status.as_u16()),
            _ => "connection failed".to_owned(),
        };
        tracing::info!(?wait, %reason, "retrying Kombo request");
        tokio::time::sleep(wait).await;
    }
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
        // Pinned where it is built: what wraps it below holds a reference,
        // so reqwest's pending request is not moved again.
        let send = std::pin::pin!(send_once(self.client, request));
        let send = send.instrument(trace.span.clone());
        let sent = match &permit {
            Some(permit) if permit.leased() => permit.hold(send).await,
            _ => send.await,
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
