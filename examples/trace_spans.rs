//! The spans of a retried call, printed by a `tracing-subscriber` layer (no
//! key, no network): `cargo run --example trace_spans --features mock`.
//!
//! The first attempt is answered 429 `PLATFORM.CONCURRENCY_LIMIT_EXCEEDED`,
//! the second succeeds: one `kombo.call` span holding the retry event and
//! two `kombo.attempt` client spans with OpenTelemetry's HTTP attributes.
//! With `tracing-opentelemetry` as the layer, the same fields become the
//! exported spans (`otel.name`, `otel.kind`, `otel.status_code`) and the
//! `kombo::metrics` events the `http.client.request.duration` histogram.

use std::time::Duration;

use kombo::mock::{Fault, MockServer};
use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::prelude::*;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // kombo's spans and events (DEBUG includes the duration metric), nothing
    // from the HTTP stack below it.
    let layer = tracing_subscriber::fmt::layer()
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_filter(Targets::new().with_target("kombo", Level::DEBUG));
    tracing_subscriber::registry().with(layer).init();
    let server = MockServer::start().await?;
    server.inject(Fault::ErrorCode {
        status: 429,
        code: "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED".into(),
    });
    let kombo = kombo::Kombo::builder()
        .api_key(MockServer::API_KEY)
        .base_url(&server.base_url())
        .retry(kombo::RetryPolicy::default().min_delay(Duration::from_millis(50)))
        .build()?;
    let response = kombo
        .general()
        .create_reconnection_link()
        .integration_id("personio:93fCvorjZ2jas7ZekX1V1n5d")
        .send()
        .await?;
    println!("link: {}", response.data.link);
    Ok(())
}
