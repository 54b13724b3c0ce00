//! Kombo's rate-limit headers and `Retry-After`: how long the server asks a
//! client to wait.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName};

const LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("ratelimit-reset");
const CONCURRENCY_LIMIT: HeaderName = HeaderName::from_static("concurrency-limit");
const CONCURRENCY_REMAINING: HeaderName = HeaderName::from_static("concurrency-remaining");

/// Kombo's rate-limit and concurrency headers, on errors and on successes.
/// `#[non_exhaustive]`: a header Kombo adds becomes a field; build one with
/// [`RateLimit::from_headers`] or `RateLimit::default()` and its fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `ratelimit-limit`
    pub limit: Option<u64>,
    /// `ratelimit-remaining`
    pub remaining: Option<u64>,
    /// `ratelimit-reset`: seconds until the window resets.
    pub reset: Option<Duration>,
    /// `Concurrency-Limit`
    pub concurrency_limit: Option<u64>,
    /// `Concurrency-Remaining`
    pub concurrency_remaining: Option<u64>,
}

impl RateLimit {
    /// Reads the headers (absent or malformed values are `None`).
    ///
    /// Works on any response: `RateLimit::from_headers(response.headers())`.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        // Read on every response (the limiter reads them): one pass over the
        // headers, comparing names (a standard header's name differs from
        // these at its tag), instead of hashing each of the five names.
        let number = |value: &reqwest::header::HeaderValue| {
            value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        const NAMES: [HeaderName; 5] = [
            LIMIT,
            REMAINING,
            RESET,
            CONCURRENCY_LIMIT,
            CONCURRENCY_REMAINING,
        ];
        let mut seen = [None; 5];
        for (name, value) in headers {
            // The first value of a repeated header, as `HeaderMap::get` reads.
            if let Some(i) = NAMES.iter().position(|n| n == name)
                && seen[i].is_none()
            {
                seen[i] = Some(number(value));
            }
        }
        let [
            limit,
            remaining,
            reset,
            concurrency_limit,
            concurrency_remaining,
        ] = seen.map(Option::flatten);
        RateLimit {
            limit,
            remaining,
            reset: reset.map(Duration::from_secs),
            concurrency_limit,
            concurrency_remaining,
        }
    }

    /// How long no call of this kind should be sent: the time to the reset of
    /// a window with nothing remaining (`ratelimit-remaining: 0`).
    pub(crate) fn exhausted_for(&self) -> Option<Duration> {
        match self.remaining {
            Some(0) => self.reset,
            _ => None,
        }
    }
}

/// `Retry-After` as seconds or an HTTP date, relative to now.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// How long the server asked to wait: `Retry-After`, else `ratelimit-reset`.
pub(crate) fn server_wait(headers: &HeaderMap) -> Option<Duration> {
    retry_after(headers).or_else(|| RateLimit::from_headers(headers).reset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let later = std::time::SystemTime::now() + Duration::from_secs(120);
        h.insert(
            "retry-after",
            httpdate::fmt_http_date(later).parse().unwrap(),
        );
        let d = retry_after(&h).unwrap();
        assert!(
            d <= Duration::from_secs(120) && d >= Duration::from_secs(118),
            "{d:?}"
        );
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
        h.insert("ratelimit-reset", "3".parse().unwrap());
        assert_eq!(server_wait(&h), Some(Duration::from_secs(3)));
    }

    #[test]
    fn rate_limit_headers() {
        let mut h = HeaderMap::new();
        h.insert("ratelimit-limit", "100".parse().unwrap());
        h.insert("ratelimit-remaining", "0".parse().unwrap());
        h.insert("ratelimit-reset", "3".parse().unwrap());
        h.insert("Concurrency-Limit", "30".parse().unwrap());
        h.insert("concurrency-remaining", "x".parse().unwrap());
        assert_eq!(
            RateLimit::from_headers(&h),
            RateLimit {
                limit: Some(100),
                remaining: Some(0),
                reset: Some(Duration::from_secs(3)),
                concurrency_limit: Some(30),
                concurrency_remaining: None,
            }
        );
    }
}
