//! Method names as Kombo's official SDKs spell them: from the operation's
//! `summary` ("Create reconnection link" → `create_reconnection_link`), the
//! `operationId` as fallback, collisions resolved deterministically.

use serde_json::{Value, json};
use std::collections::BTreeMap;

use crate::error::CodegenError;
use crate::walk::operations;

/// Extension that records an operation's chosen method name.
pub const METHOD_EXTENSION: &str = "x-kombo-method";

/// `snake_case` of any text: words split on non-alphanumerics and on
/// lower→upper case changes; a leading digit gets an `op_` prefix.
pub fn snake_case(text: &str) -> String {
    let mut out = String::new();
    let mut prev_lower_or_digit = false;
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() {
            if ch.is_ascii_uppercase() && prev_lower_or_digit && !out.ends_with('_') {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
            prev_lower_or_digit = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower_or_digit = false;
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("op_{out}")
    } else {
        out
    }
}

/// `UpperCamelCase` of any text (`application/x-ndjson` → `ApplicationXNdjson`).
pub fn upper_camel(text: &str) -> String {
    snake_case(text)
        .split('_')
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The name typify and progenitor give a type: `input` in PascalCase, with
/// characters that cannot be in an identifier as word breaks (mirrors
/// typify's `sanitize`, so a name chosen here is the name in the output).
pub fn rust_type_name(input: &str) -> String {
    use heck::ToPascalCase;
    let cleaned: String = input
        .replace('\'', "")
        .chars()
        .map(|c| {
            if unicode_ident::is_xid_continue(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let out = cleaned.to_pascal_case();
    let out = match out.chars().next() {
        None => "X".to_owned(),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("X{out}"),
    };
    if syn::parse_str::<syn::Ident>(&out).is_ok() {
        out
    } else {
        format!("{out}_")
    }
}

/// The module (and namespace method) of a tag, as Kombo's SDKs name their
/// namespaces: "Unified HRIS API" → `hris`, "Kombo Connect" → `connect`,
/// "Unified ATS (Assessment & Background Check) API" → `assessment`,
/// "AI Apply" → `ai_apply`, "Custom Endpoints" → `custom`. An operation
/// without a tag is in `untagged`.
pub fn tag_module(tag: Option<&str>) -> String {
    let Some(tag) = tag else {
        return "untagged".to_owned();
    };
    let mut core = tag.trim();
    for prefix in ["Unified ", "Kombo "] {
        core = core.strip_prefix(prefix).unwrap_or(core);
    }
    for suffix in [" API", " Endpoints"] {
        core = core.strip_suffix(suffix).unwrap_or(core);
    }
    // A parenthesised qualifier names the namespace ("ATS (Assessment & …)").
    if let Some((_, inner)) = core.split_once('(')
        && let Some(word) = inner
            .split(|c: char| !c.is_alphanumeric())
            .find(|w| !w.is_empty())
    {
        core = word;
    }
    let name = snake_case(core);
    if name.is_empty() {
        snake_case(tag)
    } else {
        name
    }
}

/// The Cargo feature of a tag module (`ai_apply` → `ai-apply`).
pub fn tag_feature(module: &str) -> String {
    module.replace('_', "-")
}

/// `name` as an identifier: a keyword gets a trailing `_` (`match` → `match_`).
pub fn keyword_safe(name: &str) -> String {
    if syn::parse_str::<syn::Ident>(name).is_ok() {
        name.to_owned()
    } else {
        format!("{name}_")
    }
}

/// A valid Rust identifier for `name` in snake case (`type` → `type_`).
pub fn rust_ident(name: &str) -> String {
    let snake = snake_case(name);
    let snake = if snake.is_empty() {
        "x".to_owned()
    } else {
        snake
    };
    if syn::parse_str::<syn::Ident>(&snake).is_ok() {
        snake
    } else {
        format!("{snake}_")
    }
}

/// One operation's name, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationName {
    /// JSON pointer of the operation.
    pub pointer: String,
    /// The spec's `operationId` (or `METHOD /path` without one).
    pub operation_id: String,
    /// The tag module the operation is in ([`tag_module`]).
    pub tag: String,
    /// The chosen method name, unique within its tag.
    pub method: String,
}

impl OperationName {
    /// `tag.method`, as the name map and the change report write it.
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.tag, self.method)
    }
}

/// Names an earlier snapshot chose: `operationId` → `tag.method`. Kept by
/// `refresh` in `openapi/kombo.names.json`, so an update that adds an
/// operation never renames one that exists.
pub type PinnedNames = BTreeMap<String, String>;

/// Chooses a method name for every operation, unique within its tag (the
/// namespaces keep tags apart). A pinned name is kept. Otherwise: the
/// summary; on a collision every colliding newcomer falls back to its
/// operationId; if that still collides, a numeric suffix in document order.
pub fn choose_names(doc: &Value, pinned: &PinnedNames) -> Result<Vec<OperationName>, CodegenError> {
    struct Candidate {
        pointer: String,
        operation_id: String,
        tag: String,
        from_summary: Option<String>,
        from_id: String,
    }
    let mut candidates = Vec::new();
    for at in operations(doc) {
        let Some(op) = doc.pointer(&at.pointer) else {
            continue;
        };
        let (method, path, pointer) = (at.method, &at.path, at.pointer.clone());
        let operation_id = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{} {path}", method.to_ascii_uppercase()));
        let from_id = snake_case(&operation_id);
        if from_id.is_empty() {
            return Err(CodegenError::at(
                format!("{pointer}/operationId"),
                "no usable method name (operationId has no letters or digits)",
            ));
        }
        let tag = tag_module(
            op.get("tags")
                .and_then(Value::as_array)
                .and_then(|t| t.first())
                .and_then(Value::as_str),
        );
        let from_summary = op
            .get("summary")
            .and_then(Value::as_str)
            .map(snake_case)
            .filter(|s| !s.is_empty());
        candidates.push(Candidate {
            pointer,
            operation_id,
            tag,
            from_summary,
            from_id,
        });
    }
    // Per tag: the names taken by pins first, then the newcomers'.
    let mut used: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut chosen: Vec<Option<String>> = vec![None; candidates.len()];
    for (i, c) in candidates.iter().enumerate() {
        let pin = pinned
            .get(&c.operation_id)
            .and_then(|q| q.split_once('.'))
            .filter(|(tag, method)| *tag == c.tag && !method.is_empty());
        if let Some((_, method)) = pin
            && !used.contains_key(&(c.tag.clone(), method.to_owned()))
        {
            used.insert((c.tag.clone(), method.to_owned()), 1);
            chosen[i] = Some(method.to_owned());
        }
    }
    let mut summary_count: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (c, chosen) in candidates.iter().zip(&chosen) {
        if let (Some(s), None) = (&c.from_summary, chosen) {
            *summary_count.entry((&c.tag, s)).or_default() += 1;
        }
    }
    let mut names = Vec::new();
    for (c, pinned) in candidates.iter().zip(chosen) {
        let method = match pinned {
            Some(method) => method,
            None => {
                let first = match &c.from_summary {
                    Some(s)
                        if summary_count[&(c.tag.as_str(), s.as_str())] == 1
                            && !used.contains_key(&(c.tag.clone(), s.clone())) =>
                    {
                        s.clone()
                    }
                    _ => c.from_id.clone(),
                };
                let seen = used.entry((c.tag.clone(), first.clone())).or_default();
                *seen += 1;
                if *seen == 1 {
                    first
                } else {
                    format!("{first}_{seen}")
                }
            }
        };
        names.push(OperationName {
            pointer: c.pointer.clone(),
            operation_id: c.operation_id.clone(),
            tag: c.tag.clone(),
            method,
        });
    }
    Ok(names)
}

/// Records the chosen names on the operations (`x-kombo-method`), and the
/// `operationId` an operation without one is known by, so every later stage
/// reads one id.
pub fn apply_names(
    doc: &mut Value,
    pinned: &PinnedNames,
) -> Result<Vec<OperationName>, CodegenError> {
    let names = choose_names(doc, pinned)?;
    for name in &names {
        if let Some(op) = doc
            .pointer_mut(&name.pointer)
            .and_then(Value::as_object_mut)
        {
            op.insert(METHOD_EXTENSION.into(), json!(name.method));
            op.entry("operationId")
                .or_insert_with(|| json!(name.operation_id));
        }
    }
    Ok(names)
}

/// The name map of a set of names (for `openapi/kombo.names.json`).
pub fn name_map(names: &[OperationName]) -> PinnedNames {
    names
        .iter()
        .map(|n| (n.operation_id.clone(), n.qualified()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_becomes_snake_case() {
        assert_eq!(
            snake_case("Create reconnection link"),
            "create_reconnection_link"
        );
        assert_eq!(
            snake_case("PostIntegrationsIntegrationIdRelink"),
            "post_integrations_integration_id_relink"
        );
        assert_eq!(snake_case("Get HRIS employees"), "get_hris_employees");
        assert_eq!(snake_case("Bulk-import (NDJSON)"), "bulk_import_ndjson");
        assert_eq!(snake_case("3rd party"), "op_3rd_party");
    }

    #[test]
    fn type_names_follow_typify() {
        assert_eq!(
            rust_type_name("ErrorResponseGeneral_error_code"),
            "ErrorResponseGeneralErrorCode"
        );
        assert_eq!(rust_type_name("get_x-response"), "GetXResponse");
        assert_eq!(rust_type_name("self"), "Self_");
        assert_eq!(rust_type_name("9lives"), "X9lives");
    }

    #[test]
    fn upper_camel_case() {
        assert_eq!(upper_camel("application/x-ndjson"), "ApplicationXNdjson");
        assert_eq!(tag_module(Some("Unified HRIS API")), "hris");
        assert_eq!(tag_module(Some("Kombo Connect")), "connect");
        assert_eq!(
            tag_module(Some("Unified ATS (Assessment & Background Check) API")),
            "assessment"
        );
        assert_eq!(tag_module(Some("AI Apply")), "ai_apply");
        assert_eq!(tag_module(Some("Custom Endpoints")), "custom");
        assert_eq!(tag_module(Some("General")), "general");
        assert_eq!(tag_module(None), "untagged");
        assert_eq!(rust_ident("type"), "type_");
        assert_eq!(rust_ident("X-Request-Id"), "x_request_id");
    }

    #[test]
    fn names_come_from_summary_then_operation_id() {
        let doc = json!({"paths": {
            "/a": {"post": {"operationId": "PostA", "summary": "Create thing"}},
            "/b": {"get": {"operationId": "GetB"}},
        }});
        let names = choose_names(&doc, &PinnedNames::new()).unwrap();
        let methods: Vec<_> = names.iter().map(|n| n.method.as_str()).collect();
        assert_eq!(methods, ["create_thing", "get_b"]);
        assert_eq!(names[0].pointer, "/paths/~1a/post");
    }

    #[test]
    fn colliding_summaries_fall_back_to_operation_ids() {
        let doc = json!({"paths": {
            "/a": {"get": {"operationId": "GetA", "summary": "Get items"}},
            "/b": {"get": {"operationId": "GetB", "summary": "Get items"}},
            "/c": {"get": {"operationId": "get_a", "summary": "Other"}},
            "/d": {"get": {"operationId": "GetD", "summary": "get a"}},
        }});
        let methods: Vec<_> = choose_names(&doc, &PinnedNames::new())
            .unwrap()
            .into_iter()
            .map(|n| n.method)
            .collect();
        assert_eq!(methods, ["get_a", "get_b", "other", "get_d"]);
    }

    #[test]
    fn apply_records_the_method_and_keeps_the_id() {
        let mut doc = json!({"paths": {"/a": {"post": {"operationId": "PostA", "summary": "Do it"}}, "/b": {"get": {}}}});
        apply_names(&mut doc, &PinnedNames::new()).unwrap();
        assert_eq!(doc["paths"]["/a"]["post"]["operationId"], "PostA");
        assert_eq!(doc["paths"]["/a"]["post"][METHOD_EXTENSION], "do_it");
        assert_eq!(doc["paths"]["/b"]["get"]["operationId"], "GET /b");
    }

    fn op(id: &str, tag: &str, summary: &str) -> Value {
        json!({"get": {"operationId": id, "tags": [tag], "summary": summary}})
    }

    #[test]
    fn tags_are_namespaces_so_summaries_may_repeat_across_them() {
        let doc = json!({"paths": {
            "/ats/jobs": op("GetAtsJobs", "Unified ATS API", "Get jobs"),
            "/ai-apply/jobs": op("GetAiApplyJobs", "AI Apply", "Get jobs"),
        }});
        let names = choose_names(&doc, &PinnedNames::new()).unwrap();
        let qualified: Vec<_> = names.iter().map(OperationName::qualified).collect();
        assert_eq!(qualified, ["ats.get_jobs", "ai_apply.get_jobs"]);
    }

    #[test]
    fn an_added_namesake_in_the_same_tag_renames_nothing() {
        let before = json!({"paths": {"/a": op("GetA", "Custom Endpoints", "Verify service")}});
        let pins = name_map(&choose_names(&before, &PinnedNames::new()).unwrap());
        assert_eq!(pins["GetA"], "custom.verify_service");
        let after = json!({"paths": {
            "/a": op("GetA", "Custom Endpoints", "Verify service"),
            "/b": op("GetB", "Custom Endpoints", "Verify service"),
        }});
        let qualified: Vec<_> = choose_names(&after, &pins)
            .unwrap()
            .iter()
            .map(OperationName::qualified)
            .collect();
        assert_eq!(qualified, ["custom.verify_service", "custom.get_b"]);
        // Without the map, both would fall back to their operationIds.
        let fresh: Vec<_> = choose_names(&after, &PinnedNames::new())
            .unwrap()
            .into_iter()
            .map(|n| n.method)
            .collect();
        assert_eq!(fresh, ["get_a", "get_b"]);
    }
}
