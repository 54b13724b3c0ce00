//! Small helpers shared by the passes that read an OpenAPI document.

use serde_json::Value;

/// The HTTP methods an OpenAPI path item may hold.
pub(crate) const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Follows local `$ref`s (at most 16 hops) to their target.
pub(crate) fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    follow(doc, value, |_| true)
}

/// Follows local `$ref`s to responses, parameters and bodies, but stops at a
/// reference to a component schema (so the schema's name stays visible).
pub(crate) fn resolve_component<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refs_are_followed_and_schema_refs_kept_on_request() {
        let doc = json!({"components": {
            "responses": {"R": {"$ref": "#/components/responses/S"}, "S": {"description": "s"}},
            "schemas": {"A": {"type": "string"}}
        }});
        let r = json!({"$ref": "#/components/responses/R"});
        assert_eq!(resolve(&doc, &r), &json!({"description": "s"}));
        assert_eq!(resolve_component(&doc, &r), &json!({"description": "s"}));
        let a = json!({"$ref": "#/components/schemas/A"});
        assert_eq!(resolve(&doc, &a), &json!({"type": "string"}));
        assert_eq!(resolve_component(&doc, &a), &a);
        // A cycle or a dangling reference ends without looping or panicking.
        let cyclic = json!({"x": {"$ref": "#/x"}});
        assert_eq!(resolve(&cyclic, &cyclic["x"]), &json!({"$ref": "#/x"}));
        assert_eq!(
            resolve(&doc, &json!({"$ref": "#/nope"})),
            &json!({"$ref": "#/nope"})
        );
    }
}
