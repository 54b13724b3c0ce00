//! Kombo's forward-compatibility policy: a value or kind Kombo adds later must
//! still decode. Response string enums and tagged response unions are made
//! open; the spec's own open-enum idiom (enum ∪ any string) is open in
//! requests too; requests otherwise stay strict.
//!
//! The rules mark schemas with spec extensions; `name_open_types` then gives
//! every marked schema an explicit Rust type name (`title`, or its component
//! name), which is the exact list the emit stage must open.

use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

use super::generator_fixes::union_tag;
use crate::error::{CodegenError, push_pointer};
use crate::model::Carrier;
use crate::name::rust_type_name;
use crate::walk::{
    Direction, component_names, for_each_schema_root, operations, parameters, reachable, refs_in,
    resolve_component, retarget_refs, walk_schema,
};
use heck::ToSnakeCase;

/// Extension keeping the values of an enum that is open (also its marker).
pub const KNOWN_VALUES_EXTENSION: &str = "x-kombo-known-values";
/// Extension marking a tagged union that accepts kinds it does not list.
pub const OPEN_UNION_EXTENSION: &str = "x-kombo-open-union";
/// Extension marking a response schema that the spec types as always `null`.
pub const NULL_ONLY_EXTENSION: &str = "x-kombo-null-only";

/// The open-enum idiom `anyOf: [{type: string, enum: [...]}, {type: string}]`
/// is a string whose known values are listed: it becomes one open string enum
/// (known values as variants, anything else kept as a string), in requests too.
pub(super) fn open_string_union(obj: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(branches) = obj.get(key).and_then(Value::as_array) else {
            continue;
        };
        let is_string = |b: &Value| b.get("type") == Some(&json!("string"));
        let only = |b: &Value, allowed: &[&str]| {
            b.as_object()
                .is_some_and(|o| o.keys().all(|k| allowed.contains(&k.as_str())))
        };
        let plain = |b: &Value| only(b, &["type", "description", "title", "example"]);
        let enum_only = |b: &Value| {
            b.get("enum").is_some() && only(b, &["type", "enum", "description", "title", "example"])
        };
        if branches.len() < 2
            || !branches.iter().all(is_string)
            || !branches.iter().any(plain)
            || !branches.iter().all(|b| plain(b) || enum_only(b))
        {
            continue;
        }
        let mut known: Vec<Value> = Vec::new();
        for value in branches
            .iter()
            .filter_map(|b| b.get("enum").and_then(Value::as_array))
            .flatten()
        {
            if !value.is_null() && !known.contains(value) {
                known.push(value.clone());
            }
        }
        obj.shift_remove(key);
        obj.insert("type".into(), json!("string"));
        if known.iter().all(Value::is_string) && !known.is_empty() {
            mark_open_enum(obj, known);
        }
    }
}

fn mark_open_enum(obj: &mut Map<String, Value>, known: Vec<Value>) {
    obj.insert("enum".into(), Value::Array(known.clone()));
    obj.insert(KNOWN_VALUES_EXTENSION.into(), Value::Array(known));
}

/// Schema names referenced directly by requests and by responses of operations.
fn operation_roots(doc: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut requests, mut responses) = (BTreeSet::new(), BTreeSet::new());
    for at in operations(doc) {
        for param in parameters(doc, &at) {
            refs_in(param, &mut requests);
        }
        let Some(op) = doc.pointer(&at.pointer) else {
            continue;
        };
        if let Some(body) = op.get("requestBody") {
            refs_in(resolve_component(doc, body), &mut requests);
        }
        for response in op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|r| r.values())
        {
            refs_in(resolve_component(doc, response), &mut responses);
        }
    }
    (requests, responses)
}

