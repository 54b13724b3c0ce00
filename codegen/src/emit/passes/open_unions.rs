//! Open unions: the tagged unions the normalizer named
//! ([`crate::normalize::Normalized::open_unions`]) get a unit
//! `#[serde(other)] UnknownVariant`, so a kind Kombo adds later still
//! decodes. (Open string enums get their catch-all from the compaction,
//! `compact/enums.rs`, which writes their conversions.) Every named union
//! must be found as an internally tagged enum, else generation fails naming
//! it and its schema.

use std::collections::{BTreeMap, BTreeSet};

use syn::{Item, ItemEnum, Meta};

use super::Sites;
use crate::error::CodegenError;

/// Preferred name of the unit variant an unknown union kind decodes into.
pub(crate) const UNKNOWN_UNION_VARIANT: &str = "UnknownVariant";

/// Opens every listed union (name → schema pointer).
pub(crate) fn open(
    items: &mut [Item],
    unions: &BTreeMap<String, String>,
    sites: &Sites,
) -> Result<(), CodegenError> {
    let mut seen = BTreeSet::new();
    for item in items.iter_mut() {
        let Item::Enum(e) = item else { continue };
        let name = e.ident.to_string();
        if unions.contains_key(&name) {
            open_union(e).map_err(|why| sites.error("open unions", &name, &why))?;
            seen.insert(name);
        }
    }
    match unions.keys().find(|name| !seen.contains(*name)) {
        Some(missing) => {
            Err(sites.error("open unions", missing, "no such enum in the generated code"))
        }
        None => Ok(()),
    }
}

fn open_union(e: &mut ItemEnum) -> Result<(), String> {
    let tagged = crate::emit::serde_metas(&e.attrs)
        .iter()
        .any(|m| matches!(m, Meta::NameValue(nv) if nv.path.is_ident("tag")));
    if !tagged {
        return Err("it is not an internally tagged enum".into());
    }
    let ident = free_variant_name(e, UNKNOWN_UNION_VARIANT);
    e.variants.push(syn::parse_quote! {
        /// A kind this version of the crate does not know (its fields are not kept).
        #[serde(other)]
        #ident
    });
    let doc = format!(" Kinds this version does not know decode as `{ident}`.");
    e.attrs.push(syn::parse_quote!(#[doc = ""]));
    e.attrs.push(syn::parse_quote!(#[doc = #doc]));
    Ok(())
}

/// A variant name not used by the enum yet.
pub(crate) fn free_variant_name(e: &ItemEnum, preferred: &str) -> syn::Ident {
    let taken: BTreeSet<String> = e.variants.iter().map(|v| v.ident.to_string()).collect();
    let mut name = preferred.to_owned();
    while taken.contains(&name) {
        name.push('_');
    }
    syn::Ident::new(&name, proc_macro2::Span::call_site())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> BTreeMap<String, String> {
        list.iter()
            .map(|n| ((*n).to_owned(), format!("/components/schemas/{n}")))
            .collect()
    }

    fn sites(list: &[&str]) -> Sites {
        let mut sites = Sites::default();
        sites.extend(&names(list));
        sites
    }

    #[test]
    fn a_tagged_union_gets_its_catch_all_and_decodes_an_unknown_kind() {
        let file: syn::File = syn::parse_quote! {
            #[serde(tag = "type")]
            pub enum Kind { A { x: i64 }, UnknownVariant }
        };
        let mut items = file.items;
        open(&mut items, &names(&["Kind"]), &sites(&["Kind"])).unwrap();
        let Item::Enum(e) = &items[0] else { panic!() };
        let added = e.variants.last().unwrap();
        assert_eq!(added.ident, "UnknownVariant_", "a free name");
        assert!(added.attrs.iter().any(|a| a.path().is_ident("serde")));
    }

    #[test]
    fn a_listed_union_that_is_missing_or_untagged_fails_naming_it() {
        let file: syn::File = syn::parse_quote!(
            pub enum Renamed {
                A(String),
            }
        );
        let mut items = file.items;
        let e = open(&mut items, &names(&["Kind"]), &sites(&["Kind"])).unwrap_err();
        assert_eq!(e.pointer, "/components/schemas/Kind");
        assert!(
            e.reason.contains("`Kind`") && e.reason.contains("no such enum"),
            "{e}"
        );
        let file: syn::File = syn::parse_quote! {
            #[serde(untagged)]
            pub enum Kind { A(String) }
        };
        let mut items = file.items;
        let e = open(&mut items, &names(&["Kind"]), &sites(&["Kind"])).unwrap_err();
        assert!(e.reason.contains("not an internally tagged enum"), "{e}");
    }
}
