//! A slot held in Redis by one attempt of an action call: renewed while the
//! attempt runs (by the attempt's own future: no task per call), released
//! when its answer is in — before the call returns,
//! so a worker that exits after its calls leaves no slot behind — and also
//! when the call is cancelled or its future dropped (from a spawned task; if
//! no Tokio runtime is left to run it, the lease expires on its own).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{LIMIT_TTL, SharedLimiter, millis};

/// What an action call the shared limiter admitted holds: a slot — unless
/// the call is not gated (`max_in_flight(None)` before Kombo has stated its
/// limit) — and the `Concurrency-Limit` Kombo answers with, kept in Redis at
/// the end (so an ungated call is what makes the limit known).
pub(crate) struct Lease {
    limiter: Arc<SharedLimiter>,
    slots: String,
    limit: String,
    /// Whether a slot is held (renewed, released).
    slotted: bool,
    /// Empty once released.
    token: String,
    /// The `Concurrency-Limit` Kombo answered this attempt with (0: none),
    /// kept in Redis when the slot is released.
    learned: AtomicU64,
}

impl Lease {
    pub(super) fn new(
        limiter: &Arc<SharedLimiter>,
        slots: String,
        limit: String,
        token: String,
        slotted: bool,
    ) -> Self {
        Lease {
            limiter: Arc::clone(limiter),
            slots,
            limit,
            slotted,
            token,
            learned: AtomicU64::new(0),
        }
    }

    /// Runs `attempt` while holding the slot: an attempt still running a
    /// third of a lease later renews it, and again every third, so a long
    /// call keeps its slot while a short one costs no renewal.
    pub(crate) async fn hold<F: Future>(&self, attempt: F) -> F::Output {
        if !self.slotted {
            return attempt.await;
        }
        let attempt = std::pin::pin!(attempt);
        let renew = std::pin::pin!(self.renew_while_held());
        match futures_util::future::select(attempt, renew).await {
            futures_util::future::Either::Left((output, _)) => output,
            futures_util::future::Either::Right((never, _)) => match never {},
        }
    }

    /// Renews the lease every third of it, for as long as it is polled.
    async fn renew_while_held(&self) -> std::convert::Infallible {
        loop {
            tokio::time::sleep(self.limiter.lease / 3).await;
            let mut invocation = self.limiter.scripts.renew.key(&self.slots);
            invocation.arg(&self.token).arg(millis(self.limiter.lease));
            if self.limiter.run::<u8>(&invocation).await != Some(1) {
                // Gone (expired, or Redis is down): the attempt goes on.
                std::future::pending::<()>().await;
            }
        }
    }

    /// Kombo stated its concurrency limit in the answer to this attempt.
    pub(crate) fn learn(&self, limit: u64) {
        self.learned.store(limit, Ordering::Relaxed);
    }

    /// Frees the slot now, keeping the limit Kombo stated.
    pub(crate) async fn release(mut self) {
        let learned = self.learned.load(Ordering::Relaxed);
        if !self.slotted && learned == 0 {
            return;
        }
        release(
            &self.limiter,
            &self.slots,
            &self.limit,
            &self.token,
            learned,
        )
        .await;
        // Only now: a call cancelled while the release is on its way still
        // has its token, and dropping it sends the release again (`ZREM` of
        // a token already gone changes nothing).
        self.token.clear();
    }
}

async fn release(limiter: &SharedLimiter, slots: &str, limit: &str, token: &str, learned: u64) {
    let mut invocation = limiter.scripts.release.key(slots);
    invocation
        .key(limit)
        .arg(token)
        .arg(learned)
        .arg(millis(LIMIT_TTL));
    limiter.run::<u8>(&invocation).await;
}

impl Drop for Lease {
    fn drop(&mut self) {
        // Released already, no slot held, or no runtime left to release it.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.token.is_empty() || !self.slotted {
            return;
        }
        let limiter = Arc::clone(&self.limiter);
        let (slots, limit) = (
            std::mem::take(&mut self.slots),
            std::mem::take(&mut self.limit),
        );
        let token = std::mem::take(&mut self.token);
        let learned = self.learned.load(Ordering::Relaxed);
        runtime.spawn(async move { release(&limiter, &slots, &limit, &token, learned).await });
    }
}
