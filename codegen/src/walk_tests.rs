//! The walker's own tests.
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

#[test]
fn operations_come_in_document_order_with_escaped_pointers() {
    let doc = json!({"paths": {
        "/a/{id}": {"parameters": [{"name": "id", "in": "path"}], "post": {}, "get": {}},
        "/b": {"summary": "not an operation", "delete": {}}
    }});
    let found: Vec<(String, &str, String)> = operations(&doc)
        .into_iter()
        .map(|o| (o.path, o.method, o.pointer))
        .collect();
    assert_eq!(
        found,
        [
            ("/a/{id}".into(), "get", "/paths/~1a~1{id}/get".into()),
            ("/a/{id}".into(), "post", "/paths/~1a~1{id}/post".into()),
            ("/b".into(), "delete", "/paths/~1b/delete".into()),
        ]
    );
    assert_eq!(parameters(&doc, &operations(&doc)[0]).len(), 1);
}

#[test]
fn visit_schemas_follows_refs_once_each() {
    let doc = json!({"components": {"schemas": {
        "Node": {"type": "object", "properties": {
            "next": {"$ref": "#/components/schemas/Node"},
            "code": {"$ref": "#/components/schemas/Code"}
        }},
        "Code": {"type": "string", "enum": ["A"]}
    }}});
    let root = json!({"anyOf": [{"$ref": "#/components/schemas/Node"}]});
    let mut enums = Vec::new();
    let mut visited = 0;
    visit_schemas(&doc, &root, &mut |s| {
        visited += 1;
        enums.extend(s.get("enum").cloned());
    });
    assert_eq!(enums, [json!(["A"])]);
    assert_eq!(
        visited, 3,
        "the root, Node, Code: the cycle through `next` ends"
    );
}

#[test]
fn an_operations_refs_follow_shared_responses_and_path_parameters() {
    let doc = json!({
        "paths": {"/a/{id}": {
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "get": {"responses": {
                "200": {"$ref": "#/components/responses/Ok"},
                "default": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Err"},
                    "example": {"$ref": "#/components/schemas/NotARef"}}}}
            }}
        }},
        "components": {
            "parameters": {"Id": {"name": "id", "in": "path", "schema": {"$ref": "#/components/schemas/Id"}}},
            "responses": {"Ok": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}}
        }
    });
    let mut found = BTreeSet::new();
    operation_schema_refs(&doc, "/paths/~1a~1{id}/get", &mut found);
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["Err", "Id", "Page"]);
}

#[test]
fn refs_in_example_data_are_not_references() {
    let doc = json!({"allOf": [{"$ref": "#/components/schemas/A"}],
        "example": {"$ref": "#/components/schemas/B"}});
    let mut found = BTreeSet::new();
    refs_in(&doc, &mut found);
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["A"]);
}
