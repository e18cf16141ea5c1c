//! The page-query benchmark (issue 14), run on demand: `cargo bench --bench page_query` (see BENCHMARKS.md).
//!
//! For each backend (SQLite, and PostgreSQL when `IMPACT_BENCH_POSTGRES` or `IMPACT_TEST_POSTGRES` is set) it
//! generates the data set of the measurement (3,000 organisations, 400 cross-border regions of which 30 pilots,
//! one partnership per region, 3,265 partners), starts the real `impact` binary on it (built as
//! `cargo build --release` builds it, with its start-up layout: see `common::release_binary`), checks that the
//! public page query through the API and one hand-written SQL statement return the same JSON, then runs each for
//! `IMPACT_BENCH_SECONDS` (default 10) at concurrency 8 and 32, alternately, `IMPACT_BENCH_ROUNDS` (default 3)
//! times, and prints requests per second, p50 and p99, the ratio API / SQL, the CPU time each request cost
//! (the server and its database backends for the API; this process and its backends for the statement) and the
//! machine's load. It also reports the server's resident memory when idle and after `IMPACT_BENCH_LOAD_SECONDS`
//! (default 60) of load, with that load's requests per second, CPU time and context switches per request (the
//! switches move far less between runs than times on a shared machine). Nothing is asserted: the numbers go into
//! BENCHMARKS.md.
//!
//! `IMPACT_BENCH_ONLY=sqlite|postgres` runs one backend; `IMPACT_BENCH_SERVER` names another server binary (to
//! compare builds); `IMPACT_BENCH_CALLGRIND=N` also counts, under `valgrind --tool=callgrind`, the instructions
//! the server spends on N page queries (sequential, after warm-up), which unlike times do not depend on the
//! machine's load; the profile is kept for `callgrind_annotate`. On SQLite it then counts the hand-written
//! statement's instructions the same way (this binary repeats it under callgrind) and prints the ratio of the two.

use chrono::Utc;
use entity::cross_border_region::RegionStatus;
use entity::organisation::OrganisationType;
use entity::partner::{PartnerRole, PartnerStatus};
use entity::{country, cross_border_region, organisation, partner, partnership, region_country};
use futures::future::BoxFuture;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryOrder, Set, Statement};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "common.rs"]
mod common;

use common::{Server, callgrind_dump, create_postgres_database, env_u64, release_binary, remove_database, sqlite_url};

const ORGANISATIONS: usize = 3_000;
const REGIONS: usize = 400;
const PILOTS: usize = 30;
const PARTNERS: usize = 3_265;

const PAGE_QUERY: &str = "{ crossBorderRegions(status: PILOT, first: 30) { nodes { name partnerships { name partners { side role organisation { name country { name } } } } } } }";

/// The same result as one SQL statement (PostgreSQL): regions by (name, id), partnerships by (name, id),
/// partners by (role, side, organisation id), as the API orders them.
const POSTGRES_SQL: &str = r#"
SELECT json_build_object('data', json_build_object('crossBorderRegions', json_build_object('nodes',
  coalesce((SELECT json_agg(r.obj ORDER BY r.name, r.id) FROM (
    SELECT cbr.name, cbr.id, json_build_object('name', cbr.name, 'partnerships', coalesce((
      SELECT json_agg(json_build_object('name', p.name, 'partners', coalesce((
        SELECT json_agg(json_build_object('side', pa.side, 'role', pa.role,
                 'organisation', json_build_object('name', o.name, 'country', json_build_object('name', c.name)))
               ORDER BY pa.role, pa.side, pa.organisation_id)
        FROM partner pa JOIN organisation o ON o.id = pa.organisation_id JOIN country c ON c.code = o.country_code
        WHERE pa.partnership_id = p.id), '[]'::json)) ORDER BY p.name, p.id)
      FROM partnership p WHERE p.region_id = cbr.id), '[]'::json)) AS obj
    FROM cross_border_region cbr WHERE cbr.status = 'PILOT' ORDER BY cbr.name, cbr.id LIMIT 30) r), '[]'::json))))::text
"#;

