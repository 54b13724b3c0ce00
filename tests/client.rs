//! The wrapper: regions, auth, secrecy, error families, unexpected bodies,
//! retries and timeouts, against loopback servers.

use std::sync::Mutex;
use std::time::Duration;

mod common;
use common::{ID, capture_logs, error_body, link_body};
use kombo::{Error, ErrorCode, Kombo, RateLimit, Region, RetryPolicy};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const KEY: &str = "sk_live_SECRET_7c1f";

fn ok_body() -> serde_json::Value {
    link_body("https://connect.kombo.dev/v1?token=t")
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .min_delay(Duration::from_millis(10))
        .max_delay(Duration::from_millis(40))
        .jitter(false)
}

fn client(server: &MockServer, retry: RetryPolicy) -> Kombo {
    common::client(server, KEY, retry)
}

async fn relink(kombo: &Kombo) -> Result<String, Error> {
    let response = kombo
        .general()
        .create_reconnection_link()
        .integration_id(ID)
        .send()
        .await?;
    Ok(response.into_inner().data.link)
}

/// Answers with the given responses in order, then repeats the last.
struct Sequence(Mutex<Vec<ResponseTemplate>>);

impl Respond for Sequence {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let mut items = self.0.lock().unwrap();
        if items.len() > 1 {
            items.remove(0)
        } else {
            items[0].clone()
        }
    }
}

async fn server_with(responses: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(Sequence(Mutex::new(responses)))
        .mount(&server)
        .await;
    server
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[test]
fn regions_give_their_base_urls() {
    let eu = Kombo::builder().api_key(KEY).build().unwrap();
    assert_eq!(eu.base_url(), "https://api.kombo.dev/v1");
    assert_eq!(eu.region(), &Region::Eu);
    let us = Kombo::builder()
        .api_key(KEY)
        .region(Region::Us)
        .build()
        .unwrap();
    assert_eq!(us.base_url(), "https://api.us.kombo.dev/v1");
    let custom = Kombo::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:1234/v1/")
        .build()
        .unwrap();
    assert_eq!(custom.base_url(), "http://127.0.0.1:1234/v1");
}

#[test]
fn build_errors_are_clear() {
    let e = Kombo::builder().api_key("  ").build().unwrap_err();
    assert!(e.to_string().contains("empty"), "{e}");
    let e = Kombo::builder()
        .api_key(KEY)
        .base_url("ftp://x/v1")
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("http or https"), "{e}");
}

#[tokio::test]
async fn the_key_is_sent_as_bearer_and_never_shown() {
    let mut body = error_body("PLATFORM.AUTHENTICATION_INVALID");
    body["error"]["log_url"] = json!("https://app.kombo.dev/x/logs?interactionId=42");
    let server = server_with(vec![ResponseTemplate::new(401).set_body_json(body)]).await;
    let builder = Kombo::builder().api_key(KEY);
    assert!(!format!("{builder:?}").contains(KEY));
    let kombo = client(&server, RetryPolicy::disabled());

    let (logs, subscriber) = capture_logs();
    let error = {
        let _guard = tracing::subscriber::set_default(subscriber);
        relink(&kombo).await.unwrap_err()
    };

    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        request.headers.get("authorization").unwrap(),
        &format!("Bearer {KEY}")
    );
    let logs = common::text(&logs);
    for needle in [
        "kombo.call",
        "kombo.operation=\"create_reconnection_link\"",
        "kombo.attempt",
        "http.response.status_code=401",
        "error.code=\"PLATFORM.AUTHENTICATION_INVALID\"",
        "code=\"PLATFORM.AUTHENTICATION_INVALID\"",
        "interactionId=42",
    ] {
        assert!(logs.contains(needle), "{needle} not in {logs}");
    }
    // No bodies by default.
    assert!(!logs.contains("\"message\""), "{logs}");
    for shown in [
        format!("{kombo:?}"),
        format!("{error:?}"),
        error.to_string(),
        logs,
    ] {
        assert!(!shown.contains(KEY), "key leaked in: {shown}");
    }
}

