//! Mints a reconnection link against the embedded mock server (no key, no
//! network): `cargo run --example relink_mock --features mock`.

use kombo::general::create_reconnection_link::{Language, LinkType};
use kombo::mock::MockServer;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await?;
    let kombo = kombo::Kombo::builder()
        .api_key(MockServer::API_KEY)
        .base_url(&server.base_url())
        .build()?;
    let response = kombo
        .general()
        .create_reconnection_link()
        .integration_id("personio:93fCvorjZ2jas7ZekX1V1n5d")
        .link_type(LinkType::MagicLink)
        .language(Language::De)
        .send()
        .await?;
    let link = kombo::parse_url(&response.data.link)?;
    println!("send this to the customer: {link}");
    Ok(())
}
