//! One way to run an HTTP peer on loopback for tests: an actix app on a free port, one worker,
//! stopped when the last handle to it is dropped.

use actix_web::{App, HttpServer, web};
use std::sync::Arc;

/// A running peer. Clones share the server; it stops when the last clone is dropped.
#[derive(Clone)]
pub struct Peer {
    base: String,
    _server: Arc<ServerGuard>,
}

struct ServerGuard(actix_web::dev::ServerHandle);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        // Stop without waiting: the runtime may be going away with the test.
        drop(self.0.stop(false));
    }
}

impl Peer {
    /// Serves the routes `configure` mounts on 127.0.0.1, on a free port.
    pub fn serve(configure: impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static) -> Peer {
        Peer::serve_at(|_| configure)
    }

    /// Like [`Peer::serve`], for routes that need to know their own base URL (an issuer).
    pub fn serve_at<C>(routes: impl FnOnce(&str) -> C) -> Peer
    where
        C: Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
    {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("a bound port"));
        let configure = routes(&base);
        let server = HttpServer::new(move || App::new().configure(configure.clone()))
            .workers(1)
            .disable_signals()
            .listen(listener)
            .expect("listen on the loopback port")
            .run();
        let handle = server.handle();
        tokio::spawn(server);
        Peer { base, _server: Arc::new(ServerGuard(handle)) }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base(&self) -> &str {
        &self.base
    }
}

/// Reads a child peer's stdout until it announces `LISTENING <port>`: `Err` when `deadline`
/// passes first, `Ok(None)` when the output ends without it.
pub(crate) async fn announced_port(
    stdout: &mut tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
    deadline: std::time::Duration,
) -> Result<Option<u16>, tokio::time::error::Elapsed> {
    tokio::time::timeout(deadline, async {
        while let Ok(Some(line)) = stdout.next_line().await {
            if let Some(port) = line.strip_prefix("LISTENING ") {
                return port.trim().parse::<u16>().ok();
            }
        }
        None
    })
    .await
}
