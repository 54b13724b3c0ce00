//! The generated relink call against a loopback mock server.

mod common;
use common::{ID, error_body, link_body};
use kombo::{Error, ErrorCode, Kombo, types};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const RELINK_PATH: &str = "/v1/integrations/personio:93fCvorjZ2jas7ZekX1V1n5d/relink";

/// With a trailing `/` on the base URL, which is joined once.
fn client(server: &MockServer) -> Kombo {
    common::builder(server)
        .base_url(&format!("{}/v1/", server.uri()))
        .api_key("test-key-123")
        .build()
        .unwrap()
}

async fn only_request(server: &MockServer) -> wiremock::Request {
    let requests = common::requests(server).await;
    assert_eq!(requests.len(), 1, "expected one request");
    requests.into_iter().next().unwrap()
}

#[tokio::test]
async fn sends_defaults_and_parses_the_link() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(RELINK_PATH))
        .and(header("authorization", "Bearer test-key-123"))
        .and(body_json(
            json!({"language": "en", "link_type": "EMBEDDED"}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(link_body("https://connect.kombo.dev/v1?token=abc")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .general()
        .create_reconnection_link()
        .integration_id(ID)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.status,
        types::PostIntegrationsIntegrationIdRelinkPositiveResponseStatus::Success
    );
    let url = kombo::parse_url(&response.data.link).unwrap();
    assert_eq!(url.query(), Some("token=abc"));

    let request = only_request(&server).await;
    assert_eq!(request.url.path(), RELINK_PATH);
    assert!(request.headers.get("api-version").is_none());
    let agent = request.headers.get("user-agent").unwrap().to_str().unwrap();
    assert!(agent.starts_with("kombo-rs/"), "{agent}");
}

#[tokio::test]
async fn sends_every_field_and_explicit_null() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(link_body("https://x.test/l")))
        .mount(&server)
        .await;
    let kombo = client(&server);

    kombo
        .general()
        .create_reconnection_link()
        .integration_id(ID)
        .body({
            // A whole body still works: Default plus field assignment.
            let mut body = types::PostIntegrationsIntegrationIdRelinkRequestBody::default();
            body.language = Some(types::PostIntegrationsIntegrationIdRelinkRequestBodyLanguage::De);
            body.scope_config_id = Some("9Pv6aCFwNDEzPNmwjSsY9SQx".into());
            body.link_type =
                types::PostIntegrationsIntegrationIdRelinkRequestBodyLinkType::MagicLink;
            body
        })
        .send()
        .await
        .unwrap();
    kombo
        .general()
        .create_reconnection_link()
        .integration_id(ID)
        .language(None)
        .send()
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    let bodies: Vec<Value> = requests.iter().map(|r| r.body_json().unwrap()).collect();
    assert_eq!(
        bodies[0],
        json!({"language": "de", "scope_config_id": "9Pv6aCFwNDEzPNmwjSsY9SQx", "link_type": "MAGIC_LINK"})
    );
    assert_eq!(
        bodies[1],
        json!({"language": null, "link_type": "EMBEDDED"})
    );
}

async fn error_for(status: u16, body: Value) -> Error {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    client(&server)
        .general()
        .create_reconnection_link()
        .integration_id(ID)
        .send()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn known_error_code_keeps_status_and_details() {
    let e = error_for(401, error_body(json!("PLATFORM.AUTHENTICATION_INVALID"))).await;
    let api = e.api().expect("an API error");
    assert_eq!(api.status, 401);
    assert_eq!(e.code(), Some(ErrorCode::PlatformAuthenticationInvalid));
    assert_eq!(api.title.as_deref(), Some("A title"));
    assert_eq!(api.message, "Something failed.");
    assert_eq!(
        api.log_url.as_deref(),
        Some("https://app.kombo.dev/my-prod/logs?interactionId=123456")
    );
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn unknown_error_code_is_an_api_error_not_a_payload_failure() {
    let e = error_for(400, error_body(json!("INTEGRATION.MODEL_NOT_AVAILABLE"))).await;
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(e.code(), Some(ErrorCode::IntegrationModelNotAvailable));
    let e = error_for(422, error_body(json!("LMS.SOMETHING_NEW"))).await;
    assert_eq!(e.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(
        e.code(),
        Some(ErrorCode::Unknown("LMS.SOMETHING_NEW".into()))
    );
}

#[tokio::test]
async fn null_error_code_keeps_the_status() {
    let body = json!({"status": "error", "error": {"code": null, "title": null,
        "message": "The message is always in the response.", "log_url": null}});
    let e = error_for(500, body).await;
    assert_eq!(e.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(e.code(), None);
    let api = e.api().unwrap();
    assert_eq!(api.raw_code, None);
    assert_eq!(api.log_url, None);
    assert_eq!(
        e.to_string(),
        "Kombo API error 500 (no code): The message is always in the response."
    );
}

#[tokio::test]
async fn ids_that_would_change_the_path_are_refused_before_sending() {
    let server = MockServer::start().await;
    let kombo = client(&server);
    for id in ["..", ".", ""] {
        let e = kombo
            .general()
            .create_reconnection_link()
            .integration_id(id)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(e, Error::InvalidRequest(_)), "{id:?}: {e}");
        assert!(e.to_string().contains("create_reconnection_link"), "{e}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn ids_with_slashes_are_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(link_body("https://x.test/l")))
        .mount(&server)
        .await;
    client(&server)
        .general()
        .create_reconnection_link()
        .integration_id("a/b")
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/v1/integrations/a%2Fb/relink");
}

#[tokio::test]
async fn missing_integration_id_is_an_invalid_request() {
    let server = MockServer::start().await;
    let e = client(&server)
        .general()
        .create_reconnection_link()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::InvalidRequest(ref m) if m.contains("integration_id")),
        "{e}"
    );
}
