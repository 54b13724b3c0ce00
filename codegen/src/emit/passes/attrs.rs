//! The one reader of the attributes the passes match. `#[serde(...)]`
//! arguments parse as metas or are an error. `#[derive(...)]` lists are
//! parsed once into paths, and a
//! derive is known by its path, not its spelling — `::serde::Deserialize`,
//! `serde::Deserialize` and (for the standard derives) `Copy` or
//! `::std::marker::Copy` are each one derive. A list that does not parse is
//! an error, never skipped: a pass that removed a derive from all but one
//! list would leave serde's derive beside a macro impl (E0119 in the user's
//! build).

use syn::punctuated::Punctuated;
use syn::{Attribute, Meta, Path, Token};

/// The arguments of every `#[serde(...)]` among `attrs`, flattened; an error
/// when one does not parse as metas.
pub(crate) fn serde_metas(attrs: &[Attribute]) -> Result<Vec<Meta>, String> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let metas = attr
            .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            .map_err(|e| format!("a serde attribute does not parse ({e})"))?;
        out.extend(metas);
    }
    Ok(out)
}

/// A derive macro, by the segments of its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Derive(&'static [&'static str]);

pub(crate) const SERIALIZE: Derive = Derive(&["serde", "Serialize"]);
pub(crate) const DESERIALIZE: Derive = Derive(&["serde", "Deserialize"]);
pub(crate) const COPY: Derive = Derive(&["Copy"]);

impl Derive {
    /// A standard derive (`Eq`, `Hash`, …), however its path is written.
    pub(crate) const fn std(name: &'static [&'static str]) -> Self {
        Derive(name)
    }

    /// Whether `path` names this derive: the same segments (a leading `::`
    /// aside), or for a one-segment derive of the prelude, its path through
    /// `std` or `core`.
    fn is(&self, path: &Path) -> bool {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let same =
            segments.len() == self.0.len() && segments.iter().zip(self.0).all(|(a, b)| a == b);
        let prelude = self.0.len() == 1
            && segments.len() > 1
            && matches!(segments[0].as_str(), "std" | "core")
            && segments.last().is_some_and(|last| last == self.0[0]);
        same || prelude
    }

    /// The derive as written in messages (`serde::Serialize`).
    pub(crate) fn name(&self) -> String {
        self.0.join("::")
    }
}

/// Every derive of an item, in order; an error (the attribute's text) when
/// a `derive` list does not parse as paths.
pub(crate) fn derives(attrs: &[Attribute]) -> Result<Vec<Path>, String> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let paths = attr
            .parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
            .map_err(|e| format!("its derive list does not parse ({e})"))?;
        out.extend(paths);
    }
    Ok(out)
}

/// Whether the item derives `derive`.
pub(crate) fn has(attrs: &[Attribute], derive: Derive) -> Result<bool, String> {
    Ok(derives(attrs)?.iter().any(|p| derive.is(p)))
}

/// Removes `derive` from the item's derive lists; whether it was there. An
/// emptied list goes.
pub(crate) fn remove(attrs: &mut Vec<Attribute>, derive: Derive) -> Result<bool, String> {
    derives(attrs)?;
    let mut removed = false;
    let mut kept = Vec::with_capacity(attrs.len());
    for attr in attrs.drain(..) {
        if !attr.path().is_ident("derive") {
            kept.push(attr);
            continue;
        }
        let paths = attr
            .parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
            .map_err(|e| format!("its derive list does not parse ({e})"))?;
        let rest: Vec<&Path> = paths.iter().filter(|p| !derive.is(p)).collect();
        removed |= rest.len() != paths.len();
        if !rest.is_empty() {
            kept.push(syn::parse_quote!(#[derive(#(#rest),*)]));
        }
    }
    *attrs = kept;
    Ok(removed)
}

/// Removes `derive`, which the item must have: the error says which it lacked.
pub(crate) fn take(attrs: &mut Vec<Attribute>, derive: Derive) -> Result<(), String> {
    if remove(attrs, derive)? {
        Ok(())
    } else {
        Err(format!("it does not derive `{}`", derive.name()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(tokens: proc_macro2::TokenStream) -> Vec<Attribute> {
        let item: syn::ItemStruct = syn::parse2(tokens).unwrap();
        item.attrs
    }

    #[test]
    fn a_derive_is_known_by_its_path_however_it_is_spelled() {
        for spelling in [
            quote::quote!(
                #[derive(::serde::Deserialize, Clone)]
                struct A;
            ),
            quote::quote!(
                #[derive(Clone, serde::Deserialize)]
                struct A;
            ),
        ] {
            let mut a = attrs(spelling);
            assert!(has(&a, DESERIALIZE).unwrap());
            take(&mut a, DESERIALIZE).unwrap();
            assert!(!has(&a, DESERIALIZE).unwrap());
            assert_eq!(derives(&a).unwrap().len(), 1, "Clone stays");
        }
        let mut a = attrs(quote::quote!(
            #[derive(::std::marker::Copy, Debug)]
            struct A;
        ));
        assert!(remove(&mut a, COPY).unwrap());
        // `Copy` from another crate is another derive.
        let a = attrs(quote::quote!(
            #[derive(other::Copy)]
            struct A;
        ));
        assert!(!has(&a, COPY).unwrap());
    }

    #[test]
    fn a_missing_derive_or_an_unreadable_list_is_an_error() {
        let mut a = attrs(quote::quote!(
            #[derive(Clone)]
            struct A;
        ));
        let e = take(&mut a, SERIALIZE).unwrap_err();
        assert_eq!(e, "it does not derive `serde::Serialize`");
        let mut a = attrs(quote::quote!(
            #[derive(Clone, = )]
            struct A;
        ));
        assert!(remove(&mut a, COPY).unwrap_err().contains("does not parse"));
    }
}
