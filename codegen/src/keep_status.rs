//! A body that does not decode keeps its HTTP status.
//!
//! progenitor reports such a body as `Error::InvalidResponsePayload(bytes,
//! error)`, which has no status or headers. This pass routes every
//! `ResponseValue::from_response(response)` of the generated `builder` module
//! through `decode_response`, which returns `Error::UnexpectedResponse` with
//! the original status, headers and body instead, and the decoding error in
//! the response's extensions as [`INVALID_PAYLOAD_TYPE`].

use syn::visit_mut::VisitMut;
use syn::{Expr, Item};

/// Name of the generated extension type holding the decoding error.
pub const INVALID_PAYLOAD_TYPE: &str = "InvalidPayload";

struct Rewriter {
    rewritten: usize,
}

impl VisitMut for Rewriter {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Call(call) = expr
            && let Expr::Path(path) = &*call.func
            && path
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .eq(["ResponseValue", "from_response"])
        {
            let args = &call.args;
            *expr = syn::parse_quote!(decode_response(#args));
            self.rewritten += 1;
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// Rewrites the `builder` module; returns how many calls were rerouted.
pub fn keep_status_on_decode_errors(file: &mut syn::File) -> usize {
    let mut rewriter = Rewriter { rewritten: 0 };
    for item in file.items.iter_mut() {
        let Item::Mod(module) = item else { continue };
        if module.ident != "builder" {
            continue;
        }
        let Some((_, items)) = module.content.as_mut() else {
            continue;
        };
        for item in items.iter_mut() {
            rewriter.visit_item_mut(item);
        }
        if rewriter.rewritten > 0 {
            items.push(syn::parse_quote! {
                /// `ResponseValue::from_response`, except that a body that does not
                /// decode is returned as `Error::UnexpectedResponse` with its status,
                /// headers and body, and the decoding error as `InvalidPayload` in
                /// the response's extensions.
                async fn decode_response<T: ::serde::de::DeserializeOwned, E>(
                    response: reqwest::Response,
                ) -> Result<ResponseValue<T>, Error<E>> {
                    let status = response.status();
                    let version = response.version();
                    let headers = response.headers().clone();
                    let extensions = response.extensions().clone();
                    match ResponseValue::<T>::from_response::<E>(response).await {
                        Err(Error::InvalidResponsePayload(body, error)) => {
                            let mut rebuilt = ::http::Response::new(body);
                            *rebuilt.status_mut() = status;
                            *rebuilt.version_mut() = version;
                            *rebuilt.headers_mut() = headers;
                            *rebuilt.extensions_mut() = extensions;
                            rebuilt
                                .extensions_mut()
                                .insert(super::InvalidPayload(error.to_string()));
                            Err(Error::UnexpectedResponse(reqwest::Response::from(rebuilt)))
                        }
                        other => other,
                    }
                }
            });
        }
    }
    if rewriter.rewritten > 0 {
        file.items.push(syn::parse_quote! {
            /// Why a response body did not decode into the type the API describes
            /// (in the extensions of an `Error::UnexpectedResponse`).
            #[derive(Clone, Debug, PartialEq, Eq)]
            pub struct InvalidPayload(pub String);
        });
    }
    rewriter.rewritten
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn calls_in_the_builder_module_are_rerouted() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod builder {
                async fn send() {
                    match response.status().as_u16() {
                        200u16 => ResponseValue::from_response(response).await,
                        400u16..=499u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
            fn elsewhere() { ResponseValue::from_response(response); }
        })
        .unwrap();
        assert_eq!(keep_status_on_decode_errors(&mut file), 2);
        let text = quote!(#file).to_string();
        assert!(
            text.contains("200u16 => decode_response (response) . await"),
            "{text}"
        );
        assert!(
            text.contains("Error :: ErrorResponse (decode_response (response) . await ?)"),
            "{text}"
        );
        assert!(text.contains("async fn decode_response"), "{text}");
        assert!(text.contains("pub struct InvalidPayload"), "{text}");
        // Outside the builder module nothing changes.
        assert!(
            text.contains("fn elsewhere () { ResponseValue :: from_response (response) ; }"),
            "{text}"
        );
    }
}
