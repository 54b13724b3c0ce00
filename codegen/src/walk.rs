//! The one walker over an OpenAPI document: operations, schema roots, nested
//! schemas and `$ref`s. Every stage reads the document through here, so the
//! `paths × methods` loop and the list of schema positions exist once.

use serde_json::Value;
use std::collections::BTreeSet;

use crate::error::{CodegenError, push_pointer};

/// The HTTP methods an OpenAPI path item may hold.
pub const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Where an operation sits in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationAt {
    /// Path template, e.g. `/integrations/{integration_id}/relink`.
    pub path: String,
    /// Lower-case HTTP method.
    pub method: &'static str,
    /// JSON pointer of the operation object.
    pub pointer: String,
}

/// Every operation of the document, in document order.
pub fn operations(doc: &Value) -> Vec<OperationAt> {
    let mut out = Vec::new();
    let paths = doc.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        for method in HTTP_METHODS {
            if item.get(method).is_some_and(Value::is_object) {
                out.push(OperationAt {
                    path: path.clone(),
                    method,
                    pointer: format!("{}/{method}", push_pointer("/paths", path)),
                });
            }
        }
    }
    out
}

/// The parameters that apply to an operation (path-level ones first, each resolved).
pub fn parameters<'a>(doc: &'a Value, at: &OperationAt) -> Vec<&'a Value> {
    let item = doc.pointer(&push_pointer("/paths", &at.path));
    let op = doc.pointer(&at.pointer);
    [item, op]
        .into_iter()
        .flatten()
        .filter_map(|holder| holder.get("parameters").and_then(Value::as_array))
        .flatten()
        .map(|p| resolve(doc, p))
        .collect()
}

/// Follows local `$ref`s (at most 16 hops) to their target.
pub fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    follow(doc, value, |_| true)
}

/// Follows local `$ref`s to responses, parameters and bodies, but stops at a
/// reference to a component schema (so the schema's name stays visible).
pub fn resolve_component<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    follow(doc, value, |r| !r.starts_with(SCHEMA_PREFIX))
}

fn follow<'a>(doc: &'a Value, value: &'a Value, should_follow: impl Fn(&str) -> bool) -> &'a Value {
    let mut current = value;
    for _ in 0..16 {
        let next = current
            .get("$ref")
            .and_then(Value::as_str)
            .filter(|r| should_follow(r))
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| doc.pointer(p));
        match next {
            Some(target) => current = target,
            None => break,
        }
    }
    current
}

/// The component schema a `$ref` names, if it is one.
pub fn schema_ref_name(value: &Value) -> Option<&str> {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(SCHEMA_PREFIX))
}

/// Names of the component schemas.
pub fn component_names(doc: &Value) -> BTreeSet<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// Where a schema root sits: in what the client sends, or in what it receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Parameters and request bodies.
    Request,
    /// Response bodies and headers.
    Response,
    /// Component schemas (either, decided by reachability).
    Component,
}

/// What [`for_each_schema_root`] calls: the schema, its pointer, its direction.
pub type RootVisitor<'a> = dyn FnMut(&mut Value, &str, Direction) -> Result<(), CodegenError> + 'a;

