//! Runs progenitor on the normalized document, turning its panics into errors.

use proc_macro2::TokenStream;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::CodegenError;

/// Exact versions of the generator chain (pinned in Cargo.toml; checked by a test).
pub const GENERATOR_VERSIONS: &str = "progenitor 0.15.1, typify 0.8.0, prettyplease 0.3.0";

/// progenitor's settings for a client whose run-time type is `runtime_type`.
pub(super) fn settings(runtime_type: &str) -> Result<progenitor::GenerationSettings, CodegenError> {
    let inner: TokenStream = runtime_type.parse().map_err(|e| {
        CodegenError::at(
            "",
            format!("runtime type {runtime_type:?} is not a path: {e}"),
        )
    })?;
    let mut settings = progenitor::GenerationSettings::new();
    // Builder style: each call is `client.op().param(..).send()`, so a new
    // optional parameter adds a setter instead of changing a signature.
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_derive("PartialEq")
        .with_inner_type(inner)
        .with_hooks(progenitor::HooksMode::Expected);
    Ok(settings)
}

/// Serializes generator runs: the panic hook is process-wide.
static GENERATOR_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// progenitor reports many unsupported inputs by panicking; the panic becomes
/// an error (and its message is not printed by the default hook).
pub(super) fn run(
    settings: &progenitor::GenerationSettings,
    spec: &openapiv3::OpenAPI,
) -> Result<TokenStream, CodegenError> {
    catching("progenitor cannot generate this spec", || {
        let mut generator = progenitor::Generator::new(settings);
        generator
            .generate_tokens(spec)
            .map_err(|e| CodegenError::at("", format!("progenitor rejected the spec: {e}")))
    })
}

/// Runs `work`, turning a panic into an error that starts with `what`: no
/// input makes the generator panic at its caller (a build script).
pub(super) fn catching<T>(
    what: &str,
    work: impl FnOnce() -> Result<T, CodegenError>,
) -> Result<T, CodegenError> {
    let _serialized = GENERATOR_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = catch_unwind(AssertUnwindSafe(work));
    std::panic::set_hook(previous_hook);
    outcome.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(CodegenError::at(
            "",
            format!("{what} (it panicked: {})", message.replace('\n', " ")),
        ))
    })
}
