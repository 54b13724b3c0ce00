//! Per-call cost of the `kombo` client against its anchor: a hand-written
//! reqwest call of the same request (same reqwest build, same JSON, same
//! loopback server), measured in the same run. `scripts/bench.sh` turns the
//! medians into BENCHMARKS.md.

use std::net::SocketAddr;

use criterion::{Criterion, criterion_group, criterion_main};
use kombo::{Kombo, RetryPolicy};

#[path = "common/loopback.rs"]
mod loopback;
const IN_FLIGHT: usize = 32;

/// The loopback server, started on `rt`.
fn server(rt: &tokio::runtime::Runtime) -> SocketAddr {
    rt.block_on(loopback::relink_server())
}

/// The anchor: what a user would write by hand with reqwest.
#[derive(serde::Deserialize)]
struct Link {
    #[allow(dead_code)]
    status: String,
    data: LinkData,
}

#[derive(serde::Deserialize)]
struct LinkData {
    link: String,
}

#[derive(serde::Serialize)]
struct Body {
    language: &'static str,
    link_type: &'static str,
}

async fn by_hand(http: &reqwest::Client, base: &str) -> String {
    let response = http
        .post(format!(
            "{base}/integrations/personio:93fCvorjZ2jas7ZekX1V1n5d/relink"
        ))
        .bearer_auth("bench-key")
        .json(&Body {
            language: "en",
            link_type: "EMBEDDED",
        })
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    response.json::<Link>().await.unwrap().data.link
}

fn calls(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let address = server(&rt);
    let base = format!("http://{address}/v1");
    let http = kombo::http_client_builder().build().unwrap();
    let kombo = Kombo::builder()
        .api_key("bench-key")
        .base_url(&base)
        .retry(RetryPolicy::default())
        .http_client(http.clone())
        .build()
        .unwrap();

    let no_retry = Kombo::builder()
        .api_key("bench-key")
        .base_url(&base)
        .retry(RetryPolicy::disabled())
        .http_client(http.clone())
        .build()
        .unwrap();
    let mut sequential = c.benchmark_group("sequential");
    sequential.bench_function("kombo_no_retry", |b| {
        b.iter(|| rt.block_on(loopback::relink(&no_retry)))
    });
    sequential.bench_function("reqwest_by_hand", |b| {
        b.iter(|| rt.block_on(by_hand(&http, &base)))
    });
    sequential.bench_function("kombo", |b| {
        b.iter(|| rt.block_on(loopback::relink(&kombo)))
    });
    sequential.finish();

    let mut concurrent = c.benchmark_group("in_flight_32");
    concurrent.bench_function("reqwest_by_hand", |b| {
        b.iter(|| {
            rt.block_on(futures_util::future::join_all(
                (0..IN_FLIGHT).map(|_| by_hand(&http, &base)),
            ))
        })
    });
    concurrent.bench_function("kombo", |b| {
        b.iter(|| {
            rt.block_on(futures_util::future::join_all(
                (0..IN_FLIGHT).map(|_| loopback::relink(&kombo)),
            ))
        })
    });
    concurrent.bench_function("kombo_no_retry", |b| {
        b.iter(|| {
            rt.block_on(futures_util::future::join_all(
                (0..IN_FLIGHT).map(|_| loopback::relink(&no_retry)),
            ))
        })
    });
    concurrent.finish();
}

criterion_group!(benches, calls);
criterion_main!(benches);
