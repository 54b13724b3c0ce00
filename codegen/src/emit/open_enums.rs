//! Open types: the enums and tagged unions the normalizer named
//! ([`crate::normalize::Normalized::open_enums`] / `open_unions`) get a
//! catch-all variant so a value or kind Kombo adds later still decodes.
//!
//! - an open enum gets `UnknownValue(String)` (`#[serde(untagged)]`, so any
//!   other string decodes into it and serializes back unchanged), loses
//!   `Copy`, and its `Display` and `FromStr` impls learn the new variant;
//! - an open union gets a unit `#[serde(other)] UnknownVariant`.
//!
//! Both become `#[non_exhaustive]`. Every named type must be found in the
//! expected shape, else generation fails naming the type and its schema.

use std::collections::{BTreeMap, BTreeSet};

use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Fields, ItemEnum, ItemImpl, Meta, Path, Token};

use crate::error::CodegenError;

/// Preferred name of the catch-all variant of an open enum.
pub const UNKNOWN_VARIANT: &str = "UnknownValue";
/// Preferred name of the unit variant an unknown union kind decodes into.
pub const UNKNOWN_UNION_VARIANT: &str = "UnknownVariant";

/// Opens every listed type (name → schema pointer).
pub fn open_types(
    file: &mut syn::File,
    enums: &BTreeMap<String, String>,
    unions: &BTreeMap<String, String>,
) -> Result<(), CodegenError> {
    let mut opener = Opener {
        enums,
        unions,
        opened: BTreeMap::new(),
        seen: BTreeSet::new(),
        error: None,
    };
    // typify writes every type at the top of `types`.
    for item in crate::emit::types_items(file)?.iter_mut() {
        if let syn::Item::Enum(e) = item {
            opener.open(e);
        }
    }
    if let Some(error) = opener.error {
        return Err(error);
    }
    for (name, pointer) in enums.iter().chain(unions) {
        if !opener.seen.contains(name) {
            return Err(missing(pointer, name, "no such enum in the generated code"));
        }
    }
    let mut fixer = ImplFixer {
        opened: &opener.opened,
        fixed: BTreeMap::new(),
    };
    for item in crate::emit::types_items(file)?.iter_mut() {
        if let syn::Item::Impl(imp) = item {
            fixer.fix(imp);
        }
    }
    for name in opener.opened.keys() {
        for imp in ["Display", "FromStr"] {
            let fixed = fixer.fixed.get(name).is_some_and(|f| f.contains(imp));
            if !fixed {
                let what = format!("its `{imp}` impl was not found in the expected shape");
                return Err(missing(&enums[name], name, &what));
            }
        }
    }
    Ok(())
}

fn missing(pointer: &str, name: &str, why: &str) -> CodegenError {
    CodegenError::at(
        pointer,
        format!("post-processing could not open type `{name}`: {why}"),
    )
}

struct Opener<'a> {
    enums: &'a BTreeMap<String, String>,
    unions: &'a BTreeMap<String, String>,
    /// Enum name → name of its catch-all variant.
    opened: BTreeMap<String, syn::Ident>,
    seen: BTreeSet<String>,
    error: Option<CodegenError>,
}

