use super::*;

const VENDORED: &str = include_str!("../../../openapi/kombo.yaml");

fn vendored() -> Value {
    parse_spec(VENDORED).unwrap()
}

fn report(old: Value, new: Value) -> (Vec<Change>, String) {
    let options = Options::kombo();
    let (old, _) = prepare(old, &options).unwrap();
    let (new, _) = prepare(new, &options).unwrap();
    let changes = changes(&old.document, &new.document);
    let text = render(&changes);
    (changes, text)
}

/// The vendored spec with an enum `kind` in the relink response's `data`.
fn with_response_enum(values: Value) -> Value {
    let mut doc = vendored();
    doc.pointer_mut(
        "/components/schemas/PostIntegrationsIntegrationIdRelinkPositiveResponse/properties/data/properties",
    )
    .unwrap()["kind"] = json!({"type": "string", "enum": values});
    doc
}

const BODY: &str = "/components/schemas/PostIntegrationsIntegrationIdRelinkRequestBody";

#[test]
fn older_relink_with_only_language_to_vendored_is_minor() {
    let mut old = vendored();
    let props = old
        .pointer_mut(&format!("{BODY}/properties"))
        .unwrap()
        .as_object_mut()
        .unwrap();
    props.shift_remove("scope_config_id");
    props.shift_remove("link_type");
    let (changes, text) = report(old, vendored());
    assert!(text.starts_with("## Kombo spec update: minor"), "{text}");
    assert!(
        text.contains(
            "`general.create_reconnection_link` body field `scope_config_id`: added, optional"
        ),
        "{text}"
    );
    assert!(
        text.contains("`general.create_reconnection_link` body field `link_type`: added, optional"),
        "{text}"
    );
    assert!(changes.iter().all(|c| c.impact == Impact::Additive));
}

#[test]
fn field_type_change_is_breaking() {
    let mut new = vendored();
    *new.pointer_mut(&format!("{BODY}/properties/scope_config_id/type"))
        .unwrap() = json!(["integer", "null"]);
    let (_, text) = report(vendored(), new);
    assert!(text.starts_with("## Kombo spec update: major"), "{text}");
    assert!(
        text.contains("`scope_config_id`: type changed: string → integer"),
        "{text}"
    );
}

#[test]
fn optional_to_required_is_breaking() {
    let mut new = vendored();
    new.pointer_mut(BODY).unwrap()["required"] = json!(["scope_config_id"]);
    let (_, text) = report(vendored(), new);
    assert!(text.contains("`scope_config_id`: made required"), "{text}");
    assert!(text.contains("major"), "{text}");
}

#[test]
fn enum_value_added_to_request_is_additive_and_to_open_response_too() {
    let mut new = vendored();
    new.pointer_mut(&format!("{BODY}/properties/language/enum"))
        .unwrap()
        .as_array_mut()
        .unwrap()
        .push(json!("nl"));
    let (changes, text) = report(vendored(), new);
    assert!(
        text.contains("`language`: enum value \"nl\" added"),
        "{text}"
    );
    assert!(
        changes.iter().all(|c| c.impact == Impact::Additive),
        "{text}"
    );

    // A response enum that is open (several values) takes new values without breaking.
    let (changes, text) = report(
        with_response_enum(json!(["A", "B"])),
        with_response_enum(json!(["A", "B", "C"])),
    );
    assert!(
        text.contains("response `data.kind`: enum value \"C\" added"),
        "{text}"
    );
    assert!(
        changes.iter().all(|c| c.impact == Impact::Additive),
        "{text}"
    );
}

#[test]
fn request_enum_value_removed_is_breaking() {
    let mut new = vendored();
    new.pointer_mut(&format!("{BODY}/properties/language/enum"))
        .unwrap()
        .as_array_mut()
        .unwrap()
        .pop();
    let (_, text) = report(vendored(), new);
    assert!(
        text.contains("`language`: enum value \"es\" removed"),
        "{text}"
    );
    assert!(text.contains("major"), "{text}");
}

#[test]
fn operation_removed_is_breaking_and_added_is_additive() {
    let mut new = vendored();
    let path = new["paths"]
        .as_object_mut()
        .unwrap()
        .shift_remove("/integrations/{integration_id}/relink")
        .unwrap();
    new["paths"]["/integrations/{integration_id}/relink-v2"] = path;
    let (_, text) = report(vendored(), new);
    assert!(text.contains("`general.create_reconnection_link` (POST /integrations/{integration_id}/relink): operation removed"), "{text}");
    assert!(
        text.contains("(POST /integrations/{integration_id}/relink-v2): operation added"),
        "{text}"
    );
}

