//! Contract test: the client and the CLI against Prism, an independent mock
//! built from `openapi/kombo.yaml` with request validation on.
//! Prism is installed by `scripts/test.sh` into `tools/prism` (pinned).

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kombo::general::create_reconnection_link::{Language, LinkType};
use kombo::{Kombo, RetryPolicy};

struct Prism {
    child: Child,
    port: u16,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Starts Prism on a free loopback port; `None` (outside CI) when it is not installed.
fn start_prism() -> Option<Prism> {
    let bin = root().join("tools/prism/node_modules/.bin/prism");
    if !bin.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "Prism is not installed: run `bash scripts/test.sh`"
        );
        eprintln!("skipped: Prism not installed (run `bash scripts/test.sh`)");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = Command::new(bin)
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg(root().join("openapi/kombo.yaml"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prism starts");
    let prism = Prism { child, port };
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "Prism did not listen on port {port} within 60 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    Some(prism)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_and_cli_satisfy_prism() {
    let Some(prism) = start_prism() else { return };
    let base_url = format!("http://127.0.0.1:{}", prism.port);
    let kombo = Kombo::builder()
        .api_key("contract-test-key")
        .base_url(&base_url)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();

    for link_type in [LinkType::Embedded, LinkType::MagicLink] {
        for language in [
            Language::En,
            Language::De,
            Language::Fr,
            Language::It,
            Language::Es,
        ] {
            let response = kombo
                .general()
                .create_reconnection_link()
                .integration_id("personio:93fCvorjZ2jas7ZekX1V1n5d")
                .language(language)
                .scope_config_id("9Pv6aCFwNDEzPNmwjSsY9SQx".to_owned())
                .link_type(link_type)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{link_type} {language}: {e}"));
            kombo::parse_url(&response.data.link).unwrap();
        }
    }

    // The CLI, both link types, every language.
    for link_type in ["embedded", "magic-link"] {
        for language in ["en", "de", "fr", "it", "es"] {
            let args = [
                "relink",
                "personio:93fCvorjZ2jas7ZekX1V1n5d",
                "--base-url",
                &base_url,
                "--link-type",
                link_type,
                "--language",
                language,
            ];
            let out = Command::new(env!("CARGO_BIN_EXE_kombo"))
                .args(args)
                .env("KOMBO_API_KEY", "contract-test-key")
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                String::from_utf8_lossy(&out.stdout)
                    .trim()
                    .starts_with("http")
            );
        }
    }

    // A request the spec forbids is rejected by Prism (422), and the client
    // reads Prism's example error, whose code is not in the spec's enum.
    let response = kombo::http_client_builder()
        .build()
        .unwrap()
        .post(format!("{base_url}/integrations/personio:1/relink"))
        .bearer_auth("contract-test-key")
        .json(&serde_json::json!({"language": "xx", "link_type": "QR_CODE"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "error", "{body}");
}
