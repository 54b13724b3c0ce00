//! Kombo's cursor pattern on a builder, as the model decided it
//! ([`crate::model::Pagination`]) and the plan typed it: `pages()` and
//! `stream()`, and the runtime's `Paginated` impl — the 200 response's
//! `data.next` is sent back as the cursor, `data.results` are the items.
//! The walk itself (repeated cursors, retries per page) is hand-written
//! (`src/runtime/pagination.rs`).

use proc_macro2::TokenStream;
use quote::quote;

use super::Ctx;
use super::plan::PagePlan;

/// `pages()`/`stream()` (inside the builder's impl) and the `Paginated`
/// impl (beside it).
pub(super) fn render(ctx: &Ctx<'_>, pages: &PagePlan) -> (TokenStream, TokenStream) {
    (methods(ctx, pages), paginated_impl(ctx, pages))
}

/// `pages()` and `stream()`, documented with the paths they follow.
fn methods(ctx: &Ctx<'_>, pages: &PagePlan) -> TokenStream {
    let (rt, krate) = (&ctx.rt, &ctx.krate);
    let (page_ty, item_ty) = (&pages.page_ty, &pages.item_ty);
    let next = dotted(&pages.next);
    let pages_doc = [
        format!(" Every page, from this request as configured: `{next}` is sent"),
        format!(
            " back as `{}` until it is `null`; a repeated cursor ends the",
            pages.cursor_wire
        ),
        " stream with an error. Each page is retried like any call.".to_owned(),
    ];
    let stream_doc = format!(
        " Every item of every page (`{}`), fetched lazily.",
        dotted(&pages.results)
    );
    quote! {
        #(#[doc = #pages_doc])*
        pub fn pages(
            self,
        ) -> impl #rt::Stream<Item = ::std::result::Result<#krate::Response<#page_ty>, #krate::Error>>
               + ::std::marker::Unpin
               + 'a {
            #rt::pages(self)
        }

        #[doc = #stream_doc]
        pub fn stream(
            self,
        ) -> impl #rt::Stream<Item = ::std::result::Result<#item_ty, #krate::Error>>
               + ::std::marker::Unpin
               + 'a {
            #rt::items(self)
        }
    }
}

/// The runtime's view of a page: how to send the cursor back, where the
/// next one and the items are.
fn paginated_impl(ctx: &Ctx<'_>, pages: &PagePlan) -> TokenStream {
    let (rt, krate) = (&ctx.rt, &ctx.krate);
    let (cursor, page_ty, item_ty) = (&pages.cursor, &pages.page_ty, &pages.item_ty);
    let (next, results) = (&pages.next, &pages.results);
    let next_expr = if pages.next_optional {
        quote!(page #(.#next)* .as_deref())
    } else {
        quote!(::std::option::Option::Some(page #(.#next)* .as_str()))
    };
    quote! {
        impl<'a> #rt::Paginated for Builder<'a> {
            type Page = #page_ty;
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
                page #(.#results)*
            }
        }
    }
}

/// A field path as the docs write it (`data.next`).
fn dotted(path: &[syn::Ident]) -> String {
    path.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(".")
}
