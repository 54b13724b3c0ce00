//! What the mock (`kombo::mock`, feature `mock`) serves, rendered from the
//! same plans as the client: per operation, a validator that decodes each
//! parameter and the body with the operation's generated types, and its
//! route (the `OPERATION` facts, the validator, a decoder of its response
//! type, its cursor parameter); per crate, the spec's document the answers
//! are built from and the table of routes — behind each tag's feature, like
//! the operations.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value};

use super::Ctx;
use super::plan::{BodyPlan, Plan};
use crate::model::Location;
use crate::options::{Host, Options};

/// The operation's validator and route, inside its module.
pub(super) fn route(ctx: &Ctx<'_>, plan: &Plan<'_>) -> TokenStream {
    let mock = &ctx.mock;
    let checks: Vec<TokenStream> = plan
        .params
        .iter()
        .map(|p| {
            let (wire, ty, required) = (&p.wire, &p.setter.ty, p.required);
            match p.location {
                Location::Path => quote!(request.path::<#ty>(#wire)?;),
                Location::Query => quote!(request.query::<#ty>(#wire, #required)?;),
                Location::Header => quote!(request.header::<#ty>(#wire, #required)?;),
            }
        })
        .collect();
    let scoped: Vec<TokenStream> = plan
        .scoped
        .iter()
        .map(|s| {
            let (name, required) = (&s.name, s.required);
            quote!(request.header::<::std::string::String>(#name, #required)?;)
        })
        .collect();
    let body = match &plan.body {
        BodyPlan::Fields { ty, .. } => quote!(request.json_body::<#ty>(true)?;),
        BodyPlan::Whole { ty, required } => quote!(request.json_body::<#ty>(#required)?;),
        BodyPlan::None | BodyPlan::Raw => quote!(),
    };
    let (decoder, decodes) = match &plan.response {
        Some((_, ty)) => (
            quote! {
                #[cfg(feature = "mock")]
                fn mock_decodes(body: &[u8]) -> ::std::result::Result<(), ::std::string::String> {
                    ::serde_json::from_slice::<#ty>(body).map(drop).map_err(|e| e.to_string())
                }
            },
            quote!(::std::option::Option::Some(mock_decodes)),
        ),
        None => (quote!(), quote!(::std::option::Option::None)),
    };
    let paging = match &plan.op.pagination {
        Some(p) => {
            let (cursor, next, results) = (&p.cursor, &p.next, &p.results);
            quote!(::std::option::Option::Some(#mock::RoutePaging {
                cursor: #cursor,
                next: &[#(#next),*],
                results: &[#(#results),*],
            }))
        }
        None => quote!(::std::option::Option::None),
    };
    // A request of an operation with nothing to check is not read.
    let nothing = checks.is_empty() && scoped.is_empty() && body.is_empty();
    let request = if nothing {
        quote!(_request)
    } else {
        quote!(request)
    };
    quote! {
        /// Decodes a request of this operation as the client would send it.
        #[cfg(feature = "mock")]
        fn mock_validate(
            #request: &#mock::Incoming<'_>,
        ) -> ::std::result::Result<(), #mock::Invalid> {
            #(#checks)*
            #(#scoped)*
            #body
            ::std::result::Result::Ok(())
        }

        #decoder

        /// How the mock serves this operation.
        #[cfg(feature = "mock")]
        pub(crate) const MOCK: #mock::Route = #mock::Route {
            operation: &OPERATION,
            validate: mock_validate,
            decodes: #decodes,
            paging: #paging,
        };
    }
}

/// The spec the mock serves: the document and the routes (`routes`: one
/// `&<tag>::<op>::MOCK,` per generated operation, gated like it).
pub(super) fn spec(original: &Value, routes: &[TokenStream], options: &Options) -> TokenStream {
    let mock = options.mock();
    let document =
        serde_json::to_string(&served_document(original)).unwrap_or_else(|_| "{}".to_owned());
    let export = match options.host {
        Host::Kombo => quote!(),
        Host::Standalone => quote! {
            /// This spec's operations, for `kombo::mock::MockServer::builder().spec(MOCK)`.
            #[cfg(feature = "mock")]
            pub const MOCK: ::kombo::mock::MockSpec = mock_routes::SPEC;
        },
    };
    quote! {
        /// The spec the mock serves: its document and a route per operation.
        #[cfg(feature = "mock")]
        pub(crate) mod mock_routes {
            pub(crate) const SPEC: #mock::MockSpec = #mock::MockSpec::new(#document, &[#(#routes)*]);
        }

        #export
    }
}

/// What the mock builds answers from: the spec as Kombo wrote it (so the
/// answers conform to it, not to the normalized form), without prose and
/// code samples.
fn served_document(original: &Value) -> Value {
    let mut served = Map::new();
    for key in ["paths", "components"] {
        if let Some(value) = original.get(key) {
            served.insert(key.to_owned(), without_prose(value));
        }
    }
    Value::Object(served)
}

/// The value without `description`, `summary` and `x-codeSamples` text (a
/// property *named* `description` is a schema, an object: it stays).
fn without_prose(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, v)| {
                    !(matches!(k.as_str(), "description" | "summary") && v.is_string()
                        || k.as_str() == "x-codeSamples")
                })
                .map(|(k, v)| (k.clone(), without_prose(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_prose).collect()),
        other => other.clone(),
    }
}
