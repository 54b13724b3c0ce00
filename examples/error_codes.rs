//! Branching on Kombo's error codes, with faults injected by the embedded mock:
//! `cargo run --example error_codes --features mock`.

use kombo::mock::{Fault, MockServer};
use kombo::{ErrorCode, ErrorFamily, RetryPolicy};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await?;
    let kombo = kombo::Kombo::builder()
        .api_key(MockServer::API_KEY)
        .base_url(&server.base_url())
        .retry(RetryPolicy::disabled())
        .build()?;
    for code in [
        "PLATFORM.INTEGRATION_NOT_FOUND",
        "INTEGRATION.INACTIVE",
        "LMS.SOMETHING_NEW",
    ] {
        server.inject(Fault::ErrorCode {
            status: 400,
            code: code.into(),
        });
        match kombo
            .general()
            .create_reconnection_link()
            .integration_id("personio:1")
            .send()
            .await
        {
            Ok(response) => println!("link: {}", response.data.link),
            Err(e) => match e.code() {
                Some(ErrorCode::PlatformIntegrationNotFound) => {
                    println!("{code}: no such integration")
                }
                Some(c) if c.family() == ErrorFamily::Integration => {
                    println!("{code}: integration problem")
                }
                Some(ErrorCode::Unknown(c)) => {
                    println!("{code}: a code this version does not know: {c}")
                }
                _ => println!(
                    "{code}: HTTP {:?}: {e} (retryable: {})",
                    e.status(),
                    e.is_retryable()
                ),
            },
        }
    }
    Ok(())
}
