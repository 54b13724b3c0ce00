//! A mock Kombo for tests and demos (feature `mock`), serving every
//! operation of the spec the client is generated from.
//!
//! It binds `127.0.0.1` and routes each request by the operations' method
//! and path template (an unknown path is 404, a known path with another
//! method 405, with Kombo's error envelope). It checks the bearer key (401
//! `PLATFORM.AUTHENTICATION_INVALID`), validates path, query and header
//! parameters — `X-Integration-Id` where the operation needs it — and the
//! body with the very types the client is generated from (400
//! `PLATFORM.INPUT_INVALID` naming the parameter or field), and answers
//! with the spec's example, or a value built from the response schema
//! (deterministic for a seed; formats, enums, unions, nullable values).
//! Operations with Kombo's cursor pattern page through a set number of
//! items. A test cans an operation's answer, injects faults and Kombo's
//! limit headers, and reads the requests it sent.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use kombo::general::create_reconnection_link::{self as relink, OPERATION};
//! use kombo::mock::{Canned, Fault, MockServer};
//!
//! let server = MockServer::start().await?;
//! let kombo = kombo::Kombo::builder()
//!     .api_key(MockServer::API_KEY)
//!     .base_url(&server.base_url())
//!     .retry(kombo::RetryPolicy::disabled())
//!     .build()?;
//! let call = || kombo.general().create_reconnection_link().integration_id("personio:1").send();
//!
//! // A value built from the response schema:
//! assert!(call().await?.data.link.starts_with("http"));
//! // A fault for the next request of this operation:
//! server.inject_for(&OPERATION, Fault::ErrorCode { status: 404, code: "PLATFORM.INTEGRATION_NOT_FOUND".into() });
//! assert_eq!(call().await.unwrap_err().status().map(|s| s.as_u16()), Some(404));
//! // A canned answer, typed:
//! let mut answer: relink::Response = serde_json::from_value(serde_json::json!({
//!     "status": "success", "data": {"link": "https://connect.kombo.dev/v1?token=canned"}
//! }))?;
//! server.respond(&OPERATION, Canned::ok(&answer)?);
//! assert_eq!(call().await?.data.link, "https://connect.kombo.dev/v1?token=canned");
//! assert_eq!(server.requests().len(), 3);
//! # let _ = &mut answer;
//! # Ok(()) }
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

mod answer;
mod example;
mod refine;
mod route;
mod serve;
mod state;
mod synth;

#[doc(hidden)]
pub use example::RequestExample;
pub use route::MockSpec;
#[doc(hidden)]
pub use route::{Decoder, Incoming, Invalid, Route, RoutePaging};

use state::{State, lock};

use crate::{Operation, RateLimit};

/// A fault to answer a request with (consumed one per request).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Fault {
    /// 429 `PLATFORM.RATE_LIMIT_EXCEEDED` with `Retry-After` (whole seconds).
    RateLimited {
        /// Value of `Retry-After`.
        retry_after: Duration,
    },
    /// 503 with an HTML page, as a load balancer sends it.
    ServiceUnavailableHtml,
    /// A Kombo error envelope with this status and code (any code, known or not).
    ErrorCode {
        /// HTTP status.
        status: u16,
        /// The `error.code` string.
        code: String,
    },
    /// Wait this long, then answer normally.
    Delay(Duration),
}

/// An answer a test sets for an operation, in place of the built one.
#[derive(Debug, Clone, PartialEq)]
pub struct Canned {
    status: u16,
    body: Option<Value>,
}

impl Canned {
    /// 200 with `value` — a value of the operation's `Response` type, or
    /// anything that serializes to the JSON wanted.
    pub fn ok(value: &impl Serialize) -> Result<Canned, serde_json::Error> {
        Ok(Canned::json(200, serde_json::to_value(value)?))
    }

    /// `status` with this JSON body, as it is (the mock does not check it).
    pub fn json(status: u16, body: Value) -> Canned {
        Canned {
            status,
            body: Some(body),
        }
    }

    /// `status` with no body.
    pub fn empty(status: u16) -> Canned {
        Canned { status, body: None }
    }
}

/// One request the server received (`#[non_exhaustive]`: what is recorded
/// can grow).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Headers (the `authorization` value is kept as sent: this is a test double).
    pub headers: http::HeaderMap,
    /// Raw body.
    pub body: Bytes,
}

