//! Kombo's cursor pattern on a builder: `pages()` and `stream()`, and the
//! runtime's `Paginated` impl — the 200 response's `data.next` is sent back
//! as `cursor`, `data.results` are the items. The walk itself (repeated
//! cursors, retries per page) is hand-written (`src/runtime/pagination.rs`).

use proc_macro2::TokenStream;
use quote::quote;

use super::Ctx;
use super::builder::Setter;
use crate::error::CodegenError;
use crate::model::{Location, Operation, Param};

/// `pages()`/`stream()` (inside the builder's impl) and the `Paginated`
/// impl (beside it): the 200 response's `data.next` is sent back as
/// `cursor`, `data.results` are the items.
pub(super) fn pagination(
    ctx: &Ctx<'_>,
    op: &Operation,
    response: &typify::TypeId,
    response_ty: &TokenStream,
    params: &[(&Param, Setter)],
) -> Result<(TokenStream, TokenStream), CodegenError> {
    let rt = &ctx.rt;
    let krate = &ctx.krate;
    let fail = |what: &str| {
        CodegenError::at(
            &op.pointer,
            format!("paginated operation, but the generated response type has {what}"),
        )
    };
    let data = ctx
        .index
        .field(response, "data")
        .ok_or_else(|| fail("no `data`"))?;
    if ctx.index.unwrap_option(&data) != data {
        return Err(fail("an optional `data`"));
    }
    let next = ctx
        .index
        .field(&data, "next")
        .ok_or_else(|| fail("no `data.next`"))?;
    let results = ctx
        .index
        .field(&data, "results")
        .ok_or_else(|| fail("no `data.results`"))?;
    let item = ctx
        .index
        .vec_item(&results)
        .ok_or_else(|| fail("a `data.results` that is not a list"))?;
    let item_ty = ctx.index.ident(&item);
    let next_expr = if ctx.index.unwrap_option(&next) == next {
        quote!(::std::option::Option::Some(page.data.next.as_str()))
    } else {
        quote!(page.data.next.as_deref())
    };
    let cursor = params
        .iter()
        .find(|(p, _)| p.name == "cursor" && p.location == Location::Query)
        .map(|(_, s)| &s.ident)
        .ok_or_else(|| fail("no `cursor` parameter"))?;
    let methods = quote! {
        /// Every page, from this request as configured: `data.next` is sent
        /// back as `cursor` until it is `null`; a repeated cursor ends the
        /// stream with an error. Each page is retried like any call.
        pub fn pages(
            self,
        ) -> impl #rt::Stream<Item = ::std::result::Result<#krate::Response<#response_ty>, #krate::Error>>
               + ::std::marker::Unpin
               + 'a {
            #rt::pages(self)
        }

        /// Every item of every page (`data.results`), fetched lazily.
        pub fn stream(
            self,
        ) -> impl #rt::Stream<Item = ::std::result::Result<#item_ty, #krate::Error>>
               + ::std::marker::Unpin
               + 'a {
            #rt::items(self)
        }
    };
    let trait_impl = quote! {
        impl<'a> #rt::Paginated for Builder<'a> {
            type Page = #response_ty;
            type Item = #item_ty;
            fn with_cursor(self, cursor: ::std::string::String) -> Self {
                self.#cursor(cursor)
            }
            fn send_page(
                self,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<#krate::Response<Self::Page>, #krate::Error>,
            > {
                self.send()
            }
            fn next_cursor(page: &Self::Page) -> ::std::option::Option<&str> {
                #next_expr
            }
            fn into_items(page: Self::Page) -> ::std::vec::Vec<Self::Item> {
                page.data.results
            }
        }
    };
    Ok((methods, trait_impl))
}
