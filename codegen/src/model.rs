//! Model: one description of every operation, read from the normalized
//! document once through the walker. The emit stage renders the whole
//! operation layer from it; nothing downstream reads the operations again.

use serde_json::Value;

use crate::error::{CodegenError, push_pointer};
use crate::scope::SCOPED_HEADERS_EXTENSION;
use crate::walk::{OperationAt, operations, parameters, resolve, schema_ref_name};

mod pagination;

pub use pagination::Pagination;

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A segment of the path template.
    Path,
    /// A query pair.
    Query,
    /// A request header.
    Header,
}

/// One parameter of an operation.
#[derive(Debug, Clone)]
pub struct Param {
    /// The name on the wire.
    pub name: String,
    /// Where it is sent.
    pub location: Location,
    /// Whether the spec requires it.
    pub required: bool,
    /// Its `description`.
    pub description: Option<String>,
    /// Its schema as written (a `$ref` stays one, so the type keeps its name).
    pub schema: Value,
}

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    /// JSON, typed by a component (inline schemas are moved to one).
    Json {
        /// The component key.
        component: String,
        /// Whether the spec requires a body.
        required: bool,
    },
    /// Bytes sent as they are, with this media type.
    Raw {
        /// The media type of the original document (e.g. `application/x-ndjson`).
        content_type: String,
    },
}

/// A header a scoped client supplies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scoped {
    /// Header name as the spec writes it.
    pub name: String,
    /// Whether the operation requires it.
    pub required: bool,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// JSON pointer of the operation.
    pub pointer: String,
    /// The spec's `operationId` (stable: carrier and inline type names derive from it).
    pub operation_id: String,
    /// The method (and module) name chosen by the name stage, `_` after a keyword.
    pub method: String,
    /// The first tag, if any.
    pub tag: Option<String>,
    /// Upper-case HTTP method.
    pub http_method: String,
    /// Path template relative to the base URL.
    pub path: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Whether the spec marks it deprecated.
    pub deprecated: bool,
    /// Parameters, path ones in template order first.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// Component key of the JSON 2xx response (inline ones are moved to one).
    pub response: Option<String>,
    /// Status codes the spec lists as successes.
    pub success_statuses: Vec<u16>,
    /// Scoped headers.
    pub scoped: Vec<Scoped>,
    /// Kombo's cursor pattern, when the operation follows it.
    pub pagination: Option<Pagination>,
}

/// The component keys the emit stage gives an operation's types: its
/// carriers (which only name types for the type space) and its inline body
/// and response schemas, moved to components under the name typify would
/// have given them inline. The normalizer names open types inside inline
/// bodies and responses after the same keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    /// An object whose properties `p0`, `p1`, … are the parameters.
    Params,
    /// An object with the required properties `body` and `response`.
    Io,
    /// The inline request body schema.
    Body,
    /// The inline 2xx response schema.
    Response,
}

impl Carrier {
    /// The component key of this carrier of operation `operation_id`.
    pub fn key(self, operation_id: &str) -> String {
        let suffix = match self {
            Carrier::Params => "params",
            Carrier::Io => "io",
            Carrier::Body => "body",
            Carrier::Response => "response",
        };
        format!("{operation_id}-{suffix}")
    }
}

/// Builds the model of every operation; inline body and response schemas are
/// named by their [`Carrier`] keys.
pub fn operations_of(doc: &Value) -> Result<Vec<Operation>, CodegenError> {
    operations(doc)
        .into_iter()
        .map(|at| operation(doc, &at))
        .collect()
}

fn text(op: &Value, key: &str) -> Option<String> {
    op.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
}

fn operation(doc: &Value, at: &OperationAt) -> Result<Operation, CodegenError> {
    let op = doc
        .pointer(&at.pointer)
        .ok_or_else(|| CodegenError::at(&at.pointer, "operation vanished during normalization"))?;
    let operation_id = text(op, "operationId")
        .ok_or_else(|| CodegenError::at(&at.pointer, "operation has no id after naming"))?;
    let method = text(op, crate::name::METHOD_EXTENSION)
        .ok_or_else(|| CodegenError::at(&at.pointer, "operation has no name after naming"))?;
    let params = params_of(doc, at)?;
    let body = body_of(doc, at, op, &operation_id)?;
    if let Some(responses) = op.get("responses")
        && !responses.is_object()
    {
        return Err(CodegenError::at(
            push_pointer(&at.pointer, "responses"),
            "`responses` must be a mapping from status codes to responses",
        ));
    }
    if let Some(parameters) = op.get("parameters")
        && !parameters.is_array()
    {
        return Err(CodegenError::at(
            push_pointer(&at.pointer, "parameters"),
            "`parameters` must be a list",
        ));
    }
    let (success_statuses, response) = success_of(doc, at, op, &operation_id)?;
    let scoped = scoped_of(op);

    Ok(Operation {
        pointer: at.pointer.clone(),
        tag: op
            .get("tags")
            .and_then(Value::as_array)
            .and_then(|t| t.first())
            .and_then(Value::as_str)
            .map(str::to_owned),
        http_method: at.method.to_ascii_uppercase(),
        path: at.path.clone(),
        summary: text(op, "summary"),
        description: text(op, "description"),
        deprecated: op.get("deprecated").and_then(Value::as_bool) == Some(true),
        pagination: pagination::of(doc, at),
        method: crate::name::keyword_safe(&method),
        operation_id,
        params,
        body,
        response,
        success_statuses,
        scoped,
    })
}

