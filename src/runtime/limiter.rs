//! The client-side limiter: before each attempt, per integration, no action
//! call past Kombo's concurrency limit and no call while Kombo has said the
//! rate-limit window is used up. [`Limits`] configures it; [`Limiter`] is
//! the state every clone of a client shares.
//!
//! The key is what the request carries: the `X-Integration-Id` a scoped
//! client sends, or one key for everything sent without it. Action calls
//! (any method but GET, HEAD and OPTIONS) pass a gate sized by the last
//! `Concurrency-Limit` seen, narrowed by `Concurrency-Remaining` when other
//! processes use part of it; before the server has said, scoped action calls
//! use [`Limits::max_in_flight`] and unscoped ones are not gated, so a plain
//! call pays two atomic loads and takes no lock. `ratelimit-remaining: 0`
//! holds the same kind of call (reads or actions) of that key until
//! `ratelimit-reset`, within the call's time budget.

use std::collections::HashMap;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use tokio::sync::Notify;

use super::Operation;
use crate::rate_limit::RateLimit;
use crate::{Error, Limits};

/// The longest `ratelimit-reset` the limiter holds calls for: a wrong header
/// must not stop an integration for days (longer waits fail fast anyway).
const MAX_BLOCK: Duration = Duration::from_secs(3600);
/// How often the map of integrations is swept for quiet ones, at most.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

const READ: usize = 0;
const ACTION: usize = 1;

/// What one key has learned, shared by its calls.
pub(crate) struct KeyState {
    /// Gate size; 0 while unknown (not gated). Read without the lock.
    limit: AtomicUsize,
    in_flight: Mutex<usize>,
    freed: Notify,
    /// Per kind (read, action): no call before this many ns after the epoch.
    blocked_until: [AtomicU64; 2],
    last_used: AtomicU64,
    /// Calls waiting for a slot in Redis.
    #[cfg(feature = "redis")]
    waiters: super::shared::Waiters,
}

impl KeyState {
    fn new(limit: usize, now: u64) -> Self {
        KeyState {
            limit: AtomicUsize::new(limit),
            in_flight: Mutex::new(0),
            freed: Notify::new(),
            blocked_until: [AtomicU64::new(0), AtomicU64::new(0)],
            last_used: AtomicU64::new(now),
            #[cfg(feature = "redis")]
            waiters: Default::default(),
        }
    }

    fn count(&self) -> MutexGuard<'_, usize> {
        // The count stays consistent even if a holder panicked.
        self.in_flight.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A slot if one is free now: `Some(counted)`.
    fn try_take(&self) -> Option<bool> {
        let mut in_flight = self.count();
        match self.limit.load(Ordering::Acquire) {
            0 => Some(false),
            limit if *in_flight < limit => {
                *in_flight += 1;
                Some(true)
            }
            _ => None,
        }
    }

    async fn take(&self) -> bool {
        loop {
            let mut freed = pin!(self.freed.notified());
            // Registered before the check, so a release in between is not missed.
            freed.as_mut().enable();
            if let Some(counted) = self.try_take() {
                return counted;
            }
            freed.await;
        }
    }

    fn release(&self) {
        let mut in_flight = self.count();
        *in_flight = in_flight.saturating_sub(1);
        drop(in_flight);
        self.freed.notify_one();
    }

    /// Follows the server: its limit, narrowed to what it says is left for
    /// us (`in flight of ours + remaining`), never below 1.
    fn follow(&self, limit: u64, remaining: Option<u64>, counted: bool) {
        let stated = usize::try_from(limit).unwrap_or(usize::MAX).max(1);
        let in_flight = self.count();
        let ours = *in_flight + usize::from(!counted);
        let room = remaining.map_or(stated, |r| {
            ours.saturating_add(usize::try_from(r).unwrap_or(usize::MAX))
        });
        let size = room.clamp(1, stated);
        let before = self.limit.swap(size, Ordering::AcqRel);
        drop(in_flight);
        if before != 0 && size > before {
            self.freed.notify_waiters();
        }
    }
}

