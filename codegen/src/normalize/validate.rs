//! Constructs the generator chain would turn into a panic, a rustc error or a
//! warning are rejected here, by JSON pointer: unknown types, unresolvable
//! references, names that collide once they are Rust identifiers, path
//! parameters that do not match the path template.

use heck::ToSnakeCase;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

use crate::error::{CodegenError, push_pointer};
use crate::name::rust_type_name;
use crate::walk::{for_each_schema_root, operations, walk_schema};

const TYPES: [&str; 7] = [
    "string", "number", "integer", "boolean", "array", "object", "null",
];

/// Runs every check on the normalized document.
pub(super) fn validate(doc: &mut Value) -> Result<(), CodegenError> {
    references(doc, doc, "")?;
    path_parameters(doc)?;
    for_each_schema_root(doc, &mut |root, pointer, _| {
        walk_schema(root, pointer, &mut |schema, p| schema_names(schema, p))
    })
}

/// Every `$ref` (outside example data) is local, resolves, and does not
/// only point at another reference in a cycle.
fn references(doc: &Value, value: &Value, pointer: &str) -> Result<(), CodegenError> {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                let at = push_pointer(pointer, "$ref");
                let Some(local) = reference.strip_prefix('#') else {
                    return Err(CodegenError::at(
                        at,
                        format!(
                            "external reference {reference:?}: only local `#/…` references are supported"
                        ),
                    ));
                };
                if doc.pointer(local).is_none() {
                    return Err(CodegenError::at(
                        at,
                        format!("{reference:?} does not exist"),
                    ));
                }
                ref_cycle(doc, reference, &at)?;
            }
            for (key, sub) in map {
                if !matches!(key.as_str(), "example" | "examples" | "x-examples") {
                    references(doc, sub, &push_pointer(pointer, key))?;
                }
            }
            Ok(())
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| references(doc, v, &format!("{pointer}/{i}"))),
        _ => Ok(()),
    }
}

/// A chain of bare references that comes back to itself names no schema.
fn ref_cycle(doc: &Value, start: &str, at: &str) -> Result<(), CodegenError> {
    let mut seen = BTreeSet::new();
    let mut current = start.to_owned();
    while let Some(next) = current
        .strip_prefix('#')
        .and_then(|p| doc.pointer(p))
        .and_then(|target| target.get("$ref"))
        .and_then(Value::as_str)
    {
        if !seen.insert(current.clone()) {
            return Err(CodegenError::at(
                at,
                format!("{start:?} is a cycle of references that never reaches a schema"),
            ));
        }
        current = next.to_owned();
    }
    Ok(())
}

/// Each `{name}` of a path template is a declared path parameter, and each
/// declared path parameter appears in the template.
fn path_parameters(doc: &Value) -> Result<(), CodegenError> {
    for at in operations(doc) {
        let in_template: BTreeSet<&str> = at
            .path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        let mut declared = BTreeSet::new();
        for (holder, base) in [
            (
                push_pointer("/paths", &at.path),
                push_pointer("/paths", &at.path),
            ),
            (at.pointer.clone(), at.pointer.clone()),
        ] {
            let params = doc.pointer(&holder).and_then(|h| h.get("parameters"));
            for (i, param) in params
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let param = crate::walk::resolve(doc, param);
                if param.get("in").and_then(Value::as_str) != Some("path") {
                    continue;
                }
                let name = param
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if !in_template.contains(name) {
                    return Err(CodegenError::at(
                        format!("{base}/parameters/{i}"),
                        format!(
                            "path parameter `{name}` is not in the path template {:?}",
                            at.path
                        ),
                    ));
                }
                declared.insert(name.to_owned());
            }
        }
        if let Some(missing) = in_template.iter().find(|n| !declared.contains(**n)) {
            return Err(CodegenError::at(
                &at.pointer,
                format!(
                    "`{{{missing}}}` in the path {:?} is not a declared path parameter",
                    at.path
                ),
            ));
        }
    }
    Ok(())
}

/// Known `type`s; property names and enum values that stay distinct as Rust
/// identifiers.
fn schema_names(schema: &mut Value, pointer: &str) -> Result<(), CodegenError> {
    if let Some(ty) = schema.get("type").and_then(Value::as_str)
        && !TYPES.contains(&ty)
    {
        return Err(CodegenError::at(
            push_pointer(pointer, "type"),
            format!("unknown type {ty:?} (expected one of {})", TYPES.join(", ")),
        ));
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        collisions(
            props.keys().map(String::as_str),
            |name| name.to_snake_case(),
            &push_pointer(pointer, "properties"),
            "properties",
        )?;
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && values.iter().all(|v| v.is_string() || v.is_null())
    {
        collisions(
            values.iter().filter_map(Value::as_str),
            rust_type_name,
            &push_pointer(pointer, "enum"),
            "enum values",
        )?;
    }
    Ok(())
}

fn collisions<'a>(
    names: impl Iterator<Item = &'a str>,
    rust_name: impl Fn(&str) -> String,
    pointer: &str,
    what: &str,
) -> Result<(), CodegenError> {
    let mut by_rust: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for name in names {
        by_rust.entry(rust_name(name)).or_default().push(name);
    }
    match by_rust.iter().find(|(_, names)| names.len() > 1) {
        Some((rust, names)) => Err(CodegenError::at(
            pointer,
            format!("{what} {names:?} would all become the Rust name `{rust}`"),
        )),
        None => Ok(()),
    }
}
