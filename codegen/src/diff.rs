//! Change report between two specs (see the spec-evolution issue).
use crate::error::CodegenError;

/// Markdown report of what changes for users between two spec texts.
pub fn report_texts(_old: &str, _new: &str) -> Result<String, CodegenError> {
    Ok(String::new())
}
