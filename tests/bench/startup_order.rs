//! Writes `src/startup-order.txt`: the functions of the server binary that run while it starts (migrations
//! included) and idles, which `build.rs` hands to the linker so that release builds lay them out next to each
//! other (BENCHMARKS.md, "Start-up code laid out together"). On demand, not in CI:
//!
//!     cargo bench --bench startup_order
//!
//! It builds the server as `cargo build --release` does, starts it twice under `valgrind --tool=callgrind` on a
//! fresh SQLite database (migrating it, then finding it migrated) and, when `IMPACT_BENCH_POSTGRES` or
//! `IMPACT_TEST_POSTGRES` is set, on a fresh PostgreSQL database; lets it idle for `IMPACT_BENCH_IDLE_SECONDS` (5,
//! so the background tasks make their first passes) each time, asking `/healthz` and `/readyz` every second as an
//! orchestrator would; and lists the functions it ran. Symbol names carry hashes that stay the same across source
//! edits but change with the toolchain, the dependencies' versions and the release profile's settings: run it
//! again after changing any of these (the page query benchmark's "RSS at start" creeps back up when the file has
//! gone stale).
//! `IMPACT_BENCH_SERVER` profiles another binary.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

#[path = "common.rs"]
mod common;

use common::{Server, callgrind_dump, create_postgres_database, env_u64, release_binary, remove_database, sqlite_url};

#[tokio::main]
async fn main() {
    let server =
        std::env::var("IMPACT_BENCH_SERVER").ok().filter(|path| !path.is_empty()).unwrap_or_else(release_binary);
    let idle = Duration::from_secs(env_u64("IMPACT_BENCH_IDLE_SECONDS", 5));
    let postgres = std::env::var("IMPACT_BENCH_POSTGRES")
        .or_else(|_| std::env::var("IMPACT_TEST_POSTGRES"))
        .ok()
        .filter(|v| !v.trim().is_empty());
    let mut runs = vec![("SQLite", sqlite_url())];
    if let Some(admin) = postgres.as_deref() {
        runs.push(("PostgreSQL", create_postgres_database(admin).await));
    }
    let mut sets = Vec::new();
    for (name, url) in &runs {
        // A first start (the migrations applied) and a restart (nothing to apply), as production sees both.
        let mut functions = functions_run_at_start(&server, url, idle).await;
        functions.extend(functions_run_at_start(&server, url, idle).await);
        println!("{name}: {} functions of {server} ran while it started (twice) and idled", functions.len());
        sets.push(functions);
        remove_database(url, postgres.as_deref()).await;
    }
    let order = layout(&sets);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/startup-order.txt");
    let text: String = order.iter().map(|name| format!("{name}\n")).collect();
    std::fs::write(&path, text).unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
    println!("wrote {} symbols to {}; rebuild the release binary to lay them out", order.len(), path.display());
}

/// The functions every run shared first, then each run's own in turn, each group sorted by name (so that the
/// file changes only where the code did): each backend's start-up code then lies in one stretch.
fn layout(sets: &[BTreeSet<String>]) -> Vec<String> {
    let in_every_run = |name: &&String| sets.iter().all(|set| set.contains(*name));
    let mut order: Vec<String> = sets.first().into_iter().flatten().filter(in_every_run).cloned().collect();
    let mut placed: BTreeSet<String> = order.iter().cloned().collect();
    for name in sets.iter().flatten() {
        if placed.insert(name.clone()) {
            order.push(name.clone());
        }
    }
    order
}

/// Starts `binary` under callgrind on `url`, lets it idle, dumps the profile and returns the (mangled) names of
/// the functions of `binary` that ran.
async fn functions_run_at_start(binary: &str, url: &str, idle: Duration) -> BTreeSet<String> {
    let out = std::env::temp_dir().join(format!("impact-startup-callgrind-{}", uuid::Uuid::new_v4().simple()));
    let out_file = format!("--callgrind-out-file={}", out.display());
    let server = Server::start_program(
        "valgrind",
        url,
        &["--tool=callgrind", "--dump-instr=no", "--demangle=no", out_file.as_str(), binary],
    );
    // Idle as a deployed server idles: answering its orchestrator's health and readiness probes.
    let client = reqwest::Client::new();
    let deadline = Instant::now() + idle;
    while Instant::now() < deadline {
        for path in ["/healthz", "/readyz"] {
            let answer = client.get(server.url(path)).send().await;
            assert!(answer.is_ok_and(|a| a.status().is_success()), "{path} answers");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let profile = callgrind_dump(server.pid(), &out).await;
    drop(server);
    for path in [format!("{}.1", out.display()), out.display().to_string()] {
        let _ = std::fs::remove_file(path);
    }
    let file_name = Path::new(binary).file_name().and_then(|n| n.to_str()).unwrap_or(binary).to_owned();
    functions_of_object(&profile, &file_name)
}

/// The functions a callgrind profile lists under the object file named `file_name`. Names are compressed:
/// `fn=(7) name` defines number 7, a later `fn=(7)` refers to it; `ob`/`cob` and `fn`/`cfn` share their tables.
fn functions_of_object(profile: &str, file_name: &str) -> BTreeSet<String> {
    let mut objects = std::collections::HashMap::new();
    let mut functions = std::collections::HashMap::new();
    let mut in_binary = false;
    let mut found = BTreeSet::new();
    for line in profile.lines() {
        let Some((key, value)) = line.split_once('=') else { continue };
        let table = match key {
            "ob" | "cob" => &mut objects,
            "fn" | "cfn" => &mut functions,
            _ => continue,
        };
        let name = match value.strip_prefix('(').and_then(|rest| rest.split_once(')')) {
            Some((id, rest)) if !rest.trim().is_empty() => {
                table.insert(id.to_owned(), rest.trim().to_owned());
                rest.trim().to_owned()
            }
            Some((id, _)) => table.get(id).cloned().unwrap_or_default(),
            None => value.to_owned(),
        };
        match key {
            "ob" => in_binary = Path::new(&name).file_name().is_some_and(|n| n == file_name),
            // Not symbols: addresses without one (`0x…`) and valgrind's `(below main)`.
            "fn" if in_binary && !name.is_empty() && !name.starts_with("0x") && !name.contains(' ') => {
                found.insert(name);
            }
            _ => {}
        }
    }
    found
}
