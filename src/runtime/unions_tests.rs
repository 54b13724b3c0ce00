//! `deserialize_union!` against serde's derive of the same enum: the same
//! inputs decode to the same values or fail with the same message.

use serde::Deserialize;
use serde_json::json;

fn max_default() -> Option<i64> {
    Some(10)
}

/// Both enums of each pair have the same variants; `$serde` derives.
macro_rules! pair {
    ($ours:ident, $serde:ident, #[$repr:meta] { $($body:tt)* }) => {
        #[derive(Debug, PartialEq)]
        #[allow(dead_code)]
        enum $ours { $($body)* }
        #[derive(Debug, PartialEq, Deserialize)]
        #[$repr]
        #[allow(dead_code)]
        enum $serde { $($body)* }
    };
}

#[derive(Debug, PartialEq, Deserialize)]
struct Options {
    choices: Vec<String>,
}

// serde's attributes are written on the reference enums by hand below.
#[derive(Debug, PartialEq)]
enum Format {
    Text { max: Option<i64>, kind: String },
    File(Options),
    Boolean,
    UnknownVariant,
}
crate::__kombo_deserialize_union!(Format, tag "type", [
    "TEXT" Text { max: "max" = max_default, kind: "kind_name" },
    "FILE" File(_),
    "BOOLEAN" Boolean
], other UnknownVariant);

#[derive(Debug, PartialEq, Deserialize)]
#[serde(tag = "type")]
enum SerdeFormat {
    #[serde(rename = "TEXT")]
    Text {
        #[serde(default = "max_default")]
        max: Option<i64>,
        #[serde(rename = "kind_name")]
        kind: String,
    },
    #[serde(rename = "FILE")]
    File(Options),
    #[serde(rename = "BOOLEAN")]
    Boolean,
    #[serde(other)]
    UnknownVariant,
}

#[derive(Debug, PartialEq)]
enum Closed {
    A { x: i64 },
}
crate::__kombo_deserialize_union!(Closed, tag "kind", ["A" A { x: "x" }]);

#[derive(Debug, PartialEq, Deserialize)]
#[serde(tag = "kind")]
enum SerdeClosed {
    A { x: i64 },
}

#[derive(Debug, PartialEq)]
enum Imported {
    ApplicationId(String),
    Nothing,
    UnknownVariant,
}
crate::__kombo_deserialize_union!(Imported, tag "id_type" content "id", [
    "application_id" ApplicationId(_),
    "none" Nothing
], other UnknownVariant);

#[derive(Debug, PartialEq, Deserialize)]
#[serde(tag = "id_type", content = "id")]
enum SerdeImported {
    #[serde(rename = "application_id")]
    ApplicationId(String),
    #[serde(rename = "none")]
    Nothing,
    #[serde(other)]
    UnknownVariant,
}

pair!(Priority, SerdePriority, #[serde(untagged)] {
    Labelled { label: String, level: i64 },
    Level { level: i64 },
    Flags(Vec<bool>),
});
crate::__kombo_deserialize_union!(
    Priority,
    untagged,
    [
        Labelled {
            label: "label",
            level: "level"
        },
        Level { level: "level" },
        Flags(_)
    ]
);

/// Decodes `text` with both and returns (ours, serde's), errors as text
/// without serde_json's position (ours decodes from a buffered value).
fn both<A, B>(text: &str) -> (Result<A, String>, Result<B, String>)
where
    A: for<'de> Deserialize<'de>,
    B: for<'de> Deserialize<'de>,
{
    let strip = |e: serde_json::Error| {
        let text = e.to_string();
        match text.find(" at line ") {
            Some(at) => text[..at].to_owned(),
            None => text,
        }
    };
    (
        serde_json::from_str::<A>(text).map_err(strip),
        serde_json::from_str::<B>(text).map_err(|e| strip(e).replace("enum Serde", "enum ")),
    )
}

fn same_format(ours: &Format, serde: &SerdeFormat) -> bool {
    match (ours, serde) {
        (Format::Text { max, kind }, SerdeFormat::Text { max: m, kind: k }) => {
            max == m && kind == k
        }
        (Format::File(a), SerdeFormat::File(b)) => a == b,
        (Format::Boolean, SerdeFormat::Boolean) => true,
        (Format::UnknownVariant, SerdeFormat::UnknownVariant) => true,
        _ => false,
    }
}

