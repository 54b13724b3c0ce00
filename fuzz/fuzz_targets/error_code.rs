//! Any string parses into a code that gives the same string back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let code = kombo::ErrorCode::parse(text);
    assert_eq!(code.as_str(), text);
    let _ = (code.family(), code.is_retryable(), code.to_string());
});
