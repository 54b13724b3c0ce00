//! The macros against what serde's derive does with the same attributes.

use serde_json::json;

mod error {
    /// Stands in for typify's conversion error of a generated module.
    #[derive(Debug)]
    pub struct ConversionError(pub String);
    impl From<String> for ConversionError {
        fn from(value: String) -> Self {
            ConversionError(value)
        }
    }
}

fn page_default() -> i64 {
    25
}

#[derive(Debug, PartialEq)]
struct Job {
    id: String,
    type_: Status,
    note: Option<String>,
    page: i64,
    tags: Vec<String>,
}
crate::__kombo_deserialize_struct!(Job {
    0 id: "id",
    1 type_: "type",
    2 note: "note",
    3 page: "page" = page_default,
    4 tags: "tags" = ::std::default::Default::default
});
crate::__kombo_serialize_struct!(Job {
    id: "id",
    type_: "type",
    note: "note" if ::std::option::Option::is_none,
    page: "page",
    tags: "tags" if ::std::vec::Vec::is_empty
});

#[derive(Clone, Debug)]
enum Status {
    Open,
    Closed,
    UnknownValue(String),
}
crate::__kombo_string_enum!(Status, [0 Open = "OPEN", 1 Closed = "CLOSED"], open UnknownValue);

#[derive(Clone, Copy, Debug)]
enum Kind {
    Text,
}
crate::__kombo_string_enum!(Kind, [0 Text = "text"], closed);

fn job(value: serde_json::Value) -> Result<Job, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}

#[test]
fn a_struct_decodes_by_wire_name_with_defaults_and_absent_options() {
    let decoded = job(json!({"id": "1", "type": "OPEN", "unknown": [1, {"a": 2}]})).unwrap();
    assert_eq!(
        decoded,
        Job {
            id: "1".into(),
            type_: Status::Open,
            note: None,
            page: 25,
            tags: vec![],
        }
    );
    let full = job(json!({"id": "1", "type": "X", "note": "n", "page": 2, "tags": ["a"]})).unwrap();
    assert_eq!(full.type_, Status::UnknownValue("X".into()));
    assert_eq!(
        (full.note.as_deref(), full.page, full.tags.len()),
        (Some("n"), 2, 1)
    );
}

#[test]
fn a_struct_names_a_missing_or_repeated_field_like_serde() {
    assert!(
        job(json!({"type": "OPEN"}))
            .unwrap_err()
            .contains("missing field `id`")
    );
    let twice = r#"{"id": "1", "id": "2", "type": "OPEN"}"#;
    let error = serde_json::from_str::<Job>(twice).unwrap_err().to_string();
    assert!(error.contains("duplicate field `id`"), "{error}");
    let error = job(json!({"id": 1, "type": "OPEN"})).unwrap_err();
    assert!(
        error.contains("invalid type: integer `1`, expected a string"),
        "{error}"
    );
    assert!(
        job(json!(["1", "OPEN"]))
            .unwrap_err()
            .contains("expected struct Job")
    );
}

#[test]
fn a_struct_serializes_by_wire_name_and_skips_empty_fields() {
    let value = Job {
        id: "1".into(),
        type_: Status::UnknownValue("LATER".into()),
        note: None,
        page: 3,
        tags: vec![],
    };
    let text = serde_json::to_value(&value).unwrap();
    assert_eq!(text, json!({"id": "1", "type": "LATER", "page": 3}));
    assert_eq!(job(text).unwrap(), value);
}

#[test]
fn string_enums_parse_display_and_refuse_unknown_values_when_closed() {
    assert_eq!(Status::VALUES, ["OPEN", "CLOSED"]);
    assert_eq!("CLOSED".parse::<Status>().unwrap(), Status::Closed);
    assert_eq!(Status::Closed.to_string(), "CLOSED");
    assert_eq!("new".parse::<Status>().unwrap().as_str(), "new");
    assert_eq!(serde_json::to_value(Kind::Text).unwrap(), json!("text"));
    let error = serde_json::from_value::<Kind>(json!("TEXT"))
        .unwrap_err()
        .to_string();
    assert_eq!(error, "unknown variant `TEXT`, expected `text`");
    assert_eq!("TEXT".parse::<Kind>().unwrap_err().0, error);
    // A string that is not borrowed from the input decodes the same way.
    let escaped: Kind = serde_json::from_str(r#""t\u0065xt""#).unwrap();
    assert_eq!(escaped, Kind::Text);
    let reader = serde_json::from_reader::<_, Status>(&b"\"OPEN\""[..]).unwrap();
    assert_eq!(reader, Status::Open);
}

#[test]
fn string_enums_compare_as_derived_by_position_then_kept_string() {
    use std::collections::BTreeSet;
    let sorted: Vec<Status> = BTreeSet::from([
        Status::UnknownValue("b".into()),
        Status::Closed,
        Status::UnknownValue("a".into()),
        Status::Open,
    ])
    .into_iter()
    .collect();
    let wire: Vec<&str> = sorted.iter().map(Status::as_str).collect();
    assert_eq!(wire, ["OPEN", "CLOSED", "a", "b"]);
    assert_ne!(Status::UnknownValue("OPEN".into()), Status::Open);
    let set: std::collections::HashSet<Status> = [Status::Open, "OPEN".parse().unwrap()].into();
    assert_eq!(set.len(), 1);
}
