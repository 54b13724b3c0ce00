//! Throughput: 20,000 relink calls, 32 in flight (`for_each_concurrent`),
//! `kombo` against a plain reqwest client doing `.json()`,
//! `error_for_status()`, `.json()` — the same reqwest client and loopback
//! hyper server, in the same process, interleaved in slices. Prints each run's
//! calls per second and ratio, then the median ratio and range.
//!
//! `cargo bench --bench throughput` (runs: `BENCH_THROUGHPUT_RUNS`, default 5;
//! calls: `BENCH_THROUGHPUT_CALLS`, default 20,000); `-- --test` runs one
//! small round (CI smoke).

use std::alloc::{GlobalAlloc, Layout, System};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use kombo::{Kombo, RetryPolicy};

#[path = "common/loopback.rs"]
mod loopback;
const IN_FLIGHT: usize = 32;

/// Counts allocations (the profile's top entries are malloc, free and memmove):
/// deterministic where wall and CPU time are not on a shared machine.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static ALLOCATED: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        ALLOCATED.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        ALLOCATED.fetch_add(new_size as u64, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Allocations and bytes allocated per call (server and client alike).
async fn allocations<F, Fut>(calls: usize, call: F) -> (f64, f64)
where
    F: Fn() -> Fut,
    Fut: Future<Output = usize>,
{
    let (n, bytes) = (
        ALLOCATIONS.load(Ordering::Relaxed),
        ALLOCATED.load(Ordering::Relaxed),
    );
    wall(calls, call).await;
    let per = |now: u64, then: u64| (now - then) as f64 / calls as f64;
    (
        per(ALLOCATIONS.load(Ordering::Relaxed), n),
        per(ALLOCATED.load(Ordering::Relaxed), bytes),
    )
}
use loopback::ID;

async fn server() -> SocketAddr {
    loopback::relink_server().await
}

#[derive(serde::Serialize)]
struct Body {
    language: &'static str,
    link_type: &'static str,
}

#[derive(serde::Deserialize)]
struct Link {
    data: LinkData,
}

#[derive(serde::Deserialize)]
struct LinkData {
    link: String,
}

async fn by_hand(http: &reqwest::Client, url: &str) -> usize {
    let link: Link = http
        .post(url)
        .bearer_auth("bench-key")
        .json(&Body {
            language: "en",
            link_type: "EMBEDDED",
        })
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    link.data.link.len()
}

async fn with_kombo(kombo: &Kombo) -> usize {
    loopback::relink(kombo).await.len()
}

/// CPU time of every thread of this process so far (server and client
/// alike), in ns: less sensitive than wall time to other work on the machine.
fn cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// Wall and CPU time for `calls` calls, `IN_FLIGHT` at a time.
async fn timed<F, Fut>(calls: usize, call: F) -> (Duration, u64)
where
    F: Fn() -> Fut,
    Fut: Future<Output = usize>,
{
    let cpu = cpu_ns();
    let wall = wall(calls, call).await;
    (wall, cpu_ns().saturating_sub(cpu))
}

