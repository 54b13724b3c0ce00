//! What a user touches on every operation: body setters with short type
//! names, `send()` returning `kombo::Error`, per-call options, key providers.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use kombo::general::create_reconnection_link::{Language, LinkType};
mod common;
use common::{builder, link_body, requests};
use kombo::{CallOptions, Error, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(link_body("https://x.test/l"))
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok())
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn body_fields_are_setters_with_short_type_names() {
    let server = server().await;
    let kombo = builder(&server).api_key("k").build().unwrap();
    kombo
        .general()
        .create_reconnection_link()
        .integration_id("personio:1")
        .link_type(LinkType::MagicLink)
        .language(Language::De)
        .scope_config_id("scope-1".to_owned())
        .send()
        .await
        .unwrap();
    let sent: Value = requests(&server).await[0].body_json().unwrap();
    assert_eq!(
        sent,
        json!({"link_type": "MAGIC_LINK", "language": "de", "scope_config_id": "scope-1"})
    );
}

#[tokio::test]
async fn send_returns_kombo_error_to_match_on() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"status": "error",
            "error": {"code": "PLATFORM.INTEGRATION_NOT_FOUND", "title": null,
                      "message": "no such integration", "log_url": null}})),
        )
        .mount(&server)
        .await;
    let k = builder(&server).api_key("k").build().unwrap();
    let (status, code) = match k
        .general()
        .create_reconnection_link()
        .integration_id("personio:1")
        .send()
        .await
    {
        Ok(r) => panic!("unexpected link {}", r.data.link),
        Err(e) => (e.status(), e.code()),
    };
    assert_eq!(status.map(|s| s.as_u16()), Some(404));
    assert_eq!(code, Some(kombo::ErrorCode::PlatformIntegrationNotFound));
}

#[tokio::test]
async fn per_call_headers_timeout_and_retry_apply_to_that_call_only() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok().set_delay(Duration::from_millis(400)))
        .mount(&server)
        .await;
    let kombo = builder(&server).api_key("k").build().unwrap();
    let e = kombo
        .general()
        .create_reconnection_link()
        .integration_id("personio:1")
        .with_header("X-Request-Source", "nightly-job")
        .with_timeout(Duration::from_millis(50))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(&e, Error::Transport(t) if t.is_timeout()), "{e}");
    // The next call on the same client has the client's (longer) timeout.
    kombo
        .general()
        .create_reconnection_link()
        .integration_id("personio:1")
        .send()
        .await
        .unwrap();
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].headers["x-request-source"], "nightly-job");
    assert!(sent[1].headers.get("x-request-source").is_none());

    let options = CallOptions::new().retry(RetryPolicy::default().max_attempts(5));
    kombo
        .general()
        .create_reconnection_link()
        .integration_id("personio:1")
        .with_options(options)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn headers_the_client_owns_cannot_be_replaced_per_call() {
    let server = server().await;
    let kombo = builder(&server).api_key("k").build().unwrap();
    for name in ["Authorization", "authorization", "X-Integration-Id"] {
        let e = kombo
            .general()
            .create_reconnection_link()
            .integration_id("personio:1")
            .with_header(name, "Bearer stolen")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&e, Error::InvalidRequest(m) if m.contains("set by the client")),
            "{e}"
        );
    }
    assert!(requests(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn key_providers_are_asked_per_call_and_their_failure_sends_nothing() {
    let server = server().await;
    let calls = Arc::new(AtomicU32::new(0));
    let counter = calls.clone();
    let kombo = builder(&server)
        .api_key_provider(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move { Ok::<_, std::io::Error>(format!("rotated-{n}")) }
        })
        .build()
        .unwrap();
    for _ in 0..2 {
        kombo
            .general()
            .create_reconnection_link()
            .integration_id("personio:1")
            .send()
            .await
            .unwrap();
    }
    let sent = requests(&server).await;
    assert_eq!(sent[0].headers["authorization"], "Bearer rotated-0");
    assert_eq!(sent[1].headers["authorization"], "Bearer rotated-1");
    assert!(!format!("{kombo:?}").contains("rotated"));

    let failing = builder(&server)
        .api_key_fn(|| Err::<String, _>("vault sealed"))
        .build()
        .unwrap();
    let e = failing
        .general()
        .create_reconnection_link()
        .integration_id("personio:1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ApiKey(_)), "{e}");
    assert!(e.to_string().contains("vault sealed"), "{e}");
    assert_eq!(
        requests(&server).await.len(),
        2,
        "the failed call sent nothing"
    );
}
