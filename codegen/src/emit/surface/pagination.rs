//! Cursor pagination, found in the spec and generated for every operation
//! that has it: a `cursor` query parameter, and a 200 response whose `data`
//! holds `next` (string or null) and `results` (an array). Such a builder gets
//! `pages()` and `stream()` and implements `<runtime>::Paginated`; the walk
//! itself (cursor handling, repeated cursors, retries per page) is hand-written.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::Item;

use super::{find_impl, first_generic};
use crate::error::CodegenError;
use crate::name::{OperationName, rust_type_name};
use crate::walk::{OperationAt, operations, parameters, resolve};

/// Whether the operation follows Kombo's cursor pattern.
pub fn is_paginated(doc: &Value, at: &OperationAt) -> bool {
    let has_cursor = parameters(doc, at).iter().any(|p| {
        p.get("in").and_then(Value::as_str) == Some("query")
            && p.get("name").and_then(Value::as_str) == Some("cursor")
    });
    let Some(ok) = doc
        .pointer(&format!("{}/responses/200", at.pointer))
        .map(|r| resolve(doc, r))
        .and_then(|r| r.pointer("/content/application~1json/schema"))
    else {
        return false;
    };
    let data = property(doc, ok, "data");
    let next = data.and_then(|d| property(doc, d, "next"));
    let results = data.and_then(|d| property(doc, d, "results"));
    has_cursor
        && next.is_some_and(|n| n.get("type") == Some(&Value::from("string")))
        && results.is_some_and(|r| r.get("type") == Some(&Value::from("array")))
}

fn property<'a>(doc: &'a Value, schema: &'a Value, name: &str) -> Option<&'a Value> {
    let schema = resolve(doc, schema);
    let direct = schema
        .get("properties")
        .and_then(|p| p.get(name))
        .map(|s| resolve(doc, s));
    direct.or_else(|| {
        schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find_map(|branch| property(doc, branch, name))
    })
}

/// Adds `pages()`/`stream()` and the `Paginated` impl to paginated builders.
pub(super) fn add(
    file: &mut syn::File,
    doc: &Value,
    names: &[OperationName],
    krate: &TokenStream,
) -> Result<(), CodegenError> {
    let paginated: Vec<&OperationName> = operations(doc)
        .iter()
        .filter(|at| is_paginated(doc, at))
        .filter_map(|at| names.iter().find(|n| n.pointer == at.pointer))
        .collect();
    let types = types_module(file);
    let mut impls: Vec<(String, Vec<syn::ImplItem>, Item)> = Vec::new();
    for op in paginated {
        let name = rust_type_name(&op.method);
        let fail = |why: &str| {
            CodegenError::at(&op.pointer, format!("pagination of `{}`: {why}", op.method))
        };
        let module = super::super::builder_module(file)?;
        let imp = find_impl(module, &name).ok_or_else(|| fail("builder not found"))?;
        let page = send_success_type(imp).ok_or_else(|| fail("no success type on `send`"))?;
        let page_name = last_ident(&page).ok_or_else(|| fail("success type is not a path"))?;
        let data = field_type(&types, &page_name, "data")
            .ok_or_else(|| fail(&format!("`{page_name}` has no required field `data`")))?;
        let data_name = last_ident(&data).ok_or_else(|| fail("`data` is not a named type"))?;
        let next = field_type(&types, &data_name, "next")
            .ok_or_else(|| fail(&format!("`{data_name}` has no field `next`")))?;
        if last_ident(&next).as_deref() != Some("Option") {
            return Err(fail("`data.next` is not `Option<String>`"));
        }
        let results = field_type(&types, &data_name, "results")
            .ok_or_else(|| fail(&format!("`{data_name}` has no field `results`")))?;
        let item = (last_ident(&results).as_deref() == Some("Vec"))
            .then(|| first_generic(&results))
            .flatten()
            .ok_or_else(|| fail("`data.results` is not a `Vec`"))?;
        let ident = format_ident!("{name}");
        let page_name = format_ident!("{page_name}");
        let rt = quote!(#krate::runtime);
        let methods: Vec<syn::ImplItem> = vec![
            syn::parse_quote! {
                /// Every page, following `data.next` (sent back as `cursor`, all
                /// other parameters kept) until it is `null`. Each page is one
                /// `send()` with its retries; a cursor the server already returned
                /// ends the stream with an error instead of looping.
                pub fn pages(
                    self,
                ) -> impl ::futures_core::Stream<
                    Item = Result<ResponseValue<types::#page_name>, #krate::Error>,
                > + ::std::marker::Unpin + 'a {
                    #rt::pages(self)
                }
            },
            syn::parse_quote! {
                /// Every item of every page (see [`pages`](Self::pages)).
                pub fn stream(
                    self,
                ) -> impl ::futures_core::Stream<Item = Result<types::#item, #krate::Error>>
                       + ::std::marker::Unpin
                       + 'a {
                    #rt::items(self)
                }
            },
        ];
        let trait_impl: Item = syn::parse_quote! {
            impl #rt::Paginated for #ident<'_> {
                type Page = types::#page_name;
                type Item = types::#item;
                fn with_cursor(self, cursor: ::std::string::String) -> Self {
                    self.cursor(cursor)
                }
                fn send_page(
                    self,
                ) -> impl ::std::future::Future<
                    Output = Result<ResponseValue<Self::Page>, #krate::Error>,
                > {
                    self.send()
                }
                fn next_cursor(page: &Self::Page) -> Option<&str> {
                    page.data.next.as_deref()
                }
                fn into_items(page: Self::Page) -> Vec<Self::Item> {
                    page.data.results
                }
            }
        };
        impls.push((name, methods, trait_impl));
    }
    let module = super::super::builder_module(file)?;
    for (name, methods, trait_impl) in impls {
        if let Some(imp) = find_impl(module, &name) {
            imp.items.extend(methods);
        }
        module.push(trait_impl);
    }
    Ok(())
}

fn types_module(file: &syn::File) -> Vec<Item> {
    file.items
        .iter()
        .find_map(|i| match i {
            Item::Mod(m) if m.ident == "types" => {
                m.content.as_ref().map(|(_, items)| items.clone())
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// `T` of `send(self) -> Result<ResponseValue<T>, _>`.
fn send_success_type(imp: &syn::ItemImpl) -> Option<syn::Type> {
    let send = imp.items.iter().find_map(|i| match i {
        syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
        _ => None,
    })?;
    let syn::ReturnType::Type(_, ty) = &send.sig.output else {
        return None;
    };
    first_generic(&first_generic(ty)?)
}

fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The type of a named field of a struct in the `types` module.
fn field_type(types: &[Item], strukt: &str, field: &str) -> Option<syn::Type> {
    types.iter().find_map(|i| match i {
        Item::Struct(s) if s.ident == strukt => s
            .fields
            .iter()
            .find(|f| f.ident.as_ref().is_some_and(|i| i == field))
            .map(|f| f.ty.clone()),
        _ => None,
    })
}
