//! `--fix`, `--diff` and the baseline on the seeds: fixes converge, a second run changes nothing,
//! bytes outside the fixed spans are untouched, and the encoding and line endings survive.

use std::path::{Path, PathBuf};
use std::process::Command;

use gwlint::diagnostic::Applicability;
use gwlint::engine::{check_source, Options};
use gwlint::fix::{apply, fix_file};
use gwlint::rules::RuleSet;
use gwlint::source::{Encoding, SourceFile};

fn seeds() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    seeds.sort();
    seeds
}

fn gwlint(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gwlint"))
        .args(args)
        .output()
        .unwrap()
}

/// The first pass changes only text inside the edits it applied.
#[test]
fn fixes_touch_nothing_outside_their_spans() {
    let rules = RuleSet::builtin().unwrap();
    for seed in seeds() {
        let result = check_source(
            &rules,
            &Options::default(),
            SourceFile::read(&seed).unwrap(),
        )
        .unwrap();
        let text = &result.source.text;
        let (fixed, applied) = apply(text, &result.diagnostics, Applicability::Safe);
        let edits: Vec<_> = result
            .diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| f.applicability == Applicability::Safe)
            .flat_map(|f| &f.edits)
            .collect();
        assert!(applied > 0 || edits.is_empty(), "{}", seed.display());
        // Walk both texts: every stretch between edits is copied byte for byte.
        let mut sorted = edits.clone();
        sorted.sort_by_key(|e| e.span.start);
        let (mut old_at, mut new_at) = (0, 0);
        for edit in sorted {
            if edit.span.start < old_at {
                continue; // an overlapping fix left for the next pass
            }
            let same = &text[old_at..edit.span.start];
            assert_eq!(
                &fixed[new_at..new_at + same.len()],
                same,
                "{} at byte {old_at}",
                seed.display()
            );
            new_at += same.len() + edit.replacement.len();
            old_at = edit.span.end;
        }
        assert_eq!(&fixed[new_at..], &text[old_at..], "{} tail", seed.display());
    }
}

#[test]
fn fixing_converges_and_keeps_encoding_and_line_endings() {
    let rules = RuleSet::builtin().unwrap();
    let options = Options::default();
    for seed in seeds() {
        let text = std::fs::read_to_string(&seed).unwrap();
        let variants = [
            ("utf8", Encoding::Utf8.encode(&text)),
            ("gb18030", Encoding::Gb18030.encode(&text)),
            ("crlf", text.replace('\n', "\r\n").into_bytes()),
        ];
        let mut fixed_utf8 = String::new();
        for (name, bytes) in variants {
            let source = SourceFile::from_bytes(&seed, &bytes).unwrap();
            let encoding = source.encoding;
            let first = check_source(&rules, &options, source).unwrap();
            let fixed = fix_file(&rules, &options, first, Applicability::Safe).unwrap();
            let out = fixed
                .result
                .source
                .encoding
                .encode(&fixed.result.source.text);
            let reread = SourceFile::from_bytes(&seed, &out).unwrap();
            assert_eq!(reread.encoding, encoding, "{name}: encoding kept");
            let again = check_source(&rules, &options, reread).unwrap();
            let again = fix_file(&rules, &options, again, Applicability::Safe).unwrap();
            assert_eq!(
                again.applied,
                0,
                "{name} {}: a second run fixes nothing",
                seed.display()
            );
            match name {
                "utf8" => fixed_utf8 = fixed.result.source.text.clone(),
                "gb18030" => assert_eq!(
                    fixed.result.source.text, fixed_utf8,
                    "gb18030 fixes like utf-8"
                ),
                _ => assert_eq!(
                    fixed.result.source.text,
                    fixed_utf8.replace('\n', "\r\n"),
                    "CRLF kept"
                ),
            }
        }
    }
}

#[test]
fn fix_and_diff_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.txt");
    let original = "关于开展检查的通知\n\n今天,天气很好;明天:也好。\n";
    std::fs::write(&file, original).unwrap();
    let path = file.to_str().unwrap();

    let diff = gwlint(&["check", "--diff", path]);
    assert_eq!(diff.status.code(), Some(1), "something to fix");
    let diff = String::from_utf8(diff.stdout).unwrap();
    assert!(
        diff.contains("-今天,天气很好;明天:也好。\n+今天，天气很好；明天：也好。\n"),
        "{diff}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        original,
        "--diff writes nothing"
    );

    let fix = gwlint(&["check", "--fix", path]);
    assert_eq!(
        fix.status.code(),
        Some(0),
        "nothing left: {}",
        String::from_utf8_lossy(&fix.stdout)
    );
    assert!(String::from_utf8_lossy(&fix.stdout).contains("已修复 3 处，剩余 0 处"));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "关于开展检查的通知\n\n今天，天气很好；明天：也好。\n"
    );
    assert_eq!(
        gwlint(&["check", "--diff", path]).status.code(),
        Some(0),
        "nothing more to fix"
    );
}

#[test]
fn fix_on_stdin_writes_the_fixed_text() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_gwlint"))
        .args(["check", "--fix", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("今天,天气很好。\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "今天，天气很好。\n");
}

#[test]
fn config_is_discovered_and_errors_point_at_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("a/b");
    std::fs::create_dir_all(&sub).unwrap();
    let doc = sub.join("doc.txt");
    std::fs::write(&doc, "关于开展检查的通知\n\n今天,天气很好。\n").unwrap();
    let doc = doc.to_str().unwrap();
    std::fs::write(
        dir.path().join("gwlint.yaml"),
        "ignore: [punct/halfwidth]\n",
    )
    .unwrap();
    let out = gwlint(&["check", "--format", "concise", doc]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("punct/halfwidth"));
    // --isolated ignores it.
    let out = gwlint(&["check", "--isolated", "--format", "json", doc]);
    assert_eq!(out.status.code(), Some(1));

    std::fs::write(
        dir.path().join("gwlint.yaml"),
        "ignore: [punct/halfwidth]\nseverity:\n  punct/no-such-rule: info\n",
    )
    .unwrap();
    let out = gwlint(&["check", doc]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("punct/no-such-rule") && err.contains("gwlint.yaml:3"),
        "{err}"
    );
}
