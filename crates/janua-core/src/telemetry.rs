//! Tracing set-up. `RUST_LOG` wins over the configured level; `log.format = "json"` for
//! machines. Secrets never reach a span: handlers skip them in `#[instrument]`.

use crate::config::Settings;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt;
use tracing_subscriber::prelude::*;

pub fn init(settings: &Settings) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(settings.log.level.clone()));
    let registry = tracing_subscriber::registry().with(filter);
    // A second init (tests spawning several apps) is harmless: keep the first subscriber.
    let _ = if settings.log.format == "json" {
        registry.with(fmt::layer().json()).try_init()
    } else {
        registry.with(fmt::layer()).try_init()
    };
    if let Some(endpoint) = &settings.otel.endpoint {
        tracing::warn!(%endpoint, "OTLP export is not built into this release; traces stay local");
    }
}
