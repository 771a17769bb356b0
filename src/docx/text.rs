//! The text a reader sees in a part, one line per paragraph, with automatic numbering rendered
//! in, and a map from every byte of that text back to its paragraph, run and offset in the XML.

use quick_xml::events::Event;

use super::numbering::{Counters, Numbering};
use super::walk::{attr, local, Node, Walk};
use super::{DocxError, Part};

/// Where a stretch of the extracted text comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Text of the `run`-th `<w:r>` of the paragraph, starting `offset` bytes into its text.
    Run { run: usize, offset: usize },
    /// Automatic numbering rendered from numbering.xml: not in the XML.
    Numbering,
    /// A tab or other mark that stands for an element, not text.
    Mark { run: usize },
}

#[derive(Clone, Debug)]
pub struct Piece {
    pub start: usize,
    pub len: usize,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct ParagraphMap {
    pub part: Part,
    /// The paragraph's ordinal among the part's `<w:p>` elements (text boxes excluded).
    pub index: usize,
    /// Byte offset of the paragraph's line in the extracted text.
    pub start: usize,
    pub pieces: Vec<Piece>,
}

#[derive(Clone, Debug, Default)]
pub struct DocxText {
    pub text: String,
    pub paragraphs: Vec<ParagraphMap>,
    /// The page's formatting, read with the text; `None` when styles.xml or a footer is broken.
    pub layout: Option<super::Layout>,
}

impl DocxText {
    /// The paragraph whose line holds `offset`.
    pub fn paragraph_at(&self, offset: usize) -> Option<&ParagraphMap> {
        let i = self.paragraphs.partition_point(|p| p.start <= offset);
        self.paragraphs.get(i.checked_sub(1)?)
    }

    /// The line of the part's paragraph `index`, if it has one. Paragraphs come in part order
    /// (the document, then the footnotes), each part's in XML order.
    pub fn line_of(&self, part: Part, index: usize) -> Option<&ParagraphMap> {
        let split = self
            .paragraphs
            .partition_point(|p| p.part == Part::Document);
        let of_part = match part {
            Part::Document => &self.paragraphs[..split],
            Part::Footnotes => &self.paragraphs[split..],
        };
        let at = of_part.partition_point(|p| p.index < index);
        of_part.get(at).filter(|p| p.index == index)
    }
}

/// Appends the text of `xml` (a part of kind `part`) to `out`.
pub(super) fn read(
    xml: &str,
    part: Part,
    numbering: &Numbering,
    counters: &mut Counters,
    out: &mut DocxText,
) -> Result<(), DocxError> {
    let mut walk = Walk::new(xml);
    let mut current: Option<ParagraphMap> = None;
    let mut run_offset = 0usize;
    let mut num: (Option<String>, usize) = (None, 0);
    let mut numbered = false;
    while let Some((event, node)) = walk.next().map_err(|e| part.error(e))? {
        match node {
            Node::ParagraphStart { index, empty } => {
                current = Some(ParagraphMap {
                    part,
                    index,
                    start: out.text.len(),
                    pieces: Vec::new(),
                });
                num = (None, 0);
                numbered = false;
                if empty {
                    out.text.push('\n');
                    out.paragraphs.push(current.take().expect("paragraph"));
                }
            }
            Node::ParagraphEnd { .. } => {
                if let Some(mut p) = current.take() {
                    if !numbered {
                        push_numbering(numbering, counters, &num, &mut p, &mut out.text);
                    }
                    out.text.push('\n');
                    out.paragraphs.push(p);
                }
            }
            Node::RunStart { .. } => {
                if let (false, Some(p)) = (numbered, current.as_mut()) {
                    numbered = true;
                    push_numbering(numbering, counters, &num, p, &mut out.text);
                }
                run_offset = 0;
            }
            Node::Tab { run } => {
                if let Some(p) = current.as_mut() {
                    p.pieces.push(Piece {
                        start: out.text.len(),
                        len: 1,
                        origin: Origin::Mark { run },
                    });
                    out.text.push('\t');
                }
            }
            Node::Text { run } => {
                let text = match &event {
                    Event::Text(t) => t.unescape().map_err(|e| part.error(e))?.into_owned(),
                    Event::CData(t) => String::from_utf8_lossy(t.as_ref()).into_owned(),
                    _ => continue,
                };
                if let Some(p) = current.as_mut() {
                    p.pieces.push(Piece {
                        start: out.text.len(),
                        len: text.len(),
                        origin: Origin::Run {
                            run,
                            offset: run_offset,
                        },
                    });
                    run_offset += text.len();
                    out.text.push_str(&text);
                }
            }
            Node::Other if walk.paragraph().is_some() => match &event {
                Event::Start(e) | Event::Empty(e) => match local(e.name().as_ref()) {
                    b"numId" => num.0 = attr(e, b"val"),
                    b"ilvl" => num.1 = attr(e, b"val").and_then(|v| v.parse().ok()).unwrap_or(0),
                    _ => {}
                },
                _ => {}
            },
            _ => {}
        }
    }
    Ok(())
}

fn push_numbering(
    numbering: &Numbering,
    counters: &mut Counters,
    num: &(Option<String>, usize),
    p: &mut ParagraphMap,
    text: &mut String,
) {
    let Some(num_id) = &num.0 else { return };
    if let Some(prefix) = numbering.render(num_id, num.1, counters) {
        p.pieces.push(Piece {
            start: text.len(),
            len: prefix.len(),
            origin: Origin::Numbering,
        });
        text.push_str(&prefix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(body: &str) -> DocxText {
        let xml = format!(r#"<w:document xmlns:w="w"><w:body>{body}</w:body></w:document>"#);
        let mut out = DocxText::default();
        read(
            &xml,
            Part::Document,
            &Numbering::default(),
            &mut Counters::default(),
            &mut out,
        )
        .unwrap();
        out
    }

    #[test]
    fn tab_stops_are_not_tabs_and_empty_runs_count() {
        let doc = text_of(
            r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr><w:r/><w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t></w:r></w:p><w:p/>"#,
        );
        assert_eq!(doc.text, "甲\t乙\n\n");
        let pieces = &doc.paragraphs[0].pieces;
        assert_eq!(pieces[0].origin, Origin::Run { run: 1, offset: 0 });
        assert_eq!(pieces[1].origin, Origin::Mark { run: 1 });
        assert_eq!(
            pieces[2].origin,
            Origin::Run {
                run: 1,
                offset: "甲".len()
            }
        );
        assert_eq!(doc.paragraphs.len(), 2);
    }

    #[test]
    fn text_boxes_and_deletions_are_left_out() {
        let doc = text_of(
            r#"<w:p><w:r><w:t>正文</w:t></w:r><w:r><w:txbxContent><w:p><w:r><w:t>框内</w:t></w:r></w:p></w:txbxContent></w:r><w:del><w:r><w:delText>删</w:delText></w:r></w:del></w:p>"#,
        );
        assert_eq!(doc.text, "正文\n");
    }
}
