//! Logs and traces. `RUST_LOG` wins over the configured level; `log.format = "json"` for
//! machines. Secrets never reach a span: handlers skip them in `#[instrument]`.
//!
//! With `otel.endpoint` set, spans go to an OpenTelemetry collector over OTLP/HTTP (protobuf),
//! and W3C trace context (`traceparent`) links them across processes: incoming requests
//! ([`extract`]), calls to siblings and webhooks ([`inject`]), events (the envelope's
//! `traceparent`, [`current_traceparent`]) and their consumers ([`parent_from`]).

use crate::config::Settings;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{BatchConfigBuilder, BatchSpanProcessor, Sampler, SdkTracerProvider};
use std::collections::HashMap;
use std::sync::OnceLock;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt;
use tracing_subscriber::prelude::*;

static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// Sets up logging (and, with `otel.endpoint`, trace export) for the process. A second call
/// (tests spawning several apps) keeps the first set-up.
pub fn init(settings: &Settings) {
    init_named(settings, "janua")
}

/// Like [`init`], naming the traces' `service.name` (unless `otel.service_name` is set).
pub fn init_named(settings: &Settings, service_name: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(settings.log.level.clone()));
    let (json, pretty) = if settings.log.format == "json" {
        (Some(fmt::layer().json().with_filter(filter)), None)
    } else {
        (None, Some(fmt::layer().with_filter(filter)))
    };
    let provider = settings.otel.endpoint.as_deref().and_then(|endpoint| {
        let name = settings.otel.service_name.clone().unwrap_or_else(|| service_name.to_string());
        match provider(endpoint, &name, settings) {
            Ok(provider) => Some(provider),
            Err(e) => {
                eprintln!("OTLP export to {endpoint} cannot start: {e}; traces stay local");
                None
            }
        }
    });
    // Spans of every crate at info and above are exported, whatever the log level.
    let otel = provider.as_ref().map(|p| {
        tracing_opentelemetry::layer().with_tracer(p.tracer("janua")).with_filter(LevelFilter::INFO)
    });
    let installed = tracing_subscriber::registry().with(json).with(pretty).with(otel).try_init().is_ok();
    if installed && let Some(provider) = provider {
        opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
        let _ = PROVIDER.set(provider);
    }
}

fn provider(endpoint: &str, service_name: &str, settings: &Settings) -> anyhow::Result<SdkTracerProvider> {
    use opentelemetry_otlp::{Protocol, WithExportConfig};
    let url = format!("{}/v1/traces", endpoint.trim_end_matches('/'));
    // The blocking client starts a runtime of its own: build it away from the caller's.
    let exporter = std::thread::spawn(move || {
        opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(url)
            .build()
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the exporter's thread panicked"))??;
    let batch = BatchConfigBuilder::default()
        .with_scheduled_delay(std::time::Duration::from_millis(settings.otel.export_delay_ms.max(1)))
        .build();
    let ratio = settings.otel.sample_ratio.clamp(0.0, 1.0);
    Ok(SdkTracerProvider::builder()
        .with_span_processor(BatchSpanProcessor::builder(exporter).with_batch_config(batch).build())
        .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(ratio))))
        .with_resource(
            opentelemetry_sdk::Resource::builder().with_service_name(service_name.to_string()).build(),
        )
        .build())
}

/// Sends what spans are waiting and stops the exporter (at shutdown).
pub fn shutdown() {
    if let Some(provider) = PROVIDER.get()
        && let Err(e) = provider.shutdown()
    {
        eprintln!("OTLP export did not flush: {e}");
    }
}

/// Whether spans are exported (otherwise there is no context to pass on but the caller's).
pub fn exporting() -> bool {
    PROVIDER.get().is_some()
}

struct Headers<'a>(&'a actix_web::http::header::HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

struct Pairs<'a>(Vec<(&'a str, &'a str)>);

