//! The real `gwlint` binary, end to end: exit codes, input errors, encodings and line endings,
//! stdin, rule selection, user rule packs, `rules`/`explain`, and the JSON contract of
//! DESIGN.md (fields, `text` = the file's bytes at byte_start..byte_end, deterministic order).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod support;
use support::seed;

const BIN: &str = env!("CARGO_BIN_EXE_gwlint");

fn gwlint(dir: Option<&Path>, args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).env("NO_COLOR", "1");
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    command.output().expect("run gwlint")
}

fn run(args: &[&str]) -> Output {
    gwlint(None, args)
}

fn with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gwlint");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().expect("wait for gwlint")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

/// stderr with miette's line wrapping undone, so a reason split over two lines reads whole.
fn stderr(output: &Output) -> String {
    let text = String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8");
    text.replace("\n  │ ", "")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            stdout(output),
            stderr(output)
        )
    })
}

fn seed_text(prefix: &str) -> String {
    std::fs::read_to_string(seed(prefix)).unwrap()
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, bytes).unwrap();
    path
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// `check --format json` on the given paths plus extra arguments.
fn check_json(extra: &[&str], paths: &[&Path]) -> (Value, Output) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    args.extend(paths.iter().map(|p| s(p)));
    let output = run(&args);
    (json(&output), output)
}

fn only_file(report: &Value) -> &Value {
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{report:#}");
    &files[0]
}

fn diagnostics(file: &Value) -> &Vec<Value> {
    file["diagnostics"].as_array().unwrap()
}

/// (rule, line, column) of each diagnostic, in report order.
fn positions(file: &Value) -> Vec<(String, u64, u64)> {
    diagnostics(file)
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn paths_of(report: &Value) -> Vec<String> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

fn rules_of(file: &Value) -> Vec<String> {
    let mut rules: Vec<String> = positions(file).into_iter().map(|p| p.0).collect();
    rules.dedup();
    rules.sort();
    rules.dedup();
    rules
}

// ---------------------------------------------------------------------------------------------
// Input errors

#[test]
fn binary_file_is_an_error_that_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "report.txt",
        b"\xe6\x8a\xa5\xe5\x91\x8a\0\x01\x02",
    );
    let output = run(&["check", s(&path)]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains(s(&path)), "stderr names the file: {err}");
    assert!(err.contains("二进制"), "stderr says why: {err}");
}

#[test]
fn binary_file_among_good_ones_still_reports_the_good_ones_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "a.txt", b"abc\0def");
    let good = write(dir.path(), "b.txt", "标题\n\n正文。\n");
    let (report, output) = check_json(&[], &[&bad, &good]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains(s(&bad)));
    let file = only_file(&report);
    assert_eq!(file["path"], s(&good));
}

#[test]
fn empty_file_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "empty.txt", b"");
    let (report, output) = check_json(&[], &[&path]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(diagnostics(only_file(&report)).is_empty());
    assert_eq!(report["summary"]["files"], 1);
    let human = run(&["check", s(&path)]);
    assert_eq!(code(&human), 0);
}

#[test]
fn missing_path_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-report.txt");
    let output = run(&["check", s(&path)]);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(err.contains("no-such-report.txt"), "{err}");
    assert!(err.contains("不存在"), "{err}");
}

#[test]
fn folder_without_documents_is_an_error_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("attachments");
    write(&folder, "scan.pdf", b"%PDF-1.4");
    write(&folder, "sub/data.csv", "a,b\n");
    let output = run(&["check", s(&folder)]);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(err.contains(s(&folder)), "{err}");
    assert!(err.contains("没有可检查的文件"), "{err}");
    assert!(err.contains(".txt") && err.contains(".md"), "{err}");
}

#[test]
fn folders_are_walked_recursively_in_path_order_honouring_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    write(root, ".gitignore", "draft.txt\n");
    write(root, "draft.txt", "甲,乙\n");
    write(root, "b.txt", "甲,乙\n");
    write(root, "a/z.md", "甲,乙\n");
    write(root, "a/y.txt", "甲,乙\n");
    write(root, "c.pdf", "甲,乙\n");
    let output = gwlint(Some(root), &["check", "--format", "json", "."]);
    assert_eq!(
        paths_of(&json(&output)),
        ["./a/y.txt", "./a/z.md", "./b.txt"]
    );
}

