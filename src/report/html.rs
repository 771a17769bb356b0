//! `gwlint report --html`: the reviewer's page. One self-contained file (CSS and JS inline,
//! nothing loaded from anywhere) showing each document's text with every finding highlighted
//! where it is, a summary, a file index, and a filterable side panel of findings.
//!
//! The page stays light for large documents: the text is cut only at span and line boundaries
//! (one text node per segment, one element per highlighted segment, one block per line), the
//! findings travel as one JSON blob that the script reads, and the script listens once on the
//! document (event delegation) rather than once per highlight.
//!
//! Ids: finding `n` (0-based, in file order, then the order of `FileResult::diagnostics`) is
//! `data-f` token `n` on every highlight that covers it, entry `n` of the JSON blob, and the
//! anchor `#gw-h-n` (on its first highlight). Everything from the documents, the rules and the
//! messages is escaped; the blob escapes `<`, `>` and `&` so no `</script>` can end it early.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::{json, FileReport};
use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::FileResult;
use crate::rules::RuleSet;
use crate::source::LineIndex;

const STYLE: &str = include_str!("html/style.css");
const SCRIPT: &str = include_str!("html/app.js");

/// The page shows a summary and an index before the documents, and reviewers open it one
/// document set at a time: it is the one format that holds its files until the end.
struct Html<'r> {
    rules: &'r RuleSet,
    files: Vec<FileResult>,
}

/// The page over `rules`; nothing is rendered per file.
pub fn format(rules: &RuleSet) -> super::Format<'_> {
    super::Format {
        render: None,
        emitter: Box::new(Html {
            rules,
            files: Vec::new(),
        }),
    }
}

impl super::Emitter for Html<'_> {
    fn file(
        &mut self,
        file: &super::FileReport,
        _rendered: &[u8],
        _out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        self.files.push(file.result.clone());
        Ok(())
    }

    fn end(&mut self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(render(&self.files, self.rules).as_bytes())
    }
}

pub fn render(files: &[FileResult], rules: &RuleSet) -> String {
    let size: usize = files.iter().map(|f| f.document.text.len()).sum();
    let count: usize = files.iter().map(|f| f.diagnostics.len()).sum();
    let mut out = String::with_capacity(size * 11 / 10 + count * 400 + 32 * 1024);

    let mut prepared = Vec::with_capacity(files.len());
    let mut base = 0;
    for file in files {
        prepared.push(Prepared::new(file, base));
        base += file.diagnostics.len();
    }

    head(&mut out, files);
    out.push_str("<body>\n<div id=\"gw-layout\">\n<main id=\"gw-main\">\n");
    summary(&mut out, files, &prepared, rules);
    for (index, (file, prep)) in files.iter().zip(&prepared).enumerate() {
        file_section(&mut out, index, file, prep, rules, files.len() > 1);
    }
    out.push_str("</main>\n");
    panel(&mut out, files, &prepared);
    out.push_str("</div>\n<div id=\"gw-pop\" class=\"gw-noprint\" hidden></div>\n");
    out.push_str("<script type=\"application/json\" id=\"gw-data\">");
    out.push_str(&blob(files, &prepared, rules));
    out.push_str("</script>\n<script id=\"gw-app\">\n");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

// ---------------------------------------------------------------------------------------------
// Lines, positions and spans

/// One line as gwlint counts them: content `start..end`, then its terminator `end..next`
/// (`\n`, `\r\n` or a lone `\r`; empty for the last line).
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
    next: usize,
}

/// The same lines as `crate::source::LineIndex`, with the terminators kept apart.
fn lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(Line {
                    start,
                    end: i,
                    next: i + 1,
                });
                start = i + 1;
            }
            b'\r' => {
                let next = if bytes.get(i + 1) == Some(&b'\n') {
                    i + 2
                } else {
                    i + 1
                };
                lines.push(Line {
                    start,
                    end: i,
                    next,
                });
                start = next;
                i = next - 1;
            }
            _ => {}
        }
        i += 1;
    }
    lines.push(Line {
        start,
        end: bytes.len(),
        next: bytes.len(),
    });
    lines
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A diagnostic's span, clamped into the text and onto character boundaries.
fn clamp(text: &str, d: &Diagnostic) -> (usize, usize) {
    let start = floor_boundary(text, d.span.start);
    let end = floor_boundary(text, d.span.end).max(start);
    (start, end)
}

