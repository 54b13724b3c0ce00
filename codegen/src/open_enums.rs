//! Open enums: response enums that keep values this version does not know.
//!
//! The normalizer marks a response string enum by appending
//! [`OPEN_ENUM_MARKER`] to its description; typify turns it into a closed Rust
//! enum whose doc comment carries the marker. This pass gives each such enum
//! an `UnknownValue(String)` variant (`#[serde(untagged)]`, so any other
//! string decodes into it and serializes back unchanged), makes it
//! `#[non_exhaustive]`, drops `Copy`, and extends its `Display` and `FromStr`
//! impls.

use std::collections::BTreeSet;

use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Expr, Fields, ItemEnum, ItemImpl, Meta, Path, Token};

/// Hidden marker (an HTML comment: invisible in rustdoc) on open enums.
pub const OPEN_ENUM_MARKER: &str = "<!-- kombo:open-enum -->";

/// Preferred name of the catch-all variant.
pub const UNKNOWN_VARIANT: &str = "UnknownValue";

/// Hidden marker on response unions (tagged enums) that accept unknown tags.
pub const OPEN_UNION_MARKER: &str = "<!-- kombo:open-union -->";

/// Preferred name of the unit variant an unknown union tag decodes into.
pub const UNKNOWN_UNION_VARIANT: &str = "UnknownVariant";

fn doc_text(attrs: &[Attribute]) -> String {
    let mut text = String::new();
    for attr in attrs {
        if let Meta::NameValue(nv) = &attr.meta
            && nv.path.is_ident("doc")
            && let Expr::Lit(lit) = &nv.value
            && let syn::Lit::Str(s) = &lit.lit
        {
            text.push_str(&s.value());
        }
    }
    text
}

fn is_unit_enum(e: &ItemEnum) -> bool {
    !e.variants.is_empty() && e.variants.iter().all(|v| matches!(v.fields, Fields::Unit))
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

/// The type a field holds, looking through `Option`, `Vec` and `Box`.
fn innermost_type_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if matches!(last.ident.to_string().as_str(), "Option" | "Vec" | "Box")
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
    {
        return innermost_type_name(inner);
    }
    Some(last.ident.to_string())
}

/// Types named by fields whose doc carries a marker (a nullable schema's
/// description lands on the field, not on the type).
#[derive(Default)]
struct MarkedFields {
    enums: BTreeSet<String>,
    unions: BTreeSet<String>,
}

impl VisitMut for MarkedFields {
    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        let doc = doc_text(&field.attrs);
        if let Some(name) = innermost_type_name(&field.ty) {
            if doc.contains(OPEN_ENUM_MARKER) {
                self.enums.insert(name.clone());
            }
            if doc.contains(OPEN_UNION_MARKER) {
                self.unions.insert(name);
            }
        }
        syn::visit_mut::visit_field_mut(self, field);
    }
}

/// Opens every marked enum of the file; returns their names.
pub fn open_marked_enums(file: &mut syn::File) -> BTreeSet<String> {
    let mut marked = MarkedFields::default();
    marked.visit_file_mut(file);
    let mut collector = Opener {
        marked,
        opened: Default::default(),
    };
    collector.visit_file_mut(file);
    let mut fixer = ImplFixer {
        opened: &collector.opened,
    };
    fixer.visit_file_mut(file);
    collector.opened.keys().cloned().collect()
}

