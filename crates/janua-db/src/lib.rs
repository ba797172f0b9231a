//! PostgreSQL for every service: pools (diesel-async + deadpool), one schema per service,
//! embedded migrations, and the transactional outbox with its relay.

pub mod connect;
pub mod inbox;
pub mod outbox;
pub mod personal_data;
pub mod prepared;
pub mod rows;
pub mod schema;

use diesel::migration::Migration;
use diesel_async::pooled_connection::deadpool::{BuildError, Pool as DeadPool};
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod};
use diesel_async::{AsyncPgConnection, SimpleAsyncConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::sync::Arc;

pub use connect::{Connector, SslMode};

pub use diesel_async::pooled_connection::deadpool::Object as PooledConnection;
pub type Pool = DeadPool<AsyncPgConnection>;

const OUTBOX_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/outbox");

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database connection: {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("database: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("database pool: {0}")]
    Pool(#[from] BuildError),
    #[error("migrations: {0}")]
    Migration(String),
    #[error("invalid database url: {0}")]
    Url(String),
    #[error(
        "the database session is in schema {found:?}, not {wanted}: behind a pooler, the server must select \
         the schema (the role's search_path, PgBouncer's connect_query, RDS Proxy's initialization query); \
         otherwise run the migrations"
    )]
    WrongSchema { wanted: String, found: Option<String> },
}

fn check_schema_name(schema: &str) -> Result<(), DbError> {
    if schema.is_empty() || !schema.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return Err(DbError::Url(format!("bad schema name {schema}")));
    }
    Ok(())
}

/// Where one service's tables are and how to reach them.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// Where its queries go: PostgreSQL, or a pooler in front of it.
    pub url: String,
    /// PostgreSQL itself, for what needs a session of its own: migrations (under a
    /// session-level advisory lock) and the relay's LISTEN.
    pub direct_url: String,
    /// The schema the service owns.
    pub schema: String,
    /// A pooler sits at `url` (PgBouncer, RDS Proxy). Poolers refuse or drop the startup
    /// `options` that name the schema, so the server side must select it (the role's default
    /// `search_path`, PgBouncer's `connect_query`, RDS Proxy's initialization query); the
    /// service checks at start that it did.
    pub pooled: bool,
    /// PostgreSQL ends a session left idle inside a transaction this long (0: never), so a
    /// transaction abandoned mid-way (a cancelled request, a stopped worker) cannot hold its
    /// row locks for ever. Sent in the startup packet, so not behind a pooler (PgBouncer has
    /// `idle_transaction_timeout` for that).
    pub idle_in_transaction_timeout_secs: u64,
}

impl Endpoint {
    /// PostgreSQL itself at `url`, no pooler.
    pub fn direct(url: &str, schema: &str) -> Endpoint {
        Endpoint {
            url: url.to_string(),
            direct_url: url.to_string(),
            schema: schema.to_string(),
            pooled: false,
            idle_in_transaction_timeout_secs: 0,
        }
    }

    /// Connections for queries: the schema in the startup packet unless a pooler selects it.
    pub fn connector(&self) -> Result<Connector, DbError> {
        check_schema_name(&self.schema)?;
        let mut connector = Connector::new(&self.url, (!self.pooled).then_some(self.schema.as_str()))?;
        if !self.pooled && self.idle_in_transaction_timeout_secs > 0 {
            connector.set_option(
                "idle_in_transaction_session_timeout",
                &format!("{}s", self.idle_in_transaction_timeout_secs),
            );
        }
        Ok(connector)
    }

    /// A session with PostgreSQL itself, in the service's schema.
    pub fn session_connector(&self) -> Result<Connector, DbError> {
        check_schema_name(&self.schema)?;
        Connector::new(&self.direct_url, Some(&self.schema))
    }
}

pub fn pool(endpoint: &Endpoint, max_size: usize) -> Result<Pool, DbError> {
    let connector = Arc::new(endpoint.connector()?);
    // A checkout does not cost a `SELECT 1`: a connection that died fails its next query,
    // is marked broken by diesel-async and dropped by the pool (deadpool-postgres's default).
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    config.custom_setup = Box::new(move |_url| {
        let connector = connector.clone();
        Box::pin(async move { connector.connect().await })
    });
    let manager =
        AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(endpoint.url.clone(), config);
    Ok(Pool::builder(manager)
        .max_size(max_size)
        .wait_timeout(Some(std::time::Duration::from_secs(5)))
        .create_timeout(Some(std::time::Duration::from_secs(5)))
        .runtime(deadpool_runtime())
        .build()?)
}

fn deadpool_runtime() -> deadpool::Runtime {
    deadpool::Runtime::Tokio1
}

