//! Types that can grow: every struct with named fields and every enum of the
//! generated `types` module is `#[non_exhaustive]`, so a spec update that adds
//! an optional field or an enum value is a minor release under Rust's semver
//! rules (no user code names every field or matches every variant). Users
//! build values through the operation builder's setters, `Default` plus field
//! assignment, the types' builders, or serde. A rule over every item of two
//! kinds: nothing to find, so nothing to miss.

use syn::{Attribute, Item};

/// Marks the types; returns how many are marked.
pub(crate) fn mark_non_exhaustive(items: &mut [Item]) -> usize {
    let mut marked = 0;
    for item in items.iter_mut() {
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
    marked
}

pub(crate) fn has_non_exhaustive(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}
