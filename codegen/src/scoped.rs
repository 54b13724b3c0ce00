//! Headers supplied once by a scoped client instead of on every call, and the
//! static table of operations emitted next to the generated client.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Value, json};

use crate::error::{CodegenError, push_pointer};
use crate::naming::ORIGINAL_OPERATION_ID;
use crate::spec::{HTTP_METHODS, resolve};

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
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let mut inherited = Vec::new();
        if let Some(params) = item.get_mut("parameters").and_then(Value::as_array_mut) {
            params.retain(|p| match scoped_name(&snapshot, p, scoped) {
                Some(found) => {
                    inherited.push(found);
                    false
                }
                None => true,
            });
        }
        for method in HTTP_METHODS {
            let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let mut found = inherited.clone();
            if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                params.retain(|p| match scoped_name(&snapshot, p, scoped) {
                    Some(hit) => {
                        found.retain(|(n, _)| *n != hit.0);
                        found.push(hit);
                        false
                    }
                    None => true,
                });
            }
            if found.is_empty() {
                continue;
            }
            let list: Vec<Value> = found
                .iter()
                .map(|(name, required)| json!({"name": name, "required": required}))
                .collect();
            if op.contains_key(SCOPED_HEADERS_EXTENSION) {
                return Err(CodegenError::at(
                    push_pointer(
                        &format!("{}/{method}", push_pointer("/paths", path)),
                        SCOPED_HEADERS_EXTENSION,
                    ),
                    "the spec already uses this extension name",
                ));
            }
            op.insert(SCOPED_HEADERS_EXTENSION.into(), Value::Array(list));
        }
    }
    Ok(())
}

/// `pub mod operations` with one `OperationSpec` per operation.
pub fn operation_table(doc: &Value, _scoped: &[String]) -> Result<TokenStream, CodegenError> {
    let mut rows = Vec::new();
    let paths = doc.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        for method in HTTP_METHODS {
            let Some(op) = item.get(method) else { continue };
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let spec_id = op
                .get(ORIGINAL_OPERATION_ID)
                .and_then(Value::as_str)
                .unwrap_or(id);
            let headers = op
                .get(SCOPED_HEADERS_EXTENSION)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let names_where = |required: bool| -> Vec<String> {
                headers
                    .iter()
                    .filter(|h| h.get("required").and_then(Value::as_bool) == Some(required))
                    .filter_map(|h| h.get("name").and_then(Value::as_str).map(str::to_owned))
                    .collect()
            };
            let (required, optional) = (names_where(true), names_where(false));
            let http_method = method.to_ascii_uppercase();
            let content_type = match op
                .get(crate::normalize::REQUEST_CONTENT_TYPE_EXTENSION)
                .and_then(Value::as_str)
            {
                Some(ct) => quote! { Some(#ct) },
                None => quote! { None },
            };
            rows.push(quote! {
                OperationSpec {
                    id: #id,
                    spec_id: #spec_id,
                    method: #http_method,
                    path: #path,
                    required_scoped_headers: &[#(#required),*],
                    optional_scoped_headers: &[#(#optional),*],
                    request_content_type: #content_type,
                }
            });
        }
    }
    Ok(quote! {
        /// Static facts about every operation of the spec.
        pub mod operations {
            /// One operation: its names, HTTP method and path template.
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub struct OperationSpec {
                /// Method name on `Client` (also `OperationInfo::operation_id`).
                pub id: &'static str,
                /// The `operationId` in Kombo's spec.
                pub spec_id: &'static str,
                /// HTTP method, upper case.
                pub method: &'static str,
                /// Path template relative to the base URL.
                pub path: &'static str,
                /// Scoped headers the operation requires.
                pub required_scoped_headers: &'static [&'static str],
                /// Scoped headers the operation accepts.
                pub optional_scoped_headers: &'static [&'static str],
                /// Media type of a request body sent as raw bytes (progenitor sends it as
                /// `application/octet-stream`).
                pub request_content_type: Option<&'static str>,
            }

            /// Every operation, in document order.
            pub const ALL: &[OperationSpec] = &[#(#rows),*];

            /// The operation with this method name.
            pub fn find(id: &str) -> Option<&'static OperationSpec> {
                ALL.iter().find(|op| op.id == id)
            }
        }
    })
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

    #[test]
    fn table_lists_operations() {
        let doc = json!({"paths": {"/a/{id}": {"post": {"operationId": "do_it", ORIGINAL_OPERATION_ID: "PostA",
            SCOPED_HEADERS_EXTENSION: [{"name": "X-Integration-Id", "required": true}]}}}});
        let text = operation_table(&doc, &[]).unwrap().to_string();
        assert!(text.contains("\"do_it\""), "{text}");
        assert!(text.contains("\"PostA\""), "{text}");
        assert!(text.contains("\"/a/{id}\""), "{text}");
        assert!(text.contains("\"X-Integration-Id\""), "{text}");
    }
}