/// A slot taken before an attempt, released when dropped (after the response).
pub(crate) struct Permit<'a> {
    state: &'a KeyState,
    counted: bool,
    /// The slot held in Redis instead, when the shared limiter admitted it.
    #[cfg(feature = "redis")]
    lease: Option<super::shared::Lease>,
}

impl<'a> Permit<'a> {
    fn local(state: &'a KeyState, counted: bool) -> Self {
        Permit {
            state,
            counted,
            #[cfg(feature = "redis")]
            lease: None,
        }
    }

    /// Whether the slot is held in Redis, so an attempt runs under
    /// [`Permit::hold`]; otherwise the attempt is awaited directly (not moved
    /// into another future).
    pub(crate) fn leased(&self) -> bool {
        #[cfg(feature = "redis")]
        return self.lease.is_some();
        #[cfg(not(feature = "redis"))]
        false
    }

    /// Runs `attempt` under this permit (a slot held in Redis is renewed
    /// while it runs).
    pub(crate) async fn hold<F: std::future::Future>(&self, attempt: F) -> F::Output {
        #[cfg(feature = "redis")]
        if let Some(lease) = &self.lease {
            return lease.hold(attempt).await;
        }
        attempt.await
    }

    /// Frees the slot once the answer is in: a slot held in Redis is
    /// released before the call returns (dropping does it too, later).
    #[cfg(feature = "redis")]
    pub(crate) async fn finish(mut self) {
        if let Some(lease) = self.lease.take() {
            lease.release().await;
            self.state.waiters.freed();
        }
    }

    /// Frees the slot once the answer is in.
    #[cfg(not(feature = "redis"))]
    pub(crate) async fn finish(self) {}
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if self.counted {
            self.state.release();
        }
        // A call dropped with its slot held in Redis: the lease sends its
        // release from a task, and a local waiter tries again.
        #[cfg(feature = "redis")]
        if let Some(lease) = self.lease.take() {
            drop(lease);
            self.state.waiters.freed();
        }
    }
}

/// The limiter state of one client and its clones.
pub(crate) struct Limiter {
    config: Limits,
    epoch: Instant,
    unscoped: Arc<KeyState>,
    keys: Mutex<Keys>,
    /// The limits shared with other processes through Redis; the state above
    /// decides while it is unavailable.
    #[cfg(feature = "redis")]
    shared: Option<Arc<super::shared::SharedLimiter>>,
    /// The shared key of unscoped calls with a fixed API key.
    #[cfg(feature = "redis")]
    unscoped_scope: Option<String>,
}

struct Keys {
    map: HashMap<Arc<str>, Arc<KeyState>>,
    last_sweep: u64,
}

/// One call's admission: its key's state and kind.
pub(crate) struct Admission<'a> {
    limiter: &'a Limiter,
    state: Arc<KeyState>,
    kind: usize,
    /// The key the shared limiter counts the call under.
    #[cfg(feature = "redis")]
    scope: Option<std::borrow::Cow<'a, str>>,
}

impl Limiter {
    /// The limiter for `limits`, or `None` when it is off.
    pub(crate) fn new(config: Limits) -> Option<Limiter> {
        config.enabled.then(|| Limiter {
            epoch: Instant::now(),
            unscoped: Arc::new(KeyState::new(0, 0)),
            keys: Mutex::new(Keys {
                map: HashMap::new(),
                last_sweep: 0,
            }),
            #[cfg(feature = "redis")]
            shared: None,
            #[cfg(feature = "redis")]
            unscoped_scope: None,
            config,
        })
    }

