//! Throughput: 20,000 relink calls, 32 in flight (`for_each_concurrent`),
//! `kombo` against a plain reqwest client doing `.json()`,
//! `error_for_status()`, `.json()` — the same reqwest client and loopback
//! hyper server, in the same process, runs interleaved. Prints each run's
//! calls per second and ratio, then the median ratio and range.
//!
//! `cargo bench --bench throughput` (runs: `BENCH_THROUGHPUT_RUNS`, default 5;
//! calls: `BENCH_THROUGHPUT_CALLS`, default 20,000); `-- --test` runs one
//! small round (CI smoke).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use kombo::{Kombo, RetryPolicy};

const RESPONSE: &str = r#"{"status":"success","data":{"link":"https://connect.kombo.dev/v1?token=embedded_0123456789abcdef"}}"#;
const IN_FLIGHT: usize = 32;
const ID: &str = "personio:93fCvorjZ2jas7ZekX1V1n5d";

async fn server() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    |request: hyper::Request<hyper::body::Incoming>| async move {
                        let _ = request.into_body().collect().await;
                        let mut response = hyper::Response::new(Full::new(Bytes::from_static(
                            RESPONSE.as_bytes(),
                        )));
                        response
                            .headers_mut()
                            .insert("content-type", "application/json".parse().unwrap());
                        Ok::<_, Infallible>(response)
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    address
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
    kombo
        .general()
        .create_reconnection_link()
        .integration_id(ID)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .link
        .len()
}

/// Seconds for `calls` calls, `IN_FLIGHT` at a time.
async fn timed<F, Fut>(calls: usize, call: F) -> Duration
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
        timed(calls.min(2_000), || by_hand(&http, &url)).await;
        timed(calls.min(2_000), || with_kombo(&kombo)).await;
        let mut ratios = Vec::new();
        for run in 1..=runs {
            let anchor = timed(calls, || by_hand(&http, &url)).await;
            let ours = timed(calls, || with_kombo(&kombo)).await;
            let ratio = anchor.as_secs_f64() / ours.as_secs_f64();
            println!(
                "run {run}: reqwest {:.0} calls/s, kombo {:.0} calls/s, throughput ratio {ratio:.3}",
                calls as f64 / anchor.as_secs_f64(),
                calls as f64 / ours.as_secs_f64(),
            );
            ratios.push(ratio);
        }
        ratios
    });
    let (low, high) = ratios
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), r| (l.min(*r), h.max(*r)));
    println!(
        "throughput, {calls} calls, {IN_FLIGHT} in flight: kombo / reqwest = {:.3} (median of {runs}; range {low:.3}-{high:.3})",
        median(ratios)
    );
}
