//! A valid request of an operation, built from the spec as the answers are:
//! each required parameter's value and the JSON body, from their schemas.
//! What a test that sweeps every operation sends (`fixtures/tests/mock.rs`).

use serde_json::Value;

use super::answer::resolve;
use super::route::MockSpec;
use super::synth::{Synth, pointer};
use crate::Operation;

/// The values of a valid request of one operation.
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct RequestExample {
    /// Parameters by name (path, query and header ones), as text.
    pub params: Vec<(String, String)>,
    /// The JSON body, when the operation takes one.
    pub body: Option<Value>,
}

impl RequestExample {
    /// The text of parameter `name` (empty if the example has none).
    pub fn param(&self, name: &str) -> String {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

impl MockSpec {
    /// A valid request of `operation` (required parameters and the body),
    /// built from the spec with `seed`.
    #[doc(hidden)]
    pub fn request_example(
        &self,
        operation: &Operation,
        seed: u64,
    ) -> Result<RequestExample, String> {
        let doc: Value = serde_json::from_str(self.document).map_err(|e| e.to_string())?;
        let at = format!(
            "{}/{}",
            pointer("/paths", operation.path),
            operation.method.to_ascii_lowercase()
        );
        let op = doc
            .pointer(&at)
            .ok_or_else(|| format!("{at}: no such operation in the spec"))?;
        let path_item = doc
            .pointer(&pointer("/paths", operation.path))
            .unwrap_or(&Value::Null);
        let mut synth = Synth::new(&doc, seed);
        let mut example = RequestExample::default();
        let params = path_item
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(
                op.get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            );
        for param in params {
            let param = resolve(&doc, param);
            let required = param.get("required") == Some(&Value::Bool(true))
                || param.get("in") == Some(&Value::from("path"));
            let Some(name) = param
                .get("name")
                .and_then(Value::as_str)
                .filter(|_| required)
            else {
                continue;
            };
            let schema = param.get("schema").unwrap_or(&Value::Bool(true));
            let value = synth
                .value(schema, &format!("{at}/parameters"))
                .map_err(|e| e.to_string())?;
            let text = match value {
                Value::String(s) => s,
                other => other.to_string(),
            };
            example.params.push((name.to_owned(), text));
        }
        let body = op.get("requestBody").map(|b| resolve(&doc, b));
        if let Some(schema) = body.and_then(|b| b.pointer("/content/application~1json/schema")) {
            let at = format!("{at}/requestBody/content/application~1json/schema");
            example.body = Some(synth.value(schema, &at).map_err(|e| e.to_string())?);
        }
        Ok(example)
    }
}
