//! The one walk over a WordprocessingML part that extract, annotate and layout share: every XML
//! event with what it is in the paragraph/run structure, so that all three count paragraphs and
//! runs the same way by construction.

use quick_xml::events::Event;
use quick_xml::Reader;

/// Text-box content and the VML fallback copy of drawings would show text twice or out of
/// place; deleted text and field instructions are not what a reader sees.
const SKIPPED: &[&[u8]] = &[b"txbxContent", b"Fallback", b"delText", b"instrText"];

/// What an XML event is in the paragraph/run structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Node {
    /// Inside (or opening, or closing) an element whose content is not the document's text.
    Skipped,
    /// `<w:p>` opening paragraph `index`; `empty` for `<w:p/>`, which has no end.
    ParagraphStart {
        index: usize,
        empty: bool,
    },
    ParagraphEnd {
        index: usize,
    },
    /// `<w:r>` opening run `run` of the current paragraph; `empty` for `<w:r/>`.
    RunStart {
        run: usize,
        empty: bool,
    },
    RunEnd {
        run: usize,
    },
    /// The content of a `<w:t>` of the current paragraph.
    Text {
        run: usize,
    },
    /// A tab character inside run `run` (a `w:tab` in paragraph properties is a tab stop).
    Tab {
        run: usize,
    },
    /// Anything else: properties, tables, fields, the body itself.
    Other,
}

pub(crate) struct Walk<'x> {
    reader: Reader<&'x [u8]>,
    skip_depth: usize,
    paragraphs: usize,
    paragraph: Option<usize>,
    /// The current run's index within its paragraph, or the next one's between runs.
    run: usize,
    in_run: bool,
    /// `w:r` elements open inside the current run (ruby text): part of that run, not runs.
    nested_runs: usize,
    in_text: bool,
}

impl<'x> Walk<'x> {
    pub(crate) fn new(xml: &'x str) -> Self {
        Walk {
            reader: Reader::from_str(xml),
            skip_depth: 0,
            paragraphs: 0,
            paragraph: None,
            run: 0,
            in_run: false,
            nested_runs: 0,
            in_text: false,
        }
    }

    /// The paragraph the walk is in.
    pub(crate) fn paragraph(&self) -> Option<usize> {
        self.paragraph
    }

    /// The next event and its place in the structure; `None` at the end of the part.
    pub(crate) fn next(&mut self) -> Result<Option<(Event<'x>, Node)>, quick_xml::Error> {
        let event = self.reader.read_event()?;
        let node = match &event {
            Event::Eof => return Ok(None),
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.name();
                let name = local(name.as_ref());
                if self.skip_depth > 0 || SKIPPED.contains(&name) {
                    if !empty {
                        self.skip_depth += 1;
                    }
                    Node::Skipped
                } else {
                    self.open(name, empty)
                }
            }
            Event::End(e) => {
                if self.skip_depth > 0 {
                    self.skip_depth -= 1;
                    Node::Skipped
                } else {
                    self.close(local(e.name().as_ref()))
                }
            }
            Event::Text(_) | Event::CData(_) if self.in_text && self.skip_depth == 0 => {
                Node::Text { run: self.run }
            }
            _ if self.skip_depth > 0 => Node::Skipped,
            _ => Node::Other,
        };
        Ok(Some((event, node)))
    }

    fn open(&mut self, name: &[u8], empty: bool) -> Node {
        match name {
            b"p" => {
                let index = self.paragraphs;
                self.paragraphs += 1;
                self.run = 0;
                self.in_run = false;
                self.nested_runs = 0;
                self.paragraph = (!empty).then_some(index);
                Node::ParagraphStart { index, empty }
            }
            b"r" if self.in_run => {
                self.nested_runs += usize::from(!empty);
                Node::Other
            }
            b"r" if self.paragraph.is_some() => {
                let run = self.run;
                if empty {
                    self.run += 1;
                } else {
                    self.in_run = true;
                }
                Node::RunStart { run, empty }
            }
            b"t" if self.paragraph.is_some() && !empty => {
                self.in_text = true;
                Node::Other
            }
            b"tab" if self.in_run => Node::Tab { run: self.run },
            _ => Node::Other,
        }
    }

    fn close(&mut self, name: &[u8]) -> Node {
        match name {
            b"t" => {
                self.in_text = false;
                Node::Other
            }
            b"r" if self.nested_runs > 0 => {
                self.nested_runs -= 1;
                Node::Other
            }
            b"r" if self.paragraph.is_some() => {
                let run = self.run;
                self.run += 1;
                self.in_run = false;
                Node::RunEnd { run }
            }
            b"p" => match self.paragraph.take() {
                Some(index) => Node::ParagraphEnd { index },
                None => Node::Other,
            },
            _ => Node::Other,
        }
    }
}

/// An element's name without its namespace prefix.
pub(crate) fn local(name: &[u8]) -> &[u8] {
    name.rsplit(|b| *b == b':').next().unwrap_or(name)
}

/// The value of attribute `key` (any prefix) of `element`.
pub(crate) fn attr(element: &quick_xml::events::BytesStart, key: &[u8]) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| local(a.key.as_ref()) == key)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(body: &str) -> Vec<Node> {
        let xml = format!(r#"<w:document xmlns:w="w"><w:body>{body}</w:body></w:document>"#);
        let mut walk = Walk::new(&xml);
        let mut out = Vec::new();
        while let Some((_, node)) = walk.next().unwrap() {
            if !matches!(node, Node::Other | Node::Skipped) {
                out.push(node);
            }
        }
        out
    }

    #[test]
    fn ruby_runs_belong_to_their_run_and_text_boxes_hold_no_paragraphs() {
        use Node::*;
        let found = nodes(concat!(
            r#"<w:p><w:r><w:ruby><w:rt><w:r><w:t>zhù</w:t></w:r></w:rt>"#,
            r#"<w:rubyBase><w:r><w:t>注</w:t></w:r></w:rubyBase></w:ruby></w:r>"#,
            r#"<w:r><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent></w:r></w:p><w:p/>"#,
        ));
        assert_eq!(
            found,
            [
                ParagraphStart {
                    index: 0,
                    empty: false
                },
                RunStart {
                    run: 0,
                    empty: false
                },
                Text { run: 0 },
                Text { run: 0 },
                RunEnd { run: 0 },
                RunStart {
                    run: 1,
                    empty: false
                },
                RunEnd { run: 1 },
                ParagraphEnd { index: 0 },
                ParagraphStart {
                    index: 1,
                    empty: true
                },
            ]
        );
    }
}