#[test]
fn unknown_select_or_ignore_code_is_an_error() {
    let path = seed("003");
    for flag in ["--select", "--ignore"] {
        let output = run(&["check", flag, "punct/halfwidht", s(&path)]);
        assert_eq!(code(&output), 2, "{flag}");
        assert!(stderr(&output).contains("punct/halfwidht"), "{flag}");
        assert!(
            output.stdout.is_empty(),
            "{flag}: no report on a usage error"
        );
    }
}

#[test]
fn explain_of_an_unknown_rule_is_an_error() {
    let output = run(&["explain", "numbering/nope"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("numbering/nope"));
}

// ---------------------------------------------------------------------------------------------
// Encodings and line endings: the same findings at the same lines and columns

fn check_bytes(name: &str, bytes: &[u8]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), name, bytes);
    let (report, output) = check_json(&[], &[&path]);
    assert_ne!(code(&output), 2, "{}", stderr(&output));
    only_file(&report).clone()
}

fn utf8_baseline(prefix: &str) -> Value {
    let (report, _) = check_json(&[], &[&seed(prefix)]);
    let file = only_file(&report).clone();
    assert_eq!(file["encoding"], "utf-8");
    assert_eq!(file["line_ending"], "lf");
    assert!(!diagnostics(&file).is_empty());
    file
}

/// Byte offsets index the decoded text (DESIGN.md), so `text` is that slice of `decoded`.
fn assert_texts_are_slices(file: &Value, decoded: &str) {
    for d in diagnostics(file) {
        let start = d["byte_start"].as_u64().unwrap() as usize;
        let end = d["byte_end"].as_u64().unwrap() as usize;
        assert_eq!(d["text"].as_str().unwrap(), &decoded[start..end], "{d:#}");
    }
}

#[test]
fn gb18030_copy_of_003_has_the_same_findings() {
    let text = seed_text("003");
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    let baseline = utf8_baseline("003");
    let file = check_bytes("003-gb18030.txt", &bytes);
    assert_eq!(file["encoding"], "gb18030");
    assert_eq!(positions(&file), positions(&baseline));
    assert_eq!(file["diagnostics"], baseline["diagnostics"]);
    assert_eq!(file["doc_type"], baseline["doc_type"]);
    assert_eq!(file["date"], baseline["date"]);
    assert_texts_are_slices(&file, &text);
}

#[test]
fn utf16le_copy_of_003_has_the_same_findings() {
    let text = seed_text("003");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let baseline = utf8_baseline("003");
    let file = check_bytes("003-utf16le.txt", &bytes);
    assert_eq!(file["encoding"], "utf-16le");
    assert_eq!(positions(&file), positions(&baseline));
    assert_eq!(file["diagnostics"], baseline["diagnostics"]);
    assert_texts_are_slices(&file, &text);
}

#[test]
fn utf8_bom_copy_of_003_has_the_same_findings() {
    let text = seed_text("003");
    let bytes = [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
    let baseline = utf8_baseline("003");
    let file = check_bytes("003-bom.txt", &bytes);
    assert_eq!(file["encoding"], "utf-8-bom");
    assert_eq!(positions(&file), positions(&baseline));
}

#[test]
fn crlf_copies_keep_lines_and_columns() {
    // 003 (conversion residue, a blank line of one space) and 000 (page breaks: `\n\n` becomes
    // `\r\n\r\n`, and the line must still be the one before the break).
    for prefix in ["003", "000"] {
        let text = seed_text(prefix).replace('\n', "\r\n");
        let baseline = utf8_baseline(prefix);
        let file = check_bytes("crlf.txt", text.as_bytes());
        assert_eq!(file["line_ending"], "crlf", "{prefix}");
        assert_eq!(file["encoding"], "utf-8", "{prefix}");
        assert_eq!(positions(&file), positions(&baseline), "{prefix}");
        assert_texts_are_slices(&file, &text);
        for (crlf, lf) in diagnostics(&file).iter().zip(diagnostics(&baseline)) {
            assert_eq!(crlf["end_line"], lf["end_line"], "{prefix}");
            assert_eq!(crlf["end_column"], lf["end_column"], "{prefix}");
        }
    }
}

#[test]
fn cr_only_copy_keeps_lines_and_columns() {
    let text = seed_text("000").replace('\n', "\r");
    let baseline = utf8_baseline("000");
    let file = check_bytes("cr.txt", text.as_bytes());
    assert_eq!(file["line_ending"], "cr");
    assert_eq!(positions(&file), positions(&baseline));
    assert_texts_are_slices(&file, &text);
}

// ---------------------------------------------------------------------------------------------
// stdin

#[test]
fn stdin_with_a_filename() {
    let text = seed_text("003");
    let output = with_stdin(
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "docs/003.txt",
            "-",
        ],
        text.as_bytes(),
    );
    assert_eq!(
        code(&output),
        1,
        "an error-level finding: {}",
        stderr(&output)
    );
    let report = json(&output);
    let file = only_file(&report);
    assert_eq!(file["path"], "docs/003.txt");
    assert_eq!(positions(file), positions(&utf8_baseline("003")));
}

