//! The `janua` binary as an operator runs it.

use std::process::Command;

/// Unknown `JANUA_*` variables are warned about once logging is up, so the operator sees
/// the warning (a typo otherwise silently keeps a default).
#[test]
fn unknown_configuration_variables_are_warned_about_where_they_can_be_seen() {
    let output = Command::new(env!("CARGO_BIN_EXE_janua"))
        .args(["--target", "gateway", "--migrate-only"])
        .env("JANUA_RATE_LIMTS__ANONYMOUS_PER_MIN", "5")
        .env("JANUA_LOG__FORMAT", "json")
        .env("JANUA_LOG__LEVEL", "warn")
        .env_remove("RUST_LOG")
        .output()
        .expect("janua runs");
    assert!(output.status.success(), "{output:?}");
    let logged =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(
        logged.contains("unknown configuration variable ignored")
            && logged.contains("JANUA_RATE_LIMTS__ANONYMOUS_PER_MIN"),
        "{logged}"
    );
}

/// `janua openapi` prints the whole document with nothing else running: every operation with
/// an id of its own, as code generators need, and the answers the gateway adds to every route
/// documented where they apply (429 and the rate-limit headers everywhere, 401 wherever a
/// credential is required), and 403 wherever the `Permissions:` line names a gate a signed-in
/// caller can fail (a permission, platform admins, owners) rather than hiding the resource
/// behind a 404.
#[test]
fn the_openapi_command_prints_the_document_without_any_service() {
    let output = Command::new(env!("CARGO_BIN_EXE_janua"))
        .arg("openapi")
        .env("JANUA_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env("JANUA_REDIS_URL", "redis://127.0.0.1:1")
        .output()
        .expect("janua runs");
    assert!(output.status.success(), "{output:?}");
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for path in ["/api/v1/auth/signup", "/api/v1/health", "/api/invitations/invitations/{invite_id}"] {
        assert!(paths.contains_key(path), "{path} is missing");
    }
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no id"));
            assert!(ids.insert(id.to_string()), "{id} is used twice");
            let responses = operation["responses"].as_object().unwrap();
            assert!(responses.contains_key("429"), "{id} does not document 429");
            let needs_credential = operation["security"].as_array().is_some_and(|any_of| {
                !any_of.is_empty() && any_of.iter().all(|r| r != &serde_json::json!({}))
            });
            if needs_credential {
                assert!(responses.contains_key("401"), "{id} does not document 401");
            }
            if gated(operation["description"].as_str().unwrap_or_default()) {
                assert!(responses.contains_key("403"), "{id} does not document 403");
            }
            for (status, response) in responses {
                if response.get("$ref").is_none() {
                    let headers = response["headers"].as_object();
                    assert!(
                        headers.is_some_and(|h| h.contains_key("X-RateLimit-Remaining")),
                        "{id} does not document the rate-limit headers on {status}"
                    );
                }
            }
        }
    }
    let limit = &doc["components"]["headers"]["X-RateLimit-Limit"];
    assert_eq!(limit["schema"]["type"], "integer", "{limit}");
    let too_many = &doc["components"]["responses"]["TooManyRequests"];
    assert!(too_many["headers"]["Retry-After"].is_object(), "{too_many}");
}

/// Whether an operation's `Permissions:` line names a gate that answers 403 to a signed-in
/// caller who fails it: a permission (`resource:action`), platform admins, or owners and
/// admins, unless it says that anyone else gets 404.
fn gated(description: &str) -> bool {
    let Some((_, permissions)) = description.split_once("Permissions:") else { return false };
    let permissions = permissions.to_lowercase();
    if permissions.contains("gets 404") || permissions.contains("404 otherwise") {
        return false;
    }
    let names_permission = permissions.split('`').skip(1).step_by(2).any(|quoted| {
        quoted.split_once(':').is_some_and(|(resource, action)| {
            [resource, action]
                .iter()
                .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        })
    });
    names_permission
        || ["platform admins", "owners", "admins of"].iter().any(|gate| permissions.contains(gate))
}

