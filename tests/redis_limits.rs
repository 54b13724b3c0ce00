//! Kombo's limits shared through a real `redis-server` (feature `redis`),
//! against the stand-in of `tests/common/stand_in.rs` (30 action requests in
//! flight per integration, 429 over it). Several worker *processes* — this
//! test binary started again with `KOMBO_REDIS_WORKER` set, running
//! [`worker`] — share one integration; others run in one process with one
//! client each, which share nothing but Redis, as processes do. Bounded in
//! calls and time; counts are asserted, durations only reported.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

mod common;
use common::redis_server::RedisServer;
use common::stand_in::{Behaviour, LIMIT, StandIn, burst, create_absence, fast, stand_in};
use kombo::{Error, Kombo, Limits, RetryPolicy};

/// Set in a worker process: `base_url|redis_url|integration|calls|lease_ms|warm`.
const WORKER_ENV: &str = "KOMBO_REDIS_WORKER";
const PREFIX: &str = "kombo-test";

fn shared(redis_url: &str, lease: Duration) -> Limits {
    Limits::default()
        .redis_url(redis_url)
        .redis_key_prefix(PREFIX)
        .redis_lease(lease)
        .redis_timeout(Duration::from_millis(500))
}

fn client_at(base_url: &str, limits: Limits, retry: RetryPolicy) -> Kombo {
    Kombo::builder()
        .api_key("shared-load-test")
        .base_url(base_url)
        .limits(limits)
        .retry(retry)
        .build()
        .unwrap()
}

/// Retries for the case Redis is gone and 429s come back.
fn retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(50)
        .min_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(100))
}

/// The body of a worker process: a warm-up call (unless told not to), then
/// `calls` action calls at once on one integration; prints what came back
/// and what it logged.
#[test]
fn worker() {
    let Ok(spec) = std::env::var(WORKER_ENV) else {
        return;
    };
    let [base_url, redis_url, integration, calls, lease_ms, warm] =
        <[&str; 6]>::try_from(spec.split('|').collect::<Vec<_>>()).expect("a worker spec");
    let calls: usize = calls.parse().unwrap();
    let lease = Duration::from_millis(lease_ms.parse().unwrap());
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        // `-`: no Redis, each process on its own (the comparison run).
        let limits = match redis_url {
            "-" => Limits::default(),
            url => shared(url, lease),
        };
        let kombo = client_at(base_url, limits, retries()).integration(integration);
        // The warm-up call learns Kombo's limit before the burst.
        let warm = warm == "1" && create_absence(&kombo).await.is_ok();
        let ok = burst(&kombo, calls).await;
        println!("WORKER_RESULT warm={warm} ok={ok} of={calls}");
    });
}

/// Starts a worker process of this binary.
fn spawn_worker(
    stand_in: &StandIn,
    redis: &RedisServer,
    integration: &str,
    calls: usize,
    lease: Duration,
) -> Child {
    spawn(stand_in, redis, integration, calls, lease, true)
}

fn spawn(
    stand_in: &StandIn,
    redis: &RedisServer,
    integration: &str,
    calls: usize,
    lease: Duration,
    warm: bool,
) -> Child {
    spawn_at(stand_in, &redis.url(), integration, calls, lease, warm)
}

