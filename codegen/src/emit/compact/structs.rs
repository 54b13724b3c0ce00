//! Structs: serde's derives become `deserialize_struct!(Name { index field:
//! "wire" [= default], … })` and `serialize_struct!(Name { field: "wire" [if
//! skip], … })` for every struct of named fields whose serde attributes the
//! macros handle exactly — on the container none, on a field only `rename`,
//! `default` (either form) and `skip_serializing_if`. The field attributes go
//! (their facts are in the invocations). A struct with any other attribute
//! (`flatten`, `deserialize_with`, `transparent`, …) keeps serde's derives.
//!
//! The `Serialize` invocation of a type no request sends carries the
//! [`Roles`] gate: it is compiled only with the opt-in feature.

use proc_macro2::TokenStream;
use quote::quote;
use syn::punctuated::Punctuated;
use syn::{Expr, Fields, Item, ItemStruct, Lit, Meta};

use crate::emit::roles::Roles;
use crate::emit::serde_metas;
use crate::error::CodegenError;

/// Replaces the serde derives of every struct in `types` the macros handle;
/// returns how many.
pub fn compact_structs(
    file: &mut syn::File,
    rt: &TokenStream,
    roles: &Roles,
) -> Result<usize, CodegenError> {
    let items = crate::emit::types_items(file)?;
    let mut kept = Vec::with_capacity(items.len());
    let mut compacted = 0;
    for mut item in items.drain(..) {
        let invocations = match &mut item {
            Item::Struct(s) => invocations(s, rt, roles),
            _ => None,
        };
        kept.push(item);
        if let Some(invocations) = invocations {
            kept.extend(invocations);
            compacted += 1;
        }
    }
    *items = kept;
    Ok(compacted)
}

/// One field as the macros take it.
struct Field {
    ident: syn::Ident,
    wire: String,
    default: Option<TokenStream>,
    skip: Option<syn::Path>,
}

