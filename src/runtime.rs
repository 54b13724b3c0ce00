//! What the generated client carries at run time (`Client::inner`), and the
//! progenitor hooks: authentication, scoped headers, request checks, retries,
//! tracing, and classification of bodies the API does not describe.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use backon::Retryable;
use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::{Request, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument;

use crate::error::{parse_envelope, retry_after};
use crate::retry::RetryPolicy;

/// Run-time settings of a client. Built by [`crate::KomboBuilder`]; not constructible elsewhere.
#[derive(Clone)]
pub struct Runtime {
    pub(crate) api_key: Arc<SecretString>,
    pub(crate) retry: RetryPolicy,
    pub(crate) integration_id: Option<Arc<str>>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("api_key", &"[redacted]")
            .field("retry", &self.retry)
            .field("integration_id", &self.integration_id)
            .finish()
    }
}

/// The buffered body of a response, kept for error reporting.
#[derive(Clone)]
pub(crate) struct BufferedBody(pub(crate) Bytes);

/// Why a response was turned into `UnexpectedResponse`.
#[derive(Clone)]
pub(crate) struct RejectedBecause(pub(crate) String);

/// Header each generated request carries but Kombo does not define.
const GENERATOR_VERSION_HEADER: &str = "api-version";

/// The facts of one operation the hooks need (from a generated `operations` table).
#[derive(Clone, Copy)]
struct OperationFacts {
    id: &'static str,
    path: &'static str,
    required_scoped_headers: &'static [&'static str],
    optional_scoped_headers: &'static [&'static str],
    request_content_type: Option<&'static str>,
}

/// Implements the hooks for a generated client and its `operations` table.
macro_rules! impl_client_hooks {
    ($client:ty, $operations:path) => {
        impl ClientHooks<Runtime> for $client {
            async fn pre<E>(
                &self,
                request: &mut Request,
                info: &OperationInfo,
            ) -> Result<(), progenitor_client::Error<E>> {
                use $operations as operations;
                let facts = operations::find(info.operation_id).map(|s| OperationFacts {
                    id: s.id,
                    path: s.path,
                    required_scoped_headers: s.required_scoped_headers,
                    optional_scoped_headers: s.optional_scoped_headers,
                    request_content_type: s.request_content_type,
                });
                prepare_request(self.baseurl(), self.inner(), request, info, facts)
                    .map_err(progenitor_client::Error::InvalidRequest)
            }

            async fn exec(
                &self,
                request: Request,
                info: &OperationInfo,
            ) -> reqwest::Result<Response> {
                execute(self.client(), self.inner(), request, info).await
            }

            async fn post<E>(
                &self,
                result: &reqwest::Result<Response>,
                _info: &OperationInfo,
            ) -> Result<(), progenitor_client::Error<E>> {
                match rejected_response(result) {
                    Some(response) => Err(progenitor_client::Error::UnexpectedResponse(response)),
                    None => Ok(()),
                }
            }
        }
    };
}

impl_client_hooks!(crate::generated::Client, crate::generated::operations);
#[cfg(feature = "spec-fixtures")]
impl_client_hooks!(crate::subset::Client, crate::subset::operations);

/// Checks the URL, sets authentication and scoped headers, drops the
/// generator's `api-version` header, and restores a raw body's media type.
fn prepare_request(
    baseurl: &str,
    runtime: &Runtime,
    request: &mut Request,
    info: &OperationInfo,
    facts: Option<OperationFacts>,
) -> Result<(), String> {
    check_path(baseurl, request, info.operation_id, facts)?;
    let headers = request.headers_mut();
    headers.remove(GENERATOR_VERSION_HEADER);
    let mut auth = HeaderValue::from_str(&format!("Bearer {}", runtime.api_key.expose_secret()))
        .map_err(|_| "the API key contains characters not allowed in an HTTP header".to_owned())?;
    auth.set_sensitive(true);
    headers.insert(AUTHORIZATION, auth);
    if let Some(facts) = facts {
        apply_scoped_headers(runtime, facts, headers)?;
        if let Some(content_type) = facts.request_content_type {
            let value = HeaderValue::from_str(content_type).map_err(|_| {
                format!("media type {content_type:?} is not a valid Content-Type header")
            })?;
            headers.insert(CONTENT_TYPE, value);
        }
    }
    Ok(())
}

