//! Recall per mutation operator (tests/mutation) on the seeds and on the real corpus.
//!
//! `cargo run --release --example mutations [-- CORPUS_DIR] [--missed] [--exe GWLINT]`
//! (CORPUS_DIR defaults to ../shared/corpus/docs; --missed lists the mutants not caught;
//! --exe checks the mutants with another build's executable instead of this library, to
//! measure recall before a change: `--exe target/ecosystem/<commit>/gwlint`).

#[path = "../tests/mutation/mod.rs"]
mod mutation;

use std::path::{Path, PathBuf};

use mutation::{Tally, OPERATORS};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| p.is_file());
    paths.sort();
    paths
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_missed = args.iter().any(|a| a == "--missed");
    let exe = args
        .iter()
        .position(|a| a == "--exe")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = args
        .iter()
        .enumerate()
        .find(|(i, a)| !a.starts_with("--") && (*i == 0 || args[i - 1] != "--exe"))
        .map(|(_, a)| a)
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus/docs"));
    let rules = gwlint::rules::RuleSet::builtin().expect("built-in rules");
    let scratch = std::env::temp_dir().join(format!("gwlint-mutant-{}.txt", std::process::id()));
    let check = |text: &str| -> Vec<String> {
        let Some(exe) = &exe else {
            return gwlint::engine::check_text(&rules, text)
                .into_iter()
                .map(|d| d.rule.to_string())
                .collect();
        };
        std::fs::write(&scratch, text).expect("scratch file");
        let out = std::process::Command::new(exe)
            .args(["check", "--format", "json"])
            .arg(&scratch)
            .output()
            .expect("run gwlint");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        json["files"][0]["diagnostics"]
            .as_array()
            .map(|ds| {
                ds.iter()
                    .filter_map(|d| Some(d["rule"].as_str()?.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut columns = Vec::new();
    for (name, dir) in [("seeds", root.join("seeds")), ("corpus", corpus)] {
        let mut totals = vec![Tally::default(); OPERATORS.len()];
        let mut missed = Vec::new();
        let mut alarms = (0, 0);
        for path in files(&dir) {
            let Ok(source) = gwlint::source::SourceFile::read(&path) else {
                continue;
            };
            let mut here = Vec::new();
            let tallies = mutation::run(&check, &source.text, &mut here);
            for (total, tally) in totals.iter_mut().zip(tallies) {
                total.mutants += tally.mutants;
                total.caught += tally.caught;
            }
            let file = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            missed.extend(here.into_iter().map(|m| format!("{file}: {m}")));
            let (tried, fired) = mutation::growth_false_alarms(&check, &source.text);
            alarms = (alarms.0 + tried, alarms.1 + fired);
        }
        let _ = std::fs::remove_file(&scratch);
        columns.push((name, totals, missed, alarms));
    }
    println!("{:<24} {:>16} {:>16}", "operator", "seeds", "corpus");
    for (i, operator) in OPERATORS.iter().enumerate() {
        let cell = |t: Tally| {
            if t.mutants == 0 {
                "—".to_string()
            } else {
                format!("{}/{} {:.1}%", t.caught, t.mutants, 100.0 * t.recall())
            }
        };
        println!(
            "{:<24} {:>16} {:>16}   {}",
            operator.name,
            cell(columns[0].1[i]),
            cell(columns[1].1[i]),
            operator.what
        );
    }
    for (name, _, missed, alarms) in &columns {
        println!(
            "{name}: right growth sentences reported {}/{}",
            alarms.1, alarms.0
        );
        if show_missed {
            for m in missed {
                println!("  missed {m}");
            }
        }
    }
}
