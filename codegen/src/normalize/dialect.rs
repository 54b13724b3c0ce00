//! 3.1 → 3.0: the rules that translate OpenAPI 3.1 / JSON Schema 2020-12
//! constructs into their OpenAPI 3.0 spelling, each a small function.

use serde_json::{Map, Value, json};

use crate::error::{CodegenError, push_pointer};

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

/// Extension keeping the other entries of a 3.1 `examples` array.
pub const EXAMPLES_EXTENSION: &str = "x-examples";

/// 3.1 makes `paths` optional (a webhooks-only document); 3.0 requires it.
pub(super) fn require_paths(root: &mut Map<String, Value>) -> Result<(), CodegenError> {
    match root.get("paths") {
        None => {
            root.insert("paths".into(), json!({}));
            Ok(())
        }
        Some(Value::Object(_)) => Ok(()),
        Some(_) => Err(CodegenError::at("/paths", "`paths` must be a mapping")),
    }
}

/// `openapi: 3.1.x` → `3.0.3`; a 3.0 document passes; anything else is refused.
pub(super) fn rewrite_version(root: &mut Map<String, Value>) -> Result<(), CodegenError> {
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

/// Drops `jsonSchemaDialect` (recorded in the notes); `webhooks` are taken
/// out before, by [`super::webhooks`].
pub(super) fn remove_top_level_31_fields(root: &mut Map<String, Value>, notes: &mut Vec<String>) {
    if let Some(dialect) = root.shift_remove("jsonSchemaDialect") {
        notes.push(format!(
            "removed /jsonSchemaDialect ({dialect}): 3.0 has a single dialect"
        ));
    }
}

/// 3.1 allows `true`/`false` as schemas: `true` is the empty schema; `false` has no 3.0 form.
pub(super) fn boolean_schema(schema: &mut Value, pointer: &str) -> Result<(), CodegenError> {
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

pub(super) fn reject_unsupported(
    obj: &Map<String, Value>,
    pointer: &str,
) -> Result<(), CodegenError> {
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
pub(super) fn ref_with_siblings(obj: &mut Map<String, Value>) {
    if !obj.contains_key("$ref") {
        return;
    }
    const ANNOTATIONS: [&str; 4] = ["$ref", "description", "summary", "title"];
    if obj.keys().all(|k| ANNOTATIONS.contains(&k.as_str())) {
        return;
    }
    let reference = obj.shift_remove("$ref").unwrap_or(Value::Null);
    obj.insert("allOf".into(), json!([{ "$ref": reference }]));
}

/// `type: [X, 'null']` → `type: X` + `nullable: true`; `type: 'null'` alone →
/// `enum: [null]` (the form progenitor reads as the null type).
pub(super) fn type_array(obj: &mut Map<String, Value>, pointer: &str) -> Result<(), CodegenError> {
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
pub(super) fn const_to_enum(
    obj: &mut Map<String, Value>,
    pointer: &str,
) -> Result<(), CodegenError> {
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
pub(super) fn null_in_enum(obj: &mut Map<String, Value>) {
    let Some(values) = obj.get_mut("enum").and_then(Value::as_array_mut) else {
        return;
    };
    if values.len() < 2 || !values.iter().any(Value::is_null) {
        return;
    }
    values.retain(|v| !v.is_null());
    obj.insert("nullable".into(), Value::Bool(true));
}

/// Numeric `exclusiveMinimum: n` (3.1) → `minimum: n, exclusiveMinimum: true` (3.0).
pub(super) fn exclusive_bounds(
    obj: &mut Map<String, Value>,
    pointer: &str,
) -> Result<(), CodegenError> {
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
pub(super) fn examples_array(
    obj: &mut Map<String, Value>,
    pointer: &str,
) -> Result<(), CodegenError> {
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
/// Returns whether an inline branch was merged into `obj` (its keywords are
/// then not normalized yet).
pub(super) fn fold_null_branches(
    obj: &mut Map<String, Value>,
    pointer: &str,
) -> Result<bool, CodegenError> {
    let mut merged = false;
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
                merged = true;
            }
            _ => {
                return Err(CodegenError::at(
                    format!("{pointer}/{key}/0"),
                    "a schema must be a mapping",
                ));
            }
        }
    }
    Ok(merged)
}
