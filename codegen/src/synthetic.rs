//! Synthetic specs for scaling benchmarks: a spec replicated N times, with
//! every path, component and operation renamed per copy, so a generated
//! client grows like Kombo's whole API does (`scripts/bench.sh`).

use serde_json::{Map, Value};

const SECTIONS: [&str; 5] = [
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
];

/// `copies` renamed copies of `doc` in one document (webhooks dropped).
pub fn replicate(doc: &Value, copies: usize) -> Value {
    let mut out = doc.clone();
    let mut paths = Map::new();
    let mut components: Map<String, Value> = Map::new();
    for copy in 0..copies {
        let suffix = format!("Copy{copy}");
        let mut renamed = doc.clone();
        rename_refs(&mut renamed, &suffix);
        for (path, item) in renamed
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let mut item = item.clone();
            for op in item
                .as_object_mut()
                .into_iter()
                .flat_map(|m| m.values_mut())
            {
                let Some(op) = op.as_object_mut() else {
                    continue;
                };
                for key in ["operationId", "summary"] {
                    if let Some(Value::String(s)) = op.get_mut(key) {
                        s.push_str(&format!(" {suffix}"));
                    }
                }
            }
            paths.insert(format!("/copy{copy}{path}"), item);
        }
        for section in SECTIONS {
            let items = renamed
                .pointer(&format!("/components/{section}"))
                .and_then(Value::as_object);
            for (name, value) in items.into_iter().flatten() {
                let entry = components
                    .entry(section)
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Some(map) = entry.as_object_mut() {
                    map.insert(format!("{name}{suffix}"), value.clone());
                }
            }
        }
    }
    if let Some(root) = out.as_object_mut() {
        root.insert("paths".into(), Value::Object(paths));
        root.shift_remove("webhooks");
        let existing = root
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(existing) = existing.as_object_mut() {
            existing.extend(components);
        }
    }
    out
}

fn rename_refs(value: &mut Value, suffix: &str) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref")
                && r.starts_with("#/components/")
            {
                r.push_str(suffix);
            }
            map.values_mut().for_each(|v| rename_refs(v, suffix));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, suffix)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn copies_are_renamed_throughout() {
        let doc = json!({"openapi": "3.1.0", "paths": {"/a": {"get": {"operationId": "getA",
            "responses": {"200": {"$ref": "#/components/responses/R"}}}}},
            "components": {"responses": {"R": {"description": "r"}}}});
        let out = replicate(&doc, 2);
        assert_eq!(out["paths"]["/copy1/a"]["get"]["operationId"], "getA Copy1");
        assert_eq!(
            out["paths"]["/copy0/a"]["get"]["responses"]["200"]["$ref"],
            "#/components/responses/RCopy0"
        );
        assert!(out["components"]["responses"]["RCopy1"].is_object());
    }
}
