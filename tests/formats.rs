//! The machine formats: SARIF validates against the official SARIF 2.1.0 schema and agrees
//! with the JSON report; GitHub workflow commands follow the runner's grammar and escaping;
//! JUnit is well-formed XML with the right counts; concise lines are one `path:line:col: RULE
//! message` per diagnostic.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gwlint::diagnostic::{Applicability, Diagnostic, Fix, Severity, Span};
use gwlint::engine::{check_source, FileResult, Options};
use gwlint::parse::parse;
use gwlint::report::{concise, github, json, junit, sarif};
use gwlint::rules::RuleSet;
use gwlint::source::{LineIndex, SourceFile};
use quick_xml::events::Event;
use regex::Regex;
use serde_json::Value;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().unwrap())
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The five seeds, checked with the default options, under paths relative to the checkout.
fn seeds() -> Vec<FileResult> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 5, "five seeds");
    paths
        .iter()
        .map(|path| {
            let mut source = SourceFile::read(path).unwrap();
            source.path = Path::new("seeds").join(path.file_name().unwrap());
            check_source(rules(), &Options::default(), source).unwrap()
        })
        .collect()
}

fn check_text(path: &str, text: &str) -> FileResult {
    let source = SourceFile::from_bytes(Path::new(path), text.as_bytes()).unwrap();
    check_source(rules(), &Options::default(), source).unwrap()
}

/// A small document with a handful of findings, some fixable, under a Chinese file name.
const SMALL: &str = "关于做好春季防火工作的通知\n\n各单位:\n\n今天,天气很好，请做好防火工作（见附件。\n\n一、总体要求\n\n三、工作措施\n\n加强巡查。\n";

fn small() -> FileResult {
    check_text("通知/春季 防火.txt", SMALL)
}

/// A diagnostic built by hand: its message holds `%`, `:`, `,`, a newline and XML specials.
fn hand_made() -> FileResult {
    let text = "第一行。\n甲乙,丙丁：增长10%。\n";
    let comma = text.find(',').unwrap();
    let source = SourceFile::from_bytes(Path::new("docs/a,b:c.txt"), text.as_bytes()).unwrap();
    let diagnostics = vec![
        Diagnostic {
            rule: "punct/halfwidth",
            severity: Severity::Error,
            span: Span::new(comma, comma + 1),
            message: "增长 10%: 甲,乙\n第二行 <a & \"b\"> 'c'\r\u{1}".into(),
            help: Some("改为“，”: 100%".into()),
            fix: Some(Fix::replace(
                Applicability::Safe,
                Span::new(comma, comma + 1),
                "，".to_string(),
            )),
        },
        Diagnostic {
            rule: "number/spacing",
            severity: Severity::Warning,
            span: Span::new(0, "第一行".len()),
            message: "警告".into(),
            help: None,
            fix: None,
        },
        Diagnostic {
            rule: "style/sentence-length",
            severity: Severity::Info,
            span: Span::new(text.len(), text.len()),
            message: "提示".into(),
            help: None,
            fix: None,
        },
    ];
    FileResult {
        source,
        document: parse(text.to_string()),
        diagnostics,
    }
}

fn clean() -> FileResult {
    let result = check_text(
        "clean.txt",
        "关于春季防火的通知\n\n各单位：\n\n请做好防火工作。\n",
    );
    assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics);
    result
}

/// Every set of files the format tests run on.
fn cases() -> Vec<(&'static str, Vec<FileResult>)> {
    vec![
        ("seeds", seeds()),
        ("small", vec![small()]),
        ("hand-made", vec![hand_made()]),
        ("clean", vec![clean()]),
        ("no files", Vec::new()),
        ("mixed", vec![small(), clean(), hand_made()]),
    ]
}

fn count(files: &[FileResult]) -> usize {
    files.iter().map(|f| f.diagnostics.len()).sum()
}

#[test]
fn the_inputs_have_findings() {
    let seeds = seeds();
    assert!(count(&seeds) > 20, "seeds: {}", count(&seeds));
    assert!(seeds
        .iter()
        .flat_map(|f| &f.diagnostics)
        .any(|d| d.fix.is_some()));
    let small = small();
    let rules: BTreeSet<&str> = small.diagnostics.iter().map(|d| d.rule).collect();
    assert!(rules.contains("punct/halfwidth"), "{rules:?}");
    assert!(rules.len() >= 3, "{rules:?}");
}

