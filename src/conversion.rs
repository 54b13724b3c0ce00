//! The error of every generated conversion, with a shape of our own: the
//! generator's own error type would change with the generator.

use std::borrow::Cow;

/// A value a generated type refuses: a string that is none of a closed
/// enum's values, one that does not match the spec's pattern, a number
/// outside its constant, or a builder missing a required field. The message
/// names what was wrong.
///
/// ```
/// use kombo::general::create_reconnection_link::LinkType;
///
/// let error = "EMBEDED".parse::<LinkType>().unwrap_err();
/// assert!(error.to_string().contains("EMBEDED"), "{error}");
/// ```
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConversionError(Cow<'static, str>);

impl ConversionError {
    /// What was wrong.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ConversionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

/// Generated code builds the error from its message.
impl From<&'static str> for ConversionError {
    fn from(message: &'static str) -> Self {
        Self(Cow::Borrowed(message))
    }
}

/// Generated code builds the error from its message.
impl From<String> for ConversionError {
    fn from(message: String) -> Self {
        Self(Cow::Owned(message))
    }
}