/// The same statement for SQLite's JSON functions (ordering inside aggregates through ordered subqueries).
const SQLITE_SQL: &str = r#"
SELECT json_object('data', json_object('crossBorderRegions', json_object('nodes', coalesce((
  SELECT json_group_array(json(r.obj)) FROM (
    SELECT json_object('name', cbr.name, 'partnerships', (
      SELECT json_group_array(json(pp.obj)) FROM (
        SELECT json_object('name', p.name, 'partners', (
          SELECT json_group_array(json(x.obj)) FROM (
            SELECT json_object('side', pa.side, 'role', pa.role,
                     'organisation', json_object('name', o.name, 'country', json_object('name', c.name))) AS obj
            FROM partner pa JOIN organisation o ON o.id = pa.organisation_id JOIN country c ON c.code = o.country_code
            WHERE pa.partnership_id = p.id ORDER BY pa.role, pa.side, pa.organisation_id) x)) AS obj
        FROM partnership p WHERE p.region_id = cbr.id ORDER BY p.name, p.id) pp)) AS obj
    FROM cross_border_region cbr WHERE cbr.status = 'PILOT' ORDER BY cbr.name, cbr.id LIMIT 30) r), json('[]')))))
"#;

#[tokio::main]
async fn main() {
    // `count_statement_instructions` runs this binary under callgrind to repeat the statement alone.
    let args: Vec<String> = std::env::args().collect();
    if let [_, mode, url, times] = args.as_slice()
        && mode == STATEMENT_LOOP
    {
        // One connection: the statements run one after another, and a connection opened by chance in one of
        // the two runs (each opening parses the schema) would not cancel out.
        let mut config = api::config::Config::for_database(url);
        config.limits.db_max_connections = 1;
        let db = api::db::connect(&config).await.expect("database");
        for _ in 0..times.parse::<u64>().expect("a number of statements") {
            sql_request(&db, SQLITE_SQL).await;
        }
        db.close().await.ok();
        return;
    }
    let settings = Settings {
        seconds: env_u64("IMPACT_BENCH_SECONDS", 10),
        rounds: env_u64("IMPACT_BENCH_ROUNDS", 3),
        load_seconds: env_u64("IMPACT_BENCH_LOAD_SECONDS", 60),
        callgrind_requests: env_u64("IMPACT_BENCH_CALLGRIND", 0),
        server: std::env::var("IMPACT_BENCH_SERVER")
            .ok()
            .filter(|path| !path.is_empty())
            .unwrap_or_else(release_binary),
    };
    let only = std::env::var("IMPACT_BENCH_ONLY").unwrap_or_default().to_ascii_lowercase();
    let mut targets = Vec::new();
    if only.is_empty() || only == "sqlite" {
        targets.push(("SQLite", sqlite_url()));
    }
    let postgres = std::env::var("IMPACT_BENCH_POSTGRES")
        .or_else(|_| std::env::var("IMPACT_TEST_POSTGRES"))
        .ok()
        .filter(|v| !v.trim().is_empty());
    if let Some(admin) = postgres.as_deref().filter(|_| only.is_empty() || only == "postgres") {
        targets.push(("PostgreSQL", create_postgres_database(admin).await));
    }
    println!(
        "page query benchmark: server {}; {} rounds of {} s per run, {} s of load for memory",
        settings.server, settings.rounds, settings.seconds, settings.load_seconds
    );
    for (name, url) in targets {
        run_backend(name, &url, &settings).await;
        remove_database(&url, postgres.as_deref()).await;
    }
}

struct Settings {
    seconds: u64,
    rounds: u64,
    load_seconds: u64,
    callgrind_requests: u64,
    server: String,
}

