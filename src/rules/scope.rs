//! Where in a document a rule looks: named parts of the model, each a list of byte spans.

use serde::Deserialize;

use crate::diagnostic::Span;
use crate::model::{Document, ParagraphKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// The whole text as one span.
    Document,
    /// Every line of the document's own text: all but portal metadata and chrome.
    Prose,
    /// Every non-blank line, metadata and chrome included.
    Line,
    /// Headings, body paragraphs and list items: the text after the header block.
    Body,
    /// Whole heading lines.
    Heading,
    /// Heading numbering tokens (`(一)`, `1、`).
    HeadingToken,
    Title,
    /// Masthead, 发文字号, title, banner, subtitle, speaker and salutation lines.
    Header,
    /// 发文字号 as the parser found them.
    Docnum,
    /// 名词解释 entries.
    Glossary,
    /// Portal metadata and chrome lines.
    Portal,
    /// The gap between a paragraph cut by a page break and its continuation.
    Break,
    /// Lines that hold nothing but spaces, tabs, NBSP or U+3000 (at least one), without their
    /// line ending. Lines here are what a `(?m)` regex calls lines: they end at `\n`, and one
    /// `\r` just before it (or at the end of the text) belongs to the line ending.
    BlankLine,
}

impl Scope {
    /// The scope's spans, sorted by start and disjoint.
    pub fn spans(self, doc: &Document) -> Vec<Span> {
        let paragraphs = |keep: fn(ParagraphKind) -> bool| -> Vec<Span> {
            doc.paragraphs
                .iter()
                .filter(|p| keep(p.kind))
                .map(|p| p.span)
                .collect()
        };
        match self {
            Scope::Document => vec![Span::new(0, doc.text.len())],
            Scope::Prose => paragraphs(ParagraphKind::is_prose),
            Scope::Line => doc.paragraphs.iter().map(|p| p.span).collect(),
            Scope::Body => paragraphs(|k| {
                matches!(
                    k,
                    ParagraphKind::Body | ParagraphKind::Heading(_) | ParagraphKind::ListItem
                )
            }),
            Scope::Heading => paragraphs(|k| matches!(k, ParagraphKind::Heading(_))),
            Scope::HeadingToken => doc.headings.iter().map(|h| h.token).collect(),
            Scope::Title => doc.meta.title.into_iter().collect(),
            Scope::Header => paragraphs(|k| {
                matches!(
                    k,
                    ParagraphKind::Masthead
                        | ParagraphKind::DocNumber
                        | ParagraphKind::Title
                        | ParagraphKind::Banner
                        | ParagraphKind::Subtitle
                        | ParagraphKind::Speaker
                        | ParagraphKind::Salutation
                )
            }),
            Scope::Docnum => doc.meta.docnum.into_iter().collect(),
            Scope::Glossary => paragraphs(|k| matches!(k, ParagraphKind::GlossaryEntry(_))),
            Scope::Portal => paragraphs(|k| !k.is_prose()),
            Scope::Break => doc
                .paragraphs
                .windows(2)
                .filter(|pair| pair[0].broken)
                .map(|pair| Span::new(pair[0].span.end, pair[1].span.start))
                .collect(),
            Scope::BlankLine => blank_lines(&doc.text),
        }
    }
}

fn blank_lines(text: &str) -> Vec<Span> {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\u{A0}' | '\u{3000}');
    let mut spans = Vec::new();
    let mut start = 0;
    for end in text
        .match_indices('\n')
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
    {
        let line = &text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with(is_space) && line.chars().all(is_space) {
            spans.push(Span::new(start, start + line.len()));
        }
        start = end + 1;
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines `(?m)^[ \t\u{A0}\u{3000}]+\r?$` finds in the whole text.
    fn by_regex(text: &str) -> Vec<Span> {
        regex::Regex::new(r"(?m)^([ \t\u{A0}\u{3000}]+)\r?$")
            .unwrap()
            .captures_iter(text)
            .map(|c| c.get(1).unwrap())
            .map(|m| Span::new(m.start(), m.end()))
            .collect()
    }

    #[test]
    fn blank_lines_are_the_lines_a_multiline_regex_sees() {
        for text in [
            "",
            " ",
            "甲\n \n乙",
            "甲\r\n\u{3000}\u{3000}\r\n乙\r\n",
            "甲\n\u{A0}\t\n\n  \r",
            "甲\r \r乙\n \r \n \r\r\n",
            "　　正文缩进。\n\n  x\n  ",
        ] {
            assert_eq!(blank_lines(text), by_regex(text), "{text:?}");
        }
    }
}