/// Calls `visit` on every schema root of the document (not on nested schemas).
pub fn for_each_schema_root(doc: &mut Value, visit: &mut RootVisitor) -> Result<(), CodegenError> {
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            let p = push_pointer("/components/schemas", name);
            visit(schema, &p, Direction::Component)?;
        }
    }
    for section in ["parameters", "requestBodies", "responses", "headers"] {
        let base = format!("/components/{section}");
        if let Some(items) = doc.pointer_mut(&base).and_then(Value::as_object_mut) {
            for (name, item) in items.iter_mut() {
                let p = push_pointer(&base, name);
                match section {
                    "parameters" => visit_parameter(item, &p, visit)?,
                    "requestBodies" => visit_content(item, &p, Direction::Request, visit)?,
                    "responses" => visit_response(item, &p, visit)?,
                    _ => visit_schema_field(item, &p, Direction::Response, visit)?,
                }
            }
        }
    }
    for at in operations(doc) {
        let item_ptr = push_pointer("/paths", &at.path);
        if let Some(params) = doc
            .pointer_mut(&format!("{item_ptr}/parameters"))
            .and_then(Value::as_array_mut)
        {
            for (i, param) in params.iter_mut().enumerate() {
                visit_parameter(param, &format!("{item_ptr}/parameters/{i}"), visit)?;
            }
        }
        let Some(op) = doc.pointer_mut(&at.pointer).and_then(Value::as_object_mut) else {
            continue;
        };
        let op_ptr = &at.pointer;
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            for (i, param) in params.iter_mut().enumerate() {
                visit_parameter(param, &format!("{op_ptr}/parameters/{i}"), visit)?;
            }
        }
        if let Some(body) = op.get_mut("requestBody") {
            let p = format!("{op_ptr}/requestBody");
            visit_content(body, &p, Direction::Request, visit)?;
        }
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            for (status, response) in responses.iter_mut() {
                let p = push_pointer(&format!("{op_ptr}/responses"), status);
                visit_response(response, &p, visit)?;
            }
        }
    }
    Ok(())
}

/// The path-level parameter pointers are visited once per path item even when
/// it holds several operations.
fn visit_parameter(
    param: &mut Value,
    pointer: &str,
    visit: &mut RootVisitor,
) -> Result<(), CodegenError> {
    visit_schema_field(param, pointer, Direction::Request, visit)?;
    visit_content(param, pointer, Direction::Request, visit)
}

fn visit_response(
    response: &mut Value,
    pointer: &str,
    visit: &mut RootVisitor,
) -> Result<(), CodegenError> {
    visit_content(response, pointer, Direction::Response, visit)?;
    if let Some(headers) = response.get_mut("headers").and_then(Value::as_object_mut) {
        for (name, header) in headers.iter_mut() {
            let p = push_pointer(&format!("{pointer}/headers"), name);
            visit_schema_field(header, &p, Direction::Response, visit)?;
        }
    }
    Ok(())
}

fn visit_content(
    holder: &mut Value,
    pointer: &str,
    direction: Direction,
    visit: &mut RootVisitor,
) -> Result<(), CodegenError> {
    if let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) {
        for (media_type, media) in content.iter_mut() {
            let p = push_pointer(&format!("{pointer}/content"), media_type);
            visit_schema_field(media, &p, direction, visit)?;
        }
    }
    Ok(())
}

fn visit_schema_field(
    holder: &mut Value,
    pointer: &str,
    direction: Direction,
    visit: &mut RootVisitor,
) -> Result<(), CodegenError> {
    if let Some(schema) = holder.get_mut("schema") {
        visit(schema, &format!("{pointer}/schema"), direction)?;
    }
    Ok(())
}

/// Calls `visit` on `schema` and every schema nested in it, parents first.
pub fn walk_schema(
    schema: &mut Value,
    pointer: &str,
    visit: &mut dyn FnMut(&mut Value, &str) -> Result<(), CodegenError>,
) -> Result<(), CodegenError> {
    visit(schema, pointer)?;
    let Some(obj) = schema.as_object_mut() else {
        return Ok(());
    };
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, sub) in props.iter_mut() {
            let p = push_pointer(&format!("{pointer}/properties"), name);
            walk_schema(sub, &p, visit)?;
        }
    }
    for key in ["items", "not"] {
        if let Some(sub) = obj.get_mut(key) {
            walk_schema(sub, &format!("{pointer}/{key}"), visit)?;
        }
    }
    if let Some(sub) = obj.get_mut("additionalProperties")
        && sub.is_object()
    {
        walk_schema(sub, &format!("{pointer}/additionalProperties"), visit)?;
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(branches) = obj.get_mut(key).and_then(Value::as_array_mut) {
            for (i, sub) in branches.iter_mut().enumerate() {
                walk_schema(sub, &format!("{pointer}/{key}/{i}"), visit)?;
            }
        }
    }
    Ok(())
}

/// Calls `visit` on `schema` and every schema nested in it, parents first,
/// following `$ref`s to component schemas (each component once, so a
/// recursive schema ends).
pub fn visit_schemas<'a>(doc: &'a Value, schema: &'a Value, visit: &mut dyn FnMut(&'a Value)) {
    let mut seen = BTreeSet::new();
    visit_within(doc, schema, &mut seen, visit);
}

