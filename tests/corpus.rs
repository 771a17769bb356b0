//! Judged findings on the real-document corpus (../shared/corpus/docs): every warning and
//! error gwlint reports there was judged by hand, and the verdicts live in
//! tests/corpus/verdicts.tsv as data (file, line, column, rule, verdict, reason; no document
//! text). A verdict is `true` (a reviewer wants it), `false` (a known false finding, still
//! reported) or `fixed` (judged false and no longer reported). This test fails when a finding
//! judged true disappears, when a fixed one comes back, when a known false one goes (mark it
//! `fixed`), or when a finding nobody has judged appears: it lists those, so a rule change shows
//! its effect on real documents before it lands (scripts/ecosystem.py shows the same diff
//! with excerpts). It also holds the precision the judged verdicts give to the bar of the
//! real-documents issue: 95 % overall, 90 % for every rule with ten findings or more.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod support;
use support::check_report;

/// Where a finding is: file name, line, column, rule.
type Key = (String, u64, u64, String);

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/docs")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    True,
    False,
    Fixed,
}

/// The verdicts, by where the finding is.
fn verdicts() -> BTreeMap<Key, Verdict> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/verdicts.tsv");
    let text = std::fs::read_to_string(&path).expect("tests/corpus/verdicts.tsv");
    let mut verdicts = BTreeMap::new();
    for (n, row) in text.lines().enumerate().skip(1) {
        if row.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = row.split('\t').collect();
        assert!(fields.len() >= 5, "verdicts.tsv:{}: too few fields", n + 1);
        let key = (
            fields[0].to_string(),
            fields[1].parse().expect("line"),
            fields[2].parse().expect("column"),
            fields[3].to_string(),
        );
        let verdict = match fields[4] {
            "true" => Verdict::True,
            "false" => Verdict::False,
            "fixed" => Verdict::Fixed,
            other => panic!("verdicts.tsv:{}: verdict {other:?}", n + 1),
        };
        assert!(
            verdicts.insert(key.clone(), verdict).is_none(),
            "verdicts.tsv:{}: judged twice: {key:?}",
            n + 1
        );
    }
    verdicts
}

/// Every warning and error gwlint reports on the corpus.
fn findings(dir: &Path) -> BTreeSet<Key> {
    let report = check_report(dir);
    let mut findings = BTreeSet::new();
    for file in report["files"].as_array().unwrap() {
        let name = Path::new(file["path"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for d in file["diagnostics"].as_array().unwrap() {
            if !matches!(d["severity"].as_str(), Some("warning" | "error")) {
                continue;
            }
            findings.insert((
                name.clone(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["rule"].as_str().unwrap().to_string(),
            ));
        }
    }
    findings
}

fn show(keys: &[&Key]) -> String {
    keys.iter()
        .map(|(file, line, column, rule)| format!("  {file}:{line}:{column} {rule}\n"))
        .collect()
}

#[test]
fn judged_findings_hold_on_the_real_corpus() {
    let dir = corpus();
    if !dir.is_dir() {
        // The corpus sits beside the checkout (CI has it); a bare checkout has nothing to judge.
        eprintln!("no corpus at {}: skipped", dir.display());
        return;
    }
    let verdicts = verdicts();
    let findings = findings(&dir);
    let gone = |wanted: Verdict| -> Vec<&Key> {
        verdicts
            .iter()
            .filter(|(key, &verdict)| verdict == wanted && !findings.contains(*key))
            .map(|(key, _)| key)
            .collect()
    };
    let lost = gone(Verdict::True);
    let no_longer_false = gone(Verdict::False);
    let back: Vec<&Key> = findings
        .iter()
        .filter(|key| verdicts.get(*key) == Some(&Verdict::Fixed))
        .collect();
    let unjudged: Vec<&Key> = findings
        .iter()
        .filter(|key| !verdicts.contains_key(*key))
        .collect();
    let problems: String = [
        (lost, "judged true are gone"),
        (back, "judged false are back"),
        (
            no_longer_false,
            "known false are gone (well done: mark them `fixed`)",
        ),
        (
            unjudged,
            "are not judged yet (judge them into tests/corpus/verdicts.tsv)",
        ),
    ]
    .iter()
    .filter(|(keys, _)| !keys.is_empty())
    .map(|(keys, what)| format!("{} findings {what}:\n{}", keys.len(), show(keys)))
    .collect();
    assert!(problems.is_empty(), "{problems}");

    // Precision by the verdicts, overall and per rule.
    let mut per_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for key in &findings {
        let entry = per_rule.entry(key.3.as_str()).or_default();
        entry.1 += 1;
        if verdicts[key] == Verdict::True {
            entry.0 += 1;
        }
    }
    let (good, all) = per_rule
        .values()
        .fold((0, 0), |(g, a), (rg, ra)| (g + rg, a + ra));
    assert!(
        good * 100 >= all * 95,
        "precision {good}/{all} is under 95 %"
    );
    for (rule, (good, all)) in per_rule {
        assert!(
            all < 10 || good * 100 >= all * 90,
            "{rule}: precision {good}/{all} is under 90 %"
        );
    }
}
