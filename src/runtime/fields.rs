//! The field map behind every builder of a request type: typed setters put
//! each value under its wire name; building decodes the map into the type,
//! so serde's defaults, required fields and their names apply exactly as for
//! a body that arrives over the wire. The first invalid value is kept and
//! reported when the builder is built.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Values set so far, by wire name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    values: Map<String, Value>,
    error: Option<String>,
}

impl Fields {
    /// Sets `wire` to a converted value (or records why it could not be).
    pub fn set<T: Serialize, E: std::fmt::Display>(&mut self, wire: &str, value: Result<T, E>) {
        if self.error.is_some() {
            return;
        }
        match value
            .map_err(|e| e.to_string())
            .and_then(|v| serde_json::to_value(v).map_err(|e| e.to_string()))
        {
            Ok(value) => {
                self.values.insert(wire.to_owned(), value);
            }
            Err(e) => self.error = Some(format!("`{wire}` has an invalid value: {e}")),
        }
    }

    /// A map that fails to build with `error`.
    pub fn invalid(error: impl std::fmt::Display) -> Self {
        Fields {
            values: Map::new(),
            error: Some(error.to_string()),
        }
    }

    /// The fields of a whole value.
    pub fn of<T: Serialize>(value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(Value::Object(values)) => Fields {
                values,
                error: None,
            },
            Ok(other) => Self::invalid(format!("not an object: {other}")),
            Err(e) => Self::invalid(e),
        }
    }

    /// The value the fields describe.
    pub fn build<T: DeserializeOwned>(self) -> Result<T, String> {
        if let Some(error) = self.error {
            return Err(error);
        }
        T::deserialize(Value::Object(self.values)).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Body {
        job_id: String,
        #[serde(default = "seven")]
        count: u32,
        #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
        type_: Option<String>,
    }

    fn seven() -> u32 {
        7
    }

    #[test]
    fn builds_with_defaults_and_names_what_is_missing() {
        let mut fields = Fields::default();
        fields.set::<String, std::convert::Infallible>("job_id", Ok("j".into()));
        let body: Body = fields.clone().build().unwrap();
        assert_eq!(
            body,
            Body {
                job_id: "j".into(),
                count: 7,
                type_: None
            }
        );
        let missing = Fields::default().build::<Body>().unwrap_err();
        assert!(missing.contains("job_id"), "{missing}");
        let mut typed = fields;
        typed.set::<Option<String>, std::convert::Infallible>("type", Ok(Some("t".into())));
        assert_eq!(typed.build::<Body>().unwrap().type_.as_deref(), Some("t"));
    }

    #[test]
    fn the_first_invalid_value_is_reported() {
        let mut fields = Fields::default();
        fields.set::<u32, String>("count", Err("not a number".into()));
        fields.set::<String, std::convert::Infallible>("job_id", Ok("j".into()));
        let e = fields.build::<Body>().unwrap_err();
        assert_eq!(e, "`count` has an invalid value: not a number");
        let whole = Fields::of(&Body {
            job_id: "x".into(),
            count: 1,
            type_: None,
        });
        assert_eq!(whole.build::<Body>().unwrap().count, 1);
    }
}
