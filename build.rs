//! Release builds of the server lay out the functions it runs while starting and idling next to each other
//! (`src/startup-order.txt`, written by `cargo bench --bench startup_order`). The kernel maps a binary's code
//! 64 kB around each page first run ("fault-around"), so start-up code scattered over the 28 MB of `.text`
//! kept about 14 MB of it resident in an idle server; laid out together it keeps about 5 MB (BENCHMARKS.md,
//! "Start-up code laid out together"). Symbols the file names that a build lacks (after a dependency or toolchain
//! change) are skipped silently: the layout then degrades, the build does not fail.
//!
//! Only for `x86_64-unknown-linux-gnu`, whose default linker (rust-lld since Rust 1.90) reads the file; a build
//! that links with GNU ld instead sets `IMPACT_STARTUP_ORDER=off`.

use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=src/startup-order.txt");
    println!("cargo::rerun-if-env-changed=IMPACT_STARTUP_ORDER");
    let target = std::env::var("TARGET").unwrap_or_default();
    let profile = std::env::var("PROFILE").unwrap_or_default();
    let enabled = std::env::var("IMPACT_STARTUP_ORDER").map_or(true, |value| value != "off");
    if !(enabled && profile == "release" && target == "x86_64-unknown-linux-gnu") {
        return;
    }
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let order = Path::new(&manifest_dir).join("src/startup-order.txt");
    if order.exists() {
        println!("cargo::rustc-link-arg-bin=impact=-Wl,--symbol-ordering-file={}", order.display());
        println!("cargo::rustc-link-arg-bin=impact=-Wl,--no-warn-symbol-ordering");
    }
}
