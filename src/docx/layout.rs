//! The page as Word lays it out: sections (paper, margins, grid, page numbers) and, for every
//! paragraph of document.xml, its resolved alignment, indents and runs (font, size, bold,
//! colour), following Word's inheritance: document defaults → paragraph style chain →
//! character style chain → direct formatting, theme fonts looked up.

use std::io::{Read, Seek};

use quick_xml::events::Event;

use super::props::{Align, Indent, ParaProps, RunProps};
use super::section::{page_number, Footer, Section};
use super::styles::{Styles, STYLES, THEME};
use super::walk::{attr, local, Node, Walk};
use super::{read_part, DocxError, Part};

const SETTINGS: &str = "word/settings.xml";
const DOCUMENT_RELS: &str = "word/_rels/document.xml.rels";

#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub sections: Vec<Section>,
    /// By paragraph index in document.xml (the walker's numbering).
    pub paragraphs: Vec<ParagraphFormat>,
    /// `w:evenAndOddHeaders`: even pages have their own header and footer.
    pub even_and_odd: bool,
    /// The default paragraph style's size in half-points: what the character grid counts in.
    pub default_size: u32,
}

#[derive(Clone, Debug, Default)]
pub struct ParagraphFormat {
    /// The paragraph style's id, and its name when styles.xml gives one.
    pub style: Option<String>,
    pub align: Option<Align>,
    pub first_line: Option<Indent>,
    pub left: Option<Indent>,
    pub right: Option<Indent>,
    /// The paragraph's own text size (half-points): what a character of indent measures.
    pub size: u32,
    /// By run index (the walker's numbering), empty runs included.
    pub runs: Vec<RunFormat>,
}

#[derive(Clone, Debug, Default)]
pub struct RunFormat {
    pub east_asia: Option<String>,
    pub ascii: Option<String>,
    /// Half-points; Word's 10 pt when nothing sets it.
    pub size: u32,
    pub bold: bool,
    /// `RRGGBB` upper-case, or `None` for automatic.
    pub color: Option<String>,
}

impl ParagraphFormat {
    /// An indent in characters of the paragraph's size.
    pub fn chars(&self, indent: Option<Indent>) -> f64 {
        match indent {
            None => 0.0,
            Some(Indent::Chars(hundredths)) => hundredths as f64 / 100.0,
            Some(Indent::Twips(twips)) => twips as f64 / (self.size.max(1) as f64 * 10.0),
        }
    }
}

/// Reads the layout of a package: `None` parts are Word's defaults.
pub(super) fn read<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    document: &str,
) -> Result<Layout, DocxError> {
    let styles = match read_part(archive, STYLES)? {
        Some(xml) => Styles::parse(&xml, read_part(archive, THEME)?.as_deref())?,
        None => Styles::default(),
    };
    let even_and_odd = read_part(archive, SETTINGS)?.is_some_and(|xml| even_and_odd(&xml));
    let mut layout = walk_document(document, &styles)?;
    layout.even_and_odd = even_and_odd;
    layout.default_size = styles.paragraph(None).1.size.unwrap_or(20);
    let rels = read_part(archive, DOCUMENT_RELS)?.unwrap_or_default();
    for section in &mut layout.sections {
        for (kind, id) in std::mem::take(&mut section.footer_refs) {
            let Some(target) = relationship_target(&rels, &id) else {
                continue;
            };
            let Some(xml) = read_part(archive, &format!("word/{target}"))? else {
                continue;
            };
            section.footers.push(Footer {
                page_number: page_number(&xml, &styles),
                kind,
            });
        }
    }
    Ok(layout)
}

/// settings.xml's `w:evenAndOddHeaders`.
fn even_and_odd(settings: &str) -> bool {
    let mut reader = quick_xml::Reader::from_str(settings);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e))
                if local(e.name().as_ref()) == b"evenAndOddHeaders" =>
            {
                return super::props::on(&e)
            }
            Ok(Event::Eof) | Err(_) => return false,
            _ => {}
        }
    }
}

/// The `Target` of relationship `id` in a .rels part.
fn relationship_target(rels: &str, id: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(rels);
    loop {
        match reader.read_event().ok()? {
            Event::Eof => return None,
            Event::Start(e) | Event::Empty(e)
                if local(e.name().as_ref()) == b"Relationship"
                    && attr(&e, b"Id").as_deref() == Some(id) =>
            {
                let target = attr(&e, b"Target")?;
                return Some(
                    target
                        .trim_start_matches('/')
                        .trim_start_matches("word/")
                        .to_string(),
                );
            }
            _ => {}
        }
    }
}

/// Where the walk is among the properties of document.xml.
#[derive(Clone, Copy, PartialEq, Eq)]
enum In {
    Content,
    ParagraphProperties,
    /// The paragraph mark's run properties, inside `w:pPr`.
    MarkProperties,
    RunProperties,
    SectionProperties,
    /// A tracked change's old properties: not what the page shows.
    Change(usize),
}

