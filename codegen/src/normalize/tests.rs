use super::open_enums::NULL_ONLY_EXTENSION;
use super::*;
use serde_json::json;

fn schema(mut v: Value) -> Value {
    normalize_schema(&mut v, "/s").unwrap();
    v
}

fn schema_err(mut v: Value) -> CodegenError {
    normalize_schema(&mut v, "/s").unwrap_err()
}

fn doc(paths: Value, schemas: Value) -> Value {
    json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths,
           "components": {"schemas": schemas}})
}

#[test]
fn type_with_null_becomes_nullable() {
    assert_eq!(
        schema(json!({"type": ["string", "null"], "format": "uri"})),
        json!({"type": "string", "format": "uri", "nullable": true})
    );
    assert_eq!(
        schema(json!({"type": ["integer"]})),
        json!({"type": "integer"})
    );
}

#[test]
fn type_null_alone_becomes_null_enum() {
    assert_eq!(schema(json!({"type": "null"})), json!({"enum": [null]}));
    assert_eq!(
        schema(json!({"type": ["null"], "description": "d"})),
        json!({"description": "d", "enum": [null]})
    );
}

#[test]
fn several_non_null_types_are_an_error_naming_the_pointer() {
    let e = schema_err(json!({"properties": {"a": {"type": ["string", "integer"]}}}));
    assert_eq!(e.pointer, "/s/properties/a/type");
    assert!(e.reason.contains("string, integer"), "{e}");
}

#[test]
fn const_becomes_single_value_enum() {
    assert_eq!(
        schema(json!({"type": "string", "const": "success"})),
        json!({"type": "string", "enum": ["success"]})
    );
    assert_eq!(
        schema(json!({"type": "boolean", "const": true})),
        json!({"type": "boolean", "enum": [true]})
    );
    let e = schema_err(json!({"type": "string", "const": "a", "enum": ["b"]}));
    assert_eq!(e.pointer, "/s/const");
}

#[test]
fn null_in_enum_becomes_nullable() {
    assert_eq!(
        schema(json!({"type": ["string", "null"], "enum": ["a", "b", null]})),
        json!({"type": "string", "enum": ["a", "b"], "nullable": true})
    );
}

#[test]
fn numeric_exclusive_bounds_take_the_30_form() {
    assert_eq!(
        schema(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10})),
        json!({"type": "number", "exclusiveMinimum": true, "exclusiveMaximum": true, "minimum": 0, "maximum": 10})
    );
    assert_eq!(
        schema(json!({"type": "number", "minimum": 1, "exclusiveMinimum": true})),
        json!({"type": "number", "minimum": 1, "exclusiveMinimum": true})
    );
    let e = schema_err(json!({"type": "number", "minimum": 1, "exclusiveMinimum": 2}));
    assert_eq!(e.pointer, "/s/exclusiveMinimum");
}

#[test]
fn examples_array_becomes_example() {
    assert_eq!(
        schema(json!({"type": "string", "examples": ["a", "b"]})),
        json!({"type": "string", "example": "a", "x-examples": ["b"]})
    );
    assert_eq!(
        schema(json!({"type": "string", "examples": ["a"]})),
        json!({"type": "string", "example": "a"})
    );
}

#[test]
fn null_branch_of_anyof_with_a_ref_becomes_nullable_allof() {
    assert_eq!(
        schema(json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]})),
        json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}]})
    );
}

#[test]
fn null_branch_of_oneof_with_inline_schema_is_merged() {
    assert_eq!(
        schema(
            json!({"description": "d", "oneOf": [{"type": "object", "properties": {"x": {"type": "string"}}}, {"type": "null"}]})
        ),
        json!({"description": "d", "nullable": true, "type": "object", "properties": {"x": {"type": "string"}}})
    );
}

#[test]
fn null_branch_among_several_keeps_the_union() {
    assert_eq!(
        schema(json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]})),
        json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
    );
}

#[test]
fn open_enum_idiom_becomes_an_open_string_enum() {
    let out = schema(json!({
        "description": "Gender.",
        "anyOf": [
            {"type": "string", "enum": ["MALE", "FEMALE"]},
            {"type": "string"},
            {"type": "null"}
        ]
    }));
    assert_eq!(
        out,
        json!({
            "description": "Gender.",
            "nullable": true,
            "type": "string",
            "enum": ["MALE", "FEMALE"],
            KNOWN_VALUES_EXTENSION: ["MALE", "FEMALE"]
        })
    );
}

