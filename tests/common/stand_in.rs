//! A stand-in Kombo on 127.0.0.1 that enforces Kombo's limits per
//! `X-Integration-Id`: 30 action requests in flight (over it, 429
//! `PLATFORM.CONCURRENCY_LIMIT_EXCEEDED`; every answer carries
//! `Concurrency-Limit` / `Concurrency-Remaining`), and a rate-limit window
//! (after `ratelimit-remaining: 0`, 429 `PLATFORM.RATE_LIMIT_EXCEEDED` until
//! `ratelimit-reset`) — and the action call the limiter tests send it.
//!
//! The action endpoint is a scoped POST declared through the runtime the
//! generated clients use (`kombo::__private`), as `POST /hris/absences` is
//! generated in `kombo-fixtures`: the vendored spec has no scoped action.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use kombo::__private::{Call, CallOptions, Operation, ScopedHeader, core};
use kombo::{Error, Kombo, Limits, RetryPolicy};
use tokio::sync::watch;

/// The stand-in's concurrency limit per integration.
pub const LIMIT: usize = 30;

pub static CREATE_ABSENCE: Operation = Operation {
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
pub struct Seen {
    pub in_flight: Mutex<HashMap<String, usize>>,
    peak: Mutex<HashMap<String, usize>>,
    received: Mutex<HashMap<String, usize>>,
    pub concurrency_429: AtomicUsize,
    pub rate_429: AtomicUsize,
    /// When the rate-limit window reopens, once a response said `remaining: 0`.
    window_closed_until: Mutex<Option<Instant>>,
}

impl Seen {
    pub fn peak(&self, id: &str) -> usize {
        self.peak.lock().unwrap().get(id).copied().unwrap_or(0)
    }
    pub fn received(&self, id: &str) -> usize {
        self.received.lock().unwrap().get(id).copied().unwrap_or(0)
    }
    pub fn in_flight(&self, id: &str) -> usize {
        self.in_flight.lock().unwrap().get(id).copied().unwrap_or(0)
    }
}

pub struct StandIn {
    pub seen: Arc<Seen>,
    /// Integrations whose requests are held until `release` turns true.
    pub release: watch::Sender<bool>,
    pub base_url: String,
}

#[derive(Clone)]
pub struct Behaviour {
    /// How long a request is held in flight.
    pub hold: Duration,
    pub held: Option<&'static str>,
    /// `Some(reset)`: the first response closes the window for that long.
    pub close_window: Option<u64>,
}

pub async fn stand_in(behaviour: Behaviour) -> StandIn {
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
    // Counted out when the answer is done or the client hung up (a dropped
    // connection drops this future).
    struct InFlight<'a>(&'a Seen, String);
    impl Drop for InFlight<'_> {
        fn drop(&mut self) {
            if let Some(n) = self.0.in_flight.lock().unwrap().get_mut(&self.1) {
                *n -= 1;
            }
        }
    }
    let _counted = InFlight(seen, id.clone());
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
    if now_in_flight > LIMIT {
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
    }
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

pub fn client(stand_in: &StandIn, limits: Limits, retry: RetryPolicy) -> Kombo {
    Kombo::builder()
        .api_key("load-test")
        .base_url(&stand_in.base_url)
        .limits(limits)
        .retry(retry)
        .build()
        .unwrap()
}

/// Retries fast enough that a run without the limiter ends in seconds.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(100)
        .min_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(50))
}

pub async fn create_absence(kombo: &Kombo) -> Result<(), Error> {
    let mut call = Call::new(core(kombo), &CREATE_ABSENCE, CallOptions::new(), &[])?;
    call.json_body(&serde_json::json!({"employee_id": "e1", "absence_type_id": "t1"}))?;
    call.send::<serde_json::Value>().await.map(|_| ())
}

pub async fn burst(kombo: &Kombo, calls: usize) -> usize {
    join_all((0..calls).map(|_| create_absence(kombo)))
        .await
        .iter()
        .filter(|r| r.is_ok())
        .count()
}

pub fn fast() -> Behaviour {
    Behaviour {
        hold: Duration::from_millis(20),
        held: None,
        close_window: None,
    }
}
