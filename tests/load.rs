//! Load with rate limits, on 127.0.0.1 only, bounded and self-stopping: 1,000
//! concurrent relink calls with the default retry policy while the server
//! answers every 10th request with 429 `PLATFORM.RATE_LIMIT_EXCEEDED`
//! (`Retry-After: 1`), then every 20th with a load balancer's HTML 503.
//! Every call must succeed; the time each took is reported, not asserted
//! (the budget itself is tested in `tests/client.rs`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use futures_util::future::join_all;
use kombo::{Kombo, RetryPolicy};
use serde_json::json;
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

const CALLS: usize = 1_000;

/// Answers every `n`th request with `fault`, the others with a link.
struct EveryNth {
    n: usize,
    seen: Arc<AtomicUsize>,
    fault: ResponseTemplate,
}

impl Respond for EveryNth {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if (self.seen.fetch_add(1, Ordering::SeqCst) + 1).is_multiple_of(self.n) {
            self.fault.clone()
        } else {
            ResponseTemplate::new(200).set_body_json(
                json!({"status": "success", "data": {"link": "https://connect.kombo.dev/v1?token=t"}}),
            )
        }
    }
}

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

async fn run(n: usize, fault: ResponseTemplate) -> (usize, usize) {
    let server = MockServer::start().await;
    let seen = Arc::new(AtomicUsize::new(0));
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(EveryNth {
            n,
            seen: seen.clone(),
            fault,
        })
        .mount(&server)
        .await;
    let policy = RetryPolicy::default();
    let kombo = Kombo::builder()
        .api_key("load-test")
        .base_url(&format!("{}/v1", server.uri()))
        .retry(policy)
        .build()
        .unwrap();
    let started = Instant::now();
    let calls = (0..CALLS).map(|i| {
        let kombo = kombo.clone();
        async move {
            let begun = Instant::now();
            let result = kombo
                .general()
                .create_reconnection_link()
                .integration_id(format!("personio:{i}"))
                .send()
                .await;
            (result.is_ok(), begun.elapsed())
        }
    });
    let outcomes = join_all(calls).await;
    let ok = outcomes.iter().filter(|(ok, _)| *ok).count();
    let slowest = outcomes.iter().map(|(_, t)| *t).max().unwrap_or_default();
    eprintln!(
        "every {n}th faulted: {ok}/{CALLS} succeeded, {} requests, slowest call {slowest:?}, whole run {:?}",
        seen.load(Ordering::SeqCst),
        started.elapsed()
    );
    (ok, seen.load(Ordering::SeqCst))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_ride_out_rate_limits_and_load_balancer_503s() {
    let rate_limited = ResponseTemplate::new(429)
        .insert_header("retry-after", "1")
        .set_body_json(json!({"status": "error", "error": {
            "code": "PLATFORM.RATE_LIMIT_EXCEEDED", "title": null,
            "message": "Too many requests.", "log_url": null}}));
    let (ok, requests) = run(10, rate_limited).await;
    assert_eq!(ok, CALLS);
    assert!(requests > CALLS, "some calls were retried");

    let html = ResponseTemplate::new(503)
        .insert_header("content-type", "text/html")
        .set_body_string("<html><body>503 Service Temporarily Unavailable</body></html>");
    let (ok, requests) = run(20, html).await;
    assert_eq!(ok, CALLS);
    assert!(requests > CALLS);
    if let Some(kib) = peak_memory_kib() {
        eprintln!("peak memory of the test process: {} MiB", kib / 1024);
    }
}
