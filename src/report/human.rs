//! The human report: miette's graphical diagnostics on the real text, in Chinese, with the rule
//! id as the code. Diagnostics of one rule on one line are grouped into one report with a label
//! per place (RULES A.4), and long lines are cut to a window around the labels.

use std::collections::BTreeMap;
use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use std::io::{self, Write};

use super::{visible, Emitter, FileReport, Format, Render, Summary};
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::engine::FileResult;
use crate::source::LineIndex;

/// Characters of context kept on each side of a label: more when it stands alone.
const CONTEXT: usize = 8;
const CONTEXT_ALONE: usize = 30;
/// Labels further apart than this on one line start a new report.
const CLUSTER: usize = 60;

pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
    /// Only the diagnostics: no per-rule counts, no summary line.
    pub quiet: bool,
}

/// Each file's reports, rendered by the worker that checked it.
struct FileReports {
    handler: GraphicalReportHandler,
}

impl Render for FileReports {
    fn render(&self, file: &FileReport, out: &mut Vec<u8>) -> io::Result<()> {
        out.extend_from_slice(render_file(&self.handler, file).as_bytes());
        Ok(())
    }
}

/// The human report: each file's reports as it comes, per-rule counts and a summary at the end.
struct Human {
    quiet: bool,
    summary: Summary,
    /// Per rule: severity, count, how many have a fix.
    per_rule: BTreeMap<&'static str, (Severity, usize, usize)>,
}

pub fn format<'r>(options: &HumanOptions) -> Format<'r> {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    Format {
        render: Some(Box::new(FileReports {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(options.width)
                .with_context_lines(0),
        })),
        emitter: Box::new(Human {
            quiet: options.quiet,
            summary: Summary::default(),
            per_rule: BTreeMap::new(),
        }),
    }
}

impl Emitter for Human {
    fn file(&mut self, file: &FileReport, rendered: &[u8], out: &mut dyn Write) -> io::Result<()> {
        self.summary.add(file.diagnostics());
        for d in file.diagnostics() {
            let entry = self.per_rule.entry(d.rule).or_insert((d.severity, 0, 0));
            entry.1 += 1;
            entry.2 += usize::from(d.fix.is_some());
        }
        out.write_all(rendered)
    }

    fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        out.write_all(summary(&self.summary, &self.per_rule).as_bytes())
    }
}

pub fn render(files: &[FileResult], options: &HumanOptions) -> String {
    format(options).render(files)
}

/// Every report of one file.
fn render_file(handler: &GraphicalReportHandler, file: &FileReport) -> String {
    let mut out = String::new();
    let text = file.text();
    let index = file.index;
    let name = visible(&file.path().display().to_string()).into_owned();
    for group in groups(text, index, file.diagnostics()) {
        let report = GroupReport::new(&name, text, index, &group);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&format!("{name}: {}\n", report.message));
        }
        out.push('\n');
    }
    out
}

fn summary(
    totals: &Summary,
    per_rule: &BTreeMap<&'static str, (Severity, usize, usize)>,
) -> String {
    let mut out = String::new();
    if !per_rule.is_empty() {
        let width = per_rule.keys().map(|id| id.len()).max().unwrap_or(0);
        for (id, (severity, count, fixable)) in per_rule {
            let fixable = if *fixable > 0 {
                format!("（{fixable} 处附修复）")
            } else {
                String::new()
            };
            out.push_str(&format!(
                "{count:>6}  {id:<width$}  {}{fixable}\n",
                severity.label_zh()
            ));
        }
        out.push('\n');
    }
    let fixable: usize = per_rule.values().map(|(_, _, f)| f).sum();
    out.push_str(&format!(
        "检查了 {} 个文件：错误 {}，警告 {}，提示 {}",
        totals.files, totals.errors, totals.warnings, totals.infos
    ));
    if fixable > 0 {
        out.push_str(&format!(
            "；其中 {fixable} 处附有修复：安全修复用 --fix 应用，建议修复另加 --unsafe-fixes"
        ));
    }
    out.push('\n');
    out
}

/// Splits a file's diagnostics into reports: one rule, one line, labels close together.
fn groups<'d>(
    text: &str,
    index: &LineIndex,
    diagnostics: &'d [Diagnostic],
) -> Vec<Vec<&'d Diagnostic>> {
    let mut by_key: BTreeMap<(usize, &'static str), Vec<&'d Diagnostic>> = BTreeMap::new();
    for d in diagnostics {
        let line = index.line(d.span.start);
        by_key.entry((line, d.rule)).or_default().push(d);
    }
    let mut out: Vec<Vec<&Diagnostic>> = Vec::new();
    for (_, group) in by_key {
        let mut current: Vec<&Diagnostic> = Vec::new();
        for d in group {
            let far = current.last().is_some_and(|last: &&Diagnostic| {
                text.get(last.span.end..d.span.start)
                    .map_or(0, |gap| gap.chars().take(CLUSTER + 1).count())
                    > CLUSTER
            });
            if far || current.len() >= 10 {
                out.push(std::mem::take(&mut current));
            }
            current.push(d);
        }
        out.push(current);
    }
    out.sort_by_key(|g| g[0].sort_key());
    out
}

/// One miette report for a group, shown on a window of its line.
struct GroupReport<'a> {
    message: String,
    rule: &'static str,
    severity: Severity,
    help: Option<String>,
    /// Offset into the snippet, length, label text.
    labels: Vec<(usize, usize, String)>,
    window: Window<'a>,
}

struct Window<'a> {
    name: &'a str,
    snippet: String,
    /// Where the snippet's first character stands in the file.
    line: usize,
    column: usize,
}