#[test]
fn same_spec_is_a_patch() {
    let (changes, text) = report(vendored(), vendored());
    assert!(changes.is_empty());
    assert!(text.starts_with("## Kombo spec update: patch"), "{text}");
}

#[test]
fn response_enum_value_removed_is_breaking() {
    let (_, text) = report(
        with_response_enum(json!(["A", "B", "C"])),
        with_response_enum(json!(["A", "B"])),
    );
    assert!(
        text.contains("response `data.kind`: enum value \"C\" removed"),
        "{text}"
    );
    assert!(text.starts_with("## Kombo spec update: major"), "{text}");
}

const ERROR_CODE: &str = "/components/responses/ErrorResponseGeneral/content/application~1json/schema/properties/error/properties/code";

#[test]
fn new_error_code_in_the_shared_error_response_is_minor_and_a_removed_one_major() {
    let mut new = vendored();
    let code = new.pointer_mut(ERROR_CODE).unwrap();
    code["enum"]
        .as_array_mut()
        .unwrap()
        .insert(0, json!("PLATFORM.SOMETHING_NEW"));
    let (_, text) = report(vendored(), new.clone());
    assert!(text.starts_with("## Kombo spec update: minor"), "{text}");
    assert!(
        text.contains("shared response `ErrorResponseGeneral` `error.code`: enum value \"PLATFORM.SOMETHING_NEW\" added"),
        "{text}"
    );
    let (_, text) = report(new, vendored());
    assert!(text.starts_with("## Kombo spec update: major"), "{text}");
}

#[test]
fn response_header_added_is_minor_and_removed_is_major() {
    let mut new = vendored();
    new.pointer_mut("/paths/~1integrations~1{integration_id}~1relink/post/responses/200")
        .unwrap()["headers"] = json!({"RateLimit-Remaining": {"schema": {"type": "integer"}}});
    let (_, text) = report(vendored(), new.clone());
    assert!(text.starts_with("## Kombo spec update: minor"), "{text}");
    assert!(
        text.contains("response header `ratelimit-remaining`: added"),
        "{text}"
    );
    let (_, text) = report(new, vendored());
    assert!(text.starts_with("## Kombo spec update: major"), "{text}");
}

/// The vendored spec with a tagged union `detail` in the relink response.
fn with_response_union(branches: Value) -> Value {
    let mut doc = vendored();
    doc.pointer_mut(
        "/components/schemas/PostIntegrationsIntegrationIdRelinkPositiveResponse/properties/data/properties",
    )
    .unwrap()["detail"] = json!({"oneOf": branches});
    doc
}

fn branch(tag: &str, field: Value) -> Value {
    json!({"type": "object", "required": ["kind"], "properties": {
        "kind": {"type": "string", "const": tag}, "value": field}})
}

#[test]
fn union_branches_added_removed_and_changed_are_classified() {
    let two = with_response_union(json!([
        branch("TEXT", json!({"type": "string"})),
        branch("NUMBER", json!({"type": "number"}))
    ]));
    let three = with_response_union(json!([
        branch("TEXT", json!({"type": "string"})),
        branch("NUMBER", json!({"type": "number"})),
        branch("DATE", json!({"type": "string"}))
    ]));
    let (_, text) = report(two.clone(), three.clone());
    assert!(text.starts_with("## Kombo spec update: minor"), "{text}");
    assert!(
        text.contains("`data.detail<kind=\"DATE\">`: added"),
        "{text}"
    );
    let (_, text) = report(three, two.clone());
    assert!(text.starts_with("## Kombo spec update: major"), "{text}");
    assert!(
        text.contains("`data.detail<kind=\"DATE\">`: removed"),
        "{text}"
    );
    let changed = with_response_union(json!([
        branch("TEXT", json!({"type": "string"})),
        branch("NUMBER", json!({"type": "integer"}))
    ]));
    let (_, text) = report(two, changed);
    assert!(text.starts_with("## Kombo spec update: major"), "{text}");
    assert!(
        text.contains("`data.detail<kind=\"NUMBER\">.value`: type changed: number → integer"),
        "{text}"
    );
}

#[test]
fn servers_are_regions_added_minor_removed_major() {
    let mut new = vendored();
    new["servers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"url": "https://api.ca.kombo.dev/v1", "description": "Kombo CA API"}));
    let (changes, text) = report(vendored(), new.clone());
    assert_eq!(Bump::of(&changes), Bump::Minor, "{text}");
    assert!(
        text.contains("`Region` `ca`: region added (https://api.ca.kombo.dev/v1)"),
        "{text}"
    );
    let (changes, text) = report(new, vendored());
    assert_eq!(Bump::of(&changes), Bump::Major, "{text}");
    assert!(text.contains("`Region` `ca`: region removed"), "{text}");
}