#[test]
fn an_internally_tagged_union_decodes_as_serdes_derive_does() {
    let inputs = [
        json!({"type": "TEXT", "kind_name": "short", "max": 3}),
        json!({"kind_name": "short", "type": "TEXT"}),
        json!({"type": "TEXT", "kind_name": "short", "max": null, "extra": 1}),
        json!({"type": "FILE", "choices": ["pdf"]}),
        json!({"type": "BOOLEAN"}),
        json!({"type": "BOOLEAN", "extra": true}),
        json!({"type": "SOMETHING_NEW", "x": 1}),
    ];
    for input in inputs {
        let (ours, serde) = both::<Format, SerdeFormat>(&input.to_string());
        let (ours, serde) = (ours.unwrap(), serde.unwrap());
        assert!(same_format(&ours, &serde), "{input}: {ours:?} vs {serde:?}");
    }
    let failing = [
        json!({"kind_name": "short"}),
        json!({"type": "TEXT"}),
        json!({"type": "TEXT", "kind_name": 5}),
        json!({"type": 5}),
        json!({"type": "FILE"}),
        json!("TEXT"),
    ];
    for input in failing {
        let (ours, serde) = both::<Format, SerdeFormat>(&input.to_string());
        let (ours, serde) = (ours.unwrap_err(), serde.unwrap_err());
        assert_eq!(ours, serde, "{input}");
    }
    let (ours, serde) = both::<Closed, SerdeClosed>(r#"{"kind": "B"}"#);
    assert_eq!(ours.unwrap_err(), serde.unwrap_err());
    let (ours, serde) = both::<Closed, SerdeClosed>(r#"{"kind": "A", "x": 2}"#);
    assert_eq!(
        (ours.unwrap(), serde.unwrap()),
        (Closed::A { x: 2 }, SerdeClosed::A { x: 2 })
    );
}

#[test]
fn an_adjacently_tagged_union_decodes_as_serdes_derive_does() {
    let decoded = [
        (
            r#"{"id_type": "application_id", "id": "a1"}"#,
            Imported::ApplicationId("a1".into()),
        ),
        (
            r#"{"id": "a1", "id_type": "application_id"}"#,
            Imported::ApplicationId("a1".into()),
        ),
        (r#"{"id_type": "none"}"#, Imported::Nothing),
        (r#"{"id_type": "placement_id"}"#, Imported::UnknownVariant),
    ];
    for (input, expected) in decoded {
        let (ours, serde) = both::<Imported, SerdeImported>(input);
        assert_eq!(ours.unwrap(), expected, "{input}");
        assert!(serde.is_ok(), "{input}: serde's derive accepts it too");
    }
    // An unknown kind with its content: serde's derive wants no content for
    // the catch-all (a unit variant) and fails; an open union must not.
    let (ours, serde) =
        both::<Imported, SerdeImported>(r#"{"id_type": "placement_id", "id": "p"}"#);
    assert_eq!(ours.unwrap(), Imported::UnknownVariant);
    assert!(serde.unwrap_err().starts_with("invalid type: string"));
    for input in [r#"{"id": "a1"}"#, r#"{"id_type": "application_id"}"#, "[]"] {
        let (ours, serde) = both::<Imported, SerdeImported>(input);
        assert!(
            ours.is_err() && serde.is_err(),
            "{input}: {ours:?} {serde:?}"
        );
    }
    let (ours, _) = both::<Imported, SerdeImported>(r#"{"id": "a1"}"#);
    assert_eq!(ours.unwrap_err(), "missing field `id_type`");
}

#[test]
fn an_untagged_union_tries_each_variant_in_order_as_serdes_derive_does() {
    let inputs = [
        (
            r#"{"label": "high", "level": 1}"#,
            Priority::Labelled {
                label: "high".into(),
                level: 1,
            },
        ),
        (r#"{"level": 2}"#, Priority::Level { level: 2 }),
        (
            r#"{"level": 2, "label": null}"#,
            Priority::Level { level: 2 },
        ),
        ("[true, false]", Priority::Flags(vec![true, false])),
    ];
    for (input, expected) in inputs {
        let (ours, serde) = both::<Priority, SerdePriority>(input);
        assert_eq!(ours.unwrap(), expected, "{input}");
        assert!(serde.is_ok(), "{input}");
    }
    for input in [r#"{"label": "x"}"#, "3", r#""high""#, "[1]"] {
        let (ours, serde) = both::<Priority, SerdePriority>(input);
        assert_eq!(ours.unwrap_err(), serde.unwrap_err(), "{input}");
    }
}

#[test]
fn a_union_nested_in_a_value_reports_the_outer_position() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        format: Format,
    }
    let e = serde_json::from_str::<Outer>(r#"{"format": {"type": "TEXT"}}"#).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("missing field `kind_name` at line 1"),
        "{e}"
    );
}

#[derive(Debug, PartialEq)]
enum Shape {
    Text { max: Option<i64>, kind: String },
    Boolean,
    UnknownVariant,
}
crate::__kombo_serialize_union!(Shape, tag "type", [
    "TEXT" Text { max: "max" if ::std::option::Option::is_none, kind: "kind_name" },
    "BOOLEAN" Boolean
], other UnknownVariant);

#[derive(serde::Serialize)]
#[serde(tag = "type")]
enum SerdeShape {
    #[serde(rename = "TEXT")]
    Text {
        #[serde(skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
        #[serde(rename = "kind_name")]
        kind: String,
    },
    #[serde(rename = "BOOLEAN")]
    Boolean,
    UnknownVariant,
}

crate::__kombo_serialize_union!(Imported, tag "id_type" content "id", [
    "application_id" ApplicationId(_),
    "none" Nothing
], other UnknownVariant);

#[derive(serde::Serialize)]
#[serde(tag = "id_type", content = "id")]
enum SerdeImportedOut {
    #[serde(rename = "application_id")]
    ApplicationId(String),
    #[serde(rename = "none")]
    Nothing,
    UnknownVariant,
}

crate::__kombo_serialize_union!(
    Priority,
    untagged,
    [
        Labelled {
            label: "label",
            level: "level" if level_is_zero,
        },
        Level { level: "level" },
        Flags(_),
    ]
);

fn level_is_zero(level: &i64) -> bool {
    *level == 0
}

#[derive(serde::Serialize)]
#[serde(untagged)]
enum SerdePriorityOut {
    Labelled {
        label: String,
        #[serde(skip_serializing_if = "level_is_zero")]
        level: i64,
    },
    Level {
        level: i64,
    },
    Flags(Vec<bool>),
}

#[test]
fn a_union_serializes_as_serdes_derive_does() {
    let json = |v: serde_json::Result<serde_json::Value>| v.unwrap();
    let cases = [
        (
            serde_json::to_value(Shape::Text {
                max: None,
                kind: "k".into(),
            }),
            serde_json::to_value(SerdeShape::Text {
                max: None,
                kind: "k".into(),
            }),
        ),
        (
            serde_json::to_value(Shape::Text {
                max: Some(3),
                kind: "k".into(),
            }),
            serde_json::to_value(SerdeShape::Text {
                max: Some(3),
                kind: "k".into(),
            }),
        ),
        (
            serde_json::to_value(Shape::Boolean),
            serde_json::to_value(SerdeShape::Boolean),
        ),
        (
            serde_json::to_value(Shape::UnknownVariant),
            serde_json::to_value(SerdeShape::UnknownVariant),
        ),
        (
            serde_json::to_value(Imported::ApplicationId("a".into())),
            serde_json::to_value(SerdeImportedOut::ApplicationId("a".into())),
        ),
        (
            serde_json::to_value(Imported::Nothing),
            serde_json::to_value(SerdeImportedOut::Nothing),
        ),
        (
            serde_json::to_value(Imported::UnknownVariant),
            serde_json::to_value(SerdeImportedOut::UnknownVariant),
        ),
        (
            serde_json::to_value(Priority::Labelled {
                label: "l".into(),
                level: 0,
            }),
            serde_json::to_value(SerdePriorityOut::Labelled {
                label: "l".into(),
                level: 0,
            }),
        ),
        (
            serde_json::to_value(Priority::Level { level: 2 }),
            serde_json::to_value(SerdePriorityOut::Level { level: 2 }),
        ),
        (
            serde_json::to_value(Priority::Flags(vec![true])),
            serde_json::to_value(SerdePriorityOut::Flags(vec![true])),
        ),
    ];
    for (ours, serde) in cases {
        assert_eq!(json(ours), json(serde));
    }
    // And the text, key order included.
    assert_eq!(
        serde_json::to_string(&Shape::Text {
            max: Some(1),
            kind: "k".into()
        })
        .unwrap(),
        r#"{"type":"TEXT","max":1,"kind_name":"k"}"#
    );
    let round: Imported =
        serde_json::from_value(serde_json::to_value(Imported::ApplicationId("a".into())).unwrap())
            .unwrap();
    assert_eq!(round, Imported::ApplicationId("a".into()));
}
