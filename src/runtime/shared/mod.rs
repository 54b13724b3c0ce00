//! Kombo's limits shared through Redis (feature `redis`): every process that
//! points at the same Redis holds its action calls under one concurrency
//! limit and one rate-limit window per integration.
//!
//! Each decision is one Lua script, atomic on the server (`*.lua` beside
//! this file): acquire a lease (or learn how long the window stays closed),
//! renew it, release it (keeping the `Concurrency-Limit` Kombo sent), close
//! the window. Times come from Redis' `TIME`, never a client clock, so
//! workers on machines whose clocks disagree still agree. A lease expires on
//! its own: a worker killed while holding slots gives them back after the
//! lease, and every key carries a TTL, so Redis memory stays bounded.
//!
//! Keys are `<prefix>:{<integration>}:slots|limit|window:<kind>`: the braces
//! are a Cluster hash tag, so one integration's keys live on one node and
//! the scripts run there. Calls without an integration share the key of
//! their API key's SHA-256 (no secret is written to Redis).
//!
//! Redis down, slow or failing over is not an outage: an operation that
//! fails or takes longer than `redis_timeout` turns the shared limiter off
//! and the call goes on under the in-process limiter; one WARN event says
//! so. Once a second, one call (not every call: a Redis that hangs would
//! cost each of them `redis_timeout`) tries Redis again, and when it
//! answers the shared limiter resumes.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use redis::aio::ConnectionManager;
use redis::{Client, Script};
use tokio::sync::{Notify, OnceCell};

use crate::Error;
use crate::limits::RedisSettings;

mod lease;

pub(crate) use lease::Lease;

/// How long the shared limiter stays off after Redis failed.
const RETRY_AFTER_OUTAGE: Duration = Duration::from_secs(1);
/// The longest pause between two tries of a waiting call (each pause is
/// doubled from 5 ms, with jitter): waiting workers do not poll Redis in a
/// tight loop, and a freed slot is taken within a fraction of a second.
///
/// Polling with backoff rather than pub/sub on release: a notification needs
/// a second, subscribed connection per process (which a handed-over
/// `ConnectionManager` does not give), is lost across a reconnect or a
/// Cluster failover so a poll is needed anyway, and a slot that frees by
/// lease expiry sends no message at all. Within a process only the first
/// waiting call of an integration asks Redis, and a release there wakes it at
/// once ([`Waiters`]); waiters in other processes see the slot on their next
/// try. So Redis sees about one try per pause per process and integration,
/// however many calls wait.
const MAX_PAUSE: Duration = Duration::from_millis(200);
/// How long Kombo's stated `Concurrency-Limit` is remembered.
const LIMIT_TTL: Duration = Duration::from_secs(3600);

/// The four scripts, loaded once per client.
struct Scripts {
    acquire: Script,
    renew: Script,
    release: Script,
    close_window: Script,
}

/// The shared limiter of one client and its clones.
pub(crate) struct SharedLimiter {
    settings: RedisSettings,
    /// Leases last this long unless renewed.
    lease: Duration,
    /// Action calls in flight before Kombo has stated its limit (0: not
    /// gated until it has, as `Limits::max_in_flight(None)` says).
    default_limit: usize,
    /// Made on first use; a failed attempt leaves it empty for the next.
    connection: OnceCell<ConnectionManager>,
    scripts: Scripts,
    /// When the current outage began (ms since `epoch`, plus one; 0: none),
    /// and when Redis is tried again.
    down_since: AtomicU64,
    retry_at: AtomicU64,
    epoch: Instant,
}

/// The calls of one integration waiting for a slot in this process: the
/// first asks Redis, with backoff; the others queue behind it (in order),
/// and a slot released here wakes it.
#[derive(Default)]
pub(crate) struct Waiters {
    head: tokio::sync::Mutex<()>,
    freed: Notify,
}

impl Waiters {
    /// A slot of this integration was released in this process.
    pub(crate) fn freed(&self) {
        self.freed.notify_one();
    }
}

/// What one acquisition decided.
pub(crate) enum Acquired {
    /// Admitted: an action call holds this lease (a read holds none).
    Admitted(Option<Lease>),
    /// Redis is unavailable: the in-process limiter decides.
    Unavailable,
}

/// One step of a waiting acquisition.
enum Step {
    /// Admitted; `true` when a slot was taken (a lease to release).
    Admitted(bool),
    WindowClosed(Duration),
    Full,
}

