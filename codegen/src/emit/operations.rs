//! Items emitted beside progenitor's client: the table of operation facts and
//! the hooks that hand every request to the hand-written runtime. Both refer
//! to hand-written types by path (`<runtime>::OperationSpec`, `<runtime>::hooks`).

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::name::ORIGINAL_OPERATION_ID;
use crate::normalize::REQUEST_CONTENT_TYPE_EXTENSION;
use crate::scope::SCOPED_HEADERS_EXTENSION;
use crate::walk::operations;

/// `pub mod operations` with one `<runtime>::OperationSpec` per operation.
pub(super) fn table(doc: &Value, runtime: &TokenStream) -> TokenStream {
    let rows = operations(doc).into_iter().filter_map(|at| {
        let op = doc.pointer(&at.pointer)?;
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let spec_id = op
            .get(ORIGINAL_OPERATION_ID)
            .and_then(Value::as_str)
            .unwrap_or(id);
        let headers = op
            .get(SCOPED_HEADERS_EXTENSION)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let names_where = |required: bool| -> Vec<String> {
            headers
                .iter()
                .filter(|h| h.get("required").and_then(Value::as_bool) == Some(required))
                .filter_map(|h| h.get("name").and_then(Value::as_str).map(str::to_owned))
                .collect()
        };
        let (required, optional) = (names_where(true), names_where(false));
        let http_method = at.method.to_ascii_uppercase();
        let path = &at.path;
        let content_type = match op
            .get(REQUEST_CONTENT_TYPE_EXTENSION)
            .and_then(Value::as_str)
        {
            Some(ct) => quote! { Some(#ct) },
            None => quote! { None },
        };
        Some(quote! {
            #runtime::OperationSpec {
                id: #id,
                spec_id: #spec_id,
                method: #http_method,
                path: #path,
                required_scoped_headers: &[#(#required),*],
                optional_scoped_headers: &[#(#optional),*],
                request_content_type: #content_type,
            }
        })
    });
    quote! {
        /// Static facts about every operation of the spec.
        pub mod operations {
            /// Every operation, in document order.
            pub const ALL: &[#runtime::OperationSpec] = &[#(#rows),*];

            /// The operation with this method name.
            pub fn find(id: &str) -> Option<&'static #runtime::OperationSpec> {
                ALL.iter().find(|op| op.id == id)
            }
        }
    }
}

/// progenitor's hooks, delegating to `<runtime>::hooks`, and the one
/// constructor the runtime needs (a client with another run-time state).
pub(super) fn hooks(runtime: &TokenStream) -> TokenStream {
    quote! {
        impl ClientHooks<#runtime::Runtime> for Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &OperationInfo,
            ) -> Result<(), Error<E>> {
                let operation = operations::find(info.operation_id);
                #runtime::hooks::pre(&self.baseurl, &self.inner, request, info, operation)
                    .map_err(Error::InvalidRequest)
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                #runtime::hooks::exec(&self.client, &self.inner, request, info).await
            }

            async fn post<E>(
                &self,
                result: &reqwest::Result<reqwest::Response>,
                _info: &OperationInfo,
            ) -> Result<(), Error<E>> {
                #runtime::hooks::post(result).map_or(Ok(()), |r| Err(Error::UnexpectedResponse(r)))
            }
        }

        impl Client {
            /// The same connection pool and base URL with other run-time state.
            #[doc(hidden)]
            pub fn with_runtime(&self, inner: #runtime::Runtime) -> Self {
                Self {
                    baseurl: self.baseurl.clone(),
                    client: self.client.clone(),
                    inner,
                }
            }
        }
    }
}