async fn run_backend(name: &str, url: &str, settings: &Settings) {
    let db = api::db::connect(&api::config::Config::for_database(url)).await.expect("database");
    api::db::migrate(&db).await.expect("migrations");
    generate(&db).await;
    // Fresh statistics, as a production database has them: without them PostgreSQL plans the statement's
    // joins as sequential scans (19 ms instead of 2.3 ms per statement on this data).
    db.execute_unprepared("ANALYZE").await.expect("ANALYZE");
    let sql = match db.get_database_backend() {
        DatabaseBackend::Postgres => POSTGRES_SQL,
        _ => SQLITE_SQL,
    };
    let server = Server::start_program(&settings.server, url, &[]);
    let started_kb = server.rss_kb();
    let client = reqwest::Client::new();
    let api_answer: Value = serde_json::from_str(&api_request(&client, &server.http_url()).await).expect("JSON");
    let sql_answer: Value = serde_json::from_str(&sql_request(&db, sql).await).expect("JSON");
    assert_eq!(api_answer, sql_answer, "the API and the SQL statement must return the same JSON");
    let regions = api_answer["data"]["crossBorderRegions"]["nodes"].as_array().map_or(0, Vec::len);
    println!(
        "\n== {name}: {regions} pilot regions per page; RSS {started_kb} kB at start, {} kB after the first answer; load {}",
        server.rss_kb(),
        load_average()
    );
    println!(
        "{:>5} {:>4} | {:>6} {:>7} {:>7} {:>7} | {:>6} {:>7} {:>7} {:>7} | {:>6} {:>6} | {:>5}",
        "round",
        "conc",
        "API/s",
        "p50 ms",
        "p99 ms",
        "CPU µs",
        "SQL/s",
        "p50 ms",
        "p99 ms",
        "CPU µs",
        "ratio",
        "CPU r.",
        "load"
    );
    let mut ratios: HashMap<usize, Vec<(f64, f64)>> = HashMap::new();
    for round in 1..=settings.rounds {
        for concurrency in [8, 32] {
            let duration = Duration::from_secs(settings.seconds);
            // The API's cost: the server and its database backends (the HTTP client is the load, not the cost).
            let api =
                measure(concurrency, duration, Cpu::new(&db, Some(server.pid())), api_load(&client, &server)).await;
            // The statement's cost: this process (the client, and SQLite's engine) and its database backends.
            let statement = measure(concurrency, duration, Cpu::new(&db, None), {
                let db = db.clone();
                move || {
                    let db = db.clone();
                    async move {
                        sql_request(&db, sql).await;
                    }
                }
            })
            .await;
            let ratio = api.rps / statement.rps;
            let cpu_ratio = statement.cpu_us / api.cpu_us;
            ratios.entry(concurrency).or_default().push((ratio, cpu_ratio));
            println!(
                "{round:>5} {concurrency:>4} | {:>6.0} {:>7.2} {:>7.2} {:>7.0} | {:>6.0} {:>7.2} {:>7.2} {:>7.0} | {:>6.3} {:>6.3} | {:>5}",
                api.rps,
                api.p50_ms,
                api.p99_ms,
                api.cpu_us,
                statement.rps,
                statement.p50_ms,
                statement.p99_ms,
                statement.cpu_us,
                ratio,
                cpu_ratio,
                load_average().split(' ').next().unwrap_or_default(),
            );
        }
    }
    for concurrency in [8, 32] {
        let mut rows = ratios.remove(&concurrency).unwrap_or_default();
        let summary = |values: &mut Vec<f64>| {
            values.sort_by(f64::total_cmp);
            format!(
                "median {:.3} (min {:.3}, max {:.3})",
                values[values.len() / 2],
                values[0],
                values[values.len() - 1]
            )
        };
        let mut rps: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let mut cpu: Vec<f64> = rows.drain(..).map(|r| r.1).collect();
        if !rps.is_empty() {
            println!(
                "concurrency {concurrency}: ratio API/SQL {}; by CPU per request {}",
                summary(&mut rps),
                summary(&mut cpu)
            );
        }
    }
    let switches_before = context_switches(server.pid());
    let load = measure(
        8,
        Duration::from_secs(settings.load_seconds),
        Cpu::new(&db, Some(server.pid())),
        api_load(&client, &server),
    )
    .await;
    let switches = context_switches(server.pid()).saturating_sub(switches_before);
    println!(
        "RSS after {} s of load at concurrency 8: {} kB; {:.0} requests/s, {:.0} µs of CPU and {:.1} context \
         switches of the server per request; load {}",
        settings.load_seconds,
        server.rss_kb(),
        load.rps,
        load.cpu_us,
        switches as f64 / load.requests.max(1) as f64,
        load_average()
    );
    drop(server);
    if settings.callgrind_requests > 0 {
        let api = count_instructions(&client, &settings.server, url, settings.callgrind_requests).await;
        if db.get_database_backend() == DatabaseBackend::Sqlite {
            let statement = count_statement_instructions(url, settings.callgrind_requests);
            println!(
                "callgrind: {statement} instructions per statement in this process (SQLite runs in it); \
                 ratio API/SQL by instructions {:.3}",
                statement as f64 / api as f64
            );
        }
    }
    db.close().await.ok();
}

