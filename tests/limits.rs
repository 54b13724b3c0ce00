//! The limiter under load, against a stand-in on 127.0.0.1 that enforces
//! Kombo's limits per `X-Integration-Id`: 30 action requests in flight
//! (over it, 429 `PLATFORM.CONCURRENCY_LIMIT_EXCEEDED`; every answer carries
//! `Concurrency-Limit` / `Concurrency-Remaining`), and a rate-limit window
//! (after `ratelimit-remaining: 0`, 429 `PLATFORM.RATE_LIMIT_EXCEEDED` until
//! `ratelimit-reset`). Bounded in calls and time; counts are asserted,
//! durations only reported.
//!
//! The stand-in and the action call are `tests/common/stand_in.rs`.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

mod common;
use common::stand_in::{
    Behaviour, LIMIT, burst, client, create_absence, fast, quick_retries, stand_in,
};
use kombo::{Error, Limits, RetryPolicy};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_action_calls_on_one_integration_get_no_429_with_the_limiter() {
    const CALLS: usize = 300;
    let server = stand_in(fast()).await;
    let kombo = client(&server, Limits::default(), quick_retries()).integration("personio:1");
    let started = Instant::now();
    assert_eq!(burst(&kombo, CALLS).await, CALLS);
    let seen = &server.seen;
    eprintln!(
        "limiter on: {CALLS} calls in {:?}, {} requests, peak {} in flight, {} concurrency 429s",
        started.elapsed(),
        seen.received("personio:1"),
        seen.peak("personio:1"),
        seen.concurrency_429.load(Ordering::SeqCst)
    );
    assert_eq!(seen.concurrency_429.load(Ordering::SeqCst), 0);
    assert_eq!(seen.received("personio:1"), CALLS, "each call sent once");
    assert!(seen.peak("personio:1") <= LIMIT);

    let server = stand_in(fast()).await;
    let kombo = client(&server, Limits::disabled(), quick_retries()).integration("personio:1");
    let started = Instant::now();
    assert_eq!(burst(&kombo, CALLS).await, CALLS, "retries carry them all");
    let seen = &server.seen;
    let rejected = seen.concurrency_429.load(Ordering::SeqCst);
    eprintln!(
        "limiter off: {CALLS} calls in {:?}, {} requests, {rejected} concurrency 429s",
        started.elapsed(),
        seen.received("personio:1"),
    );
    assert_eq!(seen.received("personio:1"), CALLS + rejected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_integrations_do_not_throttle_each_other() {
    let server = stand_in(Behaviour {
        hold: Duration::ZERO,
        held: Some("personio:a"),
        close_window: None,
    })
    .await;
    let kombo = client(&server, Limits::default(), RetryPolicy::disabled());
    let a = kombo.integration("personio:a");
    // 40 calls for a: 30 reach the stand-in and are held there, 10 wait in the client.
    let a_calls = tokio::spawn(async move { burst(&a, 40).await });
    let filled = async {
        while server.seen.in_flight("personio:a") < LIMIT {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), filled)
        .await
        .expect("a's 30 slots fill");
    // b is not held behind a's full gate.
    let b = kombo.integration("personio:b");
    let b_ok = tokio::time::timeout(Duration::from_secs(20), burst(&b, LIMIT))
        .await
        .expect("b's calls finish while a is full");
    assert_eq!(b_ok, LIMIT);
    assert_eq!(server.seen.received("personio:a"), LIMIT, "a's 31st waited");
    server.release.send(true).unwrap();
    assert_eq!(a_calls.await.unwrap(), 40);
    assert_eq!(server.seen.concurrency_429.load(Ordering::SeqCst), 0);
    assert_eq!(server.seen.peak("personio:a"), LIMIT);
}

#[tokio::test]
async fn an_exhausted_rate_limit_holds_the_next_call_until_reset() {
    let server = stand_in(Behaviour {
        hold: Duration::ZERO,
        held: None,
        close_window: Some(1),
    })
    .await;
    // No retries: a 429 would come back as the call's error.
    let kombo = client(&server, Limits::default(), RetryPolicy::disabled()).integration("x:1");
    create_absence(&kombo).await.unwrap();
    let started = Instant::now();
    let (logs, subscriber) = common::capture_logs();
    {
        let _guard = tracing::subscriber::set_default(subscriber);
        create_absence(&kombo).await.unwrap();
    }
    eprintln!("the second call was held {:?}", started.elapsed());
    let logs = common::text(&logs);
    // The wait is visible, with its reason, in the call's span.
    assert!(
        logs.contains("kombo.call")
            && logs.contains("waiting for Kombo's rate limit to reset")
            && logs.contains("reason=\"ratelimit-remaining: 0\""),
        "{logs}"
    );
    assert_eq!(server.seen.rate_429.load(Ordering::SeqCst), 0);
    assert_eq!(server.seen.received("x:1"), 2);
}

#[tokio::test]
async fn past_its_budget_a_rate_limited_call_fails_fast_and_sends_nothing() {
    let server = stand_in(Behaviour {
        hold: Duration::ZERO,
        held: None,
        close_window: Some(60),
    })
    .await;
    let budget = RetryPolicy::disabled().max_elapsed(Duration::from_secs(2));
    let kombo = client(&server, Limits::default(), budget).integration("x:1");
    create_absence(&kombo).await.unwrap();
    let e = create_absence(&kombo).await.unwrap_err();
    let &Error::RateLimited { retry_after, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(retry_after > Duration::from_secs(2) && retry_after <= Duration::from_secs(60));
    assert!(e.is_retryable());
    assert_eq!(e.retry_after(), Some(retry_after));
    assert_eq!(server.seen.received("x:1"), 1, "nothing sent");
    // Another integration is not held (the stand-in's window is shared, so
    // Kombo answers it 429 itself).
    let e = create_absence(&kombo.integration("x:2")).await.unwrap_err();
    assert!(matches!(e, Error::Api(_)), "{e:?}");
    assert_eq!(server.seen.received("x:2"), 1);
}
