//! Section properties (`w:sectPr`): paper, margins, document grid, and the page numbers its
//! footers hold.

use quick_xml::events::{BytesStart, Event};

use super::props::{Align, Indent, ParaProps, RunProps};
use super::styles::Styles;
use super::walk::{attr, local, Node, Walk};

/// Twips of a millimetre.
pub const TWIPS_PER_MM: f64 = 1440.0 / 25.4;

#[derive(Clone, Debug, Default)]
pub struct Section {
    /// Width and height, in twips.
    pub paper: Option<(u32, u32)>,
    /// Top, right, bottom, left, in twips.
    pub margins: Option<[i32; 4]>,
    pub grid: Option<Grid>,
    /// `(type, relationship id)` of each `w:footerReference`.
    pub footer_refs: Vec<(String, String)>,
    pub footers: Vec<Footer>,
    /// The section's last paragraph, by index in document.xml.
    pub last_paragraph: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Grid {
    /// `default`, `lines`, `linesAndChars`, `snapToChars`.
    pub kind: String,
    pub line_pitch: Option<u32>,
    pub char_space: Option<i32>,
}

/// A footer and the page number it holds, if any.
#[derive(Clone, Debug)]
pub struct Footer {
    /// `default` (odd pages, or every page), `even` or `first`.
    pub kind: String,
    pub page_number: Option<PageNumber>,
}

#[derive(Clone, Debug)]
pub struct PageNumber {
    /// The paragraph's text before and after the PAGE field.
    pub before: String,
    pub after: String,
    pub align: Align,
    pub left: Option<Indent>,
    pub right: Option<Indent>,
    /// The number's resolved font (ASCII: the digits are Latin) and size in half-points.
    pub font: Option<String>,
    pub size: u32,
}

impl Section {
    /// Reads one child element of `w:sectPr`.
    pub fn read(&mut self, element: &BytesStart) {
        let number = |key: &[u8]| attr(element, key).and_then(|v| v.parse::<i64>().ok());
        match local(element.name().as_ref()) {
            b"pgSz" => {
                if let (Some(w), Some(h)) = (number(b"w"), number(b"h")) {
                    self.paper = Some((w.max(0) as u32, h.max(0) as u32));
                }
            }
            b"pgMar" => {
                let side = |key: &[u8]| number(key).unwrap_or(0) as i32;
                // A gutter widens the binding side: on a plain page, the left.
                self.margins = Some([
                    side(b"top"),
                    side(b"right"),
                    side(b"bottom"),
                    side(b"left") + side(b"gutter"),
                ]);
            }
            b"docGrid" => {
                self.grid = Some(Grid {
                    kind: attr(element, b"type").unwrap_or_else(|| "default".into()),
                    line_pitch: number(b"linePitch").map(|n| n.max(0) as u32),
                    char_space: number(b"charSpace").map(|n| n as i32),
                })
            }
            b"footerReference" => {
                if let Some(id) = attr(element, b"id") {
                    let kind = attr(element, b"type").unwrap_or_else(|| "default".into());
                    self.footer_refs.push((kind, id));
                }
            }
            _ => {}
        }
    }
}

/// The page number a footer part shows: the first paragraph holding a PAGE field.
pub(super) fn page_number(xml: &str, styles: &Styles) -> Option<PageNumber> {
    let mut walk = Walk::new(xml);
    let mut paragraph = ParaProps::default();
    let mut run = RunProps::default();
    let mut number_run: Option<RunProps> = None;
    let (mut before, mut after) = (String::new(), String::new());
    // 0 before the field, 1 in its instruction, 2 in its result, 3 after it.
    let mut stage = 0;
    let mut is_page = false;
    let mut in_instruction = false;
    let mut in_ppr = false;
    let mut in_rpr = false;
    while let Ok(Some((event, node))) = walk.next() {
        match (&event, node) {
            (_, Node::ParagraphStart { .. }) => {
                paragraph = ParaProps::default();
                (before, after) = (String::new(), String::new());
                number_run = None;
                stage = 0;
                is_page = false;
            }
            (_, Node::ParagraphEnd { .. }) if is_page => {
                let (base, base_run) = styles.paragraph(paragraph.style.as_deref());
                let mut p = base;
                p.apply(&paragraph);
                let mut r = styles.character(&base_run, None);
                if let Some(own) = &number_run {
                    r = styles.character(&base_run, own.style.as_deref());
                    r.apply(own);
                }
                return Some(PageNumber {
                    before,
                    after,
                    align: p.align.unwrap_or(Align::Left),
                    left: p.left,
                    right: p.right,
                    font: r.ascii.as_ref().and_then(|f| styles.typeface(f)),
                    size: r.size.unwrap_or(20),
                });
            }
            (_, Node::RunStart { .. }) => run = RunProps::default(),
            (Event::Start(e), Node::Skipped) if local(e.name().as_ref()) == b"instrText" => {
                in_instruction = true
            }
            (Event::End(e), Node::Skipped) if local(e.name().as_ref()) == b"instrText" => {
                in_instruction = false
            }
            (Event::Text(t), Node::Skipped) if in_instruction => {
                let instruction = t.unescape().map(|t| t.into_owned()).unwrap_or_default();
                if is_page_field(&instruction) {
                    is_page = true;
                }
            }
            (Event::Start(e) | Event::Empty(e), Node::Other) => {
                let name = e.name();
                match local(name.as_ref()) {
                    b"pPr" if walk.paragraph().is_some() => {
                        in_ppr = matches!(event, Event::Start(_))
                    }
                    b"rPr" if !in_ppr => in_rpr = matches!(event, Event::Start(_)),
                    b"fldChar" => match attr(e, b"fldCharType").as_deref() {
                        Some("begin") if stage == 0 => stage = 1,
                        Some("separate") if stage == 1 => stage = 2,
                        Some("end") if stage >= 1 => stage = 3,
                        _ => {}
                    },
                    b"fldSimple"
                        if stage == 0 && attr(e, b"instr").is_some_and(|i| is_page_field(&i)) =>
                    {
                        is_page = true;
                        stage = if matches!(event, Event::Start(_)) {
                            2
                        } else {
                            3
                        };
                    }
                    _ if in_ppr => paragraph.read(e),
                    _ if in_rpr => run.read(e),
                    _ => {}
                }
            }
            (Event::End(e), Node::Other) => match local(e.name().as_ref()) {
                b"pPr" => in_ppr = false,
                b"rPr" => in_rpr = false,
                b"fldSimple" if stage == 2 => stage = 3,
                _ => {}
            },
            (_, Node::Text { .. }) => {
                let text = match &event {
                    Event::Text(t) => t.unescape().map(|t| t.into_owned()).unwrap_or_default(),
                    _ => String::new(),
                };
                match stage {
                    0 => before.push_str(&text),
                    2 => {
                        number_run.get_or_insert_with(|| run.clone());
                    }
                    3 => after.push_str(&text),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    None
}

/// `PAGE`, ` PAGE \* MERGEFORMAT `, `PAGE \* Arabic`; not NUMPAGES or SECTIONPAGES.
fn is_page_field(instruction: &str) -> bool {
    instruction.split_whitespace().next() == Some("PAGE")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_field_and_the_text_around_it() {
        let footer = r#"<w:ftr xmlns:w="w"><w:p><w:pPr><w:jc w:val="right"/><w:ind w:right="320"/></w:pPr><w:r><w:t xml:space="preserve">— </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE \* MERGEFORMAT </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:rPr><w:rFonts w:ascii="宋体"/><w:sz w:val="28"/></w:rPr><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>"#;
        let number = page_number(footer, &Styles::default()).unwrap();
        assert_eq!(
            (number.before.as_str(), number.after.as_str()),
            ("— ", " —")
        );
        assert_eq!(number.align, Align::Right);
        assert_eq!(number.right, Some(Indent::Twips(320)));
        assert_eq!((number.font.as_deref(), number.size), (Some("宋体"), 28));
        let simple = r#"<w:ftr xmlns:w="w"><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p></w:ftr>"#;
        let number = page_number(simple, &Styles::default()).unwrap();
        assert_eq!((number.before.as_str(), number.after.as_str()), ("", ""));
        assert_eq!(number.align, Align::Center);
        assert!(page_number(
            r#"<w:ftr xmlns:w="w"><w:p><w:r><w:t>内部资料</w:t></w:r></w:p></w:ftr>"#,
            &Styles::default()
        )
        .is_none());
    }
}