/// Counts the instructions the server spends on `requests` page queries under callgrind, after a warm-up.
async fn count_instructions(client: &reqwest::Client, binary: &str, url: &str, requests: u64) -> u64 {
    let out = std::env::temp_dir().join(format!("impact-bench-callgrind-{}", uuid::Uuid::new_v4().simple()));
    let out_file = format!("--callgrind-out-file={}", out.display());
    let server =
        Server::start_program("valgrind", url, &["--tool=callgrind", "--dump-instr=no", out_file.as_str(), binary]);
    for _ in 0..5 {
        api_request(client, &server.http_url()).await;
    }
    let pid = server.pid().to_string();
    let zeroed = Command::new("callgrind_control").args(["-z", pid.as_str()]).stdout(Stdio::null()).status();
    assert!(zeroed.is_ok_and(|s| s.success()), "callgrind_control -z failed");
    for _ in 0..requests {
        api_request(client, &server.http_url()).await;
    }
    // The dump after zeroing is the first numbered part of the profile.
    let instructions = callgrind_total(&callgrind_dump(server.pid(), &out).await);
    let dump = format!("{}.1", out.display());
    println!(
        "callgrind: {} instructions per page query in the server ({requests} sequential requests; profile {dump})",
        instructions / requests
    );
    instructions / requests
}

/// The argument that makes this binary repeat the SQLite statement (for `count_statement_instructions`).
const STATEMENT_LOOP: &str = "statement-loop";

/// Counts the instructions of the hand-written SQLite statement as `count_instructions` counts the server's:
/// SQLite runs inside the process that asks, so this binary runs the statement `WARM_UP` and `WARM_UP + requests`
/// times under callgrind (on one connection, set up as the bench's) and the difference, divided by `requests`, is
/// the cost of one statement without start-up. Unlike the timed ratio, it does not depend on the machine's load.
fn count_statement_instructions(url: &str, requests: u64) -> u64 {
    const WARM_UP: u64 = 5;
    let exe = std::env::current_exe().expect("the bench binary");
    let total = |times: u64| {
        let out = std::env::temp_dir().join(format!("impact-bench-statement-{}", uuid::Uuid::new_v4().simple()));
        let status = Command::new("valgrind")
            .args(["--tool=callgrind", "--dump-instr=no", "--quiet"])
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(&exe)
            .args([STATEMENT_LOOP, url, times.to_string().as_str()])
            .stdout(Stdio::null())
            .status();
        assert!(status.is_ok_and(|s| s.success()), "the statement loop under callgrind failed");
        let text = std::fs::read_to_string(&out).expect("the statement loop's profile");
        let _ = std::fs::remove_file(&out);
        callgrind_total(&text)
    };
    let base = total(WARM_UP);
    total(WARM_UP + requests).saturating_sub(base) / requests
}

/// The instructions of a callgrind profile (its `summary:` or `totals:` line).
fn callgrind_total(profile: &str) -> u64 {
    profile
        .lines()
        .find_map(|line| line.strip_prefix("summary:").or_else(|| line.strip_prefix("totals:")))
        .and_then(|total| total.split_whitespace().next()?.parse().ok())
        .expect("the profile has its totals")
}

