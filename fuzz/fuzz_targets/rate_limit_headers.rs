//! Any header values: `Retry-After` (seconds or HTTP date) and `ratelimit-*`
//! parse to a value or to nothing, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reqwest::header::{HeaderMap, HeaderValue};

fuzz_target!(|values: (Vec<u8>, Vec<u8>, Vec<u8>)| {
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("retry-after", values.0),
        ("ratelimit-reset", values.1),
        ("concurrency-remaining", values.2),
    ] {
        if let Ok(value) = HeaderValue::from_bytes(&value) {
            headers.insert(name, value);
        }
    }
    let _ = kombo::retry_after(&headers);
    let _ = kombo::RateLimit::from_headers(&headers);
});
