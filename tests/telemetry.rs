//! The spans of a retried call, as a `tracing` layer sees them (the fields
//! `tracing-opentelemetry` exports): names and values of the call span and
//! of each attempt's client span, the duration metric's events, and no
//! field or event holding the key. Loopback only.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kombo::{Kombo, RetryPolicy};
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk_live_SECRET_7c1f";
const ID: &str = "personio:93fCvorjZ2jas7ZekX1V1n5d";
const LOG_URL: &str = "https://app.kombo.dev/env/logs?interactionId=42";

type Fields = BTreeMap<String, String>;

#[derive(Debug, Clone)]
struct SpanSeen {
    name: &'static str,
    id: u64,
    parent: Option<u64>,
    fields: Fields,
}

#[derive(Debug, Clone)]
struct EventSeen {
    target: String,
    span: Option<String>,
    fields: Fields,
}

#[derive(Default)]
struct Seen {
    spans: Vec<SpanSeen>,
    events: Vec<EventSeen>,
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Seen>>);

struct Values<'a>(&'a mut Fields);

impl Visit for Values<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_owned(), value.to_string());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_owned(), value.to_string());
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().to_owned(), value.to_string());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        attrs.record(&mut Values(&mut fields));
        let parent = ctx
            .span(id)
            .and_then(|s| s.parent())
            .map(|p| p.id().into_u64());
        self.0.lock().unwrap().spans.push(SpanSeen {
            name: attrs.metadata().name(),
            id: id.into_u64(),
            parent,
            fields,
        });
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut seen = self.0.lock().unwrap();
        // Span ids are reused once a span closes: the newest holder is this one.
        if let Some(span) = seen.spans.iter_mut().rev().find(|s| s.id == id.into_u64()) {
            values.record(&mut Values(&mut span.fields));
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        event.record(&mut Values(&mut fields));
        let span = ctx.event_span(event).map(|s| s.name().to_owned());
        self.0.lock().unwrap().events.push(EventSeen {
            target: event.metadata().target().to_owned(),
            span,
            fields,
        });
    }
}

fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields.get(name).map(String::as_str)
}

#[tokio::test]
async fn a_retried_call_has_one_client_span_per_attempt_with_the_otel_fields() {
    let server = MockServer::start().await;
    let limited = ResponseTemplate::new(429).set_body_json(json!({
        "status": "error",
        "error": {"code": "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED", "title": null,
                  "message": "m", "log_url": LOG_URL}}));
    Mock::given(method("POST"))
        .respond_with(limited)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"status": "success", "data": {"link": "https://connect.kombo.dev/v1?token=t"}}),
        ))
        .mount(&server)
        .await;
    let kombo = Kombo::builder()
        .api_key(KEY)
        .base_url(&format!("{}/v1", server.uri()))
        .retry(
            RetryPolicy::default()
                .min_delay(Duration::from_millis(10))
                .jitter(false),
        )
        .build()
        .unwrap();

    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    {
        let _guard = tracing::subscriber::set_default(subscriber);
        kombo
            .general()
            .create_reconnection_link()
            .integration_id(ID)
            .send()
            .await
            .unwrap();
    }

    let seen = capture.0.lock().unwrap();
    let calls: Vec<_> = seen
        .spans
        .iter()
        .filter(|s| s.name == "kombo.call")
        .collect();
    assert_eq!(calls.len(), 1, "{:?}", seen.spans);
    let call = calls[0];
    assert_eq!(field(&call.fields, "otel.kind"), Some("internal"));
    assert_eq!(
        field(&call.fields, "kombo.operation"),
        Some("create_reconnection_link")
    );
    assert_eq!(
        field(&call.fields, "otel.status_code"),
        None,
        "the call succeeded"
    );

    let attempts: Vec<_> = seen
        .spans
        .iter()
        .filter(|s| s.name == "kombo.attempt")
        .collect();
    assert_eq!(attempts.len(), 2, "one span per attempt");
    let address = server.address();
    let url = format!("{}/v1/integrations/{ID}/relink", server.uri());
    let port = address.port().to_string();
    for attempt in &attempts {
        assert_eq!(
            attempt.parent,
            Some(call.id),
            "attempts are children of the call"
        );
        let f = &attempt.fields;
        for (name, value) in [
            ("otel.name", "POST /integrations/{integration_id}/relink"),
            ("otel.kind", "client"),
            ("http.request.method", "POST"),
            ("server.address", "127.0.0.1"),
            ("server.port", port.as_str()),
            ("url.full", url.as_str()),
            ("url.template", "/integrations/{integration_id}/relink"),
        ] {
            assert_eq!(field(f, name), Some(value), "{name} in {f:?}");
        }
    }
    let (first, second) = (&attempts[0].fields, &attempts[1].fields);
    for (name, value) in [
        ("http.response.status_code", "429"),
        ("error.type", "429"),
        ("otel.status_code", "ERROR"),
        ("error.code", "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED"),
        ("log_url", LOG_URL),
    ] {
        assert_eq!(field(first, name), Some(value), "{name} in {first:?}");
    }
    assert_eq!(field(first, "http.request.resend_count"), None);
    assert_eq!(field(second, "http.request.resend_count"), Some("1"));
    assert_eq!(field(second, "http.response.status_code"), Some("200"));
    for absent in ["error.type", "otel.status_code", "error.code", "log_url"] {
        assert_eq!(field(second, absent), None, "{absent} in {second:?}");
    }

    // The retry event belongs to the call, not to an attempt.
    let retry = seen
        .events
        .iter()
        .find(|e| field(&e.fields, "message") == Some("retrying Kombo request"))
        .expect("a retry event");
    assert_eq!(retry.span.as_deref(), Some("kombo.call"));
    assert_eq!(field(&retry.fields, "reason"), Some("HTTP 429"));

    // http.client.request.duration, once per attempt, in its attempt's span.
    let metrics: Vec<_> = seen
        .events
        .iter()
        .filter(|e| e.target == "kombo::metrics")
        .collect();
    assert_eq!(metrics.len(), 2);
    for (metric, status) in metrics.iter().zip(["429", "200"]) {
        assert_eq!(metric.span.as_deref(), Some("kombo.attempt"));
        let f = &metric.fields;
        let seconds: f64 = field(f, "histogram.http.client.request.duration")
            .unwrap()
            .parse()
            .unwrap();
        assert!(seconds >= 0.0);
        assert_eq!(field(f, "http.response.status_code"), Some(status));
        assert_eq!(
            field(f, "url.template"),
            Some("/integrations/{integration_id}/relink")
        );
        assert_eq!(field(f, "server.address"), Some("127.0.0.1"));
    }
    assert_eq!(field(&metrics[0].fields, "error.type"), Some("429"));
    assert_eq!(field(&metrics[1].fields, "error.type"), None);

    // No field of any span or event holds the key.
    let all = seen
        .spans
        .iter()
        .map(|s| &s.fields)
        .chain(seen.events.iter().map(|e| &e.fields));
    for fields in all {
        for (name, value) in fields {
            assert!(!value.contains(KEY), "the key is in {name}: {value}");
        }
    }
}
