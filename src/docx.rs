//! .docx input: the text a reader sees in `word/document.xml` (and `word/footnotes.xml`), one
//! line per paragraph, with Word's automatic numbering rendered in (`一、`, `（一）`, `1.`), and a
//! map from every byte of that text back to its paragraph, run and offset in the XML.

use std::collections::HashMap;
use std::io::{Read, Seek};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::model::chinese_numeral;

pub const DOCUMENT: &str = "word/document.xml";
const FOOTNOTES: &str = "word/footnotes.xml";
const NUMBERING: &str = "word/numbering.xml";

#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("这是加密（设有打开密码）的 Word 文件或旧版 .doc 文件，gwlint 无法读取；请先取消密码或另存为 .docx")]
    Encrypted,
    #[error("不是有效的 .docx 文件（zip 包损坏）：{0}")]
    Zip(String),
    #[error(".docx 中没有 word/document.xml，不是 Word 文档")]
    NoDocument,
    #[error(".docx 中的 {part} 无法解析：{message}")]
    Xml { part: &'static str, message: String },
}

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Document,
    Footnotes,
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
}

impl DocxText {
    /// The paragraph whose line holds `offset`.
    pub fn paragraph_at(&self, offset: usize) -> Option<&ParagraphMap> {
        let i = self.paragraphs.partition_point(|p| p.start <= offset);
        self.paragraphs.get(i.checked_sub(1)?)
    }
}

pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Encrypted OOXML and legacy .doc files are OLE compound files.
pub fn is_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

pub fn open<R: Read + Seek>(reader: R) -> Result<zip::ZipArchive<R>, DocxError> {
    zip::ZipArchive::new(reader).map_err(|e| DocxError::Zip(zip_reason(&e)))
}

/// What went wrong in a zip package, in words for the user (the zip crate's are English).
pub fn zip_reason(error: &zip::result::ZipError) -> String {
    use zip::result::ZipError;
    match error {
        ZipError::Io(error) => crate::source::io_reason(error),
        ZipError::InvalidArchive(_) => {
            "找不到完整的 zip 目录，文件可能已截断或根本不是 zip 包".into()
        }
        ZipError::UnsupportedArchive(_) => {
            "使用了 gwlint 不支持的 zip 格式（如加密或特殊压缩方式）".into()
        }
        ZipError::FileNotFound => "zip 包中缺少所需的文件".into(),
        _ => "zip 包无法读取".into(),
    }
}

pub fn read_part<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    name: &str,
) -> Result<Option<String>, DocxError> {
    let mut file = match archive.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(DocxError::Zip(format!("{name}: {}", zip_reason(&e)))),
    };
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|e| DocxError::Zip(format!("{name}: {}", crate::source::io_reason(&e))))?;
    Ok(Some(text))
}

/// Extracts the text of a .docx held in `bytes`.
pub fn extract(bytes: &[u8]) -> Result<DocxText, DocxError> {
    if is_ole(bytes) {
        return Err(DocxError::Encrypted);
    }
    let mut archive = open(std::io::Cursor::new(bytes))?;
    let document = read_part(&mut archive, DOCUMENT)?.ok_or(DocxError::NoDocument)?;
    let numbering = match read_part(&mut archive, NUMBERING)? {
        Some(xml) => Numbering::parse(&xml)?,
        None => Numbering::default(),
    };
    let mut out = DocxText::default();
    let mut counters = Counters::default();
    walk(
        &document,
        Part::Document,
        &numbering,
        &mut counters,
        &mut out,
    )?;
    if let Some(footnotes) = read_part(&mut archive, FOOTNOTES)? {
        walk(
            &footnotes,
            Part::Footnotes,
            &numbering,
            &mut counters,
            &mut out,
        )?;
    }
    Ok(out)
}

pub fn read(path: &Path) -> Result<DocxText, DocxError> {
    let bytes = std::fs::read(path).map_err(|e| DocxError::Zip(crate::source::io_reason(&e)))?;
    extract(&bytes)
}

/// An element's name without its namespace prefix.
pub(crate) fn local(name: &[u8]) -> &[u8] {
    name.rsplit(|b| *b == b':').next().unwrap_or(name)
}

fn attr(element: &BytesStart, key: &[u8]) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| local(a.key.as_ref()) == key)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

fn xml_error(part: Part) -> impl Fn(quick_xml::Error) -> DocxError {
    move |e| DocxError::Xml {
        part: match part {
            Part::Document => DOCUMENT,
            Part::Footnotes => FOOTNOTES,
        },
        message: xml_reason(&e),
    }
}

