//! `gwlint report --html`: the page is self-contained, escapes everything it shows, has one
//! highlight for every finding (on the right line) and one side-panel entry per finding, handles
//! overlapping, zero-length and line-break spans, and stays small and fast on a 1 MB document.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gwlint::diagnostic::{Applicability, Diagnostic, Fix, Severity, Span};
use gwlint::engine::{check_source, FileResult, Options};
use gwlint::parse::parse;
use gwlint::report::{html, json};
use gwlint::rules::RuleSet;
use gwlint::source::{LineIndex, SourceFile};
use regex::Regex;
use serde_json::Value;

const HOSTILE: &str = "关于测试的通知\n\n这是正文,其中有<script>alert(1)</script>一段。\n";

fn rules() -> RuleSet {
    RuleSet::builtin().unwrap()
}

fn checked(path: &str, text: &str, rules: &RuleSet) -> FileResult {
    let source = SourceFile::from_bytes(Path::new(path), text.as_bytes()).unwrap();
    check_source(rules, &Options::default(), source).unwrap()
}

fn seeds(rules: &RuleSet) -> Vec<FileResult> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 5);
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let name = format!("seeds/{}", p.file_name().unwrap().to_str().unwrap());
            checked(&name, &text, rules)
        })
        .collect()
}

/// A file with hand-made diagnostics (no rules run).
fn synthetic(path: &str, text: &str, diagnostics: Vec<Diagnostic>) -> FileResult {
    FileResult {
        source: SourceFile::from_bytes(Path::new(path), text.as_bytes()).unwrap(),
        document: parse(text.to_string()),
        diagnostics,
    }
}

fn diag(rule: &'static str, severity: Severity, start: usize, end: usize) -> Diagnostic {
    Diagnostic {
        rule,
        severity,
        span: Span::new(start, end),
        message: format!("{rule} 在 {start}..{end}").into(),
        help: None,
        fix: None,
    }
}

/// The page without the contents of its `<style>` and `<script>` elements.
fn markup(page: &str) -> String {
    let re = Regex::new(r"(?s)(<style>|<script[^>]*>).*?(</style>|</script>)").unwrap();
    re.replace_all(page, "$1$2").into_owned()
}

fn element_count(page: &str) -> usize {
    Regex::new(r"<[a-zA-Z]")
        .unwrap()
        .find_iter(&markup(page))
        .count()
}

