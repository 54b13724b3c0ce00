//! Rewrites an OpenAPI 3.1 document into the 3.0 dialect that `openapiv3` and
//! progenitor read, without changing what the API accepts or returns.
//!
//! Only *schema positions* are rewritten: property names (`type`, `required`, …)
//! and example values are never treated as keywords. Every rule is a small
//! function with its own unit test; a construct without a faithful 3.0 form is
//! an error naming its JSON pointer, never a silent drop.

use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

use crate::error::{CodegenError, push_pointer};
use crate::spec::{HTTP_METHODS, resolve_component};

/// The normalized document plus what was removed or reshaped, for the review header.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalized {
    /// The document in the 3.0 dialect.
    pub document: Value,
    /// Human-readable notes on lossy or structural changes (nothing semantic is lost silently).
    pub notes: Vec<String>,
}

/// JSON Schema keywords of 3.1 that have no 3.0 form.
const UNSUPPORTED_KEYWORDS: [&str; 17] = [
    "prefixItems",
    "$defs",
    "definitions",
    "patternProperties",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "propertyNames",
    "$dynamicRef",
    "$dynamicAnchor",
    "$anchor",
    "$id",
];

/// Extension keeping the values of an enum that was opened for forward compatibility.
pub const KNOWN_VALUES_EXTENSION: &str = "x-kombo-known-values";
/// Extension keeping the other entries of a 3.1 `examples` array.
pub const EXAMPLES_EXTENSION: &str = "x-examples";

/// Runs every rule over a parsed document.
pub fn normalize(mut doc: Value) -> Result<Normalized, CodegenError> {
    let mut notes = Vec::new();
    let root = doc
        .as_object_mut()
        .ok_or_else(|| CodegenError::at("", "an OpenAPI document must be a mapping"))?;
    rewrite_version(root)?;
    remove_top_level_31_fields(root, &mut notes);
    hoist_shared_inline_schemas(&mut doc);
    inline_scalar_parameter_schemas(&mut doc, &mut notes);
    for_each_schema_root(&mut doc, &mut |schema, pointer, _| {
        normalize_schema(schema, pointer)
    })?;
    split_responses_default(&mut doc);
    raw_request_bodies(&mut doc, &mut notes);
    open_response_enums(&mut doc, &mut notes)?;
    name_sibling_branch_enums(&mut doc)?;
    Ok(Normalized {
        document: doc,
        notes,
    })
}

/// `openapi: 3.1.x` → `3.0.3`; a 3.0 document passes; anything else is refused.
fn rewrite_version(root: &mut Map<String, Value>) -> Result<(), CodegenError> {
    let version = root
        .get("openapi")
        .and_then(Value::as_str)
        .ok_or_else(|| CodegenError::at("/openapi", "missing or not a string"))?;
    if version.starts_with("3.1.") {
        root.insert("openapi".into(), json!("3.0.3"));
        Ok(())
    } else if version.starts_with("3.0.") {
        Ok(())
    } else {
        Err(CodegenError::at(
            "/openapi",
            format!("unsupported OpenAPI version {version:?} (expected 3.0.x or 3.1.x)"),
        ))
    }
}

/// Drops `webhooks` (server-to-client calls, not client operations) and
/// `jsonSchemaDialect`; both are recorded in the notes.
fn remove_top_level_31_fields(root: &mut Map<String, Value>, notes: &mut Vec<String>) {
    if let Some(webhooks) = root.shift_remove("webhooks") {
        let names: Vec<&str> = webhooks
            .as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        notes.push(format!(
            "removed /webhooks ({} entries: {}): webhooks are calls Kombo makes, not client operations",
            names.len(),
            names.join(", ")
        ));
    }
    if let Some(dialect) = root.shift_remove("jsonSchemaDialect") {
        notes.push(format!(
            "removed /jsonSchemaDialect ({dialect}): 3.0 has a single dialect"
        ));
    }
}

