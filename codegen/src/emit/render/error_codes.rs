//! `ErrorCode`, from every error code the spec's error responses list plus
//! the codes Kombo documents. The table below is the one hand-kept list: it
//! says only what the spec cannot — which codes Kombo documents beyond the
//! spec, and which are safe to retry. A code a spec update adds becomes a
//! variant (not retried until the table says so).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::name::upper_camel;

/// Kombo's documented codes (docs.kombo.dev/guides/errors) and whether each
/// is safe to retry automatically (the request was not processed).
const DOCUMENTED: &[(&str, bool)] = &[
    ("PLATFORM.RATE_LIMIT_EXCEEDED", true),
    ("PLATFORM.CONCURRENCY_LIMIT_EXCEEDED", true),
    ("PLATFORM.INTEGRATION_NOT_FOUND", false),
    ("PLATFORM.INPUT_INVALID", false),
    ("PLATFORM.UNKNOWN_ERROR", false),
    ("PLATFORM.IP_NOT_WHITELISTED", false),
    ("PLATFORM.AUTHENTICATION_INVALID", false),
    ("PLATFORM.TASK_TIMED_OUT", false),
    ("INTEGRATION.INACTIVE", false),
    ("INTEGRATION.SETUP_INCOMPLETE", false),
    ("INTEGRATION.SETUP_SYNC_PENDING", false),
    ("INTEGRATION.QA_FAILED", false),
    ("INTEGRATION.AUTHENTICATION_INVALID", false),
    ("INTEGRATION.PERMISSION_MISSING", false),
    ("INTEGRATION.MODEL_NOT_AVAILABLE", false),
    ("INTEGRATION.MODEL_DISABLED", false),
    ("INTEGRATION.ACTION_NOT_AVAILABLE", false),
    ("INTEGRATION.ACTION_DISABLED", false),
    ("REMOTE.INPUT_INVALID", false),
    ("REMOTE.RATE_LIMIT_EXCEEDED", true),
    ("REMOTE.SERVICE_UNAVAILABLE", true),
    ("REMOTE.UNKNOWN_HTTP_ERROR", false),
    ("ATS.JOB_CLOSED", false),
    ("ATS.APPLICATION_ALREADY_EXISTS", false),
    ("HRIS.EMPLOYEE_ALREADY_EXISTS", false),
    ("AI_APPLY.JOB_FEED_IMPORT_ALREADY_RUNNING", false),
    ("AI_APPLY.JOB_FEED_IMPORT_TIMED_OUT", false),
];

/// The codes the spec's error responses list (`error.code` enums), in
/// document order.
pub fn spec_codes(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let shared = doc
        .pointer("/components/responses")
        .and_then(Value::as_object);
    for response in shared.into_iter().flatten().map(|(_, r)| r) {
        codes_in(response, &mut out);
    }
    for at in crate::walk::operations(doc) {
        let responses = doc
            .pointer(&format!("{}/responses", at.pointer))
            .and_then(Value::as_object);
        for (status, r) in responses.into_iter().flatten() {
            if !status.starts_with('2') {
                codes_in(crate::walk::resolve(doc, r), &mut out);
            }
        }
    }
    let mut seen = BTreeSet::new();
    out.retain(|c| seen.insert(c.clone()));
    out
}

fn codes_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(code) = map.get("code") {
                for key in ["enum", crate::normalize::KNOWN_VALUES_EXTENSION] {
                    let values = code.get(key).and_then(Value::as_array);
                    out.extend(
                        values
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                            .map(str::to_owned),
                    );
                }
            }
            map.values().for_each(|v| codes_in(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| codes_in(v, out)),
        _ => {}
    }
}

/// The `error_codes!` invocation defining `ErrorCode`: the documented codes
/// in the table's order, then the spec's others.
pub(crate) fn error_codes(doc: &Value, rt: &TokenStream) -> TokenStream {
    let mut rows: Vec<(String, bool)> = DOCUMENTED
        .iter()
        .map(|(c, r)| ((*c).to_owned(), *r))
        .collect();
    for code in spec_codes(doc) {
        if !rows.iter().any(|(c, _)| *c == code) {
            rows.push((code, false));
        }
    }
    let mut variants = BTreeSet::new();
    let rows = rows.iter().filter_map(|(code, retry)| {
        let variant = upper_camel(code);
        // Two spellings of one name (`A.B_C` and `A_B.C`): the first keeps it;
        // the other still parses, as `ErrorCode::Unknown`.
        if variant.is_empty() || !variants.insert(variant.clone()) {
            return None;
        }
        let variant = format_ident!("{}", variant);
        Some(quote!(#variant = #code, retry: #retry;))
    });
    quote! {
        #rt::error_codes! {
            #(#rows)*
        }
    }
}
