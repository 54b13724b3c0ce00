//! progenitor's hooks, called by every generated client: `pre` checks and
//! authenticates the request, `exec` sends it, `post` turns a response the
//! runtime classified as an error into progenitor's error (then
//! `kombo::Error`).

use progenitor_client::OperationInfo;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Request, Response};
use secrecy::ExposeSecret;

use super::{KeySource, OperationSpec, Runtime, transport};
use crate::envelope::{BufferedBody, Verdict};

/// Header each generated request carries but Kombo does not define.
const GENERATOR_VERSION_HEADER: &str = "api-version";

/// Checks the URL, applies per-call options, sets authentication and scoped
/// headers, drops the generator's `api-version` header, and restores a raw
/// body's media type. An error refuses the request (nothing is sent).
pub fn pre(
    baseurl: &str,
    runtime: &Runtime,
    request: &mut Request,
    info: &OperationInfo,
    operation: Option<&OperationSpec>,
) -> Result<(), String> {
    if let Some(operation) = operation {
        check_path(baseurl, request, operation)?;
    }
    let call = runtime.call.as_deref();
    if let Some(timeout) = call.and_then(|c| c.options.timeout) {
        *request.timeout_mut() = Some(timeout);
    }
    let headers = request.headers_mut();
    headers.remove(GENERATOR_VERSION_HEADER);
    if let Some(call) = call {
        extra_headers(&call.options.headers, operation, headers, info.operation_id)?;
    }
    let key = match (call.and_then(|c| c.api_key.as_ref()), &runtime.key) {
        (Some(key), _) => key.expose_secret(),
        (None, KeySource::Fixed(key)) => key.expose_secret(),
        (None, KeySource::Provider(_)) => {
            return Err("the API key provider was not asked for a key".to_owned());
        }
    };
    let mut auth = HeaderValue::from_str(&format!("Bearer {key}"))
        .map_err(|_| "the API key contains characters not allowed in an HTTP header".to_owned())?;
    auth.set_sensitive(true);
    headers.insert(AUTHORIZATION, auth);
    if let Some(operation) = operation {
        apply_scoped_headers(runtime, operation, headers)?;
        if let Some(content_type) = operation.request_content_type {
            let value = HeaderValue::from_str(content_type).map_err(|_| {
                format!("media type {content_type:?} is not a valid Content-Type header")
            })?;
            headers.insert(CONTENT_TYPE, value);
        }
    }
    Ok(())
}

/// Sends the request with the call's (else the client's) retry policy.
pub async fn exec(
    client: &reqwest::Client,
    runtime: &Runtime,
    request: Request,
    info: &OperationInfo,
) -> reqwest::Result<Response> {
    let policy = runtime
        .call
        .as_deref()
        .and_then(|c| c.options.retry.as_ref())
        .unwrap_or(&runtime.retry);
    transport::execute(client, policy, request, info.operation_id).await
}

/// A copy of a response classified as an error (an API error, or a body the
/// API does not describe), for progenitor to return as its error.
pub fn post(result: &reqwest::Result<Response>) -> Option<Response> {
    let response = result.as_ref().ok()?;
    if matches!(
        response.extensions().get::<Verdict>(),
        Some(Verdict::Success) | None
    ) {
        return None;
    }
    let body = response
        .extensions()
        .get::<BufferedBody>()
        .map(|b| b.0.clone())
        .unwrap_or_default();
    let mut copy = http::Response::new(());
    *copy.status_mut() = response.status();
    *copy.version_mut() = response.version();
    *copy.headers_mut() = response.headers().clone();
    *copy.extensions_mut() = response.extensions().clone();
    let (parts, ()) = copy.into_parts();
    Some(transport::rebuild(parts, body))
}

/// Headers the client owns; a per-call header may not replace them.
fn owned_by_client(name: &HeaderName, operation: Option<&OperationSpec>) -> bool {
    name == AUTHORIZATION
        || operation.is_some_and(|op| {
            op.required_scoped_headers
                .iter()
                .chain(op.optional_scoped_headers)
                .any(|h| h.eq_ignore_ascii_case(name.as_str()))
        })
        || name.as_str().eq_ignore_ascii_case("x-integration-id")
}

fn extra_headers(
    extra: &[(String, String)],
    operation: Option<&OperationSpec>,
    headers: &mut HeaderMap,
    operation_id: &str,
) -> Result<(), String> {
    for (name, value) in extra {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("`{operation_id}`: {name:?} is not a valid header name"))?;
        if owned_by_client(&header, operation) {
            return Err(format!(
                "`{operation_id}`: the {name} header is set by the client and cannot be replaced per call"
            ));
        }
        let value = HeaderValue::from_str(value).map_err(|_| {
            format!("`{operation_id}`: the value of {name} is not a valid header value")
        })?;
        headers.insert(header, value);
    }
    Ok(())
}

/// Refuses a request whose URL no longer follows the operation's path template,
/// e.g. an id of `..` (which would turn `/integrations/../relink` into `/relink`),
/// `.` or an empty id.
fn check_path(baseurl: &str, request: &Request, operation: &OperationSpec) -> Result<(), String> {
    // The base URL was checked when the client was built: its path is what
    // follows the authority (no parse per call).
    let after_scheme = baseurl.split_once("://").map_or(baseurl, |(_, rest)| rest);
    let base_path = after_scheme
        .find('/')
        .map_or("", |i| &after_scheme[i..])
        .trim_end_matches('/');
    let mut expected = base_path
        .split('/')
        .chain(operation.path.split('/').skip(1));
    let mut actual = request.url().path().split('/');
    let matches = loop {
        match (expected.next(), actual.next()) {
            (None, None) => break true,
            (Some(want), Some(got)) => {
                let fits = if want.starts_with('{') && want.ends_with('}') {
                    !got.is_empty() && got != "." && got != ".."
                } else {
                    want == got
                };
                if !fits {
                    break false;
                }
            }
            _ => break false,
        }
    };
    if matches {
        Ok(())
    } else {
        Err(format!(
            "`{}`: a path parameter is empty, `.` or `..`, which would send the request to `{}` instead of `{}`",
            operation.id,
            request.url().path(),
            operation.path
        ))
    }
}

fn apply_scoped_headers(
    runtime: &Runtime,
    operation: &OperationSpec,
    headers: &mut HeaderMap,
) -> Result<(), String> {
    for name in operation
        .required_scoped_headers
        .iter()
        .chain(operation.optional_scoped_headers)
    {
        let required = operation.required_scoped_headers.contains(name);
        // X-Integration-Id is the only scoped header Kombo has.
        let value = if name.eq_ignore_ascii_case("x-integration-id") {
            runtime.integration_id.as_deref()
        } else {
            None
        };
        match value {
            Some(value) => {
                let value = HeaderValue::from_str(value)
                    .map_err(|_| format!("{name} {value:?} is not a valid header value"))?;
                headers.insert(*name, value);
            }
            None if required => {
                return Err(format!(
                    "`{}` needs the {name} header: call it on `kombo.integration(\"<integration id>\")`",
                    operation.id
                ));
            }
            None => {}
        }
    }
    Ok(())
}
