//! The one error type of the code generator.

use std::fmt;

/// What went wrong, and where in the document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CodegenError {
    /// The file the error is about, when known.
    pub file: Option<String>,
    /// JSON pointer into the document (`""` for the whole document).
    pub pointer: String,
    /// Why it failed.
    pub reason: String,
}

impl CodegenError {
    /// An error at a JSON pointer.
    pub fn at(pointer: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            file: None,
            pointer: pointer.into(),
            reason: reason.into(),
        }
    }

    /// The same error, naming the file it came from.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "(document root)"
        } else {
            &self.pointer
        };
        match &self.file {
            Some(file) => write!(f, "{file}: {pointer}: {}", self.reason),
            None => write!(f, "{pointer}: {}", self.reason),
        }
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/`.
pub fn push_pointer(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}
