//! Webhooks: OpenAPI 3.1's `webhooks` section has no 3.0 form, so it leaves
//! the document, but what it says stays: each webhook's payload schema is
//! kept as a component (received data, so opened like a response) and listed
//! with the event `type` it carries, for the emit stage's typed event enum.

use serde_json::{Map, Value};

use crate::error::{CodegenError, push_pointer};
use crate::walk::{resolve, schema_ref_name};

/// One webhook: its name, the component schema of its payload, its `type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// The key under `webhooks` (e.g. `integration-state-changed`).
    pub name: String,
    /// The component schema of the payload.
    pub payload: String,
    /// The payload's `type` value (e.g. `integration-state-changed`).
    pub event_type: String,
}

/// Removes `webhooks` from the document and returns what it declared.
pub(super) fn take(root: &mut Map<String, Value>) -> Result<Value, CodegenError> {
    match root.shift_remove("webhooks") {
        None => Ok(Value::Object(Map::new())),
        Some(Value::Object(hooks)) => Ok(Value::Object(hooks)),
        Some(_) => Err(CodegenError::at(
            "/webhooks",
            "`webhooks` must be a mapping",
        )),
    }
}

/// Each webhook's payload (a `$ref` to a component schema of the normalized
/// `doc`) and its event type (the payload's one-value `type` property).
pub(super) fn describe(doc: &Value, hooks: &Value) -> Result<Vec<Webhook>, CodegenError> {
    let mut out = Vec::new();
    for (name, hook) in hooks.as_object().into_iter().flatten() {
        let pointer = push_pointer("/webhooks", name);
        let schema_at = format!("{pointer}/post/requestBody/content/application~1json/schema");
        let schema = hook
            .pointer("/post/requestBody/content/application~1json/schema")
            .ok_or_else(|| {
                CodegenError::at(&pointer, "a webhook needs a `post` with a JSON body")
            })?;
        let payload = schema_ref_name(schema)
            .filter(|n| {
                doc.pointer(&push_pointer("/components/schemas", n))
                    .is_some()
            })
            .ok_or_else(|| {
                CodegenError::at(
                    &schema_at,
                    "a webhook payload must be a `$ref` to a component schema",
                )
            })?
            .to_owned();
        let type_schema = resolve(doc, schema)
            .pointer("/properties/type")
            .map(|t| resolve(doc, t));
        let event_type = type_schema
            .and_then(|t| t.get("enum"))
            .and_then(Value::as_array)
            .filter(|values| values.len() == 1)
            .and_then(|values| values[0].as_str())
            .ok_or_else(|| {
                CodegenError::at(
                    &schema_at,
                    "a webhook payload needs a `type` property with one value",
                )
            })?
            .to_owned();
        out.push(Webhook {
            name: name.clone(),
            payload,
            event_type,
        });
    }
    Ok(out)
}
