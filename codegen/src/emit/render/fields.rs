//! Builders for the struct types a request reaches (`types::builder::X`):
//! a setter per field, filled into one runtime map and decoded into the
//! type when built, so serde applies the spec's defaults and names a missing
//! required field. The wire name of each field is read off the serde
//! attributes typify wrote, not re-derived.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Fields, Item, Meta};

use super::Ctx;
use crate::emit::serde_metas;
use crate::error::CodegenError;

/// One field of a generated struct, as the builder sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireField {
    /// The Rust field name.
    pub rust: String,
    /// The JSON property name (`#[serde(rename)]`, else the Rust name).
    pub wire: String,
    /// Whether serde fills it when absent (`#[serde(default)]`).
    pub has_default: bool,
}

/// The fields of every struct with named fields among `items`, by type name.
/// A flattened field (`#[serde(flatten)]`, typify's `extra` map) has no wire
/// name and gets no setter; a value built `From` a whole struct keeps it.
pub fn wire_fields(items: &[Item]) -> BTreeMap<String, Vec<WireField>> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => match &s.fields {
                Fields::Named(named) => Some((s.ident.to_string(), named)),
                _ => None,
            },
            _ => None,
        })
        .map(|(name, named)| {
            let fields = named
                .named
                .iter()
                .filter_map(|f| {
                    let rust = f.ident.as_ref()?.to_string();
                    let mut wire = rust.trim_start_matches("r#").to_owned();
                    let mut has_default = false;
                    for meta in serde_metas(&f.attrs) {
                        match &meta {
                            Meta::NameValue(nv) if nv.path.is_ident("rename") => {
                                if let syn::Expr::Lit(syn::ExprLit {
                                    lit: syn::Lit::Str(s),
                                    ..
                                }) = &nv.value
                                {
                                    wire = s.value();
                                }
                            }
                            Meta::Path(p) if p.is_ident("flatten") => return None,
                            Meta::Path(p) if p.is_ident("default") => has_default = true,
                            Meta::NameValue(nv) if nv.path.is_ident("default") => {
                                has_default = true
                            }
                            _ => {}
                        }
                    }
                    Some(WireField {
                        rust,
                        wire,
                        has_default,
                    })
                })
                .collect();
            (name, fields)
        })
        .collect()
}

/// `pub mod builder { … }` for `ctx.builders`; a field the type space does
/// not know for its struct is an error naming both (a setter is never
/// dropped silently).
pub(super) fn builders(ctx: &Ctx<'_>) -> Result<TokenStream, CodegenError> {
    let rt = &ctx.rt;
    let mut items = Vec::with_capacity(ctx.builders.len());
    for (name, fields) in ctx.builders {
        let ident = format_ident!("{}", name);
        let typed = ctx.index.struct_named(name).unwrap_or_default();
        let mut setters = Vec::with_capacity(fields.len());
        for f in fields {
            let typed = typed.iter().find(|t| t.name == f.rust).ok_or_else(|| {
                CodegenError::at(
                    "",
                    format!(
                        "post-processing: the type space has no field `{}` of struct `{name}`",
                        f.rust
                    ),
                )
            })?;
            let field = format_ident!("{}", f.rust.trim_start_matches("r#"));
            let ty = ctx.index.ident(&typed.type_id)?;
            let wire = &f.wire;
            let doc = typed
                .description
                .clone()
                .unwrap_or_else(|| format!("Sets `{wire}`."));
            setters.push(quote!(#[doc = #doc] #field: #ty = #wire));
        }
        items.push(quote! {
            #rt::fields_builder!(#ident { #(#setters),* });
        });
    }
    Ok(quote! {
        /// Builders for the types a request reaches: `X::builder().field(..)`,
        /// then `X::try_from(builder)` (or pass the builder where an `X` is taken).
        pub mod builder {
            #[allow(unused_imports)]
            use super::super::types;
            #(#items)*
        }
    })
}
