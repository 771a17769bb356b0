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
}

impl Scope {
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
        }
    }
}
