//! Decoding through the runtime: every `ResponseValue::from_response(response)`
//! in an operation builder becomes `<runtime>::decode_response(response)`, so
//! a body that does not decode keeps its status, headers and body and becomes
//! `kombo::Error::UnexpectedResponse` (progenitor's own error has no status).
//!
//! Each operation's builder must contain at least one such call; a builder
//! without one fails generation naming the operation.

use proc_macro2::TokenStream;
use std::collections::BTreeMap;
use syn::visit_mut::VisitMut;
use syn::{Expr, Item};

use crate::error::CodegenError;

struct Rewriter<'a> {
    runtime: &'a TokenStream,
    rewritten: usize,
}

impl VisitMut for Rewriter<'_> {
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
            let (args, runtime) = (&call.args, self.runtime);
            *expr = syn::parse_quote!(#runtime::decode_response(#args));
            self.rewritten += 1;
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// Whether the operation at `pointer` has a response with a body to decode
/// (progenitor decodes only those with `from_response`).
pub fn has_response_body(doc: &serde_json::Value, pointer: &str) -> bool {
    doc.pointer(&format!("{pointer}/responses"))
        .and_then(serde_json::Value::as_object)
        .into_iter()
        .flatten()
        .any(|(_, r)| {
            crate::walk::resolve(doc, r)
                .get("content")
                .and_then(serde_json::Value::as_object)
                .is_some_and(|c| !c.is_empty())
        })
}

/// Rewrites the builders named in `builders` (struct name → operation
/// pointer) inside the `builder` module.
pub fn route_decoding(
    file: &mut syn::File,
    builders: &BTreeMap<String, String>,
    runtime: &TokenStream,
) -> Result<(), CodegenError> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let module = super::builder_module(file)?;
    for item in module.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        let Some(name) = super::self_type_name(&imp.self_ty) else {
            continue;
        };
        let Some((key, _)) = builders.get_key_value(&name) else {
            continue;
        };
        let mut rewriter = Rewriter {
            runtime,
            rewritten: 0,
        };
        rewriter.visit_item_impl_mut(imp);
        *counts.entry(key.as_str()).or_default() += rewriter.rewritten;
    }
    for (name, pointer) in builders {
        if counts.get(name.as_str()).copied().unwrap_or(0) == 0 {
            return Err(CodegenError::at(
                pointer,
                format!(
                    "post-processing found no `ResponseValue::from_response` call in builder `{name}`"
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn calls_are_rerouted_and_a_builder_without_one_fails() {
        let source = quote! {
            pub mod builder {
                pub struct DoIt;
                impl DoIt {
                    async fn send() {
                        match status {
                            200u16 => ResponseValue::from_response(response).await,
                            _ => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                        }
                    }
                }
                pub struct Other;
                impl Other { async fn send() { ResponseValue::other(response) } }
            }
        };
        let runtime = quote!(crate::runtime);
        let listed = |names: &[&str]| -> BTreeMap<String, String> {
            names
                .iter()
                .map(|n| ((*n).to_owned(), format!("/paths/~1{n}/get")))
                .collect()
        };
        let mut file: syn::File = syn::parse2(source.clone()).unwrap();
        route_decoding(&mut file, &listed(&["DoIt"]), &runtime).unwrap();

        let mut file: syn::File = syn::parse2(source).unwrap();
        let e = route_decoding(&mut file, &listed(&["DoIt", "Other"]), &runtime).unwrap_err();
        assert_eq!(e.pointer, "/paths/~1Other/get");
        assert!(e.reason.contains("builder `Other`"), "{e}");
    }
}