/// What the page needs of one file beyond the `FileResult`.
struct Prepared {
    /// Id of the file's first finding.
    base: usize,
    lines: Vec<Line>,
    index: LineIndex,
    spans: Vec<(usize, usize)>,
}

impl Prepared {
    fn new(file: &FileResult, base: usize) -> Self {
        let text = &file.document.text;
        Prepared {
            base,
            lines: lines(text),
            index: LineIndex::new(text),
            spans: file.diagnostics.iter().map(|d| clamp(text, d)).collect(),
        }
    }

    fn report<'a>(&'a self, file: &'a FileResult) -> FileReport<'a> {
        FileReport {
            result: file,
            index: &self.index,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Escaping and labels

fn escape_into(out: &mut String, text: &str) {
    replace_into(out, text, |b| match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#39;"),
        _ => None,
    });
}

/// Copies `text` onto `out`, each ASCII byte that `replacement` names replaced.
fn replace_into(out: &mut String, text: &str, replacement: impl Fn(u8) -> Option<&'static str>) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        if let Some(replaced) = replacement(b) {
            out.push_str(&text[last..i]);
            out.push_str(replaced);
            last = i + 1;
        }
    }
    out.push_str(&text[last..]);
}

fn sev_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "gw-e",
        Severity::Warning => "gw-w",
        Severity::Info => "gw-i",
    }
}

fn doc_type_zh(name: &str) -> &'static str {
    match name {
        "report" => "报告",
        "workplan" => "工作要点／计划",
        "plan" => "规划／纲要",
        "notice" => "通知",
        "opinion" => "意见",
        "request" => "请示",
        _ => "其他",
    }
}

fn file_name(file: &FileResult) -> String {
    file.source.path.display().to_string()
}

#[derive(Default, Clone, Copy)]
struct Counts {
    error: usize,
    warning: usize,
    info: usize,
}

impl Counts {
    fn of<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Self {
        let mut counts = Counts::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => counts.error += 1,
                Severity::Warning => counts.warning += 1,
                Severity::Info => counts.info += 1,
            }
        }
        counts
    }

    fn chips(self, out: &mut String) {
        let _ = write!(
            out,
            "<span class=\"gw-chip gw-e\">错误 {}</span><span class=\"gw-chip gw-w\">警告 {}</span><span class=\"gw-chip gw-i\">提示 {}</span>",
            self.error, self.warning, self.info
        );
    }
}

/// Per rule: count and highest severity, most frequent first.
fn rule_counts<'a>(
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
) -> Vec<(&'static str, usize, Severity)> {
    let mut counts: BTreeMap<&'static str, (usize, Severity)> = BTreeMap::new();
    for d in diagnostics {
        let entry = counts.entry(d.rule).or_insert((0, d.severity));
        entry.0 += 1;
        entry.1 = entry.1.max(d.severity);
    }
    let mut rows: Vec<_> = counts.into_iter().map(|(r, (n, s))| (r, n, s)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    rows
}

// ---------------------------------------------------------------------------------------------
// Page parts

fn head(out: &mut String, files: &[FileResult]) {
    let title = match files {
        [one] => format!("gwlint 审核报告：{}", file_name(one)),
        _ => format!("gwlint 审核报告：{} 个文件", files.len()),
    };
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<meta name=\"generator\" content=\"gwlint {}\">",
        env!("CARGO_PKG_VERSION")
    );
    out.push_str("<title>");
    escape_into(out, &title);
    out.push_str("</title>\n<style>\n");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n");
}

