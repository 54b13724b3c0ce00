//! What a spec update changes for users of the generated Rust API, as Markdown.
//!
//! Both specs are normalized and named first, so the report speaks of what the
//! crate generates: builder-style calls (a new optional parameter or body field
//! is additive), open response enums (a new response value is additive), strict
//! request enums (a removed request value is breaking).

use serde_json::Value;
#[cfg(test)]
use serde_json::json;
use std::collections::BTreeMap;

use crate::error::CodegenError;
use crate::generate::{Options, parse_spec, prepare};
use crate::normalize::KNOWN_VALUES_EXTENSION;
use crate::spec::{HTTP_METHODS, resolve};

/// How a change affects users of the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Existing code keeps compiling and working.
    Additive,
    /// Existing code may stop compiling or decoding.
    Breaking,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Breaking or additive.
    pub impact: Impact,
    /// Where (method name, and a field path when relevant).
    pub location: String,
    /// What changed.
    pub what: String,
}

/// Flattened view of a schema: field path → facts.
#[derive(Debug, Clone, PartialEq, Default)]
struct Field {
    ty: String,
    required: bool,
    nullable: bool,
    values: Vec<String>,
    open: bool,
}

struct Operation {
    method: String,
    params: BTreeMap<String, Field>,
    body: BTreeMap<String, Field>,
    response: BTreeMap<String, Field>,
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
    for key in ["allOf"] {
        for sub in s.get(key).and_then(Value::as_array).into_iter().flatten() {
            flatten(doc, sub, prefix, required, out, depth + 1);
        }
    }
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

fn operations(doc: &Value) -> BTreeMap<String, Operation> {
    let mut ops = BTreeMap::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for verb in HTTP_METHODS {
            let Some(op) = item.get(verb) else { continue };
            let Some(method) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let key = format!("{} {path}", verb.to_ascii_uppercase());
            let mut params = BTreeMap::new();
            // Path-level parameters first; the operation's own override them by name.
            let declared = [item, op].into_iter().flat_map(|holder| {
                holder
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
            });
            for p in declared {
                let p = resolve(doc, p);
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
            let mut response = BTreeMap::new();
            for (status, r) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if status.starts_with('2') {
                    flatten_content(doc, r, &mut response);
                }
            }
            ops.insert(
                key,
                Operation {
                    method: method.to_owned(),
                    params,
                    body,
                    response,
                },
            );
        }
    }
    ops
}

/// Enum values added (with the given impact) and removed (a removed variant
/// breaks code that names it).
fn enum_changes(old: &Field, new: &Field, added: Impact) -> Vec<(String, Impact)> {
    let mut out: Vec<(String, Impact)> = new
        .values
        .iter()
        .filter(|v| !old.values.contains(v))
        .map(|v| (format!("enum value {v} added"), added))
        .collect();
    out.extend(
        old.values
            .iter()
            .filter(|v| !new.values.contains(v))
            .map(|v| (format!("enum value {v} removed"), Impact::Breaking)),
    );
    out
}

