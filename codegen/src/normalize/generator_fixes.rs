//! Shapes typify (through progenitor's type settings) and our emitter
//! generate correctly: each rule rewrites a construct that is valid OpenAPI
//! but that the chain would mis-generate. progenitor no longer generates
//! operations here, so each rule is kept for what still breaks without it:
//!
//! - shared inline schemas hoisted: the vendored spec's shared error
//!   response would be typed once per operation (its build fails);
//! - scalar parameter refs inlined: setters take `&str`/numbers, not
//!   newtypes (the snapshot changes);
//! - parameters never nullable: a nullable path or header parameter would be
//!   an `Option` newtype with no `Display` (`accepted-nullable-parameters-and-noop-bounds.yaml`
//!   does not compile);
//! - no-op bounds dropped: typify's range check of an unsigned value warns
//!   (same spec);
//! - an `anyOf` with a branch that is not an object becomes `oneOf`: typify
//!   would write a struct of flattened scalars no value fits (the fixture's
//!   screening-question answers; `fixtures/tests/mock.rs` sends them);
//! - a `const`-tagged `anyOf` becomes `oneOf`, sibling branch enums get
//!   distinct names: typify merges or rejects them (the fixture client
//!   changes; `accepted-const-tagged-unions.yaml`).

use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

use crate::error::{CodegenError, push_pointer};
use crate::name::upper_camel;
use crate::walk::{
    Direction, component_names, for_each_schema_root, refs_in, schema_ref_name, walk_schema,
};

/// An inline schema of a shared response or request body (`components/responses/X`)
/// becomes the component schema `X`, so every operation using it shares one
/// named type instead of getting a copy named after the operation.
pub(super) fn hoist_shared_inline_schemas(doc: &mut Value) {
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    let taken = component_names(doc);
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
                    format!("{name}{}", upper_camel(media_type))
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
pub(super) fn inline_scalar_parameter_schemas(doc: &mut Value, notes: &mut Vec<String>) {
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
    // Parameter schemas only (`…/parameters/…/schema`), not bodies or responses.
    let _ = for_each_schema_root(doc, &mut |schema, pointer, direction| {
        let is_parameter = direction == Direction::Request
            && pointer.contains("/parameters/")
            && !pointer.contains("/content/");
        let Some(name) = schema_ref_name(schema).filter(|_| is_parameter) else {
            return Ok(());
        };
        let name = name.to_owned();
        if let Some(target) = snapshot.pointer(&push_pointer("/components/schemas", &name))
            && is_bare_scalar(target)
        {
            *schema = target.clone();
            inlined.insert(name);
        }
        Ok(())
    });
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

/// The single value a tag property admits (`const: v` or `enum: [v]`).
pub(super) fn tag_value(property: &Value) -> Option<&Value> {
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
/// branch: it is a `oneOf`. A string tag makes it a tagged enum; a boolean or
/// integer one (Kombo's `is_supported: true | false`) an enum whose variants
/// are tried in order, each checking its constant.
/// typify turns an untagged `anyOf` into a struct with one flattened,
/// optional field per branch, which works when every branch is an object and
/// for nothing else: `anyOf: [string, boolean, number, array]` (Kombo's
/// screening-question answers) became a struct no value decodes into or
/// serializes from. Such a union is a `oneOf` to the client — typify writes
/// an untagged enum, each branch tried in order, and the first that accepts
/// the value wins, as `anyOf` allows.
pub(super) fn scalar_any_of(obj: &mut Map<String, Value>) {
    let not_all_objects = obj
        .get("anyOf")
        .and_then(Value::as_array)
        .is_some_and(|branches| {
            branches.iter().any(|b| {
                let kind = b.get("type").and_then(Value::as_str);
                b.get("$ref").is_none() && kind.is_some_and(|k| k != "object")
            })
        });
    if not_all_objects && let Some(branches) = obj.shift_remove("anyOf") {
        obj.insert("oneOf".into(), branches);
    }
}

pub(super) fn tagged_any_of(obj: &mut Map<String, Value>) {
    let tagged = obj
        .get("anyOf")
        .and_then(Value::as_array)
        .is_some_and(|branches| const_tag(branches, |_| true).is_some());
    if tagged && let Some(branches) = obj.shift_remove("anyOf") {
        obj.insert("oneOf".into(), branches);
    }
}

/// The property that tells a union's inline object branches apart: required
/// in each, with a distinct constant *string* in each — the shape typify
/// generates as an internally tagged enum (and the open-union pass opens).
pub(super) fn union_tag(branches: &[Value]) -> Option<String> {
    const_tag(branches, Value::is_string)
}

/// Like [`union_tag`], for constants that `accept` allows.
fn const_tag(branches: &[Value], accept: fn(&Value) -> bool) -> Option<String> {
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
                Some(v)
                    if required && accept(v) && b.get("$ref").is_none() && !seen.contains(&v) =>
                {
                    seen.push(v);
                    true
                }
                _ => false,
            }
        })
    };
    first.keys().find(|name| is_tag(name)).cloned()
}

/// typify names an enum nested in a union branch after the union and the
/// property only, so sibling branches with a same-named enum property of
/// different values collide (one silently replaces the other, or a default is
/// rejected). Such enums get a distinct `title`: union property + branch tag
/// (or `VariantN`) + property, unique in the document.
pub(super) fn name_sibling_branch_enums(doc: &mut Value) -> Result<(), CodegenError> {
    let mut used = component_names(doc);
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
        .map(|(_, name)| upper_camel(name.split('/').next().unwrap_or_default()))
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
                .map(upper_camel)
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
                let base = format!("{union_name}{label}{}", upper_camel(name));
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

/// `minLength: 0`, `minItems: 0`, `minProperties: 0` say nothing, but typify
/// turns them into comparisons that can never fail (a rustc warning).
pub(super) fn drop_noop_bounds(obj: &mut Map<String, Value>) {
    for key in ["minLength", "minItems", "minProperties"] {
        if obj.get(key).and_then(Value::as_u64) == Some(0) {
            obj.shift_remove(key);
        }
    }
}

/// A parameter is never null: a nullable parameter schema (inline, or a
/// `$ref` to a nullable component) would make typify wrap it in an `Option`
/// newtype that cannot be written into a path or a header. The schema
/// becomes a non-nullable copy.
pub(super) fn non_nullable_parameters(doc: &mut Value) -> Result<(), CodegenError> {
    let snapshot = doc.clone();
    for_each_schema_root(doc, &mut |schema, pointer, direction| {
        let is_parameter = direction == Direction::Request
            && pointer.contains("/parameters/")
            && !pointer.contains("/content/");
        if !is_parameter {
            return Ok(());
        }
        if let Some(name) = schema_ref_name(schema) {
            let target = snapshot.pointer(&push_pointer("/components/schemas", name));
            if let Some(target) = target.filter(|t| t.get("nullable") == Some(&Value::Bool(true))) {
                *schema = target.clone();
            }
        }
        if let Some(obj) = schema.as_object_mut() {
            obj.shift_remove("nullable");
        }
        Ok(())
    })
}
