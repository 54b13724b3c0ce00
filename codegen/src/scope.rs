//! Scope: headers supplied once by a scoped client (`kombo.integration(id)`)
//! instead of on every call are removed from the operations' parameters and
//! recorded on each operation for the emitted operation table.

use serde_json::{Value, json};
use std::collections::BTreeMap;

use crate::error::{CodegenError, push_pointer};
use crate::walk::{operations, resolve};

/// Extension listing the scoped headers removed from an operation.
pub const SCOPED_HEADERS_EXTENSION: &str = "x-kombo-scoped-headers";

fn scoped_name<'a>(doc: &Value, param: &Value, scoped: &'a [String]) -> Option<(&'a str, bool)> {
    let param = resolve(doc, param);
    if param.get("in").and_then(Value::as_str) != Some("header") {
        return None;
    }
    let name = param.get("name").and_then(Value::as_str)?;
    let required = param.get("required").and_then(Value::as_bool) == Some(true);
    scoped
        .iter()
        .find(|s| s.eq_ignore_ascii_case(name))
        .map(|s| (s.as_str(), required))
}

/// Removes the scoped header parameters from every operation (and path item),
/// recording them under `x-kombo-scoped-headers` on the operation.
pub fn remove_scoped_headers(doc: &mut Value, scoped: &[String]) -> Result<(), CodegenError> {
    if scoped.is_empty() {
        return Ok(());
    }
    let snapshot = doc.clone();
    let take_scoped = |holder: &mut Value| -> Vec<(&str, bool)> {
        let mut found = Vec::new();
        if let Some(params) = holder.get_mut("parameters").and_then(Value::as_array_mut) {
            params.retain(|p| match scoped_name(&snapshot, p, scoped) {
                Some(hit) => {
                    found.push(hit);
                    false
                }
                None => true,
            });
        }
        found
    };
    let mut inherited: BTreeMap<String, Vec<(&str, bool)>> = BTreeMap::new();
    for at in operations(doc) {
        let item_ptr = push_pointer("/paths", &at.path);
        if !inherited.contains_key(&at.path)
            && let Some(item) = doc.pointer_mut(&item_ptr)
        {
            inherited.insert(at.path.clone(), take_scoped(item));
        }
        let Some(op) = doc.pointer_mut(&at.pointer) else {
            continue;
        };
        let mut found = inherited.get(&at.path).cloned().unwrap_or_default();
        for hit in take_scoped(op) {
            found.retain(|(n, _)| *n != hit.0);
            found.push(hit);
        }
        if found.is_empty() {
            continue;
        }
        let Some(op) = op.as_object_mut() else {
            continue;
        };
        if op.contains_key(SCOPED_HEADERS_EXTENSION) {
            return Err(CodegenError::at(
                push_pointer(&at.pointer, SCOPED_HEADERS_EXTENSION),
                "the spec already uses this extension name",
            ));
        }
        let list: Vec<Value> = found
            .iter()
            .map(|(name, required)| json!({"name": name, "required": required}))
            .collect();
        op.insert(SCOPED_HEADERS_EXTENSION.into(), Value::Array(list));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_header_is_removed_and_recorded() {
        let mut doc = json!({
            "paths": {"/x": {"get": {"operationId": "get_x", "parameters": [
                {"in": "header", "name": "X-Integration-Id", "required": true, "schema": {"type": "string"}},
                {"in": "query", "name": "cursor", "schema": {"type": "string"}}
            ]}}}
        });
        remove_scoped_headers(&mut doc, &["X-Integration-Id".into()]).unwrap();
        let op = &doc["paths"]["/x"]["get"];
        assert_eq!(
            op["parameters"],
            json!([{"in": "query", "name": "cursor", "schema": {"type": "string"}}])
        );
        assert_eq!(
            op[SCOPED_HEADERS_EXTENSION],
            json!([{"name": "X-Integration-Id", "required": true}])
        );
    }

    #[test]
    fn referenced_and_path_level_headers_are_found_case_insensitively() {
        let mut doc = json!({
            "components": {"parameters": {"Iid": {"in": "header", "name": "x-integration-id", "required": false, "schema": {"type": "string"}}}},
            "paths": {"/x": {
                "parameters": [{"$ref": "#/components/parameters/Iid"}],
                "get": {"operationId": "get_x"}
            }}
        });
        remove_scoped_headers(&mut doc, &["X-Integration-Id".into()]).unwrap();
        assert_eq!(doc["paths"]["/x"]["parameters"], json!([]));
        assert_eq!(
            doc["paths"]["/x"]["get"][SCOPED_HEADERS_EXTENSION],
            json!([{"name": "X-Integration-Id", "required": false}])
        );
    }
}
