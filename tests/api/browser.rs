//! Headless Chromium for the browser tests: a page is loaded, its scripts run (with a virtual time budget) and
//! the DOM they leave is returned. Without Chromium the tests are skipped with a message, except in CI
//! (`CI` set), where `.ci/run` installs it and a missing browser fails the test.

use axum::Router;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest a page may take in real time.
const REAL_TIME_LIMIT: Duration = Duration::from_secs(90);

/// The Chromium binary: `IMPACT_CHROMIUM`, else Debian's `/usr/bin/chromium`, else `chromium` on the PATH.
pub fn chromium() -> Option<PathBuf> {
    let candidates = std::env::var_os("IMPACT_CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from("/usr/bin/chromium"), PathBuf::from("/usr/bin/chromium-browser")])
        .chain(
            std::env::var_os("PATH")
                .into_iter()
                .flat_map(|path| std::env::split_paths(&path).map(|dir| dir.join("chromium")).collect::<Vec<_>>()),
        );
    let found = candidates.into_iter().find(|path| path.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "Chromium is missing in CI; .ci/run installs Debian's `chromium` package"
        );
        eprintln!("SKIPPED browser test: Chromium not found (install Debian's `chromium` or set IMPACT_CHROMIUM)");
    }
    found
}

/// Loads `url` in a fresh headless profile and returns the DOM once the page has loaded and `budget_ms` of
/// virtual time have passed (timers run; network waits do not count).
pub async fn dump_dom(chromium: &Path, url: &str, budget_ms: u32) -> String {
    let chromium = chromium.to_path_buf();
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        let profile = tempfile::tempdir().expect("a profile directory");
        let mut child = Command::new(&chromium)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"])
            .args(["--disable-extensions", "--disable-background-networking", "--no-proxy-server"])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--virtual-time-budget={budget_ms}"))
            .arg("--dump-dom")
            .arg(&url)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium.display()));
        let started = Instant::now();
        loop {
            if child.try_wait().expect("waiting for Chromium").is_some() {
                break;
            }
            if started.elapsed() > REAL_TIME_LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("Chromium did not finish {url} within {REAL_TIME_LIMIT:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut dom = String::new();
        std::io::Read::read_to_string(&mut child.stdout.take().expect("stdout"), &mut dom).expect("the DOM");
        dom
    })
    .await
    .expect("the Chromium task")
}

/// Serves `router` on a free port of 127.0.0.1 (another origin than the API's) until the test ends; returns
/// its origin.
pub async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let origin = format!("http://{}", listener.local_addr().expect("bound address"));
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("the page server runs");
    });
    origin
}

/// The text of the element with this id in a dumped DOM (entities as the DOM wrote them).
pub fn element_text(dom: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let start = dom.find(&marker).unwrap_or_else(|| panic!("no element #{id} in the page:\n{dom}"));
    let after = &dom[start..];
    let open_end = after.find('>').expect("the element's tag ends") + 1;
    let close = after[open_end..].find("</").expect("the element closes");
    after[open_end..open_end + close]
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}