#[test]
fn property_names_that_are_keywords_are_not_rewritten() {
    let out = schema(json!({
        "type": "object",
        "properties": {
            "type": {"type": ["string", "null"]},
            "required": {"type": "boolean", "const": true},
            "const": {"type": "string"}
        },
        "required": ["type"]
    }));
    assert_eq!(
        out,
        json!({
            "type": "object",
            "properties": {
                "type": {"type": "string", "nullable": true},
                "required": {"type": "boolean", "enum": [true]},
                "const": {"type": "string"}
            },
            "required": ["type"]
        })
    );
}

#[test]
fn example_values_are_not_rewritten() {
    let out = schema(json!({"type": "object", "example": {"type": ["null"], "const": 1}}));
    assert_eq!(
        out,
        json!({"type": "object", "example": {"type": ["null"], "const": 1}})
    );
}

#[test]
fn nested_positions_are_walked() {
    let out = schema(json!({
        "type": "array",
        "items": {"type": "object", "additionalProperties": {"type": ["string", "null"]},
                  "properties": {"a": {"allOf": [{"type": ["integer", "null"]}]}}}
    }));
    assert_eq!(
        out["items"]["additionalProperties"],
        json!({"type": "string", "nullable": true})
    );
    assert_eq!(
        out["items"]["properties"]["a"]["allOf"][0],
        json!({"type": "integer", "nullable": true})
    );
}

#[test]
fn boolean_schemas() {
    assert_eq!(
        schema(json!({"type": "object", "properties": {"any": true}}))["properties"]["any"],
        json!({})
    );
    assert_eq!(
        schema_err(json!({"properties": {"never": false}})).pointer,
        "/s/properties/never"
    );
    // additionalProperties: true is valid 3.0 and stays.
    assert_eq!(
        schema(json!({"type": "object", "additionalProperties": true})),
        json!({"type": "object", "additionalProperties": true})
    );
}

#[test]
fn unsupported_keywords_are_errors_naming_the_pointer() {
    let e = schema_err(
        json!({"properties": {"p": {"type": "array", "prefixItems": [{"type": "string"}]}}}),
    );
    assert_eq!(e.pointer, "/s/properties/p/prefixItems");
    let e = schema_err(json!({"type": "object", "patternProperties": {"^x": {}}}));
    assert!(e.reason.contains("patternProperties"));
    let e = schema_err(json!({"type": "array", "items": [{"type": "string"}]}));
    assert_eq!(e.pointer, "/s/items");
}

