//! Unions: serde's `Deserialize` derive of typify's tagged, adjacently
//! tagged and untagged enums becomes `deserialize_union!(Name, kind, [
//! variants ], other Catchall)`, which buffers the value once and decodes
//! it in one non-generic function (`src/runtime/unions.rs`).
//!
//! Taken: on the container exactly `tag`, `tag` + `content` or `untagged`;
//! variants of unit, one unnamed field or named fields (struct variants not
//! in an adjacently tagged union, unit variants not in an untagged one),
//! with `rename` and, on one unit variant of a tagged union, `other`; on a
//! struct variant's field `rename`, `default` and `skip_serializing_if`.
//! Anything else — another serde attribute, generics — keeps serde's derive
//! (the fallback documented in `structs.rs`, tested below).
//!
//! `Serialize` moves to `serialize_union!` (behind the [`Roles`] gate for a
//! received-only union) except for an internally tagged union with a newtype
//! variant, which serde serializes by merging the tag into the inner map:
//! that union keeps serde's `Serialize` derive and the attributes it reads,
//! put behind the opt-in feature here when received-only (the roles pass
//! only gates types that still derive both).

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, Fields, Item, ItemEnum, Meta};

use super::structs::{Field, named_fields, string};
use crate::emit::passes::Sites;
use crate::emit::passes::attrs::{self, DESERIALIZE, SERIALIZE};
use crate::emit::passes::roles::Roles;
use crate::error::CodegenError;

/// Replaces serde's `Deserialize` derive of every union in `types` the
/// macro handles; returns how many.
pub(crate) fn compact_unions(
    items: &mut Vec<Item>,
    rt: &TokenStream,
    roles: &Roles,
    sites: &Sites,
) -> Result<usize, CodegenError> {
    super::with_invocations(items, |item| {
        let Item::Enum(e) = item else {
            return Ok(None);
        };
        let name = e.ident.to_string();
        let err = |why: String| sites.error("compact unions", &name, &why);
        if !attrs::has(&e.attrs, DESERIALIZE).map_err(err)? {
            return Ok(None);
        }
        match plan(e).map_err(err)? {
            Some(plan) => Ok(Some(apply(e, &plan, rt, roles).map_err(err)?)),
            None => Ok(None),
        }
    })
}

/// How the variant is told apart.
#[derive(Debug, PartialEq)]
enum Kind {
    Internal(String),
    Adjacent(String, String),
    Untagged,
}

enum Shape {
    Unit,
    Newtype,
    Struct(Vec<Field>),
}

struct Variant {
    ident: syn::Ident,
    wire: String,
    shape: Shape,
}

struct Plan {
    kind: Kind,
    variants: Vec<Variant>,
    other: Option<syn::Ident>,
}

/// The plan for `e`, which derives `Deserialize`; `None` keeps serde's
/// derive.
fn plan(e: &ItemEnum) -> Result<Option<Plan>, String> {
    if !e.generics.params.is_empty() {
        return Ok(None);
    }
    let Some(kind) = kind(&attrs::serde_metas(&e.attrs)?)? else {
        return Ok(None);
    };
    let mut variants = Vec::with_capacity(e.variants.len());
    let mut other = None;
    for v in &e.variants {
        let mut wire = v.ident.to_string();
        let mut is_other = false;
        for meta in attrs::serde_metas(&v.attrs)? {
            match &meta {
                Meta::NameValue(nv) if nv.path.is_ident("rename") => wire = string(&nv.value)?,
                Meta::Path(p) if p.is_ident("other") => is_other = true,
                _ => return Ok(None),
            }
        }
        let shape = match &v.fields {
            Fields::Unit => Shape::Unit,
            Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                if f.unnamed.iter().any(|f| !f.attrs.is_empty()) {
                    return Ok(None);
                }
                Shape::Newtype
            }
            Fields::Unnamed(_) => return Ok(None),
            Fields::Named(named) => match named_fields(named)? {
                Some(fields) => Shape::Struct(fields),
                None => return Ok(None),
            },
        };
        let fits = match (&kind, &shape) {
            (Kind::Untagged, Shape::Unit) | (Kind::Adjacent(..), Shape::Struct(_)) => false,
            _ => !is_other || (matches!(shape, Shape::Unit) && other.is_none()),
        };
        if !fits {
            return Ok(None);
        }
        if is_other {
            other = Some(v.ident.clone());
        } else {
            variants.push(Variant {
                ident: v.ident.clone(),
                wire,
                shape,
            });
        }
    }
    Ok(Some(Plan {
        kind,
        variants,
        other,
    }))
}

fn kind(metas: &[Meta]) -> Result<Option<Kind>, String> {
    let (mut tag, mut content, mut untagged) = (None, None, false);
    for meta in metas {
        match meta {
            Meta::NameValue(nv) if nv.path.is_ident("tag") => tag = Some(string(&nv.value)?),
            Meta::NameValue(nv) if nv.path.is_ident("content") => {
                content = Some(string(&nv.value)?);
            }
            Meta::Path(p) if p.is_ident("untagged") => untagged = true,
            _ => return Ok(None),
        }
    }
    Ok(match (tag, content, untagged) {
        (Some(tag), None, false) => Some(Kind::Internal(tag)),
        (Some(tag), Some(content), false) => Some(Kind::Adjacent(tag, content)),
        (None, None, true) => Some(Kind::Untagged),
        // An enum of serde's default (externally tagged) representation, or
        // attributes that contradict each other: serde's derive decides.
        _ => None,
    })
}