impl Opener<'_> {
    fn open(&mut self, e: &mut ItemEnum) {
        let name = e.ident.to_string();
        if let Some(pointer) = self.unions.get(&name) {
            self.seen.insert(name.clone());
            if !is_tagged(e) {
                let why = "it is not an internally tagged enum";
                self.error.get_or_insert(missing(pointer, &name, why));
                return;
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
            e.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        } else if let Some(pointer) = self.enums.get(&name) {
            self.seen.insert(name.clone());
            if !is_unit_enum(e) {
                let why = "it is not an enum of unit variants";
                self.error.get_or_insert(missing(pointer, &name, why));
                return;
            }
            let ident = free_variant_name(e, UNKNOWN_VARIANT);
            e.variants.push(syn::parse_quote! {
                /// A value this version of the crate does not know, kept as sent.
                #[serde(untagged)]
                #ident(::std::string::String)
            });
            drop_copy(&mut e.attrs);
            let doc = format!(" Values this version does not know decode as `{ident}`.");
            e.attrs.push(syn::parse_quote!(#[doc = ""]));
            e.attrs.push(syn::parse_quote!(#[doc = #doc]));
            // New variants in later spec versions must not break exhaustive matches.
            e.attrs.push(syn::parse_quote!(#[non_exhaustive]));
            self.opened.insert(name, ident);
        }
    }
}

fn is_unit_enum(e: &ItemEnum) -> bool {
    !e.variants.is_empty() && e.variants.iter().all(|v| matches!(v.fields, Fields::Unit))
}

/// Whether the enum is internally or adjacently tagged (`#[serde(tag = "…")]`).
fn is_tagged(e: &ItemEnum) -> bool {
    super::serde_metas(&e.attrs)
        .iter()
        .any(|m| matches!(m, Meta::NameValue(nv) if nv.path.is_ident("tag")))
}

/// A variant name not used by the enum yet.
fn free_variant_name(e: &ItemEnum, preferred: &str) -> syn::Ident {
    let taken: BTreeSet<String> = e.variants.iter().map(|v| v.ident.to_string()).collect();
    let mut name = preferred.to_owned();
    while taken.contains(&name) {
        name.push('_');
    }
    syn::Ident::new(&name, proc_macro2::Span::call_site())
}

/// Removes `Copy` from `#[derive(...)]` lists.
fn drop_copy(attrs: &mut [Attribute]) {
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept: Vec<&Path> = paths
            .iter()
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != "Copy"))
            .collect();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}

struct ImplFixer<'a> {
    opened: &'a BTreeMap<String, syn::Ident>,
    /// Enum name → the impls that learned the catch-all variant.
    fixed: BTreeMap<String, BTreeSet<&'static str>>,
}

impl ImplFixer<'_> {
    fn fix(&mut self, imp: &mut ItemImpl) {
        let syn::Type::Path(self_ty) = &*imp.self_ty else {
            return;
        };
        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        let Some(variant) = self.opened.get(&name) else {
            return;
        };
        let trait_name = imp
            .trait_
            .as_ref()
            .and_then(|(path, _)| path.segments.last())
            .map(|s| s.ident.to_string());
        let which = match trait_name.as_deref() {
            Some("Display") => "Display",
            Some("FromStr") => "FromStr",
            _ => return,
        };
        let mut done = false;
        for item in imp.items.iter_mut() {
            let syn::ImplItem::Fn(f) = item else { continue };
            for stmt in f.block.stmts.iter_mut() {
                let syn::Stmt::Expr(Expr::Match(m), _) = stmt else {
                    continue;
                };
                if which == "Display" {
                    m.arms.push(syn::parse_quote! {
                        Self::#variant(ref value) => f.write_str(value),
                    });
                    done = true;
                } else {
                    for arm in m.arms.iter_mut() {
                        if matches!(arm.pat, syn::Pat::Wild(_)) {
                            *arm.body = syn::parse_quote! {
                                Ok(Self::#variant(value.to_string()))
                            };
                            done = true;
                        }
                    }
                }
            }
        }
        if done {
            self.fixed.entry(name).or_default().insert(which);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn names(list: &[&str]) -> BTreeMap<String, String> {
        list.iter()
            .map(|n| ((*n).to_owned(), format!("/components/schemas/{n}")))
            .collect()
    }

    #[test]
    fn a_listed_type_that_is_missing_fails_naming_it() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                pub enum Renamed { A, B }
            }
        })
        .unwrap();
        let e = open_types(&mut file, &names(&["Status"]), &names(&[])).unwrap_err();
        assert_eq!(e.pointer, "/components/schemas/Status");
        assert!(e.reason.contains("`Status`"), "{e}");
        assert!(!e.to_string().contains('\n'));
    }

    #[test]
    fn an_enum_whose_impls_changed_shape_fails() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                #[derive(Clone, Copy)]
                pub enum Status { A, B }
            }
        })
        .unwrap();
        let e = open_types(&mut file, &names(&["Status"]), &names(&[])).unwrap_err();
        assert!(e.reason.contains("`Display` impl"), "{e}");
    }

    #[test]
    fn a_union_that_is_not_tagged_fails() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                #[serde(untagged)]
                pub enum Kind { A(String) }
            }
        })
        .unwrap();
        let e = open_types(&mut file, &names(&[]), &names(&["Kind"])).unwrap_err();
        assert!(e.reason.contains("not an internally tagged enum"), "{e}");
    }
}
