//! Connections to PostgreSQL made the way libpq makes them, so that a URL that works with `psql`
//! works here: `sslmode` (`disable`, `prefer` (the default), `require`, `verify-ca`,
//! `verify-full`), `sslrootcert` (a PEM file of the authorities to trust; absent or `system`:
//! the Mozilla roots), and `sslcert` + `sslkey` (a client certificate), in the URL's query.
//! As in libpq, `require` with an `sslrootcert` file checks the chain like `verify-ca`.
//!
//! One TLS stack: rustls with aws-lc-rs, as everywhere else in Janua.

use std::sync::Arc;

use diesel::ConnectionError;
use diesel_async::AsyncPgConnection;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::DbError;

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(value: &str) -> Result<SslMode, DbError> {
        Ok(match value {
            "disable" => SslMode::Disable,
            // libpq's `allow` tries plain text first; nothing here needs it, and it is never
            // safer than `prefer`.
            "allow" | "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(DbError::Url(format!(
                    "sslmode={other} is not one of disable, prefer, require, verify-ca, verify-full"
                )));
            }
        })
    }
}

/// Makes connections to one database URL; built once (certificates read, URL checked), used
/// for every connection of a pool.
#[derive(Clone)]
pub struct Connector {
    config: tokio_postgres::Config,
    mode: SslMode,
    tls: Option<Arc<ClientConfig>>,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The config holds the password: only where and how.
        f.debug_struct("Connector")
            .field("hosts", &self.config.get_hosts())
            .field("dbname", &self.config.get_dbname())
            .field("sslmode", &self.mode)
            .finish()
    }
}

impl Connector {
    /// `search_path`: the schema named in the connection's startup packet (PostgreSQL sets it
    /// for the whole session), or none when a pooler in front selects it.
    pub fn new(url: &str, search_path: Option<&str>) -> Result<Connector, DbError> {
        let mut parsed = url::Url::parse(url).map_err(|e| DbError::Url(e.to_string()))?;
        let (mut mode, mut root, mut cert, mut key) = (SslMode::Prefer, None, None, None);
        let mut rest = Vec::new();
        for (name, value) in parsed.query_pairs() {
            match &*name {
                "sslmode" => mode = SslMode::parse(&value)?,
                "sslrootcert" => root = Some(value.into_owned()),
                "sslcert" => cert = Some(value.into_owned()),
                "sslkey" => key = Some(value.into_owned()),
                _ => rest.push((name.into_owned(), value.into_owned())),
            }
        }
        parsed.set_query(None);
        if !rest.is_empty() {
            parsed.query_pairs_mut().extend_pairs(rest);
        }
        let mut config: tokio_postgres::Config =
            parsed.as_str().parse().map_err(|e: tokio_postgres::Error| DbError::Url(e.to_string()))?;
        // libpq: `require` with a root certificate file behaves like `verify-ca`.
        if mode == SslMode::Require && root.as_deref().is_some_and(|r| r != "system") {
            mode = SslMode::VerifyCa;
        }
        config.ssl_mode(match mode {
            SslMode::Disable => tokio_postgres::config::SslMode::Disable,
            SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            _ => tokio_postgres::config::SslMode::Require,
        });
        let tls = match mode {
            SslMode::Disable => None,
            mode => Some(Arc::new(client_config(mode, root.as_deref(), cert.as_deref(), key.as_deref())?)),
        };
        let mut connector = Connector { config, mode, tls };
        if let Some(schema) = search_path {
            connector.set_option("search_path", schema);
        }
        Ok(connector)
    }

    /// A server setting for the whole session, in the startup packet (`-c name=value`).
    pub fn set_option(&mut self, name: &str, value: &str) {
        let options = match self.config.get_options() {
            Some(existing) if !existing.is_empty() => format!("{existing} -c{name}={value}"),
            _ => format!("-c{name}={value}"),
        };
        self.config.options(options);
    }

    pub fn ssl_mode(&self) -> SslMode {
        self.mode
    }

    pub async fn connect(&self) -> Result<AsyncPgConnection, ConnectionError> {
        // The whole chain: "error performing TLS handshake: invalid peer certificate: ...".
        let failed = |e: tokio_postgres::Error| {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                message = format!("{message}: {cause}");
                source = cause.source();
            }
            ConnectionError::BadConnection(message)
        };
        match &self.tls {
            None => {
                let (client, connection) =
                    self.config.connect(tokio_postgres::NoTls).await.map_err(failed)?;
                AsyncPgConnection::try_from_client_and_connection(client, connection).await
            }
            Some(tls) => {
                let tls = tokio_postgres_rustls::MakeRustlsConnect::new((**tls).clone());
                let (client, connection) = self.config.connect(tls).await.map_err(failed)?;
                AsyncPgConnection::try_from_client_and_connection(client, connection).await
            }
        }
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

fn tls_error(what: &str) -> impl Fn(rustls::Error) -> DbError + '_ {
    move |e| DbError::Url(format!("{what}: {e}"))
}

