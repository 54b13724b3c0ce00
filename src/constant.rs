//! A boolean constant as a type: `Bool<true>` serializes as `true` and
//! decodes only `true`. The generator uses it for schemas that allow one
//! boolean (Kombo's `is_supported: true | false` unions), so each branch of
//! such a union matches only what it describes.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The boolean `V`, and nothing else.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bool<const V: bool>;

impl<const V: bool> Bool<V> {
    /// The value.
    pub const fn value(self) -> bool {
        V
    }
}

impl<const V: bool> From<Bool<V>> for bool {
    fn from(_: Bool<V>) -> bool {
        V
    }
}

impl<const V: bool> fmt::Display for Bool<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{V}")
    }
}

impl<const V: bool> Serialize for Bool<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(V)
    }
}

impl<'de, const V: bool> Deserialize<'de> for Bool<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = bool::deserialize(deserializer)?;
        if value == V {
            Ok(Bool)
        } else {
            Err(serde::de::Error::custom(format_args!(
                "expected `{V}`, found `{value}`"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_its_value_decodes() {
        assert!(serde_json::from_str::<Bool<true>>("true").is_ok());
        let e = serde_json::from_str::<Bool<true>>("false").unwrap_err();
        assert!(
            e.to_string().contains("expected `true`, found `false`"),
            "{e}"
        );
        assert_eq!(serde_json::to_string(&Bool::<false>).unwrap(), "false");
        assert!(!bool::from(Bool::<false>));
    }
}
