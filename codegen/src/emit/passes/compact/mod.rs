//! Compact: typify writes the same boilerplate for every string enum (four
//! conversion impls, ~45 lines, and serde's derives), and serde's derive
//! expands every struct's `Deserialize` to ~200 lines. These passes check
//! each type is in a shape a hand-written runtime macro
//! (`<runtime>::string_enum!`, `<runtime>::deserialize_struct!`) handles
//! exactly and invoke it instead. A string enum in another shape fails
//! generation naming the type, so a generator bump cannot change behaviour
//! silently; a struct with serde attributes the macros do not take keeps
//! serde's derive (the one documented fallback, tested in `structs.rs`).

mod enums;
mod structs;
mod unions;

pub(crate) use enums::compact_string_enums;
pub(crate) use structs::compact_structs;
pub(crate) use unions::compact_unions;

/// Runs `compact` on every item and puts the items it returns (the macro
/// invocations standing in for what it removed) right after it; returns how
/// many items it changed (`Some`).
fn with_invocations(
    items: &mut Vec<syn::Item>,
    mut compact: impl FnMut(
        &mut syn::Item,
    ) -> Result<Option<Vec<syn::Item>>, crate::error::CodegenError>,
) -> Result<usize, crate::error::CodegenError> {
    let mut kept = Vec::with_capacity(items.len());
    let mut compacted = 0;
    for mut item in items.drain(..) {
        let invocations = compact(&mut item)?;
        kept.push(item);
        if let Some(invocations) = invocations {
            kept.extend(invocations);
            compacted += 1;
        }
    }
    *items = kept;
    Ok(compacted)
}

/// Whether two items are the same tokens (spans and formatting aside).
fn same(actual: &impl quote::ToTokens, expected: &str) -> bool {
    actual.to_token_stream().to_string() == expected
}

/// The trait an impl implements (last path segment) and the type it is for.
fn impl_of(imp: &syn::ItemImpl) -> Option<(String, String)> {
    let trait_ = imp.trait_.as_ref()?.0.segments.last()?.ident.to_string();
    Some((trait_, super::self_type_name(&imp.self_ty)?))
}
