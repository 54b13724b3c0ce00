//! Per-call cost of the `kombo` client against its anchor: a hand-written
//! reqwest call of the same request (same reqwest build, same JSON, same
//! loopback server), measured in the same run. `scripts/bench.sh` turns the
//! medians into BENCHMARKS.md.

use std::convert::Infallible;
use std::net::SocketAddr;

use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use kombo::{Kombo, RetryPolicy};

const RESPONSE: &str = r#"{"status":"success","data":{"link":"https://connect.kombo.dev/v1?token=embedded_0123456789abcdef"}}"#;
const IN_FLIGHT: usize = 32;

/// A loopback server answering every request with the relink 200.
fn server(rt: &tokio::runtime::Runtime) -> SocketAddr {
    rt.block_on(async {
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
    })
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

async fn with_kombo(kombo: &Kombo) -> String {
    kombo
        .general()
        .create_reconnection_link()
        .integration_id("personio:93fCvorjZ2jas7ZekX1V1n5d")
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .link
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
        b.iter(|| rt.block_on(with_kombo(&no_retry)))
    });
    sequential.bench_function("reqwest_by_hand", |b| {
        b.iter(|| rt.block_on(by_hand(&http, &base)))
    });
    sequential.bench_function("kombo", |b| b.iter(|| rt.block_on(with_kombo(&kombo))));
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
                (0..IN_FLIGHT).map(|_| with_kombo(&kombo)),
            ))
        })
    });
    concurrent.bench_function("kombo_no_retry", |b| {
        b.iter(|| {
            rt.block_on(futures_util::future::join_all(
                (0..IN_FLIGHT).map(|_| with_kombo(&no_retry)),
            ))
        })
    });
    concurrent.finish();
}

criterion_group!(benches, calls);
criterion_main!(benches);