fn summary(out: &mut String, files: &[FileResult], prepared: &[Prepared], rules: &RuleSet) {
    let all = || files.iter().flat_map(|f| &f.diagnostics);
    out.push_str("<header id=\"gw-top\" class=\"gw-summary\">\n<h1>gwlint 审核报告</h1>\n");
    out.push_str("<p class=\"gw-totals\">");
    let total = all().count();
    let _ = write!(out, "共 {} 个文件，{} 处问题：", files.len(), total);
    Counts::of(all()).chips(out);
    out.push_str("</p>\n");
    out.push_str(
        "<p class=\"gw-hint gw-noprint\">将鼠标移到高亮文字上查看问题，点击可固定说明；右侧列表可按级别和规则筛选，点击条目跳到原文位置。</p>\n",
    );

    if files.len() > 1 {
        out.push_str("<nav class=\"gw-index\" aria-label=\"文件索引\">\n<h2>文件索引</h2>\n<table>\n<thead><tr><th>文件</th><th>文种</th><th>日期</th><th>行数</th><th>错误</th><th>警告</th><th>提示</th></tr></thead>\n<tbody>\n");
        for (index, (file, prep)) in files.iter().zip(prepared).enumerate() {
            let counts = Counts::of(&file.diagnostics);
            let _ = write!(out, "<tr><td><a href=\"#gw-file-{index}\">");
            escape_into(out, &file_name(file));
            out.push_str("</a></td><td>");
            doc_type_cell(out, file);
            out.push_str("</td><td>");
            date_cell(out, file);
            let _ = writeln!(
                out,
                "</td><td class=\"gw-num\">{}</td><td class=\"gw-num\">{}</td><td class=\"gw-num\">{}</td><td class=\"gw-num\">{}</td></tr>",
                prep.lines.len(),
                counts.error,
                counts.warning,
                counts.info
            );
        }
        out.push_str("</tbody>\n</table>\n</nav>\n");
    } else if let Some(file) = files.first() {
        out.push_str("<dl class=\"gw-facts\">");
        facts(out, file, &prepared[0]);
        out.push_str("</dl>\n");
    }

    rule_table(out, all(), rules, "按规则统计");
    out.push_str("</header>\n");
}

fn doc_type_cell(out: &mut String, file: &FileResult) {
    match file.document.meta.doc_type {
        Some(t) => {
            let _ = write!(out, "{}（{}）", doc_type_zh(t.name()), t.name());
        }
        None => out.push_str("未识别"),
    }
}

fn date_cell(out: &mut String, file: &FileResult) {
    match file.document.meta.date {
        Some(date) => {
            let _ = write!(out, "{date}");
        }
        None => out.push_str("未识别"),
    }
}

fn facts(out: &mut String, file: &FileResult, prep: &Prepared) {
    out.push_str("<dt>文件</dt><dd>");
    escape_into(out, &file_name(file));
    out.push_str("</dd><dt>文种</dt><dd>");
    doc_type_cell(out, file);
    out.push_str("</dd><dt>日期</dt><dd>");
    date_cell(out, file);
    let _ = write!(
        out,
        "</dd><dt>编码</dt><dd>{}，{} 换行</dd><dt>行数</dt><dd>{}</dd>",
        file.source.encoding.as_str(),
        file.source.line_ending.as_str().to_uppercase(),
        prep.lines.len()
    );
}

