//! Values built from a response schema, as Kombo's spec writes it (OpenAPI
//! 3.1: `type` arrays, `const`, `anyOf` with a null branch): what the mock
//! answers an operation with when the spec gives no example and no canned
//! response is set. Required properties always, optional ones by a coin the
//! seed decides, formats and patterns honoured, enums from their listed
//! values, unions by one branch; deterministic for a given seed. A schema it
//! cannot satisfy (a pattern no candidate matches, a `$ref` that points
//! nowhere) is an error naming the pointer.

use serde_json::{Map, Number, Value, json};

/// Beyond this depth of nested schemas only what is required is built, and
/// a nullable value is `null`: recursive schemas end.
const SHALLOW_BELOW: usize = 6;
/// A required recursion deeper than this cannot end.
const MAX_DEPTH: usize = 40;

/// Strings tried, in order, against a `pattern` (with the schema's own
/// examples first): what Kombo's patterns describe (dates, times, emails,
/// language and country codes, ids, media types).
const PATTERN_CANDIDATES: &[&str] = &[
    "2026-01-15T09:30:00.000Z",
    "2026-01-15",
    "09:30",
    "09:30:00",
    "jane.doe@example.com",
    "en",
    "en-US",
    "DE",
    "B7vPFtgRKx2Cmb4EoW5YTdgA",
    "application/json",
    "abc",
    "ABC",
    "123",
    "a",
];

/// Builds values from the schemas of one document.
pub(crate) struct Synth<'a> {
    doc: &'a Value,
    rng: fastrand::Rng,
    /// The chance that an optional property is set.
    optional: f64,
}

/// Why no value could be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pointer}: {reason}")]
pub(crate) struct SynthError {
    pointer: String,
    reason: String,
}

impl SynthError {
    /// An error at a JSON pointer.
    pub(crate) fn at(pointer: &str, reason: impl Into<String>) -> Self {
        SynthError {
            pointer: pointer.to_owned(),
            reason: reason.into(),
        }
    }
}

/// `prefix` with one more reference token, escaped (`~0`, `~1`).
pub(crate) fn pointer(prefix: &str, token: &str) -> String {
    format!("{prefix}/{}", token.replace('~', "~0").replace('/', "~1"))
}

impl<'a> Synth<'a> {
    /// A builder over `doc` (for `$ref`s), seeded.
    pub(crate) fn new(doc: &'a Value, seed: u64) -> Self {
        Synth {
            doc,
            rng: fastrand::Rng::with_seed(seed),
            optional: 0.5,
        }
    }

    /// A value `schema` (at `pointer`) accepts.
    pub(crate) fn value(&mut self, schema: &Value, pointer: &str) -> Result<Value, SynthError> {
        self.at(schema, pointer, 0)
    }

    fn error(pointer: &str, reason: impl Into<String>) -> SynthError {
        SynthError::at(pointer, reason)
    }