#[test]
fn ref_with_constraining_siblings_is_wrapped() {
    assert_eq!(
        schema(json!({"$ref": "#/components/schemas/A", "description": "d"})),
        json!({"$ref": "#/components/schemas/A", "description": "d"})
    );
    assert_eq!(
        schema(json!({"$ref": "#/components/schemas/A", "type": ["object", "null"]})),
        json!({"type": "object", "nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}]})
    );
}

#[test]
fn version_is_rewritten_and_others_refused() {
    let out = normalize(json!({"openapi": "3.1.0", "info": {}, "paths": {}})).unwrap();
    assert_eq!(out.document["openapi"], "3.0.3");
    let out = normalize(json!({"openapi": "3.0.1", "info": {}, "paths": {}})).unwrap();
    assert_eq!(out.document["openapi"], "3.0.1");
    let e = normalize(json!({"openapi": "2.0", "paths": {}})).unwrap_err();
    assert_eq!(e.pointer, "/openapi");
    let e = normalize(json!({"swagger": "2.0"})).unwrap_err();
    assert_eq!(e.pointer, "/openapi");
}

fn hook(payload: &str) -> Value {
    json!({"post": {"requestBody": {"content": {"application/json": {"schema":
        {"$ref": format!("#/components/schemas/{payload}")}}}}}})
}

#[test]
fn webhooks_and_dialect_are_removed_with_a_note() {
    let out = normalize(json!({
        "openapi": "3.1.0", "info": {}, "paths": {},
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "webhooks": {"employee-updated": hook("A"), "sync-finished": hook("B")},
        "components": {"schemas": {
            "A": {"type": "object", "properties": {"type": {"const": "employee-updated"},
                  "data": {"type": "object", "properties": {"status": {"type": "string", "enum": ["X", "Y"]}}}}},
            "B": {"type": "object", "properties": {"type": {"type": "string", "enum": ["sync-finished"]}}}
        }}
    }))
    .unwrap();
    let names: Vec<(&str, &str, &str)> = out
        .webhooks
        .iter()
        .map(|w| (w.name.as_str(), w.payload.as_str(), w.event_type.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("employee-updated", "A", "employee-updated"),
            ("sync-finished", "B", "sync-finished")
        ]
    );
    // Payloads are received data: their enums are open like a response's.
    assert!(
        out.open_enums.contains_key("ADataStatus"),
        "{:?}",
        out.open_enums
    );
    assert!(out.document.get("webhooks").is_none());
    assert!(out.document.get("jsonSchemaDialect").is_none());
    assert_eq!(out.notes.len(), 2);
    assert!(
        out.notes[0].contains("employee-updated, sync-finished"),
        "{:?}",
        out.notes
    );
}

#[test]
fn response_enums_are_opened_and_request_enums_stay_closed() {
    let body =
        json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Body"}}}});
    let ok = json!({"description": "ok", "content": {"application/json": {"schema": {
    "type": "object", "properties": {
        "code": {"type": "string", "nullable": true, "enum": ["A", "B"]},
        "status": {"type": "string", "enum": ["success"]},
        "date": {"type": "null"},
        "body": {"$ref": "#/components/schemas/Body"}
    }}}}});
    let out = normalize(doc(
        json!({"/a": {"post": {"requestBody": body, "responses": {"200": ok}}}}),
        json!({"Body": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["X", "Y"]}}}}),
    ))
    .unwrap();
    let response = &out.document["paths"]["/a"]["post"]["responses"]["200"]["content"]["application/json"]
        ["schema"];
    assert_eq!(
        response["properties"]["code"][KNOWN_VALUES_EXTENSION],
        json!(["A", "B"])
    );
    // The emit stage is told exactly which types to open, by name.
    let code_pointer =
        "/paths/~1a/post/responses/200/content/application~1json/schema/properties/code";
    let code_name = response["properties"]["code"]["title"].as_str().unwrap();
    assert_eq!(out.open_enums[code_name], code_pointer);
    assert!(
        !response.to_string().contains("kombo:"),
        "no markers in docs"
    );
    // A null-only response value accepts any JSON.
    assert_eq!(
        response["properties"]["date"],
        json!({"nullable": true, NULL_ONLY_EXTENSION: true})
    );
    // One-value enums (union tags) stay closed.
    assert_eq!(response["properties"]["status"]["enum"], json!(["success"]));
    // The shared component is copied for the response side.
    assert_eq!(
        response["properties"]["body"]["$ref"],
        "#/components/schemas/BodyResponse"
    );
    let schemas = &out.document["components"]["schemas"];
    assert_eq!(
        schemas["Body"]["properties"]["kind"]["enum"],
        json!(["X", "Y"])
    );
    assert_eq!(
        out.open_enums["BodyResponseKind"],
        "/components/schemas/BodyResponse/properties/kind"
    );
    assert!(!out.open_enums.contains_key("BodyKind"));
    assert_eq!(out.open_enums.len(), 2, "{:?}", out.open_enums);
    assert_eq!(out.notes.len(), 1, "{:?}", out.notes);
}

#[test]
fn shared_error_response_code_is_opened() {
    let mut d = doc(
        json!({"/a": {"get": {"responses": {"200": {"description": "ok"},
            "default": {"$ref": "#/components/responses/Err"}}}}}),
        json!({}),
    );
    d["components"]["responses"] = json!({"Err": {"description": "e", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"error": {"type": "object", "properties": {
            "code": {"type": ["string", "null"], "enum": ["PLATFORM.A", "PLATFORM.B"]}}}}}}}}});
    let out = normalize(d).unwrap();
    let code =
        &out.document["components"]["schemas"]["Err"]["properties"]["error"]["properties"]["code"];
    assert_eq!(code["type"], "string");
    assert_eq!(code["nullable"], true);
    assert_eq!(code["enum"], json!(["PLATFORM.A", "PLATFORM.B"]));
    // typify's own name for it, written down as its title.
    assert_eq!(code["title"], "ErrErrorCode");
    assert_eq!(
        out.open_enums["ErrErrorCode"],
        "/components/schemas/Err/properties/error/properties/code"
    );
    assert_eq!(
        code[KNOWN_VALUES_EXTENSION],
        json!(["PLATFORM.A", "PLATFORM.B"])
    );
}

