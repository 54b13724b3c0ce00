//! Compact: typify writes the same boilerplate for every string enum (four
//! conversion impls, ~45 lines). This pass checks that boilerplate is exactly
//! what typify 0.8 writes and replaces it with one invocation of a
//! hand-written runtime macro (`<runtime>::string_enum!`) that expands to
//! code behaving the same. Anything in another shape fails generation
//! naming the type, so a generator bump cannot change behaviour silently.

use crate::error::CodegenError;

mod enums;

pub use enums::compact_string_enums;

/// Whether two items are the same tokens (spans and formatting aside).
fn same(actual: &impl quote::ToTokens, expected: &str) -> bool {
    actual.to_token_stream().to_string() == expected
}

/// The trait an impl implements (last path segment) and the type it is for.
fn impl_of(imp: &syn::ItemImpl) -> Option<(String, String)> {
    let trait_ = imp.trait_.as_ref()?.0.segments.last()?.ident.to_string();
    Some((trait_, super::self_type_name(&imp.self_ty)?))
}

/// Every type must have had all `want` of its items replaced (`found` counts
/// them by type name); a missing one means typify wrote another shape.
fn check_all_found<'a>(
    kind: &str,
    items: &str,
    names: impl Iterator<Item = &'a String>,
    found: &std::collections::BTreeMap<String, usize>,
    want: usize,
) -> Result<(), CodegenError> {
    for name in names {
        let n = found.get(name).copied().unwrap_or(0);
        if n != want {
            let why = format!("found {n} of its {want} {items}");
            return Err(shape_error(kind, name, &why));
        }
    }
    Ok(())
}

fn shape_error(kind: &str, name: &str, why: &str) -> CodegenError {
    CodegenError::at(
        "",
        format!("post-processing: {kind} `{name}` is not in the shape typify 0.8 emits: {why}"),
    )
}
