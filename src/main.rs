//! The `impact` binary: reads `.env`, parses the command line and hands over to the `api` library.

use clap::Parser;

/// mimalloc: fewer instructions per request than the system allocator, no more idle memory (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // A missing .env is normal; the environment and flags still apply.
    let _ = dotenvy::dotenv();
    api::cli::run(api::cli::Cli::parse()).await
}
