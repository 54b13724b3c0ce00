//! `kombo webhook verify`: the body on stdin, the secret from the environment.
//! Signatures computed outside this crate with Python's `hmac` (see
//! `fixtures/tests/webhooks.rs`).

use std::io::Write;
use std::process::{Command, Output, Stdio};

const SECRET: &str = "whsec_test";
const UNKNOWN: &str = r#"{"id":"evt_2","type":"employee-teleported","data":{"x":1}}"#;
const UNKNOWN_SIGNATURE: &str = "LtxvjLO0LxuCBoO-sbR8x6t-lODg4XnSrKgWTqtWYEY";

fn verify(args: &[&str], secret: Option<&str>, body: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kombo"));
    cmd.args(["webhook", "verify"])
        .args(args)
        .env_remove("KOMBO_WEBHOOK_SECRET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(secret) = secret {
        cmd.env("KOMBO_WEBHOOK_SECRET", secret);
    }
    let mut child = cmd.spawn().expect("the binary runs");
    // A usage error exits before reading stdin: a broken pipe is expected then.
    let _ = child.stdin.take().unwrap().write_all(body.as_bytes());
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_valid_signature_prints_the_event_type_even_an_unknown_one() {
    let out = verify(&["--signature", UNKNOWN_SIGNATURE], Some(SECRET), UNKNOWN);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "employee-teleported\n");
    assert!(out.stderr.is_empty());
}

#[test]
fn a_wrong_signature_or_body_exits_1_with_the_reason() {
    let tampered = UNKNOWN.replace("\"x\":1", "\"x\":2");
    let out = verify(&["--signature", UNKNOWN_SIGNATURE], Some(SECRET), &tampered);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("does not match the body"),
        "{}",
        text(&out.stderr)
    );
    let padded = format!("{UNKNOWN_SIGNATURE}=");
    let out = verify(&["--signature", &padded], Some(SECRET), UNKNOWN);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("padding"));
}

#[test]
fn usage_errors_exit_2_and_the_secret_is_never_printed() {
    let no_secret = verify(&["--signature", UNKNOWN_SIGNATURE], None, UNKNOWN);
    assert_eq!(no_secret.status.code(), Some(2));
    assert!(text(&no_secret.stderr).contains("KOMBO_WEBHOOK_SECRET is not set"));
    let no_flag = verify(&[], Some(SECRET), UNKNOWN);
    assert_eq!(no_flag.status.code(), Some(2));
    let empty = verify(&["--signature", ""], Some(SECRET), UNKNOWN);
    assert_eq!(empty.status.code(), Some(2));
    for out in [no_secret, no_flag, empty] {
        assert!(!text(&out.stdout).contains(SECRET));
        assert!(!text(&out.stderr).contains(SECRET));
    }
    let wrong = verify(&["--signature", UNKNOWN_SIGNATURE], Some(SECRET), "x");
    assert!(!text(&wrong.stderr).contains(SECRET));
}
