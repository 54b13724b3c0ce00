//! Kombo's cursor pattern on a builder, as the model decided it
//! ([`crate::model::Pagination`]) and the plan typed it: `pages()` and
//! `stream()`, and the runtime's `Paginated` impl — the 200 response's
//! `data.next` is sent back as the cursor, `data.results` are the items.
//! The walk itself (repeated cursors, retries per page) is hand-written
//! (`src/runtime/pagination.rs`).

use proc_macro2::TokenStream;
use quote::quote;

use super::Ctx;
use super::plan::{PagePlan, Plan};

/// `pages()`/`stream()` (inside the builder's impl) and the `Paginated`
/// impl (beside it).
pub(super) fn render(
    ctx: &Ctx<'_>,
    plan: &Plan<'_>,
    pages: &PagePlan,
) -> (TokenStream, TokenStream) {
    let (rt, krate) = (&ctx.rt, &ctx.krate);
    let Some((_, response_ty)) = &plan.response else {
        return (quote!(), quote!());
    };
    let (cursor, item_ty) = (&pages.cursor, &pages.item_ty);
    let next_expr = if pages.next_optional {
        quote!(page.data.next.as_deref())
    } else {
        quote!(::std::option::Option::Some(page.data.next.as_str()))
    };
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
    (methods, trait_impl)
}
