//! One call, from the builder's arguments to a decoded response or a
//! [`Error`]: the URL from the path template, query pairs and headers from
//! the parameters, the body, authentication and scoped headers, the
//! limiter's key (the `X-Integration-Id` sent), then one
//! [`transport::execute`] — the only way a request is sent.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Request, Url};
use secrecy::SecretString;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::transport::{self, Success};
use super::{CallOptions, Core, KeySource, Operation};
use crate::{Error, Response};

/// What a path segment must escape (RFC 3986 `pchar` minus what Kombo's ids never hold).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// A request being put together by a generated `send()`.
pub struct Call<'a> {
    core: &'a Core,
    operation: &'static Operation,
    options: CallOptions,
    /// The path with its parameters filled in (the whole URL without a
    /// parsed base).
    url: String,
    query: Vec<(&'static str, String)>,
    headers: HeaderMap,
    body: Option<(bytes::Bytes, HeaderValue)>,
}

fn invalid(operation: &Operation, why: impl std::fmt::Display) -> Error {
    Error::InvalidRequest(format!("`{}`: {why}", operation.id))
}

impl<'a> Call<'a> {
    /// Starts a call; `path` holds the path parameters in template order. A
    /// value that is empty, `.` or `..` is refused: it would send the request
    /// to another path (`/integrations/../relink` is `/relink`).
    pub fn new(
        core: &'a Core,
        operation: &'static Operation,
        options: CallOptions,
        path: &[&dyn std::fmt::Display],
    ) -> Result<Self, Error> {
        // With a parsed base, the path alone (the base's path first);
        // otherwise the whole URL, parsed when sent.
        let prefix = match &core.shared.base {
            Some(base) => base.path().trim_end_matches('/'),
            None => core.shared.base_url.as_str(),
        };
        let mut url = String::with_capacity(prefix.len() + operation.path.len() + 16);
        url.push_str(prefix);
        let mut values = path.iter();
        let mut rest = operation.path;
        while let Some(open) = rest.find('{') {
            url.push_str(&rest[..open]);
            let close = rest[open..]
                .find('}')
                .map(|c| open + c)
                .ok_or_else(|| invalid(operation, "the path template is not closed"))?;
            let name = &rest[open + 1..close];
            let value = values
                .next()
                .ok_or_else(|| invalid(operation, format!("no value for `{name}`")))?
                .to_string();
            if value.is_empty() || value == "." || value == ".." {
                return Err(invalid(
                    operation,
                    format!(
                        "the path parameter `{name}` is {value:?}, which would send the request to another path than `{}`",
                        operation.path
                    ),
                ));
            }
            url.extend(utf8_percent_encode(&value, SEGMENT));
            rest = &rest[close + 1..];
        }
        url.push_str(rest);
        Ok(Call {
            core,
            operation,
            options,
            url,
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
        })
    }

    /// A parameter's value as JSON (`None` when it was not set).
    fn json<T: Serialize + ?Sized>(&self, value: Option<&T>) -> Result<Option<Value>, Error> {
        value
            .map(|v| serde_json::to_value(v).map_err(|e| invalid(self.operation, e)))
            .transpose()
    }