#[test]
fn stdin_without_a_filename_and_in_another_encoding() {
    let text = seed_text("003");
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    let output = with_stdin(&["check", "--format", "json", "-"], &bytes);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = json(&output);
    let file = only_file(&report);
    assert_eq!(file["path"], "<stdin>");
    assert_eq!(file["encoding"], "gb18030");
    assert_eq!(positions(file), positions(&utf8_baseline("003")));
}

#[test]
fn stdin_binary_is_an_error() {
    let output = with_stdin(&["check", "--stdin-filename", "pasted.txt", "-"], b"a\0b");
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("pasted.txt"));
}

#[test]
fn stdin_together_with_files() {
    let output = with_stdin(
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "0-stdin.txt",
            s(&seed("004")),
            "-",
            s(&seed("003")),
        ],
        "甲,乙\n".as_bytes(),
    );
    let paths = paths_of(&json(&output));
    assert_eq!(paths.len(), 3);
    assert!(paths.contains(&"0-stdin.txt".to_string()), "{paths:?}");
}

// ---------------------------------------------------------------------------------------------
// --select / --ignore

#[test]
fn select_and_ignore_by_id_and_by_category() {
    // 003: artifact/blank-line, artifact/conversion, punct/range-connector,
    // required/expected-targets, structure/leading-whitespace, term/misspelling.
    let path = seed("003");
    let rules = |extra: &[&str]| rules_of(only_file(&check_json(extra, &[&path]).0));
    assert_eq!(
        rules(&[]),
        [
            "artifact/blank-line",
            "artifact/conversion",
            "punct/range-connector",
            "required/expected-targets",
            "structure/leading-whitespace",
            "term/misspelling"
        ]
    );
    assert_eq!(
        rules(&["--select", "artifact"]),
        ["artifact/blank-line", "artifact/conversion"]
    );
    assert_eq!(
        rules(&["--select", "artifact/conversion"]),
        ["artifact/conversion"]
    );
    assert_eq!(
        rules(&["--select", "term,required/expected-targets"]),
        ["required/expected-targets", "term/misspelling"]
    );
    assert_eq!(
        rules(&["--select", "term", "--select", "artifact/blank-line"]),
        ["artifact/blank-line", "term/misspelling"]
    );
    assert_eq!(
        rules(&["--ignore", "artifact,punct,structure"]),
        ["required/expected-targets", "term/misspelling"]
    );
    assert_eq!(
        rules(&[
            "--ignore",
            "artifact/conversion,term/misspelling,punct,structure"
        ]),
        ["artifact/blank-line", "required/expected-targets"]
    );
    assert_eq!(
        rules(&["--select", "artifact", "--ignore", "artifact/blank-line"]),
        ["artifact/conversion"]
    );
    assert!(rules(&["--select", "ALL", "--ignore", "ALL"]).is_empty());
    // A category that matches rules but none that fire here is fine, and silent.
    assert!(rules(&["--select", "numbering"]).is_empty());
}

#[test]
fn select_changes_the_exit_code() {
    let path = seed("003");
    // artifact/conversion is the only error in 003.
    let output = run(&["check", "--ignore", "artifact/conversion", s(&path)]);
    assert_eq!(code(&output), 0);
    let output = run(&["check", "--select", "artifact/conversion", s(&path)]);
    assert_eq!(code(&output), 1);
}

