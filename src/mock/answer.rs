//! The success answer of an operation with no canned response: the spec's
//! example of its 2xx response when it has one, else a value built from the
//! response schema ([`Synth`]), seeded per operation so the same request
//! gets the same answer. An operation with Kombo's cursor pattern pages:
//! `data.results` holds this page's share of the items, `data.next` the
//! cursor of the next page (`null` on the last).

use serde_json::{Value, json};

use super::route::{Route, RoutePaging};
use super::synth::{Synth, SynthError, pointer as pointer_of};

/// How many items a paged operation has, and how many a page holds unless
/// the request says (`page_size`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    pub(crate) items: usize,
    pub(crate) page_size: usize,
}

/// What the answer is built from.
pub(crate) struct Built {
    pub(crate) status: u16,
    /// `None`: the operation answers no body.
    pub(crate) body: Option<Value>,
}

/// The answer of `route` to a request with `query`, from `doc`.
pub(crate) fn success(
    doc: &Value,
    route: &Route,
    query: &[(String, String)],
    seed: u64,
    paging: Paging,
) -> Result<Built, SynthError> {
    let op = route.operation;
    let at = format!(
        "{}/{}",
        pointer_of("/paths", op.path),
        op.method.to_ascii_lowercase()
    );
    let responses = doc
        .pointer(&format!("{at}/responses"))
        .and_then(Value::as_object);
    let (status, response) = responses
        .into_iter()
        .flatten()
        .filter_map(|(code, r)| Some((code.parse::<u16>().ok()?, r)))
        .find(|(code, _)| (200..300).contains(code))
        .ok_or_else(|| SynthError::at(&at, "the operation has no 2xx response"))?;
    let response = resolve(doc, response);
    let Some(media) = response.pointer("/content/application~1json") else {
        return Ok(Built { status, body: None });
    };
    let schema_at = format!("{at}/responses/{status}/content/application~1json/schema");
    let seed = seed ^ fnv(op.id);
    let mut body = match example(media) {
        Some(example) => example.clone(),
        None => {
            let schema = media.get("schema").unwrap_or(&Value::Bool(true));
            Synth::new(doc, seed).value(schema, &schema_at)?
        }
    };
    if let Some(paged) = &route.paging {
        page(
            doc, media, &schema_at, &mut body, query, paged, seed, paging,
        )?;
    }
    Ok(Built {
        status,
        body: Some(body),
    })
}

/// The media type's example: `example`, or the first of `examples`.
fn example(media: &Value) -> Option<&Value> {
    media.get("example").or_else(|| {
        media
            .get("examples")
            .and_then(Value::as_object)
            .and_then(|examples| examples.values().next())
            .and_then(|e| e.get("value"))
    })
}

/// Fills the page's items (`data.results`) and the next page's cursor
/// (`data.next`, `null` on the last page). The cursor is the offset
/// (`mock-<n>`).
#[allow(clippy::too_many_arguments)]
fn page(
    doc: &Value,
    media: &Value,
    schema_at: &str,
    body: &mut Value,
    query: &[(String, String)],
    paged: &RoutePaging,
    seed: u64,
    paging: Paging,
) -> Result<(), SynthError> {
    let param = |name: &str| {
        query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let offset = param(paged.cursor)
        .and_then(|c| c.strip_prefix("mock-"))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    let size = param("page_size")
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|s| *s > 0)
        .unwrap_or(paging.page_size);
    let schema = media.get("schema").unwrap_or(&Value::Null);
    let items_at = paged.results.iter().fold(schema_at.to_owned(), |at, p| {
        pointer_of(&format!("{at}/properties"), p)
    });
    let item_schema =
        at_path(doc, schema, paged.results).and_then(|r| resolve(doc, r).get("items"));
    let end = (offset + size).min(paging.items);
    let mut items = Vec::new();
    for i in offset..end {
        let schema = item_schema.unwrap_or(&Value::Bool(true));
        let seed = seed ^ (i as u64).wrapping_mul(0x9e37_79b9);
        items.push(Synth::new(doc, seed).value(schema, &format!("{items_at}/items"))?);
    }
    let next = (end < paging.items).then(|| format!("mock-{end}"));
    set(body, paged.results, Value::Array(items));
    set(body, paged.next, json!(next));
    Ok(())
}

/// The schema at a property path (through `$ref`s and `allOf`).
fn at_path<'a>(doc: &'a Value, schema: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter()
        .try_fold(schema, |s, name| property(doc, s, name))
}

/// Sets the value at a property path, where its parents exist.
fn set(body: &mut Value, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let parent = parents.iter().try_fold(body, |v, name| v.get_mut(*name));
    if let Some(object) = parent.and_then(Value::as_object_mut) {
        object.insert((*last).to_owned(), value);
    }
}

fn property<'a>(doc: &'a Value, schema: &'a Value, name: &str) -> Option<&'a Value> {
    let schema = resolve(doc, schema);
    schema
        .pointer(&pointer_of("/properties", name))
        .or_else(|| {
            schema
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find_map(|branch| property(doc, branch, name))
        })
}

/// Follows local `$ref`s (at most 16).
pub(crate) fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| doc.pointer(p))
        {
            Some(target) => value = target,
            None => break,
        }
    }
    value
}

/// FNV-1a: a stable seed per operation.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
