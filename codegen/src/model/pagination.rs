//! Kombo's cursor pattern, decided once from the document: whether an
//! operation pages, through which parameter, and where a page keeps its
//! next cursor and its items.

use serde_json::Value;

use crate::walk::{OperationAt, parameters, resolve};

/// Kombo's cursor pattern: a query parameter takes the cursor, the 200
/// response's `data.next` (string or null) gives the next one and
/// `data.results` (an array) the items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The query parameter the cursor is sent back in (`cursor`).
    pub cursor: String,
    /// The property path, from the 200 response's root, of the next cursor
    /// (`data`, `next`).
    pub next: Vec<String>,
    /// The property path, from the 200 response's root, of the page's items
    /// (`data`, `results`).
    pub results: Vec<String>,
}

/// Whether the operation at `at` follows the pattern, and how. The one
/// place that decides it: the renderer asks the type space only for the
/// types along the paths decided here.
pub(super) fn of(doc: &Value, at: &OperationAt) -> Option<Pagination> {
    const CURSOR: &str = "cursor";
    const NEXT: [&str; 2] = ["data", "next"];
    const RESULTS: [&str; 2] = ["data", "results"];
    let has_cursor = parameters(doc, at).iter().any(|p| {
        p.get("in").and_then(Value::as_str) == Some("query")
            && p.get("name").and_then(Value::as_str) == Some(CURSOR)
    });
    let ok = doc
        .pointer(&format!("{}/responses/200", at.pointer))
        .map(|r| resolve(doc, r))
        .and_then(|r| r.pointer("/content/application~1json/schema"))?;
    let of_type = |path: &[&str], ty: &str| {
        property_at(doc, ok, path).is_some_and(|s| s.get("type") == Some(&Value::from(ty)))
    };
    let follows = has_cursor && of_type(&NEXT, "string") && of_type(&RESULTS, "array");
    let owned = |path: &[&str]| path.iter().map(|s| (*s).to_owned()).collect();
    follows.then(|| Pagination {
        cursor: CURSOR.to_owned(),
        next: owned(&NEXT),
        results: owned(&RESULTS),
    })
}

/// The schema at a property path, through `$ref`s and `allOf`s.
fn property_at<'a>(doc: &'a Value, schema: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter()
        .try_fold(schema, |schema, name| property(doc, schema, name))
}

/// A property's schema, declared directly or in an `allOf` branch.
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
