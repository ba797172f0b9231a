//! A TCP relay on loopback that a test can cut, to take a real connection (e.g. to RabbitMQ)
//! down mid-stream and bring it back.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;

/// Where the local RabbitMQ listens.
const BROKER: &str = "127.0.0.1:5672";

pub struct TcpProxy {
    port: u16,
    up: Arc<AtomicBool>,
    attempts: Arc<std::sync::atomic::AtomicUsize>,
    cut: broadcast::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl TcpProxy {
    pub async fn start(target: std::net::SocketAddr) -> TcpProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let (cut, _) = broadcast::channel(4);
        let attempts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (up2, cut2, attempts2) = (up.clone(), cut.clone(), attempts.clone());
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                attempts2.fetch_add(1, Ordering::SeqCst);
                if !up2.load(Ordering::SeqCst) {
                    continue; // refused: dropped at once
                }
                let mut stop = cut2.subscribe();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = stop.recv() => {}
                    }
                });
            }
        });
        TcpProxy { port, up, attempts, cut, task }
    }

    /// A proxy in front of the local RabbitMQ, the broker every test stack uses.
    pub async fn broker() -> TcpProxy {
        TcpProxy::start(BROKER.parse().expect("a socket address")).await
    }

    /// `amqp_url`, which names the local RabbitMQ, through this proxy instead.
    pub fn proxied(&self, amqp_url: &str) -> String {
        amqp_url.replace(BROKER, &format!("127.0.0.1:{}", self.port))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Drops every open connection and refuses new ones.
    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        let _ = self.cut.send(());
    }

    /// Connections attempted so far (refused ones included).
    pub fn attempts(&self) -> usize {
        self.attempts.load(Ordering::SeqCst)
    }

    pub fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}