#[test]
fn rules_off_by_default_run_only_when_selected_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let long = "以习近平新时代中国特色社会主义思想为指导，".repeat(12) + "开好局、起好步。";
    let path = write(dir.path(), "long.txt", format!("标题\n\n{long}\n"));
    let rules = |extra: &[&str]| rules_of(only_file(&check_json(extra, &[&path]).0));
    assert!(!rules(&[]).contains(&"style/sentence-length".to_string()));
    assert!(rules(&["--select", "style"]).is_empty());
    assert_eq!(
        rules(&["--select", "style/sentence-length"]),
        ["style/sentence-length"]
    );
}

// ---------------------------------------------------------------------------------------------
// Exit codes

fn exit_code(text: &str, extra: &[&str]) -> i32 {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "doc.txt", text);
    let mut args = vec!["check"];
    args.extend_from_slice(extra);
    args.push(s(&path));
    code(&run(&args))
}

/// The severities a text gets, to be sure each exit-code case holds what it claims.
fn severities(text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "doc.txt", text);
    let (report, _) = check_json(&[], &[&path]);
    let mut out: Vec<String> = diagnostics(only_file(&report))
        .iter()
        .map(|d| d["severity"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

const WITH_ERROR: &str = "标题\n\n“十三五”期间,面对复杂多变的外部环境。\n";
const WITH_WARNINGS: &str = "标题\n\n完成税收 22 亿元。\n";
const WITH_INFO: &str = "标题\n\n第一段。\n\u{a0}\n第二段。\n";
const CLEAN: &str = "标题\n\n第一段。\n\n第二段。\n";

#[test]
fn exit_codes_follow_severity() {
    assert_eq!(severities(WITH_ERROR), ["error"]);
    assert_eq!(severities(WITH_WARNINGS), ["warning"]);
    assert_eq!(severities(WITH_INFO), ["info"]);
    assert!(severities(CLEAN).is_empty());

    assert_eq!(exit_code(WITH_ERROR, &[]), 1);
    assert_eq!(exit_code(WITH_WARNINGS, &[]), 0);
    assert_eq!(exit_code(WITH_INFO, &[]), 0);
    assert_eq!(exit_code(CLEAN, &[]), 0);

    assert_eq!(exit_code(WITH_ERROR, &["--deny-warnings"]), 1);
    assert_eq!(exit_code(WITH_WARNINGS, &["--deny-warnings"]), 1);
    // RULES Part A.1: info never fails a run, not even under --deny-warnings.
    assert_eq!(exit_code(WITH_INFO, &["--deny-warnings"]), 0);
    assert_eq!(exit_code(CLEAN, &["--deny-warnings"]), 0);
}

#[test]
fn exit_codes_on_the_seeds() {
    // 000 has an error (header/docnum); 002 has only warnings; 003 has an error.
    assert_eq!(code(&run(&["check", s(&seed("000"))])), 1);
    assert_eq!(code(&run(&["check", s(&seed("002"))])), 0);
    assert_eq!(
        code(&run(&["check", "--deny-warnings", s(&seed("002"))])),
        1
    );
    let all: Vec<PathBuf> = ["000", "001", "002", "003", "004"]
        .iter()
        .map(|p| seed(p))
        .collect();
    let mut args = vec!["check"];
    args.extend(all.iter().map(|p| s(p)));
    assert_eq!(code(&run(&args)), 1);
}

// ---------------------------------------------------------------------------------------------
// User rule packs

const GOOD_PACK: &str = "\
# 本单位的用语规范
- id: house/colloquial-we
  kind: pattern
  severity: warning
  pattern: '咱们'
  message: '公文中不用口语“{match}”，应改为“我们”'
  explain: |
    公文用语应庄重规范，不用“咱们”等口语词。
  examples:
    invalid: ['咱们要抓好落实。']
    valid: ['我们要抓好落实。']
";

fn pack_dir(name: &str, yaml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &format!("packs/{name}"), yaml);
    write(dir.path(), "doc.txt", "标题\n\n咱们要抓好落实。\n");
    dir
}

/// Loads a broken pack with `check` and with `rules`; both exit 2 and show, on stderr, the
/// YAML file with the line the error points at (miette's `file:line:col`) and a reason.
fn assert_pack_error(name: &str, yaml: &str, line: usize, reason: &[&str]) {
    let dir = pack_dir(name, yaml);
    for args in [
        &["check", "--rules", "packs", "doc.txt"][..],
        &["rules", "--rules", "packs"][..],
    ] {
        let output = gwlint(Some(dir.path()), args);
        let err = stderr(&output);
        assert_eq!(code(&output), 2, "{args:?}: {err}");
        let located = format!("packs/{name}:{line}:");
        assert!(err.contains(&located), "{args:?}: no {located} in\n{err}");
        for fragment in reason {
            assert!(
                err.contains(fragment),
                "{args:?}: no “{fragment}” in\n{err}"
            );
        }
        assert!(
            !stdout(&output).contains("house/colloquial-we"),
            "{args:?}: a broken pack loads nothing"
        );
    }
}

#[test]
fn pack_with_a_bad_regex() {
    let yaml = GOOD_PACK.replace("pattern: '咱们'", "pattern: '咱们(['");
    assert_pack_error(
        "bad-regex.yaml",
        &yaml,
        5,
        &["规则文件", "正则表达式", "无法编译"],
    );
}

#[test]
fn pack_with_an_unknown_field() {
    let yaml = GOOD_PACK.replace("  explain: |", "  colour: red\n  explain: |");
    assert_eq!(yaml.lines().nth(6), Some("  colour: red"));
    // The reason lists only the kind's own fields as the accepted ones (serde's flatten).
    assert_pack_error(
        "unknown-field.yaml",
        &yaml,
        7,
        &["规则文件", "未知字段", "colour"],
    );
}

#[test]
fn pack_that_duplicates_a_builtin_id() {
    let yaml = GOOD_PACK.replace("house/colloquial-we", "punct/halfwidth");
    assert_pack_error(
        "duplicate.yaml",
        &yaml,
        2,
        &["规则文件", "punct/halfwidth", "重复", "punct.yaml"],
    );
}

#[test]
fn pack_that_duplicates_its_own_id() {
    let second = GOOD_PACK
        .lines()
        .skip(1)
        .collect::<Vec<_>>()
        .join("\n")
        .replace("咱们", "俺们");
    let yaml = format!("{GOOD_PACK}\n{second}\n");
    // The second `- id:` line: comment, 10 lines of rule, a blank line.
    assert_eq!(yaml.lines().nth(12), Some("- id: house/colloquial-we"));
    assert_pack_error("twice.yaml", &yaml, 13, &["house/colloquial-we", "重复"]);
}

#[test]
fn pack_whose_invalid_example_does_not_fire() {
    let yaml = GOOD_PACK.replace(
        "invalid: ['咱们要抓好落实。']",
        "invalid: ['大家要抓好落实。']",
    );
    // Points at the rule's `id:` line (2); the example itself is on line 10.
    assert_pack_error(
        "invalid-silent.yaml",
        &yaml,
        2,
        &["规则文件", "反例", "没有触发", "大家要抓好落实。"],
    );
}

#[test]
fn pack_whose_valid_example_fires() {
    let yaml = GOOD_PACK.replace(
        "valid: ['我们要抓好落实。']",
        "valid: ['咱们俩要抓好落实。']",
    );
    // Points at the rule's `id:` line (2); the example itself is on line 11.
    assert_pack_error(
        "valid-fires.yaml",
        &yaml,
        2,
        &["规则文件", "正例", "触发了规则", "咱们俩要抓好落实。"],
    );
}

#[test]
fn pack_with_a_bad_id() {
    let yaml = GOOD_PACK.replace("house/colloquial-we", "House_We");
    assert_pack_error("bad-id.yaml", &yaml, 2, &["House_We", "不合法"]);
}

#[test]
fn pack_that_is_not_a_list_of_rules() {
    assert_pack_error(
        "mapping.yaml",
        "id: house/x\nkind: pattern\n",
        1,
        &["规则文件", "mapping.yaml"],
    );
}

#[test]
fn missing_rules_dir_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = gwlint(Some(dir.path()), &["rules", "--rules", "no-such-packs"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("no-such-packs"));
}

#[test]
fn good_user_pack_adds_a_rule_that_fires() {
    let dir = pack_dir("house.yaml", GOOD_PACK);
    let output = gwlint(Some(dir.path()), &["rules", "--rules", "packs"]);
    assert_eq!(code(&output), 0);
    let listing = stdout(&output);
    let line = listing
        .lines()
        .find(|l| l.starts_with("house/colloquial-we "))
        .unwrap_or_else(|| panic!("not listed:\n{listing}"));
    assert!(
        line.contains("pattern") && line.contains("warning"),
        "{line}"
    );
    let builtin = stdout(&run(&["rules"]));
    let count = |text: &str| text.lines().filter(|l| l.contains('/')).count();
    assert_eq!(count(&listing), count(&builtin) + 1);

    let output = gwlint(
        Some(dir.path()),
        &["check", "--format", "json", "--rules", "packs", "doc.txt"],
    );
    assert_eq!(code(&output), 0, "a warning only: {}", stderr(&output));
    let report = json(&output);
    let file = only_file(&report);
    assert_eq!(positions(file), [("house/colloquial-we".to_string(), 3, 1)]);
    let d = &diagnostics(file)[0];
    assert_eq!(d["message"], "公文中不用口语“咱们”，应改为“我们”");
    assert_eq!(d["text"], "咱们");
    assert_eq!(d["severity"], "warning");

    // It is selectable by id and by its new category, and explained like a built-in.
    let output = gwlint(
        Some(dir.path()),
        &[
            "check",
            "--rules",
            "packs",
            "--select",
            "house",
            "--deny-warnings",
            "doc.txt",
        ],
    );
    assert_eq!(code(&output), 1);
    let output = gwlint(
        Some(dir.path()),
        &["explain", "--rules", "packs", "house/colloquial-we"],
    );
    assert_eq!(code(&output), 0);
    assert!(stdout(&output).contains("咱们要抓好落实"));
    // Without --rules the category is unknown.
    let output = gwlint(Some(dir.path()), &["check", "--select", "house", "doc.txt"]);
    assert_eq!(code(&output), 2);
}

// ---------------------------------------------------------------------------------------------
// rules / explain

fn rule_ids() -> Vec<String> {
    let output = run(&["rules"]);
    assert_eq!(code(&output), 0);
    let listing = stdout(&output);
    let mut lines = listing.lines();
    assert!(lines.next().unwrap().starts_with("规则"), "{listing}");
    let mut ids = Vec::new();
    for line in lines {
        if line.starts_with('共') {
            let total: usize = line
                .trim_start_matches('共')
                .split_whitespace()
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(total, ids.len(), "{listing}");
            return ids;
        }
        ids.push(line.split_whitespace().next().unwrap().to_string());
    }
    panic!("no total line:\n{listing}")
}

#[test]
fn rules_lists_the_ids_the_product_must_have() {
    let ids = rule_ids();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "sorted by id");
    for required in [
        "numbering/gap",
        "numbering/duplicate",
        "numbering/delimiter",
        "numbering/hierarchy",
        "footnote/undefined",
        "footnote/unused",
        "required/expected-targets",
        "punct/halfwidth",
        "punct/unpaired",
        "header/docnum",
        "number/spacing",
        "data/growth",
        "artifact/conversion",
        "artifact/page-break",
    ] {
        assert!(ids.iter().any(|id| id == required), "missing {required}");
    }
}

