//! What generated code calls at run time: the state a client carries
//! ([`Core`]), each operation's static facts ([`Operation`]), one call
//! ([`Call`]: building, sending with retries under the limiter, tracing,
//! classifying the response once, decoding), the builders' field map ([`Fields`]), pagination, and the
//! macros that stand in for typify's per-type boilerplate. Private to the
//! crate; code generated into another crate reaches it through
//! `kombo::__private`, which is not part of the stable API.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use crate::retry::RetryPolicy;
use crate::{ApiKeyProvider, Error, Region};

mod call;
mod derive;
mod fields;
pub(crate) mod limiter;
mod macros;
mod pagination;
#[cfg(feature = "redis")]
pub(crate) mod shared;
mod telemetry;
mod transport;
mod unions;

pub use crate::__kombo_deserialize_struct as deserialize_struct;
pub use crate::__kombo_deserialize_union as deserialize_union;
pub use crate::__kombo_serialize_struct as serialize_struct;
pub use crate::__kombo_serialize_union as serialize_union;
pub use crate::__kombo_string_enum as string_enum;
pub use bytes::Bytes;
pub use call::Call;
pub use derive::{FieldKey, field, missing, parse_value, skip, string_value, unknown_value};
pub use fields::Fields;
pub use futures_core::Stream;
pub use macros::{error_codes, fields_builder};
pub use pagination::{Paginated, items, pages};
pub use serde_json::Value;
pub use unions::{
    JsonError, JsonMap, adjacent, buffer, content, get, get_or, internal, members, no_match, rest,
    tag_only, take, take_or, unknown_variant, whole,
};
pub use url::Url;

/// The header a scoped client (`kombo.integration(id)`) supplies: Kombo's
/// policy, generated from `kombo-codegen`'s one table.
pub(crate) use crate::generated::INTEGRATION_HEADER;

/// One operation's static facts: `kombo::<tag>::<operation>::OPERATION`,
/// handed to the runtime by the builder's `send()`. Tests name an operation
/// by it (the mock's canned answers and faults).
///
/// ```
/// let op = &kombo::general::create_reconnection_link::OPERATION;
/// assert_eq!((op.method, op.path), ("POST", "/integrations/{integration_id}/relink"));
/// ```
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// Method name (`create_reconnection_link`).
    pub id: &'static str,
    /// The `operationId` in Kombo's spec.
    pub spec_id: &'static str,
    /// The tag module (`general`).
    pub tag: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template relative to the base URL.
    pub path: &'static str,
    /// Headers a scoped client supplies.
    pub scoped_headers: &'static [ScopedHeader],
    /// Media type of a body sent as raw bytes.
    pub request_content_type: Option<&'static str>,
}

impl Operation {
    /// The facts generated code writes (not a stable constructor: its
    /// arguments follow the generator).
    #[doc(hidden)]
    pub const fn new(
        id: &'static str,
        spec_id: &'static str,
        tag: &'static str,
        method: &'static str,
        path: &'static str,
        scoped_headers: &'static [ScopedHeader],
        request_content_type: Option<&'static str>,
    ) -> Self {
        Operation {
            id,
            spec_id,
            tag,
            method,
            path,
            scoped_headers,
            request_content_type,
        }
    }
}

/// A header a scoped client supplies (`X-Integration-Id`).
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScopedHeader {
    /// Header name as the spec writes it.
    pub name: &'static str,
    /// Whether the operation requires it.
    pub required: bool,
}

impl ScopedHeader {
    /// The fact generated code writes.
    #[doc(hidden)]
    pub const fn new(name: &'static str, required: bool) -> Self {
        ScopedHeader { name, required }
    }
}

/// Where a client's API key comes from.
#[derive(Clone)]
pub(crate) enum KeySource {
    Fixed(Arc<SecretString>),
    Provider(Arc<dyn ApiKeyProvider>),
}

/// What every clone of a client shares.
pub(crate) struct Shared {
    pub(crate) http: reqwest::Client,
    /// The base URL without a trailing `/`.
    pub(crate) base_url: String,
    /// The base URL parsed once, when a call's URL can be this one with its
    /// path replaced (no query or fragment): a call then parses only its
    /// path, not the whole URL again.
    pub(crate) base: Option<url::Url>,
    pub(crate) region: Region,
    pub(crate) key: KeySource,
    /// `Authorization` for a fixed key (`None` with a provider, or when the
    /// key cannot be a header value: each call then reports it).
    pub(crate) bearer: Option<reqwest::header::HeaderValue>,
    pub(crate) retry: RetryPolicy,
    /// `None` when the limiter is off.
    pub(crate) limiter: Option<limiter::Limiter>,
}

/// `Bearer <key>` as a sensitive header value, shared rather than copied by
/// clones (`None` if the key holds characters a header cannot).
pub(crate) fn bearer(key: &SecretString) -> Option<reqwest::header::HeaderValue> {
    use secrecy::ExposeSecret;
    let text = format!("Bearer {}", key.expose_secret());
    let mut value = reqwest::header::HeaderValue::from_maybe_shared(Bytes::from(text)).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// A configured client's state: shared configuration plus the integration a
/// scoped client is for. Cloning is two reference counts.
#[derive(Clone)]
pub struct Core {
    pub(crate) shared: Arc<Shared>,
    pub(crate) integration_id: Option<Arc<str>>,
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Core")
            .field("base_url", &self.shared.base_url)
            .field("api_key", &"[redacted]")
            .field("retry", &self.shared.retry)
            .field("integration_id", &self.integration_id)
            .finish_non_exhaustive()
    }
}

/// The state behind a [`crate::Kombo`].
pub fn core(kombo: &crate::Kombo) -> &Core {
    kombo.core()
}

/// Options for one call: `kombo.general().op().with_options(CallOptions::new().timeout(..))`,
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
}

/// A setter's value converted to its type; the error names the parameter.
pub fn convert<T, V>(value: V, name: &str) -> Result<T, String>
where
    V: TryInto<T>,
    V::Error: std::fmt::Display,
{
    value
        .try_into()
        .map_err(|e| format!("`{name}` has an invalid value: {e}"))
}

/// A required parameter's value, or the error that it was not set.
pub fn required<T>(value: Option<Result<T, String>>, name: &str) -> Result<T, Error> {
    match value {
        Some(Ok(value)) => Ok(value),
        Some(Err(e)) => Err(Error::InvalidRequest(e)),
        None => Err(Error::InvalidRequest(format!(
            "`{name}` is required and was not set"
        ))),
    }
}

/// An optional parameter's value, if set.
pub fn optional<T>(value: Option<Result<T, String>>) -> Result<Option<T>, Error> {
    value.transpose().map_err(Error::InvalidRequest)
}

/// A body built from its field setters; the error names what is missing or invalid.
pub fn build_body<B, T>(builder: B) -> Result<T, Error>
where
    B: TryInto<T>,
    B::Error: std::fmt::Display,
{
    builder
        .try_into()
        .map_err(|e| Error::InvalidRequest(format!("body: {e}")))
}

/// Fuzzing entry (`fuzz/`): classifies a response the way every call does —
/// the envelope parse, the error it becomes, whether it is retried and how
/// long the server asked to wait. Never panics, whatever the bytes.
pub fn classify_response(
    status: u16,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
) -> Option<(bool, Option<Duration>)> {
    let status = reqwest::StatusCode::from_u16(status).ok()?;
    let verdict = crate::envelope::Verdict::of(status, body);
    let error = Error::from_response(status, headers.clone(), body, &verdict)?;
    let _ = (error.code(), error.to_string(), error.rate_limit());
    Some((error.is_retryable(), error.retry_after()))
}