// ---------------------------------------------------------------------------------------- SARIF

fn sarif_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let mut schema: Value = serde_json::from_str(
            &std::fs::read_to_string(root().join("tests/schemas/sarif-schema-2.1.0.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        // The official schema's two `language` patterns have a stray `]`, which ECMAScript
        // regexes read as a literal but Rust's (and so jsonschema's meta-schema check of the
        // `regex` format) reject. Escaping it keeps the ECMAScript meaning; gwlint never
        // writes `language`. See tests/schemas/README.md.
        for owner in ["run", "toolComponent"] {
            let language = schema
                .pointer_mut(&format!("/definitions/{owner}/properties/language/pattern"))
                .unwrap();
            assert_eq!(*language, "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$");
            *language = Value::from(r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\]?$");
        }
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the SARIF schema compiles")
    })
}

fn validate_sarif(name: &str, output: &str) -> Value {
    let log: Value = serde_json::from_str(output).unwrap_or_else(|e| panic!("{name}: {e}"));
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{name}: SARIF invalid:\n{}",
        errors.join("\n")
    );
    log
}

#[test]
fn the_schema_rejects_what_it_should() {
    // The validator is not vacuous: a wrong version, a bad level and a zero line all fail.
    let output = sarif::render(&[small()], rules());
    let good: Value = serde_json::from_str(&output).unwrap();
    assert!(sarif_validator().is_valid(&good));
    for (pointer, bad) in [
        ("/version", Value::from("2.0.0")),
        ("/runs/0/results/0/level", Value::from("fatal")),
        (
            "/runs/0/results/0/locations/0/physicalLocation/region/startLine",
            Value::from(0),
        ),
        ("/runs/0/columnKind", Value::from("bytes")),
        // Formats are checked too: a URI reference may not hold a space or a raw CJK character.
        (
            "/runs/0/artifacts/0/location/uri",
            Value::from("通知/春季 防火.txt"),
        ),
    ] {
        let mut log = good.clone();
        *log.pointer_mut(pointer).unwrap() = bad;
        assert!(!sarif_validator().is_valid(&log), "{pointer} accepted");
    }
}

#[test]
fn sarif_validates_against_the_schema() {
    for (name, files) in cases() {
        validate_sarif(name, &sarif::render(&files, rules()));
    }
}

/// Byte offset of a 1-based line and character column.
fn offset_of(text: &str, index: &LineIndex, line: u64, column: u64) -> usize {
    let start = index.line_start(line as usize);
    start
        + text[start..]
            .chars()
            .take(column as usize - 1)
            .map(char::len_utf8)
            .sum::<usize>()
}

