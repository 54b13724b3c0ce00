//! `pub mod webhooks`: one typed enum of the spec's webhook events, decoded by
//! their `type`, with a variant that keeps an event type this version does
//! not know. Verification and the raw event are hand-written
//! (`<crate>::webhooks`); nothing is emitted for a spec without webhooks.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::name::rust_type_name;
use crate::normalize::webhooks::Webhook;

pub(super) fn events(webhooks: &[Webhook], krate: &TokenStream) -> TokenStream {
    if webhooks.is_empty() {
        return TokenStream::new();
    }
    let hooks = quote!(#krate::webhooks);
    let variants: Vec<_> = webhooks
        .iter()
        .map(|w| format_ident!("{}", rust_type_name(&w.name)))
        .collect();
    let payloads: Vec<_> = webhooks
        .iter()
        .map(|w| format_ident!("{}", rust_type_name(&w.payload)))
        .collect();
    let types: Vec<&str> = webhooks.iter().map(|w| w.event_type.as_str()).collect();
    let docs: Vec<String> = webhooks
        .iter()
        .map(|w| format!(" `{}` (webhook `{}`).", w.event_type, w.name))
        .collect();
    quote! {
        /// The spec's webhook events, decoded after the signature is verified:
        /// `let event: webhooks::Event = kombo::webhooks::verify(secret, body, signature)?`.
        pub mod webhooks {
            /// One webhook event, by its `type`.
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub enum Event {
                #(
                    #[doc = #docs]
                    #variants(super::types::#payloads),
                )*
                /// An event type this version does not know, kept as sent.
                Unknown(#hooks::RawEvent),
            }

            impl #hooks::WebhookEvent for Event {
                fn from_verified_body(body: &[u8]) -> Result<Self, #hooks::WebhookError> {
                    let raw = #hooks::RawEvent::from_verified_body(body)?;
                    let typed = match raw.event_type.as_str() {
                        #(#types => ::serde_json::from_slice(body).map(Self::#variants),)*
                        _ => return Ok(Self::Unknown(raw)),
                    };
                    typed.map_err(|e| #hooks::WebhookError::InvalidBody(
                        format!("a `{}` event that does not match its schema: {e}", raw.event_type),
                    ))
                }

                fn event_type(&self) -> &str {
                    match self {
                        #(Self::#variants(_) => #types,)*
                        Self::Unknown(raw) => &raw.event_type,
                    }
                }
            }
        }
    }
}
