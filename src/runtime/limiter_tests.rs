//! The limiter's own tests (its load tests are `tests/limits.rs`).

use super::*;

const POST: Operation = Operation {
    id: "create_absence",
    spec_id: "PostHrisAbsences",
    tag: "hris",
    method: "POST",
    path: "/hris/absences",
    scoped_headers: &[],
    request_content_type: None,
};

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, value) in pairs {
        h.insert(*name, value.parse().unwrap());
    }
    h
}

#[tokio::test]
async fn the_gate_follows_the_servers_limit_and_what_it_says_is_left() {
    let limiter = Limiter::new(Limits::default().max_in_flight(2)).unwrap();
    let a = limiter.admission(&POST, Some("personio:1"));
    let (start, budget) = (Instant::now(), Duration::from_secs(5));
    let p1 = a.admit(start, budget).await.unwrap();
    let _p2 = a.admit(start, budget).await.unwrap();
    assert!(a.state.try_take().is_none(), "default of 2 in flight");
    a.observe(
        &headers(&[("concurrency-limit", "5"), ("concurrency-remaining", "3")]),
        &p1,
    );
    assert_eq!(a.state.limit.load(Ordering::Relaxed), 5);
    // Another process uses 2 of the 5: room for ours (2) + 1.
    a.observe(
        &headers(&[("concurrency-limit", "5"), ("concurrency-remaining", "1")]),
        &p1,
    );
    assert_eq!(a.state.limit.load(Ordering::Relaxed), 3);
    a.observe(
        &headers(&[("concurrency-limit", "99999999999999999999999")]),
        &p1,
    );
    assert_eq!(a.state.limit.load(Ordering::Relaxed), 3, "garbage ignored");
}

#[tokio::test]
async fn an_exhausted_window_fails_fast_past_the_budget() {
    let limiter = Limiter::new(Limits::default()).unwrap();
    let a = limiter.admission(&POST, None);
    let p = a
        .admit(Instant::now(), Duration::from_secs(5))
        .await
        .unwrap();
    assert!(!p.counted, "unscoped and no limit known: not gated");
    a.observe(
        &headers(&[("ratelimit-remaining", "0"), ("ratelimit-reset", "60")]),
        &p,
    );
    drop(p);
    let e = match a.admit(Instant::now(), Duration::from_secs(5)).await {
        Err(e) => e,
        Ok(_) => panic!("admitted"),
    };
    let wait = e.retry_after().unwrap();
    assert!(wait > Duration::from_secs(50) && wait <= Duration::from_secs(60));
    // Reads have their own window.
    let get = Operation {
        method: "GET",
        ..POST
    };
    let r = limiter.admission(&get, None);
    assert!(r.admit(Instant::now(), Duration::ZERO).await.is_ok());
}

#[tokio::test]
async fn a_full_gate_queues_then_fails_past_the_budget() {
    let limiter = Limiter::new(Limits::default().max_in_flight(1)).unwrap();
    let a = limiter.admission(&POST, Some("personio:1"));
    let held = a
        .admit(Instant::now(), Duration::from_secs(5))
        .await
        .unwrap();
    let e = match a.admit(Instant::now(), Duration::from_millis(20)).await {
        Err(e) => e,
        Ok(_) => panic!("admitted past a full gate"),
    };
    assert!(matches!(e, Error::ConcurrencyLimited { .. }), "{e:?}");
    assert!(e.is_retryable());
    // A queued call gets the slot the moment it is freed.
    let queued = a.admit(Instant::now(), Duration::from_secs(5));
    let release = async {
        tokio::task::yield_now().await;
        drop(held);
    };
    let (permit, ()) = tokio::join!(queued, release);
    let permit = permit.unwrap();
    assert!(permit.counted);
    assert_eq!(*a.state.count(), 1);
    drop(permit);
    assert_eq!(*a.state.count(), 0);
}

#[test]
fn quiet_integrations_are_forgotten_and_the_count_is_capped() {
    let limiter = Limiter::new(Limits::default().max_integrations(3)).unwrap();
    let busy = limiter.admission(&POST, Some("busy"));
    for i in 0..10 {
        let _ = limiter.admission(&POST, Some(&format!("quiet:{i}")));
    }
    assert_eq!(limiter.remembered(), 3);
    let keys = limiter.keys.lock().unwrap();
    assert!(keys.map.contains_key("busy"), "a key in use is kept");
    drop(keys);
    drop(busy);
    let limiter = Limiter::new(Limits::default().forget_after(Duration::ZERO)).unwrap();
    for i in 0..10 {
        let _ = limiter.admission(&POST, Some(&format!("quiet:{i}")));
    }
    let mut keys = limiter.keys.lock().unwrap();
    let now = limiter.now() + SWEEP_EVERY.as_nanos() as u64;
    limiter.sweep(&mut keys, now);
    assert!(keys.map.is_empty());
}
