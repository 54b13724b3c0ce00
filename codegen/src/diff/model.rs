//! The model a report compares: each operation flattened into field paths
//! (`data.link`, `items[].kind`) with the facts that decide compatibility.

use serde_json::Value;
use std::collections::BTreeMap;

use crate::normalize::KNOWN_VALUES_EXTENSION;
use crate::walk::{operations as operations_at, parameters, resolve};

/// Flattened view of a schema: field path → facts.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Field {
    pub(super) ty: String,
    pub(super) required: bool,
    pub(super) nullable: bool,
    pub(super) values: Vec<String>,
    pub(super) open: bool,
}

pub(super) struct Operation {
    pub(super) method: String,
    pub(super) params: BTreeMap<String, Field>,
    pub(super) body: BTreeMap<String, Field>,
    pub(super) response: BTreeMap<String, Field>,
    /// Headers of success responses, by name.
    pub(super) response_headers: BTreeMap<String, Field>,
    /// Inline error responses (shared ones are compared once, see [`shared_responses`]).
    pub(super) errors: BTreeMap<String, Field>,
}

fn type_name(doc: &Value, s: &Value) -> String {
    let s = resolve(doc, s);
    let base = s.get("type").and_then(Value::as_str).unwrap_or("any");
    match (base, s.get("format").and_then(Value::as_str)) {
        ("array", _) => format!(
            "array of {}",
            s.get("items")
                .map(|i| type_name(doc, i))
                .unwrap_or_else(|| "any".into())
        ),
        (b, Some(f)) => format!("{b} ({f})"),
        (b, None) => b.to_owned(),
    }
}

fn flatten(
    doc: &Value,
    schema: &Value,
    prefix: &str,
    required: bool,
    out: &mut BTreeMap<String, Field>,
    depth: usize,
) {
    let s = resolve(doc, schema);
    let mut values: Vec<String> = s
        .get("enum")
        .or_else(|| s.get(KNOWN_VALUES_EXTENSION))
        .and_then(Value::as_array)
        .map(|v| v.iter().map(|x| x.to_string()).collect())
        .unwrap_or_default();
    values.sort();
    let nullable = s.get("nullable") == Some(&Value::Bool(true));
    if !prefix.is_empty() {
        out.insert(
            prefix.to_owned(),
            Field {
                ty: type_name(doc, s),
                required,
                nullable,
                values,
                open: s.get(KNOWN_VALUES_EXTENSION).is_some(),
            },
        );
    }
    if depth > 8 {
        return;
    }
    let required_names: Vec<&str> = s
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        for (name, sub) in props {
            let path = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            flatten(
                doc,
                sub,
                &path,
                required_names.contains(&name.as_str()),
                out,
                depth + 1,
            );
        }
    }
    if let Some(items) = s.get("items") {
        flatten(doc, items, &format!("{prefix}[]"), true, out, depth + 1);
    }
    for sub in s
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        flatten(doc, sub, prefix, required, out, depth + 1);
    }
    // Each branch of a union is a field `prefix<label>`: a branch added is
    // one more variant (optional), a branch removed breaks code naming it,
    // and the fields inside are compared like any others.
    for key in ["oneOf", "anyOf"] {
        let branches = s.get(key).and_then(Value::as_array);
        for (i, branch) in branches.into_iter().flatten().enumerate() {
            let label = branch_label(doc, branch).unwrap_or_else(|| format!("#{i}"));
            flatten(
                doc,
                branch,
                &format!("{prefix}<{label}>"),
                false,
                out,
                depth + 1,
            );
        }
    }
}

/// What names a union branch: its tag value (a one-value property), else
/// the component it refers to.
fn branch_label(doc: &Value, branch: &Value) -> Option<String> {
    let resolved = resolve(doc, branch);
    let tag = resolved
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .find_map(|(name, p)| {
            let values = resolve(doc, p).get("enum")?.as_array()?;
            (values.len() == 1).then(|| format!("{name}={}", values[0]))
        });
    tag.or_else(|| crate::walk::schema_ref_name(branch).map(str::to_owned))
}

/// Flattens the schemas of a request body's or response's `content`.
fn flatten_content(doc: &Value, holder: &Value, out: &mut BTreeMap<String, Field>) {
    let content = resolve(doc, holder)
        .get("content")
        .and_then(Value::as_object);
    for media in content.into_iter().flatten().map(|(_, m)| m) {
        let schema = media.get("schema").unwrap_or(&Value::Null);
        flatten(doc, schema, "", true, out, 0);
    }
}

/// A response's headers: `name` → the header's schema facts.
fn flatten_headers(doc: &Value, response: &Value, out: &mut BTreeMap<String, Field>) {
    let headers = resolve(doc, response)
        .get("headers")
        .and_then(Value::as_object);
    for (name, header) in headers.into_iter().flatten() {
        let header = resolve(doc, header);
        let mut fields = BTreeMap::new();
        let schema = header.get("schema").unwrap_or(&Value::Null);
        flatten(doc, schema, "x", true, &mut fields, 0);
        let mut field = fields.remove("x").unwrap_or_default();
        field.required = header.get("required") == Some(&Value::Bool(true));
        out.insert(name.to_ascii_lowercase(), field);
    }
}

/// The shared responses (`components/responses`, Kombo's error bodies), by
/// name: compared once, not once per operation that uses them.
pub(super) fn shared_responses(doc: &Value) -> BTreeMap<String, BTreeMap<String, Field>> {
    let responses = doc
        .pointer("/components/responses")
        .and_then(Value::as_object);
    responses
        .into_iter()
        .flatten()
        .map(|(name, response)| {
            let mut fields = BTreeMap::new();
            flatten_content(doc, response, &mut fields);
            flatten_headers(doc, response, &mut fields);
            (name.clone(), fields)
        })
        .collect()
}

/// Every operation by `METHOD /path`.
pub(super) fn operations(doc: &Value) -> BTreeMap<String, Operation> {
    let mut ops = BTreeMap::new();
    for at in operations_at(doc) {
        let Some(op) = doc.pointer(&at.pointer) else {
            continue;
        };
        let Some(method) = op
            .get(crate::name::METHOD_EXTENSION)
            .and_then(Value::as_str)
        else {
            continue;
        };
        let tag = crate::name::tag_module(
            op.get("tags")
                .and_then(Value::as_array)
                .and_then(|t| t.first())
                .and_then(Value::as_str),
        );
        let method = format!("{tag}.{method}");
        let key = format!("{} {}", at.method.to_ascii_uppercase(), at.path);
        let mut params = BTreeMap::new();
        // Path-level parameters first; the operation's own override them by name.
        for p in parameters(doc, &at) {
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let mut f = BTreeMap::new();
            flatten(
                doc,
                p.get("schema").unwrap_or(&Value::Null),
                "x",
                true,
                &mut f,
                0,
            );
            let mut field = f.remove("x").unwrap_or_default();
            field.required = p.get("required") == Some(&Value::Bool(true));
            params.insert(name, field);
        }
        let mut body = BTreeMap::new();
        if let Some(b) = op.get("requestBody") {
            flatten_content(doc, b, &mut body);
        }
        let (mut response, mut response_headers, mut errors) =
            (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        for (status, r) in op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if status.starts_with('2') {
                flatten_content(doc, r, &mut response);
                flatten_headers(doc, r, &mut response_headers);
            } else if r.get("$ref").is_none() {
                flatten_content(doc, r, &mut errors);
            }
        }
        ops.insert(
            key,
            Operation {
                method: method.to_owned(),
                params,
                body,
                response,
                response_headers,
                errors,
            },
        );
    }
    ops
}