#[test]
fn sarif_agrees_with_the_json_report() {
    for (name, files) in cases() {
        let log = validate_sarif(name, &sarif::render(&files, rules()));
        let report: Value = serde_json::from_str(&json::render(&files)).unwrap();
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(
            log["$schema"],
            "https://json.schemastore.org/sarif-2.1.0.json"
        );
        let runs = log["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1, "{name}: one run");
        let run = &runs[0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "gwlint");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));

        // Rule metadata: exactly the rules that have results, each described.
        let descriptors = driver["rules"].as_array().unwrap();
        let described: Vec<&str> = descriptors
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        let reported: BTreeSet<&str> = files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .map(|d| d.rule)
            .collect();
        assert_eq!(
            described.iter().copied().collect::<BTreeSet<_>>(),
            reported,
            "{name}"
        );
        assert_eq!(described.len(), reported.len(), "{name}: no duplicates");
        for descriptor in descriptors {
            let id = descriptor["id"].as_str().unwrap();
            let meta = &rules().get(id).unwrap().meta;
            assert_ne!(descriptor["name"], descriptor["id"]);
            let short = descriptor["shortDescription"]["text"].as_str().unwrap();
            assert!(!short.is_empty() && !short.contains('\n'), "{id}: {short}");
            // The explanation, its hard line breaks unwrapped.
            let full = descriptor["fullDescription"]["text"].as_str().unwrap();
            let squeeze = |s: &str| s.split_whitespace().collect::<String>();
            assert_eq!(squeeze(full), squeeze(&meta.explain), "{id}");
            assert!(full.starts_with(short), "{id}");
            let help = descriptor["help"]["text"].as_str().unwrap();
            assert!(help.ends_with(full), "{id}");
            assert!(!descriptor["help"]["markdown"].as_str().unwrap().is_empty());
            let level = match meta.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "note",
            };
            assert_eq!(descriptor["defaultConfiguration"]["level"], level, "{id}");
            assert_eq!(descriptor["properties"]["kind"], meta.kind, "{id}");
        }

        // Results: one per diagnostic, in order, at the JSON report's positions.
        let results = run["results"].as_array().unwrap();
        let artifacts = run["artifacts"].as_array().unwrap();
        assert_eq!(artifacts.len(), files.len());
        assert_eq!(results.len(), count(&files), "{name}");
        let mut results = results.iter();
        for (i, (file, json_file)) in files
            .iter()
            .zip(report["files"].as_array().unwrap())
            .enumerate()
        {
            let text = &file.document.text;
            let index = LineIndex::new(text);
            let mut fingerprints = BTreeSet::new();
            for (d, j) in file
                .diagnostics
                .iter()
                .zip(json_file["diagnostics"].as_array().unwrap())
            {
                let r = results.next().unwrap();
                assert_eq!(r["ruleId"], d.rule);
                let rule_index = r["ruleIndex"].as_u64().unwrap() as usize;
                assert_eq!(descriptors[rule_index]["id"], d.rule);
                assert!(r["message"]["text"]
                    .as_str()
                    .unwrap()
                    .starts_with(&*d.message));
                let location = &r["locations"][0]["physicalLocation"];
                assert_eq!(location["artifactLocation"]["index"], i);
                assert_eq!(
                    location["artifactLocation"]["uri"],
                    artifacts[i]["location"]["uri"]
                );
                let region = &location["region"];
                assert_eq!(region["startLine"], j["line"]);
                assert_eq!(region["startColumn"], j["column"]);
                assert_eq!(region["endLine"], j["end_line"]);
                assert_eq!(region["endColumn"], j["end_column"]);
                assert_eq!(region["byteOffset"], j["byte_start"]);
                assert_eq!(region["snippet"]["text"], j["text"]);
                let fingerprint = r["partialFingerprints"]["gwlint/v1"].as_str().unwrap();
                assert!(
                    fingerprints.insert(fingerprint.to_string()),
                    "{fingerprint}"
                );

                // A SARIF fix, applied by its line/column regions, is the diagnostic's fix.
                match &d.fix {
                    None => assert!(r.get("fixes").is_none()),
                    Some(fix) => {
                        let replacements = r["fixes"][0]["artifactChanges"][0]["replacements"]
                            .as_array()
                            .unwrap();
                        assert_eq!(replacements.len(), fix.edits.len());
                        for (replacement, edit) in replacements.iter().zip(&fix.edits) {
                            let region = &replacement["deletedRegion"];
                            let n = |key: &str| region[key].as_u64().unwrap();
                            let start = offset_of(text, &index, n("startLine"), n("startColumn"));
                            let end = offset_of(text, &index, n("endLine"), n("endColumn"));
                            assert_eq!(Span::new(start, end), edit.span);
                            assert_eq!(n("byteOffset") as usize, edit.span.start);
                            assert_eq!(n("byteLength") as usize, edit.span.len());
                            assert_eq!(replacement["insertedContent"]["text"], *edit.replacement);
                        }
                    }
                }
            }
        }
        assert!(results.next().is_none());
    }
}

#[test]
fn sarif_uris_and_fingerprints() {
    let log: Value = serde_json::from_str(&sarif::render(&[small()], rules())).unwrap();
    let run = &log["runs"][0];
    assert_eq!(
        run["artifacts"][0]["location"]["uri"],
        "%E9%80%9A%E7%9F%A5/%E6%98%A5%E5%AD%A3%20%E9%98%B2%E7%81%AB.txt"
    );
    assert_eq!(run["artifacts"][0]["encoding"], "utf-8");

    // The fingerprint keys the flagged text and its context, not the line: text added above
    // moves every finding down a line and changes no fingerprint.
    let text = "甲乙,丙丁。\n";
    let moved = format!("新的一段。\n\n{text}");
    let file = |path: &str, text: &str| {
        let comma = text.find(',').unwrap();
        FileResult {
            source: SourceFile::from_bytes(Path::new(path), text.as_bytes()).unwrap(),
            document: parse(text.to_string()),
            diagnostics: vec![Diagnostic {
                rule: "punct/halfwidth",
                severity: Severity::Error,
                span: Span::new(comma, comma + 1),
                message: "半角逗号".into(),
                help: None,
                fix: None,
            }],
        }
    };
    let before: Value =
        serde_json::from_str(&sarif::render(&[file("a.txt", text)], rules())).unwrap();
    let after: Value =
        serde_json::from_str(&sarif::render(&[file("a.txt", &moved)], rules())).unwrap();
    let result = |log: &Value| log["runs"][0]["results"][0].clone();
    assert_eq!(
        result(&before)["partialFingerprints"],
        result(&after)["partialFingerprints"]
    );
    assert_ne!(
        result(&before)["locations"][0]["physicalLocation"]["region"]["startLine"],
        result(&after)["locations"][0]["physicalLocation"]["region"]["startLine"]
    );
    // Deterministic: the same input renders the same bytes.
    assert_eq!(
        sarif::render(&seeds(), rules()),
        sarif::render(&seeds(), rules())
    );
}