/// `data-f` id sets of every highlight element.
fn hits(page: &str) -> Vec<Vec<usize>> {
    Regex::new(r#"<mark class="gw-hit[^"]*" data-f="([0-9 ]+)""#)
        .unwrap()
        .captures_iter(page)
        .map(|c| c[1].split(' ').map(|n| n.parse().unwrap()).collect())
        .collect()
}

/// `data-f` of every side-panel entry, in order.
fn panel_entries(page: &str) -> Vec<usize> {
    Regex::new(r##"<a class="gw-item [^"]*" href="#gw-h-(\d+)" data-f="(\d+)""##)
        .unwrap()
        .captures_iter(page)
        .map(|c| {
            assert_eq!(c[1], c[2]);
            c[2].parse().unwrap()
        })
        .collect()
}

fn blob(page: &str) -> Value {
    let re =
        Regex::new(r#"(?s)<script type="application/json" id="gw-data">(.*?)</script>"#).unwrap();
    let json = &re.captures(page).expect("data blob")[1];
    serde_json::from_str(json).expect("data blob is JSON")
}

/// Per document line (`data-n`), the ids of the highlights on it, per file section.
fn hits_by_line(page: &str) -> Vec<BTreeMap<usize, BTreeSet<usize>>> {
    let line = Regex::new(r#"^<div class="gw-l" data-n="(\d+)">"#).unwrap();
    let mut files = Vec::new();
    for row in page.lines() {
        if row.starts_with("<div class=\"gw-doc\"") {
            files.push(BTreeMap::new());
        }
        if let Some(c) = line.captures(row) {
            let n: usize = c[1].parse().unwrap();
            let ids: BTreeSet<usize> = hits(row).into_iter().flatten().collect();
            files.last_mut().unwrap().insert(n, ids);
        }
    }
    files
}

fn assert_self_contained(page: &str) {
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<meta charset=\"utf-8\">"));
    assert!(page.contains("<html lang=\"zh-CN\">"));
    let network = Regex::new(r#"(?i)(src|href|action|srcset)\s*=\s*["']?\s*(https?:)?//"#).unwrap();
    assert!(
        !network.is_match(page),
        "the page loads something: {:?}",
        network.find(page)
    );
    // Escaped text has no `<`, so these are the page's own tags: no src, only local links.
    let href = Regex::new(r#"href="([^"]*)""#).unwrap();
    let src = Regex::new(r"(?i)\ssrc\s*=").unwrap();
    for tag in Regex::new(r"<[a-zA-Z][^>]*>")
        .unwrap()
        .find_iter(&markup(page))
    {
        let tag = tag.as_str();
        assert!(!src.is_match(tag), "{tag}");
        for link in href.captures_iter(tag) {
            assert!(link[1].starts_with('#'), "non-local link in {tag}");
        }
    }
    assert!(!page.contains("@import") && !Regex::new(r"url\(").unwrap().is_match(page));
    // Exactly the page's own two scripts.
    assert_eq!(page.matches("<script").count(), 2);
}

#[test]
fn seeds_and_a_hostile_file() {
    let rules = rules();
    let mut files = vec![checked("hostile.txt", HOSTILE, &rules)];
    files.extend(seeds(&rules));
    let page = html::render(&files, &rules);
    assert_self_contained(&page);

    // The document's <script> is text.
    assert!(!page.contains("<script>alert(1)"));
    assert!(page.contains("其中有&lt;script&gt;alert(1)&lt;/script&gt;一段。"));

    let total: usize = files.iter().map(|f| f.diagnostics.len()).sum();
    assert!(total > 1000, "{total}");

    // One panel entry per finding, in id order; every id on at least one highlight.
    assert_eq!(panel_entries(&page), (0..total).collect::<Vec<_>>());
    let highlighted: BTreeSet<usize> = hits(&page).into_iter().flatten().collect();
    assert_eq!(highlighted, (0..total).collect::<BTreeSet<_>>());
    for id in 0..total {
        assert_eq!(
            page.matches(&format!("id=\"gw-h-{id}\"")).count(),
            1,
            "anchor of {id}"
        );
    }

    // Each finding the script reads is the JSON report's diagnostic, with its file's index and
    // the text each edit of its fix replaces.
    let data = blob(&page);
    let report: Value = serde_json::from_str(&json::format(Some(&rules)).render(&files)).unwrap();
    let expected: Vec<&Value> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().unwrap())
        .collect();
    let findings = data["findings"].as_array().unwrap();
    assert_eq!(findings.len(), expected.len());
    let mut fixes = 0;
    for (ours, theirs) in findings.iter().zip(&expected) {
        let mut ours = ours.as_object().unwrap().clone();
        assert!(ours.remove("file").is_some_and(|f| f.is_u64()));
        let originals = ours.remove("originals");
        let edits = theirs["fix"]["edits"].as_array();
        assert_eq!(
            originals.as_ref().and_then(Value::as_array).map(Vec::len),
            edits.map(Vec::len).filter(|&n| n > 0),
            "{theirs}"
        );
        fixes += usize::from(originals.is_some());
        assert_eq!(&Value::Object(ours), *theirs);
    }
    assert!(fixes > 0, "some findings have fixes");
    // Every rule that fired has its explanation.
    for f in findings {
        let rule = f["rule"].as_str().unwrap();
        let explain = data["rules"][rule]["explain"].as_str().unwrap_or("");
        assert!(!explain.is_empty(), "no explanation for {rule}");
    }

    // Each finding's highlight starts on the line the JSON report gives.
    let lines = hits_by_line(&page);
    assert_eq!(lines.len(), files.len());
    let mut id = 0;
    for (file, on_lines) in files.iter().zip(&lines) {
        let index = LineIndex::new(&file.document.text);
        for d in &file.diagnostics {
            let line = index.line_col(&file.document.text, d.span.start).line;
            assert!(
                on_lines.get(&line).is_some_and(|ids| ids.contains(&id)),
                "finding {id} ({}) not highlighted on line {line} of {}",
                d.rule,
                file.source.path.display()
            );
            id += 1;
        }
    }

    // Summary, file index, per-rule counts; data/growth is there.
    assert!(page.contains("gwlint 审核报告"));
    assert!(page.contains("文件索引"));
    for i in 0..files.len() {
        assert!(page.contains(&format!("href=\"#gw-file-{i}\"")));
        assert!(page.contains(&format!("id=\"gw-file-{i}\"")));
    }
    assert!(page.contains("data-rule-filter=\"data/growth\""));
    assert!(page.contains("<option value=\"data/growth\">data/growth（1）</option>"));
    for severity in ["error", "warning", "info"] {
        assert!(page.contains(&format!("class=\"gw-sev\" value=\"{severity}\" checked")));
    }
}

#[test]
fn rendered_text_is_the_document() {
    let rules = rules();
    let files = seeds(&rules);
    let page = html::render(&files[4..], &rules);
    // Strip the markup of each line, unescape, and compare with the document's lines.
    let tag = Regex::new(r"<[^>]*>").unwrap();
    let shown: Vec<String> = page
        .lines()
        .filter(|l| l.starts_with("<div class=\"gw-l\""))
        .map(|l| {
            tag.replace_all(l, "")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&")
        })
        .collect();
    let text = &files[4].document.text;
    let expected: Vec<&str> = text.lines().collect();
    assert_eq!(shown, expected);
}

#[test]
fn overlapping_nested_zero_length_and_line_breaks() {
    // 甲乙丙丁 / 戊己 / (empty) / 庚
    let text = "甲乙丙丁\n戊己\r\n\r\n庚";
    let diagnostics = vec![
        diag("test/outer", Severity::Warning, 0, 12), // 甲乙丙丁
        diag("test/inner", Severity::Error, 3, 6),    // 乙, nested
        diag("test/cross", Severity::Info, 9, 16),    // 丁\n戊 across a line break
        diag("test/zero", Severity::Error, 16, 16),   // between 戊 and 己
        diag("test/breaks", Severity::Warning, 19, 23), // \r\n\r\n
    ];
    let n = diagnostics.len();
    let file = synthetic("t.txt", text, diagnostics);
    let page = html::render(std::slice::from_ref(&file), &rules());
    assert_self_contained(&page);

    let doc: Vec<&str> = page
        .lines()
        .filter(|l| l.starts_with("<div class=\"gw-l\""))
        .collect();
    assert_eq!(doc.len(), 4, "{doc:#?}");
    assert_eq!(
        doc[0],
        "<div class=\"gw-l\" data-n=\"1\">\
         <mark class=\"gw-hit gw-w\" data-f=\"0\" id=\"gw-h-0\">甲</mark>\
         <mark class=\"gw-hit gw-e gw-multi\" data-f=\"0 1\" id=\"gw-h-1\">乙</mark>\
         <mark class=\"gw-hit gw-w\" data-f=\"0\">丙</mark>\
         <mark class=\"gw-hit gw-w gw-multi\" data-f=\"0 2\" id=\"gw-h-2\">丁</mark>\
         <mark class=\"gw-hit gw-i gw-nl\" data-f=\"2\"></mark></div>"
    );
    assert_eq!(
        doc[1],
        "<div class=\"gw-l\" data-n=\"2\">\
         <mark class=\"gw-hit gw-i\" data-f=\"2\">戊</mark>\
         <mark class=\"gw-hit gw-e gw-zero\" data-f=\"3\" id=\"gw-h-3\"></mark>己\
         <mark class=\"gw-hit gw-w gw-nl\" data-f=\"4\" id=\"gw-h-4\"></mark></div>"
    );
    assert_eq!(
        doc[2],
        "<div class=\"gw-l\" data-n=\"3\"><mark class=\"gw-hit gw-w gw-nl\" data-f=\"4\"></mark></div>"
    );
    assert_eq!(doc[3], "<div class=\"gw-l\" data-n=\"4\">庚</div>");
    assert_eq!(panel_entries(&page), (0..n).collect::<Vec<_>>());

    // The blob's positions are gwlint's: 1-based lines, columns in characters.
    let data = blob(&page);
    let f = &data["findings"];
    assert_eq!(
        (f[2]["line"].as_u64(), f[2]["column"].as_u64()),
        (Some(1), Some(4))
    );
    assert_eq!(
        (f[2]["end_line"].as_u64(), f[2]["end_column"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        (f[3]["line"].as_u64(), f[3]["column"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        (f[4]["end_line"].as_u64(), f[4]["end_column"].as_u64()),
        (Some(4), Some(1))
    );
}

#[test]
fn whitespace_only_highlights_are_outlined() {
    let text = "第一段。\n\u{a0} \n第二段 。\n";
    let file = synthetic(
        "t.txt",
        text,
        vec![
            diag("artifact/blank-line", Severity::Info, 13, 16),
            diag("punct/space", Severity::Warning, 26, 27),
        ],
    );
    let page = html::render(std::slice::from_ref(&file), &rules());
    assert!(page
        .contains("<mark class=\"gw-hit gw-i gw-ws\" data-f=\"0\" id=\"gw-h-0\">\u{a0} </mark>"));
    assert!(page.contains("<mark class=\"gw-hit gw-w gw-ws\" data-f=\"1\" id=\"gw-h-1\"> </mark>"));
}

#[test]
fn same_start_findings_each_get_an_anchor() {
    let text = "一二三\n";
    let file = synthetic(
        "t.txt",
        text,
        vec![
            diag("test/a", Severity::Info, 0, 3),
            diag("test/b", Severity::Warning, 0, 6),
            diag("test/c", Severity::Error, 0, 0),
            diag("test/d", Severity::Error, 9, 10), // the final line break
        ],
    );
    let page = html::render(std::slice::from_ref(&file), &rules());
    for id in 0..4 {
        assert_eq!(
            page.matches(&format!("id=\"gw-h-{id}\"")).count(),
            1,
            "{id}"
        );
    }
    let highlighted: BTreeSet<usize> = hits(&page).into_iter().flatten().collect();
    assert_eq!(highlighted, (0..4).collect());
    // The empty line after the final line break is not drawn.
    assert_eq!(page.matches("<div class=\"gw-l\"").count(), 1);
}

#[test]
fn messages_rules_paths_and_fixes_are_escaped() {
    let text = "<img src=x onerror=alert(1)>正文“</script><!--”。\n";
    let mut d = diag("test/x", Severity::Error, 0, 28);
    d.message = "消息<b>粗</b>&amp;</script>".into();
    d.help = Some("帮助<i>斜</i>".into());
    d.fix = Some(Fix::replace(
        Applicability::Suggest,
        Span::new(0, 28),
        "</script><script>alert(2)</script>",
    ));
    let file = synthetic("<dir>/a&b\".txt", text, vec![d]);
    let page = html::render(std::slice::from_ref(&file), &rules());
    assert_self_contained(&page);
    let outside = markup(&page);
    for raw in ["<img", "<b>", "<i>", "<dir>", "<!--", "alert(2)</script>"] {
        assert!(!outside.contains(raw), "{raw} unescaped");
    }
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(page.contains("消息&lt;b&gt;粗&lt;/b&gt;&amp;amp;&lt;/script&gt;"));
    assert!(page.contains("&lt;dir&gt;/a&amp;b&quot;.txt"));
    // Inside the blob nothing can close the script element; the values survive intact.
    let data = blob(&page);
    let f = &data["findings"][0];
    assert_eq!(f["message"], "消息<b>粗</b>&amp;</script>");
    assert_eq!(f["help"], "帮助<i>斜</i>");
    assert_eq!(f["fix"]["applicability"], "suggest");
    assert_eq!(
        f["fix"]["edits"][0]["replacement"],
        "</script><script>alert(2)</script>"
    );
    assert_eq!(f["originals"][0], "<img src=x onerror=alert(1)>");
    assert_eq!(data["files"][0]["path"], "<dir>/a&b\".txt");
}

#[test]
fn a_clean_file_and_an_empty_file() {
    let rules = rules();
    let files = vec![
        synthetic("a.txt", "", vec![]),
        synthetic("b.txt", "通知\n\n正文。\n", vec![]),
    ];
    let page = html::render(&files, &rules);
    assert_self_contained(&page);
    assert!(page.contains("没有发现问题"));
    assert!(hits(&page).is_empty());
    assert!(panel_entries(&page).is_empty());
    assert_eq!(blob(&page)["findings"].as_array().unwrap().len(), 0);
    let single = html::render(&files[1..], &rules);
    assert!(!single.contains("文件索引"));
}

/// About 1 MB of seed text with a finding every ~60 bytes (some overlapping, some across line
/// breaks, some zero-length): the page is built quickly and has no per-character elements.
#[test]
fn a_one_megabyte_document() {
    let seed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/004_013173d67734eaa2.txt"),
    )
    .unwrap();
    let mut text = String::new();
    while text.len() < 1 << 20 {
        text.push_str(&seed);
        text.push('\n');
    }
    let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let mut diagnostics = Vec::new();
    let severities = [Severity::Error, Severity::Warning, Severity::Info];
    for (k, w) in boundaries.windows(25).step_by(20).enumerate() {
        let (start, end) = match k % 4 {
            0 => (w[0], w[3]),
            1 => (w[0], w[24]), // overlaps the next one
            2 => (w[5], w[5]),  // zero-length
            _ => (w[2], w[12]),
        };
        diagnostics.push(diag("test/big", severities[k % 3], start, end));
    }
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    let findings = diagnostics.len();
    let file = synthetic("big.txt", &text, diagnostics);
    let line_count = text.lines().count();
    let rules = rules();

    let started = Instant::now();
    let page = html::render(std::slice::from_ref(&file), &rules);
    let took = started.elapsed();
    // Generous for a debug build on a busy machine; a release build takes a few milliseconds.
    let bound = if cfg!(debug_assertions) {
        Duration::from_secs(3)
    } else {
        Duration::from_millis(500)
    };
    assert!(took < bound, "rendering 1 MB took {took:?}");
    eprintln!(
        "1 MB, {findings} findings, {line_count} lines: {took:?}, page {} bytes",
        page.len()
    );

    let elements = element_count(&page);
    assert!(
        elements < 3 * findings + line_count + 200,
        "{elements} elements for {findings} findings and {line_count} lines"
    );
    let highlighted: BTreeSet<usize> = hits(&page).into_iter().flatten().collect();
    assert_eq!(highlighted.len(), findings);
    assert_eq!(panel_entries(&page).len(), findings);
}
