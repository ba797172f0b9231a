//! Outgoing mail. Handlers queue a letter (sealed, in their transaction); this worker renders
//! it in the reader's language (with the overrides of messages as they are now) and sends it
//! over SMTP as text and HTML, with retries: an SMTP or identity outage delays mail and never
//! loses it.

use crate::letters::{Letter, Localizer, Rendered};
use crate::store::emails;
use chrono::{Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use janua_core::config::{SmtpSettings, SmtpTls};
use janua_db::Pool;
use janua_tokens::SecretBox;
use lettre::message::MultiPart;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

/// Queues `letter` to `to`. The queue records the subject in built-in words (the sent one
/// may carry overrides); the letter itself is sealed.
pub async fn queue(
    conn: &mut AsyncPgConnection, sealer: &SecretBox, to: &str, letter: &Letter,
) -> diesel::QueryResult<()> {
    let sealed = sealer.seal(&serde_json::to_vec(letter).unwrap_or_default());
    emails::enqueue(conn, to, &letter.plain_subject("en"), &sealed).await?;
    Ok(())
}

pub fn transport(smtp: &SmtpSettings) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let mut builder = match smtp.tls {
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?,
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
    }
    .port(smtp.port)
    .timeout(Some(std::time::Duration::from_secs(10)));
    if let (Some(user), Some(pass)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(user.clone(), pass.expose_secret().to_string()));
    }
    Ok(builder.build())
}

pub struct MailWorker {
    pub pool: Pool,
    pub sealer: SecretBox,
    pub smtp: SmtpSettings,
    pub localizer: Localizer,
}

impl MailWorker {
    pub async fn run(self) {
        let transport = match transport(&self.smtp) {
            Ok(t) => t,
            Err(e) => {
                tracing::error!(error = %e, "SMTP is misconfigured; mail stays queued");
                return;
            }
        };
        loop {
            match self.send_due(&transport).await {
                Ok(0) | Err(_) => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
                Ok(_) => {}
            }
        }
    }

    async fn send_due(&self, transport: &AsyncSmtpTransport<Tokio1Executor>) -> anyhow::Result<usize> {
        let mut conn = self.pool.get().await?;
        let from = self.smtp.from.clone();
        conn.transaction::<usize, anyhow::Error, _>(async |conn| {
            let due = emails::lock_due(conn, Utc::now(), 20).await?;
            let n = due.len();
            for (id, to, subject, body, attempts) in due {
                let body = body.and_then(|b| self.sealer.open(&b).ok()).unwrap_or_default();
                let content = match self.content(subject, &body).await {
                    Ok(c) => c,
                    Err(e) => {
                        let retry = Utc::now() + Duration::from_std(backoff(attempts)).unwrap_or(Duration::hours(1));
                        tracing::warn!(email_id = %id, error = %e, "email cannot be rendered yet; will retry");
                        failed("transient");
                        emails::mark_failed(conn, id, retry, &e.to_string()).await?;
                        continue;
                    }
                };
                let message = match build_message(&from, &to, content) {
                    Ok(m) => m,
                    Err(e) => {
                        // A message that cannot be built never will be: park it, keep the rest moving.
                        tracing::error!(email_id = %id, error = %e, "unsendable email parked");
                        failed("permanent");
                        emails::mark_failed(conn, id, Utc::now() + Duration::days(3650), &e.to_string())
                            .await?;
                        continue;
                    }
                };
                match transport.send(message).await {
                    Ok(_) => {
                        emails::mark_sent(conn, id, Utc::now()).await?;
                        metrics::counter!(janua_core::metrics::MAIL_SENT).increment(1);
                    }
                    Err(e) => {
                        failed("transient");
                        let backoff = Duration::from_std(backoff(attempts)).unwrap_or(Duration::hours(1));
                        tracing::warn!(email_id = %id, error = %e, "SMTP send failed; will retry");
                        emails::mark_failed(conn, id, Utc::now() + backoff, &e.to_string()).await?;
                    }
                }
            }
            Ok(n)
        })
        .await
    }

    /// What goes out: a letter rendered now; a body queued before letters existed as it is.
    async fn content(&self, subject: String, body: &[u8]) -> anyhow::Result<Rendered> {
        match serde_json::from_slice::<Letter>(body) {
            Ok(letter) => {
                let resolver = self.localizer.resolver(&letter).await?;
                Ok(letter.render(&resolver))
            }
            Err(_) => Ok(Rendered {
                subject,
                text: String::from_utf8_lossy(body).into_owned(),
                html: String::new(),
            }),
        }
    }
}

fn failed(kind: &'static str) {
    metrics::counter!(janua_core::metrics::MAIL_FAILURES, "kind" => kind).increment(1);
}

/// The mail queue's depth, sampled at each scrape.
pub fn collect_metrics(pool: Pool) {
    janua_core::metrics::on_scrape(move || {
        let pool = pool.clone();
        Box::pin(async move {
            let Ok(mut conn) = pool.get().await else {
                return;
            };
            if let Ok(n) = emails::queued(&mut conn).await {
                metrics::gauge!(janua_core::metrics::MAIL_QUEUE).set(n as f64);
            }
        })
    });
}

/// 2 s doubling to an hour, jittered so a recovered SMTP server is not hit by the whole queue
/// at once.
fn backoff(attempts: i32) -> std::time::Duration {
    janua_core::retry::Backoff {
        base: std::time::Duration::from_secs(2),
        max: std::time::Duration::from_secs(3600),
        jitter: 0.25,
    }
    .delay(attempts as u32 + 1)
}

/// Text and HTML as alternatives (the text alone when there is no HTML).
fn build_message(from: &str, to: &str, content: Rendered) -> anyhow::Result<Message> {
    let builder = Message::builder().from(from.parse()?).to(to.parse()?).subject(content.subject);
    if content.html.is_empty() {
        return Ok(builder.header(ContentType::TEXT_PLAIN).body(content.text)?);
    }
    Ok(builder.multipart(MultiPart::alternative_plain_html(content.text, content.html))?)
}
