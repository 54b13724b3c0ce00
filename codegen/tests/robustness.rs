//! Bad input gives an error, never a panic; normalizing twice changes nothing.

use proptest::prelude::*;
use serde_json::{Value, json};

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        prop_oneof![
            Just("string"),
            Just("null"),
            Just("object"),
            Just("3.1.0"),
            Just("#/components/schemas/A"),
            Just("x"),
        ]
        .prop_map(|s| json!(s)),
    ];
    let keys = prop_oneof![
        Just("openapi"),
        Just("paths"),
        Just("components"),
        Just("schemas"),
        Just("type"),
        Just("anyOf"),
        Just("oneOf"),
        Just("allOf"),
        Just("properties"),
        Just("items"),
        Just("enum"),
        Just("const"),
        Just("nullable"),
        Just("$ref"),
        Just("responses"),
        Just("content"),
        Just("schema"),
        Just("get"),
        Just("required"),
        Just("examples"),
        Just("exclusiveMinimum"),
        Just("/a"),
        Just("200"),
        Just("default"),
        Just("application/json"),
        Just("parameters"),
        Just("requestBody"),
        Just("discriminator"),
    ]
    .prop_map(str::to_owned);
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn normalize_never_panics(doc in arbitrary_json()) {
        let _ = kombo_codegen::normalize(doc);
    }

    #[test]
    fn normalize_never_panics_on_documents(paths in arbitrary_json(), schemas in arbitrary_json()) {
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
                         "paths": paths, "components": {"schemas": schemas}});
        let _ = kombo_codegen::normalize(doc.clone());
        // The whole pipeline, progenitor included: errors, never panics.
        let text = serde_json::to_string(&doc).unwrap();
        let _ = kombo_codegen::generate(&text, &kombo_codegen::Options::kombo());
    }
}

#[test]
fn normalizing_twice_changes_nothing() {
    for path in ["../openapi/kombo.yaml", "../fixtures/kombo-fixture.yaml"] {
        let text = std::fs::read_to_string(path).unwrap();
        let doc = kombo_codegen::parse_spec(&text).unwrap();
        let once = kombo_codegen::normalize(doc).unwrap();
        let twice = kombo_codegen::normalize(once.clone()).unwrap();
        assert_eq!(once, twice, "{path}");
    }
}