    fn at(&mut self, schema: &Value, pointer: &str, depth: usize) -> Result<Value, SynthError> {
        if depth > MAX_DEPTH {
            return Err(Self::error(
                pointer,
                "a required value recurses without end",
            ));
        }
        let obj = match schema {
            Value::Bool(true) => return Ok(json!("value")),
            Value::Bool(false) => return Err(Self::error(pointer, "the schema accepts nothing")),
            Value::Object(obj) => obj,
            _ => return Err(Self::error(pointer, "not a schema")),
        };
        if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
            let target = reference
                .strip_prefix('#')
                .and_then(|p| self.doc.pointer(p))
                .ok_or_else(|| Self::error(pointer, format!("`{reference}` points nowhere")))?;
            return self.at(target, reference.trim_start_matches('#'), depth + 1);
        }
        if let Some(value) = obj.get("const") {
            return Ok(value.clone());
        }
        let shallow = depth >= SHALLOW_BELOW;
        if self.nullable(obj) && (shallow || self.rng.f64() < 0.2) {
            return Ok(Value::Null);
        }
        if let Some(values) = obj.get("enum").and_then(Value::as_array) {
            let known: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            return match known.as_slice() {
                [] => Ok(Value::Null),
                known => Ok(known[self.rng.usize(..known.len())].clone()),
            };
        }
        if let Some(branches) = obj.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for (i, branch) in branches.iter().enumerate() {
                match self.at(branch, &format!("{pointer}/allOf/{i}"), depth + 1)? {
                    Value::Object(part) => merged.extend(part),
                    other if branches.len() == 1 => return Ok(other),
                    _ => {
                        return Err(Self::error(
                            pointer,
                            "`allOf` of values that are not objects",
                        ));
                    }
                }
            }
            return Ok(Value::Object(merged));
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = obj.get(key).and_then(Value::as_array) {
                let options: Vec<usize> = (0..branches.len())
                    .filter(|i| !is_null_schema(&branches[*i]))
                    .collect();
                let Some(&i) = options.get(self.rng.usize(..options.len().max(1))) else {
                    return Ok(Value::Null);
                };
                return self.at(&branches[i], &format!("{pointer}/{key}/{i}"), depth + 1);
            }
        }
        match self.kind(obj).as_deref() {
            Some("object") => self.object(obj, pointer, depth),
            Some("array") => self.array(obj, pointer, depth),
            Some("string") => self.string(obj, pointer),
            Some("integer") => Ok(Value::Number(self.integer(obj).into())),
            Some("number") => {
                Ok(Number::from_f64(self.number(obj)).map_or(Value::Null, Value::Number))
            }
            Some("boolean") => Ok(Value::Bool(self.rng.bool())),
            Some("null") => Ok(Value::Null),
            // No type: any value; a string is one.
            _ => Ok(json!("value")),
        }
    }

    fn nullable(&self, obj: &Map<String, Value>) -> bool {
        obj.get("nullable") == Some(&Value::Bool(true))
            || obj
                .get("type")
                .and_then(Value::as_array)
                .is_some_and(|types| types.iter().any(|t| t == "null"))
            || obj
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|v| v.contains(&Value::Null))
    }

    /// The schema's one non-null type; properties or items imply one.
    fn kind(&self, obj: &Map<String, Value>) -> Option<String> {
        match obj.get("type") {
            Some(Value::String(t)) => Some(t.clone()),
            Some(Value::Array(types)) => types
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .map(str::to_owned),
            _ if obj.contains_key("properties") => Some("object".into()),
            _ if obj.contains_key("items") => Some("array".into()),
            _ => None,
        }
    }

    fn object(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        depth: usize,
    ) -> Result<Value, SynthError> {
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut out = Map::new();
        let properties = obj.get("properties").and_then(Value::as_object);
        for (name, schema) in properties.into_iter().flatten() {
            let wanted = required.contains(&name.as_str())
                || (depth < SHALLOW_BELOW && self.rng.f64() < self.optional);
            if wanted {
                let at = format!(
                    "{pointer}/properties/{}",
                    name.replace('~', "~0").replace('/', "~1")
                );
                out.insert(name.clone(), self.at(schema, &at, depth + 1)?);
            }
        }
        Ok(Value::Object(out))
    }

    fn array(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        depth: usize,
    ) -> Result<Value, SynthError> {
        let min = obj.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = obj
            .get("maxItems")
            .and_then(Value::as_u64)
            .map_or(usize::MAX, |m| m as usize);
        let wanted = if depth >= SHALLOW_BELOW {
            0
        } else {
            self.rng.usize(1..=2)
        };
        let count = wanted.clamp(min, max.max(min));
        let items = obj.get("items").cloned().unwrap_or(Value::Bool(true));
        let unique = obj.get("uniqueItems") == Some(&Value::Bool(true));
        let mut out: Vec<Value> = Vec::with_capacity(count);
        let mut tries = 0;
        while out.len() < count && tries < count * 8 {
            tries += 1;
            let item = self.at(&items, &format!("{pointer}/items"), depth + 1)?;
            if !(unique && out.contains(&item)) {
                out.push(item);
            }
        }
        if out.len() < min {
            return Err(Self::error(
                pointer,
                format!("cannot build {min} distinct items"),
            ));
        }
        Ok(Value::Array(out))
    }

    fn string(&mut self, obj: &Map<String, Value>, pointer: &str) -> Result<Value, SynthError> {
        let day = self.rng.u8(1..=28);
        let mut text = match obj.get("format").and_then(Value::as_str) {
            Some("date-time") => format!("2026-01-{day:02}T09:30:00.000Z"),
            Some("date") => format!("2026-01-{day:02}"),
            Some("time") => "09:30:00Z".to_owned(),
            Some("uri" | "url") => format!("https://example.com/{}", self.token()),
            Some("email") => format!("person.{}@example.com", self.token()),
            Some("uuid") => format!("00000000-0000-4000-8000-{:012x}", self.rng.u64(..1 << 48)),
            _ => self.token(),
        };
        if let Some(pattern) = obj.get("pattern").and_then(Value::as_str) {
            text = self.matching(pattern, obj, &text, pointer)?;
        }
        let min = obj.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = obj
            .get("maxLength")
            .and_then(Value::as_u64)
            .map(|m| m as usize);
        while text.chars().count() < min {
            text.push('x');
        }
        if let Some(max) = max {
            text = text.chars().take(max).collect();
        }
        Ok(Value::String(text))
    }

    /// A string matching `pattern`: the one built from the format, the
    /// schema's examples, then the candidates.
    fn matching(
        &self,
        pattern: &str,
        obj: &Map<String, Value>,
        built: &str,
        pointer: &str,
    ) -> Result<String, SynthError> {
        let regex = regress::Regex::new(pattern).map_err(|e| {
            Self::error(
                pointer,
                format!("the pattern `{pattern}` does not compile: {e}"),
            )
        })?;
        let examples = obj
            .get("example")
            .into_iter()
            .chain(
                obj.get("examples")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            )
            .filter_map(Value::as_str);
        std::iter::once(built)
            .chain(examples)
            .chain(PATTERN_CANDIDATES.iter().copied())
            .find(|candidate| regex.find(candidate).is_some())
            .map(str::to_owned)
            .ok_or_else(|| {
                Self::error(pointer, format!("no value matches the pattern `{pattern}`"))
            })
    }

    fn token(&mut self) -> String {
        format!("mock_{:08x}", self.rng.u32(..))
    }

    fn integer(&mut self, obj: &Map<String, Value>) -> i64 {
        let (min, max) = bounds(obj);
        let low = min.map_or(0, |m| m.ceil() as i64);
        let high = max
            .map_or(low.saturating_add(100), |m| m.floor() as i64)
            .max(low);
        self.rng.i64(low..=high)
    }

    fn number(&mut self, obj: &Map<String, Value>) -> f64 {
        let (min, max) = bounds(obj);
        let low = min.unwrap_or(0.0);
        let high = max.unwrap_or(low + 100.0).max(low);
        // A quarter step keeps the value exact in JSON.
        let steps = ((high - low) * 4.0).floor().max(0.0) as u64;
        low + self.rng.u64(..=steps) as f64 / 4.0
    }
}