    /// Shares the limits through Redis (`shared`); unscoped calls with a
    /// fixed API key count under `unscoped_scope`.
    #[cfg(feature = "redis")]
    pub(crate) fn with_shared(
        mut self,
        shared: Arc<super::shared::SharedLimiter>,
        unscoped_scope: Option<String>,
    ) -> Self {
        self.shared = Some(shared);
        self.unscoped_scope = unscoped_scope;
        self
    }

    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// The admission of one call of `operation`, sent with `integration` as
    /// its `X-Integration-Id` (or without one).
    pub(crate) fn admission<'a>(
        &'a self,
        operation: &Operation,
        integration: Option<&'a str>,
    ) -> Admission<'a> {
        let kind = match operation.method {
            "GET" | "HEAD" | "OPTIONS" => READ,
            _ => ACTION,
        };
        let state = match integration {
            None => Arc::clone(&self.unscoped),
            Some(id) => self.scoped(id),
        };
        Admission {
            limiter: self,
            state,
            kind,
            #[cfg(feature = "redis")]
            scope: integration.map(std::borrow::Cow::Borrowed).or_else(|| {
                self.unscoped_scope
                    .as_deref()
                    .map(std::borrow::Cow::Borrowed)
            }),
        }
    }

    fn scoped(&self, id: &str) -> Arc<KeyState> {
        let now = self.now();
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(state) = keys.map.get(id) {
            state.last_used.store(now, Ordering::Relaxed);
            return Arc::clone(state);
        }
        let due = now.saturating_sub(keys.last_sweep) >= SWEEP_EVERY.as_nanos() as u64;
        if due || keys.map.len() >= self.config.max_integrations {
            self.sweep(&mut keys, now);
        }
        let limit = self.config.max_in_flight.unwrap_or(0);
        let state = Arc::new(KeyState::new(limit, now));
        keys.map.insert(Arc::from(id), Arc::clone(&state));
        state
    }

    /// Forgets keys with no call in flight or waiting (only the map holds
    /// them) and not blocked: those idle too long, then, over the cap, the
    /// least recently used.
    fn sweep(&self, keys: &mut Keys, now: u64) {
        keys.last_sweep = now;
        let idle = u64::try_from(self.config.forget_after.as_nanos()).unwrap_or(u64::MAX);
        let quiet = |state: &Arc<KeyState>| {
            Arc::strong_count(state) == 1
                && state
                    .blocked_until
                    .iter()
                    .all(|b| b.load(Ordering::Relaxed) <= now)
        };
        keys.map.retain(|_, state| {
            !(quiet(state) && now.saturating_sub(state.last_used.load(Ordering::Relaxed)) >= idle)
        });
        let over = (keys.map.len() + 1).saturating_sub(self.config.max_integrations);
        if over > 0 {
            let mut oldest: Vec<(u64, Arc<str>)> = keys
                .map
                .iter()
                .filter(|(_, state)| quiet(state))
                .map(|(id, state)| (state.last_used.load(Ordering::Relaxed), Arc::clone(id)))
                .collect();
            oldest.sort_unstable();
            for (_, id) in oldest.into_iter().take(over) {
                keys.map.remove(&id);
            }
        }
    }

    /// How many integrations are remembered.
    #[cfg(test)]
    fn remembered(&self) -> usize {
        self.keys.lock().unwrap().map.len()
    }
}

