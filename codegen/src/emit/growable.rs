//! Types that can grow: every struct with named fields and every enum of the
//! generated `types` module is `#[non_exhaustive]`, so a spec update that adds
//! an optional field or an enum value is a minor release under Rust's semver
//! rules (no user code names every field or matches every variant). Users
//! build values through the operation builder's setters, `Default` plus field
//! assignment, the types' builders, or serde.

use syn::{Attribute, Item};

use crate::error::CodegenError;

/// Marks the types; fails when progenitor's output has no `types` module.
pub fn mark_non_exhaustive(file: &mut syn::File) -> Result<usize, CodegenError> {
    let types = super::types_items(file)?;
    let mut marked = 0;
    for item in types.iter_mut() {
        let attrs = match item {
            Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => &mut s.attrs,
            Item::Enum(e) => &mut e.attrs,
            _ => continue,
        };
        if !has_non_exhaustive(attrs) {
            attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
        marked += 1;
    }
    Ok(marked)
}

fn has_non_exhaustive(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}
