//! `gwlint parse`: what the parser understood, as an indented outline or as JSON.

use std::fmt::Write;

use serde::Serialize;

use crate::diagnostic::Span;
use crate::model::{Document, Level, ParagraphKind, Width};
use crate::source::{LineIndex, SourceFile};

fn level_label(level: Level) -> &'static str {
    match level {
        Level::Part => "部分",
        Level::Article => "条",
        Level::L1 => "一级",
        Level::L2 => "二级",
        Level::L3 => "三级",
        Level::L4 => "四级",
    }
}

/// Text for the outline: one line, at most `max` characters.
fn clip(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

pub fn tree(source: &SourceFile, doc: &Document) -> String {
    let index = LineIndex::new(&doc.text);
    let line = |span: Span| index.line_col(&doc.text, span.start).line;
    let mut out = String::new();
    let meta = &doc.meta;
    let _ = writeln!(
        out,
        "文件：{}（{}，{}）",
        source.path.display(),
        source.encoding.as_str(),
        source.line_ending.as_str()
    );
    let doc_type = meta.doc_type.map_or("未知", |t| t.name());
    let period = if meta.midyear { "，年中/半年" } else { "" };
    let date = meta.date.map_or("未知".to_string(), |d| d.to_string());
    let _ = writeln!(out, "类型：{doc_type}{period}　日期：{date}");
    for paragraph in &doc.paragraphs {
        let label = match paragraph.kind {
            ParagraphKind::Masthead => "发文机关标志",
            ParagraphKind::DocNumber => "发文字号行",
            ParagraphKind::Title => "标题",
            ParagraphKind::Banner => "横幅标题",
            ParagraphKind::Subtitle => "副标题",
            ParagraphKind::Speaker => "报告人",
            ParagraphKind::Salutation => "称谓/主送",
            ParagraphKind::Metadata => "元数据",
            ParagraphKind::Portal => "网页附带内容",
            _ => continue,
        };
        let _ = writeln!(
            out,
            "{label}（第{}行）：{}",
            line(paragraph.span),
            clip(doc.slice(paragraph.span), 60)
        );
    }
    let _ = writeln!(out, "文档结构（{} 个部分）：", doc.regions.len());
    for region in &doc.regions {
        let (first, last) = (
            line(region.span),
            index.line_col(&doc.text, region.span.end).line,
        );
        let lines = if first == last {
            format!("第{first}行")
        } else {
            format!("第{first}–{last}行")
        };
        let _ = writeln!(
            out,
            "  {lines} {}（{}）",
            region.region.label(),
            region.region.name()
        );
    }
    if !doc.headings.is_empty() {
        let _ = writeln!(out, "标题层级（{} 个）：", doc.headings.len());
    }
    let parents = doc.heading_parents();
    let mut depth = vec![0usize; doc.headings.len()];
    for (i, heading) in doc.headings.iter().enumerate() {
        depth[i] = parents[i].map_or(0, |p| depth[p] + 1);
        let mut notes = Vec::new();
        if heading.run_in {
            notes.push("引段");
        }
        match heading.brackets {
            Some(Width::Half) => notes.push("半角括号"),
            Some(Width::Mixed) => notes.push("全半角括号混用"),
            _ => {}
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" [{}]", notes.join("，"))
        };
        let _ = writeln!(
            out,
            "{:indent$}第{}行 {} #{} {} {}{notes}",
            "",
            line(heading.token),
            level_label(heading.level),
            heading.ordinal,
            doc.slice(heading.token),
            clip(doc.slice(heading.title), 40),
            indent = 2 + 2 * depth[i],
        );
    }
    if let Some(glossary) = &doc.glossary {
        let _ = writeln!(
            out,
            "名词解释（第{}行）：{} 条",
            line(glossary.heading),
            glossary.entries.len()
        );
        for entry in &glossary.entries {
            let _ = writeln!(
                out,
                "  第{}行 #{} {}",
                line(entry.span),
                entry.number,
                clip(doc.slice(entry.term), 40)
            );
        }
    }
    if !doc.footnote_refs.is_empty() {
        let refs: Vec<String> = doc
            .footnote_refs
            .iter()
            .map(|r| format!("{}@{}", doc.slice(r.span), line(r.span)))
            .collect();
        let _ = writeln!(out, "脚注引用（{} 处）：{}", refs.len(), refs.join(" "));
    }
    let lists = doc
        .paragraphs
        .iter()
        .filter(|p| p.kind == ParagraphKind::ListItem)
        .count();
    if lists > 0 {
        let _ = writeln!(out, "圈码列表项：{lists} 段");
    }
    let breaks: Vec<String> = doc
        .paragraphs
        .windows(2)
        .filter(|w| w[0].broken)
        .map(|w| format!("{}→{}", line(w[0].span), line(w[1].span)))
        .collect();
    if !breaks.is_empty() {
        let _ = writeln!(out, "分页截断（{} 处）：{}", breaks.len(), breaks.join(" "));
    }
    let body = doc
        .paragraphs
        .iter()
        .filter(|p| p.kind == ParagraphKind::Body)
        .count();
    let _ = writeln!(out, "正文段落：{body} 段");
    out
}

