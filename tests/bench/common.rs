//! What the on-demand benchmarks share: the real `impact` binary in production mode on a free port, its resident
//! memory, and a fresh database per backend.

use sea_orm::{ConnectionTrait, Database};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The signing secret of the benchmark server (tokens made by `login` work for the whole run).
pub const SECRET: &str = "a benchmark secret that is long enough for HS256";

/// The real server binary on `database_url`, in production mode, on a free port; killed when dropped.
pub struct Server {
    child: Child,
    port: u16,
}

impl Server {
    #[allow(dead_code)]
    pub fn start(database_url: &str) -> Self {
        Self::start_with(database_url, &[])
    }

    /// Like `start`, with `envs` added.
    pub fn start_with(database_url: &str, envs: &[(&str, &str)]) -> Self {
        Self::launch(env!("CARGO_BIN_EXE_impact"), &[], database_url, envs)
    }

    /// `program` with `args`, then `serve`: the server binary, another build of it, or a tool that runs it
    /// (valgrind); waits until it listens (slowly under valgrind).
    #[allow(dead_code)]
    pub fn start_program(program: &str, database_url: &str, args: &[&str]) -> Self {
        Self::launch(program, args, database_url, &[])
    }

    fn launch(program: &str, args: &[&str], database_url: &str, envs: &[(&str, &str)]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("port").port();
        let mut command = Command::new(program);
        command
            .args(args)
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("IMPACT_LISTEN", format!("127.0.0.1:{port}"))
            .env("IMPACT_ENV", "production")
            .env("IMPACT_JWT_SECRET", SECRET)
            .env("IMPACT_MAIL_DIR", std::env::temp_dir().join("impact-bench-mail"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null());
        for (name, value) in envs {
            command.env(name, value);
        }
        let child = command.spawn().unwrap_or_else(|error| panic!("{program} starts: {error}"));
        let deadline = Instant::now() + Duration::from_secs(600);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the server did not listen within 600 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        Self { child, port }
    }

    /// The server's process id (for its CPU time and resident memory).
    #[allow(dead_code)]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `http://127.0.0.1:port/graphql`.
    #[allow(dead_code)]
    pub fn http_url(&self) -> String {
        self.url("/graphql")
    }

    /// `http://127.0.0.1:port` and `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// `ws://127.0.0.1:port/graphql`.
    #[allow(dead_code)]
    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}/graphql", self.port)
    }

    /// Resident set size of the server process, from /proc (Linux).
    #[allow(dead_code)]
    pub fn rss_kb(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|status| {
                status.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Builds the server as `cargo build --release` does and returns its path. Not `cargo bench`'s own copy
/// (`CARGO_BIN_EXE_impact`): the bench profile builds every crate again under other symbol names.
#[allow(dead_code)]
pub fn release_binary() -> String {
    let output = Command::new(env!("CARGO"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "--release", "--locked", "--bin", "impact", "--message-format=json-render-diagnostics"])
        .stderr(Stdio::inherit())
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "cargo build --release failed");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact" && message["target"]["name"] == "impact")
        .find_map(|message| message["executable"].as_str().map(str::to_owned))
        .expect("cargo names the impact binary it built")
}

/// Asks the callgrind run of process `pid` (started with `--callgrind-out-file=out`) to dump its profile and
/// returns the dump, `out.1`, once callgrind has finished writing it (its totals are the last lines).
#[allow(dead_code)]
pub async fn callgrind_dump(pid: u32, out: &std::path::Path) -> String {
    let pid = pid.to_string();
    let status = Command::new("callgrind_control").args(["-d", pid.as_str()]).stdout(Stdio::null()).status();
    assert!(status.is_ok_and(|s| s.success()), "callgrind_control -d failed (is valgrind installed?)");
    let dump = format!("{}.1", out.display());
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(text) = std::fs::read_to_string(&dump).ok().filter(|text| text.contains("\ntotals:")) {
            return text;
        }
        assert!(Instant::now() < deadline, "no callgrind dump in {dump}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

pub fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

pub fn sqlite_url() -> String {
    let path = std::env::temp_dir().join(format!("impact-bench-{}.db", uuid::Uuid::new_v4().simple()));
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Removes a benchmark's database once it has run: the SQLite file with its WAL, or the PostgreSQL database that
/// `create_postgres_database` made on the server of `admin_url`.
pub async fn remove_database(url: &str, admin_url: Option<&str>) {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    } else if let Some(admin_url) = admin_url {
        let name = url.rsplit('/').next().unwrap_or_default();
        let admin = Database::connect(admin_url).await.expect("PostgreSQL for the benchmark");
        let dropped = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
        if let Err(error) = dropped {
            eprintln!("benchmark database {name} left behind: {error}");
        }
        admin.close().await.ok();
    }
}

/// A fresh database on the PostgreSQL server of `admin_url`: its URL.
pub async fn create_postgres_database(admin_url: &str) -> String {
    let admin = Database::connect(admin_url).await.expect("PostgreSQL for the benchmark");
    let name = format!("impact_bench_{}", uuid::Uuid::new_v4().simple());
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("benchmark database");
    admin.close().await.ok();
    let base = admin_url.split('?').next().unwrap_or(admin_url);
    match base.rfind('/') {
        Some(slash) if slash > base.find("://").map_or(0, |i| i + 2) => format!("{}/{name}", &base[..slash]),
        _ => format!("{base}/{name}"),
    }
}