impl<'a> GroupReport<'a> {
    fn new(name: &'a str, text: &str, index: &LineIndex, group: &[&Diagnostic]) -> Self {
        let first = group[0];
        let line_no = index.line(first.span.start);
        let line_start = index.line_start(line_no);
        let line_end = index.line_end(text, line_no);
        // Labels stay on their first line; an empty one (a line break) marks the last character.
        let labels: Vec<(Span, String)> = group
            .iter()
            .map(|d| {
                let mut span = Span::new(d.span.start.min(line_end), d.span.end.min(line_end));
                if span.is_empty() {
                    let back = text[line_start..span.start]
                        .chars()
                        .next_back()
                        .map_or(0, char::len_utf8);
                    span = Span::new(span.start - back, span.start);
                }
                (span, visible(&label(d, text)).into_owned())
            })
            .collect();
        // The snippet keeps a little context around each label and elides the rest of a long
        // line with "…", so a line with marks far apart still reads as one short report.
        let mut pieces: Vec<(usize, usize)> = Vec::new();
        let context = if labels.len() == 1 {
            CONTEXT_ALONE
        } else {
            CONTEXT
        };
        for (span, _) in &labels {
            let start = back_chars(text, span.start, context).max(line_start);
            let end = forward_chars(text, span.end, context).min(line_end);
            match pieces.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => pieces.push((start, end)),
            }
        }
        let mut snippet = String::new();
        let mut placed: Vec<(usize, usize)> = Vec::new();
        for (i, &(start, end)) in pieces.iter().enumerate() {
            if start > line_start || i > 0 {
                snippet.push('…');
            }
            placed.push((start, snippet.len()));
            snippet.push_str(&visible(&text[start..end]));
        }
        if pieces.last().is_some_and(|&(_, end)| end < line_end) {
            snippet.push('…');
        }
        let first_piece = pieces.first().map_or(line_start, |p| p.0);
        let column =
            index.line_col(text, first_piece).column - 1 - usize::from(first_piece > line_start);
        let labels = labels
            .into_iter()
            .map(|(span, label)| {
                let (piece_start, at) = *placed
                    .iter()
                    .rev()
                    .find(|(start, _)| *start <= span.start)
                    .expect("every label lies in a piece");
                // Offsets into the snippet, where control characters take their symbols' room.
                let before = visible(&text[piece_start..span.start]).len();
                let len = visible(span.text(text)).len();
                (at + before, len, label)
            })
            .collect();
        let message = if group.len() > 1 {
            format!("{}（本行共 {} 处）", visible(&first.message), group.len())
        } else {
            visible(&first.message).into_owned()
        };
        GroupReport {
            message,
            rule: first.rule,
            severity: first.severity,
            help: first.help.as_deref().map(|h| visible(h).into_owned()),
            labels,
            window: Window {
                name,
                snippet,
                line: line_no - 1,
                column,
            },
        }
    }
}

fn label(d: &Diagnostic, text: &str) -> String {
    match &d.fix {
        Some(fix) if fix.edits.len() == 1 && fix.edits[0].span == d.span => {
            let removed = d.span.text(text);
            if fix.edits[0].replacement.is_empty() && removed.contains(['\n', '\r']) {
                "与下一段合并".to_string()
            } else if fix.edits[0].replacement.is_empty() && removed.trim().is_empty() {
                "删去空格".to_string()
            } else if fix.edits[0].replacement.is_empty() {
                "删除".to_string()
            } else {
                format!("改为“{}”", fix.edits[0].replacement)
            }
        }
        // One edit inside the flagged text (`1、` → `1.`): show the text as it would become.
        Some(fix) if fix.edits.len() == 1 && d.span.contains(fix.edits[0].span) => {
            let edit = &fix.edits[0];
            format!(
                "改为“{}{}{}”",
                &text[d.span.start..edit.span.start],
                edit.replacement,
                &text[edit.span.end..d.span.end]
            )
        }
        _ if d.span.text(text).trim().is_empty() => "此处".to_string(),
        _ => String::new(),
    }
}

fn back_chars(text: &str, from: usize, n: usize) -> usize {
    text[..from]
        .char_indices()
        .rev()
        .take(n)
        .last()
        .map_or(from, |(i, _)| i)
}

fn forward_chars(text: &str, from: usize, n: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| from + i)
}

impl fmt::Debug for GroupReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.rule, self.message)
    }
}

impl fmt::Display for GroupReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for GroupReport<'_> {}

impl miette::Diagnostic for GroupReport<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.window)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        // A label that only repeats the one before it is left as a bare underline.
        Some(Box::new(self.labels.iter().enumerate().map(
            move |(i, (start, len, text))| {
                let repeated = i > 0 && self.labels[i - 1].2 == *text;
                let text = (!text.is_empty() && !repeated).then(|| text.clone());
                LabeledSpan::new(text, *start, *len)
            },
        )))
    }
}

impl SourceCode for Window<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        _context_lines_before: usize,
        _context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        if span.offset() + span.len() > self.snippet.len() {
            return Err(MietteError::OutOfBounds);
        }
        // The whole snippet always (it is one line), with the column of the span asked for:
        // miette reads the location it prints in the report header from here.
        let before = self
            .snippet
            .get(..span.offset())
            .ok_or(MietteError::OutOfBounds)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            self.snippet.as_bytes(),
            SourceSpan::new(0.into(), self.snippet.len()),
            self.line,
            self.column + before.chars().count(),
            1,
        )))
    }
}
