//! The embedded mock server: auth, body validation by the spec's types, faults.

use kombo::mock::{Fault, MockServer};
use kombo::{Error, ErrorCode, Kombo, RetryPolicy};
use serde_json::Value;

async fn post(server: &MockServer, key: &str, body: &str) -> (u16, Value) {
    let response = kombo::http_client_builder()
        .build()
        .unwrap()
        .post(format!(
            "{}/integrations/personio:1/relink",
            server.base_url()
        ))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn every_invalid_body_field_is_rejected_by_name() {
    let server = MockServer::start().await.unwrap();
    for (body, field) in [
        (r#"{"language": "xx"}"#, "body.language"),
        (r#"{"language": 5}"#, "body.language"),
        (r#"{"link_type": "QR_CODE"}"#, "body.link_type"),
        (r#"{"link_type": null}"#, "body.link_type"),
        (r#"{"scope_config_id": 42}"#, "body.scope_config_id"),
        (r#"{"language": "en""#, "body"),
        (r#"[]"#, "body"),
    ] {
        let (status, json) = post(&server, MockServer::API_KEY, body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(json["error"]["code"], "PLATFORM.INPUT_INVALID", "{body}");
        let message = json["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(field), "{body}: {message}");
    }
    let (status, json) = post(
        &server,
        MockServer::API_KEY,
        r#"{"language": null, "scope_config_id": null}"#,
    )
    .await;
    assert_eq!(status, 200, "{json}");
}

#[tokio::test]
async fn the_bearer_header_is_checked() {
    let server = MockServer::start().await.unwrap();
    let (status, json) = post(&server, "wrong", "{}").await;
    assert_eq!(status, 401);
    assert_eq!(json["error"]["code"], "PLATFORM.AUTHENTICATION_INVALID");
    let any = MockServer::start_with_key(None).await.unwrap();
    assert_eq!(post(&any, "anything", "{}").await.0, 200);
}

#[tokio::test]
async fn links_follow_the_link_type_and_requests_are_recorded() {
    let server = MockServer::start().await.unwrap();
    let (_, embedded) = post(&server, MockServer::API_KEY, "{}").await;
    let (_, magic) = post(
        &server,
        MockServer::API_KEY,
        r#"{"link_type": "MAGIC_LINK"}"#,
    )
    .await;
    assert!(
        embedded["data"]["link"]
            .as_str()
            .unwrap()
            .contains("token=embedded_")
    );
    assert!(
        magic["data"]["link"]
            .as_str()
            .unwrap()
            .contains("/magic?token=magic_")
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].method, "POST");
    assert_eq!(requests[1].path, "/v1/integrations/personio:1/relink");
    assert_eq!(&requests[1].body[..], br#"{"link_type": "MAGIC_LINK"}"#);
}

#[tokio::test]
async fn injected_faults_reach_the_client_typed() {
    let server = MockServer::start().await.unwrap();
    let kombo = Kombo::builder()
        .api_key(MockServer::API_KEY)
        .base_url(&server.base_url())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let call = || async {
        kombo
            .general()
            .create_reconnection_link()
            .integration_id("personio:1")
            .send()
            .await
    };
    server.inject(Fault::RateLimited {
        retry_after: std::time::Duration::from_secs(2),
    });
    let e = call().await.unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::PlatformRateLimitExceeded));
    assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(2)));
    server.inject(Fault::ServiceUnavailableHtml);
    let e = call().await.unwrap_err();
    assert!(
        matches!(e, Error::UnexpectedResponse(ref u) if u.content_type.as_deref() == Some("text/html")),
        "{e}"
    );
    server.inject(Fault::ErrorCode {
        status: 400,
        code: "INTEGRATION.MODEL_NOT_AVAILABLE".into(),
    });
    assert_eq!(
        call().await.unwrap_err().code(),
        Some(ErrorCode::IntegrationModelNotAvailable)
    );
    server.inject(Fault::Delay(std::time::Duration::from_millis(50)));
    assert!(call().await.is_ok());
    // Operations not in the spec are 404.
    let response = kombo::http_client_builder()
        .build()
        .unwrap()
        .get(format!("{}/nope", server.base_url()))
        .bearer_auth(MockServer::API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}
