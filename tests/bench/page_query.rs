//! The page-query benchmark (issue 14), run on demand: `cargo bench --bench page_query` (see BENCHMARKS.md).
//!
//! For each backend (SQLite, and PostgreSQL when `IMPACT_BENCH_POSTGRES` or `IMPACT_TEST_POSTGRES` is set) it
//! generates the data set of the measurement (3,000 organisations, 400 cross-border regions of which 30 pilots,
//! one partnership per region, 3,265 partners), starts the real `impact` binary on it, checks that the public
//! page query through the API and one hand-written SQL statement return the same JSON, then runs each for
//! `IMPACT_BENCH_SECONDS` (default 10) at concurrency 8 and 32 and prints requests per second, p50 and p99, and
//! the ratio API / SQL. It also reports the server's resident memory when idle and after
//! `IMPACT_BENCH_LOAD_SECONDS` (default 60) of load. Nothing is asserted: the numbers go into BENCHMARKS.md.

use chrono::Utc;
use entity::cross_border_region::RegionStatus;
use entity::organisation::OrganisationType;
use entity::partner::{PartnerRole, PartnerStatus};
use entity::{country, cross_border_region, organisation, partner, partnership, region_country};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryOrder, Set, Statement};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "common.rs"]
mod common;

use common::{Server, create_postgres_database, env_u64, sqlite_url};

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
    let seconds = env_u64("IMPACT_BENCH_SECONDS", 10);
    let load_seconds = env_u64("IMPACT_BENCH_LOAD_SECONDS", 60);
    let mut targets = vec![("SQLite", sqlite_url())];
    let postgres = std::env::var("IMPACT_BENCH_POSTGRES").or_else(|_| std::env::var("IMPACT_TEST_POSTGRES")).ok();
    if let Some(admin) = postgres.filter(|v| !v.trim().is_empty()) {
        targets.push(("PostgreSQL", create_postgres_database(&admin).await));
    }
    println!("page query benchmark: {seconds} s per run, {load_seconds} s of load for memory");
    for (name, url) in targets {
        run_backend(name, &url, seconds, load_seconds).await;
    }
}

async fn run_backend(name: &str, url: &str, seconds: u64, load_seconds: u64) {
    let db = api::db::connect(&api::config::Config::for_database(url)).await.expect("database");
    api::db::migrate(&db).await.expect("migrations");
    generate(&db).await;
    let sql = match db.get_database_backend() {
        DatabaseBackend::Postgres => POSTGRES_SQL,
        _ => SQLITE_SQL,
    };
    let server = Server::start(url);
    let client = reqwest::Client::new();
    let api_answer = api_request(&client, &server.http_url()).await;
    let sql_answer = sql_request(&db, sql).await;
    assert_eq!(api_answer, sql_answer, "the API and the SQL statement must return the same JSON");
    let regions = api_answer["data"]["crossBorderRegions"]["nodes"].as_array().map_or(0, Vec::len);
    println!("\n== {name}: {regions} pilot regions per page; idle RSS {} kB", server.rss_kb());
    println!(
        "{:>11} | {:>9} {:>8} {:>8} | {:>9} {:>8} {:>8} | {:>6}",
        "concurrency", "API rps", "p50 ms", "p99 ms", "SQL rps", "p50 ms", "p99 ms", "ratio"
    );
    for concurrency in [8, 32] {
        let duration = Duration::from_secs(seconds);
        let api = measure(concurrency, duration, {
            let (client, url) = (client.clone(), server.http_url());
            move || {
                let (client, url) = (client.clone(), url.clone());
                async move {
                    api_request(&client, &url).await;
                }
            }
        })
        .await;
        let sql = measure(concurrency, duration, {
            let db = db.clone();
            move || {
                let db = db.clone();
                async move {
                    sql_request(&db, sql).await;
                }
            }
        })
        .await;
        println!(
            "{concurrency:>11} | {:>9.0} {:>8.2} {:>8.2} | {:>9.0} {:>8.2} {:>8.2} | {:>6.2}",
            api.rps,
            api.p50_ms,
            api.p99_ms,
            sql.rps,
            sql.p50_ms,
            sql.p99_ms,
            api.rps / sql.rps
        );
    }
    measure(8, Duration::from_secs(load_seconds), {
        let (client, url) = (client.clone(), server.http_url());
        move || {
            let (client, url) = (client.clone(), url.clone());
            async move {
                api_request(&client, &url).await;
            }
        }
    })
    .await;
    println!("RSS after {load_seconds} s of load at concurrency 8: {} kB", server.rss_kb());
    db.close().await.ok();
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

async fn api_request(client: &reqwest::Client, url: &str) -> Value {
    let response = client.post(url).json(&json!({ "query": PAGE_QUERY })).send().await.expect("the API answers");
    assert!(response.status().is_success(), "API status {}", response.status());
    response.json().await.expect("a JSON answer")
}

async fn sql_request(db: &DatabaseConnection, sql: &str) -> Value {
    let statement = Statement::from_string(db.get_database_backend(), sql);
    let row = db.query_one_raw(statement).await.expect("the statement runs").expect("one row");
    let text: String = row.try_get_by_index(0).expect("a JSON text");
    serde_json::from_str(&text).expect("valid JSON")
}

struct Measurement {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// Runs `request` from `concurrency` workers for `duration` and summarises the latencies.
async fn measure<F, Fut>(concurrency: usize, duration: Duration, request: F) -> Measurement
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let request = Arc::new(request);
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
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Measurement { rps: latencies.len() as f64 / elapsed, p50_ms: at(0.5), p99_ms: at(0.99) }
}
