//! The limiter under load, against a stand-in on 127.0.0.1 that enforces
//! Kombo's limits per `X-Integration-Id`: 30 action requests in flight
//! (over it, 429 `PLATFORM.CONCURRENCY_LIMIT_EXCEEDED`; every answer carries
//! `Concurrency-Limit` / `Concurrency-Remaining`), and a rate-limit window
//! (after `ratelimit-remaining: 0`, 429 `PLATFORM.RATE_LIMIT_EXCEEDED` until
//! `ratelimit-reset`). Bounded in calls and time; counts are asserted,
//! durations only reported.
//!
//! The action endpoint is a scoped POST declared here through the runtime
//! the generated clients use (`kombo::__private`), as `POST /hris/absences`
//! is generated in `kombo-fixtures`.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
mod common;
use kombo::__private::{Call, CallOptions, Operation, ScopedHeader, core};
use kombo::{Error, Kombo, Limits, RetryPolicy};
use tokio::sync::watch;

const LIMIT: usize = 30;

static CREATE_ABSENCE: Operation = Operation {
    id: "create_absence",
    spec_id: "PostHrisAbsences",
    tag: "hris",
    method: "POST",
    path: "/hris/absences",
    scoped_headers: &[ScopedHeader {
        name: "X-Integration-Id",
        required: true,
    }],
    request_content_type: None,
};

/// What the stand-in saw.
#[derive(Default)]
struct Seen {
    in_flight: Mutex<HashMap<String, usize>>,
    peak: Mutex<HashMap<String, usize>>,
    received: Mutex<HashMap<String, usize>>,
    concurrency_429: AtomicUsize,
    rate_429: AtomicUsize,
    /// When the rate-limit window reopens, once a response said `remaining: 0`.
    window_closed_until: Mutex<Option<Instant>>,
}

impl Seen {
    fn peak(&self, id: &str) -> usize {
        self.peak.lock().unwrap().get(id).copied().unwrap_or(0)
    }
    fn received(&self, id: &str) -> usize {
        self.received.lock().unwrap().get(id).copied().unwrap_or(0)
    }
    fn in_flight(&self, id: &str) -> usize {
        self.in_flight.lock().unwrap().get(id).copied().unwrap_or(0)
    }
}

struct StandIn {
    seen: Arc<Seen>,
    /// Integrations whose requests are held until `release` turns true.
    release: watch::Sender<bool>,
    base_url: String,
}

#[derive(Clone)]
struct Behaviour {
    /// How long a request is held in flight.
    hold: Duration,
    held: Option<&'static str>,
    /// `Some(reset)`: the first response closes the window for that long.
    close_window: Option<u64>,
}

