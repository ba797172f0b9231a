//! `janua --target all|gateway|auth|identity|org|enterprise|audit|webhooks`: one binary, any one
//! service or all of them in one process (the `make up` default). Its subcommands are what an
//! operator does besides (`janua --help`).

use clap::Parser;
use janua::cli::{self, PasswordSource, Refused};
use janua::stack::{self, Target};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "janua", version, about = "Janua identity and access management")]
struct Cli {
    /// Which service(s): to run, to migrate, to probe. Default: all.
    #[arg(long, value_enum, env = "JANUA_TARGET", global = true)]
    target: Option<Target>,
    /// Run the target's database migrations before starting.
    #[arg(long, default_value_t = false)]
    migrate: bool,
    /// Run the target's migrations and exit (as `janua migrate run`).
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
    /// Exit 0 when the target running on this host is ready (Docker's HEALTHCHECK).
    Healthcheck,
    /// The target's database migrations.
    #[command(subcommand)]
    Migrate(Migrate),
    /// The configuration as the services would load it.
    #[command(subcommand)]
    Config(Config),
    /// Accounts, made by an operator.
    #[command(subcommand)]
    Admin(Admin),
    /// The signing keys of access tokens.
    #[command(subcommand)]
    Keys(Keys),
    /// The tamper-evident audit trail.
    #[command(subcommand)]
    Audit(Audit),
}

#[derive(Debug, clap::Subcommand)]
enum Migrate {
    /// List every migration and whether it is applied (writes nothing).
    Status,
    /// Apply the pending migrations (safe while other replicas start: one runs them).
    Run,
}

#[derive(Debug, clap::Subcommand)]
enum Config {
    /// Print the effective configuration, secrets redacted; fail on unknown JANUA_* variables
    /// and, with JANUA_ENVIRONMENT=production, on development secrets.
    Check,
}

#[derive(Debug, clap::Subcommand)]
enum Admin {
    /// Create an account whose address counts as proven (auth must be running).
    CreateUser {
        #[arg(long)]
        email: String,
        /// Make it a platform admin.
        #[arg(long, default_value_t = false)]
        admin: bool,
        /// Read the password from the first line of this file instead of asking for it.
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Subcommand)]
enum Keys {
    /// Sign with a new key from now on; the old one verifies until its tokens expire.
    RotateSigning,
    /// Move every sealed secret to the newest encryption key (safe while running, resumable).
    Reseal,
}

#[derive(Debug, clap::Subcommand)]
enum Audit {
    /// Recompute the whole chain from the database; fail on the first broken link.
    Verify,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            match e.downcast_ref::<Refused>() {
                Some(refused) => eprintln!("janua: {refused}"),
                None => eprintln!("janua: {e:#}"),
            }
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(Command::Openapi) = cli.command {
        println!("{}", serde_json::to_string_pretty(&janua_gateway::openapi::merged())?);
        return Ok(());
    }
    let settings = janua_core::config::Settings::load()?;
    let target = cli.target.unwrap_or(Target::All);
    match cli.command {
        Some(Command::Openapi) => unreachable!("answered above"),
        Some(Command::Healthcheck) => {
            // Docker runs the check beside PID 1; its `--target` is the one that counts.
            let target = cli.target.or_else(stack::target_of_pid1).unwrap_or(Target::All);
            return cli::healthcheck(target, &settings).await;
        }
        Some(Command::Config(Config::Check)) => return cli::config_check(&settings),
        _ => {}
    }
    // Development secrets are refused in production by every command that touches data.
    let refusals = settings.refusals();
    if !refusals.is_empty() {
        return Err(Refused(refusals.join("; ")).into());
    }
    if cli.command.is_some() {
        for variable in settings.unknown_env() {
            eprintln!("warning: {variable} is not a configuration key; ignored");
        }
    }
    match cli.command {
        Some(Command::Migrate(Migrate::Status)) => cli::migrate_status(target, &settings).await,
        Some(Command::Migrate(Migrate::Run)) => cli::migrate_run(target, &settings).await,
        Some(Command::Admin(Admin::CreateUser { email, admin, password_file })) => {
            let source = password_file.as_deref().map_or(PasswordSource::Prompt, PasswordSource::File);
            cli::create_user(&settings, &email, admin, source).await
        }
        Some(Command::Keys(Keys::RotateSigning)) => cli::rotate_signing(&settings).await,
        Some(Command::Keys(Keys::Reseal)) => cli::reseal(target, &settings).await,
        Some(Command::Audit(Audit::Verify)) => cli::audit_verify(&settings).await,
        Some(Command::Openapi | Command::Healthcheck | Command::Config(_)) => unreachable!("answered above"),
        None => {
            janua_core::telemetry::init_named(&settings, &process_name(target));
            settings.warn_at_start();
            serve(cli.migrate, cli.migrate_only, target, settings).await
        }
    }
}

fn process_name(target: Target) -> String {
    match target {
        Target::All => "janua".to_string(),
        target => format!("janua-{}", target.name()),
    }
}

async fn serve(
    migrate: bool, migrate_only: bool, target: Target, settings: janua_core::config::Settings,
) -> anyhow::Result<()> {
    if migrate || migrate_only {
        stack::migrate(target, &settings).await?;
        if migrate_only {
            tracing::info!(target = target.name(), "migrations applied");
            return Ok(());
        }
    }
    let running = stack::start(target, settings, stack::Listeners::default()).await?;
    let stopped = stack::run_until_stopped(running).await;
    // Spans still waiting go out before the process ends.
    tokio::task::spawn_blocking(janua_core::telemetry::shutdown).await?;
    stopped
}