#[tokio::test]
async fn every_error_family_keeps_code_and_status() {
    for (status, code) in [
        (429, "PLATFORM.RATE_LIMIT_EXCEEDED"),
        (409, "INTEGRATION.SETUP_SYNC_PENDING"),
        (502, "REMOTE.SERVICE_UNAVAILABLE"),
        (400, "ATS.JOB_CLOSED"),
        (409, "HRIS.EMPLOYEE_ALREADY_EXISTS"),
        (400, "BRAND_NEW.CODE"),
    ] {
        let server = server_with(vec![
            ResponseTemplate::new(status).set_body_json(error_body(code)),
        ])
        .await;
        let e = relink(&client(&server, RetryPolicy::disabled()))
            .await
            .unwrap_err();
        assert_eq!(e.status().unwrap().as_u16(), status, "{code}");
        assert_eq!(e.code().unwrap().as_str(), code);
    }
}

#[tokio::test]
async fn unexpected_bodies_keep_status_content_type_and_snippet() {
    let html = "<html><body>503 Service Temporarily Unavailable</body></html>";
    let cases = [
        (
            ResponseTemplate::new(503).set_body_raw(html, "text/html"),
            503,
            Some("text/html"),
            "503 Service",
        ),
        (
            ResponseTemplate::new(502).set_body_raw("bad gateway", "text/plain"),
            502,
            Some("text/plain"),
            "bad gateway",
        ),
        (ResponseTemplate::new(500), 500, None, ""),
        (
            ResponseTemplate::new(200).set_body_raw("{\"status\":\"succ", "application/json"),
            200,
            Some("application/json"),
            "{\"status\"",
        ),
        (
            ResponseTemplate::new(400).set_body_json(json!({"unexpected": true})),
            400,
            Some("application/json"),
            "unexpected",
        ),
        // Valid JSON of the wrong shape on success: decoded by the generated type.
        (
            ResponseTemplate::new(200).set_body_json(json!({"status": "success", "data": {}})),
            200,
            Some("application/json"),
            "\"data\":{}",
        ),
    ];
    for (template, status, content_type, snippet) in cases {
        let server = server_with(vec![template]).await;
        let e = relink(&client(&server, RetryPolicy::disabled()))
            .await
            .unwrap_err();
        let Error::UnexpectedResponse(u) = &e else {
            panic!("{status}: {e:?}")
        };
        assert_eq!(u.status.map(|s| s.as_u16()), Some(status), "{e}");
        assert_eq!(u.content_type.as_deref(), content_type, "{e}");
        assert!(u.body_snippet.contains(snippet), "{e}");
        assert!(e.to_string().contains(&status.to_string()), "{e}");
        assert!(u.reason.is_some(), "{e}");
    }
}

#[tokio::test]
async fn rate_limited_twice_then_success() {
    let limited = ResponseTemplate::new(429)
        .set_body_json(error_body("PLATFORM.RATE_LIMIT_EXCEEDED"))
        .insert_header("ratelimit-limit", "100")
        .insert_header("ratelimit-remaining", "0");
    let server = server_with(vec![
        limited.clone(),
        limited,
        ResponseTemplate::new(200).set_body_json(ok_body()),
    ])
    .await;
    let link = relink(&client(&server, fast_retries())).await.unwrap();
    assert!(link.starts_with("https://connect.kombo.dev"));
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn a_retry_sends_the_same_request_again() {
    // Each attempt builds its request from the call: the retry must carry
    // the same method, URL, headers (per-call ones too) and body.
    let server = server_with(vec![
        ResponseTemplate::new(503).set_body_raw("<html>down</html>", "text/html"),
        ResponseTemplate::new(200).set_body_json(ok_body()),
    ])
    .await;
    client(&server, fast_retries())
        .general()
        .create_reconnection_link()
        .integration_id("personio:a/b c")
        .language(kombo::general::create_reconnection_link::Language::De)
        .with_options(kombo::CallOptions::new().header("x-request-tag", "t-1"))
        .send()
        .await
        .unwrap();
    let sent = common::requests(&server).await;
    assert_eq!(sent.len(), 2);
    let (first, retry) = (&sent[0], &sent[1]);
    assert_eq!(
        first.url.path(),
        "/v1/integrations/personio:a%2Fb%20c/relink"
    );
    assert_eq!((&retry.method, &retry.url), (&first.method, &first.url));
    assert_eq!(retry.body, first.body);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&retry.body).unwrap()["language"],
        "de"
    );
    for name in ["authorization", "accept", "content-type", "x-request-tag"] {
        assert!(first.headers.get(name).is_some(), "{name} not sent");
        assert_eq!(retry.headers.get(name), first.headers.get(name), "{name}");
    }
}

