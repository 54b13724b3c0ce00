//! `kombo mock`: serves the mock on 127.0.0.1 until interrupted, printing its
//! base URL first; a request with the mock's key is answered as the spec
//! says; SIGINT (Ctrl-C) or SIGTERM ends it with exit code 0.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use kombo::mock::MockServer;

/// Starts `kombo mock --port 0`; returns it and the base URL it printed.
fn start() -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kombo"))
        .args(["mock", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line.trim().to_owned())
}

fn signal(child: &Child, name: &str) {
    let sent = Command::new("kill")
        .args(["-s", name, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

#[tokio::test]
async fn serves_until_interrupted_and_answers_with_the_spec() {
    let (mut child, url) = start();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/v1"),
        "{url}"
    );
    let kombo = kombo::Kombo::builder()
        .api_key(MockServer::API_KEY)
        .base_url(&url)
        .build()
        .unwrap();
    let link = kombo
        .general()
        .create_reconnection_link()
        .integration_id("personio:1")
        .send()
        .await
        .unwrap();
    assert!(
        link.data
            .link
            .starts_with("https://connect.kombo.dev/v1?token=embedded_")
    );
    // Another key is refused, as Kombo refuses it.
    let other = kombo::Kombo::builder()
        .api_key("wrong")
        .base_url(&url)
        .build()
        .unwrap();
    let e = other
        .general()
        .create_reconnection_link()
        .integration_id("personio:1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(401));
    signal(&child, "INT");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn sigterm_ends_it_too_and_a_taken_port_is_exit_3() {
    let (mut child, url) = start();
    let port = url
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches("/v1")
        .to_owned();
    let taken = Command::new(env!("CARGO_BIN_EXE_kombo"))
        .args(["mock", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(
        taken.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&taken.stderr)
    );
    assert!(String::from_utf8_lossy(&taken.stderr).contains(&port));
    signal(&child, "TERM");
    assert_eq!(child.wait().unwrap().code(), Some(0));
}