/// The generated data set: organisations in every eligible country, regions of two neighbouring countries
/// each with one partnership of about eight partners from both sides, the first 30 regions pilots.
async fn generate(db: &DatabaseConnection) {
    let countries: Vec<String> = country::Entity::find()
        .order_by_asc(country::Column::Code)
        .all(db)
        .await
        .expect("countries")
        .into_iter()
        .filter(|c| c.eligible)
        .map(|c| c.code)
        .collect();
    let now = Utc::now();
    let creator = uuid::Uuid::new_v4();
    let organisations: Vec<(uuid::Uuid, String)> =
        (0..ORGANISATIONS).map(|i| (uuid::Uuid::new_v4(), countries[i % countries.len()].clone())).collect();
    insert_chunks(
        db,
        organisations.iter().enumerate().map(|(i, (id, country))| organisation::ActiveModel {
            id: Set(*id),
            name: Set(format!("Organisation {i:04}")),
            original_name: Set(None),
            organisation_type: Set(OrganisationType::LocalAuthority),
            country_code: Set(country.clone()),
            nuts_code: Set(None),
            address: Set(None),
            registration_id: Set(format!("REG-{i:05}")),
            website: Set(None),
            created_by: Set(creator),
            created_at: Set(now),
            updated_at: Set(now),
        }),
    )
    .await;
    let mut by_country: std::collections::HashMap<&str, Vec<uuid::Uuid>> = Default::default();
    for (id, country) in &organisations {
        by_country.entry(country.as_str()).or_default().push(*id);
    }
    let mut regions = Vec::new();
    let mut sides = Vec::new();
    let mut partnerships = Vec::new();
    let mut partners = Vec::new();
    for r in 0..REGIONS {
        let (a, b) = (&countries[r % countries.len()], &countries[(r + 1) % countries.len()]);
        let region = uuid::Uuid::new_v4();
        regions.push(cross_border_region::ActiveModel {
            id: Set(region),
            name: Set(format!("Region {r:03}")),
            description: Set("A border area".to_owned()),
            population: Set(Some(250_000)),
            area_km2: Set(Some(5_000.0)),
            status: Set(if r < PILOTS { RegionStatus::Pilot } else { RegionStatus::Candidate }),
            created_by: Set(creator),
            created_at: Set(now),
            updated_at: Set(now),
        });
        for code in [a, b] {
            sides.push(region_country::ActiveModel { region_id: Set(region), country_code: Set(code.clone()) });
        }
        let partnership_id = uuid::Uuid::new_v4();
        partnerships.push(partnership::ActiveModel {
            id: Set(partnership_id),
            region_id: Set(region),
            name: Set(format!("Partnership {r:03}")),
            governance: Set(None),
            public_sector_share: Set(None),
            private_sector_share: Set(None),
            civil_society_share: Set(None),
            other_share: Set(None),
            created_by: Set(creator),
            created_at: Set(now),
            updated_at: Set(now),
        });
        // 3,265 partners over 400 partnerships: 65 partnerships of 9, the rest of 8, half from each side.
        let size: usize = if r < PARTNERS - 8 * REGIONS { 9 } else { 8 };
        let side_a = by_country[a.as_str()].iter().copied().skip(r / countries.len() * 5).take(size.div_ceil(2));
        let side_b = by_country[b.as_str()].iter().copied().skip(r / countries.len() * 5).take(size / 2);
        for (n, (organisation_id, side)) in
            side_a.map(|id| (id, a.clone())).chain(side_b.map(|id| (id, b.clone()))).enumerate()
        {
            partners.push(partner::ActiveModel {
                partnership_id: Set(partnership_id),
                organisation_id: Set(organisation_id),
                side: Set(side),
                role: Set(if n == 0 { PartnerRole::Lead } else { PartnerRole::Partner }),
                created_at: Set(now),
                status: Set(PartnerStatus::Confirmed),
                invited_by: Set(None),
                answered_by: Set(None),
                answered_at: Set(Some(now)),
            });
        }
    }
    let partner_count = partners.len();
    insert_chunks(db, regions).await;
    insert_chunks(db, sides).await;
    insert_chunks(db, partnerships).await;
    insert_chunks(db, partners).await;
    println!("generated {ORGANISATIONS} organisations, {REGIONS} regions ({PILOTS} pilots), {partner_count} partners");
}

async fn insert_chunks<A: sea_orm::ActiveModelTrait>(db: &DatabaseConnection, rows: impl IntoIterator<Item = A>) {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(500).collect();
        A::Entity::insert_many(chunk).exec_without_returning(db).await.expect("generated rows inserted");
    }
}