#[test]
fn schemas_in_parameters_and_headers_are_normalized() {
    let mut d = doc(
        json!({"/a/{id}": {"get": {
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": ["string", "null"]}}],
            "responses": {"200": {"description": "ok", "headers": {"h": {"schema": {"type": ["integer", "null"]}}}}}
        }}}),
        json!({}),
    );
    d["components"]["parameters"] =
        json!({"P": {"name": "p", "in": "query", "schema": {"const": "x"}}});
    let out = normalize(d).unwrap();
    assert_eq!(
        out.document["paths"]["/a/{id}"]["get"]["parameters"][0]["schema"],
        json!({"type": "string"}),
        "a parameter is never null"
    );
    assert_eq!(
        out.document["paths"]["/a/{id}"]["get"]["responses"]["200"]["headers"]["h"]["schema"],
        json!({"type": "integer", "nullable": true})
    );
    assert_eq!(
        out.document["components"]["parameters"]["P"]["schema"],
        json!({"enum": ["x"]})
    );
}

#[test]
fn pointers_escape_slashes_in_path_keys() {
    let e = normalize(doc(
        json!({"/a/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "schema": {"type": []}}]}}}),
        json!({}),
    ))
    .unwrap_err();
    assert_eq!(e.pointer, "/paths/~1a~1{id}/get/parameters/0/schema/type");
}

#[test]
fn inline_schemas_of_shared_responses_become_named_components() {
    let mut d = doc(
        json!({}),
        json!({"ErrorResponseGeneral": {"type": "string"}, "X": {"type": "string"}}),
    );
    d["components"]["responses"] = json!({
        "ErrorResponseGeneral": {"description": "e", "content": {"application/json": {"schema": {"type": "object"}}}},
        "Other": {"description": "o", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/X"}}}}
    });
    let out = normalize(d).unwrap().document;
    let responses = &out["components"]["responses"];
    // The name is taken by an existing schema, so the hoisted one is suffixed.
    assert_eq!(
        responses["ErrorResponseGeneral"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/ErrorResponseGeneralBody"})
    );
    assert_eq!(
        out["components"]["schemas"]["ErrorResponseGeneralBody"],
        json!({"type": "object"})
    );
    assert_eq!(
        responses["Other"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/X"})
    );
}

#[test]
fn scalar_parameter_refs_are_inlined() {
    let out = normalize(doc(
        json!({"/a/{id}": {"get": {"parameters": [
            {"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/Id"}},
            {"name": "kind", "in": "query", "schema": {"$ref": "#/components/schemas/Kind"}}
        ], "responses": {"200": {"description": "ok"}}}}}),
        json!({"Id": {"type": "string"}, "Kind": {"type": "string", "enum": ["a", "b"]}}),
    ))
    .unwrap();
    let params = &out.document["paths"]["/a/{id}"]["get"]["parameters"];
    assert_eq!(params[0]["schema"], json!({"type": "string"}));
    // Enums keep their named type.
    assert_eq!(
        params[1]["schema"],
        json!({"$ref": "#/components/schemas/Kind"})
    );
    let schemas = out.document["components"]["schemas"].as_object().unwrap();
    assert!(!schemas.contains_key("Id"));
    assert!(schemas.contains_key("Kind"));
}

#[test]
fn any_of_told_apart_by_a_constant_tag_is_one_of() {
    let branch = |tag: &str| {
        json!({"type": "object", "required": ["type"],
        "properties": {"type": {"type": "string", "const": tag}, "display_type": {"type": "string", "enum": [tag]}}})
    };
    let out = schema(json!({"anyOf": [branch("TEXT"), branch("NUMBER")]}));
    assert!(out.get("anyOf").is_none());
    assert_eq!(
        out["oneOf"][1]["properties"]["type"],
        json!({"type": "string", "enum": ["NUMBER"]})
    );
    // The same tag twice, or a tag that is not required: still anyOf.
    let out = schema(json!({"anyOf": [branch("TEXT"), branch("TEXT")]}));
    assert!(out.get("anyOf").is_some());
    let mut loose = branch("NUMBER");
    loose["required"] = json!([]);
    assert!(
        schema(json!({"anyOf": [branch("TEXT"), loose]}))
            .get("anyOf")
            .is_some()
    );
}

#[test]
fn sibling_branch_enums_with_one_name_get_distinct_titles() {
    let branch = |tag: &str, values: Value| {
        json!({"type": "object", "required": ["type"],
        "properties": {"type": {"type": "string", "const": tag}, "display_type": {"type": "string", "enum": values}}})
    };
    let out = normalize(doc(
        json!({}),
        json!({"Q": {"type": "object", "properties": {"format": {"anyOf": [
            branch("TEXT", json!(["SINGLE_LINE", "EMAIL"])),
            branch("NUMBER", json!(["SLIDER", "FIELD"])),
        ]}}}}),
    ))
    .unwrap();
    let branches = &out.document["components"]["schemas"]["Q"]["properties"]["format"]["oneOf"];
    assert_eq!(
        branches[0]["properties"]["display_type"]["title"],
        "FormatTextDisplayType"
    );
    assert_eq!(
        branches[1]["properties"]["display_type"]["title"],
        "FormatNumberDisplayType"
    );
    // Tags (one value each) are not titled.
    assert!(branches[0]["properties"]["type"].get("title").is_none());
}

#[test]
fn tagged_response_unions_are_marked_open() {
    let branch = |tag: &str| {
        json!({"type": "object", "required": ["kind"],
        "properties": {"kind": {"type": "string", "const": tag}}})
    };
    let ok = json!({"description": "ok", "content": {"application/json": {"schema": {
    "type": "object", "properties": {
        "tagged": {"oneOf": [branch("A"), branch("B")]},
        "untagged": {"oneOf": [{"type": "string"}, {"type": "integer"}]}
    }}}}});
    let out = normalize(doc(
        json!({"/a": {"get": {"responses": {"200": ok}}}}),
        json!({}),
    ))
    .unwrap();
    let props = &out.document["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["properties"];
    let pointers: Vec<&String> = out.open_unions.values().collect();
    assert_eq!(
        pointers,
        ["/paths/~1a/get/responses/200/content/application~1json/schema/properties/tagged"]
    );
    let name = props["tagged"]["title"].as_str().unwrap();
    assert!(out.open_unions.contains_key(name));
    assert!(props["untagged"].get("title").is_none());
}

#[test]
fn no_op_bounds_are_dropped() {
    let out = schema(json!({"type": "object", "minProperties": 0, "properties": {
        "name": {"type": "string", "minLength": 0, "maxLength": 5},
        "tags": {"type": "array", "minItems": 0, "items": {"type": "string", "minLength": 1}}}}));
    assert_eq!(
        out,
        json!({"type": "object", "properties": {
            "name": {"type": "string", "maxLength": 5},
            "tags": {"type": "array", "items": {"type": "string", "minLength": 1}}}})
    );
}

#[test]
fn parameters_are_never_nullable() {
    let param = |name: &str, place: &str, schema: Value| json!({"name": name, "in": place, "required": true, "schema": schema});
    let out = normalize(doc(
        json!({"/a/{id}": {"get": {"parameters": [
            param("id", "path", json!({"$ref": "#/components/schemas/Id"})),
            param("q", "query", json!({"type": ["string", "null"]})),
            param("X-Trace", "header", json!({"$ref": "#/components/schemas/Id"}))
        ], "responses": {"200": {"description": "ok"}}}}}),
        json!({"Id": {"type": ["string", "null"], "pattern": "^[a-z]+$"}}),
    ))
    .unwrap();
    let params = &out.document["paths"]["/a/{id}"]["get"]["parameters"];
    for i in 0..3 {
        assert!(
            params[i]["schema"].get("nullable").is_none(),
            "{}",
            params[i]
        );
        assert!(params[i]["schema"].get("$ref").is_none(), "{}", params[i]);
    }
    assert_eq!(params[0]["schema"]["pattern"], "^[a-z]+$");
    // The component itself stays nullable for other uses.
    assert_eq!(
        out.document["components"]["schemas"]["Id"]["nullable"],
        true
    );
}

/// Found by the `normalize` fuzz target: a `const` in the one branch of a
/// null union was merged up unnormalized (and silently dropped by openapiv3).
#[test]
fn a_folded_branch_is_normalized_too() {
    let out = schema(json!({"anyOf": [{"type": "null"}, {"const": "A", "examples": ["A"]}]}));
    assert_eq!(
        out,
        json!({"nullable": true, "enum": ["A"], "example": "A"})
    );
    let mut again = out.clone();
    normalize_schema(&mut again, "/s").unwrap();
    assert_eq!(again, out);
}