#[test]
fn explain_every_rule() {
    let ids = rule_ids();
    assert!(ids.len() >= 14);
    for id in ids {
        let output = run(&["explain", &id]);
        assert_eq!(code(&output), 0, "{id}: {}", stderr(&output));
        let text = stdout(&output);
        assert!(text.len() > 80, "{id}: {text}");
        assert!(text.starts_with(&id), "{id}: {text}");
    }
}

// ---------------------------------------------------------------------------------------------
// The JSON contract

const FILE_FIELDS: [&str; 6] = [
    "path",
    "encoding",
    "line_ending",
    "doc_type",
    "date",
    "diagnostics",
];
const DIAGNOSTIC_FIELDS: [&str; 12] = [
    "rule",
    "severity",
    "message",
    "help",
    "line",
    "column",
    "end_line",
    "end_column",
    "byte_start",
    "byte_end",
    "text",
    "fix",
];

/// 1-based line and character column of a byte offset, counted independently of gwlint
/// (`\n`, `\r\n` and a lone `\r` end a line).
fn line_column(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let mut line = 1;
    let mut line_start = 0;
    let bytes = before.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let ends = b == b'\n' || (b == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n'));
        if ends {
            line += 1;
            line_start = i + 1;
        }
    }
    (line, before[line_start..].chars().count() as u64 + 1)
}