async fn wall<F, Fut>(calls: usize, call: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: Future<Output = usize>,
{
    let started = Instant::now();
    futures_util::stream::iter(0..calls)
        .for_each_concurrent(IN_FLIGHT, |_| {
            let call = call();
            async move {
                std::hint::black_box(call.await);
            }
        })
        .await;
    started.elapsed()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--test");
    let (runs, calls) = if smoke {
        (1, 200)
    } else {
        (
            env("BENCH_THROUGHPUT_RUNS", 5),
            env("BENCH_THROUGHPUT_CALLS", 20_000),
        )
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    // For profiling one side: BENCH_THROUGHPUT_ONLY=kombo or =reqwest.
    let only = std::env::var("BENCH_THROUGHPUT_ONLY").ok();
    if let Some(only) = only {
        rt.block_on(async {
            let address = server().await;
            let base = format!("http://{address}/v1");
            let url = format!("{base}/integrations/{ID}/relink");
            let http = kombo::http_client_builder().build().unwrap();
            let kombo = Kombo::builder()
                .api_key("bench-key")
                .base_url(&base)
                .http_client(http.clone())
                .build()
                .unwrap();
            let (elapsed, cpu) = if only == "kombo" {
                timed(calls, || with_kombo(&kombo)).await
            } else {
                timed(calls, || by_hand(&http, &url)).await
            };
            println!(
                "{only}: {calls} calls in {elapsed:?}, {:.1} µs CPU per call",
                cpu as f64 / calls as f64 / 1e3
            );
        });
        return;
    }
    let ratios = rt.block_on(async {
        let address = server().await;
        let base = format!("http://{address}/v1");
        let url = format!("{base}/integrations/{ID}/relink");
        let http = kombo::http_client_builder().build().unwrap();
        let kombo = Kombo::builder()
            .api_key("bench-key")
            .base_url(&base)
            .retry(RetryPolicy::default())
            .http_client(http.clone())
            .build()
            .unwrap();
        // Warm the pool and the allocator.
        wall(calls.min(2_000), || by_hand(&http, &url)).await;
        wall(calls.min(2_000), || with_kombo(&kombo)).await;
        let mut ratios = Vec::new();
        // Each run alternates the two clients in 10 slices, so drift on a
        // shared machine (other builds) falls on both alike.
        let (a_n, a_bytes) = allocations(1_000, || by_hand(&http, &url)).await;
        let (k_n, k_bytes) = allocations(1_000, || with_kombo(&kombo)).await;
        println!(
            "allocations per call: reqwest {a_n:.1} ({a_bytes:.0} bytes), kombo {k_n:.1} ({k_bytes:.0} bytes)"
        );
        let slice = (calls / 10).max(1);
        for run in 1..=runs {
            let (mut anchor, mut ours) = (Duration::ZERO, Duration::ZERO);
            let (mut anchor_cpu, mut ours_cpu) = (0u64, 0u64);
            // Who goes first alternates too: the second of a pair inherits
            // the first's connections, allocator and cache state.
            for i in 0..10 {
                for kombo_now in [i % 2 == 0, i % 2 == 1] {
                    if kombo_now {
                        let (wall, cpu) = timed(slice, || with_kombo(&kombo)).await;
                        (ours, ours_cpu) = (ours + wall, ours_cpu + cpu);
                    } else {
                        let (wall, cpu) = timed(slice, || by_hand(&http, &url)).await;
                        (anchor, anchor_cpu) = (anchor + wall, anchor_cpu + cpu);
                    }
                }
            }
            let done = (slice * 10) as f64;
            let ratio = anchor.as_secs_f64() / ours.as_secs_f64();
            let cpu_ratio = anchor_cpu as f64 / ours_cpu.max(1) as f64;
            println!(
                "run {run}: reqwest {:.0} calls/s, kombo {:.0} calls/s, throughput ratio {ratio:.3}; CPU per call {:.1} µs vs {:.1} µs, ratio {cpu_ratio:.3}",
                done / anchor.as_secs_f64(),
                done / ours.as_secs_f64(),
                anchor_cpu as f64 / done / 1e3,
                ours_cpu as f64 / done / 1e3,
            );
            ratios.push((ratio, cpu_ratio));
        }
        ratios
    });
    for (what, pick) in [("throughput", 0), ("CPU per call", 1)] {
        let values: Vec<f64> = ratios
            .iter()
            .map(|r| if pick == 0 { r.0 } else { r.1 })
            .collect();
        let (low, high) = values
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, h), r| (l.min(*r), h.max(*r)));
        println!(
            "{what}, {calls} calls, {IN_FLIGHT} in flight: reqwest / kombo = {:.3} (median of {runs}; range {low:.3}-{high:.3})",
            median(values)
        );
    }
}