fn rule_table<'a>(
    out: &mut String,
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
    rules: &RuleSet,
    caption: &str,
) {
    let rows = rule_counts(diagnostics);
    if rows.is_empty() {
        out.push_str("<p class=\"gw-clean\">没有发现问题。</p>\n");
        return;
    }
    out.push_str("<table class=\"gw-rules\">\n<caption>");
    escape_into(out, caption);
    out.push_str("</caption>\n<thead><tr><th>规则</th><th>类型</th><th>级别</th><th>数量</th></tr></thead>\n<tbody>\n");
    for (rule, count, severity) in rows {
        let kind = rules.get(rule).map_or("—", |r| r.meta.kind);
        out.push_str("<tr><td><a href=\"#gw-panel\" class=\"gw-rule-link\" data-rule-filter=\"");
        escape_into(out, rule);
        out.push_str("\" title=\"在问题列表中只看这条规则\">");
        escape_into(out, rule);
        out.push_str("</a></td><td>");
        escape_into(out, kind);
        let _ = writeln!(
            out,
            "</td><td><span class=\"gw-chip {}\">{}</span></td><td class=\"gw-num\">{count}</td></tr>",
            sev_class(severity),
            severity.label_zh()
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn file_section(
    out: &mut String,
    index: usize,
    file: &FileResult,
    prep: &Prepared,
    rules: &RuleSet,
    several: bool,
) {
    let _ = writeln!(out, "<section class=\"gw-file\" id=\"gw-file-{index}\">");
    out.push_str("<h2 class=\"gw-file-title\">");
    escape_into(out, &file_name(file));
    out.push_str("</h2>\n");
    if !file.diagnostics.is_empty() || prep.lines.len() > 1 {
        out.push_str("<p class=\"gw-totals\">");
        Counts::of(&file.diagnostics).chips(out);
        out.push_str("</p>\n");
    }
    // A single file already has its facts and rule table in the summary.
    if several {
        out.push_str("<details class=\"gw-file-facts\" open><summary>文件信息与按规则统计</summary>\n<dl class=\"gw-facts\">");
        facts(out, file, prep);
        out.push_str("</dl>\n");
        rule_table(out, &file.diagnostics, rules, "本文件按规则统计");
        out.push_str("</details>\n");
    }
    let _ = writeln!(out, "<div class=\"gw-doc\" data-file=\"{index}\">");
    document_text(out, &file.document.text, file, prep);
    out.push_str("</div>\n</section>\n");
}

/// The text, one block per line, cut at every span boundary; a segment covered by findings is
/// one `<mark class="gw-hit">` carrying all their ids. Line terminators covered by a finding
/// and zero-length spans get a small empty marker element (drawn by CSS).
fn document_text(out: &mut String, text: &str, file: &FileResult, prep: &Prepared) {
    let n = prep.spans.len();
    let severity: Vec<Severity> = file.diagnostics.iter().map(|d| d.severity).collect();
    let mut by_start: Vec<usize> = (0..n)
        .filter(|&i| prep.spans[i].0 < prep.spans[i].1)
        .collect();
    let mut by_end = by_start.clone();
    let mut zeros: Vec<usize> = (0..n)
        .filter(|&i| prep.spans[i].0 == prep.spans[i].1)
        .collect();
    by_start.sort_by_key(|&i| prep.spans[i].0);
    by_end.sort_by_key(|&i| prep.spans[i].1);
    zeros.sort_by_key(|&i| prep.spans[i].0);

    let mut writer = HitWriter {
        base: prep.base,
        severity: &severity,
        anchored: vec![false; n],
        ids: Vec::new(),
    };
    let mut active: Vec<usize> = Vec::new();
    let (mut si, mut ei, mut zi) = (0, 0, 0);

    let mut lines = prep.lines.as_slice();
    // The empty line after a final line break is drawn only when a marker sits on it.
    if let [rest @ .., last] = lines {
        if !rest.is_empty()
            && last.start == text.len()
            && !zeros.iter().any(|&i| prep.spans[i].0 == text.len())
        {
            lines = rest;
        }
    }

    for (number, line) in lines.iter().enumerate() {
        let _ = write!(out, "<div class=\"gw-l\" data-n=\"{}\">", number + 1);
        let mut p = line.start;
        loop {
            while si < by_start.len() && prep.spans[by_start[si]].0 <= p {
                active.push(by_start[si]);
                si += 1;
            }
            while ei < by_end.len() && prep.spans[by_end[ei]].1 <= p {
                let done = by_end[ei];
                active.retain(|&i| i != done);
                ei += 1;
            }
            let zero_from = zi;
            while zi < zeros.len() && prep.spans[zeros[zi]].0 <= p {
                zi += 1;
            }
            if zi > zero_from {
                writer.marker(out, "gw-zero", &zeros[zero_from..zi]);
            }
            if p >= line.end {
                break;
            }
            let mut next = line.end;
            if let Some(&i) = by_start.get(si) {
                next = next.min(prep.spans[i].0);
            }
            if let Some(&i) = by_end.get(ei) {
                next = next.min(prep.spans[i].1);
            }
            writer.segment(out, &text[p..next], &active);
            p = next;
        }
        if line.next > line.end {
            while si < by_start.len() && prep.spans[by_start[si]].0 < line.next {
                active.push(by_start[si]);
                si += 1;
            }
            if !active.is_empty() {
                let covering = active.clone();
                writer.marker(out, "gw-nl", &covering);
            }
            let zero_from = zi;
            while zi < zeros.len() && prep.spans[zeros[zi]].0 < line.next {
                zi += 1;
            }
            if zi > zero_from {
                writer.marker(out, "gw-zero", &zeros[zero_from..zi]);
            }
        }
        out.push_str("</div>\n");
    }
    // Anything past the last drawn line (a zero-length span at the very end is on a drawn line,
    // so this only catches spans the lines above could not place).
    let rest: Vec<usize> = zeros[zi..].to_vec();
    if !rest.is_empty() {
        out.push_str("<div class=\"gw-l\">");
        writer.marker(out, "gw-zero", &rest);
        out.push_str("</div>\n");
    }
}

struct HitWriter<'a> {
    base: usize,
    severity: &'a [Severity],
    /// Whether the finding's anchor (`id="gw-h-n"`) has been written.
    anchored: Vec<bool>,
    ids: Vec<usize>,
}

impl HitWriter<'_> {
    fn segment(&mut self, out: &mut String, text: &str, active: &[usize]) {
        if active.is_empty() {
            escape_into(out, text);
            return;
        }
        // A highlight of nothing but spaces gets an outline, or it would be hard to see.
        let class = if text.chars().all(char::is_whitespace) {
            "gw-ws"
        } else {
            ""
        };
        self.open(out, class, active);
        escape_into(out, text);
        out.push_str("</mark>");
    }

    fn marker(&mut self, out: &mut String, class: &str, covering: &[usize]) {
        self.open(out, class, covering);
        out.push_str("</mark>");
    }

    fn open(&mut self, out: &mut String, class: &str, covering: &[usize]) {
        self.ids.clear();
        self.ids.extend_from_slice(covering);
        self.ids.sort_unstable();
        let severity = self
            .ids
            .iter()
            .map(|&i| self.severity[i])
            .max()
            .unwrap_or(Severity::Info);
        // The first finding starting here gets the element's id; any other gets an empty anchor.
        let mut element_id = None;
        for &i in &self.ids {
            if self.anchored[i] {
                continue;
            }
            self.anchored[i] = true;
            if element_id.is_none() {
                element_id = Some(i);
            } else {
                let _ = write!(
                    out,
                    "<span class=\"gw-anchor\" id=\"gw-h-{}\"></span>",
                    self.base + i
                );
            }
        }
        let _ = write!(out, "<mark class=\"gw-hit {}", sev_class(severity));
        if !class.is_empty() {
            out.push(' ');
            out.push_str(class);
        }
        if self.ids.len() > 1 {
            out.push_str(" gw-multi");
        }
        out.push_str("\" data-f=\"");
        for (k, &i) in self.ids.iter().enumerate() {
            if k > 0 {
                out.push(' ');
            }
            let _ = write!(out, "{}", self.base + i);
        }
        out.push('"');
        if let Some(i) = element_id {
            let _ = write!(out, " id=\"gw-h-{}\"", self.base + i);
        }
        out.push('>');
    }
}

fn panel(out: &mut String, files: &[FileResult], prepared: &[Prepared]) {
    let all = || files.iter().flat_map(|f| &f.diagnostics);
    let counts = Counts::of(all());
    let total = all().count();
    out.push_str("<aside id=\"gw-panel\" aria-label=\"问题列表\">\n<div class=\"gw-controls\">\n");
    let _ = writeln!(
        out,
        "<h2>问题列表 <span id=\"gw-shown\">{total} / {total}</span></h2>"
    );
    out.push_str("<div class=\"gw-sevs\">");
    for (severity, n) in [
        (Severity::Error, counts.error),
        (Severity::Warning, counts.warning),
        (Severity::Info, counts.info),
    ] {
        let _ = write!(
            out,
            "<label class=\"gw-chip {}\"><input type=\"checkbox\" class=\"gw-sev\" value=\"{}\" checked> {} {n}</label>",
            sev_class(severity),
            severity.as_str(),
            severity.label_zh()
        );
    }
    out.push_str("</div>\n<select id=\"gw-rule\" aria-label=\"按规则筛选\">");
    let _ = write!(out, "<option value=\"\">全部规则（{total}）</option>");
    let mut by_rule = rule_counts(all());
    by_rule.sort_by(|a, b| a.0.cmp(b.0));
    for (rule, n, _) in by_rule {
        out.push_str("<option value=\"");
        escape_into(out, rule);
        out.push_str("\">");
        escape_into(out, rule);
        let _ = write!(out, "（{n}）</option>");
    }
    out.push_str("</select>\n<div class=\"gw-nav\"><button type=\"button\" id=\"gw-prev\">上一处</button><button type=\"button\" id=\"gw-next\">下一处</button></div>\n</div>\n<div id=\"gw-list\">\n");
    for (index, (file, prep)) in files.iter().zip(prepared).enumerate() {
        if files.len() > 1 {
            let _ = write!(
                out,
                "<h3 class=\"gw-lh\" data-file=\"{index}\"><a href=\"#gw-file-{index}\">"
            );
            escape_into(out, &file_name(file));
            out.push_str("</a></h3>\n");
        }
        let report = prep.report(file);
        for (i, at) in super::located(&report).enumerate() {
            let (id, d) = (prep.base + i, at.diagnostic);
            let at = at.start;
            let _ = write!(
                out,
                "<a class=\"gw-item {}\" href=\"#gw-h-{id}\" data-f=\"{id}\" data-rule=\"",
                sev_class(d.severity),
            );
            escape_into(out, d.rule);
            let _ = write!(out, "\" data-loc=\"{}:{}\">", at.line, at.column);
            escape_into(out, &d.message);
            out.push_str("</a>\n");
        }
    }
    if total == 0 {
        out.push_str("<p class=\"gw-clean\">没有发现问题。</p>\n");
    }
    out.push_str("</div>\n</aside>\n");
}

// ---------------------------------------------------------------------------------------------
// The JSON blob the script reads

#[derive(Serialize)]
struct Blob<'a> {
    files: Vec<BlobFile>,
    rules: BTreeMap<&'static str, BlobRule<'a>>,
    findings: Vec<BlobFinding<'a>>,
}