/// The invocations for `s`, its serde derives and attributes removed, or
/// `None` (and `s` untouched) when the macros would not behave as serde's
/// derives.
fn invocations(s: &mut ItemStruct, rt: &TokenStream, roles: &Roles) -> Option<Vec<Item>> {
    if !s.generics.params.is_empty() || s.attrs.iter().any(|a| a.path().is_ident("serde")) {
        return None;
    }
    let fields = fields(&s.fields)?;
    let derives = super::derive_list(&s.attrs);
    let (de, ser) = (
        derives.iter().any(|d| d == "Deserialize"),
        derives.iter().any(|d| d == "Serialize"),
    );
    if !de {
        return None;
    }
    super::remove_derive(&mut s.attrs, "::serde::Deserialize");
    super::remove_derive(&mut s.attrs, "::serde::Serialize");
    for f in s.fields.iter_mut() {
        f.attrs.retain(|a| !a.path().is_ident("serde"));
    }
    let name = &s.ident;
    let de_fields = fields.iter().enumerate().map(|(index, f)| {
        let index = syn::LitInt::new(&index.to_string(), proc_macro2::Span::call_site());
        let (ident, wire) = (&f.ident, &f.wire);
        let default = f.default.as_ref().map(|d| quote!(= #d));
        quote!(#index #ident: #wire #default)
    });
    let mut out: Vec<Item> = vec![syn::parse_quote! {
        #rt::deserialize_struct!(#name { #(#de_fields),* });
    }];
    if ser {
        let ser_fields = fields.iter().map(|f| {
            let (ident, wire) = (&f.ident, &f.wire);
            let skip = f.skip.as_ref().map(|p| quote!(if #p));
            quote!(#ident: #wire #skip)
        });
        let gate = roles.serialize_gate(&name.to_string());
        out.push(syn::parse_quote! {
            #gate
            #rt::serialize_struct!(#name { #(#ser_fields),* });
        });
    }
    Some(out)
}

/// The fields with their serde facts; `None` for a field attribute the
/// macros do not handle (or cannot read).
fn fields(fields: &Fields) -> Option<Vec<Field>> {
    let Fields::Named(named) = fields else {
        return None;
    };
    let mut out = Vec::with_capacity(named.named.len());
    for f in &named.named {
        let ident = f.ident.clone()?;
        let unparsable = f.attrs.iter().any(|a| {
            a.path().is_ident("serde")
                && a.parse_args_with(Punctuated::<Meta, syn::Token![,]>::parse_terminated)
                    .is_err()
        });
        if unparsable {
            return None;
        }
        let mut field = Field {
            wire: ident.to_string().trim_start_matches("r#").to_owned(),
            ident,
            default: None,
            skip: None,
        };
        for meta in serde_metas(&f.attrs) {
            match &meta {
                Meta::NameValue(nv) if nv.path.is_ident("rename") => {
                    field.wire = string(&nv.value)?;
                }
                Meta::NameValue(nv) if nv.path.is_ident("skip_serializing_if") => {
                    field.skip = Some(syn::parse_str(&string(&nv.value)?).ok()?);
                }
                Meta::Path(p) if p.is_ident("default") => {
                    field.default = Some(quote!(::std::default::Default::default));
                }
                Meta::NameValue(nv) if nv.path.is_ident("default") => {
                    let path: syn::Path = syn::parse_str(&string(&nv.value)?).ok()?;
                    field.default = Some(quote!(#path));
                }
                _ => return None,
            }
        }
        out.push(field);
    }
    Some(out)
}

fn string(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s.value()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn compact(types: TokenStream, sent: &[&str]) -> Vec<Item> {
        let mut file: syn::File = syn::parse2(quote!(pub mod types { #types })).unwrap();
        let sent: BTreeSet<String> = sent.iter().map(|s| s.to_string()).collect();
        let roles = Roles::new(sent, Some("serialize-responses".into()));
        compact_structs(&mut file, &quote!(crate), &roles).unwrap();
        crate::emit::types_items(&mut file).unwrap().clone()
    }

    fn job() -> TokenStream {
        quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct Job {
                pub id: String,
                #[serde(rename = "type")]
                pub type_: String,
                #[serde(default = "defaults::job_page", skip_serializing_if = "Option::is_none")]
                pub page: Option<i64>,
                #[serde(default)]
                pub tags: Vec<String>,
            }
        }
    }

    #[test]
    fn a_plain_struct_gets_the_macros_and_loses_its_serde_attributes() {
        let items = compact(job(), &["Job"]);
        let [Item::Struct(s), Item::Macro(de), Item::Macro(ser)] = items.as_slice() else {
            panic!(
                "expected the struct and two invocations, got {} items",
                items.len()
            );
        };
        let struct_tokens = quote!(#s).to_string();
        assert!(!struct_tokens.contains("serde"), "{struct_tokens}");
        let de = de.mac.tokens.to_string();
        for part in [
            "0 id : \"id\"",
            "1 type_ : \"type\"",
            "2 page : \"page\" = defaults :: job_page",
            "3 tags : \"tags\" = :: std :: default :: Default :: default",
        ] {
            assert!(de.contains(part), "{part} in {de}");
        }
        assert!(ser.attrs.is_empty(), "a sent type always serializes");
        let ser = ser.mac.tokens.to_string();
        assert!(
            ser.contains("page : \"page\" if Option :: is_none"),
            "{ser}"
        );
    }

    #[test]
    fn a_type_no_request_sends_serializes_behind_the_feature() {
        let items = compact(job(), &[]);
        let Some(Item::Macro(ser)) = items.last() else {
            panic!("no serialize invocation");
        };
        let gate = ser
            .attrs
            .iter()
            .map(|a| quote!(#a).to_string())
            .collect::<String>();
        assert!(gate.contains("feature = \"serialize-responses\""), "{gate}");
    }

    #[test]
    fn a_struct_with_another_serde_attribute_keeps_the_derive() {
        for types in [
            quote! {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Extra {
                    #[serde(flatten)]
                    pub rest: ::serde_json::Map<String, ::serde_json::Value>,
                }
            },
            quote! {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                #[serde(deny_unknown_fields)]
                pub struct Strict { pub id: String }
            },
            quote! {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Id(pub String);
            },
        ] {
            let items = compact(types, &[]);
            assert_eq!(items.len(), 1, "no invocation added");
        }
    }
}
