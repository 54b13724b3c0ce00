//! Model: one description of every operation, read from the normalized
//! document once through the walker. The emit stage renders the whole
//! operation layer from it; nothing downstream reads the operations again.

use serde_json::Value;

use crate::error::{CodegenError, push_pointer};
use crate::normalize::REQUEST_CONTENT_TYPE_EXTENSION;
use crate::scope::SCOPED_HEADERS_EXTENSION;
use crate::walk::{OperationAt, operations, parameters, resolve, schema_ref_name};

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
    /// Kombo's cursor pattern: `cursor` query parameter, `data.next`, `data.results`.
    pub paginated: bool,
}

/// Builds the model of every operation; inline body and response schemas are
/// named by `inline_key(operation_id, "body" | "response")`.
pub fn operations_of(
    doc: &Value,
    inline_key: impl Fn(&str, &str) -> String,
) -> Result<Vec<Operation>, CodegenError> {
    operations(doc)
        .into_iter()
        .map(|at| operation(doc, &at, &inline_key))
        .collect()
}

fn text(op: &Value, key: &str) -> Option<String> {
    op.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
}

fn operation(
    doc: &Value,
    at: &OperationAt,
    inline_key: &impl Fn(&str, &str) -> String,
) -> Result<Operation, CodegenError> {
    let op = doc
        .pointer(&at.pointer)
        .ok_or_else(|| CodegenError::at(&at.pointer, "operation vanished during normalization"))?;
    let operation_id = text(op, "operationId")
        .ok_or_else(|| CodegenError::at(&at.pointer, "operation has no id after naming"))?;
    let method = text(op, crate::name::METHOD_EXTENSION)
        .ok_or_else(|| CodegenError::at(&at.pointer, "operation has no name after naming"))?;
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

    let body = op
        .get("requestBody")
        .map(|b| resolve(doc, b))
        .and_then(|b| {
            let required = b.get("required").and_then(Value::as_bool) == Some(true);
            let content = b.get("content")?.as_object()?;
            if let Some(raw) = op
                .get(REQUEST_CONTENT_TYPE_EXTENSION)
                .and_then(Value::as_str)
            {
                return Some(Body::Raw {
                    content_type: raw.to_owned(),
                });
            }
            let schema = content.get("application/json")?.get("schema")?;
            let component = schema_ref_name(schema)
                .map(str::to_owned)
                .unwrap_or_else(|| inline_key(&operation_id, "body"));
            Some(Body::Json {
                component,
                required,
            })
        });

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
                    .unwrap_or_else(|| inline_key(&operation_id, "response")),
            );
        }
    }

    let scoped = op
        .get(SCOPED_HEADERS_EXTENSION)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|h| {
            Some(Scoped {
                name: h.get("name")?.as_str()?.to_owned(),
                required: h.get("required").and_then(Value::as_bool) == Some(true),
            })
        })
        .collect();

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
        paginated: is_paginated(doc, at),
        method: crate::name::keyword_safe(&method),
        operation_id,
        params,
        body,
        response,
        success_statuses,
        scoped,
    })
}

/// The names between braces in a path template, in order.
pub fn template_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// Kombo's cursor pattern: a `cursor` query parameter, and a 200 response
/// whose `data` holds `next` (string or null) and `results` (an array).
fn is_paginated(doc: &Value, at: &OperationAt) -> bool {
    let has_cursor = parameters(doc, at).iter().any(|p| {
        p.get("in").and_then(Value::as_str) == Some("query")
            && p.get("name").and_then(Value::as_str) == Some("cursor")
    });
    let Some(ok) = doc
        .pointer(&format!("{}/responses/200", at.pointer))
        .map(|r| resolve(doc, r))
        .and_then(|r| r.pointer("/content/application~1json/schema"))
    else {
        return false;
    };
    let data = property(doc, ok, "data");
    let next = data.and_then(|d| property(doc, d, "next"));
    let results = data.and_then(|d| property(doc, d, "results"));
    has_cursor
        && next.is_some_and(|n| n.get("type") == Some(&Value::from("string")))
        && results.is_some_and(|r| r.get("type") == Some(&Value::from("array")))
}

fn property<'a>(doc: &'a Value, schema: &'a Value, name: &str) -> Option<&'a Value> {
    let schema = resolve(doc, schema);
    let direct = schema
        .get("properties")
        .and_then(|p| p.get(name))
        .map(|s| resolve(doc, s));
    direct.or_else(|| {
        schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find_map(|branch| property(doc, branch, name))
    })
}
