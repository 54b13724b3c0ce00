//! Doc comments taken from the spec: an operation's summary and description,
//! a setter's description, default and allowed values.

use serde_json::Value;

use crate::model::Operation;

/// The doc of an operation's method.
pub fn operation(op: &Operation) -> String {
    let mut doc = String::new();
    if let Some(summary) = &op.summary {
        doc.push_str(summary);
        doc.push_str("\n\n");
    }
    if let Some(description) = &op.description {
        doc.push_str(description);
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("`{} {}`", op.http_method, op.path));
    if op.deprecated {
        doc.push_str("\n\nDeprecated by Kombo.");
    }
    doc
}

/// The doc of a setter for a value with `schema` (resolved by the caller
/// where it matters), `description` and whether it is required.
pub fn setter(name: &str, description: Option<&str>, schema: &Value, required: bool) -> String {
    let mut doc = match description {
        Some(d) => d.to_owned(),
        None => format!("Sets `{name}`."),
    };
    if required {
        doc.push_str("\n\nRequired.");
    }
    if let Some(default) = schema.get("default") {
        doc.push_str(&format!("\n\nDefault: `{default}`."));
    }
    let values: Vec<String> = schema
        .get("enum")
        .or_else(|| schema.get(crate::normalize::KNOWN_VALUES_EXTENSION))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|v| !v.is_null())
        .map(|v| {
            format!(
                "`{}`",
                v.as_str().map_or_else(|| v.to_string(), str::to_owned)
            )
        })
        .collect();
    if !values.is_empty() {
        doc.push_str(&format!("\n\nAllowed values: {}.", values.join(", ")));
    }
    doc
}
