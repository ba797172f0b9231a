//! `janua --target all|gateway|auth|identity|org|enterprise|audit|webhooks`: one binary, any one
//! service or all of them in one process (the `make up` default). `janua openapi` prints the
//! API's OpenAPI document.

use clap::Parser;
use janua::stack::{self, Target};

#[derive(Debug, Parser)]
#[command(name = "janua", version, about = "Janua identity and access management")]
struct Cli {
    /// Which service to run.
    #[arg(long, value_enum, default_value_t = Target::All, env = "JANUA_TARGET")]
    target: Target,
    /// Run the target's database migrations before starting.
    #[arg(long, default_value_t = false)]
    migrate: bool,
    /// Run the target's migrations and exit (the Kubernetes migration Job).
    #[arg(long, default_value_t = false)]
    migrate_only: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Print the OpenAPI 3.1 document of the whole API (what `GET /api/v1/openapi.json`
    /// answers) and exit; needs no service, database or broker.
    Openapi,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        println!("{}", serde_json::to_string_pretty(&janua_gateway::openapi::merged())?);
        return Ok(());
    }
    let settings = janua_core::config::Settings::load()?;
    let name = match cli.target {
        Target::All => "janua".to_string(),
        target => format!("janua-{}", format!("{target:?}").to_lowercase()),
    };
    janua_core::telemetry::init_named(&settings, &name);
    settings.warn_at_start();
    if cli.migrate || cli.migrate_only {
        stack::migrate(cli.target, &settings).await?;
        if cli.migrate_only {
            tracing::info!(target = ?cli.target, "migrations applied");
            return Ok(());
        }
    }
    let running = stack::start(cli.target, settings, stack::Listeners::default()).await?;
    let stopped = stack::run_until_stopped(running).await;
    // Spans still waiting go out before the process ends.
    tokio::task::spawn_blocking(janua_core::telemetry::shutdown).await?;
    stopped
}
