//! An embedded mock Kombo server for tests and demos (feature `mock`).
//!
//! Binds `127.0.0.1` on an ephemeral port. It checks the bearer header (401
//! `PLATFORM.AUTHENTICATION_INVALID` otherwise), validates request bodies with
//! the types generated from the vendored spec (400 `PLATFORM.INPUT_INVALID`
//! naming the field otherwise), answers `create_reconnection_link` with a
//! schema-valid link, records every request, and injects faults on demand.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use kombo::mock::{Fault, MockServer};
//!
//! let server = MockServer::start().await?;
//! let kombo = kombo::Kombo::builder()
//!     .api_key(MockServer::API_KEY)
//!     .base_url(&server.base_url())
//!     .retry(kombo::RetryPolicy::disabled())
//!     .build()?;
//! server.inject(Fault::ErrorCode { status: 400, code: "INTEGRATION.MODEL_NOT_AVAILABLE".into() });
//! let k = &kombo;
//! match k.general().create_reconnection_link().integration_id("personio:1").send().await {
//!     Ok(r) => println!("{}", r.data.link),
//!     Err(e) => eprintln!("{:?} {:?}", e.status(), e.code()),
//! }
//! assert_eq!(server.requests().len(), 1);
//! let link = kombo.general().create_reconnection_link().integration_id("personio:1").send().await?;
//! assert!(link.data.link.starts_with("https://connect.kombo.dev/"));
//! assert_eq!(server.requests().len(), 2);
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

#[allow(dead_code)] // wired in by the operation routes
mod synth;

use crate::general::create_reconnection_link::{Body as RelinkBody, LinkType};
use crate::generated::operations;

/// A fault to answer the next request with (consumed one per request).
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

#[derive(Default)]
struct State {
    requests: Mutex<Vec<RecordedRequest>>,
    faults: Mutex<VecDeque<Fault>>,
    api_key: Option<String>,
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

    /// Starts a server that accepts [`MockServer::API_KEY`].
    pub async fn start() -> std::io::Result<MockServer> {
        Self::start_with_key(Some(Self::API_KEY.to_owned())).await
    }

    /// Starts a server that accepts this key, or any non-empty bearer token with `None`.
    pub async fn start_with_key(api_key: Option<String>) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            api_key,
            ..State::default()
        });
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
                            let service = service_fn(move |req| handle(state.clone(), req));
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

    /// Queues a fault for the next request not yet answered.
    pub fn inject(&self, fault: Fault) {
        lock(&self.state.faults).push_back(fault);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

type Reply = Response<Full<Bytes>>;

fn json_reply(status: StatusCode, body: &Value) -> Reply {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

/// Kombo's error envelope.
pub fn error_envelope(code: Option<&str>, message: &str) -> Value {
    json!({"status": "error", "error": {
        "code": code, "title": null, "message": message,
        "log_url": "https://app.kombo.dev/mock/logs?interactionId=mock"}})
}

async fn handle(state: Arc<State>, request: Request<Incoming>) -> Result<Reply, Infallible> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    lock(&state.requests).push(RecordedRequest {
        method: parts.method.to_string(),
        path: path.clone(),
        headers: parts.headers.clone(),
        body: body.clone(),
    });
    let fault = lock(&state.faults).pop_front();
    match fault {
        Some(Fault::RateLimited { retry_after }) => {
            let mut r = json_reply(
                StatusCode::TOO_MANY_REQUESTS,
                &error_envelope(Some("PLATFORM.RATE_LIMIT_EXCEEDED"), "Rate limit exceeded."),
            );
            r.headers_mut()
                .insert(http::header::RETRY_AFTER, retry_after.as_secs().into());
            return Ok(r);
        }
        Some(Fault::ServiceUnavailableHtml) => {
            let mut r = Response::new(Full::new(Bytes::from_static(
                b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
            )));
            *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            r.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("text/html"),
            );
            return Ok(r);
        }
        Some(Fault::ErrorCode { status, code }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            return Ok(json_reply(
                status,
                &error_envelope(Some(&code), "Injected by the mock server."),
            ));
        }
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        None => {}
    }
    if !authorized(&state, &parts.headers) {
        return Ok(json_reply(
            StatusCode::UNAUTHORIZED,
            &error_envelope(
                Some("PLATFORM.AUTHENTICATION_INVALID"),
                "Missing or invalid bearer token.",
            ),
        ));
    }
    Ok(route(parts.method.as_str(), parts.uri.path(), &body))
}

fn authorized(state: &State, headers: &http::HeaderMap) -> bool {
    let Some(token) = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    match &state.api_key {
        Some(key) => token == key,
        None => !token.trim().is_empty(),
    }
}

/// Matches a request path (after `/v1`) against an operation's template.
fn matches_template(template: &str, path: &str) -> Option<Vec<String>> {
    let want: Vec<&str> = template.split('/').collect();
    let got: Vec<&str> = path.split('/').collect();
    if want.len() != got.len() {
        return None;
    }
    let mut params = Vec::new();
    for (w, g) in want.iter().zip(&got) {
        if w.starts_with('{') {
            if g.is_empty() {
                return None;
            }
            params.push((*g).to_owned());
        } else if w != g {
            return None;
        }
    }
    Some(params)
}

fn route(method: &str, path: &str, body: &[u8]) -> Reply {
    let Some(relative) = path.strip_prefix("/v1") else {
        return json_reply(
            StatusCode::NOT_FOUND,
            &error_envelope(None, "Not found: the API lives under /v1."),
        );
    };
    let operation = operations::ALL
        .iter()
        .find(|op| op.method == method && matches_template(op.path, relative).is_some());
    match operation.map(|op| op.id) {
        Some("create_reconnection_link") => create_reconnection_link(body),
        Some(other) => json_reply(
            StatusCode::NOT_IMPLEMENTED,
            &error_envelope(
                Some("PLATFORM.UNKNOWN_ERROR"),
                &format!("`{other}` is not mocked."),
            ),
        ),
        None => json_reply(
            StatusCode::NOT_FOUND,
            &error_envelope(
                None,
                &format!("No operation {method} {relative} in the spec."),
            ),
        ),
    }
}

/// Validates the body against the generated request type (hence the spec's
/// schema), naming the offending field.
fn create_reconnection_link(body: &[u8]) -> Reply {
    let parsed: Result<RelinkBody, String> = if body.is_empty() {
        Ok(RelinkBody::default())
    } else {
        let mut de = serde_json::Deserializer::from_slice(body);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let field = e.path().to_string();
            if field == "." {
                format!("body: {}", e.inner())
            } else {
                format!("body.{field}: {}", e.inner())
            }
        })
    };
    let body = match parsed {
        Ok(body) => body,
        Err(message) => {
            return json_reply(
                StatusCode::BAD_REQUEST,
                &error_envelope(Some("PLATFORM.INPUT_INVALID"), &message),
            );
        }
    };
    let token = format!("{:016x}", fastrand::u64(..));
    let link = match body.link_type {
        LinkType::Embedded => format!("https://connect.kombo.dev/v1?token=embedded_{token}"),
        LinkType::MagicLink => format!("https://connect.kombo.dev/v1/magic?token=magic_{token}"),
    };
    json_reply(
        StatusCode::OK,
        &json!({"status": "success", "data": {"link": link}}),
    )
}