#[tokio::test]
async fn conflicts_and_other_4xx_are_not_retried() {
    for (status, code) in [
        (409, "INTEGRATION.SETUP_INCOMPLETE"),
        (400, "PLATFORM.INPUT_INVALID"),
        (429, ""),
    ] {
        let template = if code.is_empty() {
            ResponseTemplate::new(status).set_body_raw("slow down", "text/plain")
        } else {
            ResponseTemplate::new(status).set_body_json(error_body(code))
        };
        let server = server_with(vec![template]).await;
        let e = relink(&client(&server, fast_retries())).await.unwrap_err();
        assert_eq!(e.status().unwrap().as_u16(), status);
        assert_eq!(request_count(&server).await, 1, "{status} {code}");
    }
}

#[tokio::test]
async fn attempts_are_bounded_and_the_last_error_is_returned() {
    let server = server_with(vec![
        ResponseTemplate::new(503).set_body_raw("<html>down</html>", "text/html"),
    ])
    .await;
    let e = relink(&client(&server, fast_retries().max_attempts(4)))
        .await
        .unwrap_err();
    assert_eq!(request_count(&server).await, 4);
    assert!(e.is_retryable());
    assert_eq!(e.status().unwrap().as_u16(), 503);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let limited = ResponseTemplate::new(429)
        .set_body_json(error_body("REMOTE.RATE_LIMIT_EXCEEDED"))
        .insert_header("retry-after", "1");
    let server = server_with(vec![
        limited,
        ResponseTemplate::new(200).set_body_json(ok_body()),
    ])
    .await;
    let (logs, subscriber) = capture_logs();
    {
        let _guard = tracing::subscriber::set_default(subscriber);
        relink(&client(&server, fast_retries())).await.unwrap();
    }
    // The backoff alone would wait 10 ms; the retry waited what the server asked.
    let logs = common::text(&logs);
    assert!(
        logs.contains("retrying Kombo request wait=1s reason=HTTP 429"),
        "{logs}"
    );
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_limit_is_returned_to_the_caller() {
    let limited = ResponseTemplate::new(429)
        .set_body_json(error_body("PLATFORM.RATE_LIMIT_EXCEEDED"))
        .insert_header("retry-after", "3600")
        .insert_header("ratelimit-reset", "3600");
    let server = server_with(vec![limited]).await;
    let e = relink(&client(&server, fast_retries())).await.unwrap_err();
    assert_eq!(request_count(&server).await, 1);
    assert_eq!(e.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(
        e.rate_limit().unwrap().reset,
        Some(Duration::from_secs(3600))
    );
}

#[tokio::test]
async fn retries_can_be_switched_off() {
    let server = server_with(vec![
        ResponseTemplate::new(429).set_body_json(error_body("PLATFORM.RATE_LIMIT_EXCEEDED")),
    ])
    .await;
    let e = relink(&client(&server, RetryPolicy::disabled()))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::PlatformRateLimitExceeded));
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn rate_limit_headers_are_readable_on_success() {
    let server = server_with(vec![
        ResponseTemplate::new(200)
            .set_body_json(ok_body())
            .insert_header("ratelimit-remaining", "42")
            .insert_header("concurrency-limit", "30"),
    ])
    .await;
    let response = client(&server, RetryPolicy::disabled())
        .general()
        .create_reconnection_link()
        .integration_id(ID)
        .send()
        .await
        .unwrap();
    let limits = RateLimit::from_headers(response.headers());
    assert_eq!(limits.remaining, Some(42));
    assert_eq!(limits.concurrency_limit, Some(30));
}

#[tokio::test]
async fn a_slow_server_times_out_as_a_transport_error() {
    let server = server_with(vec![
        ResponseTemplate::new(200)
            .set_body_json(ok_body())
            .set_delay(Duration::from_secs(5)),
    ])
    .await;
    let kombo = Kombo::builder()
        .api_key(KEY)
        .base_url(&format!("{}/v1", server.uri()))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let e = relink(&kombo).await.unwrap_err();
    let Error::Transport(inner) = &e else {
        panic!("{e:?}")
    };
    assert!(inner.is_timeout(), "{e}");
    // A timed-out request may have been processed: not retried.
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn refused_connections_are_retried_then_reported() {
    // Bind and drop to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let kombo = Kombo::builder()
        .api_key(KEY)
        .base_url(&format!("http://127.0.0.1:{port}/v1"))
        .retry(fast_retries().max_attempts(2))
        .build()
        .unwrap();
    let e = relink(&kombo).await.unwrap_err();
    let Error::Transport(inner) = &e else {
        panic!("{e:?}")
    };
    assert!(inner.is_connect());
    assert!(e.is_retryable());
}

#[tokio::test]
async fn an_own_reqwest_client_is_used_and_still_authenticated() {
    let server = server_with(vec![ResponseTemplate::new(200).set_body_json(ok_body())]).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-team", "payroll".parse().unwrap());
    let http = kombo::http_client_builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let kombo = Kombo::builder()
        .api_key(KEY)
        .base_url(&format!("{}/v1", server.uri()))
        .http_client(http)
        .build()
        .unwrap();
    relink(&kombo).await.unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(request.headers.get("x-team").unwrap(), "payroll");
    assert_eq!(
        request.headers.get("authorization").unwrap(),
        &format!("Bearer {KEY}")
    );
}

#[tokio::test]
async fn no_retry_starts_whose_wait_would_end_past_the_time_budget() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "20")
                .set_body_json(error_body("PLATFORM.RATE_LIMIT_EXCEEDED")),
        )
        .mount(&server)
        .await;
    // Retry-After (20 s) is within max_retry_after but past the 5 s budget.
    let policy = fast_retries()
        .max_attempts(10)
        .max_elapsed(Duration::from_secs(5));
    let e = relink(&client(&server, policy)).await.unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::PlatformRateLimitExceeded));
    assert_eq!(e.retry_after(), Some(Duration::from_secs(20)));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// A redirect is not a response the API describes: it is one unexpected