impl SharedLimiter {
    /// The shared limiter of `settings`; `request_timeout` sizes the default
    /// lease (a small multiple of the longest attempt).
    pub(crate) fn new(
        settings: RedisSettings,
        request_timeout: Duration,
        default_limit: usize,
    ) -> Arc<Self> {
        let lease = settings.lease.unwrap_or(request_timeout.saturating_mul(2));
        let connection = match settings.connection.clone() {
            Some(handed_over) => OnceCell::new_with(Some(handed_over)),
            None => OnceCell::new(),
        };
        Arc::new(SharedLimiter {
            lease: lease.max(Duration::from_millis(100)),
            default_limit,
            connection,
            scripts: Scripts {
                acquire: Script::new(include_str!("acquire.lua")),
                renew: Script::new(include_str!("renew.lua")),
                release: Script::new(include_str!("release.lua")),
                close_window: Script::new(include_str!("close_window.lua")),
            },
            down_since: AtomicU64::new(0),
            retry_at: AtomicU64::new(0),
            epoch: Instant::now(),
            settings,
        })
    }

    /// The key of one integration's `part` (`slots`, `limit`, `window:read`).
    pub(crate) fn key(&self, scope: &str, part: &str) -> String {
        format!("{}:{{{scope}}}:{part}", self.settings.prefix)
    }

    /// The rate-limit window of one kind of call (reads and actions are
    /// limited apart).
    fn window_key(&self, scope: &str, action: bool) -> String {
        self.key(
            scope,
            if action {
                "window:action"
            } else {
                "window:read"
            },
        )
    }

    /// Admits one attempt under the shared limits, waiting within the call's
    /// budget (from `started`): an action call takes a slot, a read only
    /// checks the window (unless `check_window` is off: the client does not
    /// wait for the rate limit). Past the budget, the typed error, nothing
    /// sent. A call that has to wait queues in `waiters`.
    pub(crate) async fn acquire(
        self: &Arc<Self>,
        scope: &str,
        action: bool,
        check_window: bool,
        started: Instant,
        budget: Duration,
        waiters: &Waiters,
    ) -> Result<Acquired, Error> {
        if !self.available() {
            return Ok(Acquired::Unavailable);
        }
        let token = format!("{:x}-{:016x}", std::process::id(), fastrand::u64(..));
        let window = self.window_key(scope, action);
        let (slots, limit) = (self.key(scope, "slots"), self.key(scope, "limit"));
        let mut pause = Duration::from_millis(5);
        let mut queued: Option<Instant> = None;
        let mut head = None;
        loop {
            // Redis failed while this call waited: the in-process limiter
            // decides (rather than each queued call paying `redis_timeout`).
            if queued.is_some() && self.down_since.load(Ordering::Acquire) != 0 {
                return Ok(Acquired::Unavailable);
            }
            let mut invocation = self.scripts.acquire.key(&slots);
            invocation
                .key(&limit)
                .key(&window)
                .arg(&token)
                .arg(millis(self.lease))
                .arg(self.default_limit)
                .arg(u8::from(action))
                .arg(u8::from(check_window));
            let Some((verdict, wait_ms)) = self.run::<(u8, u64)>(&invocation).await else {
                return Ok(Acquired::Unavailable);
            };
            let step = match verdict {
                1 => Step::Admitted(true),
                3 => Step::Admitted(false),
                0 => Step::WindowClosed(Duration::from_millis(wait_ms)),
                2 => Step::Full,
                // Not an answer of this script: the in-process limiter decides
                // rather than a call waiting on a Redis it cannot read.
                _ => return Ok(Acquired::Unavailable),
            };
            match step {
                Step::Admitted(slot) => {
                    let lease = action.then(|| Lease::new(self, slots, limit, token, slot));
                    return Ok(Acquired::Admitted(lease));
                }
                Step::WindowClosed(wait) => {
                    if started.elapsed() + wait > budget {
                        return Err(Error::RateLimited { retry_after: wait });
                    }
                    tracing::info!(
                        ?wait,
                        reason = "ratelimit-remaining: 0",
                        shared = true,
                        "waiting for Kombo's rate limit to reset"
                    );
                    tokio::time::sleep(wait).await;
                }
                Step::Full => {
                    let since = *queued.get_or_insert_with(|| {
                        tracing::info!(
                            reason = "concurrency limit",
                            shared = true,
                            "waiting for a free slot under Kombo's concurrency limit"
                        );
                        Instant::now()
                    });
                    let left = budget.saturating_sub(started.elapsed());
                    let full = || Error::ConcurrencyLimited {
                        waited: since.elapsed(),
                    };
                    if head.is_none() {
                        // Behind the calls of this integration already
                        // waiting here; first in line, it tries at once (the
                        // call before it may have left a slot).
                        let guard = tokio::time::timeout(left, waiters.head.lock()).await;
                        head = Some(guard.map_err(|_| full())?);
                        continue;
                    }
                    // The last pause is cut to what is left of the budget,
                    // for one more try at its end.
                    if left.is_zero() {
                        return Err(full());
                    }
                    let jittered = pause.mul_f64(0.5 + fastrand::f64()).min(left);
                    let _ = tokio::time::timeout(jittered, waiters.freed.notified()).await;
                    pause = (pause * 2).min(MAX_PAUSE);
                }
            }
        }
    }

