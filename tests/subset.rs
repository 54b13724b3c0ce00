//! The client generated from Kombo's merged 16-endpoint subset
//! (`tests/fixtures/kombo-subset.yaml`): it compiles, takes `X-Integration-Id`
//! from a scoped client, and decodes values the spec does not list.

use kombo::subset::{Client, operations, types};
use kombo::{Error, Kombo, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A subset client with the same runtime as `kombo.integration(..)` gives.
fn subset_client(kombo: &Kombo) -> Client {
    use progenitor_client::ClientInfo;
    Client::new_with_client(
        kombo.base_url(),
        ClientInfo::client(&**kombo).clone(),
        ClientInfo::inner(&**kombo).clone(),
    )
}

fn kombo(server: &MockServer) -> Kombo {
    Kombo::builder()
        .api_key("k")
        .base_url(&format!("{}/v1", server.uri()))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
}

#[test]
fn the_table_knows_which_operations_need_the_integration_header() {
    let scoped: Vec<&str> = operations::ALL
        .iter()
        .filter(|op| op.required_scoped_headers.contains(&"X-Integration-Id"))
        .map(|op| op.id)
        .collect();
    assert!(scoped.contains(&"get_absences"), "{scoped:?}");
    assert!(!scoped.contains(&"create_reconnection_link"));
    let bulk = operations::find("bulk_import_job_postings").unwrap();
    assert_eq!(bulk.request_content_type, Some("application/x-ndjson"));
}

#[tokio::test]
async fn scoped_operation_sends_the_header_and_tolerates_new_values() {
    let server = MockServer::start().await;
    let absence = json!({
        "id": "a1", "remote_id": null, "employee_id": "e1", "approver_id": null,
        "start_date": "2026-01-02", "end_date": null, "start_half_day": null, "end_half_day": null,
        "start_time": null, "end_time": null, "amount": 1.0, "unit": "DAYS_FROM_THE_FUTURE",
        "status": "SOME_NEW_STATUS", "employee_note": null, "type_id": null, "type": null,
        "changed_at": "2026-01-01T00:00:00.000Z", "remote_deleted_at": null, "remote_created_at": null,
        "remote_updated_at": null, "remote_data": null, "a_field_added_later": 1
    });
    Mock::given(method("GET"))
        .and(path("/v1/hris/absences"))
        .and(header("x-integration-id", "personio:abc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "success", "data": {"next": null, "results": [absence]}})))
        .mount(&server)
        .await;
    let scoped = kombo(&server).integration("personio:abc");
    let response = subset_client(&scoped)
        .get_absences()
        .send()
        .await
        .map_err(Error::from)
        .unwrap();
    let item = &response.data.results[0];
    // A value the spec does not list is kept, typed as the open enum's catch-all.
    assert_eq!(
        item.unit,
        Some(
            types::GetHrisAbsencesPositiveResponseDataResultsItemUnit::UnknownValue(
                "DAYS_FROM_THE_FUTURE".into()
            )
        )
    );
    assert_eq!(
        item.unit.as_ref().unwrap().to_string(),
        "DAYS_FROM_THE_FUTURE"
    );
    assert_eq!(
        serde_json::to_value(&item.unit).unwrap(),
        json!("DAYS_FROM_THE_FUTURE")
    );
    // The spec's open-enum idiom (enum ∪ any string ∪ null) is an open enum too.
    assert_eq!(
        item.status,
        Some(
            types::GetHrisAbsencesPositiveResponseDataResultsItemStatus::UnknownValue(
                "SOME_NEW_STATUS".into()
            )
        )
    );
    assert_eq!(item.start_date, json!("2026-01-02"));

    // Without a scope, nothing is sent and the error says what to do.
    let e = Error::from(
        subset_client(&kombo(&server))
            .get_absences()
            .send()
            .await
            .unwrap_err(),
    );
    assert!(
        matches!(e, Error::InvalidRequest(ref m) if m.contains("X-Integration-Id")),
        "{e}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[test]
fn response_unions_and_enums_take_kinds_added_later() {
    use types::GetAtsJobsPositiveResponseDataResultsItemScreeningQuestionsItemFormat as Format;
    let known: Format =
        serde_json::from_value(json!({"type": "TEXT", "display_type": "EMAIL", "max_length": 5}))
            .unwrap();
    let Format::Text {
        display_type,
        max_length,
    } = known
    else {
        panic!("{known:?}")
    };
    assert_eq!(max_length, Some(5));
    assert_eq!(display_type, Some(types::FormatTextDisplayType::Email));
    // A kind and a display type this version does not know.
    let later: Format =
        serde_json::from_value(json!({"type": "SIGNATURE", "pen": "blue"})).unwrap();
    assert_eq!(later, Format::UnknownVariant);
    let later: Format =
        serde_json::from_value(json!({"type": "TEXT", "display_type": "RICH_TEXT"})).unwrap();
    assert!(
        matches!(later, Format::Text { display_type: Some(types::FormatTextDisplayType::UnknownValue(ref v)), .. } if v == "RICH_TEXT")
    );
}

#[tokio::test]
async fn ndjson_bodies_are_sent_raw_with_their_media_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/ai-apply/job-feeds/feed1/bulk-import"))
        .and(header("content-type", "application/x-ndjson"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"status": "success", "data": {}})),
        )
        .mount(&server)
        .await;
    let lines = "{\"id\":\"1\"}\n{\"id\":\"2\"}\n";
    let _ = subset_client(&kombo(&server))
        .bulk_import_job_postings()
        .job_feed_id("feed1")
        .body(lines)
        .send()
        .await;
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].headers.get("content-type").unwrap(),
        "application/x-ndjson"
    );
    assert_eq!(requests[0].body, lines.as_bytes());
}
