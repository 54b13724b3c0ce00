//! Log capture for the test binaries that assert on what a call logs.

use std::sync::{Arc, Mutex, Once};

/// A subscriber writing every event and span of its thread (as text) into
/// the returned buffer; install it with `tracing::subscriber::set_default`.
///
/// tracing caches each callsite's interest process-wide, computed when the
/// callsite is first reached — possibly by another test's thread that has no
/// subscriber, which would turn the callsite off for the capturing thread
/// too (tokio-rs/tracing's interest cache). A global subscriber interested in
/// everything, installed before any capture, keeps every callsite on; each
/// thread's scoped subscriber still sees only that thread's events.
pub fn capture_logs() -> (Arc<Mutex<Vec<u8>>>, impl tracing::Subscriber) {
    static GLOBAL: Once = Once::new();
    GLOBAL.call_once(|| {
        // Another global (none is set in these binaries) would keep callsites on as well.
        let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry());
        tracing::callsite::rebuild_interest_cache();
    });
    let logs = Arc::new(Mutex::new(Vec::<u8>::new()));
    let writer = {
        let logs = logs.clone();
        move || LogWriter(logs.clone())
    };
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(writer)
        .with_ansi(false)
        .finish();
    (logs, subscriber)
}

/// The text captured so far.
pub fn text(logs: &Mutex<Vec<u8>>) -> String {
    String::from_utf8_lossy(&logs.lock().unwrap()).into_owned()
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