/// What is wrong with a part's XML, in words for the user (quick-xml's are English).
fn xml_reason(error: &quick_xml::Error) -> String {
    match error {
        quick_xml::Error::Io(error) => crate::source::io_reason(error),
        quick_xml::Error::Syntax(_) | quick_xml::Error::IllFormed(_) => {
            "XML 结构不完整或标签不配对".into()
        }
        quick_xml::Error::Encoding(_) => "XML 中有无效的字符编码".into(),
        quick_xml::Error::Escape(_) => "XML 中有无效的转义（&…;）".into(),
        _ => "XML 无法解析".into(),
    }
}

/// Text-box content and the VML fallback copy of drawings would show text twice or out of place.
pub(crate) const SKIPPED: &[&[u8]] = &[b"txbxContent", b"Fallback", b"delText", b"instrText"];

/// The paragraph/run walk shared by reading and annotating: calls `visit` for each piece of text.
fn walk(
    xml: &str,
    part: Part,
    numbering: &Numbering,
    counters: &mut Counters,
    out: &mut DocxText,
) -> Result<(), DocxError> {
    let mut reader = Reader::from_str(xml);
    let mut paragraph_index = 0;
    let mut skip_depth = 0usize;
    let mut current: Option<ParagraphMap> = None;
    let mut run = 0usize;
    let mut run_offset = 0usize;
    let mut in_text = false;
    let mut in_run = false;
    let mut num: (Option<String>, usize) = (None, 0);
    let mut numbered = false;
    loop {
        let event = reader.read_event().map_err(xml_error(part))?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let name = local(e.name().as_ref()).to_vec();
                let empty = matches!(event, Event::Empty(_));
                if skip_depth > 0 || SKIPPED.contains(&name.as_slice()) {
                    if !empty {
                        skip_depth += 1;
                    }
                    continue;
                }
                match name.as_slice() {
                    b"p" => {
                        current = Some(ParagraphMap {
                            part,
                            index: paragraph_index,
                            start: out.text.len(),
                            pieces: Vec::new(),
                        });
                        paragraph_index += 1;
                        run = 0;
                        num = (None, 0);
                        numbered = false;
                        if empty {
                            out.text.push('\n');
                            out.paragraphs.push(current.take().expect("paragraph"));
                        }
                    }
                    b"numId" => num.0 = attr(e, b"val"),
                    b"ilvl" => num.1 = attr(e, b"val").and_then(|v| v.parse().ok()).unwrap_or(0),
                    b"r" if current.is_some() => {
                        if !numbered {
                            numbered = true;
                            push_numbering(
                                numbering,
                                counters,
                                &num,
                                current.as_mut().expect("paragraph"),
                                &mut out.text,
                            );
                        }
                        run_offset = 0;
                        in_run = !empty;
                        if empty {
                            run += 1;
                        }
                    }
                    b"t" if current.is_some() && !empty => in_text = true,
                    // A tab inside a run; `w:tab` in paragraph properties is a tab stop.
                    b"tab" if current.is_some() && in_run => {
                        if let Some(p) = current.as_mut() {
                            p.pieces.push(Piece {
                                start: out.text.len(),
                                len: 1,
                                origin: Origin::Mark { run },
                            });
                            out.text.push('\t');
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                let name = local(e.name().as_ref()).to_vec();
                if skip_depth > 0 {
                    skip_depth -= 1;
                    continue;
                }
                match name.as_slice() {
                    b"t" => in_text = false,
                    b"r" if current.is_some() => {
                        run += 1;
                        in_run = false;
                    }
                    b"pPr" => {}
                    b"p" => {
                        if let Some(mut p) = current.take() {
                            if !numbered {
                                push_numbering(numbering, counters, &num, &mut p, &mut out.text);
                            }
                            out.text.push('\n');
                            out.paragraphs.push(p);
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(_) | Event::CData(_) if in_text && skip_depth == 0 => {
                let text = match &event {
                    Event::Text(t) => t.unescape().map_err(xml_error(part))?.into_owned(),
                    Event::CData(t) => String::from_utf8_lossy(t.as_ref()).into_owned(),
                    _ => unreachable!("matched above"),
                };
                if let Some(p) = current.as_mut() {
                    let origin = Origin::Run {
                        run,
                        offset: run_offset,
                    };
                    p.pieces.push(Piece {
                        start: out.text.len(),
                        len: text.len(),
                        origin,
                    });
                    run_offset += text.len();
                    out.text.push_str(&text);
                }
            }
            Event::Eof => break,
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

#[derive(Clone, Debug)]
struct Level {
    format: String,
    text: String,
    start: u32,
    suffix: String,
}

/// numbering.xml: list instances (`w:num`) over abstract definitions (`w:abstractNum`).
#[derive(Debug, Default)]
pub struct Numbering {
    abstract_of: HashMap<String, String>,
    levels: HashMap<String, Vec<Level>>,
}

/// Current counter per list instance and level.
#[derive(Debug, Default)]
pub struct Counters {
    values: HashMap<String, [u32; 9]>,
}

impl Numbering {
    fn parse(xml: &str) -> Result<Self, DocxError> {
        let mut reader = Reader::from_str(xml);
        let mut numbering = Numbering::default();
        let mut abstract_id: Option<String> = None;
        let mut num_id: Option<String> = None;
        let mut level: Option<(usize, Level)> = None;
        loop {
            let event = reader.read_event().map_err(|e| DocxError::Xml {
                part: NUMBERING,
                message: xml_reason(&e),
            })?;
            match &event {
                Event::Start(e) | Event::Empty(e) => match local(e.name().as_ref()) {
                    b"abstractNum" => abstract_id = attr(e, b"abstractNumId"),
                    b"num" => num_id = attr(e, b"numId"),
                    b"abstractNumId" => {
                        if let (Some(num), Some(value)) = (&num_id, attr(e, b"val")) {
                            numbering.abstract_of.insert(num.clone(), value);
                        }
                    }
                    b"lvl" if abstract_id.is_some() => {
                        let ilvl = attr(e, b"ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                        level = Some((
                            ilvl,
                            Level {
                                format: "decimal".into(),
                                text: String::new(),
                                start: 1,
                                suffix: "tab".into(),
                            },
                        ));
                    }
                    b"start" => {
                        if let (Some((_, l)), Some(v)) = (level.as_mut(), attr(e, b"val")) {
                            l.start = v.parse().unwrap_or(1);
                        }
                    }
                    b"numFmt" => {
                        if let (Some((_, l)), Some(v)) = (level.as_mut(), attr(e, b"val")) {
                            l.format = v;
                        }
                    }
                    b"lvlText" => {
                        if let (Some((_, l)), Some(v)) = (level.as_mut(), attr(e, b"val")) {
                            l.text = v;
                        }
                    }
                    b"suff" => {
                        if let (Some((_, l)), Some(v)) = (level.as_mut(), attr(e, b"val")) {
                            l.suffix = v;
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match local(e.name().as_ref()) {
                    b"lvl" => {
                        if let (Some(id), Some((ilvl, l))) = (&abstract_id, level.take()) {
                            let levels = numbering.levels.entry(id.clone()).or_default();
                            if levels.len() <= ilvl {
                                levels.resize(
                                    ilvl + 1,
                                    Level {
                                        format: "decimal".into(),
                                        text: String::new(),
                                        start: 1,
                                        suffix: "tab".into(),
                                    },
                                );
                            }
                            levels[ilvl] = l;
                        }
                    }
                    b"abstractNum" => abstract_id = None,
                    b"num" => num_id = None,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(numbering)
    }

    /// The number text of the next paragraph of list `num_id` at level `ilvl`.
    fn render(&self, num_id: &str, ilvl: usize, counters: &mut Counters) -> Option<String> {
        let levels = self.levels.get(self.abstract_of.get(num_id)?)?;
        let level = levels.get(ilvl)?;
        if level.format == "none" || level.format == "bullet" {
            return None;
        }
        let values = counters.values.entry(num_id.to_string()).or_insert([0; 9]);
        values[ilvl] = if values[ilvl] == 0 {
            level.start
        } else {
            values[ilvl] + 1
        };
        for deeper in values.iter_mut().skip(ilvl + 1) {
            *deeper = 0;
        }
        let mut text = level.text.clone();
        for (i, l) in levels.iter().enumerate().take(ilvl + 1) {
            let value = if values[i] == 0 { l.start } else { values[i] };
            text = text.replace(&format!("%{}", i + 1), &format_number(value, &l.format));
        }
        if level.suffix == "space" {
            text.push(' ');
        }
        Some(text)
    }
}

fn format_number(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "taiwaneseCounting" => chinese_numeral(n),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map_or_else(|| n.to_string(), String::from)
        }
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c))
            .collect(),
        "decimalEnclosedParen" => format!("({n})"),
        "lowerLetter" => {
            char::from_u32('a' as u32 + (n - 1) % 26).map_or_else(String::new, String::from)
        }
        "upperLetter" => {
            char::from_u32('A' as u32 + (n - 1) % 26).map_or_else(String::new, String::from)
        }
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(body: &str) -> DocxText {
        let xml = format!(r#"<w:document xmlns:w="w"><w:body>{body}</w:body></w:document>"#);
        let mut out = DocxText::default();
        walk(
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

    #[test]
    fn numbering_formats() {
        assert_eq!(format_number(12, "chineseCounting"), "十二");
        assert_eq!(format_number(3, "decimalEnclosedCircleChinese"), "③");
        assert_eq!(format_number(7, "decimal"), "7");
    }
}