fn assert_contract(report: &Value, texts: &[(&str, String)]) {
    assert_eq!(report["version"], 1);
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), texts.len());
    let mut counts = [0u64; 3];
    for (file, (path, text)) in files.iter().zip(texts) {
        assert_eq!(file["path"], *path);
        for field in FILE_FIELDS {
            assert!(file.get(field).is_some(), "{path}: no {field}");
        }
        assert!(file["encoding"].is_string() && file["line_ending"].is_string());
        assert!(file["doc_type"].is_string() || file["doc_type"].is_null());
        assert!(file["date"].is_string() || file["date"].is_null());
        for d in diagnostics(file) {
            for field in DIAGNOSTIC_FIELDS {
                assert!(d.get(field).is_some(), "{path}: no {field} in {d}");
            }
            let rule = d["rule"].as_str().unwrap();
            assert!(rule.contains('/'), "{rule}");
            match d["severity"].as_str().unwrap() {
                "error" => counts[0] += 1,
                "warning" => counts[1] += 1,
                "info" => counts[2] += 1,
                other => panic!("severity {other}"),
            }
            assert!(!d["message"].as_str().unwrap().is_empty());
            assert!(d["help"].is_string() || d["help"].is_null());
            let start = d["byte_start"].as_u64().unwrap() as usize;
            let end = d["byte_end"].as_u64().unwrap() as usize;
            assert!(start <= end && end <= text.len(), "{d}");
            assert_eq!(d["text"].as_str().unwrap(), &text[start..end], "{d}");
            assert_eq!(
                (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()),
                line_column(text, start),
                "{d}"
            );
            assert_eq!(
                (
                    d["end_line"].as_u64().unwrap(),
                    d["end_column"].as_u64().unwrap()
                ),
                line_column(text, end),
                "{d}"
            );
            match &d["fix"] {
                Value::Null => {}
                fix => {
                    let applicability = fix["applicability"].as_str().unwrap();
                    assert!(["safe", "suggest"].contains(&applicability), "{d}");
                    let edits = fix["edits"].as_array().unwrap();
                    assert!(!edits.is_empty(), "{d}");
                    for edit in edits {
                        assert!(edit["replacement"].is_string(), "{d}");
                        let s = edit["byte_start"].as_u64().unwrap() as usize;
                        let e = edit["byte_end"].as_u64().unwrap() as usize;
                        assert!(s <= e && e <= text.len(), "{d}");
                        assert!(text.is_char_boundary(s) && text.is_char_boundary(e), "{d}");
                    }
                }
            }
        }
    }
    let summary = &report["summary"];
    assert_eq!(summary["files"], files.len() as u64);
    assert_eq!(summary["errors"], counts[0]);
    assert_eq!(summary["warnings"], counts[1]);
    assert_eq!(summary["infos"], counts[2]);
}