/// Makes string enums and tagged unions in responses open. One-value enums
/// (`const` tags of unions) stay closed. Requests stay strict: a component
/// used by both directions is copied as `<Name>Response` for the response side.
pub(super) fn open_response_enums(
    doc: &mut Value,
    received: &BTreeSet<String>,
    notes: &mut Vec<String>,
) -> Result<(), CodegenError> {
    let (request_roots, mut response_roots) = operation_roots(doc);
    // Webhook payloads are received like responses.
    response_roots.extend(received.iter().cloned());
    let in_requests = reachable(doc, &request_roots);
    let in_responses = reachable(doc, &response_roots);
    let shared: BTreeSet<String> = in_requests.intersection(&in_responses).cloned().collect();
    let existing = component_names(doc);

    // Response-side names of shared components.
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    for name in &shared {
        let mut candidate = format!("{name}Response");
        let mut n = 2;
        while existing.contains(&candidate) || renamed.values().any(|v| v == &candidate) {
            candidate = format!("{name}Response{n}");
            n += 1;
        }
        renamed.insert(name.clone(), candidate);
    }
    if !renamed.is_empty() {
        notes.push(format!(
            "copied {} schema(s) used by requests and responses so responses can be open: {}",
            renamed.len(),
            renamed
                .iter()
                .map(|(a, b)| format!("{a} → {b}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let rename = |name: &str| renamed.get(name).cloned();

    // Copies for the response side, retargeted and opened.
    let mut copies = Vec::new();
    for (name, copy_name) in &renamed {
        if let Some(original) = doc.pointer(&push_pointer("/components/schemas", name)) {
            let mut copy = original.clone();
            retarget_refs(&mut copy, &rename);
            let copy_ptr = push_pointer("/components/schemas", copy_name);
            received_side(&mut copy, &copy_ptr)?;
            copies.push((copy_name.clone(), copy));
        }
    }
    // Response-only components, in place.
    for name in in_responses.difference(&shared) {
        let pointer = push_pointer("/components/schemas", name);
        if let Some(schema) = doc.pointer_mut(&pointer) {
            retarget_refs(schema, &rename);
            received_side(schema, &pointer)?;
        }
    }
    // Inline response schemas.
    for_each_schema_root(doc, &mut |schema, pointer, direction| {
        if direction == Direction::Response {
            retarget_refs(schema, &rename);
            received_side(schema, pointer)?;
        }
        Ok(())
    })?;
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.extend(copies);
    }
    Ok(())
}

/// The per-schema part of [`open_response_enums`]. Also: a response value the
/// spec types as `null` alone (Kombo documents dates this way) decodes as any
/// JSON value, so a client does not fail when the server sends one.
/// What the client receives is read liberally: enums and unions are open,
/// a required property that may be `null` may also be absent, and a field
/// the spec does not list is ignored.
/// Two walks: a property's nullability is final only once the first has
/// rewritten every schema under it.
fn received_side(schema: &mut Value, pointer: &str) -> Result<(), CodegenError> {
    walk_schema(schema, pointer, &mut open_enum)?;
    walk_schema(schema, pointer, &mut |s, _| {
        absent_means_null(s);
        unknown_fields_ignored(s);
        Ok(())
    })
}

/// `additionalProperties: false` on a received object (Kombo's webhook
/// payloads say it) would make typify reject every field Kombo adds later —
/// the first new field of an event would fail each delivery. A type the
/// client receives is `#[non_exhaustive]` and grows; it ignores what it does
/// not know, as serde does by default.
fn unknown_fields_ignored(schema: &mut Value) {
    if let Some(obj) = schema.as_object_mut()
        && obj.get("additionalProperties") == Some(&Value::Bool(false))
    {
        obj.shift_remove("additionalProperties");
    }
}

/// A required but nullable property decodes as `None` when the key is
/// missing (Kombo's own SDK test data omits such keys): to a caller absence
/// and `null` mean the same. A required non-nullable property stays required.
fn absent_means_null(schema: &mut Value) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    let nullable: BTreeSet<String> = obj
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, p)| p.get("nullable") == Some(&Value::Bool(true)))
        .map(|(name, _)| name.clone())
        .collect();
    if nullable.is_empty() {
        return;
    }
    if let Some(required) = obj.get_mut("required").and_then(Value::as_array_mut) {
        required.retain(|r| r.as_str().is_none_or(|r| !nullable.contains(r)));
        if required.is_empty() {
            obj.shift_remove("required");
        }
    }
}

fn open_enum(schema: &mut Value, _pointer: &str) -> Result<(), CodegenError> {
    let Some(obj) = schema.as_object_mut() else {
        return Ok(());
    };
    if obj.get("enum") == Some(&json!([null])) && !obj.contains_key("type") {
        obj.shift_remove("enum");
        obj.insert("nullable".into(), Value::Bool(true));
        obj.insert(NULL_ONLY_EXTENSION.into(), Value::Bool(true));
        return Ok(());
    }
    let tagged_union = obj.contains_key("discriminator")
        || obj
            .get("oneOf")
            .and_then(Value::as_array)
            .is_some_and(|branches| union_tag(branches).is_some());
    if tagged_union {
        obj.insert(OPEN_UNION_EXTENSION.into(), Value::Bool(true));
        return Ok(());
    }
    if obj.get("type") != Some(&json!("string")) {
        return Ok(());
    }
    let Some(values) = obj.get("enum").and_then(Value::as_array) else {
        return Ok(());
    };
    let known: Vec<Value> = values.iter().filter(|v| !v.is_null()).cloned().collect();
    if known.len() < 2 || !known.iter().all(Value::is_string) {
        return Ok(());
    }
    mark_open_enum(obj, known);
    Ok(())
}

/// The Rust type names of the open types, each with its schema's pointer.
#[derive(Debug, Default)]
pub(super) struct OpenTypes {
    pub(super) enums: BTreeMap<String, String>,
    pub(super) unions: BTreeMap<String, String>,
}

/// Gives every marked schema an explicit type name and lists them.
///
/// typify names a component after its key and an inline schema after its
/// `title`, else after its parent (`Parent_property`, `Parent_item`); the
/// same names are written here as titles, so the name is chosen by this
/// stage, stays what typify would pick, and is known to the emit stage.
pub(super) fn name_open_types(doc: &mut Value) -> Result<OpenTypes, CodegenError> {
    let op_names: Vec<(String, String)> = operations(doc)
        .into_iter()
        .filter_map(|at| {
            let id = doc.pointer(&at.pointer)?.get("operationId")?.as_str()?;
            Some((format!("{}/", at.pointer), id.to_owned()))
        })
        .collect();
    let mut found = OpenTypes::default();
    let mut used: BTreeSet<String> = BTreeSet::new();
    for_each_schema_root(doc, &mut |root, pointer, _| {
        let name = root_name(pointer, &op_names);
        name_within(root, pointer, name, true, &mut found, &mut used)
    })?;
    Ok(found)
}

/// The name typify gives a schema root, when it has one.
fn root_name(pointer: &str, op_names: &[(String, String)]) -> Option<String> {
    if let Some(component) = pointer.strip_prefix("/components/schemas/") {
        return Some(component.replace("~1", "/").replace("~0", "~"));
    }
    let (_, id) = op_names.iter().find(|(p, _)| pointer.starts_with(p))?;
    if pointer.contains("/responses/") {
        Some(Carrier::Response.key(id))
    } else if pointer.contains("/requestBody/") {
        Some(Carrier::Body.key(id))
    } else {
        None
    }
}

fn name_within(
    schema: &mut Value,
    pointer: &str,
    name: Option<String>,
    is_component: bool,
    found: &mut OpenTypes,
    used: &mut BTreeSet<String>,
) -> Result<(), CodegenError> {
    let Some(obj) = schema.as_object_mut() else {
        return Ok(());
    };
    let explicit = obj.get("title").and_then(Value::as_str).map(str::to_owned);
    // A title names an inline schema; a component keeps its key.
    let name = match (is_component, explicit) {
        (false, Some(title)) => Some(title),
        _ => name,
    };
    let open_enum = obj.contains_key(KNOWN_VALUES_EXTENSION) && !obj.contains_key("$ref");
    let open_union = obj.contains_key(OPEN_UNION_EXTENSION);
    if open_enum || open_union {
        let base = name.clone().unwrap_or_else(|| pointer_name(pointer));
        let mut type_name = rust_type_name(&base);
        let mut n = 2;
        while used.contains(&type_name) {
            type_name = rust_type_name(&format!("{base}{n}"));
            n += 1;
        }
        used.insert(type_name.clone());
        if !is_component {
            obj.insert("title".into(), Value::String(type_name.clone()));
        }
        let list = if open_enum {
            &mut found.enums
        } else {
            &mut found.unions
        };
        list.insert(type_name, pointer.to_owned());
    }
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        for (prop, sub) in props.iter_mut() {
            let p = push_pointer(&format!("{pointer}/properties"), prop);
            let child = name
                .as_ref()
                .map(|n| format!("{n}_{}", prop.to_snake_case()));
            name_within(sub, &p, child, false, found, used)?;
        }
    }
    if let Some(items) = obj.get_mut("items") {
        let child = name.as_ref().map(|n| format!("{n}_item"));
        name_within(
            items,
            &format!("{pointer}/items"),
            child,
            false,
            found,
            used,
        )?;
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(branches) = obj.get_mut(key).and_then(Value::as_array_mut) {
            for (i, sub) in branches.iter_mut().enumerate() {
                let p = format!("{pointer}/{key}/{i}");
                name_within(sub, &p, None, false, found, used)?;
            }
        }
    }
    Ok(())
}

/// A readable name from a pointer, for a schema typify would not name itself.
fn pointer_name(pointer: &str) -> String {
    const STRUCTURAL: [&str; 10] = [
        "",
        "paths",
        "content",
        "schema",
        "properties",
        "components",
        "schemas",
        "responses",
        "requestBody",
        "parameters",
    ];
    pointer
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        // A media type (`application/json`) says nothing about the value.
        .filter(|t| !STRUCTURAL.contains(&t.as_str()) && (!t.contains('/') || t.starts_with('/')))
        .collect::<Vec<_>>()
        .join("_")
}
