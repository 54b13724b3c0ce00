//! Structured documents (built by `arbitrary` from OpenAPI-shaped keys and
//! values): normalizing gives a document or an error naming a pointer, never
//! a panic; a normalized document normalizes to itself.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};

const KEYS: [&str; 30] = [
    "openapi", "paths", "components", "schemas", "type", "anyOf", "oneOf", "allOf",
    "properties", "items", "enum", "const", "nullable", "$ref", "responses", "content",
    "schema", "get", "post", "required", "examples", "exclusiveMinimum", "/a/{id}", "200",
    "default", "application/json", "parameters", "requestBody", "discriminator", "in",
];
const STRINGS: [&str; 12] = [
    "string", "null", "object", "array", "integer", "3.1.0", "#/components/schemas/A",
    "#/components/schemas/B", "path", "id", "A", "",
];

fn value(u: &mut Unstructured<'_>, depth: u32) -> arbitrary::Result<Value> {
    Ok(match u.int_in_range(0..=6)? {
        0 => Value::Null,
        1 => Value::Bool(bool::arbitrary(u)?),
        2 => json!(i32::arbitrary(u)?),
        3 => json!(*u.choose(&STRINGS)?),
        4 if depth < 6 => {
            let n = u.int_in_range(0..=3)?;
            Value::Array((0..n).map(|_| value(u, depth + 1)).collect::<Result<_, _>>()?)
        }
        _ if depth < 6 => {
            let n = u.int_in_range(0..=5)?;
            let mut map = Map::new();
            for _ in 0..n {
                map.insert((*u.choose(&KEYS)?).to_owned(), value(u, depth + 1)?);
            }
            Value::Object(map)
        }
        _ => Value::Null,
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(mut doc) = value(&mut u, 0) else { return };
    if let Value::Object(map) = &mut doc {
        map.insert("openapi".into(), json!("3.1.0"));
    }
    if let Ok(once) = kombo_codegen::normalize(doc) {
        let twice = kombo_codegen::normalize(once.clone())
            .expect("a normalized document normalizes again");
        assert_eq!(once, twice);
    }
});