impl Extractor for Pairs<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| *v)
    }

    fn keys(&self) -> Vec<&str> {
        self.0.iter().map(|(k, _)| *k).collect()
    }
}

/// Makes `span` a child of the trace context the request's headers carry (if any).
pub fn extract(span: &tracing::Span, headers: &actix_web::http::header::HeaderMap) {
    if exporting() {
        let parent = TraceContextPropagator::new().extract(&Headers(headers));
        let _ = span.set_parent(parent);
    }
}

/// Makes `span` a child of a `traceparent` (and `tracestate`) carried by a message.
pub fn parent_from(span: &tracing::Span, traceparent: &str, tracestate: Option<&str>) {
    if exporting() && !traceparent.is_empty() {
        let mut pairs = vec![("traceparent", traceparent)];
        pairs.extend(tracestate.map(|s| ("tracestate", s)));
        let parent = TraceContextPropagator::new().extract(&Pairs(pairs));
        let _ = span.set_parent(parent);
    }
}

struct Map(HashMap<String, String>);

impl Injector for Map {
    fn set(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
}

/// The current span's trace context as W3C headers (`traceparent`, `tracestate`); empty when
/// nothing is exported.
pub fn context_headers() -> HashMap<String, String> {
    let mut map = Map(HashMap::new());
    if exporting() {
        let cx = tracing::Span::current().context();
        TraceContextPropagator::new().inject_context(&cx, &mut map);
    }
    map.0
}

/// The current span's `traceparent`, if spans are exported.
pub fn current_traceparent() -> Option<String> {
    context_headers().remove("traceparent")
}

/// The current trace context as headers for an outgoing request
/// (`request.headers(trace_headers())`).
pub fn trace_headers() -> reqwest::header::HeaderMap {
    context_headers()
        .into_iter()
        .filter_map(|(name, value)| {
            Some((
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).ok()?,
                reqwest::header::HeaderValue::from_str(&value).ok()?,
            ))
        })
        .collect()
}

/// A log line that may repeat on every request under load (a request shed, say) is written at
/// most once per `every`: logging each would spend the CPU the overload lacks, and let a flood
/// of requests flood the logs. [`LogEvery::due`] answers how many it held back since the last.
pub struct LogEvery {
    every_ms: u64,
    /// Milliseconds since the Unix epoch of the last line written (0: none yet).
    last_ms: std::sync::atomic::AtomicU64,
    held_back: std::sync::atomic::AtomicU64,
}

impl LogEvery {
    pub const fn new(every: std::time::Duration) -> LogEvery {
        LogEvery {
            every_ms: every.as_millis() as u64,
            last_ms: std::sync::atomic::AtomicU64::new(0),
            held_back: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// `Some(lines held back since the last one)` when the line is due now, else `None`.
    pub fn due(&self) -> Option<u64> {
        use std::sync::atomic::Ordering::Relaxed;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        let last = self.last_ms.load(Relaxed);
        let due = last == 0 || now.saturating_sub(last) >= self.every_ms;
        if due && self.last_ms.compare_exchange(last, now.max(1), Relaxed, Relaxed).is_ok() {
            return Some(self.held_back.swap(0, Relaxed));
        }
        self.held_back.fetch_add(1, Relaxed);
        None
    }
}

#[cfg(test)]
mod log_every_tests {
    use super::LogEvery;
    use std::time::Duration;

    #[test]
    fn writes_the_first_line_then_counts_what_it_holds_back() {
        let log = LogEvery::new(Duration::from_secs(3600));
        assert_eq!(log.due(), Some(0));
        assert_eq!(log.due(), None);
        assert_eq!(log.due(), None);
        let every_time = LogEvery::new(Duration::ZERO);
        assert_eq!(every_time.due(), Some(0));
        assert_eq!(every_time.due(), Some(0));
        // Two held back by the hourly one are reported once a line is due again.
        log.last_ms.store(1, std::sync::atomic::Ordering::Relaxed);
        assert_eq!(log.due(), Some(2));
    }
}