/// Removes the `Deserialize` derive, and the `Serialize` derive where the
/// macro writes it too, with the serde attributes no derive reads any more;
/// returns the invocations.
fn apply(
    e: &mut ItemEnum,
    plan: &Plan,
    rt: &TokenStream,
    roles: &Roles,
) -> Result<Vec<Item>, String> {
    attrs::take(&mut e.attrs, DESERIALIZE)?;
    let name = e.ident.to_string();
    // serde serializes an internally tagged newtype variant by merging the
    // tag into the inner value's map: that stays with its derive.
    let merged = matches!(plan.kind, Kind::Internal(_))
        && plan
            .variants
            .iter()
            .any(|v| matches!(v.shape, Shape::Newtype));
    let serialize = attrs::has(&e.attrs, SERIALIZE)?;
    if !serialize || !merged {
        if serialize {
            attrs::take(&mut e.attrs, SERIALIZE)?;
        }
        for_each_serde_attr(e, |_| None);
    } else {
        keep_serde_derive(e, roles.received_only(&name));
    }
    let mut out = vec![invocation(e, plan, rt, "deserialize_union", false)];
    if serialize && !merged {
        let gate = roles.serialize_gate(&name);
        let invocation = invocation(e, plan, rt, "serialize_union", true);
        out.push(syn::parse_quote!(#gate #invocation));
    }
    Ok(out)
}

/// For serde's `Serialize` derive: drops what only decoding reads (`default`,
/// `other`, now in the invocation) and, for a received-only union, puts the
/// derive and its attributes behind the feature.
fn keep_serde_derive(e: &mut ItemEnum, received_only: Option<&str>) {
    for_each_serde_attr(e, |attr| {
        let metas = attrs::serde_metas(std::slice::from_ref(attr)).ok()?;
        let kept: Vec<&Meta> = metas
            .iter()
            .filter(|m| !m.path().is_ident("default") && !m.path().is_ident("other"))
            .collect();
        (!kept.is_empty()).then(|| syn::parse_quote!(#[serde(#(#kept),*)]))
    });
    let Some(feature) = received_only else {
        return;
    };
    let _ = attrs::remove(&mut e.attrs, SERIALIZE);
    // Before the serde attributes: a derive's helper attribute may not come
    // before the derive.
    let at = e
        .attrs
        .iter()
        .position(|a| a.path().is_ident("derive"))
        .map_or(0, |i| i + 1);
    e.attrs.insert(
        at,
        syn::parse_quote!(#[cfg_attr(feature = #feature, derive(::serde::Serialize))]),
    );
    for_each_serde_attr(e, |attr| {
        let meta = &attr.meta;
        Some(syn::parse_quote!(#[cfg_attr(feature = #feature, #meta)]))
    });
}

/// `macro!(Name, kind, [variants], other Catchall);` — with each field's
/// default for decoding, its skip test for encoding.
fn invocation(e: &ItemEnum, plan: &Plan, rt: &TokenStream, name: &str, encode: bool) -> Item {
    let ident = &e.ident;
    let variants = plan.variants.iter().map(|v| {
        let (variant, wire) = (&v.ident, &v.wire);
        let wire = (plan.kind != Kind::Untagged).then(|| quote!(#wire));
        let shape = match &v.shape {
            Shape::Unit => quote!(),
            Shape::Newtype => quote!((_)),
            Shape::Struct(fields) => {
                let fields = fields.iter().map(|f| {
                    let (field, fwire) = (&f.ident, &f.wire);
                    let extra = match (encode, &f.default, &f.skip) {
                        (false, Some(default), _) => quote!(= #default),
                        (true, _, Some(skip)) => quote!(if #skip),
                        _ => quote!(),
                    };
                    quote!(#field: #fwire #extra)
                });
                quote!({ #(#fields),* })
            }
        };
        quote!(#wire #variant #shape)
    });
    let kind = match &plan.kind {
        Kind::Internal(tag) => quote!(tag #tag),
        Kind::Adjacent(tag, content) => quote!(tag #tag content #content),
        Kind::Untagged => quote!(untagged),
    };
    let other = plan.other.as_ref().map(|o| quote!(, other #o));
    let mac = syn::Ident::new(name, proc_macro2::Span::call_site());
    syn::parse_quote! {
        #rt::#mac!(#ident, #kind, [#(#variants),*] #other);
    }
}

/// Replaces every `#[serde(...)]` of the enum, its variants and their
/// fields with what `f` returns (`None` drops it).
fn for_each_serde_attr(e: &mut ItemEnum, f: impl Fn(&Attribute) -> Option<Attribute>) {
    let rewrite = |attrs: &mut Vec<Attribute>| {
        *attrs = attrs
            .drain(..)
            .filter_map(|a| {
                if a.path().is_ident("serde") {
                    f(&a)
                } else {
                    Some(a)
                }
            })
            .collect();
    };
    rewrite(&mut e.attrs);
    for v in e.variants.iter_mut() {
        rewrite(&mut v.attrs);
        for field in v.fields.iter_mut() {
            rewrite(&mut field.attrs);
        }
    }
}

#[cfg(test)]
#[path = "unions_tests.rs"]
mod tests;
