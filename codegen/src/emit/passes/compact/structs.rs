//! Structs: serde's derives become `deserialize_struct!(Name { index field:
//! "wire" [= default], … })` and `serialize_struct!(Name { field: "wire" [if
//! skip], … })` for every struct of named fields whose serde attributes the
//! macros handle exactly — on the container none, on a field only `rename`,
//! `default` (either form) and `skip_serializing_if`. The field attributes go
//! (their facts are in the invocations).
//!
//! The one documented fallback of the passes: a struct with any other serde
//! attribute (`flatten`, `deserialize_with`, `transparent`, …), generics or
//! unnamed fields keeps serde's derives, which handle it. Anything else that
//! is not typify's shape — a derive or serde list that does not parse, a
//! struct of named fields without serde's `Deserialize` — fails naming it.
//!
//! The `Serialize` invocation of a type no request sends carries the
//! [`Roles`] gate: it is compiled only with the opt-in feature.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Expr, Fields, Item, ItemStruct, Lit, Meta};

use crate::emit::passes::Sites;
use crate::emit::passes::attrs::{self, DESERIALIZE, SERIALIZE};
use crate::emit::passes::roles::Roles;
use crate::error::CodegenError;

/// Replaces the serde derives of every struct in `types` the macros handle;
/// returns how many.
pub(crate) fn compact_structs(
    items: &mut Vec<Item>,
    rt: &TokenStream,
    roles: &Roles,
    sites: &Sites,
) -> Result<usize, CodegenError> {
    super::with_invocations(items, |item| {
        let Item::Struct(s) = item else {
            return Ok(None);
        };
        let name = s.ident.to_string();
        let err = |why: String| sites.error("compact structs", &name, &why);
        match plan(s).map_err(err)? {
            Some(plan) => Ok(Some(apply(s, &plan, rt, roles).map_err(err)?)),
            None => Ok(None),
        }
    })
}

/// One field as the macros take it (a struct's, or a union's struct variant's).
pub(super) struct Field {
    pub(super) ident: syn::Ident,
    pub(super) wire: String,
    /// The function serde calls for an absent field.
    pub(super) default: Option<syn::Path>,
    /// The predicate that skips the field when serializing.
    pub(super) skip: Option<syn::Path>,
}

/// What the macros are given for one struct.
struct Plan {
    fields: Vec<Field>,
    serialize: bool,
}

/// The plan for `s`; `None` for the documented fallback (serde's derive
/// stays); an error when `s` is not in typify's shape.
fn plan(s: &ItemStruct) -> Result<Option<Plan>, String> {
    let Fields::Named(named) = &s.fields else {
        return Ok(None);
    };
    if !s.generics.params.is_empty() || !attrs::serde_metas(&s.attrs)?.is_empty() {
        return Ok(None);
    }
    if !attrs::has(&s.attrs, DESERIALIZE)? {
        return Err(format!("it does not derive `{}`", DESERIALIZE.name()));
    }
    let Some(fields) = named_fields(named)? else {
        return Ok(None);
    };
    Ok(Some(Plan {
        fields,
        serialize: attrs::has(&s.attrs, SERIALIZE)?,
    }))
}

/// Named fields with the serde attributes the macros take (`rename`,
/// `default` in either form, `skip_serializing_if`); `None` when a field has
/// another.
pub(super) fn named_fields(named: &syn::FieldsNamed) -> Result<Option<Vec<Field>>, String> {
    let mut fields = Vec::with_capacity(named.named.len());
    for f in &named.named {
        let ident = f.ident.clone().ok_or("a named field without a name")?;
        let mut field = Field {
            wire: ident.to_string().trim_start_matches("r#").to_owned(),
            ident,
            default: None,
            skip: None,
        };
        for meta in attrs::serde_metas(&f.attrs)? {
            match &meta {
                Meta::NameValue(nv) if nv.path.is_ident("rename") => {
                    field.wire = string(&nv.value)?;
                }
                Meta::NameValue(nv) if nv.path.is_ident("skip_serializing_if") => {
                    field.skip = Some(path(&nv.value)?);
                }
                Meta::Path(p) if p.is_ident("default") => {
                    field.default = Some(syn::parse_quote!(::std::default::Default::default));
                }
                Meta::NameValue(nv) if nv.path.is_ident("default") => {
                    field.default = Some(path(&nv.value)?);
                }
                _ => return Ok(None),
            }
        }
        fields.push(field);
    }
    Ok(Some(fields))
}