/// The page query through the API as `measure` repeats it.
fn api_load(client: &reqwest::Client, server: &Server) -> impl Fn() -> BoxFuture<'static, ()> + Send + Sync + 'static {
    let (client, url) = (client.clone(), server.http_url());
    move || {
        let (client, url) = (client.clone(), url.clone());
        Box::pin(async move {
            api_request(&client, &url).await;
        })
    }
}

/// The page query through the API: the response's JSON text (not parsed: the client's work is not measured).
async fn api_request(client: &reqwest::Client, url: &str) -> String {
    let response = client.post(url).json(&json!({ "query": PAGE_QUERY })).send().await.expect("the API answers");
    assert!(response.status().is_success(), "API status {}", response.status());
    response.text().await.expect("an answer")
}

/// The hand-written statement: its JSON text.
async fn sql_request(db: &DatabaseConnection, sql: &str) -> String {
    let statement = Statement::from_string(db.get_database_backend(), sql);
    let row = db.query_one_raw(statement).await.expect("the statement runs").expect("one row");
    row.try_get_by_index(0).expect("a JSON text")
}

struct Measurement {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// CPU time per request, in microseconds, of the processes that `Cpu` watches.
    cpu_us: f64,
    requests: usize,
}

/// The CPU time (user and system) of a process and of the database's backends serving this database
/// (PostgreSQL; SQLite runs inside the process that queries it).
struct Cpu {
    process: u32,
    backends: Option<DatabaseConnection>,
}

impl Cpu {
    /// Watches `process` (this one when none) and, on PostgreSQL, the backends connected to the database of `db`.
    fn new(db: &DatabaseConnection, process: Option<u32>) -> Self {
        let backends = (db.get_database_backend() == DatabaseBackend::Postgres).then(|| db.clone());
        Self { process: process.unwrap_or_else(std::process::id), backends }
    }

    /// CPU seconds so far of the process and of each backend, by process id.
    async fn snapshot(&self) -> HashMap<u32, f64> {
        let mut pids = vec![self.process];
        if let Some(db) = &self.backends {
            let statement = Statement::from_string(
                DatabaseBackend::Postgres,
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()",
            );
            for row in db.query_all_raw(statement).await.expect("the backends") {
                pids.push(row.try_get_by_index::<i32>(0).expect("a pid") as u32);
            }
        }
        pids.into_iter().filter_map(|pid| Some((pid, cpu_seconds(pid)?))).collect()
    }
}

/// User and system time of a process (all its threads, also finished ones) from /proc/<pid>/stat, in seconds.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command name in parentheses: state is field 3, utime 14 and stime 15, in clock ticks.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on Linux.
    Some(ticks as f64 / 100.0)
}

/// The load averages of the machine (1, 5 and 15 minutes).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map_or_else(|_| "?".to_owned(), |text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

/// Runs `request` from `concurrency` workers for `duration` and summarises the latencies and the CPU time.
async fn measure<F, Fut>(concurrency: usize, duration: Duration, cpu: Cpu, request: F) -> Measurement
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let request = Arc::new(request);
    let before = cpu.snapshot().await;
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let request = request.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while started.elapsed() < duration {
                    let t = Instant::now();
                    request().await;
                    latencies.push(t.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.expect("worker"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let after = cpu.snapshot().await;
    // A backend that connected during the run counts from zero.
    let cpu_seconds: f64 = after.iter().map(|(pid, end)| end - before.get(pid).copied().unwrap_or(0.0)).sum();
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let requests = latencies.len().max(1) as f64;
    Measurement {
        rps: latencies.len() as f64 / elapsed,
        p50_ms: at(0.5),
        p99_ms: at(0.99),
        cpu_us: cpu_seconds * 1e6 / requests,
        requests: latencies.len(),
    }
}

/// The context switches so far of a process's running threads (voluntary and not), from /proc/<pid>/task: on
/// SQLite, what handing rows between sqlx's connection threads and the requests' tasks costs, which callgrind's
/// count of instructions does not see.
fn context_switches(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return 0 };
    tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("status")).ok())
        .flat_map(|status| {
            status
                .lines()
                .filter(|l| l.contains("ctxt_switches:"))
                .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                .collect::<Vec<_>>()
        })
        .sum()
}