/// That the pool's connections land in the service's schema: a pooler that does not select it
/// (or a schema never migrated) would otherwise surface as "relation does not exist" on the
/// first request, or worse, as another service's tables.
pub async fn check_schema(pool: &Pool, schema: &str) -> Result<(), DbError> {
    #[derive(diesel::QueryableByName)]
    struct Current {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        schema: Option<String>,
    }
    let mut conn = pool.get().await.map_err(|e| DbError::Migration(e.to_string()))?;
    let current: Current = diesel_async::RunQueryDsl::get_result(
        diesel::sql_query("SELECT current_schema() AS schema"),
        &mut conn,
    )
    .await?;
    match current.schema {
        Some(found) if found == schema => Ok(()),
        found => Err(DbError::WrongSchema { wanted: schema.to_string(), found }),
    }
}

/// Creates the schema if needed, then runs the outbox migrations and the service's own, on a
/// session with PostgreSQL itself, one migrating session at a time.
pub async fn migrate(endpoint: &Endpoint, migrations: EmbeddedMigrations) -> Result<(), DbError> {
    check_schema_name(&endpoint.schema)?;
    let conn = endpoint.session_connector()?.connect().await?;
    let schema = endpoint.schema.clone();
    tokio::task::spawn_blocking(move || -> Result<(), DbError> {
        type Wrapper = diesel_async::async_connection_wrapper::AsyncConnectionWrapper<AsyncPgConnection>;
        let mut conn = Wrapper::from(conn);
        take_migration_lock(&mut conn)?;
        let result = diesel::connection::SimpleConnection::batch_execute(
            &mut conn,
            &format!("CREATE SCHEMA IF NOT EXISTS {schema}"),
        )
        .map_err(DbError::from)
        .and_then(|()| {
            let outbox = conn.run_pending_migrations(OUTBOX_MIGRATIONS).map(|_| ());
            outbox
                .and_then(|()| conn.run_pending_migrations(migrations).map(|_| ()))
                .map_err(|e| DbError::Migration(e.to_string()))
        });
        diesel::connection::SimpleConnection::batch_execute(
            &mut conn,
            "SELECT pg_advisory_unlock(hashtext('janua-migrations'))",
        )?;
        result
    })
    .await
    .map_err(|e| DbError::Migration(e.to_string()))?
}

/// Takes the session lock every migrating session takes, so two replicas starting together
/// never run the same migration twice. It is asked for again and again rather than waited
/// for: a session waiting in `pg_advisory_lock` holds a snapshot, which a `CREATE INDEX
/// CONCURRENTLY` of the session holding the lock waits for: a deadlock.
fn take_migration_lock<C>(conn: &mut C) -> Result<(), DbError>
where
    C: diesel::Connection<Backend = diesel::pg::Pg> + diesel::connection::LoadConnection,
{
    #[derive(diesel::QueryableByName)]
    struct Taken {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        taken: bool,
    }
    loop {
        let Taken { taken } = diesel::RunQueryDsl::get_result(
            diesel::sql_query("SELECT pg_try_advisory_lock(hashtext('janua-migrations')) AS taken"),
            conn,
        )?;
        if taken {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// One migration as `janua migrate status` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MigrationState {
    pub name: String,
    pub applied: bool,
}

/// Which of the outbox's and the service's migrations are applied, read without writing
/// anything (no schema yet: none is).
pub async fn migration_status(
    endpoint: &Endpoint, migrations: EmbeddedMigrations,
) -> Result<Vec<MigrationState>, DbError> {
    use diesel::sql_types::{Bool, Text};
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Present {
        #[diesel(sql_type = Bool)]
        present: bool,
    }
    #[derive(diesel::QueryableByName)]
    struct Version {
        #[diesel(sql_type = Text)]
        version: String,
    }
    check_schema_name(&endpoint.schema)?;
    let table = format!("{}.__diesel_schema_migrations", endpoint.schema);
    let mut conn = Connector::new(&endpoint.direct_url, None)?.connect().await?;
    let present: Present = diesel::sql_query("SELECT to_regclass($1) IS NOT NULL AS present")
        .bind::<Text, _>(&table)
        .get_result(&mut conn)
        .await?;
    let applied: Vec<String> = if present.present {
        let rows: Vec<Version> =
            diesel::sql_query(format!("SELECT version FROM {table}")).load(&mut conn).await?;
        rows.into_iter().map(|v| v.version).collect()
    } else {
        Vec::new()
    };
    let mut states = Vec::new();
    for source in [OUTBOX_MIGRATIONS, migrations] {
        let all = diesel::migration::MigrationSource::<diesel::pg::Pg>::migrations(&source)
            .map_err(|e| DbError::Migration(e.to_string()))?;
        for migration in all {
            let version = migration.name().version().to_string();
            states.push(MigrationState {
                name: migration.name().to_string(),
                applied: applied.contains(&version),
            });
        }
    }
    Ok(states)
}

/// Round-trip to the database for readiness checks.
pub async fn ping(pool: &Pool) -> Result<(), DbError> {
    let mut conn = pool.get().await.map_err(|e| DbError::Migration(e.to_string()))?;
    conn.batch_execute("SELECT 1").await?;
    Ok(())
}