fn client_config(
    mode: SslMode, root: Option<&str>, cert: Option<&str>, key: Option<&str>,
) -> Result<ClientConfig, DbError> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(tls_error("TLS"))?;
    let builder = match mode {
        SslMode::Disable | SslMode::Prefer | SslMode::Require => {
            // Encrypted, unauthenticated: libpq's meaning of these modes.
            builder.dangerous().with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
        }
        SslMode::VerifyCa | SslMode::VerifyFull => {
            let roots = Arc::new(root_store(root)?);
            let webpki = WebPkiServerVerifier::builder_with_provider(roots, provider)
                .build()
                .map_err(|e| DbError::Url(format!("sslrootcert: {e}")))?;
            if mode == SslMode::VerifyFull {
                builder.with_webpki_verifier(webpki)
            } else {
                builder.dangerous().with_custom_certificate_verifier(Arc::new(ChainOnly(webpki)))
            }
        }
    };
    match (cert, key) {
        (None, None) => Ok(builder.with_no_client_auth()),
        (Some(cert), Some(key)) => {
            let chain = CertificateDer::pem_file_iter(cert)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| DbError::Url(format!("sslcert {cert}: {e}")))?;
            let key =
                PrivateKeyDer::from_pem_file(key).map_err(|e| DbError::Url(format!("sslkey {key}: {e}")))?;
            builder.with_client_auth_cert(chain, key).map_err(tls_error("sslcert/sslkey"))
        }
        _ => Err(DbError::Url("sslcert and sslkey go together".into())),
    }
}

fn root_store(root: Option<&str>) -> Result<RootCertStore, DbError> {
    let mut store = RootCertStore::empty();
    match root {
        None | Some("system") => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| DbError::Url(format!("sslrootcert {path}: {e}")))?;
            let (added, _) = store.add_parsable_certificates(certs);
            if added == 0 {
                return Err(DbError::Url(format!("sslrootcert {path}: no certificate in it")));
            }
        }
    }
    Ok(store)
}

/// `prefer` and `require`: any certificate, but the handshake's signatures are still checked.
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self, _: &CertificateDer<'_>, _: &[CertificateDer<'_>], _: &ServerName<'_>, _: &[u8], _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: the chain must lead to a trusted authority; the name is not checked.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self, end_entity: &CertificateDer<'_>, intermediates: &[CertificateDer<'_>], name: &ServerName<'_>,
        ocsp: &[u8], now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // webpki checks the chain first, the name last: a name mismatch means the chain held.
        match self.0.verify_server_cert(end_entity, intermediates, name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libpq_parameters_are_taken_out_of_the_url() {
        let c = Connector::new(
            "postgres://u:secret@db.example:6432/janua?sslmode=verify-full&application_name=x",
            None,
        )
        .unwrap();
        assert_eq!(c.ssl_mode(), SslMode::VerifyFull);
        assert_eq!(c.config.get_dbname(), Some("janua"));
        assert_eq!(c.config.get_application_name(), Some("x"));
        assert!(!format!("{c:?}").contains("secret"));
    }

    #[test]
    fn the_default_is_prefer_and_require_with_a_root_file_checks_the_chain() {
        assert_eq!(Connector::new("postgres://u@h/d", None).unwrap().ssl_mode(), SslMode::Prefer);
        let missing = Connector::new("postgres://u@h/d?sslmode=require&sslrootcert=/nonexistent.pem", None);
        assert!(matches!(missing, Err(DbError::Url(m)) if m.contains("/nonexistent.pem")));
        assert_eq!(
            Connector::new("postgres://u@h/d?sslmode=require&sslrootcert=system", None).unwrap().ssl_mode(),
            SslMode::Require
        );
    }

    #[test]
    fn an_unknown_sslmode_or_half_a_client_certificate_is_refused() {
        assert!(Connector::new("postgres://u@h/d?sslmode=sometimes", None).is_err());
        assert!(Connector::new("postgres://u@h/d?sslmode=require&sslcert=/a.pem", None).is_err());
    }
}