#[test]
fn json_contract_on_every_seed() {
    let prefixes = ["000", "001", "002", "003", "004"];
    let paths: Vec<PathBuf> = prefixes.iter().map(|p| seed(p)).collect();
    let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let (report, output) = check_json(&[], &refs);
    assert_eq!(code(&output), 1);
    let texts: Vec<(&str, String)> = paths
        .iter()
        .map(|p| (s(p), std::fs::read_to_string(p).unwrap()))
        .collect();
    assert_contract(&report, &texts);
    // Something of every kind of value is exercised.
    let all: Vec<&Value> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(diagnostics)
        .collect();
    assert!(all.iter().any(|d| d["fix"].is_null()));
    assert!(all.iter().any(|d| d["fix"]["applicability"] == "safe"));
    assert!(all.iter().any(|d| d["fix"]["applicability"] == "suggest"));
    assert!(all.iter().any(|d| d["severity"] == "info"));
    assert!(all.iter().any(|d| d["line"] != d["end_line"]));
}

#[test]
fn json_contract_on_crlf_and_multibyte_text() {
    let dir = tempfile::tempdir().unwrap();
    let text = "标题\r\n\r\n“十三五”期间,面对复杂多变的外部环境;完成税收 22 亿元。\r\n\u{a0}\r\n打造“十五分钟\r\n\r\n党建服务圈”。\r\n";
    let path = write(dir.path(), "crlf.txt", text);
    let (report, _) = check_json(&[], &[&path]);
    assert_eq!(only_file(&report)["line_ending"], "crlf");
    assert!(diagnostics(only_file(&report)).len() >= 4);
    assert_contract(&report, &[(s(&path), text.to_string())]);
}