fn visit_within<'a>(
    doc: &'a Value,
    schema: &'a Value,
    seen: &mut BTreeSet<&'a str>,
    visit: &mut dyn FnMut(&'a Value),
) {
    if let Some(name) = schema_ref_name(schema) {
        if seen.insert(name)
            && let Some(target) = doc.pointer(&push_pointer("/components/schemas", name))
        {
            visit_within(doc, target, seen, visit);
        }
        return;
    }
    visit(schema);
    let Some(obj) = schema.as_object() else {
        return;
    };
    let nested = obj
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|props| props.values())
        .chain(["items", "not"].into_iter().filter_map(|k| obj.get(k)))
        .chain(obj.get("additionalProperties").filter(|s| s.is_object()))
        .chain(
            ["allOf", "anyOf", "oneOf"]
                .into_iter()
                .filter_map(|k| obj.get(k).and_then(Value::as_array))
                .flatten(),
        );
    for sub in nested {
        visit_within(doc, sub, seen, visit);
    }
}

/// Keys whose values are example data, never schemas or references.
fn is_example_key(key: &str) -> bool {
    matches!(key, "example" | "examples" | "x-examples")
}

/// Collects the component schema names a subtree refers to.
pub fn refs_in(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(obj) => {
            if let Some(name) = schema_ref_name(value) {
                out.insert(name.to_owned());
            }
            for (k, v) in obj {
                if !is_example_key(k) {
                    refs_in(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

/// The component schemas an operation refers to, in its object and its
/// path's parameters: directly, or through a shared response, parameter or
/// body (each followed once), example data aside.
pub fn operation_schema_refs(doc: &Value, pointer: &str, out: &mut BTreeSet<String>) {
    let mut seen = BTreeSet::new();
    if let Some(object) = doc.pointer(pointer) {
        refs_through(doc, object, out, &mut seen);
    }
    let path_params = pointer
        .rsplit_once('/')
        .map(|(item, _)| format!("{item}/parameters"));
    if let Some(params) = path_params.and_then(|p| doc.pointer(&p)) {
        refs_through(doc, params, out, &mut seen);
    }
}

fn refs_through(
    doc: &Value,
    value: &Value,
    out: &mut BTreeSet<String>,
    seen: &mut BTreeSet<String>,
) {
    match value {
        Value::Object(obj) => {
            if let Some(name) = schema_ref_name(value) {
                out.insert(name.to_owned());
            } else if let Some(Value::String(r)) = obj.get("$ref")
                && let Some(pointer) = r.strip_prefix('#')
                && seen.insert(r.clone())
                && let Some(target) = doc.pointer(pointer)
            {
                refs_through(doc, target, out, seen);
            }
            for (k, v) in obj {
                if !is_example_key(k) {
                    refs_through(doc, v, out, seen);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs_through(doc, v, out, seen)),
        _ => {}
    }
}

/// Rewrites `$ref`s to component schemas through `rename` (outside example data).
pub fn retarget_refs(value: &mut Value, rename: &dyn Fn(&str) -> Option<String>) {
    match value {
        Value::Object(obj) => {
            if let Some(Value::String(r)) = obj.get_mut("$ref")
                && let Some(name) = r.strip_prefix(SCHEMA_PREFIX)
                && let Some(new) = rename(name)
            {
                *r = format!("{SCHEMA_PREFIX}{new}");
            }
            for (k, v) in obj.iter_mut() {
                if !is_example_key(k) {
                    retarget_refs(v, rename);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| retarget_refs(v, rename)),
        _ => {}
    }
}

/// Component schemas reachable from `roots` through `$ref`s.
pub fn reachable(doc: &Value, roots: &BTreeSet<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.iter().cloned().collect();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = doc.pointer(&push_pointer("/components/schemas", &name)) {
            let mut refs = BTreeSet::new();
            refs_in(schema, &mut refs);
            todo.extend(refs.into_iter().filter(|r| !seen.contains(r)));
        }
    }
    seen
}

#[cfg(test)]
#[path = "walk_tests.rs"]
mod tests;