/// Configures a [`MockServer`]: `MockServer::builder().seed(7).start()`.
#[derive(Debug, Clone)]
#[must_use]
pub struct MockServerBuilder {
    spec: MockSpec,
    api_key: Option<String>,
    seed: u64,
    items: usize,
    page_size: usize,
    port: u16,
}

impl MockServerBuilder {
    /// Serves another spec's operations: the `MOCK` a crate generating a
    /// client on kombo's runtime exports (default: kombo's own spec).
    pub fn spec(mut self, spec: MockSpec) -> Self {
        self.spec = spec;
        self
    }

    /// The bearer key accepted (default [`MockServer::API_KEY`]); `None`
    /// accepts any non-empty one.
    pub fn api_key(mut self, key: Option<String>) -> Self {
        self.api_key = key;
        self
    }

    /// The seed of the values built from schemas (default 0): the same seed
    /// gives the same answers.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// How many items a paged operation has (default 3; per operation:
    /// [`MockServer::paginate`]) and a page holds when the request does not
    /// say (`page_size`; default 2, so the default items span two pages).
    pub fn items(mut self, items: usize, page_size: usize) -> Self {
        self.items = items;
        self.page_size = page_size.max(1);
        self
    }

    /// The 127.0.0.1 port (default: any free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Binds and starts serving on the current Tokio runtime.
    pub async fn start(self) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::new(
            self.spec,
            self.api_key,
            self.seed,
            self.items,
            self.page_size,
        ));
        let (shutdown, mut stopped) = oneshot::channel::<()>();
        let accept_state = state.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let state = accept_state.clone();
                        tokio::spawn(async move {
                            let service = service_fn(move |req| {
                                let state = state.clone();
                                async move { Ok::<_, std::convert::Infallible>(serve::handle(state, req).await) }
                            });
                            let _ = http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        });
                    }
                }
            }
        });
        Ok(MockServer {
            addr,
            state,
            _shutdown: shutdown,
        })
    }
}

/// A running mock server; stops when dropped.
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<State>,
    _shutdown: oneshot::Sender<()>,
}

impl MockServer {
    /// The key [`MockServer::start`] accepts.
    pub const API_KEY: &'static str = "mock-api-key";

    /// A server of kombo's own spec that accepts [`MockServer::API_KEY`].
    pub async fn start() -> std::io::Result<MockServer> {
        Self::builder().start().await
    }

    /// A server of kombo's own spec that accepts this key, or any non-empty
    /// bearer token with `None`.
    pub async fn start_with_key(api_key: Option<String>) -> std::io::Result<MockServer> {
        Self::builder().api_key(api_key).start().await
    }

    /// Configures a server.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder {
            spec: crate::generated::mock_routes::SPEC,
            api_key: Some(Self::API_KEY.to_owned()),
            seed: 0,
            items: 3,
            page_size: 2,
            port: 0,
        }
    }

    /// Base URL to give the client: `http://127.0.0.1:<port>/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Requests received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.requests).clone()
    }

    /// Queues a fault for the next request, whatever its operation.
    pub fn inject(&self, fault: Fault) {
        lock(&self.state.faults).push_back(fault);
    }

    /// Queues a fault for the next request of `operation`
    /// (`kombo::<tag>::<operation>::OPERATION`).
    pub fn inject_for(&self, operation: &Operation, fault: Fault) {
        lock(&self.state.operation_faults)
            .entry(operation.id)
            .or_default()
            .push_back(fault);
    }

    /// Answers every valid request of `operation` with `canned` (until
    /// [`forget`](Self::forget)).
    pub fn respond(&self, operation: &Operation, canned: Canned) {
        lock(&self.state.canned).insert(operation.id, canned);
    }

    /// Back to the built answer of `operation`.
    pub fn forget(&self, operation: &Operation) {
        lock(&self.state.canned).remove(operation.id);
    }

    /// How many items `operation`, a paged one, has across its pages.
    pub fn paginate(&self, operation: &Operation, items: usize) {
        lock(&self.state.items).insert(operation.id, items);
    }

    /// Kombo's rate-limit and concurrency headers on every answer
    /// (`ratelimit-*`, `Concurrency-*`; `None` fields are not sent).
    pub fn limit_headers(&self, headers: RateLimit) {
        *lock(&self.state.limit_headers) = Some(headers);
    }
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Kombo's error envelope.
pub fn error_envelope(code: Option<&str>, message: &str) -> Value {
    json!({"status": "error", "error": {
        "code": code, "title": null, "message": message,
        "log_url": "https://app.kombo.dev/mock/logs?interactionId=mock"}})
}