#[test]
fn sarif_byte_offsets_and_fixes_only_where_they_apply_to_the_file() {
    use gwlint::source::Encoding;
    let first_comma = |encoding: Encoding| {
        let mut file = small();
        file.source.encoding = encoding;
        let log = validate_sarif("encoding", &sarif::render(&[file], rules()));
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == "punct/halfwidth")
            .unwrap()
            .clone()
    };
    let region = |r: &Value| r["locations"][0]["physicalLocation"]["region"].clone();
    let utf8 = first_comma(Encoding::Utf8);
    assert!(utf8.get("fixes").is_some());
    // A BOM shifts the file's bytes by three.
    let bom = first_comma(Encoding::Utf8Bom);
    assert_eq!(
        region(&bom)["byteOffset"].as_u64().unwrap(),
        region(&utf8)["byteOffset"].as_u64().unwrap() + 3
    );
    // GB18030 bytes are not the decoded text's: lines and columns only; the fix still applies.
    let gb = first_comma(Encoding::Gb18030);
    assert!(region(&gb).get("byteOffset").is_none());
    assert_eq!(region(&gb)["startColumn"], region(&utf8)["startColumn"]);
    assert!(gb.get("fixes").is_some());
    assert!(
        gb["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]
            .get("byteOffset")
            .is_none()
    );
    // Text extracted from a .docx cannot be fixed in place.
    let docx = first_comma(Encoding::Docx);
    assert!(docx.get("fixes").is_none());
    assert!(region(&docx).get("byteOffset").is_none());
}

// --------------------------------------------------------------------------------------- GitHub

