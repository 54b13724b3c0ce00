//! Any status, headers and body: classified into an error (or a success)
//! without a panic; the retry decision and wait are computed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

#[derive(Debug, arbitrary::Arbitrary)]
struct Input {
    status: u16,
    headers: Vec<(u8, Vec<u8>)>,
    body: Vec<u8>,
}

const NAMES: [&str; 6] = [
    "retry-after",
    "ratelimit-reset",
    "ratelimit-remaining",
    "concurrency-limit",
    "content-type",
    "x-other",
];

fuzz_target!(|input: Input| {
    let mut headers = HeaderMap::new();
    for (name, value) in input.headers {
        let name = HeaderName::from_static(NAMES[usize::from(name) % NAMES.len()]);
        if let Ok(value) = HeaderValue::from_bytes(&value) {
            headers.append(name, value);
        }
    }
    let _ = kombo::__private::classify_response(input.status, &headers, &input.body);
});
