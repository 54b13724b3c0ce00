//! What generated code calls at run time. Generated clients refer to these
//! items by path (`crate::runtime::…`, or `::kombo::runtime::…` from another
//! crate): the state a client carries ([`Runtime`]), the facts of each
//! operation ([`OperationSpec`]), progenitor's hooks ([`hooks`]), decoding,
//! per-call options, pagination, and the macros that stand in for typify's
//! per-type boilerplate ([`string_enum!`], [`struct_builder!`]). Not part of
//! the stable API.

use std::sync::Arc;
use std::time::Duration;

use progenitor_client::ResponseValue;
use secrecy::SecretString;

use crate::envelope::{BufferedBody, Verdict};
use crate::retry::RetryPolicy;
use crate::{ApiKeyProvider, Error};

pub mod hooks;
mod macros;
mod pagination;
mod transport;
pub use macros::{__private, string_enum, struct_builder};

pub use pagination::{Paginated, items, pages};

/// One operation's static facts (a row of a generated `operations::ALL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationSpec {
    /// Method name on `Client` (also `OperationInfo::operation_id`).
    pub id: &'static str,
    /// The `operationId` in Kombo's spec.
    pub spec_id: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template relative to the base URL.
    pub path: &'static str,
    /// Scoped headers the operation requires.
    pub required_scoped_headers: &'static [&'static str],
    /// Scoped headers the operation accepts.
    pub optional_scoped_headers: &'static [&'static str],
    /// Media type of a request body sent as raw bytes (progenitor sends it as
    /// `application/octet-stream`).
    pub request_content_type: Option<&'static str>,
}

/// Where a client's API key comes from.
#[derive(Clone)]
pub(crate) enum KeySource {
    Fixed(Arc<SecretString>),
    Provider(Arc<dyn ApiKeyProvider>),
}

/// Run-time state of a client (`Client::inner`). Built by
/// [`crate::KomboBuilder`]; not constructible elsewhere.
#[derive(Clone)]
pub struct Runtime {
    pub(crate) key: KeySource,
    pub(crate) retry: RetryPolicy,
    pub(crate) integration_id: Option<Arc<str>>,
    /// Set for one call when it has options or a key from a provider.
    pub(crate) call: Option<Arc<CallState>>,
}

/// What one call adds to its client's runtime.
pub(crate) struct CallState {
    pub(crate) options: CallOptions,
    pub(crate) api_key: Option<SecretString>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("api_key", &"[redacted]")
            .field("retry", &self.retry)
            .field("integration_id", &self.integration_id)
            .finish_non_exhaustive()
    }
}

/// Options for one call: `kombo.op().with_options(CallOptions::new().timeout(..))`,
/// or the shorthands `with_timeout`, `with_retry`, `with_header` on every
/// operation. The call uses the client's connection pool.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) headers: Vec<(String, String)>,
}

impl CallOptions {
    /// No options: the client's settings apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// Timeout of each attempt of this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retry policy of this call.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// An extra header. Headers the client sets itself (`Authorization`, a
    /// scoped header such as `X-Integration-Id`) cannot be replaced this way:
    /// the call fails with [`Error::InvalidRequest`] and nothing is sent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    fn is_empty(&self) -> bool {
        self == &CallOptions::default()
    }
}

/// The runtime one call runs with: `None` when the client's own will do (no
/// options, a fixed key), so a plain call costs nothing extra.
pub async fn call_runtime(
    runtime: &Runtime,
    options: CallOptions,
) -> Result<Option<Runtime>, Error> {
    let api_key = match &runtime.key {
        KeySource::Fixed(_) => None,
        KeySource::Provider(provider) => Some(provider.api_key().await.map_err(Error::ApiKey)?),
    };
    if options.is_empty() && api_key.is_none() {
        return Ok(None);
    }
    let mut call = runtime.clone();
    call.call = Some(Arc::new(CallState { options, api_key }));
    Ok(Some(call))
}

/// `ResponseValue::from_response`, reading the body once: a body that does
/// not decode stays a response (status, headers, body) and becomes
/// [`Error::UnexpectedResponse`] naming the decoding error.
pub async fn decode_response<T: serde::de::DeserializeOwned, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, progenitor_client::Error<E>> {
    let (mut parts, body) = http::Response::from(response).into_parts();
    let body = match parts.extensions.get::<BufferedBody>() {
        Some(buffered) => buffered.0.clone(),
        None => http_body_util::BodyExt::collect(body)
            .await
            .map_err(progenitor_client::Error::ResponseBodyError)?
            .to_bytes(),
    };
    match serde_json::from_slice::<T>(&body) {
        Ok(value) => Ok(ResponseValue::new(value, parts.status, parts.headers)),
        Err(e) => {
            let reason = match e.classify() {
                serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                    format!("body is not JSON: {e}")
                }
                _ => format!("body does not match the API's schema: {e}"),
            };
            parts.extensions.insert(Verdict::Unexpected(reason));
            parts.extensions.insert(BufferedBody(body.clone()));
            Err(progenitor_client::Error::UnexpectedResponse(
                transport::rebuild(parts, body),
            ))
        }
    }
}

/// Fuzzing entry (`fuzz/`): classifies a response the way every call does —
/// the envelope parse, the error it becomes, whether it is retried and how
/// long the server asked to wait. Never panics, whatever the bytes.
#[doc(hidden)]
pub fn classify_response(
    status: u16,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
) -> Option<(bool, Option<Duration>)> {
    let status = reqwest::StatusCode::from_u16(status).ok()?;
    let mut response = http::Response::new(());
    *response.status_mut() = status;
    *response.headers_mut() = headers.clone();
    let (mut parts, ()) = response.into_parts();
    parts.extensions.insert(Verdict::of(status, body));
    parts
        .extensions
        .insert(BufferedBody(bytes::Bytes::copy_from_slice(body)));
    let error = Error::from_parts(&parts)?;
    let _ = (error.code(), error.to_string(), error.rate_limit());
    Some((error.is_retryable(), error.retry_after()))
}