#[derive(Serialize)]
struct JsonOutline<'a> {
    path: String,
    encoding: &'static str,
    doc_type: Option<&'static str>,
    midyear: bool,
    date: Option<String>,
    paragraphs: Vec<JsonParagraph<'a>>,
    regions: Vec<JsonRegion>,
    headings: Vec<JsonHeading<'a>>,
    glossary: Vec<JsonEntry<'a>>,
    footnote_refs: Vec<JsonRef>,
}

#[derive(Serialize)]
struct JsonRegion {
    region: &'static str,
    line: usize,
    end_line: usize,
    byte_start: usize,
    byte_end: usize,
}

#[derive(Serialize)]
struct JsonParagraph<'a> {
    line: usize,
    kind: &'static str,
    region: &'static str,
    broken: bool,
    byte_start: usize,
    byte_end: usize,
    text: &'a str,
}

#[derive(Serialize)]
struct JsonHeading<'a> {
    line: usize,
    level: &'static str,
    ordinal: u32,
    token: &'a str,
    delimiter: &'a str,
    brackets: Option<Width>,
    run_in: bool,
    parent: Option<usize>,
    title: &'a str,
}

#[derive(Serialize)]
struct JsonEntry<'a> {
    line: usize,
    number: u32,
    term: &'a str,
    definition: &'a str,
}

#[derive(Serialize)]
struct JsonRef {
    line: usize,
    number: u32,
    byte_start: usize,
}

pub fn json(source: &SourceFile, doc: &Document) -> String {
    let index = LineIndex::new(&doc.text);
    let line = |span: Span| index.line_col(&doc.text, span.start).line;
    let parents = doc.heading_parents();
    let outline = JsonOutline {
        path: source.path.display().to_string(),
        encoding: source.encoding.as_str(),
        doc_type: doc.meta.doc_type.map(|t| t.name()),
        midyear: doc.meta.midyear,
        date: doc.meta.date.map(|d| d.to_string()),
        paragraphs: doc
            .paragraphs
            .iter()
            .map(|p| JsonParagraph {
                line: line(p.span),
                kind: p.kind.name(),
                region: p.region.name(),
                broken: p.broken,
                byte_start: p.span.start,
                byte_end: p.span.end,
                text: doc.slice(p.span),
            })
            .collect(),
        regions: doc
            .regions
            .iter()
            .map(|r| JsonRegion {
                region: r.region.name(),
                line: line(r.span),
                end_line: index.line_col(&doc.text, r.span.end).line,
                byte_start: r.span.start,
                byte_end: r.span.end,
            })
            .collect(),
        headings: doc
            .headings
            .iter()
            .zip(parents)
            .map(|(h, parent)| JsonHeading {
                line: line(h.token),
                level: h.level.name(),
                ordinal: h.ordinal,
                token: doc.slice(h.token),
                delimiter: doc.slice(h.delimiter),
                brackets: h.brackets,
                run_in: h.run_in,
                parent,
                title: doc.slice(h.title),
            })
            .collect(),
        glossary: doc
            .glossary
            .iter()
            .flat_map(|g| &g.entries)
            .map(|e| JsonEntry {
                line: line(e.span),
                number: e.number,
                term: doc.slice(e.term),
                definition: doc.slice(e.definition),
            })
            .collect(),
        footnote_refs: doc
            .footnote_refs
            .iter()
            .map(|r| JsonRef {
                line: line(r.span),
                number: r.number,
                byte_start: r.span.start,
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&outline).expect("outline JSON");
    out.push('\n');
    out
}
