//! PostgreSQL for every service: pools (diesel-async + deadpool), one schema per service,
//! embedded migrations, and the transactional outbox with its relay.

pub mod inbox;
pub mod outbox;
pub mod personal_data;
pub mod rows;
pub mod schema;

use diesel_async::pooled_connection::deadpool::{BuildError, Pool as DeadPool};
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

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
}

/// The service's URL with its schema as the search path, so its tables (and diesel's
/// migration bookkeeping) live in the schema it owns and nowhere else.
pub fn schema_url(database_url: &str, schema: &str) -> Result<String, DbError> {
    if !schema.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return Err(DbError::Url(format!("bad schema name {schema}")));
    }
    let mut url = url::Url::parse(database_url).map_err(|e| DbError::Url(e.to_string()))?;
    url.query_pairs_mut().append_pair("options", &format!("-csearch_path={schema}"));
    Ok(url.to_string())
}

pub fn pool(database_url: &str, schema: &str, max_size: usize) -> Result<Pool, DbError> {
    // A checkout does not cost a `SELECT 1`: a connection that died fails its next query,
    // is marked broken by diesel-async and dropped by the pool (deadpool-postgres's default).
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(
        schema_url(database_url, schema)?,
        config,
    );
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

/// Creates the schema if needed, then runs the outbox migrations and the service's own.
pub async fn migrate(
    database_url: &str, schema: &str, migrations: EmbeddedMigrations,
) -> Result<(), DbError> {
    let mut conn = AsyncPgConnection::establish(database_url).await?;
    conn.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}")).await?;
    drop(conn);
    let url = schema_url(database_url, schema)?;
    tokio::task::spawn_blocking(move || -> Result<(), DbError> {
        type Wrapper = diesel_async::async_connection_wrapper::AsyncConnectionWrapper<AsyncPgConnection>;
        let mut conn = <Wrapper as diesel::Connection>::establish(&url)?;
        // Two replicas starting together must not run the same migration twice.
        diesel::connection::SimpleConnection::batch_execute(
            &mut conn,
            "SELECT pg_advisory_lock(hashtext('janua-migrations'))",
        )?;
        let result = match conn.run_pending_migrations(OUTBOX_MIGRATIONS) {
            Ok(_) => conn.run_pending_migrations(migrations).map(|_| ()),
            Err(e) => Err(e),
        }
        .map_err(|e| DbError::Migration(e.to_string()));
        diesel::connection::SimpleConnection::batch_execute(
            &mut conn,
            "SELECT pg_advisory_unlock(hashtext('janua-migrations'))",
        )?;
        result
    })
    .await
    .map_err(|e| DbError::Migration(e.to_string()))?
}

/// Round-trip to the database for readiness checks.
pub async fn ping(pool: &Pool) -> Result<(), DbError> {
    let mut conn = pool.get().await.map_err(|e| DbError::Migration(e.to_string()))?;
    conn.batch_execute("SELECT 1").await?;
    Ok(())
}
