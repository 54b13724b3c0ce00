//! What a spec update changes for users of the generated Rust API, as Markdown.
//!
//! Both specs are normalized and named first, so the report speaks of what the
//! crate generates: builder-style calls (a new optional parameter or body field
//! is additive), open response enums (a new response value is additive), strict
//! request enums (a removed request value is breaking).

#[cfg(test)]
use serde_json::{Value, json};

use crate::emit::{parse_spec, prepare};
use crate::error::CodegenError;
use crate::options::Options;

mod compare;
mod model;
mod release;
mod render;

pub use compare::changes;
pub use release::Bump;
pub use render::render;

/// How a change affects users of the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Existing code keeps compiling and working.
    Additive,
    /// Existing code may stop compiling or decoding.
    Breaking,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Breaking or additive.
    pub impact: Impact,
    /// Where (method name, and a field path when relevant).
    pub location: String,
    /// What changed.
    pub what: String,
}

/// Report between two spec texts (raw or already normalized), named as the
/// `kombo` crate names them with nothing pinned.
pub fn report_texts(old: &str, new: &str) -> Result<String, CodegenError> {
    Ok(report_with_bump(old, new, &Options::kombo())?.1)
}

/// The release a spec update needs, and its report; both specs are named
/// with `options` (its pinned names keep existing methods' names).
pub fn report_with_bump(
    old: &str,
    new: &str,
    options: &Options,
) -> Result<(Bump, String), CodegenError> {
    let (old, _) = prepare(parse_spec(old)?, options)?;
    let (new, _) = prepare(parse_spec(new)?, options)?;
    let changes = changes(&old.document, &new.document);
    Ok((Bump::of(&changes), render(&changes)))
}

#[cfg(test)]
mod tests;