#[derive(Serialize)]
struct BlobFile {
    path: String,
}

#[derive(Serialize)]
struct BlobRule<'a> {
    kind: &'a str,
    explain: String,
}

/// A finding is the JSON report's diagnostic, with the file it is in and, for a fix, the text
/// each edit replaces (the JSON report gives only its byte range).
#[derive(Serialize)]
struct BlobFinding<'a> {
    file: usize,
    #[serde(flatten)]
    diagnostic: json::JsonDiagnostic<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    originals: Vec<&'a str>,
}

/// Rule explanations are YAML blocks wrapped at a fixed width, often mid-sentence. For a popup
/// that wraps on its own, join a line to the next unless it ends a sentence or the next starts
/// a list item; blank lines stay paragraph breaks.
fn unwrap_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous: Option<&str> = None;
    for line in text.trim().lines().map(str::trim) {
        if let Some(prev) = previous {
            let ends_sentence = prev.is_empty()
                || line.is_empty()
                || prev.ends_with(['。', '！', '？', '：', '；', ':'])
                || starts_item(line);
            let ascii_seam = prev.ends_with(|c: char| c.is_ascii_alphanumeric())
                && line.starts_with(|c: char| c.is_ascii_alphanumeric());
            if ends_sentence {
                out.push('\n');
            } else if ascii_seam {
                out.push(' ');
            }
        }
        out.push_str(line);
        previous = Some(line);
    }
    out
}

