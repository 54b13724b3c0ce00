//! The one error-code table agrees with every code Kombo's specs list: the
//! vendored spec and the endpoint documents beside the repository.

use std::collections::BTreeSet;

use kombo::ErrorCode;
use serde_json::Value;

/// Values of every `enum` under a property named `code`.
fn codes_in(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(code) = map.get("code") {
                let mut values = Vec::new();
                collect_enums(code, &mut values);
                out.extend(values);
            }
            map.values().for_each(|v| codes_in(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| codes_in(v, out)),
        _ => {}
    }
}

fn collect_enums(schema: &Value, out: &mut Vec<String>) {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        out.extend(values.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        for branch in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            collect_enums(branch, out);
        }
    }
}

fn codes_of(path: &std::path::Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let doc: Value = serde_yaml::from_str(&text).unwrap();
    let mut codes = BTreeSet::new();
    codes_in(&doc, &mut codes);
    codes
}

#[test]
fn every_code_in_the_specs_is_known_and_every_known_code_is_in_a_spec() {
    let mut specs = vec![std::path::PathBuf::from("openapi/kombo.yaml")];
    let shared = std::path::Path::new("../shared/specs/kombo");
    match std::fs::read_dir(shared) {
        Ok(entries) => specs.extend(entries.map(|e| e.unwrap().path())),
        Err(e) => assert!(
            std::env::var_os("CI").is_none(),
            "CI must see {}: {e}",
            shared.display()
        ),
    }
    let mut in_specs = BTreeSet::new();
    for spec in &specs {
        in_specs.extend(codes_of(spec));
    }
    assert!(in_specs.len() >= 8, "{in_specs:?}");
    for code in &in_specs {
        assert!(
            !matches!(ErrorCode::parse(code), ErrorCode::Unknown(_)),
            "{code} appears in a spec but not in the ErrorCode table"
        );
    }
    if specs.len() > 1 {
        for known in ErrorCode::known() {
            assert!(
                in_specs.contains(known.as_str()),
                "{known} is in the table but in none of the specs"
            );
        }
    }
}
