//! The event contract (`proto/`, compiled with prost) and the RabbitMQ publisher.
//!
//! Services never publish from a request handler: they write an [`Event`] to their outbox in
//! the transaction of the change, and the outbox relay (janua-db) publishes it here.

pub mod broker;
pub mod catalogue;
pub mod consumer;
pub mod publisher;
pub mod topology;

pub use publisher::{PublishError, Publisher};

/// Whether a broker link (the outbox relay's, or a consumer's) is up, for readiness probes.
#[derive(Clone, Default, Debug)]
pub struct BrokerStatus(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl BrokerStatus {
    pub fn is_connected(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn set(&self, up: bool) {
        self.0.store(up, std::sync::atomic::Ordering::Relaxed);
    }
}

use chrono::{DateTime, SecondsFormat, Utc};
use prost::Message;
use uuid::Uuid;

pub mod proto {
    include!(concat!(env!("OUT_DIR"), "/janua.events.v1.rs"));
}

pub use proto::EventEnvelope;

/// An event as services build it; [`Event::encode`] turns it into the wire envelope.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: Uuid,
    pub event_type: String,
    pub occurred_at: DateTime<Utc>,
    pub source: String,
    pub actor_id: Option<Uuid>,
    pub organization_id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    pub payload: serde_json::Value,
    pub context: EventContext,
}

/// Who did it and from where, carried from the request into the event (and the audit log).
#[derive(Debug, Clone, Default)]
pub struct EventContext {
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub traceparent: Option<String>,
}

impl Event {
    pub fn new(source: &str, event_type: &str, payload: serde_json::Value) -> Self {
        Self {
            id: Uuid::now_v7(),
            event_type: event_type.to_string(),
            occurred_at: Utc::now(),
            source: source.to_string(),
            actor_id: None,
            organization_id: None,
            subject_id: None,
            payload,
            context: EventContext::default(),
        }
    }

    pub fn actor(mut self, id: Uuid) -> Self {
        self.actor_id = Some(id);
        self
    }

    pub fn subject(mut self, id: Uuid) -> Self {
        self.subject_id = Some(id);
        self
    }

    pub fn organization(mut self, id: Uuid) -> Self {
        self.organization_id = Some(id);
        self
    }

    pub fn context(mut self, context: EventContext) -> Self {
        self.context = context;
        self
    }

    pub fn envelope(&self) -> EventEnvelope {
        let id_str = |id: Option<Uuid>| id.map(|u| u.to_string()).unwrap_or_default();
        EventEnvelope {
            id: self.id.to_string(),
            r#type: self.event_type.clone(),
            occurred_at: self.occurred_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            actor_id: id_str(self.actor_id),
            organization_id: id_str(self.organization_id),
            subject_id: id_str(self.subject_id),
            source: self.source.clone(),
            payload: serde_json::to_vec(&self.payload).unwrap_or_default(),
            // The span it happens in (a request's, a consumer's), else what the request said.
            traceparent: janua_core::telemetry::current_traceparent()
                .or_else(|| self.context.traceparent.clone())
                .unwrap_or_default(),
            request_id: self.context.request_id.clone().unwrap_or_default(),
            ip: self.context.ip.clone().unwrap_or_default(),
            user_agent: self.context.user_agent.clone().unwrap_or_default(),
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        self.envelope().encode_to_vec()
    }
}

pub fn decode(bytes: &[u8]) -> Result<EventEnvelope, prost::DecodeError> {
    EventEnvelope::decode(bytes)
}

impl From<janua_core::http::RequestMeta> for EventContext {
    fn from(m: janua_core::http::RequestMeta) -> Self {
        EventContext {
            request_id: m.request_id,
            ip: m.ip,
            user_agent: m.user_agent,
            traceparent: m.traceparent,
        }
    }
}

/// What a consumer reads first from any envelope. A malformed one can never be handled, so it
/// is rejected (dead-lettered), never retried.
impl EventEnvelope {
    /// The event's id, which the inbox deduplicates by.
    pub fn event_id(&self) -> Result<Uuid, consumer::HandleError> {
        Uuid::parse_str(&self.id).map_err(|e| consumer::HandleError::Reject(format!("event id: {e}")))
    }

    /// When the event happened (now, for a time that does not parse).
    pub fn occurred(&self) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&self.occurred_at)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|_| Utc::now())
    }

    /// The JSON payload (`{}` when there is none).
    pub fn json_payload(&self) -> Result<serde_json::Value, consumer::HandleError> {
        if self.payload.is_empty() {
            return Ok(serde_json::json!({}));
        }
        serde_json::from_slice(&self.payload)
            .map_err(|e| consumer::HandleError::Reject(format!("payload: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_round_trips() {
        let user = Uuid::now_v7();
        let event = Event::new("identity", "user.created", serde_json::json!({"email":"a@b.c"}))
            .subject(user)
            .actor(user);
        let decoded = decode(&event.encode()).unwrap();
        assert_eq!(decoded.r#type, "user.created");
        assert_eq!(decoded.subject_id, user.to_string());
        assert_eq!(decoded.organization_id, "");
        let payload: serde_json::Value = serde_json::from_slice(&decoded.payload).unwrap();
        assert_eq!(payload["email"], "a@b.c");
    }
}