/// `- 项`, `1. 项`, `2、项`, `（一）项`, `(1) 项`.
fn starts_item(line: &str) -> bool {
    if line.starts_with(['-', '*', '•', '·']) {
        return true;
    }
    let digits = line.trim_start_matches(|c: char| c.is_ascii_digit());
    if digits.len() < line.len() && digits.starts_with(['.', '、', ')', '）', '．']) {
        return true;
    }
    line.strip_prefix(['（', '('])
        .map(|rest| {
            rest.trim_start_matches(|c: char| {
                c.is_ascii_digit() || "一二三四五六七八九十".contains(c)
            })
        })
        .is_some_and(|rest| rest.starts_with(['）', ')']))
}

fn blob(files: &[FileResult], prepared: &[Prepared], rules: &RuleSet) -> String {
    let rules_json = json::Rules::new(rules, json::Layout::Compact);
    let reports: Vec<FileReport> = files
        .iter()
        .zip(prepared)
        .map(|(file, prep)| prep.report(file))
        .collect();
    let mut blob = Blob {
        files: files
            .iter()
            .map(|f| BlobFile { path: file_name(f) })
            .collect(),
        rules: BTreeMap::new(),
        findings: Vec::new(),
    };
    for (index, report) in reports.iter().enumerate() {
        let text = report.text();
        for at in super::located(report) {
            let d = at.diagnostic;
            if let Some(rule) = rules.get(d.rule) {
                blob.rules.entry(d.rule).or_insert(BlobRule {
                    kind: rule.meta.kind,
                    explain: unwrap_lines(&rule.meta.explain),
                });
            }
            let originals = d.fix.iter().flat_map(|fix| &fix.edits).map(|e| {
                let start = floor_boundary(text, e.span.start);
                &text[start..floor_boundary(text, e.span.end).max(start)]
            });
            blob.findings.push(BlobFinding {
                file: index,
                originals: originals.collect(),
                diagnostic: json::diagnostic(report, at, &rules_json),
            });
        }
    }
    let json = serde_json::to_string(&blob).expect("HTML report data");
    script_safe(&json)
}

