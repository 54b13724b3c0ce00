//! One request through the mock, in Kombo's order of things: recorded; a
//! queued fault answers it; else the bearer key is checked (401), the route
//! found (404, or 405 for a known path), the parameters and body validated
//! with the generated types (400, naming what is wrong); then the canned
//! response, or the spec's example or a value built from the schema. Kombo's
//! limit headers, when set, go on every answer.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming as Body;
use hyper::{Request, Response, StatusCode};
use serde_json::Value;

use super::answer::{self, Paging};
use super::route::{Incoming, Route, match_template};
use super::state::{State, lock};
use super::{Canned, Fault, RecordedRequest, error_envelope};
use crate::RateLimit;

pub(super) type Reply = Response<Full<Bytes>>;

pub(super) async fn handle(state: Arc<State>, request: Request<Body>) -> Reply {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    lock(&state.requests).push(RecordedRequest {
        method: parts.method.to_string(),
        path: path_and_query,
        headers: parts.headers.clone(),
        body: body.clone(),
    });
    let path = parts.uri.path();
    let route = find(&state, parts.method.as_str(), path);
    let fault = state.next_fault(route.as_ref().ok().map(|(r, _)| r.operation.id));
    let mut reply = match fault {
        Some(Fault::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            answer(&state, &parts, &body, route)
        }
        Some(fault) => faulted(fault),
        None => answer(&state, &parts, &body, route),
    };
    if let Some(limits) = *lock(&state.limit_headers) {
        add_limit_headers(&mut reply, &limits);
    }
    reply
}

/// A route with the path parameters of the request, or the answer Kombo
/// gives an unknown path (404) or method (405).
type Found = Result<(&'static Route, Vec<(&'static str, String)>), Box<Reply>>;

/// The route of `method path`, with its path parameters.
fn find(state: &State, method: &str, path: &str) -> Found {
    let Some(relative) = path.strip_prefix("/v1") else {
        let envelope = error_envelope(None, "Not found: the API lives under /v1.");
        return Err(Box::new(json(StatusCode::NOT_FOUND, &envelope)));
    };
    let mut allowed = Vec::new();
    for route in state.spec.routes {
        if let Some(params) = match_template(route.operation.path, relative) {
            if route.operation.method == method {
                return Ok((route, params));
            }
            allowed.push(route.operation.method);
        }
    }
    if allowed.is_empty() {
        let message = format!("No operation {method} {relative} in the spec.");
        return Err(Box::new(json(
            StatusCode::NOT_FOUND,
            &error_envelope(None, &message),
        )));
    }
    let message = format!("{relative} does not take {method}: {}.", allowed.join(", "));
    let mut reply = json(
        StatusCode::METHOD_NOT_ALLOWED,
        &error_envelope(None, &message),
    );
    if let Ok(allow) = http::HeaderValue::from_str(&allowed.join(", ")) {
        reply.headers_mut().insert(http::header::ALLOW, allow);
    }
    Err(Box::new(reply))
}

fn answer(state: &State, parts: &http::request::Parts, body: &Bytes, route: Found) -> Reply {
    if !authorized(state, &parts.headers) {
        let envelope = error_envelope(
            Some("PLATFORM.AUTHENTICATION_INVALID"),
            "Missing or invalid bearer token.",
        );
        return json(StatusCode::UNAUTHORIZED, &envelope);
    }
    let (route, path) = match route {
        Ok(found) => found,
        Err(reply) => return *reply,
    };
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let incoming = Incoming {
        path,
        query,
        headers: &parts.headers,
        body,
    };
    if let Err(invalid) = (route.validate)(&incoming) {
        return json(
            StatusCode::BAD_REQUEST,
            &error_envelope(Some("PLATFORM.INPUT_INVALID"), &invalid.0),
        );
    }
    if let Some(canned) = lock(&state.canned).get(route.operation.id).cloned() {
        return canned_reply(&canned);
    }
    let paging = Paging {
        items: lock(&state.items)
            .get(route.operation.id)
            .copied()
            .unwrap_or(state.default_items),
        page_size: state.page_size,
    };
    let built = state
        .document()
        .map_err(|e| format!("the embedded spec does not parse: {e}"))
        .and_then(|doc| {
            answer::success(doc, route, &incoming.query, state.seed, paging)
                .map_err(|e| format!("cannot build an answer: {e}"))
        });
    let built = match built {
        Ok(built) => built,
        Err(reason) => return server_error(&reason),
    };
    let status = StatusCode::from_u16(built.status).unwrap_or(StatusCode::OK);
    let Some(body) = built.body else {
        let mut reply = Response::new(Full::new(Bytes::new()));
        *reply.status_mut() = status;
        return reply;
    };
    let mut body = body;
    super::refine::refine(route.operation, incoming.body, &mut body);
    let bytes = body.to_string();
    // What the mock answers, the client must decode: its own check.
    if let Some(decodes) = route.decodes
        && let Err(e) = decodes(bytes.as_bytes())
    {
        return server_error(&format!(
            "the mock built an answer its client cannot decode: {e}"
        ));
    }
    json_text(status, bytes)
}

fn canned_reply(canned: &Canned) -> Reply {
    let status = StatusCode::from_u16(canned.status).unwrap_or(StatusCode::OK);
    match &canned.body {
        Some(body) => json(status, body),
        None => {
            let mut reply = Response::new(Full::new(Bytes::new()));
            *reply.status_mut() = status;
            reply
        }
    }
}

fn faulted(fault: Fault) -> Reply {
    match fault {
        Fault::RateLimited { retry_after } => {
            let envelope =
                error_envelope(Some("PLATFORM.RATE_LIMIT_EXCEEDED"), "Rate limit exceeded.");
            let mut r = json(StatusCode::TOO_MANY_REQUESTS, &envelope);
            r.headers_mut()
                .insert(http::header::RETRY_AFTER, retry_after.as_secs().into());
            r
        }
        Fault::ServiceUnavailableHtml => {
            let mut r = Response::new(Full::new(Bytes::from_static(
                b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
            )));
            *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            r.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("text/html"),
            );
            r
        }
        Fault::ErrorCode { status, code } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            json(
                status,
                &error_envelope(Some(&code), "Injected by the mock server."),
            )
        }
        // Handled before: it delays a normal answer.
        Fault::Delay(_) => server_error("a delay is not an answer"),
    }
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

/// Kombo's rate-limit and concurrency headers, as set by the test.
fn add_limit_headers(reply: &mut Reply, limits: &RateLimit) {
    let headers = reply.headers_mut();
    let pairs = [
        ("ratelimit-limit", limits.limit),
        ("ratelimit-remaining", limits.remaining),
        (
            "ratelimit-reset",
            limits.reset.map(|d: Duration| d.as_secs()),
        ),
        ("concurrency-limit", limits.concurrency_limit),
        ("concurrency-remaining", limits.concurrency_remaining),
    ];
    for (name, value) in pairs {
        if let Some(value) = value {
            headers.insert(name, value.into());
        }
    }
}

fn server_error(reason: &str) -> Reply {
    json(
        StatusCode::INTERNAL_SERVER_ERROR,
        &error_envelope(Some("PLATFORM.UNKNOWN_ERROR"), reason),
    )
}

pub(super) fn json(status: StatusCode, body: &Value) -> Reply {
    json_text(status, body.to_string())
}

fn json_text(status: StatusCode, body: String) -> Reply {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}
