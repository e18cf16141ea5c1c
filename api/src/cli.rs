//! The `impact` command line: serve (default), migrate, export-schema, create-admin, seed --demo.

use crate::app::{App, shutdown_signal};
use crate::clock::SystemClock;
use crate::config::Config;
use crate::domain::accounts;
use crate::{db, graphql, telemetry};
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(name = "impact", version, about = "IMPACT programme GraphQL API")]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default). Applies pending migrations first.
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the GraphQL schema (SDL) to stdout.
    ExportSchema,
    /// Create an admin account, or give an existing account the admin role.
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// Used only when the account is created. Prefer IMPACT_ADMIN_PASSWORD to keep it out of the shell history.
        #[arg(long, env = "IMPACT_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Load data into the database. `--demo`: a realistic demo set for frontend development (accounts with
    /// printed passwords, calls in each status, regions, partnerships, applications, events with a waitlist,
    /// subscribers, resources); idempotent; refused in production.
    Seed {
        /// The demo set (the only data set there is).
        #[arg(long, required = true)]
        demo: bool,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::ExportSchema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::Migrate => {
            let _telemetry = telemetry::init(&cli.config);
            let connection = db::connect(&cli.config).await.context("cannot connect to the database")?;
            db::migrate(&connection).await.context("database migrations failed")?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::CreateAdmin { email, password } => {
            let _telemetry = telemetry::init(&cli.config);
            let connection = db::connect(&cli.config).await.context("cannot connect to the database")?;
            db::migrate(&connection).await.context("database migrations failed")?;
            let services = crate::app::start_services(connection, Arc::new(cli.config), Arc::new(SystemClock)).await?;
            let (user, created) = accounts::create_admin(&services, &email, &password).await?;
            if created {
                println!("created admin {} ({})", user.email, user.id);
            } else {
                println!("{} ({}) is now an admin; the password was left unchanged", user.email, user.id);
            }
            Ok(())
        }
        Command::Seed { demo: _ } => {
            let _telemetry = telemetry::init(&cli.config);
            crate::demo::refuse_in_production(&cli.config)?;
            let connection = db::connect(&cli.config).await.context("cannot connect to the database")?;
            db::migrate(&connection).await.context("database migrations failed")?;
            let services = crate::app::start_services(connection, Arc::new(cli.config), Arc::new(SystemClock)).await?;
            let report = crate::demo::seed(&services).await?;
            println!("demo data: {} made, {} already there", report.created, report.existing);
            println!("accounts (password for all: \"{}\", development only):", crate::demo::DEMO_PASSWORD);
            for account in crate::demo::ACCOUNTS {
                println!("  {:<8} {}", format!("{:?}", account.role).to_uppercase(), account.email);
            }
            Ok(())
        }
        Command::Serve => {
            let _telemetry = telemetry::init(&cli.config);
            let app = App::build(cli.config, Arc::new(SystemClock)).await?;
            tracing::info!(address = %app.local_addr()?, environment = app.state().services.config.environment.as_str(), "impact-api listening");
            app.run_until(shutdown_signal()).await?;
            tracing::info!("stopped");
            Ok(())
        }
    }
}