/// The parameters, path ones first in the order the template names them.
fn params_of(doc: &Value, at: &OperationAt) -> Result<Vec<Param>, CodegenError> {
    let mut params = Vec::new();
    for p in parameters(doc, at) {
        let location = match p.get("in").and_then(Value::as_str) {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            Some("header") => Location::Header,
            // Cookies: Kombo has none; the validator rejects them earlier.
            _ => continue,
        };
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                CodegenError::at(
                    push_pointer(&at.pointer, "parameters"),
                    "a parameter has no name",
                )
            })?
            .to_owned();
        let schema = p
            .get("schema")
            .cloned()
            .unwrap_or_else(|| serde_json::json!({"type": "string"}));
        params.push(Param {
            required: location == Location::Path
                || p.get("required").and_then(Value::as_bool) == Some(true),
            description: text(p, "description"),
            name,
            location,
            schema,
        });
    }
    // Path parameters in the order the template names them.
    let order = template_names(&at.path);
    params.sort_by_key(|p| match p.location {
        Location::Path => order
            .iter()
            .position(|n| *n == p.name)
            .unwrap_or(usize::MAX),
        _ => usize::MAX,
    });

    Ok(params)
}

/// The request body: JSON typed by a component, or — for one body of
/// another media type (Kombo's `application/x-ndjson` bulk import) — bytes
/// sent as they are with that media type.
fn body_of(
    doc: &Value,
    at: &OperationAt,
    op: &Value,
    operation_id: &str,
) -> Result<Option<Body>, CodegenError> {
    let Some(body) = op.get("requestBody").map(|b| resolve(doc, b)) else {
        return Ok(None);
    };
    let required = body.get("required").and_then(Value::as_bool) == Some(true);
    let Some(content) = body.get("content").and_then(Value::as_object) else {
        return Ok(None);
    };
    if let Some(json) = content.get("application/json") {
        let Some(schema) = json.get("schema") else {
            return Ok(None);
        };
        let component = schema_ref_name(schema)
            .map(str::to_owned)
            .unwrap_or_else(|| Carrier::Body.key(operation_id));
        return Ok(Some(Body::Json {
            component,
            required,
        }));
    }
    match content.keys().collect::<Vec<_>>().as_slice() {
        [] => Ok(None),
        [media_type] => Ok(Some(Body::Raw {
            content_type: (*media_type).clone(),
        })),
        several => Err(CodegenError::at(
            push_pointer(&at.pointer, "requestBody"),
            format!(
                "a body of several media types and none JSON ({}): the generator sends one",
                several
                    .iter()
                    .map(|m| m.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// The 2xx statuses and the component of their one JSON body.
fn success_of(
    doc: &Value,
    at: &OperationAt,
    op: &Value,
    operation_id: &str,
) -> Result<(Vec<u16>, Option<String>), CodegenError> {
    let mut success_statuses = Vec::new();
    let mut response = None;
    let mut bodies: Vec<&Value> = Vec::new();
    for (status, r) in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Ok(code) = status.parse::<u16>() else {
            continue;
        };
        if !(200..300).contains(&code) {
            continue;
        }
        success_statuses.push(code);
        let schema = resolve(doc, r).pointer("/content/application~1json/schema");
        if let Some(schema) = schema {
            if bodies.iter().any(|b| *b != schema) {
                return Err(CodegenError::at(
                    push_pointer(&format!("{}/responses", at.pointer), status),
                    "the operation has success responses with different bodies; the generator decodes one",
                ));
            }
            bodies.push(schema);
        }
        if let (None, Some(schema)) = (&response, schema) {
            response = Some(
                schema_ref_name(schema)
                    .map(str::to_owned)
                    .unwrap_or_else(|| Carrier::Response.key(operation_id)),
            );
        }
    }

    Ok((success_statuses, response))
}

/// The headers a scoped client supplies (marked by the scope stage).
fn scoped_of(op: &Value) -> Vec<Scoped> {
    op.get(SCOPED_HEADERS_EXTENSION)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|h| {
            Some(Scoped {
                name: h.get("name")?.as_str()?.to_owned(),
                required: h.get("required").and_then(Value::as_bool) == Some(true),
            })
        })
        .collect()
}

/// The names between braces in a path template, in order.
pub fn template_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A named `GET /items` with these query parameters and 200 `data` properties.
    fn doc(params: Value, data: Value) -> Value {
        json!({"paths": {"/items": {"get": {
            "operationId": "GetItems", "x-kombo-method": "get_items",
            "parameters": params,
            "responses": {"200": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"data": {"$ref": "#/components/schemas/Page"}}
            }}}}}
        }}},
        "components": {"schemas": {"Page": {"type": "object", "properties": data}}}})
    }

    fn cursor() -> Value {
        json!([{"name": "cursor", "in": "query", "schema": {"type": "string"}}])
    }

    fn page() -> Value {
        json!({"next": {"type": "string", "nullable": true}, "results": {"type": "array", "items": {}}})
    }

    fn pagination_of(doc: &Value) -> Option<Pagination> {
        operations_of(doc).unwrap().remove(0).pagination
    }

    #[test]
    fn kombos_cursor_pattern_is_decided_here_once() {
        assert_eq!(
            pagination_of(&doc(cursor(), page())),
            Some(Pagination {
                cursor: "cursor".into(),
                next: vec!["data".into(), "next".into()],
                results: vec!["data".into(), "results".into()],
            }),
            "a cursor parameter, data.next and data.results (behind a $ref)"
        );
        // Near misses: each part of the pattern missing or of another kind.
        let in_header = json!([{"name": "cursor", "in": "header", "schema": {"type": "string"}}]);
        assert_eq!(pagination_of(&doc(in_header, page())), None);
        assert_eq!(pagination_of(&doc(json!([]), page())), None);
        let no_results = json!({"next": {"type": "string"}});
        assert_eq!(pagination_of(&doc(cursor(), no_results)), None);
        let results_not_a_list = json!({"next": {"type": "string"}, "results": {"type": "object"}});
        assert_eq!(pagination_of(&doc(cursor(), results_not_a_list)), None);
        let next_not_a_string = json!({"next": {"type": "integer"}, "results": {"type": "array"}});
        assert_eq!(pagination_of(&doc(cursor(), next_not_a_string)), None);
        let mut no_json_200 = doc(cursor(), page());
        no_json_200["paths"]["/items"]["get"]["responses"] = json!({"200": {}});
        assert_eq!(pagination_of(&no_json_200), None);
    }

    #[test]
    fn the_cursor_pattern_is_found_through_all_of() {
        let mut d = doc(cursor(), json!({}));
        d["components"]["schemas"]["Page"] = json!({"allOf": [
            {"type": "object", "properties": {"next": {"type": "string"}}},
            {"type": "object", "properties": {"results": {"type": "array", "items": {}}}}
        ]});
        let found = pagination_of(&d).expect("the pattern split over allOf branches");
        assert_eq!(
            (found.next.join("."), found.results.join(".")),
            ("data.next".to_owned(), "data.results".to_owned())
        );
    }

    #[test]
    fn a_body_of_another_media_type_is_sent_raw_with_it() {
        let mut d = doc(cursor(), page());
        d["paths"]["/items"]["get"]["requestBody"] =
            json!({"content": {"application/x-ndjson": {"schema": {"type": "string"}}}});
        let op = operations_of(&d).unwrap().remove(0);
        assert!(
            matches!(op.body, Some(Body::Raw { content_type }) if content_type == "application/x-ndjson")
        );
        d["paths"]["/items"]["get"]["requestBody"] =
            json!({"content": {"text/csv": {}, "application/xml": {}}});
        let e = operations_of(&d).unwrap_err();
        assert!(
            e.pointer.ends_with("/requestBody") && e.reason.contains("text/csv"),
            "{e}"
        );
    }

    #[test]
    fn carrier_keys_are_the_operation_id_and_the_carrier() {
        assert_eq!(Carrier::Params.key("GetItems"), "GetItems-params");
        assert_eq!(Carrier::Response.key("GetItems"), "GetItems-response");
        let mut inline = doc(cursor(), page());
        inline["paths"]["/items"]["get"]["requestBody"] =
            json!({"content": {"application/json": {"schema": {"type": "object"}}}});
        let op = operations_of(&inline).unwrap().remove(0);
        assert!(
            matches!(op.body, Some(Body::Json { component, .. }) if component == "GetItems-body")
        );
        assert_eq!(op.response.as_deref(), Some("GetItems-response"));
    }
}