impl Admission<'_> {
    /// Waits until this attempt may be sent, within the budget that began
    /// at `started`; past it, the typed error and nothing is sent.
    pub(crate) async fn admit(
        &self,
        started: Instant,
        budget: Duration,
    ) -> Result<Permit<'_>, Error> {
        let limiter = self.limiter;
        let state = &*self.state;
        let until = state.blocked_until[self.kind].load(Ordering::Acquire);
        if until != 0 {
            let now = limiter.now();
            if until > now {
                let wait = Duration::from_nanos(until - now);
                if started.elapsed() + wait > budget {
                    return Err(Error::RateLimited { retry_after: wait });
                }
                tracing::info!(
                    ?wait,
                    reason = "ratelimit-remaining: 0",
                    "waiting for Kombo's rate limit to reset"
                );
                tokio::time::sleep(wait).await;
            }
        }
        // A read asks Redis only for the window, which a client that does
        // not wait for the rate limit ignores.
        #[cfg(feature = "redis")]
        if let (Some(shared), Some(scope)) = (&limiter.shared, &self.scope)
            && (self.kind == ACTION || limiter.config.wait_for_rate_limit)
        {
            use super::shared::Acquired;
            let acquired = shared.acquire(
                scope,
                self.kind == ACTION,
                limiter.config.wait_for_rate_limit,
                started,
                budget,
                &state.waiters,
            );
            match acquired.await? {
                Acquired::Admitted(lease) => {
                    return Ok(Permit {
                        state,
                        counted: false,
                        lease,
                    });
                }
                Acquired::Unavailable => {}
            }
        }
        if self.kind == READ {
            return Ok(Permit::local(state, false));
        }
        if let Some(counted) = state.try_take() {
            return Ok(Permit::local(state, counted));
        }
        let limit = state.limit.load(Ordering::Relaxed);
        let left = budget.saturating_sub(started.elapsed());
        tracing::info!(
            limit,
            reason = "concurrency limit",
            "waiting for a free slot under Kombo's concurrency limit"
        );
        let queued = Instant::now();
        match tokio::time::timeout(left, state.take()).await {
            Ok(counted) => Ok(Permit::local(state, counted)),
            Err(_) => Err(Error::ConcurrencyLimited {
                waited: queued.elapsed(),
            }),
        }
    }

    /// Counts unscoped calls under this API key in the shared limiter
    /// (a key provider's: it may change from call to call).
    #[cfg(feature = "redis")]
    pub(crate) fn with_api_key(mut self, key: &str) -> Self {
        if self.scope.is_none() && self.limiter.shared.is_some() {
            self.scope = Some(std::borrow::Cow::Owned(super::shared::unscoped(key)));
        }
        self
    }

    /// Tells the other processes what this response said: a used-up
    /// rate-limit window (`ratelimit-remaining: 0`, or a 429 with
    /// `Retry-After`) closes it for all of them, and a stated
    /// `Concurrency-Limit` is kept when the slot is released.
    pub(crate) async fn share(
        &self,
        status: reqwest::StatusCode,
        verdict: &crate::envelope::Verdict,
        headers: &HeaderMap,
        permit: &Permit<'_>,
    ) {
        #[cfg(feature = "redis")]
        if let (Some(shared), Some(scope)) = (&self.limiter.shared, &self.scope) {
            let seen = RateLimit::from_headers(headers);
            if let (Some(lease), Some(limit)) = (&permit.lease, seen.concurrency_limit) {
                lease.learn(limit);
            }
            // A 429 for too many calls in flight is about slots, which the
            // leases count: its `Retry-After` must not hold every worker's
            // calls as a used-up window does.
            let slots = matches!(verdict, crate::envelope::Verdict::Api(e)
                if e.code.as_deref().map(crate::ErrorCode::parse)
                    == Some(crate::ErrorCode::PlatformConcurrencyLimitExceeded));
            let told = seen.exhausted_for().or_else(|| {
                (status == reqwest::StatusCode::TOO_MANY_REQUESTS && !slots)
                    .then(|| crate::rate_limit::retry_after(headers))
                    .flatten()
            });
            if self.limiter.config.wait_for_rate_limit
                && let Some(wait) = told
            {
                shared
                    .close_window(scope, self.kind == ACTION, wait.min(MAX_BLOCK))
                    .await;
            }
        }
        #[cfg(not(feature = "redis"))]
        let _ = (status, verdict, headers, permit);
    }

    /// Learns from a response, while its permit is still held.
    pub(crate) fn observe(&self, headers: &HeaderMap, permit: &Permit<'_>) {
        let limiter = self.limiter;
        let state = &*self.state;
        let seen = RateLimit::from_headers(headers);
        if limiter.config.wait_for_rate_limit
            && let Some(wait) = seen.exhausted_for()
        {
            let wait = u64::try_from(wait.min(MAX_BLOCK).as_nanos()).unwrap_or(u64::MAX);
            let until = limiter.now().saturating_add(wait).max(1);
            state.blocked_until[self.kind].fetch_max(until, Ordering::AcqRel);
        }
        if self.kind == ACTION
            && let Some(limit) = seen.concurrency_limit
        {
            state.follow(limit, seen.concurrency_remaining, permit.counted);
        }
    }
}

#[cfg(test)]
#[path = "limiter_tests.rs"]
mod tests;