/// Which way a field travels: a request gets stricter, a response must still decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// Compares the fields of one part of an operation (parameters, body, response).
fn compare_fields(
    location: &str,
    side: Side,
    old: &BTreeMap<String, Field>,
    new: &BTreeMap<String, Field>,
    out: &mut Vec<Change>,
) {
    use Impact::*;
    let mut push = |impact, name: &str, what: String| {
        out.push(Change {
            impact,
            location: format!("{location} `{name}`"),
            what,
        })
    };
    for (name, n) in new {
        let Some(o) = old.get(name) else {
            match (side, n.required) {
                (Side::Request, true) => push(Breaking, name, "added, required".into()),
                (Side::Request, false) => push(Additive, name, "added, optional".into()),
                (Side::Response, _) => push(Additive, name, "added".into()),
            }
            continue;
        };
        if o.ty != n.ty {
            push(Breaking, name, format!("type changed: {} → {}", o.ty, n.ty));
        }
        let added_value = match side {
            Side::Request => {
                if o.required != n.required {
                    let (impact, what) = if n.required {
                        (Breaking, "made required")
                    } else {
                        (Additive, "made optional")
                    };
                    push(impact, name, what.into());
                }
                if o.nullable != n.nullable {
                    let (impact, what) = if n.nullable {
                        (Additive, "made nullable")
                    } else {
                        (Breaking, "no longer nullable")
                    };
                    push(impact, name, what.into());
                }
                Additive
            }
            Side::Response => {
                // `Option<T>` ↔ `T` changes the Rust field type.
                let always = |f: &Field| f.required && !f.nullable;
                if always(o) != always(n) {
                    let now = if always(n) {
                        "always present"
                    } else {
                        "optional or nullable"
                    };
                    push(
                        Breaking,
                        name,
                        format!("now {now} (the Rust field type changes)"),
                    );
                }
                // An open (non-exhaustive) enum takes a new variant; a closed one
                // (a one-value tag) rejects what it does not list.
                if n.open { Additive } else { Breaking }
            }
        };
        for (what, impact) in enum_changes(o, n, added_value) {
            push(impact, name, what);
        }
    }
    for name in old.keys().filter(|k| !new.contains_key(*k)) {
        push(Breaking, name, "removed".into());
    }
}

/// The changes between two normalized, named documents.
pub fn changes(old: &Value, new: &Value) -> Vec<Change> {
    let (old_ops, new_ops) = (operations(old), operations(new));
    let mut out = Vec::new();
    for (key, n) in &new_ops {
        let Some(o) = old_ops.get(key) else {
            out.push(Change {
                impact: Impact::Additive,
                location: format!("`{}` ({key})", n.method),
                what: "operation added".into(),
            });
            continue;
        };
        let loc = format!("`{}`", n.method);
        if o.method != n.method {
            out.push(Change {
                impact: Impact::Breaking,
                location: key.clone(),
                what: format!("method renamed: `{}` → `{}`", o.method, n.method),
            });
        }
        let part = |what: &str| format!("{loc} {what}");
        compare_fields(
            &part("parameter"),
            Side::Request,
            &o.params,
            &n.params,
            &mut out,
        );
        compare_fields(
            &part("body field"),
            Side::Request,
            &o.body,
            &n.body,
            &mut out,
        );
        compare_fields(
            &part("response"),
            Side::Response,
            &o.response,
            &n.response,
            &mut out,
        );
    }
    for (key, o) in &old_ops {
        if !new_ops.contains_key(key) {
            out.push(Change {
                impact: Impact::Breaking,
                location: format!("`{}` ({key})", o.method),
                what: "operation removed".into(),
            });
        }
    }
    out
}

/// The Markdown report: a verdict line, then breaking and additive changes.
pub fn render(changes: &[Change]) -> String {
    let breaking: Vec<&Change> = changes
        .iter()
        .filter(|c| c.impact == Impact::Breaking)
        .collect();
    let additive: Vec<&Change> = changes
        .iter()
        .filter(|c| c.impact == Impact::Additive)
        .collect();
    let verdict = if !breaking.is_empty() {
        "major (breaking changes)"
    } else if !additive.is_empty() {
        "minor (additive changes only)"
    } else {
        "patch (no API change)"
    };
    let mut s = format!("## Kombo spec update: {verdict}\n\n");
    for (title, items) in [("Breaking", &breaking), ("Additive", &additive)] {
        if items.is_empty() {
            continue;
        }
        s.push_str(&format!("### {title} ({})\n\n", items.len()));
        for c in items.iter() {
            s.push_str(&format!("- {}: {}\n", c.location, c.what));
        }
        s.push('\n');
    }
    s
}

/// Report between two spec texts (raw or already normalized).
pub fn report_texts(old: &str, new: &str) -> Result<String, CodegenError> {
    let options = Options::default();
    let (old, _) = prepare(parse_spec(old)?, &options)?;
    let (new, _) = prepare(parse_spec(new)?, &options)?;
    Ok(render(&changes(&old.document, &new.document)))
}

#[cfg(test)]
mod tests;