/// An inline schema of a shared response or request body (`components/responses/X`)
/// becomes the component schema `X`, so every operation using it shares one
/// named type instead of getting a copy named after the operation.
fn hoist_shared_inline_schemas(doc: &mut Value) {
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    let taken: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for section in ["responses", "requestBodies"] {
        let Some(items) = doc
            .pointer_mut(&format!("/components/{section}"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for (name, item) in items.iter_mut() {
            let Some(content) = item.get_mut("content").and_then(Value::as_object_mut) else {
                continue;
            };
            let single = content.len() == 1;
            for (media_type, media) in content.iter_mut() {
                let Some(schema) = media.get_mut("schema") else {
                    continue;
                };
                if schema.get("$ref").is_some() {
                    continue;
                }
                let mut target = if single {
                    name.clone()
                } else {
                    format!("{name}{}", crate::naming::upper_camel(media_type))
                };
                while taken.contains(&target) || hoisted.iter().any(|(n, _)| n == &target) {
                    target.push_str("Body");
                }
                let reference = json!({ "$ref": format!("#/components/schemas/{target}") });
                hoisted.push((target, std::mem::replace(schema, reference)));
            }
        }
    }
    if hoisted.is_empty() {
        return;
    }
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    let components = root.entry("components").or_insert_with(|| json!({}));
    let Some(components) = components.as_object_mut() else {
        return;
    };
    let schemas = components.entry("schemas").or_insert_with(|| json!({}));
    if let Some(schemas) = schemas.as_object_mut() {
        schemas.extend(hoisted);
    }
}

/// A parameter whose schema is a `$ref` to a bare scalar component (a type,
/// maybe a format and prose; no enum or constraints) gets the scalar inline, so
/// the generated setter takes a plain `&str`/number instead of a newtype. The
/// component is removed when nothing else refers to it.
fn inline_scalar_parameter_schemas(doc: &mut Value, notes: &mut Vec<String>) {
    const SCALAR_KEYS: [&str; 5] = ["type", "format", "description", "title", "example"];
    let is_bare_scalar = |schema: &Value| {
        schema.as_object().is_some_and(|o| {
            o.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| matches!(t, "string" | "integer" | "number" | "boolean"))
                && o.keys().all(|k| SCALAR_KEYS.contains(&k.as_str()))
        })
    };
    let snapshot = doc.clone();
    let mut inlined = BTreeSet::new();
    let mut visit = |param: &mut Value| {
        let Some(schema) = param.get_mut("schema") else {
            return;
        };
        let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .map(str::to_owned)
        else {
            return;
        };
        let Some(target) = snapshot.pointer(&push_pointer("/components/schemas", &name)) else {
            return;
        };
        if is_bare_scalar(target) {
            *schema = target.clone();
            inlined.insert(name);
        }
    };
    if let Some(params) = doc
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        params.values_mut().for_each(&mut visit);
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            if let Some(params) = item.get_mut("parameters").and_then(Value::as_array_mut) {
                params.iter_mut().for_each(&mut visit);
            }
            for method in HTTP_METHODS {
                if let Some(params) = item
                    .get_mut(method)
                    .and_then(|op| op.get_mut("parameters"))
                    .and_then(Value::as_array_mut)
                {
                    params.iter_mut().for_each(&mut visit);
                }
            }
        }
    }
    let mut still_used = BTreeSet::new();
    refs_in(doc, &mut still_used);
    let removable: Vec<String> = inlined.difference(&still_used).cloned().collect();
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for name in &removable {
            schemas.shift_remove(name);
        }
    }
    if !removable.is_empty() {
        notes.push(format!(
            "inlined {} scalar parameter schema(s) into their parameters",
            removable.len()
        ));
    }
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