fn spawn_at(
    stand_in: &StandIn,
    redis_url: &str,
    integration: &str,
    calls: usize,
    lease: Duration,
    warm: bool,
) -> Child {
    let spec = format!(
        "{}|{redis_url}|{integration}|{calls}|{}|{}",
        stand_in.base_url,
        lease.as_millis(),
        u8::from(warm)
    );
    Command::new(std::env::current_exe().unwrap())
        .args(["worker", "--exact", "--nocapture", "--test-threads=1"])
        .env(WORKER_ENV, spec)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// What a worker reported: its successful calls (the warm-up one included)
/// and its WARN lines.
struct Report {
    ok: usize,
    warnings: usize,
    /// What it wrote to stderr (for a failure's message).
    log: String,
}

async fn finish(child: Child) -> Report {
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stdout
        .lines()
        .find_map(|l| l.find("WORKER_RESULT").map(|at| &l[at..]))
        .unwrap_or_else(|| panic!("a worker printed no result:\n{stdout}\n{stderr}"));
    let field = |name: &str| -> String {
        line.split_whitespace()
            .find_map(|p| p.strip_prefix(&format!("{name}=")))
            .unwrap()
            .to_owned()
    };
    let ok: usize = field("ok").parse().unwrap();
    Report {
        ok: ok + usize::from(field("warm") == "true"),
        warnings: stderr.matches("the Redis limiter is unavailable").count(),
        log: stderr.into_owned(),
    }
}

async fn redis_connection(redis: &RedisServer) -> redis::aio::MultiplexedConnection {
    redis::Client::open(redis.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

async fn leases(redis: &RedisServer, integration: &str) -> usize {
    let mut connection = redis_connection(redis).await;
    redis::cmd("ZCARD")
        .arg(format!("{PREFIX}:{{{integration}}}:slots"))
        .query_async(&mut connection)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_worker_processes_share_one_limit_with_no_429() {
    const WORKERS: usize = 4;
    const CALLS: usize = 150;
    let redis = RedisServer::start();
    let server = stand_in(fast()).await;
    let started = Instant::now();
    let workers: Vec<Child> = (0..WORKERS)
        .map(|_| {
            spawn_worker(
                &server,
                &redis,
                "personio:shared",
                CALLS,
                Duration::from_secs(30),
            )
        })
        .collect();
    let mut ok = 0;
    for worker in workers {
        ok += finish(worker).await.ok;
    }
    let seen = &server.seen;
    eprintln!(
        "{WORKERS} processes x {} calls in {:?}: {} requests, peak {} in flight, {} concurrency 429s",
        CALLS + 1,
        started.elapsed(),
        seen.received("personio:shared"),
        seen.peak("personio:shared"),
        seen.concurrency_429.load(Ordering::SeqCst)
    );
    assert_eq!(ok, WORKERS * (CALLS + 1), "every call succeeded");
    assert_eq!(seen.concurrency_429.load(Ordering::SeqCst), 0, "no 429");
    assert_eq!(
        seen.received("personio:shared"),
        WORKERS * (CALLS + 1),
        "each call sent once"
    );
    assert!(
        seen.peak("personio:shared") >= 20,
        "the fleet used the limit"
    );
    assert!(seen.peak("personio:shared") <= LIMIT);

    // The same fleet with each process on its own: what sharing saves.
    let server = stand_in(fast()).await;
    let workers: Vec<Child> = (0..WORKERS)
        .map(|_| {
            spawn_at(
                &server,
                "-",
                "personio:shared",
                CALLS,
                Duration::from_secs(30),
                true,
            )
        })
        .collect();
    let mut ok = 0;
    for worker in workers {
        ok += finish(worker).await.ok;
    }
    eprintln!(
        "without Redis: {} requests, {} concurrency 429s (retried)",
        server.seen.received("personio:shared"),
        server.seen.concurrency_429.load(Ordering::SeqCst)
    );
    assert_eq!(ok, WORKERS * (CALLS + 1), "retries carry them all");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_workers_slots_come_back_when_their_leases_expire() {
    let redis = RedisServer::start();
    let server = stand_in(Behaviour {
        hold: Duration::ZERO,
        held: Some("x:held"),
        close_window: None,
    })
    .await;
    let lease = Duration::from_millis(1500);
    // The first worker fills the integration's 30 slots and hangs there.
    let mut first = spawn(&server, &redis, "x:held", LIMIT, lease, false);
    let filled = async {
        while server.seen.in_flight("x:held") < LIMIT {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), filled)
        .await
        .expect("the first worker holds 30 slots");
    first.kill().unwrap();
    let _ = first.wait();
    server.release.send(true).unwrap();
    assert_eq!(
        leases(&redis, "x:held").await,
        LIMIT,
        "a dead worker's leases stay until they expire"
    );
    let second = spawn(&server, &redis, "x:held", 20, lease, false);
    let report = finish(second).await;
    assert_eq!(
        report.ok, 20,
        "the second worker finished every call: {}",
        report.log
    );
    assert_eq!(server.seen.concurrency_429.load(Ordering::SeqCst), 0);
    assert_eq!(leases(&redis, "x:held").await, 0, "every slot came back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_mid_run_fails_no_call_and_warns_once_per_worker() {
    let mut redis = RedisServer::start();
    let server = stand_in(Behaviour {
        hold: Duration::from_millis(20),
        held: None,
        close_window: None,
    })
    .await;
    let workers: Vec<Child> = (0..2)
        .map(|_| spawn_worker(&server, &redis, "x:flaky", 150, Duration::from_secs(30)))
        .collect();
    let killed = async {
        while server.seen.received("x:flaky") < 40 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), killed)
        .await
        .expect("calls started");
    redis.kill();
    for worker in workers {
        let report = finish(worker).await;
        assert_eq!(report.ok, 151, "every call of the worker succeeded");
        assert!(
            report.warnings <= 1,
            "one WARN per outage, not per call: {}",
            report.log
        );
    }
    eprintln!(
        "with Redis killed mid-run: {} requests, {} concurrency 429s (retried)",
        server.seen.received("x:flaky"),
        server.seen.concurrency_429.load(Ordering::SeqCst)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_integrations_do_not_throttle_each_other_through_redis() {
    let redis = RedisServer::start();
    let server = stand_in(Behaviour {
        hold: Duration::ZERO,
        held: Some("personio:a"),
        close_window: None,
    })
    .await;
    let limits = shared(&redis.url(), Duration::from_secs(30));
    let a = client_at(&server.base_url, limits.clone(), RetryPolicy::disabled())
        .integration("personio:a");
    let b = client_at(&server.base_url, limits, RetryPolicy::disabled()).integration("personio:b");
    let a_calls = tokio::spawn(async move { burst(&a, 40).await });
    let filled = async {
        while server.seen.in_flight("personio:a") < LIMIT {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), filled)
        .await
        .expect("a's 30 slots fill");
    let b_ok = tokio::time::timeout(Duration::from_secs(20), burst(&b, LIMIT))
        .await
        .expect("b's calls finish while a is full");
    assert_eq!(b_ok, LIMIT);
    assert_eq!(server.seen.received("personio:a"), LIMIT, "a's 31st waited");
    server.release.send(true).unwrap();
    assert_eq!(a_calls.await.unwrap(), 40);
    assert_eq!(server.seen.concurrency_429.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_window_one_client_saw_closed_holds_another_clients_calls() {
    let redis = RedisServer::start();
    let server = stand_in(Behaviour {
        hold: Duration::ZERO,
        held: None,
        close_window: Some(1),
    })
    .await;
    let limits = shared(&redis.url(), Duration::from_secs(30));
    let first =
        client_at(&server.base_url, limits.clone(), RetryPolicy::disabled()).integration("x:1");
    let second = client_at(&server.base_url, limits, RetryPolicy::disabled()).integration("x:1");
    // The first client's answer says `ratelimit-remaining: 0` for 1 s; the
    // second client, which shares only Redis with it, waits instead of
    // sending into the closed window (no retries: a 429 would be its error).
    create_absence(&first).await.unwrap();
    let (logs, subscriber) = common::capture_logs();
    {
        let _guard = tracing::subscriber::set_default(subscriber);
        create_absence(&second).await.unwrap();
    }
    let logs = common::text(&logs);
    assert!(
        logs.contains("waiting for Kombo's rate limit to reset") && logs.contains("shared=true"),
        "{logs}"
    );
    assert_eq!(server.seen.rate_429.load(Ordering::SeqCst), 0);
    assert_eq!(server.seen.received("x:1"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_call_releases_its_slot() {
    let redis = RedisServer::start();
    let server = stand_in(Behaviour {
        hold: Duration::ZERO,
        held: Some("x:drop"),
        close_window: None,
    })
    .await;
    let limits = shared(&redis.url(), Duration::from_secs(60)).max_in_flight(1);
    let kombo = client_at(&server.base_url, limits, RetryPolicy::disabled()).integration("x:drop");
    let held = {
        let kombo = kombo.clone();
        tokio::spawn(async move { create_absence(&kombo).await })
    };
    let sent = async {
        while server.seen.in_flight("x:drop") < 1 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), sent)
        .await
        .expect("the first call is in flight");
    assert_eq!(leases(&redis, "x:drop").await, 1);
    held.abort();
    let released = async {
        while leases(&redis, "x:drop").await > 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), released)
        .await
        .expect("the dropped call's lease is released, long before it would expire");
    server.release.send(true).unwrap();
    create_absence(&kombo).await.unwrap();
}

#[tokio::test]
async fn keys_name_no_secret_carry_the_integration_as_a_hash_tag_and_expire() {
    let redis = RedisServer::start();
    let server = stand_in(fast()).await;
    let kombo = client_at(
        &server.base_url,
        shared(&redis.url(), Duration::from_secs(30)),
        RetryPolicy::disabled(),
    );
    create_absence(&kombo.integration("personio:k"))
        .await
        .unwrap();
    // An unscoped action (the stand-in's answer is not a link: only the
    // keys it leaves matter here).
    let _ = kombo
        .general()
        .create_reconnection_link()
        .integration_id("personio:k")
        .send()
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut connection = redis_connection(&redis).await;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut connection)
        .await
        .unwrap();
    assert!(!keys.is_empty());
    for key in &keys {
        assert!(key.starts_with(&format!("{PREFIX}:{{")), "{key}");
        assert!(
            !key.contains("shared-load-test"),
            "the API key is never written: {key}"
        );
        let ttl: i64 = redis::cmd("PTTL")
            .arg(key)
            .query_async(&mut connection)
            .await
            .unwrap();
        assert!(ttl > 0, "{key} has a TTL");
    }
    assert!(keys.iter().any(|k| k.contains("{personio:k}")), "{keys:?}");
    assert!(
        keys.iter().any(|k| k.contains("{key:")),
        "unscoped calls count under the key's digest: {keys:?}"
    );
}

#[tokio::test]
async fn redis_down_from_the_start_is_no_error_and_one_warning() {
    let server = stand_in(fast()).await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let limits = shared(
        &format!("redis://127.0.0.1:{closed}/0"),
        Duration::from_secs(30),
    );
    let kombo = client_at(&server.base_url, limits, RetryPolicy::disabled()).integration("x:down");
    let (logs, subscriber) = common::capture_logs();
    let ok = {
        let _guard = tracing::subscriber::set_default(subscriber);
        burst(&kombo, 20).await
    };
    assert_eq!(ok, 20);
    let logs = common::text(&logs);
    assert_eq!(
        logs.matches("the Redis limiter is unavailable").count(),
        1,
        "{logs}"
    );
    assert_eq!(
        server.seen.concurrency_429.load(Ordering::SeqCst),
        0,
        "the in-process limiter held them"
    );
}

#[test]
fn a_bad_redis_url_is_a_configuration_error() {
    let e = Kombo::builder()
        .api_key("k")
        .limits(Limits::default().redis_url("http://not-redis"))
        .build()
        .unwrap_err();
    assert!(
        matches!(&e, Error::Config(m) if m.contains("Redis URL")),
        "{e:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_call_renews_its_lease() {
    let redis = RedisServer::start();
    let server = stand_in(Behaviour {
        hold: Duration::ZERO,
        held: Some("x:long"),
        close_window: None,
    })
    .await;
    // A lease of 300 ms, a call held three times as long.
    let limits = shared(&redis.url(), Duration::from_millis(300));
    let kombo = client_at(&server.base_url, limits, RetryPolicy::disabled()).integration("x:long");
    let call = {
        let kombo = kombo.clone();
        tokio::spawn(async move { create_absence(&kombo).await })
    };
    let sent = async {
        while server.seen.in_flight("x:long") < 1 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), sent)
        .await
        .expect("the call is in flight");
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(leases(&redis, "x:long").await, 1, "renewed, not expired");
    server.release.send(true).unwrap();
    call.await.unwrap().unwrap();
    assert_eq!(leases(&redis, "x:long").await, 0);
}
