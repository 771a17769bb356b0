//! Where in a document a rule looks: named parts of the model, each a list of byte spans.

use serde::Deserialize;

use crate::diagnostic::Span;
use crate::model::{Document, ParagraphKind, Region};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// The whole text as one span.
    Document,
    /// The document's own writing: every line of the header, body, tables, annexes, glossary
    /// and closing, without URLs, link targets and other asides. Not front matter, collector notes, portal
    /// chrome, Markdown code, tables or comments.
    Prose,
    /// Every line of the document's own writing, URLs included.
    Line,
    /// Headings, body paragraphs and list items of the running text (main text and annexes),
    /// without URLs.
    Body,
    /// Whole heading lines.
    Heading,
    /// Heading numbering tokens (`(一)`, `1、`).
    HeadingToken,
    Title,
    /// Masthead, 发文字号, title, banner, subtitle, speaker and salutation lines.
    Header,
    /// The 主送机关 (or a speech's 称谓) line under the title; a line too long for the parser
    /// to take as one counts when it opens the body and ends with a colon.
    Recipient,
    /// 发文字号 as the parser found them: the document's own, the 文号 field of a collector's
    /// front matter, and those cited in the running text.
    Docnum,
    /// 名词解释 entries.
    Glossary,
    /// Blocks of portal chrome, each one span.
    Portal,
    /// The gap between a paragraph cut by a page break and its continuation.
    Break,
    /// Lines that hold nothing but spaces, tabs, NBSP or U+3000 (at least one), without their
    /// line ending. Lines here are what a `(?m)` regex calls lines: they end at `\n`, and one
    /// `\r` just before it (or at the end of the text) belongs to the line ending.
    BlankLine,
}

impl Scope {
    /// How many scopes there are: `Context` keeps each one's spans, found once per document.
    pub const COUNT: usize = Scope::BlankLine as usize + 1;

    /// The scope's spans, sorted by start and disjoint.
    pub fn spans(self, doc: &Document) -> Vec<Span> {
        let paragraphs = |keep: fn(ParagraphKind) -> bool| -> Vec<Span> {
            doc.paragraphs
                .iter()
                .filter(|p| p.region.is_prose() && keep(p.kind))
                .map(|p| p.span)
                .collect()
        };
        match self {
            Scope::Document => vec![Span::new(0, doc.text.len())],
            Scope::Prose => without(joined_titles(doc, paragraphs(|_| true)), &doc.asides),
            Scope::Line => paragraphs(|_| true),
            Scope::Body => without(
                doc.paragraphs
                    .iter()
                    .filter(|p| {
                        p.region.is_running_text()
                            && matches!(
                                p.kind,
                                ParagraphKind::Body
                                    | ParagraphKind::Heading(_)
                                    | ParagraphKind::ListItem
                            )
                    })
                    .map(|p| p.span)
                    .collect(),
                &doc.asides,
            ),
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
            Scope::Recipient => recipient(doc).into_iter().collect(),
            Scope::Docnum => {
                let mut spans: Vec<Span> = doc
                    .meta
                    .docnum
                    .into_iter()
                    .chain(doc.meta.docnum_field)
                    .chain(doc.meta.cited_docnums.iter().copied())
                    .collect();
                spans.sort_by_key(|s| s.start);
                spans.dedup();
                spans
            }
            Scope::Glossary => paragraphs(|k| matches!(k, ParagraphKind::GlossaryEntry(_))),
            Scope::Portal => doc
                .regions
                .iter()
                .filter(|r| r.region == Region::Chrome)
                .map(|r| r.span)
                .collect(),
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

fn recipient(doc: &Document) -> Option<Span> {
    let opening = doc
        .paragraphs
        .iter()
        .find(|p| p.kind == ParagraphKind::Salutation)
        .or_else(|| {
            doc.paragraphs
                .iter()
                .skip_while(|p| p.region != Region::Header)
                .find(|p| p.region != Region::Header)
        })?;
    let text = opening.span.text(&doc.text);
    // Not the opening sentence that announces the body (`…，现将有关事项通知如下：`).
    let lead_in =
        text.contains(['。', '《']) || text.trim_end_matches(['：', ':']).ends_with("如下");
    (text.ends_with(['：', ':']) && !lead_in).then_some(opening.span)
}

/// A title broken over lines is one span, so that a 《 on its first line pairs with the 》 on
/// its second.
fn joined_titles(doc: &Document, mut spans: Vec<Span>) -> Vec<Span> {
    if let Some(title) = doc.meta.title {
        spans.dedup_by(|next, last| {
            let joined = title.contains(*last) && title.contains(*next);
            if joined {
                last.end = next.end;
            }
            joined
        });
    }
    spans
}

/// `spans` with the parts inside `holes` cut out; both sorted and disjoint.
fn without(spans: Vec<Span>, holes: &[Span]) -> Vec<Span> {
    if holes.is_empty() {
        return spans;
    }
    let mut out = Vec::with_capacity(spans.len() + holes.len());
    let mut h = 0;
    for span in spans {
        while h < holes.len() && holes[h].end <= span.start {
            h += 1;
        }
        let mut start = span.start;
        let mut k = h;
        while k < holes.len() && holes[k].start < span.end {
            if holes[k].start > start {
                out.push(Span::new(start, holes[k].start));
            }
            start = start.max(holes[k].end);
            k += 1;
        }
        if start < span.end {
            out.push(Span::new(start, span.end));
        }
    }
    out
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
    fn holes_are_cut_out_of_spans() {
        let spans = vec![Span::new(0, 10), Span::new(20, 30), Span::new(40, 50)];
        let holes = [Span::new(2, 4), Span::new(8, 22), Span::new(45, 50)];
        assert_eq!(
            without(spans, &holes),
            vec![
                Span::new(0, 2),
                Span::new(4, 8),
                Span::new(22, 30),
                Span::new(40, 45)
            ]
        );
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
