//! Recall on injected defects (tests/mutation): every operator of the harness, on copies of
//! the seeds (and one fixture with well-formed 文号), finds at least 98 % of its mutants, and the right growth sentences it appends
//! stay silent. `cargo run --release --example mutations` runs the same on the real corpus.

#[path = "mutation/mod.rs"]
mod mutation;

use mutation::{Tally, OPERATORS};

#[test]
fn every_operator_is_caught_on_the_seeds() {
    let rules = gwlint::rules::RuleSet::builtin().expect("built-in rules");
    let check = |text: &str| -> Vec<String> {
        gwlint::engine::check_text(&rules, text)
            .into_iter()
            .map(|d| d.rule.to_string())
            .collect()
    };
    let mut totals = vec![Tally::default(); OPERATORS.len()];
    let mut missed = Vec::new();
    let mut alarms = (0, 0);
    // The seeds, and the fixtures for what the seeds lack (a well-formed 文号).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = std::fs::read_dir(root.join("seeds"))
        .expect("seeds")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    paths.push(root.join("tests/fixtures/header/docnum-correct-silent.txt"));
    for path in paths {
        let text = gwlint::source::SourceFile::read(&path).expect("seed").text;
        for (total, tally) in totals
            .iter_mut()
            .zip(mutation::run(&check, &text, &mut missed))
        {
            total.mutants += tally.mutants;
            total.caught += tally.caught;
        }
        let (tried, fired) = mutation::growth_false_alarms(&check, &text);
        alarms = (alarms.0 + tried, alarms.1 + fired);
    }
    for (operator, tally) in OPERATORS.iter().zip(&totals) {
        assert!(
            tally.mutants > 0,
            "{}: no mutant on the seeds (the operator does nothing)",
            operator.name
        );
        assert!(
            tally.recall() >= 0.98,
            "{} ({}): {}/{} caught; missed:\n{}",
            operator.name,
            operator.what,
            tally.caught,
            tally.mutants,
            missed.join("\n")
        );
    }
    assert_eq!(
        alarms.1, 0,
        "right growth sentences reported ({} tried)",
        alarms.0
    );
}