async fn execute(
    client: &reqwest::Client,
    runtime: &Runtime,
    request: Request,
    info: &OperationInfo,
) -> reqwest::Result<Response> {
    let span = tracing::info_span!(
        "kombo.request",
        operation = info.operation_id,
        method = %request.method(),
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
        log_url = tracing::field::Empty,
    );
    execute_with_retries(client, &runtime.retry, request)
        .instrument(span)
        .await
}

/// A copy of a response marked by [`buffer`] as not described by the API.
fn rejected_response(result: &reqwest::Result<Response>) -> Option<Response> {
    let response = result.as_ref().ok()?;
    let reason = response.extensions().get::<RejectedBecause>()?;
    let body = response
        .extensions()
        .get::<BufferedBody>()
        .map(|b| b.0.clone())
        .unwrap_or_default();
    let mut copy = http::Response::new(body.clone());
    *copy.status_mut() = response.status();
    *copy.headers_mut() = response.headers().clone();
    copy.extensions_mut().insert(BufferedBody(body));
    copy.extensions_mut().insert(reason.clone());
    Some(Response::from(copy))
}

/// Refuses a request whose URL no longer follows the operation's path template,
/// e.g. an id of `..` (which would turn `/integrations/../relink` into `/relink`),
/// `.` or an empty id.
fn check_path(
    baseurl: &str,
    request: &Request,
    operation: &str,
    spec: Option<OperationFacts>,
) -> Result<(), String> {
    let Some(spec) = spec else {
        return Ok(());
    };
    let base_path = url::Url::parse(baseurl)
        .map(|u| u.path().trim_end_matches('/').to_owned())
        .unwrap_or_default();
    let expected: Vec<&str> = base_path
        .split('/')
        .chain(spec.path.split('/').skip(1))
        .collect();
    let actual: Vec<&str> = request.url().path().split('/').collect();
    let matches = expected.len() == actual.len()
        && expected.iter().zip(&actual).all(|(want, got)| {
            if want.starts_with('{') && want.ends_with('}') {
                !got.is_empty() && *got != "." && *got != ".."
            } else {
                want == got
            }
        });
    if matches {
        Ok(())
    } else {
        Err(format!(
            "`{operation}`: a path parameter is empty, `.` or `..`, which would send the request to `{}` instead of `{}`",
            request.url().path(),
            spec.path
        ))
    }
}

fn apply_scoped_headers(
    runtime: &Runtime,
    spec: OperationFacts,
    headers: &mut reqwest::header::HeaderMap,
) -> Result<(), String> {
    for name in spec
        .required_scoped_headers
        .iter()
        .chain(spec.optional_scoped_headers)
    {
        let required = spec.required_scoped_headers.contains(name);
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
                    spec.id
                ));
            }
            None => {}
        }
    }
    Ok(())
}

/// One attempt's outcome when it should not simply be returned.
enum Attempt {
    /// A response the policy retries (kept, to return it if attempts run out).
    Retryable(Response, Option<Duration>),
    /// Failed to connect: nothing was sent.
    Connect(reqwest::Error),
    /// Any other transport failure: not retried (the request may have been processed).
    Fatal(reqwest::Error),
    /// The request could not be copied for another attempt.
    NotClonable,
}