/// Runs `psql` against the local PostgreSQL as the tests' superuser; answers its output.
fn psql(database: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", sql])
        .output()
        .expect("psql runs");
    assert!(out.status.success(), "{sql}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts every service in one `janua` process on ports picked free, and waits until each is
/// ready. Answers no child if the process exited first (a port was taken meanwhile).
async fn start_all(
    database: &str, vhost: &str, http: &reqwest::Client, deadline: std::time::Instant,
) -> (Option<std::process::Child>, String) {
    let services = ["gateway", "auth", "identity", "org", "enterprise", "audit", "webhooks"];
    let ports: Vec<(&str, u16)> = services.iter().map(|s| (*s, free_port())).collect();
    let mut janua = Command::new(env!("CARGO_BIN_EXE_janua"));
    janua
        .args(["--target", "all", "--migrate"])
        .env_remove("RUST_LOG")
        .env("JANUA_DATABASE_URL", format!("postgres://postgres@127.0.0.1:5432/{database}"))
        .env("JANUA_AMQP_URL", format!("amqp://guest:guest@127.0.0.1:5672/{vhost}"))
        .env("JANUA_REDIS_PREFIX", format!("test:{database}"))
        .env("JANUA_METRICS__PORT", free_port().to_string())
        .env("JANUA_PASSWORDS__ARGON2_MEMORY_KIB", "1024")
        .env("JANUA_PASSWORDS__ARGON2_ITERATIONS", "1")
        .env("JANUA_SMTP__PORT", "1")
        .env("JANUA_LOG__LEVEL", "warn");
    for (service, port) in &ports {
        let key = service.to_uppercase();
        janua.env(format!("JANUA_{key}__PORT"), port.to_string());
        janua.env(format!("JANUA_{key}__URL"), format!("http://127.0.0.1:{port}"));
    }
    let gateway = format!("http://127.0.0.1:{}", ports[0].1);
    janua.env("JANUA_PUBLIC_URL", &gateway);
    let mut child = janua.spawn().expect("janua starts");
    for (service, port) in &ports {
        loop {
            let ready = http.get(format!("http://127.0.0.1:{port}/api/v1/health/ready")).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            if child.try_wait().unwrap().is_some() {
                return (None, gateway);
            }
            assert!(std::time::Instant::now() < deadline, "{service} never became ready");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    (Some(child), gateway)
}

/// SIGTERM in the middle of sign-ups, to the whole stack in one process: it stops accepting,
/// finishes what is in flight, publishes what its outboxes hold and exits 0. No sign-up that
/// was answered 201 is lost, and no event.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_load_loses_no_answered_request_and_no_event() {
    let id = format!("{}_{}", std::process::id(), free_port());
    let (database, vhost) = (format!("janua_sigterm_{id}"), format!("janua-sigterm-{id}"));
    psql("postgres", &format!("CREATE DATABASE {database}"));
    let _ = Command::new("rabbitmqctl").args(["-q", "add_vhost", &vhost]).output();
    let _ = Command::new("rabbitmqctl")
        .args(["-q", "set_permissions", "-p", &vhost, "guest", ".*", ".*", ".*"])
        .output();
    let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    // A port picked free can be taken by another test before janua binds it: janua then exits
    // at once, and the stack is started again on other ports.
    let (mut child, gateway) = loop {
        let (child, gateway) = start_all(&database, &vhost, &http, deadline).await;
        if let Some(child) = child {
            break (child, gateway);
        }
    };
    // Sign-ups from 8 clients, each one after the other, until the process is gone.
    let answered = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(String, u16)>::new()));
    let clients: Vec<_> = (0..8)
        .map(|c| {
            let (http, url, answered) =
                (http.clone(), format!("{gateway}/api/v1/auth/signup"), answered.clone());
            tokio::spawn(async move {
                for i in 0.. {
                    let email = format!("term{c}x{i}@example.com");
                    let body =
                        serde_json::json!({"email": email, "password": "correct horse battery staple"});
                    let Ok(resp) = http.post(&url).json(&body).send().await else { return };
                    answered.lock().unwrap().push((email, resp.status().as_u16()));
                }
            })
        })
        .collect();
    loop {
        if answered.lock().unwrap().iter().filter(|(_, s)| *s == 201).count() >= 10 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no sign-ups answered");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    // Stopped within the grace Kubernetes gives (30 s), or it is a failure (and killed).
    let stop_deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > stop_deadline {
            let _ = child.kill();
            panic!("janua did not stop within 30 s of SIGTERM");
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    for client in clients {
        client.await.unwrap();
    }
    assert!(status.success(), "a graceful stop exits 0: {status:?}");

    let answered = answered.lock().unwrap().clone();
    let created: Vec<&String> = answered.iter().filter(|(_, s)| *s == 201).map(|(e, _)| e).collect();
    assert!(created.len() >= 10);
    for email in &created {
        let users = psql(&database, &format!("SELECT count(*) FROM identity.users WHERE email = '{email}'"));
        assert_eq!(users, "1", "{email} was answered 201: it exists");
        let published = psql(
            &database,
            &format!(
                "SELECT count(*) FROM identity.outbox WHERE event_type = 'user.created' \
                 AND published_at IS NOT NULL AND position('{email}' in convert_from(payload, 'LATIN1')) > 0"
            ),
        );
        assert_eq!(published, "1", "{email}'s user.created was published");
    }
    for schema in ["auth", "identity", "org", "audit", "webhooks", "enterprise"] {
        let waiting =
            psql(&database, &format!("SELECT count(*) FROM {schema}.outbox WHERE published_at IS NULL"));
        assert_eq!(waiting, "0", "{schema}'s outbox was flushed before the exit");
    }
    psql("postgres", &format!("DROP DATABASE {database} WITH (FORCE)"));
    let _ = Command::new("rabbitmqctl").args(["-q", "delete_vhost", &vhost]).output();
}