#[test]
fn json_file_facts_of_the_seeds() {
    let facts = |prefix: &str| {
        let (report, _) = check_json(&[], &[&seed(prefix)]);
        let file = only_file(&report).clone();
        (
            file["doc_type"].as_str().map(str::to_string),
            file["date"].as_str().map(str::to_string),
        )
    };
    let some = |t: &str, d: &str| (Some(t.to_string()), Some(d.to_string()));
    assert_eq!(facts("000"), some("workplan", "2021"));
    assert_eq!(facts("001"), some("plan", "2021-03-31"));
    assert_eq!(facts("002"), some("report", "2021-02-03"));
    assert_eq!(facts("003"), some("workplan", "2021"));
    assert_eq!(facts("004"), some("report", "2023-07-13"));
}

// ---------------------------------------------------------------------------------------------
// Deterministic order: by path, then position, then rule id

#[test]
fn output_order_is_path_then_position_then_rule() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Copies under names whose order differs from the order given on the command line.
    let names = ["b/004.txt", "a/001.txt", "c.txt", "a/000.md"];
    for (name, prefix) in names.iter().zip(["004", "001", "003", "000"]) {
        write(root, name, std::fs::read(seed(prefix)).unwrap());
    }
    let args = ["check", "--format", "json", "c.txt", "b", "a/000.md", "a"];
    let first = gwlint(Some(root), &args);
    let report = json(&first);
    assert_eq!(
        paths_of(&report),
        ["a/000.md", "a/001.txt", "b/004.txt", "c.txt"]
    );
    for file in report["files"].as_array().unwrap() {
        let keys: Vec<(u64, u64, &str)> = diagnostics(file)
            .iter()
            .map(|d| {
                (
                    d["byte_start"].as_u64().unwrap(),
                    d["byte_end"].as_u64().unwrap(),
                    d["rule"].as_str().unwrap(),
                )
            })
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "{}", file["path"]);
        let lines: Vec<(u64, u64)> = diagnostics(file)
            .iter()
            .map(|d| (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
            .collect();
        assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{}", file["path"]);
    }
    // Same input, same bytes out: parallelism does not leak into the report.
    for _ in 0..3 {
        let again = gwlint(Some(root), &args);
        assert_eq!(again.stdout, first.stdout);
        assert_eq!(again.status.code(), first.status.code());
    }
    let human = || gwlint(Some(root), &["check", "c.txt", "b", "a/000.md", "a"]).stdout;
    assert_eq!(human(), human());
}

#[test]
fn a_file_named_twice_is_checked_once() {
    let path = seed("003");
    let (report, _) = check_json(&[], &[&path, &path]);
    assert_eq!(report["files"].as_array().unwrap().len(), 1);
}

/// Every finding says how binding it is: `explain`, each JSON and json-lines finding and the
/// SARIF rule descriptor carry the rule's source level and clause.
#[test]
fn rule_sources_reach_explain_json_and_sarif() {
    let explain = run(&["explain", "header/attachment-match"]);
    let text = String::from_utf8(explain.stdout).unwrap();
    assert!(
        text.contains("来源：GB/T 9704-2012 7.3.7（国家标准）"),
        "{text}"
    );
    let draft = "关于做好防汛工作的通知\n\n请XX街道报送材料。\n";
    let json = with_stdin(
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "a.txt",
            "-",
        ],
        draft.as_bytes(),
    );
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    let finding = report["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "artifact/placeholder")
        .expect("placeholder finding");
    assert_eq!(finding["source"]["level"], "通行做法");
    assert!(finding["source"]["clause"]
        .as_str()
        .unwrap()
        .contains("草稿"));
    let lines = with_stdin(
        &[
            "check",
            "--format",
            "json-lines",
            "--stdin-filename",
            "a.txt",
            "-",
        ],
        draft.as_bytes(),
    );
    let line: Value = serde_json::from_slice(&lines.stdout).unwrap();
    let in_line = line["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "artifact/placeholder")
        .expect("placeholder finding in json-lines");
    assert_eq!(in_line["source"], finding["source"]);
    let sarif = with_stdin(
        &[
            "check",
            "--format",
            "sarif",
            "--stdin-filename",
            "a.txt",
            "-",
        ],
        draft.as_bytes(),
    );
    let log: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let descriptor = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "artifact/placeholder")
        .expect("placeholder descriptor");
    assert_eq!(descriptor["properties"]["source"]["level"], "通行做法");
}