/// The inclusive bounds of a number, from 3.0 (`exclusiveMinimum: true`) or
/// 3.1 (`exclusiveMinimum: 5`) keywords.
fn bounds(obj: &Map<String, Value>) -> (Option<f64>, Option<f64>) {
    let number = |key: &str| obj.get(key).and_then(Value::as_f64);
    let flag = |key: &str| obj.get(key) == Some(&Value::Bool(true));
    let min = match (number("exclusiveMinimum"), number("minimum")) {
        (Some(e), _) => Some(e + 1.0),
        (None, Some(m)) if flag("exclusiveMinimum") => Some(m + 1.0),
        (None, m) => m,
    };
    let max = match (number("exclusiveMaximum"), number("maximum")) {
        (Some(e), _) => Some(e - 1.0),
        (None, Some(m)) if flag("exclusiveMaximum") => Some(m - 1.0),
        (None, m) => m,
    };
    (min, max)
}

/// `{type: 'null'}` (3.1) or `{enum: [null]}`: the null branch of a union.
fn is_null_schema(schema: &Value) -> bool {
    schema.get("type") == Some(&json!("null")) || schema.get("enum") == Some(&json!([null]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({"components": {"schemas": {
            "Node": {"type": "object", "required": ["id", "children"], "properties": {
                "id": {"type": "string", "format": "uuid"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                "parent": {"anyOf": [{"$ref": "#/components/schemas/Node"}, {"type": "null"}]}
            }}
        }}})
    }

    #[test]
    fn the_same_seed_builds_the_same_value_and_recursion_ends() {
        let doc = doc();
        let root = json!({"$ref": "#/components/schemas/Node"});
        let a = Synth::new(&doc, 7).value(&root, "/r").unwrap();
        let b = Synth::new(&doc, 7).value(&root, "/r").unwrap();
        assert_eq!(a, b);
        assert!(a["id"].as_str().unwrap().len() == 36, "{a}");
    }

    #[test]
    fn kombo_constructs_give_values_their_schema_accepts() {
        let doc = json!({});
        let schema = json!({"type": "object", "required": ["status", "kind", "when", "mail", "level", "lang", "tags"],
        "properties": {
            "status": {"type": "string", "const": "success"},
            "kind": {"type": ["string", "null"], "enum": ["A", "B", null]},
            "when": {"type": "string", "format": "date-time"},
            "mail": {"type": "string", "pattern": "^(?!\\.)(?!.*\\.\\.)([\\w'+-.]*)[\\w+-]@([\\da-z][\\da-z-]*\\.)+[a-z]{2,}$"},
            "level": {"type": "integer", "minimum": 1, "maximum": 3},
            "lang": {"type": "string", "pattern": "^[a-z]{2,3}(-[A-Z]{2})?$"},
            "tags": {"type": "array", "minItems": 2, "uniqueItems": true, "items": {"type": "string", "enum": ["x", "y", "z"]}}
        }});
        for seed in 0..50 {
            let v = Synth::new(&doc, seed).value(&schema, "/s").unwrap();
            assert_eq!(v["status"], "success");
            assert!(
                v["kind"].is_null() || v["kind"] == "A" || v["kind"] == "B",
                "{v}"
            );
            assert!(
                chrono::DateTime::parse_from_rfc3339(v["when"].as_str().unwrap()).is_ok(),
                "{v}"
            );
            assert_eq!(v["mail"], "jane.doe@example.com");
            assert!((1..=3).contains(&v["level"].as_i64().unwrap()), "{v}");
            assert_eq!(v["lang"], "en");
            let tags = v["tags"].as_array().unwrap();
            assert!(tags.len() >= 2 && tags[0] != tags[1], "{v}");
        }
    }

    #[test]
    fn an_unsatisfiable_schema_is_an_error_naming_where() {
        let doc = json!({});
        let e = Synth::new(&doc, 1)
            .value(&json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "string", "pattern": "^zz\\d{9}$"}}}), "/s")
            .unwrap_err();
        assert_eq!(e.pointer, "/s/properties/a");
        let e = Synth::new(&doc, 1)
            .value(&json!({"$ref": "#/nope"}), "/s")
            .unwrap_err();
        assert!(e.reason.contains("points nowhere"), "{e}");
    }
}
