//! `pub mod webhooks`: the hand-written signature check and raw event,
//! re-exported by path, beside one typed enum of the spec's webhook events
//! (decoded by their `type`, with a variant that keeps an event type this
//! version does not know). The module exists for every spec, so
//! `<crate>::webhooks::verify` is always there and a spec update that adds
//! webhooks adds `webhooks::Event` to it — nothing hand-written shadows it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::name::rust_type_name;
use crate::normalize::webhooks::Webhook;

pub(super) fn events(webhooks: &[Webhook], hooks: &TokenStream) -> TokenStream {
    let event = (!webhooks.is_empty()).then(|| event_enum(webhooks, hooks));
    quote! {
        /// Kombo webhooks: check a delivery's `X-Kombo-Signature` ([`verify`]),
        /// then decode its body — as `Event` (one variant per webhook of the
        /// spec, when it has any) or as [`RawEvent`] (type, id, body).
        pub mod webhooks {
            pub use #hooks::{
                RawEvent, SIGNATURE_HEADER, WebhookError, WebhookEvent, verify, verify_signature,
            };

            #event
        }
    }
}

fn event_enum(webhooks: &[Webhook], hooks: &TokenStream) -> TokenStream {
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
            /// One webhook event of the spec, by its `type`, decoded after the
            /// signature is verified: `let event: Event = verify(secret, body, signature)?`.
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