    /// Kombo said the window is used up for `wait`: every worker holds its
    /// calls of this kind until then.
    pub(crate) async fn close_window(&self, scope: &str, action: bool, wait: Duration) {
        if !self.available() {
            return;
        }
        let window = self.window_key(scope, action);
        let mut invocation = self.scripts.close_window.key(&window);
        invocation.arg(millis(wait).max(1));
        self.run::<u8>(&invocation).await;
    }

    /// Whether to ask Redis: yes, unless it failed; during an outage, yes
    /// for one caller every [`RETRY_AFTER_OUTAGE`] (the one that moves
    /// `retry_at` on), whose answer ends the outage or prolongs it.
    fn available(&self) -> bool {
        if self.down_since.load(Ordering::Acquire) == 0 {
            return true;
        }
        let now = self.now_ms();
        let at = self.retry_at.load(Ordering::Acquire);
        now >= at
            && self
                .retry_at
                .compare_exchange(
                    at,
                    now + millis(RETRY_AFTER_OUTAGE),
                    Ordering::AcqRel,
                    Ordering::Acquire,
                )
                .is_ok()
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Runs one script invocation within `redis_timeout`; `None` when Redis
    /// failed. An outage is said once: it begins with the first failure and
    /// ends with a success of an operation started after it began (an
    /// answer still in flight when Redis went down does not end it).
    async fn run<T: redis::FromRedisValue>(
        &self,
        invocation: &redis::ScriptInvocation<'_>,
    ) -> Option<T> {
        let started = self.now_ms() + 1;
        let outcome = tokio::time::timeout(self.settings.timeout, async {
            let mut connection = self.connection().await?;
            invocation
                .invoke_async::<T>(&mut connection)
                .await
                .map_err(|e| e.to_string())
        })
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {:?}", self.settings.timeout)));
        match outcome {
            Ok(value) => {
                let since = self.down_since.load(Ordering::Acquire);
                if since != 0
                    && started >= since
                    && self
                        .down_since
                        .compare_exchange(since, 0, Ordering::AcqRel, Ordering::Acquire)
                        .is_ok()
                {
                    tracing::info!(
                        "the Redis limiter answers again: Kombo's limits are shared again"
                    );
                }
                Some(value)
            }
            Err(reason) => {
                self.retry_at.store(
                    self.now_ms() + millis(RETRY_AFTER_OUTAGE),
                    Ordering::Release,
                );
                let began = self
                    .down_since
                    .compare_exchange(0, self.now_ms() + 1, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok();
                if began {
                    tracing::warn!(
                        %reason,
                        "the Redis limiter is unavailable: calls go on under the in-process limiter until it answers"
                    );
                }
                None
            }
        }
    }

    /// The connection, made on first use (the builder stays synchronous and
    /// a Redis that is down when the client is built is not an error).
    async fn connection(&self) -> Result<ConnectionManager, String> {
        self.connection
            .get_or_try_init(|| async {
                let url = self
                    .settings
                    .url
                    .as_deref()
                    .ok_or("no Redis URL and no connection")?;
                let client = Client::open(url).map_err(|e| e.to_string())?;
                let config = redis::aio::ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(self.settings.timeout))
                    .set_response_timeout(Some(self.settings.timeout))
                    .set_number_of_retries(1);
                client
                    .get_connection_manager_with_config(config)
                    .await
                    .map_err(|e| e.to_string())
            })
            .await
            .cloned()
    }
}

/// Whole milliseconds, at least 1 for a non-zero duration.
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis())
        .unwrap_or(u64::MAX)
        .max(u64::from(!d.is_zero()))
}

/// The shared key of calls without an integration: a digest of the API key.
pub(crate) fn unscoped(api_key: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(api_key.as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("key:{hex}")
}
