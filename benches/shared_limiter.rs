//! What sharing the limits through Redis costs per call: relink calls (an
//! action, so each takes and frees a slot) against the loopback relink
//! server, with the in-process limiter and with the shared limiter on a
//! loopback `redis-server` of its own — sequential latency, and throughput
//! with 32 in flight — interleaved, median of the runs with their range.
//! Redis round trips per call are read from Redis' `INFO commandstats`.
//!
//! Both clients allow 64 in flight before Kombo states a limit (the relink
//! server states none), so neither holds a call back at 32 in flight: the
//! figures are what the shared limiter costs, not a gate's queueing (the
//! in-process limiter does not gate these unscoped calls at all; the shared
//! one would at 30).
//!
//! `cargo bench --features redis --bench shared_limiter` (runs:
//! `BENCH_SHARED_RUNS`, default 5; calls: `BENCH_SHARED_CALLS`, default
//! 5,000); `-- --test` runs one small round (CI smoke).

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use kombo::{Kombo, Limits, RetryPolicy};

#[path = "common/loopback.rs"]
mod loopback;
// Shared with the tests, which use more of it (restarts).
#[allow(dead_code)]
#[path = "../tests/common/redis_server.rs"]
mod redis_server;

const IN_FLIGHT: usize = 32;

fn client(base_url: &str, limits: Limits) -> Kombo {
    Kombo::builder()
        .api_key("bench-key")
        .base_url(base_url)
        .retry(RetryPolicy::disabled())
        .limits(limits)
        .build()
        .unwrap()
}

async fn relink(kombo: &Kombo) {
    loopback::relink(kombo).await;
}

/// Mean latency of `calls` calls, one at a time.
async fn sequential(kombo: &Kombo, calls: usize) -> Duration {
    let started = Instant::now();
    for _ in 0..calls {
        relink(kombo).await;
    }
    started.elapsed() / calls as u32
}

/// Calls per second with `IN_FLIGHT` at a time.
async fn parallel(kombo: &Kombo, calls: usize) -> f64 {
    let started = Instant::now();
    futures_util::stream::iter(0..calls)
        .for_each_concurrent(IN_FLIGHT, |_| relink(kombo))
        .await;
    calls as f64 / started.elapsed().as_secs_f64()
}

fn median(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(|a, b| a.total_cmp(b));
    (
        values[values.len() / 2],
        values[0],
        values[values.len() - 1],
    )
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--test");
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let runs = if smoke {
        1
    } else {
        env("BENCH_SHARED_RUNS", 5)
    };
    let calls = if smoke {
        200
    } else {
        env("BENCH_SHARED_CALLS", 5_000)
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let redis = redis_server::RedisServer::start();
        let address = loopback::relink_server().await;
        let base_url = format!("http://{address}/v1");
        let limits = Limits::default().max_in_flight(64);
        let local = client(&base_url, limits.clone());
        let shared = client(&base_url, limits.redis_url(redis.url()));
        // Warm both: connections, the scripts loaded into Redis.
        for kombo in [&local, &shared] {
            parallel(kombo, IN_FLIGHT * 4).await;
        }
        let (mut latency, mut throughput) = (Vec::new(), Vec::new());
        let (mut round_trips, mut parallel_trips) = (Vec::new(), Vec::new());
        for run in 0..runs {
            let local_latency = sequential(&local, calls / 5).await;
            let before = redis.script_calls().await;
            let shared_latency = sequential(&shared, calls / 5).await;
            round_trips.push((redis.script_calls().await - before) as f64 / (calls / 5) as f64);
            let local_rate = parallel(&local, calls).await;
            let before = redis.script_calls().await;
            let shared_rate = parallel(&shared, calls).await;
            parallel_trips.push((redis.script_calls().await - before) as f64 / calls as f64);
            let latency_ratio = shared_latency.as_secs_f64() / local_latency.as_secs_f64();
            let rate_ratio = shared_rate / local_rate;
            println!(
                "run {}: latency in-process {local_latency:?} shared {shared_latency:?} ({latency_ratio:.2}x); \
                 {IN_FLIGHT} in flight in-process {local_rate:.0}/s shared {shared_rate:.0}/s ({rate_ratio:.2}x)",
                run + 1
            );
            latency.push((local_latency.as_secs_f64() * 1e6, shared_latency.as_secs_f64() * 1e6, latency_ratio));
            throughput.push((local_rate, shared_rate, rate_ratio));
        }
        let (l_local, _, _) = median(latency.iter().map(|l| l.0).collect());
        let (l_shared, _, _) = median(latency.iter().map(|l| l.1).collect());
        let (l_ratio, l_min, l_max) = median(latency.iter().map(|l| l.2).collect());
        let (t_local, _, _) = median(throughput.iter().map(|t| t.0).collect());
        let (t_shared, _, _) = median(throughput.iter().map(|t| t.1).collect());
        let (t_ratio, t_min, t_max) = median(throughput.iter().map(|t| t.2).collect());
        let (trips, _, _) = median(round_trips);
        let (parallel_trips, _, _) = median(parallel_trips);
        println!(
            "shared limiter: sequential latency {l_local:.0} µs in-process vs {l_shared:.0} µs shared \
             ({l_ratio:.2}x, runs {l_min:.2}-{l_max:.2}); {IN_FLIGHT} in flight {t_local:.0}/s vs {t_shared:.0}/s \
             ({t_ratio:.2}x, runs {t_min:.2}-{t_max:.2}); Redis scripts per call {trips:.2} sequential, \
             {parallel_trips:.2} with {IN_FLIGHT} in flight"
        );
    });
}
