//! The streamed outputs end to end: every format over the same files agrees on the findings;
//! json-lines, GitLab Code Quality and rdjson are what their consumers read; several outputs in
//! one run; `--files-from` and `--shard`; `--statistics` in JSON; a file that cannot be read is
//! in every report that can say so; a closed pipe keeps the findings' exit code; control
//! characters from a document never reach the terminal raw.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_gwlint");

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .output()
        .expect("run gwlint")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Three documents with findings, one clean, one binary.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.txt",
        "关于做好工作的通知\n\n今天,天气很好;明天:也好。\n",
    );
    write(dir.path(), "b.txt", "标题\n\n甲,乙。\n\n甲,乙。\n");
    write(dir.path(), "c.txt", "标题\n\n正文。\n");
    write(dir.path(), "d.txt", "标题\n\n丙,丁,戊。\n");
    dir
}

fn json_lines(output: &Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

/// (path, rule, line, column) of every finding of a JSON report's files.
fn findings(files: &[Value]) -> BTreeSet<(String, String, u64, u64)> {
    files
        .iter()
        .flat_map(|f| {
            f["diagnostics"].as_array().unwrap().iter().map(move |d| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    d["rule"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap(),
                    d["column"].as_u64().unwrap(),
                )
            })
        })
        .collect()
}

#[test]
fn json_lines_is_the_json_report_a_file_a_line() {
    let dir = folder();
    let report: Value =
        serde_json::from_slice(&run_in(dir.path(), &["check", "--format", "json", "."]).stdout)
            .unwrap();
    let lines = json_lines(&run_in(
        dir.path(),
        &["check", "--format", "json-lines", "."],
    ));
    assert_eq!(lines.len(), 4, "one line per file, clean ones too");
    assert_eq!(&lines, report["files"].as_array().unwrap());
    assert!(!findings(&lines).is_empty());
}

#[test]
fn shards_add_up_to_the_whole_run_and_files_from_reads_a_list() {
    let dir = folder();
    let list = write(dir.path(), "list.txt", "a.txt\n\nb.txt\r\nc.txt\nd.txt\n");
    let whole = json_lines(&run_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json-lines",
            "--files-from",
            "list.txt",
        ],
    ));
    assert_eq!(whole.len(), 4);
    let mut parts = Vec::new();
    for i in 1..=3 {
        let shard = format!("{i}/3");
        let part = run_in(
            dir.path(),
            &[
                "check",
                "--format",
                "json-lines",
                "--files-from",
                s(&list),
                "--shard",
                &shard,
            ],
        );
        parts.extend(json_lines(&part));
    }
    let paths = |rows: &[Value]| -> Vec<String> {
        let mut paths: Vec<String> = rows
            .iter()
            .map(|r| r["path"].as_str().unwrap().to_string())
            .collect();
        paths.sort();
        paths
    };
    assert_eq!(paths(&parts), paths(&whole));
    assert_eq!(findings(&parts), findings(&whole));
    let bad = run_in(dir.path(), &["check", "--shard", "4/3", "."]);
    assert_eq!(bad.status.code(), Some(2));
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn gitlab_and_rdjson_carry_every_finding() {
    let dir = folder();
    let lines = json_lines(&run_in(
        dir.path(),
        &["check", "--format", "json-lines", "."],
    ));
    let count = findings(&lines).len();
    let gitlab: Value =
        serde_json::from_slice(&run_in(dir.path(), &["check", "--format", "gitlab", "."]).stdout)
            .unwrap();
    let issues = gitlab.as_array().unwrap();
    assert_eq!(issues.len(), count);
    let fingerprints: BTreeSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), count, "fingerprints are unique");
    for issue in issues {
        assert!(["major", "minor", "info"].contains(&issue["severity"].as_str().unwrap()));
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(!issue["location"]["path"]
            .as_str()
            .unwrap()
            .starts_with("./"));
    }
    // The same finding keeps its fingerprint when lines are added above it.
    let moved = tempfile::tempdir().unwrap();
    write(
        moved.path(),
        "b.txt",
        "标题\n\n新的一段。\n\n甲,乙。\n\n甲,乙。\n",
    );
    let before: Value = serde_json::from_slice(
        &run_in(dir.path(), &["check", "--format", "gitlab", "b.txt"]).stdout,
    )
    .unwrap();
    let after: Value = serde_json::from_slice(
        &run_in(moved.path(), &["check", "--format", "gitlab", "b.txt"]).stdout,
    )
    .unwrap();
    let prints = |v: &Value| -> BTreeSet<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(prints(&before), prints(&after));

    let rd: Value =
        serde_json::from_slice(&run_in(dir.path(), &["check", "--format", "rdjson", "."]).stdout)
            .unwrap();
    let diagnostics = rd["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), count);
    // "今天,天" — the comma is the 7th byte after 今天 (two 3-byte characters): column 7.
    let comma = diagnostics
        .iter()
        .find(|d| d["location"]["path"] == "a.txt" && d["location"]["range"]["start"]["line"] == 3)
        .unwrap();
    assert_eq!(comma["location"]["range"]["start"]["column"], 7);
    assert_eq!(comma["suggestions"][0]["text"], "，");
}