type RootVisitor<'a> = dyn FnMut(&mut Value, &str, Direction) -> Result<(), CodegenError> + 'a;

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
    for (section, direction) in [
        ("parameters", Direction::Request),
        ("requestBodies", Direction::Request),
        ("responses", Direction::Response),
        ("headers", Direction::Response),
    ] {
        let base = format!("/components/{section}");
        if let Some(items) = doc.pointer_mut(&base).and_then(Value::as_object_mut) {
            for (name, item) in items.iter_mut() {
                let p = push_pointer(&base, name);
                match section {
                    "parameters" => visit_parameter(item, &p, visit)?,
                    "requestBodies" => visit_content(item, &p, direction, visit)?,
                    "responses" => visit_response(item, &p, visit)?,
                    _ => visit_schema_field(item, &p, direction, visit)?,
                }
            }
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let item_ptr = push_pointer("/paths", path);
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            if let Some(params) = item.get_mut("parameters").and_then(Value::as_array_mut) {
                for (i, param) in params.iter_mut().enumerate() {
                    visit_parameter(param, &format!("{item_ptr}/parameters/{i}"), visit)?;
                }
            }
            for method in HTTP_METHODS {
                let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
                    continue;
                };
                let op_ptr = format!("{item_ptr}/{method}");
                if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                    for (i, param) in params.iter_mut().enumerate() {
                        visit_parameter(param, &format!("{op_ptr}/parameters/{i}"), visit)?;
                    }
                }
                if let Some(body) = op.get_mut("requestBody") {
                    visit_content(
                        body,
                        &format!("{op_ptr}/requestBody"),
                        Direction::Request,
                        visit,
                    )?;
                }
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    for (status, response) in responses.iter_mut() {
                        let p = push_pointer(&format!("{op_ptr}/responses"), status);
                        visit_response(response, &p, visit)?;
                    }
                }
            }
        }
    }
    Ok(())
}

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
fn walk_schema(
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

/// Applies the per-schema rules to one schema root and everything under it.
pub fn normalize_schema(schema: &mut Value, pointer: &str) -> Result<(), CodegenError> {
    walk_schema(schema, pointer, &mut |s, p| {
        boolean_schema(s, p)?;
        let Some(obj) = s.as_object_mut() else {
            return Err(CodegenError::at(p, "a schema must be a mapping"));
        };
        reject_unsupported(obj, p)?;
        ref_with_siblings(obj, p)?;
        if obj.contains_key("$ref") {
            return Ok(());
        }
        type_array(obj, p)?;
        const_to_enum(obj, p)?;
        null_in_enum(obj, p)?;
        exclusive_bounds(obj, p)?;
        examples_array(obj, p)?;
        fold_null_branches(obj, p)?;
        tagged_any_of(obj);
        open_string_union(obj);
        Ok(())
    })
}

/// 3.1 allows `true`/`false` as schemas: `true` is the empty schema; `false` has no 3.0 form.
fn boolean_schema(schema: &mut Value, pointer: &str) -> Result<(), CodegenError> {
    match schema {
        Value::Bool(true) => {
            *schema = json!({});
            Ok(())
        }
        Value::Bool(false) => Err(CodegenError::at(
            pointer,
            "the `false` schema (matches nothing) has no OpenAPI 3.0 form",
        )),
        _ => Ok(()),
    }
}

fn reject_unsupported(obj: &Map<String, Value>, pointer: &str) -> Result<(), CodegenError> {
    if let Some(keyword) = UNSUPPORTED_KEYWORDS.iter().find(|k| obj.contains_key(**k)) {
        return Err(CodegenError::at(
            push_pointer(pointer, keyword),
            format!("JSON Schema keyword `{keyword}` has no OpenAPI 3.0 form"),
        ));
    }
    if let Some(items) = obj.get("items")
        && items.is_array()
    {
        return Err(CodegenError::at(
            format!("{pointer}/items"),
            "tuple-form `items` (an array) has no OpenAPI 3.0 form",
        ));
    }
    Ok(())
}

/// 3.0 ignores siblings of `$ref`; 3.1 applies them. Annotation siblings stay
/// (they only document); constraining siblings wrap the reference in `allOf`.
fn ref_with_siblings(obj: &mut Map<String, Value>, _pointer: &str) -> Result<(), CodegenError> {
    if !obj.contains_key("$ref") {
        return Ok(());
    }
    const ANNOTATIONS: [&str; 4] = ["$ref", "description", "summary", "title"];
    if obj.keys().all(|k| ANNOTATIONS.contains(&k.as_str())) {
        return Ok(());
    }
    let reference = obj.shift_remove("$ref").unwrap_or(Value::Null);
    obj.insert("allOf".into(), json!([{ "$ref": reference }]));
    Ok(())
}

/// `type: [X, 'null']` → `type: X` + `nullable: true`; `type: 'null'` alone →
/// `enum: [null]` (the form progenitor reads as the null type).
fn type_array(obj: &mut Map<String, Value>, pointer: &str) -> Result<(), CodegenError> {
    let Some(ty) = obj.get("type") else {
        return Ok(());
    };
    let types: Vec<String> = match ty {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .map(|t| {
                t.as_str().map(str::to_owned).ok_or_else(|| {
                    CodegenError::at(format!("{pointer}/type"), "type entries must be strings")
                })
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(CodegenError::at(
                format!("{pointer}/type"),
                "`type` must be a string or an array of strings",
            ));
        }
    };
    let has_null = types.iter().any(|t| t == "null");
    let rest: Vec<&String> = types.iter().filter(|t| *t != "null").collect();
    match (rest.as_slice(), has_null) {
        ([], true) => {
            obj.shift_remove("type");
            obj.insert("enum".into(), json!([null]));
            Ok(())
        }
        ([], false) => Err(CodegenError::at(
            format!("{pointer}/type"),
            "an empty `type` list matches nothing",
        )),
        ([single], _) => {
            let single = (*single).clone();
            obj.insert("type".into(), Value::String(single));
            if has_null {
                obj.insert("nullable".into(), Value::Bool(true));
            }
            Ok(())
        }
        (many, _) => Err(CodegenError::at(
            format!("{pointer}/type"),
            format!(
                "more than one non-null type ({}) has no OpenAPI 3.0 form; use oneOf",
                many.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// `const: v` → `enum: [v]` (openapiv3 would drop `const` silently).
fn const_to_enum(obj: &mut Map<String, Value>, pointer: &str) -> Result<(), CodegenError> {
    let Some(value) = obj.shift_remove("const") else {
        return Ok(());
    };
    if let Some(existing) = obj.get("enum") {
        let allowed = existing.as_array().is_some_and(|e| e.contains(&value));
        if !allowed {
            return Err(CodegenError::at(
                format!("{pointer}/const"),
                "`const` contradicts the sibling `enum`",
            ));
        }
    }
    if value.is_null() {
        obj.insert("nullable".into(), Value::Bool(true));
    }
    obj.insert("enum".into(), json!([value]));
    Ok(())
}

/// A `null` inside `enum` means the schema is nullable; 3.0 spells that with
/// `nullable: true` and the remaining values.
fn null_in_enum(obj: &mut Map<String, Value>, _pointer: &str) -> Result<(), CodegenError> {
    let Some(values) = obj.get_mut("enum").and_then(Value::as_array_mut) else {
        return Ok(());
    };
    if values.len() < 2 || !values.iter().any(Value::is_null) {
        return Ok(());
    }
    values.retain(|v| !v.is_null());
    obj.insert("nullable".into(), Value::Bool(true));
    Ok(())
}

/// Numeric `exclusiveMinimum: n` (3.1) → `minimum: n, exclusiveMinimum: true` (3.0).
fn exclusive_bounds(obj: &mut Map<String, Value>, pointer: &str) -> Result<(), CodegenError> {
    for (exclusive, inclusive) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        let Some(bound) = obj.get(exclusive) else {
            continue;
        };
        if bound.is_boolean() {
            continue;
        }
        if !bound.is_number() {
            return Err(CodegenError::at(
                format!("{pointer}/{exclusive}"),
                "must be a number (3.1) or a boolean (3.0)",
            ));
        }
        if obj.contains_key(inclusive) {
            return Err(CodegenError::at(
                format!("{pointer}/{exclusive}"),
                format!("both `{inclusive}` and a numeric `{exclusive}`: 3.0 can express only one"),
            ));
        }
        let bound = bound.clone();
        obj.insert(inclusive.into(), bound);
        obj.insert(exclusive.into(), Value::Bool(true));
    }
    Ok(())
}

/// Schema `examples: [a, b]` (3.1) → `example: a`, the rest kept under `x-examples`.
fn examples_array(obj: &mut Map<String, Value>, pointer: &str) -> Result<(), CodegenError> {
    let Some(examples) = obj.shift_remove("examples") else {
        return Ok(());
    };
    let Value::Array(mut examples) = examples else {
        return Err(CodegenError::at(
            format!("{pointer}/examples"),
            "schema `examples` must be an array",
        ));
    };
    if examples.is_empty() {
        return Ok(());
    }
    let first = examples.remove(0);
    obj.entry("example").or_insert(first);
    if !examples.is_empty() {
        obj.insert(EXAMPLES_EXTENSION.into(), Value::Array(examples));
    }
    Ok(())
}

/// True for a branch that admits only `null` (`type: 'null'`, `enum: [null]`, `const: null`).
fn is_null_branch(branch: &Value) -> bool {
    let Some(obj) = branch.as_object() else {
        return false;
    };
    let only_annotations = obj.keys().all(|k| {
        matches!(
            k.as_str(),
            "type" | "enum" | "const" | "description" | "title"
        )
    });
    let null_type = match obj.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => ts.iter().all(|t| t == "null"),
        None => obj.contains_key("enum") || obj.contains_key("const"),
        _ => false,
    };
    let null_enum = obj.get("enum").is_none_or(|e| e == &json!([null]));
    let null_const = obj.get("const").is_none_or(Value::is_null);
    only_annotations && null_type && null_enum && null_const
}

/// Null branches of `anyOf`/`oneOf` become `nullable: true`. A single remaining
/// branch replaces the union (inline: merged; `$ref`: wrapped in `allOf`).
fn fold_null_branches(obj: &mut Map<String, Value>, pointer: &str) -> Result<(), CodegenError> {
    for key in ["anyOf", "oneOf"] {
        let Some(branches) = obj.get_mut(key).and_then(Value::as_array_mut) else {
            continue;
        };
        let before = branches.len();
        branches.retain(|b| !is_null_branch(b));
        if branches.len() == before {
            continue;
        }
        if branches.is_empty() {
            obj.shift_remove(key);
            obj.insert("enum".into(), json!([null]));
            continue;
        }
        let only = if branches.len() == 1 {
            branches.pop()
        } else {
            None
        };
        obj.insert("nullable".into(), Value::Bool(true));
        let Some(only) = only else {
            continue;
        };
        obj.shift_remove(key);
        if obj.contains_key("discriminator") {
            return Err(CodegenError::at(
                format!("{pointer}/{key}"),
                "a discriminated union with a single non-null branch",
            ));
        }
        match only {
            Value::Object(branch) if branch.contains_key("$ref") => {
                obj.insert("allOf".into(), json!([Value::Object(branch)]));
            }
            Value::Object(branch) => {
                for (k, v) in branch {
                    if k == "nullable" {
                        continue;
                    }
                    if obj.contains_key(&k) && obj.get(&k) != Some(&v) {
                        if matches!(k.as_str(), "description" | "title" | "example") {
                            continue;
                        }
                        return Err(CodegenError::at(
                            format!("{pointer}/{key}/0/{k}"),
                            "conflicts with the same keyword beside the union",
                        ));
                    }
                    obj.insert(k, v);
                }
            }
            _ => {
                return Err(CodegenError::at(
                    format!("{pointer}/{key}/0"),
                    "a schema must be a mapping",
                ));
            }
        }
    }
    Ok(())
}

/// The single value a tag property admits (`const: v` or `enum: [v]`).
fn tag_value(property: &Value) -> Option<&Value> {
    property.get("const").or_else(|| {
        property
            .get("enum")
            .and_then(Value::as_array)
            .filter(|values| values.len() == 1)
            .and_then(|values| values.first())
    })
}

/// An `anyOf` whose branches are inline objects told apart by a required tag
/// property with a distinct constant in each branch can match only one
/// branch: it is a `oneOf` (a tagged union), which typify generates as a
/// tagged enum instead of merging the branches into one struct.
fn tagged_any_of(obj: &mut Map<String, Value>) {
    let tagged = obj
        .get("anyOf")
        .and_then(Value::as_array)
        .is_some_and(|branches| union_tag(branches).is_some());
    if tagged && let Some(branches) = obj.shift_remove("anyOf") {
        obj.insert("oneOf".into(), branches);
    }
}

/// The property that tells a union's inline object branches apart: required
/// in each, with a distinct constant value in each.
fn union_tag(branches: &[Value]) -> Option<String> {
    if branches.len() < 2 {
        return None;
    }
    let first = branches[0].get("properties").and_then(Value::as_object)?;
    let is_tag = |name: &str| {
        let mut seen = Vec::new();
        branches.iter().all(|b| {
            let required = b
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|n| n == name));
            match b
                .pointer(&push_pointer("/properties", name))
                .and_then(tag_value)
            {
                Some(v) if required && b.get("$ref").is_none() && !seen.contains(&v) => {
                    seen.push(v);
                    true
                }
                _ => false,
            }
        })
    };
    first.keys().find(|name| is_tag(name)).cloned()
}

/// The open-enum idiom `anyOf: [{type: string, enum: [...]}, {type: string}]`
/// is a string whose known values are listed: it becomes one open string enum
/// (known values as variants, anything else as `UnknownValue`), in requests too.
fn open_string_union(obj: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(branches) = obj.get(key).and_then(Value::as_array) else {
            continue;
        };
        let is_string = |b: &Value| b.get("type") == Some(&json!("string"));
        let plain = |b: &Value| {
            b.as_object().is_some_and(|o| {
                o.keys()
                    .all(|k| matches!(k.as_str(), "type" | "description" | "title" | "example"))
            })
        };
        let enum_only = |b: &Value| {
            b.as_object().is_some_and(|o| {
                o.contains_key("enum")
                    && o.keys().all(|k| {
                        matches!(
                            k.as_str(),
                            "type" | "enum" | "description" | "title" | "example"
                        )
                    })
            })
        };
        if branches.len() < 2
            || !branches.iter().all(is_string)
            || !branches.iter().any(&plain)
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

/// A string enum that also takes values it does not list: the values stay in
/// `enum` (and `x-kombo-known-values`), and the marker makes
/// [`crate::open_enums`] add an `UnknownValue(String)` variant.
fn mark_open_enum(obj: &mut Map<String, Value>, known: Vec<Value>) {
    let line = format!(
        "Values this version does not know decode as `{}`. {}",
        crate::open_enums::UNKNOWN_VARIANT,
        crate::open_enums::OPEN_ENUM_MARKER
    );
    append_description(obj, &line);
    obj.insert("enum".into(), Value::Array(known.clone()));
    obj.insert(KNOWN_VALUES_EXTENSION.into(), Value::Array(known));
}

/// Adds a paragraph to a schema's description (once: normalizing twice is a no-op).
fn append_description(obj: &mut Map<String, Value>, line: &str) {
    if obj
        .get("description")
        .and_then(Value::as_str)
        .is_some_and(|d| d.contains(line))
    {
        return;
    }
    let description = match obj.get("description").and_then(Value::as_str) {
        Some(d) if !d.is_empty() => format!("{d}\n\n{line}"),
        _ => line.to_owned(),
    };
    obj.insert("description".into(), Value::String(description));
}

/// progenitor refuses `default` next to a 2xx (it would be both a success and
/// an error type). Kombo's `default` is its error envelope, so it becomes
/// explicit `4XX` and `5XX` responses with the same content.
fn split_responses_default(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        for method in HTTP_METHODS {
            let Some(responses) = item
                .get_mut(method)
                .and_then(|op| op.get_mut("responses"))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            let has_success = responses.keys().any(|k| k.starts_with('2'));
            if !has_success {
                continue;
            }
            let Some(default) = responses.shift_remove("default") else {
                continue;
            };
            for range in ["4XX", "5XX"] {
                responses.entry(range).or_insert_with(|| default.clone());
            }
        }
    }
}

/// Extension recording the real media type of a body sent as raw bytes.
pub const REQUEST_CONTENT_TYPE_EXTENSION: &str = "x-kombo-request-content-type";

/// Request media types progenitor generates code for.
fn progenitor_sends(media_type: &str) -> bool {
    let base = media_type.split(';').next().unwrap_or_default().trim();
    matches!(
        base,
        "application/json"
            | "application/octet-stream"
            | "application/x-www-form-urlencoded"
            | "text/plain"
            | "text/x-markdown"
    )
}

/// A request body of a media type progenitor cannot send (e.g.
/// `application/x-ndjson`) becomes a raw `application/octet-stream` body; the
/// real media type is recorded on the operation for the client to send.
fn raw_request_bodies(doc: &mut Value, notes: &mut Vec<String>) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        for method in HTTP_METHODS {
            let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let Some(content) = op
                .get_mut("requestBody")
                .and_then(|b| b.get_mut("content"))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            if content.len() != 1 {
                continue;
            }
            let Some(media_type) = content.keys().next().cloned() else {
                continue;
            };
            if progenitor_sends(&media_type) {
                continue;
            }
            if let Some(mut media) = content.shift_remove(&media_type) {
                // progenitor takes raw bodies as `type: string, format: binary`;
                // the original schema stays beside it for readers.
                if let Some(original) = media.get("schema").cloned() {
                    let mut raw = json!({"type": "string", "format": "binary"});
                    if let Some(d) = original.get("description") {
                        raw["description"] = d.clone();
                    }
                    raw["x-kombo-schema"] = original;
                    media["schema"] = raw;
                }
                content.insert("application/octet-stream".into(), media);
            }
            op.insert(REQUEST_CONTENT_TYPE_EXTENSION.into(), json!(media_type));
            notes.push(format!(
                "{} {path}: `{media_type}` request body is sent as raw bytes",
                method.to_ascii_uppercase()
            ));
        }
    }
}

/// Collects the component schema names a subtree refers to.
fn refs_in(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(obj) => {
            if let Some(r) = obj.get("$ref").and_then(Value::as_str)
                && let Some(name) = r.strip_prefix("#/components/schemas/")
            {
                out.insert(name.to_owned());
            }
            for (k, v) in obj {
                if k != "example" && k != "examples" && k != EXAMPLES_EXTENSION {
                    refs_in(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

fn reachable(doc: &Value, roots: &BTreeSet<String>) -> BTreeSet<String> {
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

/// Schema names referenced directly by requests and by responses of operations.
fn operation_roots(doc: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut requests, mut responses) = (BTreeSet::new(), BTreeSet::new());
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return (requests, responses);
    };
    for item in paths.values() {
        let params = |holder: &Value| {
            holder
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        for param in params(item) {
            refs_in(resolve_component(doc, &param), &mut requests);
        }
        for method in HTTP_METHODS {
            let Some(op) = item.get(method) else { continue };
            for param in params(op) {
                refs_in(resolve_component(doc, &param), &mut requests);
            }
            if let Some(body) = op.get("requestBody") {
                refs_in(resolve_component(doc, body), &mut requests);
            }
            if let Some(resps) = op.get("responses").and_then(Value::as_object) {
                for response in resps.values() {
                    refs_in(resolve_component(doc, response), &mut responses);
                }
            }
        }
    }
    (requests, responses)
}

/// Makes string enums in responses open, so a value Kombo adds later still
/// decodes: the schema keeps its `enum`, lists it in `x-kombo-known-values`,
/// and carries the open-enum marker that [`crate::open_enums`] turns into an
/// `UnknownValue(String)` variant. One-value enums (`const` tags of unions)
/// stay closed. Requests stay strict: a component used by both directions is
/// copied as `<Name>Response` for the response side.
fn open_response_enums(doc: &mut Value, notes: &mut Vec<String>) -> Result<(), CodegenError> {
    let (request_roots, response_roots) = operation_roots(doc);
    let in_requests = reachable(doc, &request_roots);
    let in_responses = reachable(doc, &response_roots);
    let shared: BTreeSet<String> = in_requests.intersection(&in_responses).cloned().collect();
    let existing: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();

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

    let retarget = |schema: &mut Value, renamed: &BTreeMap<String, String>| {
        retarget_refs(schema, renamed);
    };

    // Copies for the response side, retargeted and opened.
    let mut copies = Vec::new();
    for (name, copy_name) in &renamed {
        let pointer = push_pointer("/components/schemas", name);
        if let Some(original) = doc.pointer(&pointer) {
            let mut copy = original.clone();
            retarget(&mut copy, &renamed);
            let copy_ptr = push_pointer("/components/schemas", copy_name);
            walk_schema(&mut copy, &copy_ptr, &mut open_enum)?;
            copies.push((copy_name.clone(), copy));
        }
    }
    // Response-only components, in place.
    for name in in_responses.difference(&shared) {
        let pointer = push_pointer("/components/schemas", name);
        if let Some(schema) = doc.pointer_mut(&pointer) {
            retarget(schema, &renamed);
            walk_schema(schema, &pointer, &mut open_enum)?;
        }
    }
    // Inline response schemas.
    let renamed_ref = &renamed;
    for_each_schema_root(doc, &mut |schema, pointer, direction| {
        if direction == Direction::Response {
            retarget_refs(schema, renamed_ref);
            walk_schema(schema, pointer, &mut open_enum)?;
        }
        Ok(())
    })?;
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, copy) in copies {
            schemas.insert(name, copy);
        }
    }
    Ok(())
}

fn retarget_refs(value: &mut Value, renamed: &BTreeMap<String, String>) {
    match value {
        Value::Object(obj) => {
            if let Some(Value::String(r)) = obj.get_mut("$ref")
                && let Some(name) = r.strip_prefix("#/components/schemas/")
                && let Some(new) = renamed.get(name)
            {
                *r = format!("#/components/schemas/{new}");
            }
            for (k, v) in obj.iter_mut() {
                if k != "example" && k != EXAMPLES_EXTENSION {
                    retarget_refs(v, renamed);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| retarget_refs(v, renamed)),
        _ => {}
    }
}

/// typify names an enum nested in a union branch after the union and the
/// property only, so sibling branches with a same-named enum property of
/// different values collide (one silently replaces the other, or a default is
/// rejected). Such enums get a distinct `title`: union property + branch tag
/// (or `VariantN`) + property, unique in the document.
fn name_sibling_branch_enums(doc: &mut Value) -> Result<(), CodegenError> {
    let mut used: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for_each_schema_root(doc, &mut |root, pointer, _| {
        walk_schema(root, pointer, &mut |schema, p| {
            title_branch_enums(schema, p, &mut used);
            Ok(())
        })
    })
}

fn title_branch_enums(schema: &mut Value, pointer: &str, used: &mut BTreeSet<String>) {
    let union_name = pointer
        .rsplit_once("/properties/")
        .map(|(_, name)| crate::naming::upper_camel(name.split('/').next().unwrap_or_default()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Union".to_owned());
    for key in ["oneOf", "anyOf"] {
        let Some(branches) = schema.get_mut(key).and_then(Value::as_array_mut) else {
            continue;
        };
        // Property name → the distinct inline enum schemas found under it.
        let mut by_name: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for branch in branches.iter() {
            for (name, prop) in branch
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let is_enum = prop
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|v| v.len() > 1);
                if is_enum && prop.get("title").is_none() {
                    let seen = by_name.entry(name.clone()).or_default();
                    if !seen.contains(prop) {
                        seen.push(prop.clone());
                    }
                }
            }
        }
        for (i, branch) in branches.iter_mut().enumerate() {
            let label = branch
                .get("properties")
                .and_then(Value::as_object)
                .and_then(|props| {
                    props
                        .values()
                        .find_map(|p| tag_value(p).and_then(Value::as_str))
                })
                .map(crate::naming::upper_camel)
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| format!("Variant{i}"));
            let Some(props) = branch.get_mut("properties").and_then(Value::as_object_mut) else {
                continue;
            };
            for (name, prop) in props.iter_mut() {
                if by_name.get(name).is_none_or(|schemas| schemas.len() < 2)
                    || prop.get("title").is_some()
                {
                    continue;
                }
                let base = format!("{union_name}{label}{}", crate::naming::upper_camel(name));
                let mut title = base.clone();
                let mut n = 2;
                while used.contains(&title) {
                    title = format!("{base}{n}");
                    n += 1;
                }
                used.insert(title.clone());
                if let Some(obj) = prop.as_object_mut() {
                    obj.insert("title".into(), Value::String(title));
                }
            }
        }
    }
}

/// Extension marking a response schema that the spec types as always `null`.
pub const NULL_ONLY_EXTENSION: &str = "x-kombo-null-only";

/// The per-schema part of [`open_response_enums`]. Also: a response value the
/// spec types as `null` alone (Kombo documents dates this way) decodes as any
/// JSON value, so a client does not fail when the server sends one.
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
        let line = format!(
            "Kinds this version does not know decode as `{}`. {}",
            crate::open_enums::UNKNOWN_UNION_VARIANT,
            crate::open_enums::OPEN_UNION_MARKER
        );
        append_description(obj, &line);
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

#[cfg(test)]
mod tests;