    /// A query parameter (nothing for `None`; a list is one pair per item).
    pub fn query<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: Option<&T>,
    ) -> Result<(), Error> {
        let Some(value) = self.json(value)? else {
            return Ok(());
        };
        match value {
            Value::Null => {}
            Value::Array(items) => {
                for item in items {
                    let text = scalar(&item).ok_or_else(|| {
                        invalid(self.operation, format!("`{name}` holds a nested value"))
                    })?;
                    self.query.push((name, text));
                }
            }
            other => {
                let text = scalar(&other)
                    .ok_or_else(|| invalid(self.operation, format!("`{name}` is not a scalar")))?;
                self.query.push((name, text));
            }
        }
        Ok(())
    }

    /// A header parameter of the spec (not a scoped one).
    pub fn header<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: Option<&T>,
    ) -> Result<(), Error> {
        let Some(value) = self.json(value)? else {
            return Ok(());
        };
        let text = scalar(&value).ok_or_else(|| {
            invalid(
                self.operation,
                format!("the header `{name}` is not a scalar"),
            )
        })?;
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| invalid(self.operation, format!("{name:?} is not a header name")))?;
        let value = HeaderValue::from_str(&text).map_err(|_| {
            invalid(
                self.operation,
                format!("the value of {name} is not a valid header value"),
            )
        })?;
        self.headers.insert(header, value);
        Ok(())
    }

    /// A JSON body.
    pub fn json_body<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        let bytes =
            serde_json::to_vec(body).map_err(|e| invalid(self.operation, format!("body: {e}")))?;
        self.body = Some((bytes.into(), HeaderValue::from_static("application/json")));
        Ok(())
    }

    /// A body sent as it is, with the operation's media type.
    pub fn raw_body(&mut self, body: Option<bytes::Bytes>) {
        let content_type = self
            .operation
            .request_content_type
            .and_then(|t| HeaderValue::from_str(t).ok())
            .unwrap_or_else(|| HeaderValue::from_static("application/octet-stream"));
        self.body = Some((body.unwrap_or_default(), content_type));
    }

    /// Sends the call and decodes the success body as `T`.
    pub async fn send<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        // Boxed: the attempt loop's state is kilobytes, and a caller's
        // executor (`for_each_concurrent`, `join_all`, a spawned task) would
        // otherwise allocate and copy it with every call future.
        let Success {
            status,
            headers,
            body,
        } = Box::pin(self.execute()).await?;
        match serde_json::from_slice::<T>(&body) {
            Ok(value) => Ok(Response::new(status, headers, value)),
            Err(e) => {
                let reason = match e.classify() {
                    serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                        format!("body is not JSON: {e}")
                    }
                    _ => format!("body does not match the API's schema: {e}"),
                };
                Err(Error::unexpected(
                    Some(status),
                    headers,
                    &body,
                    Some(reason),
                ))
            }
        }
    }

    /// Sends the call of an operation whose success has no JSON body.
    pub async fn send_empty(self) -> Result<Response<()>, Error> {
        let Success {
            status, headers, ..
        } = Box::pin(self.execute()).await?;
        Ok(Response::new(status, headers, ()))
    }

    async fn execute(self) -> Result<Success, Error> {
        let core = self.core;
        let provided;
        let key: &SecretString = match &core.shared.key {
            KeySource::Fixed(key) => key,
            KeySource::Provider(provider) => {
                provided = provider.api_key().await.map_err(Error::ApiKey)?;
                &provided
            }
        };
        // Built whole before anything is sent (every invalid input is an
        // error here), then again for each retry: nothing is cloned for a
        // retry that never comes.
        let first = self.request(key)?;
        let operation = self.operation;
        let integration = self.integration();
        let policy = self.options.retry.as_ref().unwrap_or(&core.shared.retry);
        let admission = core
            .shared
            .limiter
            .as_ref()
            .map(|limiter| limiter.admission(operation, integration));
        #[cfg(feature = "redis")]
        let admission =
            admission.map(|a| a.with_api_key(secrecy::ExposeSecret::expose_secret(key)));
        transport::execute(
            &core.shared.http,
            policy,
            first,
            || self.request(key),
            operation,
            admission,
            integration,
        )
        .await
    }

    /// The integration the request is sent for (the `X-Integration-Id` a
    /// scoped client adds): the limiter's key.
    fn integration(&self) -> Option<&'a str> {
        let sends = self
            .operation
            .scoped_headers
            .iter()
            .any(|scoped| scoped.name.eq_ignore_ascii_case(super::INTEGRATION_HEADER));
        sends
            .then_some(self.core.integration_id.as_deref())
            .flatten()
    }

    /// The request of one attempt.
    fn request(&self, key: &SecretString) -> Result<Request, Error> {
        let Call {
            core,
            operation,
            options,
            ..
        } = self;
        let mut headers = self.headers.clone();
        for (name, value) in &options.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid(operation, format!("{name:?} is not a valid header name")))?;
            if owned_by_client(&header, operation) {
                return Err(invalid(
                    operation,
                    format!(
                        "the {name} header is set by the client and cannot be replaced per call"
                    ),
                ));
            }
            let value = HeaderValue::from_str(value).map_err(|_| {
                invalid(
                    operation,
                    format!("the value of {name} is not a valid header value"),
                )
            })?;
            headers.insert(header, value);
        }
        for scoped in operation.scoped_headers {
            let value = core
                .integration_id
                .as_deref()
                .filter(|_| scoped.name.eq_ignore_ascii_case(super::INTEGRATION_HEADER));
            match value {
                Some(value) => {
                    let value = HeaderValue::from_str(value).map_err(|_| {
                        invalid(
                            operation,
                            format!("{} {value:?} is not a valid header value", scoped.name),
                        )
                    })?;
                    let name = HeaderName::from_bytes(scoped.name.as_bytes()).map_err(|_| {
                        invalid(operation, format!("{:?} is not a header name", scoped.name))
                    })?;
                    headers.insert(name, value);
                }
                None if scoped.required => {
                    return Err(invalid(
                        operation,
                        format!(
                            "it needs the {} header: call it on `kombo.integration(\"<integration id>\")`",
                            scoped.name
                        ),
                    ));
                }
                None => {}
            }
        }
        let auth = match &core.shared.bearer {
            // A fixed key's header, built once: cloning it is a reference count.
            Some(bearer) => bearer.clone(),
            None => super::bearer(key).ok_or_else(|| {
                Error::InvalidRequest(
                    "the API key contains characters not allowed in an HTTP header".to_owned(),
                )
            })?,
        };
        headers.insert(AUTHORIZATION, auth);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let method = Method::from_bytes(operation.method.as_bytes())
            .map_err(|_| invalid(operation, "not an HTTP method"))?;
        let mut url = match &core.shared.base {
            Some(base) => {
                let mut url = base.clone();
                url.set_path(&self.url);
                url
            }
            None => Url::parse(&self.url).map_err(|e| invalid(operation, e))?,
        };
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(
                self.query
                    .iter()
                    .map(|(name, value)| (*name, value.as_str())),
            );
        }
        let mut request = Request::new(method, url);
        if let Some((bytes, content_type)) = &self.body {
            headers.insert(CONTENT_TYPE, content_type.clone());
            *request.body_mut() = Some(bytes.clone().into());
        }
        *request.timeout_mut() = options.timeout;
        // The client's default headers are added when it is sent.
        *request.headers_mut() = headers;
        Ok(request)
    }
}

/// A JSON scalar as query or header text (`None` for arrays and objects).
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Headers the client owns; a per-call header may not replace them.
fn owned_by_client(name: &HeaderName, operation: &Operation) -> bool {
    name == AUTHORIZATION
        || operation
            .scoped_headers
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case(name.as_str()))
        // A scoped client's header, whether or not this operation takes it.
        || name.as_str().eq_ignore_ascii_case(super::INTEGRATION_HEADER)
}
