//! Writes the benchmark corpus to a folder.
//!
//! `cargo run --release --example gen_corpus -- OUT_DIR [N]` (N defaults to 1000).

#[path = "../benches/corpus/mod.rs"]
mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

/// Same seed as `benches/check.rs`, so a written corpus matches the benchmark's documents.
const SEED: u64 = 0x6777_6c69_6e74;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next().map(PathBuf::from) else {
        eprintln!("usage: gen_corpus OUT_DIR [N]");
        return ExitCode::from(2);
    };
    let n = match args.next().map(|s| s.parse::<usize>()) {
        None => 1000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("N must be a number: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("{}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    let mut total = 0usize;
    for (name, bytes) in corpus::generate(n, SEED) {
        total += bytes.len();
        if let Err(e) = std::fs::write(out.join(&name), &bytes) {
            eprintln!("{}: {e}", out.join(&name).display());
            return ExitCode::FAILURE;
        }
    }
    println!("{n} documents, {total} bytes in {}", out.display());
    ExitCode::SUCCESS
}
