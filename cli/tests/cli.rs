//! Every exit path of the `kombo` binary, with stdout and stderr asserted.

use std::process::{Command, Output};
use std::time::Duration;

use kombo::mock::{Fault, MockServer};

const ID: &str = "personio:93fCvorjZ2jas7ZekX1V1n5d";

fn kombo(args: &[&str], key: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kombo"));
    cmd.args(args).env_remove("KOMBO_API_KEY");
    if let Some(key) = key {
        cmd.env("KOMBO_API_KEY", key);
    }
    cmd.output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs the binary without blocking the mock server's runtime.
async fn kombo_async(args: Vec<String>, key: Option<&'static str>) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        kombo(&args, key)
    })
    .await
    .unwrap()
}

#[test]
fn mock_prints_one_link_and_exits_0() {
    let out = kombo(&["relink", ID, "--mock"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1);
    assert!(
        stdout.starts_with("https://connect.kombo.dev/v1?token=embedded_"),
        "{stdout}"
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn json_prints_the_whole_body() {
    let out = kombo(
        &[
            "relink",
            ID,
            "--mock",
            "--json",
            "--link-type",
            "magic-link",
            "--language",
            "fr",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["status"], "success");
    assert!(
        body["data"]["link"].as_str().unwrap().contains("magic"),
        "{body}"
    );
}

#[test]
fn help_documents_options_defaults_and_the_key_variable() {
    let out = kombo(&["relink", "--help"], None);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for needle in [
        "--language",
        "--scope-config-id",
        "--link-type",
        "--region",
        "--base-url",
        "--json",
        "--mock",
        "[default: en]",
        "[default: embedded]",
        "[default: eu]",
        "KOMBO_API_KEY",
        "magic-link",
    ] {
        assert!(help.contains(needle), "help lacks {needle}:\n{help}");
    }
}

#[test]
fn usage_errors_exit_2_without_a_request() {
    let cases: [(&[&str], Option<&str>, &str); 5] = [
        (&["relink", ID], None, "KOMBO_API_KEY is not set"),
        (
            &["relink", "..", "--base-url", "http://127.0.0.1:9/v1"],
            Some("k"),
            "path parameter",
        ),
        (
            &["relink", ID, "--base-url", "ftp://example.com/v1"],
            Some("k"),
            "http or https",
        ),
        (
            &["relink", ID, "--language", "xx"],
            Some("k"),
            "invalid value 'xx'",
        ),
        (&["relink"], Some("k"), "INTEGRATION_ID"),
    ];
    for (args, key, needle) in cases {
        let out = kombo(args, key);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            text(&out.stderr).contains(needle),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_errors_exit_1_with_status_code_message_and_log_url() {
    let server = MockServer::start().await.unwrap();
    server.inject(Fault::ErrorCode {
        status: 404,
        code: "PLATFORM.INTEGRATION_NOT_FOUND".into(),
    });
    let args = vec![
        "relink".into(),
        ID.into(),
        "--base-url".into(),
        server.base_url(),
    ];
    let out = kombo_async(args.clone(), Some(MockServer::API_KEY)).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for needle in [
        "404",
        "PLATFORM.INTEGRATION_NOT_FOUND",
        "Injected by the mock server.",
        "log: https://app.kombo.dev/",
    ] {
        assert!(stderr.contains(needle), "{needle}: {stderr}");
    }
    assert!(out.stdout.is_empty());

    // A wrong key: the mock answers 401 with its code.
    let out = kombo_async(args, Some("wrong-key")).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("401 (PLATFORM.AUTHENTICATION_INVALID)"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unexpected_responses_and_transport_failures_exit_3() {
    let server = MockServer::start().await.unwrap();
    server.inject(Fault::ServiceUnavailableHtml);
    let args = vec![
        "relink".into(),
        ID.into(),
        "--base-url".into(),
        server.base_url(),
        "--max-attempts".into(),
        "1".into(),
    ];
    let out = kombo_async(args, Some(MockServer::API_KEY)).await;
    assert_eq!(out.status.code(), Some(3));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("HTTP 503") && stderr.contains("text/html"),
        "{stderr}"
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let args = vec![
        "relink".into(),
        ID.into(),
        "--base-url".into(),
        format!("http://127.0.0.1:{port}/v1"),
        "--max-attempts".into(),
        "1".into(),
    ];
    let out = kombo_async(args, Some("k")).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("transport error"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retryable_faults_are_retried_by_the_cli() {
    let server = MockServer::start().await.unwrap();
    server.inject(Fault::RateLimited {
        retry_after: Duration::from_secs(0),
    });
    let args = vec![
        "relink".into(),
        ID.into(),
        "--base-url".into(),
        server.base_url(),
    ];
    let out = kombo_async(args, Some(MockServer::API_KEY)).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(server.requests().len(), 2);
}
