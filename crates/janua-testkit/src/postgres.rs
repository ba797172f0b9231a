//! The database as production has it, on loopback: a second PostgreSQL cluster that accepts
//! only TLS, with an authority and a server certificate this test made (openssl), and PgBouncer
//! in transaction mode in front of the machine's PostgreSQL. Both run as the `postgres` user
//! (neither runs as root) and are stopped and removed when dropped.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::tls::TestCa;

/// A folder the `postgres` user owns, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(what: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("janua-{what}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        let scratch = Scratch(dir);
        scratch.give_to_postgres();
        scratch
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write a scratch file");
        path
    }

    fn give_to_postgres(&self) {
        run(Command::new("chown").args(["-R", "postgres:postgres"]).arg(&self.0));
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(crate) fn run(command: &mut Command) -> String {
    let out = command.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        out.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `program` run as the `postgres` user (the child's pid is the program's own, so a signal
/// reaches it).
fn as_postgres(program: &Path) -> Command {
    use std::os::unix::process::CommandExt;
    let id = |flag: &str| -> u32 {
        run(Command::new("id").args([flag, "postgres"])).trim().parse().expect("the postgres user's ids")
    };
    let mut command = Command::new(program);
    command.uid(id("-u")).gid(id("-g")).env("HOME", "/var/lib/postgresql");
    command
}

/// Starts `command` with no input or output; `what` names it when it cannot start.
pub(crate) fn spawn_quiet(command: &mut Command, what: &str) -> Child {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {what}: {e}"))
}

/// Waits (30 s at most) until something accepts connections on `port` of loopback.
pub(crate) fn wait_for_port(what: &str, port: u16) {
    wait_until(what, || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// The newest PostgreSQL server binaries on the machine (`/usr/lib/postgresql/<major>/bin`).
fn postgres_bin(name: &str) -> PathBuf {
    let mut majors: Vec<u32> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's server binaries under /usr/lib/postgresql")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    majors.sort();
    let major = majors.last().expect("a PostgreSQL major version");
    PathBuf::from(format!("/usr/lib/postgresql/{major}/bin/{name}"))
}

pub(crate) fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ready() {
        assert!(Instant::now() < deadline, "{what} did not come up within 30 s");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A PostgreSQL cluster of its own that refuses every connection without TLS; its certificate
/// names `localhost` only.
pub struct TlsPostgres {
    port: u16,
    server: Child,
    ca: TestCa,
    other_ca: TestCa,
    scratch: Scratch,
}

impl TlsPostgres {
    pub fn start() -> TlsPostgres {
        let scratch = Scratch::new("tls-postgres");
        let ca = TestCa::new("janua-test-ca");
        let other_ca = TestCa::new("unrelated-ca");
        let (issued_cert, issued_key) = ca.issue("server", "localhost");
        let (cert, key) = (scratch.path("server.crt"), scratch.path("server.key"));
        std::fs::copy(issued_cert, &cert).unwrap();
        std::fs::copy(issued_key, &key).unwrap();
        scratch.give_to_postgres();
        run(Command::new("chmod").arg("0600").arg(&key));
        let data = scratch.path("data");
        run(as_postgres(&postgres_bin("initdb"))
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "-D"])
            .arg(&data));
        // TLS or nothing: no `host` line, so a plain-text connection finds no entry.
        std::fs::write(
            data.join("pg_hba.conf"),
            "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostssl all all ::1/128 trust\n",
        )
        .unwrap();
        let port = free_port();
        let server = spawn_quiet(
            as_postgres(&postgres_bin("postgres"))
                .arg("-D")
                .arg(&data)
                .args(["-c", &format!("port={port}"), "-c", "listen_addresses=127.0.0.1"])
                .args(["-c", &format!("unix_socket_directories={}", scratch.0.display())])
                .args(["-c", "ssl=on", "-c", &format!("ssl_cert_file={}", cert.display())])
                .args(["-c", &format!("ssl_key_file={}", key.display())])
                .args(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "max_connections=200"]),
            "postgres",
        );
        let socket_dir = scratch.0.clone();
        wait_until("the TLS PostgreSQL", || {
            Command::new(postgres_bin("pg_isready"))
                .arg("-h")
                .arg(&socket_dir)
                .args(["-p", &port.to_string(), "-q"])
                .status()
                .is_ok_and(|s| s.success())
        });
        TlsPostgres { port, server, ca, other_ca, scratch }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The authority that signed the server's certificate.
    pub fn ca_file(&self) -> PathBuf {
        self.ca.cert()
    }

    /// An authority that signed nothing here.
    pub fn unrelated_ca_file(&self) -> PathBuf {
        self.other_ca.cert()
    }

    /// Creates a database on the cluster (over its Unix socket, as its owner).
    pub fn create_database(&self, name: &str) {
        run(Command::new("psql").arg("-h").arg(&self.scratch.0).args([
            "-p",
            &self.port.to_string(),
            "-U",
            "postgres",
            "-qc",
            &format!("CREATE DATABASE {name}"),
        ]));
    }

    /// `postgres://postgres@<host>:<port>/<database>?<query>`.
    pub fn url(&self, host: &str, database: &str, query: &str) -> String {
        format!("postgres://postgres@{host}:{}/{database}?{query}", self.port)
    }
}

impl Drop for TlsPostgres {
    fn drop(&mut self) {
        // SIGQUIT: immediate shutdown; the cluster is thrown away with its folder.
        let _ = Command::new("kill").args(["-QUIT", &self.server.id().to_string()]).status();
        let _ = self.server.wait();
    }
}

/// PgBouncer (built by scripts/setup.sh) in transaction mode, in front of the machine's
/// PostgreSQL: one pooled database per entry, each with the `connect_query` its server
/// connections run once when they are opened. At least two server connections per database,
/// taken in turn (`server_round_robin`), so consecutive transactions of one client land on
/// different server connections, as they do under load.
pub struct PgBouncer {
    port: u16,
    process: Child,
    _scratch: Scratch,
}

impl PgBouncer {
    /// `databases`: (name clients ask for, the real database, connect_query).
    pub fn start(databases: &[(&str, &str, &str)]) -> PgBouncer {
        let binary = std::env::var("JANUA_PGBOUNCER").map(PathBuf::from).unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-tools/pgbouncer/bin/pgbouncer")
        });
        assert!(binary.exists(), "{} is missing: run scripts/setup.sh (make setup)", binary.display());
        let scratch = Scratch::new("pgbouncer");
        let port = free_port();
        let mut ini = String::from("[databases]\n");
        for (name, real, connect_query) in databases {
            ini.push_str(&format!(
                "{name} = host=127.0.0.1 port=5432 dbname={real} user=postgres connect_query='{connect_query}'\n"
            ));
        }
        ini.push_str(&format!(
            "[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
             auth_type = trust\nauth_file = {users}\npool_mode = transaction\n\
             max_prepared_statements = 200\ndefault_pool_size = 4\nmin_pool_size = 2\n\
             server_round_robin = 1\nmax_client_conn = 500\n\
             ignore_startup_parameters = extra_float_digits\nadmin_users = postgres\n\
             logfile = {log}\n",
            users = scratch.path("users.txt").display(),
            log = scratch.path("pgbouncer.log").display(),
        ));
        scratch.write("users.txt", "\"postgres\" \"\"\n");
        let config = scratch.write("pgbouncer.ini", &ini);
        scratch.give_to_postgres();
        let process = spawn_quiet(as_postgres(&binary).arg(&config), "pgbouncer");
        wait_for_port("PgBouncer", port);
        PgBouncer { port, process, _scratch: scratch }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `postgres://postgres@127.0.0.1:<port>/<database>?sslmode=disable` (loopback).
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}?sslmode=disable", self.port)
    }

    /// What PgBouncer's admin console says of `what` (`POOLS`, `STATS`...), one line per row.
    pub fn show(&self, what: &str) -> String {
        run(Command::new("psql").args([
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            "postgres",
            "-At",
            "-F",
            "|",
            "pgbouncer",
            "-c",
            &format!("SHOW {what}"),
        ]))
    }
}

impl Drop for PgBouncer {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
