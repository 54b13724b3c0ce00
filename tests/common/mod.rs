//! What the root test binaries share: a client of a loopback server, Kombo's
//! envelopes, log capture. Each binary uses part of it.
#![allow(dead_code, unused_imports)]

mod logs;

pub use logs::{capture_logs, text};

use kombo::{Kombo, KomboBuilder, RetryPolicy};
use serde_json::{Value, json};
use wiremock::MockServer;

/// The integration the tests relink.
pub const ID: &str = "personio:93fCvorjZ2jas7ZekX1V1n5d";

/// A builder aimed at `server`'s `/v1`, without retries and without a key.
pub fn builder(server: &MockServer) -> KomboBuilder {
    Kombo::builder()
        .base_url(&format!("{}/v1", server.uri()))
        .retry(RetryPolicy::disabled())
}

/// A client of `server` with `key`, retrying as `retry` says.
pub fn client(server: &MockServer, key: &str, retry: RetryPolicy) -> Kombo {
    builder(server).api_key(key).retry(retry).build().unwrap()
}

/// Kombo's success envelope of a reconnection link.
pub fn link_body(link: &str) -> Value {
    json!({"status": "success", "data": {"link": link}})
}

/// Kombo's error envelope with `code` (a string, or `null`).
pub fn error_body(code: impl Into<Value>) -> Value {
    json!({"status": "error", "error": {
        "code": code.into(), "title": "A title", "message": "Something failed.",
        "log_url": "https://app.kombo.dev/my-prod/logs?interactionId=123456"}})
}

/// Every request `server` received.
pub async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap()
}