async fn stand_in(behaviour: Behaviour) -> StandIn {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address: SocketAddr = listener.local_addr().unwrap();
    let seen = Arc::new(Seen::default());
    let (release, released) = watch::channel(false);
    let state = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (seen, behaviour, released) = (state.clone(), behaviour.clone(), released.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let (seen, behaviour, released) =
                        (seen.clone(), behaviour.clone(), released.clone());
                    async move {
                        Ok::<_, Infallible>(answer(request, &seen, &behaviour, released).await)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    StandIn {
        seen,
        release,
        base_url: format!("http://{address}/v1"),
    }
}

async fn answer(
    request: hyper::Request<hyper::body::Incoming>,
    seen: &Seen,
    behaviour: &Behaviour,
    mut released: watch::Receiver<bool>,
) -> hyper::Response<Full<Bytes>> {
    let id = request
        .headers()
        .get("x-integration-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unscoped")
        .to_owned();
    let _ = request.into_body().collect().await;
    *seen.received.lock().unwrap().entry(id.clone()).or_default() += 1;
    let closed = *seen.window_closed_until.lock().unwrap();
    if closed.is_some_and(|until| Instant::now() < until) {
        seen.rate_429.fetch_add(1, Ordering::SeqCst);
        return error(
            429,
            "PLATFORM.RATE_LIMIT_EXCEEDED",
            &[("ratelimit-remaining", "0".into())],
        );
    }
    let now_in_flight = {
        let mut in_flight = seen.in_flight.lock().unwrap();
        let n = in_flight.entry(id.clone()).or_default();
        *n += 1;
        let n = *n;
        let mut peak = seen.peak.lock().unwrap();
        let p = peak.entry(id.clone()).or_default();
        *p = (*p).max(n);
        n
    };
    let headers = |remaining: usize| {
        vec![
            ("concurrency-limit", LIMIT.to_string()),
            ("concurrency-remaining", remaining.to_string()),
        ]
    };
    let response = if now_in_flight > LIMIT {
        seen.concurrency_429.fetch_add(1, Ordering::SeqCst);
        error(429, "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED", &headers(0))
    } else {
        if behaviour.held == Some(id.as_str()) {
            let _ = released.wait_for(|go| *go).await;
        }
        tokio::time::sleep(behaviour.hold).await;
        // What is left as the answer leaves (this request still counted).
        let mut headers = headers(LIMIT.saturating_sub(seen.in_flight(&id)));
        if let Some(reset) = behaviour.close_window {
            let mut closed = seen.window_closed_until.lock().unwrap();
            if closed.is_none() {
                *closed = Some(Instant::now() + Duration::from_secs(reset));
                headers.push(("ratelimit-remaining", "0".into()));
                headers.push(("ratelimit-reset", reset.to_string()));
            }
        }
        respond(
            200,
            r#"{"status":"success","data":{}}"#.to_owned(),
            &headers,
        )
    };
    *seen.in_flight.lock().unwrap().get_mut(&id).unwrap() -= 1;
    response
}

fn error(
    status: u16,
    code: &str,
    headers: &[(&'static str, String)],
) -> hyper::Response<Full<Bytes>> {
    let body = format!(
        r#"{{"status":"error","error":{{"code":"{code}","title":null,"message":"limited","log_url":null}}}}"#
    );
    respond(status, body, headers)
}

fn respond(
    status: u16,
    body: String,
    headers: &[(&'static str, String)],
) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
    let h = response.headers_mut();
    h.insert("content-type", "application/json".parse().unwrap());
    for (name, value) in headers {
        h.insert(*name, value.parse().unwrap());
    }
    response
}

fn client(stand_in: &StandIn, limits: Limits, retry: RetryPolicy) -> Kombo {
    Kombo::builder()
        .api_key("load-test")
        .base_url(&stand_in.base_url)
        .limits(limits)
        .retry(retry)
        .build()
        .unwrap()
}

/// Retries fast enough that a run without the limiter ends in seconds.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(100)
        .min_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(50))
}

async fn create_absence(kombo: &Kombo) -> Result<(), Error> {
    let mut call = Call::new(core(kombo), &CREATE_ABSENCE, CallOptions::new(), &[])?;
    call.json_body(&serde_json::json!({"employee_id": "e1", "absence_type_id": "t1"}))?;
    call.send::<serde_json::Value>().await.map(|_| ())
}

async fn burst(kombo: &Kombo, calls: usize) -> usize {
    join_all((0..calls).map(|_| create_absence(kombo)))
        .await
        .iter()
        .filter(|r| r.is_ok())
        .count()
}

fn fast() -> Behaviour {
    Behaviour {
        hold: Duration::from_millis(20),
        held: None,
        close_window: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_action_calls_on_one_integration_get_no_429_with_the_limiter() {
    const CALLS: usize = 300;
    let server = stand_in(fast()).await;
    let kombo = client(&server, Limits::default(), quick_retries()).integration("personio:1");
    let started = Instant::now();
    assert_eq!(burst(&kombo, CALLS).await, CALLS);
    let seen = &server.seen;
    eprintln!(
        "limiter on: {CALLS} calls in {:?}, {} requests, peak {} in flight, {} concurrency 429s",
        started.elapsed(),
        seen.received("personio:1"),
        seen.peak("personio:1"),
        seen.concurrency_429.load(Ordering::SeqCst)
    );
    assert_eq!(seen.concurrency_429.load(Ordering::SeqCst), 0);
    assert_eq!(seen.received("personio:1"), CALLS, "each call sent once");
    assert!(seen.peak("personio:1") <= LIMIT);

    let server = stand_in(fast()).await;
    let kombo = client(&server, Limits::disabled(), quick_retries()).integration("personio:1");
    let started = Instant::now();
    assert_eq!(burst(&kombo, CALLS).await, CALLS, "retries carry them all");
    let seen = &server.seen;
    let rejected = seen.concurrency_429.load(Ordering::SeqCst);
    eprintln!(
        "limiter off: {CALLS} calls in {:?}, {} requests, {rejected} concurrency 429s",
        started.elapsed(),
        seen.received("personio:1"),
    );
    assert_eq!(seen.received("personio:1"), CALLS + rejected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_integrations_do_not_throttle_each_other() {
    let server = stand_in(Behaviour {
        hold: Duration::ZERO,
        held: Some("personio:a"),
        close_window: None,
    })
    .await;
    let kombo = client(&server, Limits::default(), RetryPolicy::disabled());
    let a = kombo.integration("personio:a");
    // 40 calls for a: 30 reach the stand-in and are held there, 10 wait in the client.
    let a_calls = tokio::spawn(async move { burst(&a, 40).await });
    let filled = async {
        while server.seen.in_flight("personio:a") < LIMIT {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), filled)
        .await
        .expect("a's 30 slots fill");
    // b is not held behind a's full gate.
    let b = kombo.integration("personio:b");
    let b_ok = tokio::time::timeout(Duration::from_secs(20), burst(&b, LIMIT))
        .await
        .expect("b's calls finish while a is full");
    assert_eq!(b_ok, LIMIT);
    assert_eq!(server.seen.received("personio:a"), LIMIT, "a's 31st waited");
    server.release.send(true).unwrap();
    assert_eq!(a_calls.await.unwrap(), 40);
    assert_eq!(server.seen.concurrency_429.load(Ordering::SeqCst), 0);
    assert_eq!(server.seen.peak("personio:a"), LIMIT);
}

#[tokio::test]
async fn an_exhausted_rate_limit_holds_the_next_call_until_reset() {
    let server = stand_in(Behaviour {
        hold: Duration::ZERO,
        held: None,
        close_window: Some(1),
    })
    .await;
    // No retries: a 429 would come back as the call's error.
    let kombo = client(&server, Limits::default(), RetryPolicy::disabled()).integration("x:1");
    create_absence(&kombo).await.unwrap();
    let started = Instant::now();
    let (logs, subscriber) = common::capture_logs();
    {
        let _guard = tracing::subscriber::set_default(subscriber);
        create_absence(&kombo).await.unwrap();
    }
    eprintln!("the second call was held {:?}", started.elapsed());
    let logs = common::text(&logs);
    // The wait is visible, with its reason, in the call's span.
    assert!(
        logs.contains("kombo.call")
            && logs.contains("waiting for Kombo's rate limit to reset")
            && logs.contains("reason=\"ratelimit-remaining: 0\""),
        "{logs}"
    );
    assert_eq!(server.seen.rate_429.load(Ordering::SeqCst), 0);
    assert_eq!(server.seen.received("x:1"), 2);
}

#[tokio::test]
async fn past_its_budget_a_rate_limited_call_fails_fast_and_sends_nothing() {
    let server = stand_in(Behaviour {
        hold: Duration::ZERO,
        held: None,
        close_window: Some(60),
    })
    .await;
    let budget = RetryPolicy::disabled().max_elapsed(Duration::from_secs(2));
    let kombo = client(&server, Limits::default(), budget).integration("x:1");
    create_absence(&kombo).await.unwrap();
    let e = create_absence(&kombo).await.unwrap_err();
    let &Error::RateLimited { retry_after, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(retry_after > Duration::from_secs(2) && retry_after <= Duration::from_secs(60));
    assert!(e.is_retryable());
    assert_eq!(e.retry_after(), Some(retry_after));
    assert_eq!(server.seen.received("x:1"), 1, "nothing sent");
    // Another integration is not held (the stand-in's window is shared, so
    // Kombo answers it 429 itself).
    let e = create_absence(&kombo.integration("x:2")).await.unwrap_err();
    assert!(matches!(e, Error::Api(_)), "{e:?}");
    assert_eq!(server.seen.received("x:2"), 1);
}
