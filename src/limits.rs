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
    #[cfg(feature = "redis")]
    pub(crate) redis: Option<RedisSettings>,
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
            #[cfg(feature = "redis")]
            redis: None,
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

/// Where and how the limits are shared through Redis (feature `redis`).
#[cfg(feature = "redis")]
#[derive(Clone)]
pub(crate) struct RedisSettings {
    pub(crate) url: Option<String>,
    pub(crate) connection: Option<redis::aio::ConnectionManager>,
    pub(crate) prefix: String,
    pub(crate) lease: Option<Duration>,
    pub(crate) timeout: Duration,
}

#[cfg(feature = "redis")]
impl Default for RedisSettings {
    fn default() -> Self {
        RedisSettings {
            url: None,
            connection: None,
            prefix: "kombo:limits".to_owned(),
            lease: None,
            timeout: Duration::from_millis(250),
        }
    }
}

/// The URL is shown without its password; a connection handed over is
/// shown as present.
#[cfg(feature = "redis")]
impl std::fmt::Debug for RedisSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = self.url.as_deref().map(|u| match url::Url::parse(u) {
            Ok(mut parsed) if parsed.password().is_some() => {
                let _ = parsed.set_password(Some("REDACTED"));
                parsed.to_string()
            }
            _ => u.to_owned(),
        });
        f.debug_struct("RedisSettings")
            .field("url", &url)
            .field("connection", &self.connection.is_some())
            .field("prefix", &self.prefix)
            .field("lease", &self.lease)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Two settings are equal when they would share the same way (a handed-over
/// connection compares by presence).
#[cfg(feature = "redis")]
impl PartialEq for RedisSettings {
    fn eq(&self, other: &Self) -> bool {
        self.url == other.url
            && self.connection.is_some() == other.connection.is_some()
            && self.prefix == other.prefix
            && self.lease == other.lease
            && self.timeout == other.timeout
    }
}

/// Sharing the limits with other processes through Redis (feature `redis`).
///
/// ```no_run
/// use std::time::Duration;
/// use kombo::{Kombo, Limits};
///
/// let kombo = Kombo::builder()
///     .api_key("my-api-key")
///     .limits(
///         Limits::default()
///             .redis_url("redis://127.0.0.1:6379/0")
///             .redis_key_prefix("my-app:kombo"),
///     )
///     .build()?;
/// # Ok::<(), kombo::Error>(())
/// ```
#[cfg(feature = "redis")]
impl Limits {
    fn redis_settings(&mut self) -> &mut RedisSettings {
        self.redis.get_or_insert_with(RedisSettings::default)
    }

    /// Shares the limits of every process pointing at this Redis: action
    /// calls in flight per integration under the last `Concurrency-Limit`
    /// Kombo sent (30 before it has), and the rate-limit window one process
    /// saw used up. The URL is checked by [`KomboBuilder::build`](crate::KomboBuilder::build)
    /// (`Error::Config`); the connection is made on the first call, and a
    /// Redis that is down then or later only means the in-process limiter
    /// decides until it answers again.
    pub fn redis_url(mut self, url: impl Into<String>) -> Self {
        self.redis_settings().url = Some(url.into());
        self
    }

    /// Shares the limits through a connection the application already has.
    pub fn redis_connection(mut self, connection: redis::aio::ConnectionManager) -> Self {
        self.redis_settings().connection = Some(connection);
        self
    }

    /// The prefix of every key written to Redis (default `kombo:limits`).
    pub fn redis_key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.redis_settings().prefix = prefix.into();
        self
    }

    /// How long a slot is held without renewal (default: twice the client's
    /// request timeout): a process killed while holding slots gives them
    /// back after this long; a running call renews its slot.
    pub fn redis_lease(mut self, lease: Duration) -> Self {
        self.redis_settings().lease = Some(lease);
        self
    }

    /// The longest one limiter operation may take (default 250 ms); a slower
    /// Redis counts as down and the in-process limiter decides.
    pub fn redis_timeout(mut self, timeout: Duration) -> Self {
        self.redis_settings().timeout = timeout;
        self
    }
}