/// Removes the derives and field attributes the plan replaces; returns the
/// invocations.
fn apply(
    s: &mut ItemStruct,
    plan: &Plan,
    rt: &TokenStream,
    roles: &Roles,
) -> Result<Vec<Item>, String> {
    attrs::take(&mut s.attrs, DESERIALIZE)?;
    if plan.serialize {
        attrs::take(&mut s.attrs, SERIALIZE)?;
    }
    for f in s.fields.iter_mut() {
        f.attrs.retain(|a| !a.path().is_ident("serde"));
    }
    let name = &s.ident;
    let de_fields = plan.fields.iter().enumerate().map(|(index, f)| {
        let index = syn::LitInt::new(&index.to_string(), proc_macro2::Span::call_site());
        let (ident, wire) = (&f.ident, &f.wire);
        let default = f.default.as_ref().map(|d| quote!(= #d));
        quote!(#index #ident: #wire #default)
    });
    let mut out: Vec<Item> = vec![syn::parse_quote! {
        #rt::deserialize_struct!(#name { #(#de_fields),* });
    }];
    if plan.serialize {
        let ser_fields = plan.fields.iter().map(|f| {
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
    Ok(out)
}

pub(super) fn string(expr: &Expr) -> Result<String, String> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(s.value()),
        _ => Err("a serde argument that is not a string".into()),
    }
}

pub(super) fn path(expr: &Expr) -> Result<syn::Path, String> {
    let text = string(expr)?;
    syn::parse_str(&text).map_err(|e| format!("`{text}` is not a path ({e})"))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn job() -> ItemStruct {
        syn::parse_quote! {
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

    fn compact(s: ItemStruct, sent: &[&str]) -> Result<Vec<Item>, CodegenError> {
        let sent: BTreeSet<String> = sent.iter().map(|s| s.to_string()).collect();
        let roles = Roles::new(sent, Some("serialize-responses".into()));
        let mut items = vec![Item::Struct(s)];
        compact_structs(&mut items, &quote!(crate), &roles, &Sites::default())?;
        Ok(items)
    }

    #[test]
    fn the_plan_has_each_fields_wire_name_default_and_skip() {
        let plan = plan(&job()).unwrap().expect("typify's shape");
        // Paths compared as paths: each parsed, then printed the same way.
        let text = |p: &Option<syn::Path>| p.as_ref().map(|p| quote!(#p).to_string());
        let fields: Vec<(String, &str, Option<String>, Option<String>)> = plan
            .fields
            .iter()
            .map(|f| {
                (
                    f.ident.to_string(),
                    f.wire.as_str(),
                    text(&f.default),
                    text(&f.skip),
                )
            })
            .collect();
        let p = |s: &str| text(&Some(syn::parse_str::<syn::Path>(s).unwrap()));
        assert_eq!(
            fields,
            [
                ("id".into(), "id", None, None),
                ("type_".into(), "type", None, None),
                (
                    "page".into(),
                    "page",
                    p("defaults::job_page"),
                    p("Option::is_none")
                ),
                (
                    "tags".into(),
                    "tags",
                    p("::std::default::Default::default"),
                    None
                ),
            ]
        );
        assert!(plan.serialize);
    }

    #[test]
    fn a_compacted_struct_keeps_no_serde_derive_or_attribute() {
        let items = compact(job(), &["Job"]).unwrap();
        let [Item::Struct(s), Item::Macro(de), Item::Macro(ser)] = items.as_slice() else {
            panic!(
                "expected the struct and two invocations, got {} items",
                items.len()
            );
        };
        assert!(!attrs::has(&s.attrs, DESERIALIZE).unwrap());
        assert!(!attrs::has(&s.attrs, SERIALIZE).unwrap());
        assert!(s.fields.iter().all(|f| f.attrs.is_empty()));
        assert!(
            de.mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "deserialize_struct")
        );
        assert!(ser.attrs.is_empty(), "a sent type always serializes");
        // A received-only type serializes behind the feature.
        let items = compact(job(), &[]).unwrap();
        let Some(Item::Macro(ser)) = items.last() else {
            panic!("no serialize invocation")
        };
        assert!(ser.attrs.iter().any(|a| a.path().is_ident("cfg")));
    }

    #[test]
    fn other_serde_attributes_keep_the_derive_the_documented_fallback() {
        let kept: [ItemStruct; 3] = [
            syn::parse_quote! {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Extra {
                    #[serde(flatten)]
                    pub rest: ::serde_json::Map<String, ::serde_json::Value>,
                }
            },
            syn::parse_quote! {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                #[serde(deny_unknown_fields)]
                pub struct Strict { pub id: String }
            },
            syn::parse_quote! {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Id(pub String);
            },
        ];
        for s in kept {
            let items = compact(s, &[]).unwrap();
            assert_eq!(items.len(), 1, "no invocation added");
            let Item::Struct(s) = &items[0] else { panic!() };
            assert!(
                attrs::has(&s.attrs, DESERIALIZE).unwrap(),
                "serde's derive stays"
            );
        }
    }

    #[test]
    fn a_struct_in_another_shape_fails_naming_it() {
        // Spelled without the leading `::`, the derive is still found (it
        // would otherwise be emitted beside the macro impl: E0119).
        let s: ItemStruct = syn::parse_quote! {
            #[derive(serde::Deserialize, Clone)]
            pub struct Job { pub id: String }
        };
        let items = compact(s, &[]).unwrap();
        let Item::Struct(s) = &items[0] else { panic!() };
        assert!(!attrs::has(&s.attrs, DESERIALIZE).unwrap());
        for (s, why) in [
            (
                syn::parse_quote!(
                    #[derive(Clone)]
                    pub struct Job {
                        pub id: String,
                    }
                ),
                "does not derive `serde::Deserialize`",
            ),
            (
                syn::parse_quote!(
                    #[derive(::serde::Deserialize)]
                    pub struct Job {
                        #[serde(rename = 1)]
                        pub id: String,
                    }
                ),
                "not a string",
            ),
        ] {
            let Err(e) = compact(s, &[]) else {
                panic!("{why}: accepted")
            };
            assert!(e.reason.contains("`Job`") && e.reason.contains(why), "{e}");
        }
    }
}
