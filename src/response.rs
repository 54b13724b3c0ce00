//! A decoded success: the value, with the status and headers it came with.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::RateLimit;

/// What `send()` returns: the decoded body (reached through `Deref`, or
/// [`into_inner`](Self::into_inner)) and the response's status and headers.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    value: T,
}

impl<T> Response<T> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, value: T) -> Self {
        Self {
            status,
            headers,
            value,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The rate-limit headers of this response.
    pub fn rate_limit(&self) -> RateLimit {
        RateLimit::from_headers(&self.headers)
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Status, headers and the decoded body.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.value)
    }
}

impl<T> std::ops::Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> std::ops::DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}
