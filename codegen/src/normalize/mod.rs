//! Normalize: rewrites an OpenAPI 3.1 document into the 3.0 dialect that
//! `openapiv3` and progenitor read, without changing what the API accepts or
//! returns. Three kinds of rules, one file each:
//!
//! - [`dialect`]: 3.1 → 3.0 (`type` arrays, `const`, `examples`, …);
//! - [`generator_fixes`]: shapes progenitor and typify handle correctly;
//! - [`open_enums`]: Kombo's forward-compatibility policy (open response enums
//!   and unions, the open-enum idiom), which also names the types that the
//!   emit stage must open;
//!
//! and a last check (`validate.rs`) rejects, by JSON pointer, what the
//! generator chain would turn into a panic or a rustc error.
//!
//! Only *schema positions* are rewritten ([`crate::walk`]): property names
//! (`type`, `required`, …) and example values are never treated as keywords. A
//! construct without a faithful 3.0 form is an error naming its JSON pointer,
//! never a silent drop.

use serde_json::Value;
use std::collections::BTreeMap;

use crate::error::CodegenError;
use crate::walk::{for_each_schema_root, walk_schema};

pub mod dialect;
pub mod generator_fixes;
pub mod open_enums;
mod validate;
pub mod webhooks;

pub use open_enums::KNOWN_VALUES_EXTENSION;

/// The normalized document plus what was removed or reshaped.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalized {
    /// The document in the 3.0 dialect.
    pub document: Value,
    /// Human-readable notes on lossy or structural changes (nothing semantic is lost silently).
    pub notes: Vec<String>,
    /// Rust type names of the string enums the emit stage must open → the
    /// JSON pointer of their schema (for error messages).
    pub open_enums: BTreeMap<String, String>,
    /// Rust type names of the tagged unions that accept unknown kinds → pointer.
    pub open_unions: BTreeMap<String, String>,
    /// The webhooks the spec declares (their payloads stay as components).
    pub webhooks: Vec<webhooks::Webhook>,
}

/// Runs every rule over a parsed document whose operations are already named
/// ([`crate::name`]): generated type names derive from method names.
pub fn normalize(mut doc: Value) -> Result<Normalized, CodegenError> {
    let mut notes = Vec::new();
    let root = doc
        .as_object_mut()
        .ok_or_else(|| CodegenError::at("", "an OpenAPI document must be a mapping"))?;
    dialect::rewrite_version(root)?;
    dialect::require_paths(root)?;
    let hooks = webhooks::take(root)?;
    if let Some(names) = hooks.as_object().filter(|h| !h.is_empty()) {
        let names: Vec<&str> = names.keys().map(String::as_str).collect();
        notes.push(format!(
            "moved /webhooks ({} entries: {}) out of the document: their payloads stay as types and become `webhooks::Event`",
            names.len(),
            names.join(", ")
        ));
    }
    dialect::remove_top_level_31_fields(root, &mut notes);
    generator_fixes::hoist_shared_inline_schemas(&mut doc);
    generator_fixes::inline_scalar_parameter_schemas(&mut doc, &mut notes);
    for_each_schema_root(&mut doc, &mut |schema, pointer, _| {
        normalize_schema(schema, pointer)
    })?;
    generator_fixes::non_nullable_parameters(&mut doc)?;
    generator_fixes::name_sibling_branch_enums(&mut doc)?;
    let payloads = hooks
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(_, hook)| {
            hook.pointer("/post/requestBody/content/application~1json/schema")
                .and_then(crate::walk::schema_ref_name)
                .map(str::to_owned)
        })
        .collect();
    open_enums::open_response_enums(&mut doc, &payloads, &mut notes)?;
    validate::validate(&mut doc)?;
    let named = open_enums::name_open_types(&mut doc)?;
    let webhooks = webhooks::describe(&doc, &hooks)?;
    Ok(Normalized {
        document: doc,
        notes,
        open_enums: named.enums,
        open_unions: named.unions,
        webhooks,
    })
}

/// Applies the per-schema rules to one schema root and everything under it.
pub fn normalize_schema(schema: &mut Value, pointer: &str) -> Result<(), CodegenError> {
    walk_schema(schema, pointer, &mut |s, p| {
        // A null union folded into its one branch brings that branch's
        // keywords up, unnormalized: the rules run again on the result.
        for _ in 0..16 {
            if !schema_rules(s, p)? {
                break;
            }
        }
        Ok(())
    })
}

/// One pass of the rules over one schema object; `true` when it must run again.
fn schema_rules(s: &mut Value, p: &str) -> Result<bool, CodegenError> {
    dialect::boolean_schema(s, p)?;
    let Some(obj) = s.as_object_mut() else {
        return Err(CodegenError::at(p, "a schema must be a mapping"));
    };
    dialect::reject_unsupported(obj, p)?;
    dialect::ref_with_siblings(obj);
    if obj.contains_key("$ref") {
        return Ok(false);
    }
    dialect::type_array(obj, p)?;
    dialect::const_to_enum(obj, p)?;
    dialect::null_in_enum(obj);
    dialect::exclusive_bounds(obj, p)?;
    dialect::examples_array(obj, p)?;
    let merged = dialect::fold_null_branches(obj, p)?;
    generator_fixes::drop_noop_bounds(obj);
    generator_fixes::tagged_any_of(obj);
    generator_fixes::scalar_any_of(obj);
    open_enums::open_string_union(obj);
    Ok(merged)
}

#[cfg(test)]
mod tests;
