//! What a user of `kombo` gets from a spec update that adds a tag, an error
//! code and webhooks, with no hand edit. Not a test target of this crate:
//! `scripts/check-spec-update.sh` copies it into a copy of the repository
//! whose `openapi/kombo.yaml` grew (a `GET /hris/groups` tagged "Unified HRIS
//! API", `PLATFORM.SOMETHING_NEW`, Kombo's webhooks) and runs it there.

use kombo::{ErrorCode, Kombo, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Kombo {
    Kombo::builder()
        .api_key("test-key")
        .base_url(&format!("{}/v1", server.uri()))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
}

/// The new tag has no feature in `Cargo.toml`: it is generated ungated, so
/// its namespace is there (the build warned, naming the feature to add).
#[tokio::test]
async fn an_operation_of_a_new_tag_is_there_and_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/hris/groups"))
        .and(header("X-Integration-Id", "personio:1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "success",
            "data": {"next": null, "results": [{"id": "g1", "name": "Engineering"}]}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server)
        .integration("personio:1")
        .hris()
        .get_groups()
        .send()
        .await
        .unwrap();
    assert_eq!(page.data.results.len(), 1);
    assert_eq!(page.data.results[0].name.as_deref(), Some("Engineering"));
}

/// A code the spec adds is a variant, whatever `$ref`s the normalizer left
/// between the error response and its `code`.
#[tokio::test]
async fn an_error_code_the_spec_adds_is_typed() {
    assert_eq!(
        ErrorCode::parse("PLATFORM.SOMETHING_NEW"),
        ErrorCode::PlatformSomethingNew
    );
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "status": "error",
            "error": {"code": "PLATFORM.SOMETHING_NEW", "title": null, "message": "new", "log_url": null}
        })))
        .mount(&server)
        .await;
    let error = client(&server)
        .general()
        .create_reconnection_link()
        .integration_id("personio:1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(ErrorCode::PlatformSomethingNew));
}

/// The spec's webhooks give `kombo::webhooks::Event` beside the hand-written
/// `verify`; a field Kombo adds to a payload does not break its decoding.
#[test]
fn a_webhook_event_decodes_typed_through_kombo_webhooks() {
    use base64::Engine;
    use hmac::Mac;
    use kombo::webhooks::{Event, WebhookEvent, verify};
    let body = json!({
        "id": "evt_1", "type": "integration-state-changed", "added_later": true,
        "data": {"integration_tool": "personio", "integration_id": "personio:abc",
            "integration_category": "HRIS", "qa_status": "PASSED", "setup_status": "FINAL",
            "state": "ACTIVE", "updated_at": "2026-11-27T10:00:00.000Z",
            "end_user": {"organization_name": "Acme", "creator_email": null, "origin_id": null}}
    })
    .to_string();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"whsec_test").unwrap();
    mac.update(body.as_bytes());
    let signature =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    let event: Event = verify("whsec_test", body.as_bytes(), &signature).unwrap();
    assert_eq!(event.event_type(), "integration-state-changed");
    let Event::IntegrationStateChanged(payload) = event else {
        panic!("not typed: {event:?}")
    };
    assert_eq!(payload.data.integration_id, "personio:abc");
}
