//! What a running mock holds: the spec it serves, what the test set
//! (faults, canned answers, limit headers, items per paged operation), and
//! what it received.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, OnceLock};

use serde_json::Value;

use super::route::MockSpec;
use super::{Canned, Fault, RecordedRequest};
use crate::RateLimit;

pub(super) struct State {
    pub(super) spec: MockSpec,
    document: OnceLock<Result<Value, String>>,
    pub(super) api_key: Option<String>,
    pub(super) seed: u64,
    pub(super) default_items: usize,
    pub(super) page_size: usize,
    pub(super) requests: Mutex<Vec<RecordedRequest>>,
    /// Faults for the next request, whatever its operation.
    pub(super) faults: Mutex<VecDeque<Fault>>,
    /// Faults for the next request of an operation, by its id.
    pub(super) operation_faults: Mutex<HashMap<&'static str, VecDeque<Fault>>>,
    pub(super) canned: Mutex<HashMap<&'static str, Canned>>,
    pub(super) items: Mutex<HashMap<&'static str, usize>>,
    pub(super) limit_headers: Mutex<Option<RateLimit>>,
}

impl State {
    pub(super) fn new(
        spec: MockSpec,
        api_key: Option<String>,
        seed: u64,
        default_items: usize,
        page_size: usize,
    ) -> Self {
        State {
            spec,
            document: OnceLock::new(),
            api_key,
            seed,
            default_items,
            page_size,
            requests: Mutex::default(),
            faults: Mutex::default(),
            operation_faults: Mutex::default(),
            canned: Mutex::default(),
            items: Mutex::default(),
            limit_headers: Mutex::default(),
        }
    }

    /// The spec's document, parsed on first use.
    pub(super) fn document(&self) -> Result<&Value, &str> {
        self.document
            .get_or_init(|| serde_json::from_str(self.spec.document).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(String::as_str)
    }

    /// The fault for this request: one queued for its operation first, else
    /// one queued for any request.
    pub(super) fn next_fault(&self, operation: Option<&str>) -> Option<Fault> {
        if let Some(id) = operation
            && let Some(fault) = lock(&self.operation_faults)
                .get_mut(id)
                .and_then(VecDeque::pop_front)
        {
            return Some(fault);
        }
        lock(&self.faults).pop_front()
    }
}

/// The lock, also after a panic elsewhere (the mock's state stays usable).
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
