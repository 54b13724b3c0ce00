//! A slot held in Redis by one attempt of an action call: renewed while the
//! attempt runs, released when its answer is in — before the call returns,
//! so a worker that exits after its calls leaves no slot behind — and also
//! when the call is cancelled or its future dropped (from a spawned task; if
//! no Tokio runtime is left to run it, the lease expires on its own).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{LIMIT_TTL, SharedLimiter, millis};

/// A held slot.
pub(crate) struct Lease {
    limiter: Arc<SharedLimiter>,
    slots: String,
    limit: String,
    token: String,
    /// The `Concurrency-Limit` Kombo answered this attempt with (0: none),
    /// kept in Redis when the slot is released.
    learned: AtomicU64,
    renewer: Option<tokio::task::AbortHandle>,
}

impl Lease {
    pub(super) fn new(
        limiter: &Arc<SharedLimiter>,
        slots: String,
        limit: String,
        token: String,
    ) -> Self {
        // A long attempt keeps its slot: renewed well before it expires.
        let renewer = tokio::runtime::Handle::try_current().ok().map(|runtime| {
            let (limiter, slots, token) = (Arc::clone(limiter), slots.clone(), token.clone());
            runtime
                .spawn(async move {
                    loop {
                        tokio::time::sleep(limiter.lease / 3).await;
                        let mut invocation = limiter.scripts.renew.key(&slots);
                        invocation.arg(&token).arg(millis(limiter.lease));
                        if limiter.run::<u8>(&invocation).await != Some(1) {
                            break;
                        }
                    }
                })
                .abort_handle()
        });
        Lease {
            limiter: Arc::clone(limiter),
            slots,
            limit,
            token,
            learned: AtomicU64::new(0),
            renewer,
        }
    }

    /// Kombo stated its concurrency limit in the answer to this attempt.
    pub(crate) fn learn(&self, limit: u64) {
        self.learned.store(limit, Ordering::Relaxed);
    }

    /// Frees the slot now, keeping the limit Kombo stated.
    pub(crate) async fn release(mut self) {
        if let Some(renewer) = self.renewer.take() {
            renewer.abort();
        }
        let token = std::mem::take(&mut self.token);
        release(
            &self.limiter,
            &self.slots,
            &self.limit,
            &token,
            self.learned.load(Ordering::Relaxed),
        )
        .await;
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
    limiter.released.notify_waiters();
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(renewer) = self.renewer.take() {
            renewer.abort();
        }
        // Released already, or no runtime left to release it.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.token.is_empty() {
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