/// response (status and `Location` kept), classified once, neither followed
/// nor retried.
#[tokio::test]
async fn a_redirect_is_an_unexpected_response_and_not_followed() {
    let server = server_with(vec![
        ResponseTemplate::new(302).insert_header("location", "http://127.0.0.1:9/elsewhere"),
    ])
    .await;
    let e = relink(&client(&server, fast_retries())).await.unwrap_err();
    let Error::UnexpectedResponse(u) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(u.status.map(|s| s.as_u16()), Some(302));
    assert!(
        u.reason.as_deref().is_some_and(|r| r.contains("302")),
        "{e}"
    );
    assert_eq!(
        u.headers.get("location").unwrap(),
        "http://127.0.0.1:9/elsewhere"
    );
    assert!(!e.is_retryable());
    assert_eq!(request_count(&server).await, 1);
}

/// A success body of the wrong shape is read once and kept in the error.
#[tokio::test]
async fn a_success_of_the_wrong_shape_names_the_schema_and_keeps_the_body() {
    let server = server_with(vec![
        ResponseTemplate::new(200).set_body_json(json!({"status": "success", "data": {}})),
    ])
    .await;
    let e = relink(&client(&server, fast_retries())).await.unwrap_err();
    let Error::UnexpectedResponse(u) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(u.status.map(|s| s.as_u16()), Some(200));
    assert!(
        u.reason
            .as_deref()
            .is_some_and(|r| r.contains("missing field `link`")),
        "{e}"
    );
    assert_eq!(u.body_snippet, r#"{"status":"success","data":{}}"#);
    assert_eq!(request_count(&server).await, 1);
}
