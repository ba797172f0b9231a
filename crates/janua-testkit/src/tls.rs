//! TLS for the test peers: an authority made per test (openssl), Redis serving TLS only, and a
//! TLS terminator in front of a plain TCP server (RabbitMQ), as a cloud load balancer is.

use std::path::PathBuf;
use std::process::{Child, Command};
use std::sync::Arc;

use crate::postgres::{free_port, run, spawn_quiet, wait_for_port};

/// A certificate authority made for one test, and the certificates it signs.
pub struct TestCa {
    dir: PathBuf,
    name: String,
}

impl Drop for TestCa {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl TestCa {
    pub fn new(name: &str) -> TestCa {
        let dir = std::env::temp_dir().join(format!("janua-{name}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("a folder for the authority");
        let ca = TestCa { dir, name: name.to_string() };
        run(Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "2",
            ])
            .args(["-subj", &format!("/CN={name}")])
            .arg("-keyout")
            .arg(ca.key())
            .arg("-out")
            .arg(ca.cert()));
        ca
    }

    /// The authority's certificate (what `sslrootcert` names).
    pub fn cert(&self) -> PathBuf {
        self.dir.join(format!("{}.pem", self.name))
    }

    fn key(&self) -> PathBuf {
        self.dir.join(format!("{}.key", self.name))
    }

    /// A server certificate for `dns_name` (and no other name or address); answers the paths of
    /// the certificate and of its key.
    pub fn issue(&self, file: &str, dns_name: &str) -> (PathBuf, PathBuf) {
        let (cert, key, csr) = (
            self.dir.join(format!("{file}.crt")),
            self.dir.join(format!("{file}.key")),
            self.dir.join(format!("{file}.csr")),
        );
        let ext = self.dir.join(format!("{file}.ext"));
        std::fs::write(&ext, format!("subjectAltName=DNS:{dns_name}\nextendedKeyUsage=serverAuth\n"))
            .unwrap();
        run(Command::new("openssl")
            .args(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"])
            .args(["-subj", &format!("/CN={dns_name}")])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&csr));
        run(Command::new("openssl")
            .args(["x509", "-req", "-days", "2", "-CAcreateserial"])
            .arg("-in")
            .arg(&csr)
            .arg("-CA")
            .arg(self.cert())
            .arg("-CAkey")
            .arg(self.key())
            .arg("-extfile")
            .arg(&ext)
            .arg("-out")
            .arg(&cert));
        (cert, key)
    }
}

/// A Redis server of its own that accepts only TLS, with a certificate for `localhost`.
pub struct TlsRedis {
    port: u16,
    server: Child,
    ca: TestCa,
}

impl TlsRedis {
    pub fn start() -> TlsRedis {
        let ca = TestCa::new("redis-ca");
        let (cert, key) = ca.issue("redis", "localhost");
        let port = free_port();
        let server = spawn_quiet(
            Command::new("redis-server")
                .args(["--port", "0", "--tls-port", &port.to_string(), "--bind", "127.0.0.1"])
                .arg("--tls-cert-file")
                .arg(&cert)
                .arg("--tls-key-file")
                .arg(&key)
                .arg("--tls-ca-cert-file")
                .arg(ca.cert())
                .args(["--tls-auth-clients", "no", "--save", "", "--appendonly", "no"]),
            "redis-server with TLS",
        );
        wait_for_port("the TLS Redis", port);
        TlsRedis { port, server, ca }
    }

    /// `rediss://localhost:<port>`.
    pub fn url(&self) -> String {
        format!("rediss://localhost:{}", self.port)
    }

    pub fn ca_file(&self) -> PathBuf {
        self.ca.cert()
    }

    /// Commands the server has run (its own count, `INFO stats`).
    pub fn commands_processed(&self) -> u64 {
        let info = run(Command::new("redis-cli")
            .args(["--tls", "-h", "localhost", "-p", &self.port.to_string(), "--cacert"])
            .arg(self.ca.cert())
            .args(["INFO", "stats"]));
        info.lines()
            .find_map(|l| l.strip_prefix("total_commands_processed:"))
            .and_then(|n| n.trim().parse().ok())
            .expect("total_commands_processed in INFO stats")
    }
}

impl Drop for TlsRedis {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// Terminates TLS (a certificate for `localhost` from its own authority) and forwards each
/// connection to a plain TCP port on loopback; counts the handshakes that succeeded.
pub struct TlsTerminator {
    port: u16,
    ca: TestCa,
    handshakes: Arc<std::sync::atomic::AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl TlsTerminator {
    pub async fn start(upstream_port: u16) -> TlsTerminator {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let ca = TestCa::new("terminator-ca");
        let (cert, key) = ca.issue("terminator", "localhost");
        let chain = CertificateDer::pem_file_iter(&cert).unwrap().collect::<Result<Vec<_>, _>>().unwrap();
        let key = PrivateKeyDer::from_pem_file(&key).unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let handshakes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = handshakes.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (acceptor, counted) = (acceptor.clone(), counted.clone());
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(client).await else { return };
                    counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Ok(mut upstream) = tokio::net::TcpStream::connect(("127.0.0.1", upstream_port)).await
                    else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
                });
            }
        });
        TlsTerminator { port, ca, handshakes, task }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn ca_file(&self) -> PathBuf {
        self.ca.cert()
    }

    /// TLS handshakes completed so far.
    pub fn handshakes(&self) -> usize {
        self.handshakes.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for TlsTerminator {
    fn drop(&mut self) {
        self.task.abort();
    }
}