#[test]
fn several_outputs_in_one_run() {
    let dir = folder();
    let out = run_in(
        dir.path(),
        &[
            "check",
            "--format",
            "concise",
            "--report-to",
            "sarif=r.sarif",
            "--report-to",
            "json=r.json",
            ".",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let concise = stdout(&out);
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.sarif")).unwrap())
            .unwrap();
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let count = findings(json["files"].as_array().unwrap()).len();
    assert_eq!(concise.lines().count(), count);
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), count);
    let bad = run_in(dir.path(), &["check", "--report-to", "nonsense=x", "."]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn statistics_follow_the_format() {
    let dir = folder();
    let out = run_in(
        dir.path(),
        &["check", "--statistics", "--format", "json", "."],
    );
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let halfwidth = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "punct/halfwidth")
        .unwrap();
    assert_eq!(halfwidth["severity"], "error");
    assert!(halfwidth["count"].as_u64().unwrap() >= 5);
    assert_eq!(halfwidth["fixable"], halfwidth["count"]);
    let table = stdout(&run_in(dir.path(), &["check", "--statistics", "."]));
    assert!(table.contains("punct/halfwidth"), "{table}");
}

#[test]
fn a_file_that_cannot_be_read_is_in_every_report() {
    let dir = folder();
    write(dir.path(), "bin.txt", b"\x00\x01binary");
    let json = run_in(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(json.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["errors"][0]["path"], "./bin.txt");
    assert!(report["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("二进制"));
    assert_eq!(report["files"].as_array().unwrap().len(), 4);
    // A clean run says nothing of errors at all.
    let clean: Value =
        serde_json::from_slice(&run_in(dir.path(), &["check", "--format", "json", "c.txt"]).stdout)
            .unwrap();
    assert!(clean.get("errors").is_none());

    let sarif: Value =
        serde_json::from_slice(&run_in(dir.path(), &["check", "--format", "sarif", "."]).stdout)
            .unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let note = &invocation["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "error");
    assert_eq!(
        note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "bin.txt"
    );

    let junit = stdout(&run_in(dir.path(), &["check", "--format", "junit", "."]));
    assert!(junit.contains("errors=\"1\">"), "{junit}");
    assert!(junit.contains("<error message="), "{junit}");

    let lines = json_lines(&run_in(
        dir.path(),
        &["check", "--format", "json-lines", "."],
    ));
    assert!(lines
        .iter()
        .any(|l| l["path"] == "./bin.txt" && l["error"].is_string()));
    let gitlab: Value =
        serde_json::from_slice(&run_in(dir.path(), &["check", "--format", "gitlab", "."]).stdout)
            .unwrap();
    assert!(gitlab
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["severity"] == "blocker"));
}

#[test]
fn a_closed_pipe_keeps_the_exit_code_of_the_findings() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut child = Command::new(BIN)
        .args(["check", s(&seeds)])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then close the pipe, as `| head -c1` does.
    {
        use std::io::Read;
        let mut out = child.stdout.take().unwrap();
        let mut byte = [0u8; 1];
        out.read_exact(&mut byte).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1), "the seeds have errors");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("无法写出"), "{stderr}");
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "esc.txt",
        "这是正文\x1b]0;pwned\x07,有问题\x1b[2J。\n",
    );
    for format in ["human", "concise", "github"] {
        let out = run_in(dir.path(), &["check", "--format", format, "esc.txt"]);
        assert!(
            !out.stdout.contains(&0x1b) && !out.stdout.contains(&0x07),
            "{format}"
        );
        assert!(
            stdout(&out).contains('␛') || format != "human",
            "{format}: {}",
            stdout(&out)
        );
    }
}

#[test]
fn the_cache_gives_the_same_report_and_is_keyed_by_content() {
    let dir = folder();
    let cache = tempfile::tempdir().unwrap();
    let cached = |dir: &Path| {
        run_in(
            dir,
            &[
                "check",
                "--format",
                "json",
                "--cache-dir",
                s(cache.path()),
                ".",
            ],
        )
    };
    let plain = run_in(dir.path(), &["check", "--format", "json", "."]);
    let first = cached(dir.path());
    assert_eq!(stdout(&first), stdout(&plain));
    let entries: Vec<PathBuf> = std::fs::read_dir(cache.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 4, "one entry per file");
    let second = cached(dir.path());
    assert_eq!(stdout(&second), stdout(&plain));
    assert_eq!(second.status.code(), plain.status.code());

    // The second run read the entries: one altered by hand shows.
    for entry in &entries {
        let text = std::fs::read_to_string(entry).unwrap();
        std::fs::write(entry, text.replace("半角", "HALF")).unwrap();
    }
    assert!(stdout(&cached(dir.path())).contains("HALF"));
    // A changed file is a new key, checked afresh.
    write(
        dir.path(),
        "a.txt",
        "关于做好工作的通知\n\n今天,天气很好。\n",
    );
    let changed = stdout(&cached(dir.path()));
    let fresh = stdout(&run_in(dir.path(), &["check", "--format", "json", "a.txt"]));
    let a: Value = serde_json::from_str(&changed).unwrap();
    let a = a["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "./a.txt")
        .unwrap()
        .clone();
    let fresh: Value = serde_json::from_str(&fresh).unwrap();
    assert_eq!(a["diagnostics"], fresh["files"][0]["diagnostics"]);
}

#[test]
fn the_cache_follows_the_config() {
    let dir = folder();
    let cache = tempfile::tempdir().unwrap();
    let run = |cached: bool| {
        let mut args = vec!["check", "--format", "json-lines"];
        if cached {
            args.extend(["--cache-dir", s(cache.path())]);
        }
        args.push(".");
        stdout(&run_in(dir.path(), &args))
    };
    let before = run(true);
    assert_eq!(before, run(false));
    assert!(before.contains("\"severity\":\"error\""), "{before}");
    // A severity override, then a rule ignored, in gwlint.yaml: the same files under the same
    // cache are reported as a run without the cache reports them.
    for config in [
        "severity:\n  punct/halfwidth: warning\n",
        "ignore: [punct/halfwidth]\n",
    ] {
        write(dir.path(), "gwlint.yaml", config);
        let after = run(true);
        assert_ne!(after, before, "{config}");
        assert_eq!(after, run(false), "{config}");
    }
}