struct Opener {
    marked: MarkedFields,
    /// Enum name → name of its catch-all variant.
    opened: std::collections::BTreeMap<String, syn::Ident>,
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

/// Whether the enum is internally or adjacently tagged (`#[serde(tag = ..)]`).
fn is_tagged(e: &ItemEnum) -> bool {
    e.attrs.iter().any(|a| {
        a.path().is_ident("serde")
            && a.meta
                .require_list()
                .is_ok_and(|l| l.tokens.to_string().starts_with("tag"))
    })
}

impl VisitMut for Opener {
    fn visit_item_enum_mut(&mut self, e: &mut ItemEnum) {
        let doc = doc_text(&e.attrs);
        let name = e.ident.to_string();
        let open_union = doc.contains(OPEN_UNION_MARKER) || self.marked.unions.contains(&name);
        let open_enum = doc.contains(OPEN_ENUM_MARKER) || self.marked.enums.contains(&name);
        if open_union && is_tagged(e) {
            let ident = free_variant_name(e, UNKNOWN_UNION_VARIANT);
            e.variants.push(syn::parse_quote! {
                /// A kind this version of the crate does not know (its fields are not kept).
                #[serde(other)]
                #ident
            });
            e.attrs.push(syn::parse_quote!(#[non_exhaustive]));
            return;
        }
        if !open_enum || !is_unit_enum(e) {
            return;
        }
        let ident = free_variant_name(e, UNKNOWN_VARIANT);
        e.variants.push(syn::parse_quote! {
            /// A value this version of the crate does not know, kept as sent.
            #[serde(untagged)]
            #ident(::std::string::String)
        });
        drop_copy(&mut e.attrs);
        // New variants in later spec versions must not break exhaustive matches.
        e.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        self.opened.insert(e.ident.to_string(), ident);
    }
}

struct ImplFixer<'a> {
    opened: &'a std::collections::BTreeMap<String, syn::Ident>,
}

impl VisitMut for ImplFixer<'_> {
    fn visit_item_impl_mut(&mut self, imp: &mut ItemImpl) {
        let syn::Type::Path(self_ty) = &*imp.self_ty else {
            return;
        };
        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        let Some(variant) = self.opened.get(&name) else {
            return;
        };
        let Some(trait_name) = imp
            .trait_
            .as_ref()
            .and_then(|(path, _)| path.segments.last())
            .map(|s| s.ident.to_string())
        else {
            return;
        };
        for item in imp.items.iter_mut() {
            let syn::ImplItem::Fn(f) = item else { continue };
            for stmt in f.block.stmts.iter_mut() {
                let expr = match stmt {
                    syn::Stmt::Expr(expr, _) => expr,
                    _ => continue,
                };
                let Expr::Match(m) = expr else { continue };
                match trait_name.as_str() {
                    "Display" => m.arms.push(syn::parse_quote! {
                        Self::#variant(ref value) => f.write_str(value),
                    }),
                    "FromStr" => {
                        for arm in m.arms.iter_mut() {
                            if matches!(arm.pat, syn::Pat::Wild(_)) {
                                *arm.body = syn::parse_quote! {
                                    Ok(Self::#variant(value.to_string()))
                                };
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn marked_enum_gets_a_catch_all_and_impls_follow() {
        let marker = format!("Status. {OPEN_ENUM_MARKER}");
        let mut file: syn::File = syn::parse2(quote! {
            #[doc = #marker]
            #[derive(Clone, Copy, Debug, PartialEq)]
            pub enum Status {
                #[serde(rename = "UNKNOWN_VALUE")]
                UnknownValue,
                #[serde(rename = "OK")]
                Ok,
            }
            impl ::std::fmt::Display for Status {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match *self {
                        Self::UnknownValue => f.write_str("UNKNOWN_VALUE"),
                        Self::Ok => f.write_str("OK"),
                    }
                }
            }
            impl ::std::str::FromStr for Status {
                type Err = String;
                fn from_str(value: &str) -> Result<Self, String> {
                    match value {
                        "OK" => Ok(Self::Ok),
                        _ => Err("invalid value".into()),
                    }
                }
            }
            /// Closed: no marker.
            #[derive(Clone, Copy)]
            pub enum Closed { A }
        })
        .unwrap();
        let opened = open_marked_enums(&mut file);
        assert_eq!(opened.into_iter().collect::<Vec<_>>(), ["Status"]);
        let text = quote!(#file).to_string();
        assert!(
            text.contains("# [serde (untagged)] UnknownValue_ (:: std :: string :: String)"),
            "{text}"
        );
        assert!(
            text.contains(
                "# [derive (Clone , Debug , PartialEq)] # [non_exhaustive] pub enum Status"
            ),
            "{text}"
        );
        assert!(
            text.contains("Self :: UnknownValue_ (ref value) => f . write_str (value)"),
            "{text}"
        );
        assert!(
            text.contains("_ => Ok (Self :: UnknownValue_ (value . to_string ()))"),
            "{text}"
        );
        assert!(
            text.contains("# [derive (Clone , Copy)] pub enum Closed"),
            "{text}"
        );
    }
}