/// The Actions runner's unescaping of a message.
fn unescape_data(text: &str) -> String {
    text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

fn unescape_property(text: &str) -> String {
    unescape_data(&text.replace("%3A", ":").replace("%2C", ","))
}

#[test]
fn github_lines_follow_the_workflow_command_grammar() {
    let grammar = Regex::new(
        r"^::(error|warning|notice) file=([^,:\r\n]+),line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),title=([^,:\r\n]+)::([^\r\n]*)$",
    )
    .unwrap();
    // After `%`, only the escapes the runner knows.
    let stray_percent = Regex::new(r"%(?:[^023]|0[^AD]|2[^5C]|3[^A]|$)").unwrap();
    for (name, files) in cases() {
        let output = github::render(&files, rules());
        assert!(output.is_empty() || output.ends_with('\n'));
        let lines: Vec<&str> = output.lines().collect();
        assert_eq!(lines.len(), count(&files), "{name}");
        let json: Value = serde_json::from_str(&json::render(&files)).unwrap();
        let expected = files
            .iter()
            .zip(json["files"].as_array().unwrap())
            .flat_map(|(f, j)| {
                f.diagnostics
                    .iter()
                    .zip(j["diagnostics"].as_array().unwrap())
                    .map(move |(d, j)| (f, d, j))
            });
        for (line, (file, d, j)) in lines.iter().zip(expected) {
            let caps = grammar
                .captures(line)
                .unwrap_or_else(|| panic!("{name}: not a workflow command: {line}"));
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            assert_eq!(&caps[1], command);
            assert_eq!(
                unescape_property(&caps[2]),
                file.source.path.to_string_lossy()
            );
            assert_eq!(caps[3].parse::<u64>().unwrap(), j["line"].as_u64().unwrap());
            assert_eq!(
                caps[4].parse::<u64>().unwrap(),
                j["column"].as_u64().unwrap()
            );
            assert_eq!(
                caps[5].parse::<u64>().unwrap(),
                j["end_line"].as_u64().unwrap()
            );
            assert_eq!(
                caps[6].parse::<u64>().unwrap(),
                j["end_column"].as_u64().unwrap()
            );
            assert_eq!(unescape_property(&caps[7]), d.rule);
            let message = unescape_data(&caps[8]);
            // Control characters from the documents are shown as symbols, never raw (CR and LF
            // travel escaped).
            let shown = |text: String| -> String {
                text.chars()
                    .map(|c| match c {
                        '\r' => c.to_string(),
                        _ => gwlint::report::visible(&c.to_string()).into_owned(),
                    })
                    .collect()
            };
            match &d.help {
                Some(help) => assert_eq!(message, shown(format!("{}\n{help}", d.message))),
                None => assert_eq!(message, shown(d.message.to_string())),
            }
            for escaped in [&caps[2], &caps[7], &caps[8]] {
                assert!(!stray_percent.is_match(escaped), "{name}: {escaped}");
            }
        }
    }
}

#[test]
fn github_escapes_percent_colon_comma_and_newlines() {
    let output = github::render(&[hand_made()], rules());
    let first = output.lines().next().unwrap();
    assert_eq!(
        first,
        "::error file=docs/a%2Cb%3Ac.txt,line=2,col=3,endLine=2,endColumn=4,title=punct/halfwidth\
         ::增长 10%25: 甲,乙%0A第二行 <a & \"b\"> 'c'%0D␁%0A改为“，”: 100%25"
    );
    let kinds: Vec<&str> = output
        .lines()
        .map(|l| l.split_once(' ').unwrap().0)
        .collect();
    assert_eq!(kinds, ["::error", "::warning", "::notice"]);
}

// ---------------------------------------------------------------------------------------- JUnit

#[derive(Debug, Default)]
struct Suite {
    name: String,
    tests: usize,
    failures: usize,
    cases: Vec<Case>,
}

#[derive(Debug, Default)]
struct Case {
    name: String,
    classname: String,
    failure: Option<(String, String, String)>,
}

fn attr(e: &quick_xml::events::BytesStart, key: &str) -> String {
    e.attributes()
        .map(|a| a.unwrap())
        .find(|a| a.key.as_ref() == key.as_bytes())
        .unwrap_or_else(|| panic!("missing attribute {key}"))
        .unescape_value()
        .unwrap()
        .into_owned()
}

/// Parses the JUnit report (any XML error fails the test) into its suites.
fn parse_junit(xml: &str) -> (usize, usize, Vec<Suite>) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut suites: Vec<Suite> = Vec::new();
    let mut totals = (0, 0);
    let mut in_failure = false;
    let mut depth = 0usize;
    loop {
        match reader.read_event().unwrap() {
            Event::Decl(decl) => {
                assert_eq!(decl.version().unwrap().as_ref(), b"1.0");
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"testsuites" => {
                totals = (
                    attr(&e, "tests").parse().unwrap(),
                    attr(&e, "failures").parse().unwrap(),
                );
                depth += 1;
            }
            Event::Start(e) if e.name().as_ref() == b"testsuite" => {
                suites.push(Suite {
                    name: attr(&e, "name"),
                    tests: attr(&e, "tests").parse().unwrap(),
                    failures: attr(&e, "failures").parse().unwrap(),
                    cases: Vec::new(),
                });
                depth += 1;
            }
            Event::Start(e) if e.name().as_ref() == b"testcase" => {
                suites.last_mut().unwrap().cases.push(Case {
                    name: attr(&e, "name"),
                    classname: attr(&e, "classname"),
                    failure: None,
                });
                depth += 1;
            }
            Event::Empty(e) if e.name().as_ref() == b"testcase" => {
                suites.last_mut().unwrap().cases.push(Case {
                    name: attr(&e, "name"),
                    classname: attr(&e, "classname"),
                    failure: None,
                });
            }
            Event::Start(e) if e.name().as_ref() == b"failure" => {
                let case = suites.last_mut().unwrap().cases.last_mut().unwrap();
                case.failure = Some((attr(&e, "message"), attr(&e, "type"), String::new()));
                in_failure = true;
                depth += 1;
            }
            Event::Text(t) if in_failure => {
                let case = suites.last_mut().unwrap().cases.last_mut().unwrap();
                case.failure.as_mut().unwrap().2 += &t.unescape().unwrap();
            }
            Event::Text(t) => {
                assert!(t.unescape().unwrap().trim().is_empty(), "stray text {t:?}");
            }
            Event::End(e) => {
                if e.name().as_ref() == b"failure" {
                    in_failure = false;
                }
                depth -= 1;
            }
            Event::Eof => break,
            other => panic!("unexpected XML event {other:?}"),
        }
    }
    assert_eq!(depth, 0, "every element closed");
    (totals.0, totals.1, suites)
}

/// XML 1.0 forbids these characters anywhere, even as references.
fn xml_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

#[test]
fn junit_parses_as_xml_with_the_right_counts() {
    for (name, files) in cases() {
        let xml = junit::render(&files, rules());
        assert!(!xml.chars().any(xml_forbidden), "{name}");
        assert!(!xml.contains("&#1;"), "{name}");
        let (tests, failures, suites) = parse_junit(&xml);
        assert_eq!(suites.len(), files.len(), "{name}: one suite per file");
        assert_eq!(failures, count(&files), "{name}");
        assert_eq!(
            tests,
            files
                .iter()
                .map(|f| f.diagnostics.len().max(1))
                .sum::<usize>()
        );
        for (suite, file) in suites.iter().zip(&files) {
            let path = file.source.path.to_string_lossy();
            assert_eq!(suite.name, path);
            assert_eq!(suite.failures, file.diagnostics.len());
            assert_eq!(suite.tests, suite.cases.len());
            if file.diagnostics.is_empty() {
                assert_eq!(suite.cases.len(), 1);
                assert!(
                    suite.cases[0].failure.is_none(),
                    "{name}: clean file passes"
                );
                continue;
            }
            let index = LineIndex::new(&file.document.text);
            for (case, d) in suite.cases.iter().zip(&file.diagnostics) {
                let at = index.line_col(&file.document.text, d.span.start);
                assert_eq!(case.name, format!("{} {}:{}", d.rule, at.line, at.column));
                assert_eq!(case.classname, path);
                let (message, kind, body) = case.failure.as_ref().unwrap();
                assert_eq!(kind, d.rule);
                let printable: String = d
                    .message
                    .chars()
                    .map(|c| if xml_forbidden(c) { '\u{fffd}' } else { c })
                    .collect();
                assert_eq!(message, &printable);
                assert!(body.contains(&printable), "{body}");
                if let Some(help) = &d.help {
                    assert!(body.contains(&**help), "{body}");
                }
            }
        }
    }
}

// -------------------------------------------------------------------------------------- concise

#[test]
fn concise_lines_are_path_line_col_rule_message() {
    let grammar = Regex::new(r"^[^:]+:\d+:\d+: [a-z-]+/[a-z-]+ .+$").unwrap();
    for (name, files) in cases() {
        let output = concise::render(&files, rules());
        assert!(output.is_empty() || output.ends_with('\n'));
        let lines: Vec<&str> = output.lines().collect();
        assert_eq!(lines.len(), count(&files), "{name}");
        let json: Value = serde_json::from_str(&json::render(&files)).unwrap();
        let expected: Vec<String> = files
            .iter()
            .zip(json["files"].as_array().unwrap())
            .flat_map(|(f, j)| {
                f.diagnostics
                    .iter()
                    .zip(j["diagnostics"].as_array().unwrap())
                    .map(move |(d, j)| {
                        format!(
                            "{}:{}:{}: {} ",
                            f.source.path.display(),
                            j["line"],
                            j["column"],
                            d.rule
                        )
                    })
            })
            .collect();
        for (line, prefix) in lines.iter().zip(&expected) {
            if name != "hand-made" && name != "mixed" {
                // The hand-made path holds a colon, which this grep-style pattern forbids.
                assert!(grammar.is_match(line), "{name}: {line}");
            }
            assert!(
                line.starts_with(prefix.as_str()),
                "{name}: {line} vs {prefix}"
            );
        }
    }
    // A message with line breaks stays on one line.
    let output = concise::render(&[hand_made()], rules());
    assert_eq!(output.lines().count(), 3);
    assert!(output.starts_with("docs/a,b:c.txt:2:3: punct/halfwidth 增长 10%: 甲,乙 第二行"));
}

#[test]
fn concise_reports_the_halfwidth_comma() {
    let output = concise::render(&[check_text("-", "今天,天气很好\n")], rules());
    assert!(
        output
            .lines()
            .any(|l| l.starts_with("-:1:3: punct/halfwidth ")),
        "{output}"
    );
}
