//! The five seed documents: what the parser understands of each (an outline snapshot, read
//! against the source), structural invariants of the model, and what the rules report.

use std::collections::BTreeMap;
use std::path::Path;

use gwlint::diagnostic::Severity;
use gwlint::engine::{check_source, FileResult, Options};
use gwlint::model::Level;
use gwlint::parse::parse;
use gwlint::report::outline;
use gwlint::rules::RuleSet;
use gwlint::source::{LineIndex, SourceFile};

mod support;
use support::findings::{render, Finding};
use support::seed;

fn read(prefix: &str) -> SourceFile {
    let mut source = SourceFile::read(&seed(prefix)).unwrap();
    // Snapshots should not depend on where the checkout lives.
    source.path = Path::new("seeds").join(source.path.file_name().unwrap());
    source
}

fn check(prefix: &str) -> FileResult {
    let rules = RuleSet::builtin().unwrap();
    check_source(&rules, &Options::default(), read(prefix)).unwrap()
}

const SEEDS: [&str; 5] = ["000", "001", "002", "003", "004"];

#[test]
fn outlines() {
    for prefix in SEEDS {
        let source = read(prefix);
        let doc = parse(source.text.clone());
        insta::assert_snapshot!(format!("outline_{prefix}"), outline::tree(&source, &doc));
    }
}

/// Spans lie inside the text on char boundaries, in order; heading parts lie inside their
/// paragraph; children come after their parents.
#[test]
fn model_invariants_hold_on_every_seed() {
    for prefix in SEEDS {
        let doc = parse(read(prefix).text);
        if let Err(problem) = gwlint::parse::spans::check(&doc) {
            panic!("{prefix}: {problem}");
        }
    }
}

#[test]
fn parser_traps_of_rules_section_11() {
    let doc = parse(read("000").text);
    let index = LineIndex::new(&doc.text);
    let line = |offset| index.line_col(&doc.text, offset).line;
    // 000: four 一、 sections, items 1–20 numbered on across them; 000:13 is a paragraph.
    let l1: Vec<u32> = doc
        .headings
        .iter()
        .filter(|h| h.level == Level::L1)
        .map(|h| h.ordinal)
        .collect();
    assert_eq!(l1, [1, 2, 3, 4]);
    let l3: Vec<u32> = doc
        .headings
        .iter()
        .filter(|h| h.level == Level::L3)
        .map(|h| h.ordinal)
        .collect();
    assert_eq!(l3, (1..=20).collect::<Vec<_>>());
    assert!(doc.headings.iter().all(|h| line(h.token.start) != 13));

    // 004: 18 glossary entries, references ①–⑱ in order, glossary lines not headings.
    let doc = parse(read("004").text);
    let glossary = doc.glossary.as_ref().expect("004 has a 名词解释");
    assert_eq!(
        glossary
            .entries
            .iter()
            .map(|e| e.number)
            .collect::<Vec<_>>(),
        (1..=18).collect::<Vec<_>>()
    );
    assert_eq!(
        doc.footnote_refs
            .iter()
            .map(|r| r.number)
            .collect::<Vec<_>>(),
        (1..=18).collect::<Vec<_>>()
    );
    assert!(doc.headings.iter().all(|h| h.level != Level::L3));
    assert!(doc.meta.midyear);

    // 002: subtitle, speaker and salutation.
    let doc = parse(read("002").text);
    let slice = |span: Option<gwlint::diagnostic::Span>| doc.slice(span.unwrap()).to_string();
    assert!(slice(doc.meta.subtitle).starts_with("——2021年2月3日"));
    assert_eq!(slice(doc.meta.speaker), "上海市嘉定区人民政府区长 高香");
    assert_eq!(slice(doc.meta.salutation), "各位代表：");
    assert_eq!(doc.meta.date.unwrap().to_string(), "2021-02-03");
}

/// Per seed: how many of each rule, then every diagnostic, each pinned with its place, message
/// and fix.
fn summary(file: &FileResult) -> String {
    let findings = Finding::all(file);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &findings {
        *counts.entry(f.rule.as_str()).or_default() += 1;
    }
    let mut out = String::new();
    for (rule, count) in &counts {
        out.push_str(&format!("{count:>5} {rule}\n"));
    }
    out.push('\n');
    out.push_str(&render(&findings));
    out
}

#[test]
fn findings() {
    for prefix in SEEDS {
        insta::assert_snapshot!(format!("findings_{prefix}"), summary(&check(prefix)));
    }
}

/// RULES.md §10 "Clean results worth pinning": on these lines nothing but the seeds' real
/// half-width marks and conversion residue may be an error.
#[test]
fn clean_results_stay_clean() {
    let pinned: &[(&str, &[usize])] = &[
        ("000", &[11, 71]),
        ("001", &[54, 58, 66]),
        ("002", &[15, 77, 91, 105, 109]),
        ("003", &[3, 10]),
        ("004", &[13, 17, 21, 27, 28, 32, 37, 41, 43]),
    ];
    for (prefix, lines) in pinned {
        let file = check(prefix);
        let index = LineIndex::new(&file.document.text);
        for d in &file.diagnostics {
            let line = index.line_col(&file.document.text, d.span.start).line;
            let expected = matches!(d.rule, "punct/halfwidth" | "artifact/conversion");
            assert!(
                !(lines.contains(&line) && d.severity == Severity::Error && !expected),
                "{prefix}:{line} {} {}",
                d.rule,
                d.message
            );
        }
    }
}