async fn execute_with_retries(
    client: &reqwest::Client,
    policy: &RetryPolicy,
    request: Request,
) -> reqwest::Result<Response> {
    let span = tracing::Span::current();
    // A body that cannot be cloned (a stream) is sent once.
    let template = match request.try_clone() {
        Some(template) if policy.enabled() => template,
        _ => {
            span.record("attempt", 1);
            return send_once(client, request, &span).await;
        }
    };
    let attempts = AtomicU32::new(0);
    let attempt = || async {
        let n = attempts.fetch_add(1, Ordering::Relaxed) + 1;
        span.record("attempt", n);
        let request = template.try_clone().ok_or_else(|| {
            // try_clone succeeded once, so the body is in memory and clones again.
            Attempt::NotClonable
        })?;
        match send_once(client, request, &span).await {
            Ok(response) => match policy.retry_decision(&response) {
                Some(wait) => Err(Attempt::Retryable(response, wait)),
                None => Ok(response),
            },
            Err(e) if e.is_connect() => Err(Attempt::Connect(e)),
            Err(e) => Err(Attempt::Fatal(e)),
        }
    };
    let max_wait = policy.max_retry_after;
    let outcome = attempt
        .retry(policy.backoff())
        .sleep(tokio_sleep)
        .when(|e| match e {
            Attempt::Retryable(_, wait) => wait.is_none_or(|w| w <= max_wait),
            Attempt::Connect(_) => policy.retry_connect_errors,
            Attempt::Fatal(_) | Attempt::NotClonable => false,
        })
        .adjust(|e, backoff| match (e, backoff) {
            (Attempt::Retryable(_, Some(wait)), Some(d)) => Some((*wait).max(d)),
            (_, d) => d,
        })
        .notify(|e, wait| {
            let reason = match e {
                Attempt::Retryable(r, _) => format!("HTTP {}", r.status().as_u16()),
                _ => "connection failed".to_owned(),
            };
            tracing::info!(?wait, %reason, "retrying Kombo request");
        })
        .await;
    match outcome {
        Ok(response) | Err(Attempt::Retryable(response, _)) => Ok(response),
        Err(Attempt::Connect(e)) | Err(Attempt::Fatal(e)) => Err(e),
        Err(Attempt::NotClonable) => send_once(client, template, &span).await,
    }
}

async fn send_once(
    client: &reqwest::Client,
    request: Request,
    span: &tracing::Span,
) -> reqwest::Result<Response> {
    let response = buffer(client.execute(request).await?).await?;
    let status = response.status().as_u16();
    span.record("status", status);
    match response
        .extensions()
        .get::<BufferedBody>()
        .and_then(|b| parse_envelope(&b.0))
    {
        Some(error) => {
            if let Some(log_url) = &error.log_url {
                span.record("log_url", log_url.as_str());
            }
            tracing::info!(
                status,
                code = error.code.as_deref().unwrap_or("none"),
                log_url = error.log_url.as_deref().unwrap_or("none"),
                "Kombo API error"
            );
        }
        None => tracing::debug!(status, "Kombo response"),
    }
    Ok(response)
}

async fn tokio_sleep(d: Duration) {
    tokio::time::sleep(d).await
}

/// Reads the whole body (Kombo answers with small JSON documents), keeps it in
/// the response's extensions, and marks bodies the API does not describe:
/// an error status without Kombo's envelope, or a success body that is not JSON.
async fn buffer(response: Response) -> reqwest::Result<Response> {
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    let rejected = if status.is_client_error() || status.is_server_error() {
        parse_envelope(&body)
            .is_none()
            .then(|| "error status without Kombo's error envelope".to_owned())
    } else if status.is_success() && !body.is_empty() {
        serde_json::from_slice::<serde::de::IgnoredAny>(&body)
            .err()
            .map(|e| format!("body is not JSON: {e}"))
    } else {
        None
    };
    let mut rebuilt = http::Response::new(body.clone());
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    rebuilt.extensions_mut().insert(BufferedBody(body));
    if let Some(reason) = rejected {
        rebuilt.extensions_mut().insert(RejectedBecause(reason));
    }
    Ok(Response::from(rebuilt))
}

impl RetryPolicy {
    /// `Some(wait hint)` when this response should be retried.
    fn retry_decision(&self, response: &Response) -> Option<Option<Duration>> {
        if !self.enabled() {
            return None;
        }
        let status = response.status();
        let body = response.extensions().get::<BufferedBody>();
        let code = body.and_then(|b| parse_envelope(&b.0)).map(|e| e.code);
        let retryable = match code {
            Some(Some(code)) => crate::ErrorCode::parse(&code).is_retryable(),
            // A 503 without a Kombo body: the load balancer, not the API.
            None => status == StatusCode::SERVICE_UNAVAILABLE,
            Some(None) => false,
        };
        if !retryable {
            return None;
        }
        let headers = response.headers();
        Some(retry_after(headers).or_else(|| crate::RateLimit::from_headers(headers).reset))
    }
}
