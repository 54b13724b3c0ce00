//! Configuration of the client-side limiter (`src/runtime/limiter.rs` is
//! the limiter itself).

use std::time::Duration;

/// How the client paces itself to Kombo's limits (on by default):
/// `Kombo::builder().limits(Limits::default().max_in_flight(10))`.
///
/// Per integration (the `X-Integration-Id` a scoped client sends; calls
/// without one share one key), before each attempt: action calls (any
/// method but GET, HEAD, OPTIONS) wait for a slot under the last
/// `Concurrency-Limit` Kombo sent (before that, [`max_in_flight`](Self::max_in_flight)
/// for scoped calls; unscoped ones are not gated), and after
/// `ratelimit-remaining: 0` calls wait until `ratelimit-reset`. Waiting counts
/// against the call's [`RetryPolicy::max_elapsed`](crate::RetryPolicy::max_elapsed);
/// past it the call fails with [`Error::RateLimited`](crate::Error::RateLimited)
/// or [`Error::ConcurrencyLimited`](crate::Error::ConcurrencyLimited), nothing sent.
///
/// ```
/// use kombo::Limits;
/// let limits = Limits::default().max_in_flight(10);
/// assert!(limits.enabled());
/// assert!(!Limits::disabled().enabled());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    pub(crate) enabled: bool,
    pub(crate) max_in_flight: Option<usize>,
    pub(crate) wait_for_rate_limit: bool,
    pub(crate) forget_after: Duration,
    pub(crate) max_integrations: usize,
}

impl Default for Limits {
    /// 30 action calls in flight per integration until Kombo states its
    /// `Concurrency-Limit`; calls held while `ratelimit-remaining` is 0;
    /// integrations idle for 10 minutes forgotten, at most 10,000 remembered.
    fn default() -> Self {
        Limits {
            enabled: true,
            max_in_flight: Some(30),
            wait_for_rate_limit: true,
            forget_after: Duration::from_secs(600),
            max_integrations: 10_000,
        }
    }
}

impl Limits {
    /// No limiter: every call is sent at once (Kombo's 429s are still retried).
    pub fn disabled() -> Self {
        Limits {
            enabled: false,
            ..Limits::default()
        }
    }

    /// Action calls in flight per integration before Kombo has stated its
    /// `Concurrency-Limit` (default 30; at least 1). `None`: not gated until
    /// the server says. Once it has, its limit applies.
    pub fn max_in_flight(mut self, limit: impl Into<Option<usize>>) -> Self {
        self.max_in_flight = limit.into().map(|n| n.max(1));
        self
    }

    /// Hold calls while `ratelimit-remaining` is 0 (on by default); off, they
    /// are sent and Kombo's 429 is retried.
    pub fn wait_for_rate_limit(mut self, wait: bool) -> Self {
        self.wait_for_rate_limit = wait;
        self
    }

    /// Forget what was learned about an integration with no call for this
    /// long (default 10 minutes).
    pub fn forget_after(mut self, idle: Duration) -> Self {
        self.forget_after = idle;
        self
    }

    /// Most integrations remembered (default 10,000; ones with calls in
    /// flight are kept beyond it).
    pub fn max_integrations(mut self, count: usize) -> Self {
        self.max_integrations = count.max(1);
        self
    }

    /// Whether the limiter is on.
    pub fn enabled(&self) -> bool {
        self.enabled
    }
}
