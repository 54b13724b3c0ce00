//! When and how often a request is tried again.

use std::time::Duration;

use backon::ExponentialBuilder;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::ErrorCode;
use crate::envelope::Verdict;
use crate::rate_limit::server_wait;

/// Kombo's guidance on what may be retried, in one place: a code the policy
/// table marks retryable, and a 503 without Kombo's envelope (a load
/// balancer, not the API).
/// `envelope_code` is `None` without an envelope, `Some(None)` for `code: null`.
pub(crate) fn retryable_response(
    status: Option<StatusCode>,
    envelope_code: Option<Option<&str>>,
) -> bool {
    match envelope_code {
        Some(Some(code)) => ErrorCode::parse(code).is_retryable(),
        Some(None) => false,
        None => status == Some(StatusCode::SERVICE_UNAVAILABLE),
    }
}

/// Retry policy, following Kombo's guidance: only responses that mean "not
/// processed" are retried — a code [`ErrorCode::is_retryable`] says so of
/// (Kombo's policy table in `kombo-codegen` decides), a 503 without a Kombo
/// body — and connections that failed before sending. Never 409 or any other
/// 4xx. Delays grow exponentially from `min_delay` to
/// `max_delay` with jitter; `Retry-After` and `ratelimit-reset` are honoured
/// up to `max_retry_after` (a longer wait is returned to the caller instead).
///
/// ```
/// use std::time::Duration;
/// let policy = kombo::RetryPolicy::default()
///     .max_attempts(5)
///     .min_delay(Duration::from_millis(500));
/// assert_eq!(policy.attempts(), 5);
/// assert!(!kombo::RetryPolicy::disabled().enabled());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) max_elapsed: Duration,
    pub(crate) min_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) jitter: bool,
    pub(crate) retry_connect_errors: bool,
}

impl Default for RetryPolicy {
    /// Up to 10 attempts within 30 s: 1 s doubling, each wait at most 10 s,
    /// with jitter; `Retry-After` honoured while it fits the budget.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 10,
            max_elapsed: Duration::from_secs(30),
            min_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            jitter: true,
            retry_connect_errors: true,
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is one attempt.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Total attempts including the first (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Total time budget of one call, from the first attempt: no retry
    /// starts whose wait would end past it (the last response is returned).
    pub fn max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = budget;
        self
    }

    /// First backoff delay.
    pub fn min_delay(mut self, delay: Duration) -> Self {
        self.min_delay = delay;
        self
    }

    /// Largest backoff delay.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Longest server-requested wait (`Retry-After`) the client sleeps through.
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Randomize delays (on by default) so clients do not retry in lockstep.
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Retry connections that failed before the request was sent (on by default).
    pub fn retry_connect_errors(mut self, retry: bool) -> Self {
        self.retry_connect_errors = retry;
        self
    }

    /// Total attempts including the first.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether more than one attempt is allowed.
    pub fn enabled(&self) -> bool {
        self.max_attempts > 1
    }

    /// `Some(server-requested wait)` when this classified response is retried.
    pub(crate) fn decision(
        &self,
        status: StatusCode,
        verdict: &Verdict,
        headers: &HeaderMap,
    ) -> Option<Option<std::time::Duration>> {
        let code = verdict.envelope_code();
        (self.enabled() && retryable_response(Some(status), code)).then(|| server_wait(headers))
    }

    pub(crate) fn backoff(&self) -> ExponentialBuilder {
        let builder = ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay.max(self.min_delay))
            .with_factor(2.0)
            .with_max_times((self.max_attempts - 1) as usize);
        if self.jitter {
            builder.with_jitter()
        } else {
            builder
        }
    }
}
