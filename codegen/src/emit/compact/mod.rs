//! Compact: typify writes the same boilerplate for every string enum (four
//! conversion impls, ~45 lines, and serde's derives), and serde's derive
//! expands every struct's `Deserialize` to ~200 lines. These passes check
//! each type is in a shape a hand-written runtime macro
//! (`<runtime>::string_enum!`, `<runtime>::deserialize_struct!`) handles
//! exactly and invoke it instead. A string enum in another shape fails
//! generation naming the type, so a generator bump cannot change behaviour
//! silently; a struct in another shape keeps serde's derive.

use crate::error::CodegenError;

mod enums;
mod structs;

pub use enums::compact_string_enums;
pub use structs::compact_structs;

/// Drops `::serde::Serialize` and `::serde::Deserialize` from an item's
/// derives; whether it derived both.
fn remove_serde_derives(attrs: &mut [syn::Attribute]) -> bool {
    remove_derive(attrs, "::serde::Serialize") & remove_derive(attrs, "::serde::Deserialize")
}

/// Drops the derive written `path` (`::serde::Serialize`, `PartialEq`) from
/// an item's derives; whether it was there.
pub(super) fn remove_derive(attrs: &mut [syn::Attribute], path: &str) -> bool {
    use syn::punctuated::Punctuated;
    let mut removed = false;
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) =
            attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let before = paths.len();
        let kept: Vec<&syn::Path> = paths
            .iter()
            .filter(|p| quote::quote!(#p).to_string().replace(' ', "") != path)
            .collect();
        if kept.len() != before {
            removed = true;
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    removed
}

/// The serde traits an item derives (`Serialize`, `Deserialize`).
pub(super) fn derive_list(attrs: &[syn::Attribute]) -> Vec<String> {
    super::attr_args::<syn::Path>(attrs, "derive")
        .into_iter()
        .filter(|p| p.segments.len() == 2 && p.segments[0].ident == "serde")
        .map(|p| p.segments[1].ident.to_string())
        .collect()
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
