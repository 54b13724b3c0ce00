//! Kombo's policy in the `kombo` crate's client: `ErrorCode` from every
//! error code the spec's error responses list plus the codes Kombo
//! documents, `ErrorFamily`, and the scoped header's name — all from the one
//! table ([`crate::policy`]). A code a spec update adds becomes a variant
//! (not retried until the table says so).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::name::upper_camel;
use crate::policy;

/// The codes the spec's error responses list (the `enum` of every `code`
/// property in an error response's schemas, `$ref`s followed), in document
/// order.
pub(crate) fn spec_codes(doc: &Value) -> Vec<String> {
    let shared = doc
        .pointer("/components/responses")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|responses| responses.values());
    let per_operation = crate::walk::operations(doc).into_iter().flat_map(|at| {
        doc.pointer(&format!("{}/responses", at.pointer))
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(status, _)| !status.starts_with('2'))
            .map(|(_, response)| response)
            .collect::<Vec<_>>()
    });
    let mut out = Vec::new();
    for response in shared.chain(per_operation) {
        let response = crate::walk::resolve(doc, response);
        let media = response.get("content").and_then(Value::as_object);
        for schema in media
            .into_iter()
            .flatten()
            .filter_map(|(_, m)| m.get("schema"))
        {
            crate::walk::visit_schemas(doc, schema, &mut |s| {
                if let Some(code) = s.pointer("/properties/code") {
                    crate::walk::visit_schemas(doc, code, &mut |c| enum_values(c, &mut out));
                }
            });
        }
    }
    let mut seen = BTreeSet::new();
    out.retain(|c| seen.insert(c.clone()));
    out
}

/// The string values a schema lists: its `enum`, or the known values of an
/// open enum.
fn enum_values(schema: &Value, out: &mut Vec<String>) {
    for key in ["enum", crate::normalize::KNOWN_VALUES_EXTENSION] {
        let values = schema.get(key).and_then(Value::as_array);
        out.extend(
            values
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned),
        );
    }
}

/// Each code `ErrorCode` has a variant for, and whether it is retryable:
/// the documented codes in the table's order, then the spec's others.
pub(crate) fn rows(doc: &Value) -> Vec<(String, bool)> {
    let mut rows: Vec<(String, bool)> = policy::DOCUMENTED
        .iter()
        .map(|(c, r)| ((*c).to_owned(), *r))
        .collect();
    for code in spec_codes(doc) {
        if !rows.iter().any(|(c, _)| *c == code) {
            rows.push((code, false));
        }
    }
    let mut variants = BTreeSet::new();
    // Two spellings of one name (`A.B_C` and `A_B.C`): the first keeps it;
    // the other still parses, as `ErrorCode::Unknown`.
    rows.retain(|(code, _)| {
        let variant = upper_camel(code);
        !variant.is_empty() && variants.insert(variant)
    });
    rows
}

/// The `error_codes!` invocation defining `ErrorFamily` and `ErrorCode`
/// (the documented codes in the table's order, then the spec's others), and
/// the scoped header the runtime keys its limiter by.
pub(crate) fn error_codes(doc: &Value, rt: &TokenStream) -> TokenStream {
    let families = policy::FAMILIES.iter().map(|(variant, prefix, doc)| {
        let variant = format_ident!("{}", variant);
        let doc = format!(" `{prefix}.*`: {doc}");
        quote!(#[doc = #doc] #variant = #prefix;)
    });
    let codes = rows(doc).into_iter().map(|(code, retry)| {
        let variant = format_ident!("{}", upper_camel(&code));
        quote!(#variant = #code, retry: #retry;)
    });
    let header = policy::INTEGRATION_HEADER;
    quote! {
        #rt::error_codes! {
            families { #(#families)* }
            codes { #(#codes)* }
        }

        /// The header a scoped client supplies (Kombo's policy, `kombo-codegen`).
        pub(crate) const INTEGRATION_HEADER: &str = #header;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::spec_codes;

    #[test]
    fn codes_are_found_behind_refs_wherever_the_normalizer_put_the_schema() {
        // The shape the normalizer leaves: the shared response refers to a
        // component schema, whose `error` and `code` are components too.
        let doc = json!({
            "paths": {"/a": {"get": {"responses": {
                "200": {"description": "ok"},
                "4XX": {"$ref": "#/components/responses/ErrorResponseGeneral"},
                "409": {"description": "conflict", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"error": {"type": "object", "properties": {
                        "code": {"anyOf": [{"type": "string", "enum": ["ATS.JOB_CLOSED"]}]}
                    }}}
                }}}}
            }}}},
            "components": {
                "responses": {"ErrorResponseGeneral": {"description": "error", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponseGeneral"}}
                }}},
                "schemas": {
                    "ErrorResponseGeneral": {"type": "object", "properties": {
                        "error": {"$ref": "#/components/schemas/ErrorDetails"}
                    }},
                    "ErrorDetails": {"type": "object", "properties": {
                        "code": {"$ref": "#/components/schemas/Code"}
                    }},
                    "Code": {"type": "string", "nullable": true,
                        "enum": ["PLATFORM.RATE_LIMIT_EXCEEDED", "PLATFORM.SOMETHING_NEW"]}
                }
            }
        });
        assert_eq!(
            spec_codes(&doc),
            [
                "PLATFORM.RATE_LIMIT_EXCEEDED",
                "PLATFORM.SOMETHING_NEW",
                "ATS.JOB_CLOSED"
            ]
        );
    }
}