/// JSON that can sit inside `<script>`: `<`, `>` and `&` only occur inside JSON strings, where
/// `\u003c` and friends mean the same, so no `</script>` or `<!--` can appear.
fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 64);
    replace_into(&mut out, json, |b| match b {
        b'<' => Some("\\u003c"),
        b'>' => Some("\\u003e"),
        b'&' => Some("\\u0026"),
        _ => None,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_match_line_index() {
        for text in ["", "a", "a\n", "a\r\nb\rc\n\nd", "一\n二\r\n"] {
            let ours = lines(text);
            let index = crate::source::LineIndex::new(text);
            for (n, line) in ours.iter().enumerate() {
                assert_eq!(index.line_start(n + 1), line.start, "{text:?}");
                assert_eq!(index.line_end(text, n + 1), line.end, "{text:?}");
            }
        }
    }

    #[test]
    fn explanations_unwrap() {
        assert_eq!(
            unwrap_lines("前一句没有\n结束。\n依据：GB/T\n9704。\n\n- 一项\n- 二项\n"),
            "前一句没有结束。\n依据：GB/T 9704。\n\n- 一项\n- 二项"
        );
    }

    #[test]
    fn script_safe_json() {
        let json = serde_json::to_string("</script><!-- & >").unwrap();
        let safe = script_safe(&json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "</script><!-- & >");
    }

    #[test]
    fn escapes() {
        let mut out = String::new();
        escape_into(&mut out, "<a href='x'>&\"</a>");
        assert_eq!(out, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    }
}