fn walk_document(xml: &str, styles: &Styles) -> Result<Layout, DocxError> {
    let mut layout = Layout::default();
    let mut walk = Walk::new(xml);
    let mut place = In::Content;
    let mut before_sect = In::Content;
    let mut before_change = In::Content;
    let mut paragraph = ParaProps::default();
    let mut runs: Vec<RunProps> = Vec::new();
    let mut section = Section::default();
    let mut last = 0usize;
    while let Some((event, node)) = walk.next().map_err(|e| Part::Document.error(e))? {
        match node {
            Node::ParagraphStart { index, empty } => {
                paragraph = ParaProps::default();
                runs.clear();
                last = index;
                place = In::Content;
                if empty {
                    layout.push(index, &paragraph, &runs, styles);
                }
                continue;
            }
            Node::ParagraphEnd { index } => {
                layout.push(index, &paragraph, &runs, styles);
                continue;
            }
            Node::RunStart { run, .. } => {
                runs.resize(run + 1, RunProps::default());
                continue;
            }
            Node::Other => {}
            _ => continue,
        }
        match (&event, place) {
            (Event::Start(_), In::Change(depth)) => place = In::Change(depth + 1),
            (Event::End(_), In::Change(0)) => place = before_change,
            (Event::End(_), In::Change(depth)) => place = In::Change(depth - 1),
            (_, In::Change(_)) => {}
            (Event::Start(e) | Event::Empty(e), _) => {
                let start = matches!(event, Event::Start(_));
                let name = e.name();
                let name = local(name.as_ref());
                match (name, place) {
                    (b"pPrChange" | b"rPrChange" | b"sectPrChange", _) if start => {
                        before_change = place;
                        place = In::Change(0);
                    }
                    (b"pPr", In::Content) if walk.paragraph().is_some() && start => {
                        place = In::ParagraphProperties
                    }
                    (b"rPr", In::ParagraphProperties) if start => place = In::MarkProperties,
                    (b"rPr", In::Content) if walk.paragraph().is_some() && start => {
                        place = In::RunProperties
                    }
                    (b"sectPr", In::Content | In::ParagraphProperties) if start => {
                        before_sect = place;
                        place = In::SectionProperties;
                    }
                    (_, In::ParagraphProperties) => paragraph.read(e),
                    (_, In::RunProperties) => {
                        if let Some(run) = runs.last_mut() {
                            run.read(e)
                        }
                    }
                    (_, In::SectionProperties) => section.read(e),
                    _ => {}
                }
            }
            (Event::End(e), _) => match (local(e.name().as_ref()), place) {
                (b"pPr", In::ParagraphProperties) => place = In::Content,
                (b"rPr", In::MarkProperties) => place = In::ParagraphProperties,
                (b"rPr", In::RunProperties) => place = In::Content,
                (b"sectPr", In::SectionProperties) => {
                    section.last_paragraph = last;
                    layout.sections.push(std::mem::take(&mut section));
                    place = before_sect;
                }
                _ => {}
            },
            _ => {}
        }
    }
    Ok(layout)
}

impl Layout {
    fn push(&mut self, index: usize, direct: &ParaProps, runs: &[RunProps], styles: &Styles) {
        let (mut paragraph, base_run) = styles.paragraph(direct.style.as_deref());
        paragraph.apply(direct);
        let runs: Vec<RunFormat> = runs
            .iter()
            .map(|own| {
                let mut run = styles.character(&base_run, own.style.as_deref());
                run.apply(own);
                RunFormat {
                    east_asia: run.east_asia.as_ref().and_then(|f| styles.typeface(f)),
                    ascii: run.ascii.as_ref().and_then(|f| styles.typeface(f)),
                    size: run.size.unwrap_or(20),
                    bold: run.bold.unwrap_or(false),
                    color: run
                        .color
                        .filter(|c| !c.eq_ignore_ascii_case("auto"))
                        .map(|c| c.to_ascii_uppercase()),
                }
            })
            .collect();
        let style = direct
            .style
            .as_deref()
            .map(|id| styles.name(id).unwrap_or(id).to_string());
        let size = runs
            .iter()
            .map(|r| r.size)
            .next()
            .unwrap_or_else(|| base_run.size.unwrap_or(20));
        if self.paragraphs.len() <= index {
            self.paragraphs
                .resize(index + 1, ParagraphFormat::default());
        }
        self.paragraphs[index] = ParagraphFormat {
            style,
            align: paragraph.align,
            first_line: paragraph.first_line,
            left: paragraph.left,
            right: paragraph.right,
            size,
            runs,
        };
    }

    /// The section paragraph `index` belongs to.
    pub fn section_of(&self, index: usize) -> Option<&Section> {
        let at = self.sections.partition_point(|s| s.last_paragraph < index);
        self.sections.get(at).or(self.sections.last())
    }
}
