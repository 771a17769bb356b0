//! .docx input: reading the package, the text a reader sees (`text`), Word's automatic
//! numbering (`numbering`), the page's resolved formatting (`layout`, over `styles`, `props`
//! and `section`), and a copy with findings as review comments (`annotate`). Every part is read
//! through one walker (`walk`), so all of them number paragraphs and runs alike. `generate`
//! builds .docx files for fixtures and rule examples.

mod annotate;
pub mod generate;
pub mod layout;
mod numbering;
pub mod props;
pub mod section;
mod styles;
mod text;
mod walk;

use std::io::{Read, Seek};

pub use annotate::{annotate, AnnotateError};
pub use layout::Layout;
pub use text::{DocxText, Origin, ParagraphMap, Piece};

use numbering::{Counters, Numbering};

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

/// Chinese type sizes (字号) in half-points, largest first.
pub const SIZE_NAMES: &[(&str, u32)] = &[
    ("初号", 84),
    ("小初", 72),
    ("一号", 52),
    ("小一", 48),
    ("二号", 44),
    ("小二", 36),
    ("三号", 32),
    ("小三", 30),
    ("四号", 28),
    ("小四", 24),
    ("五号", 21),
    ("小五", 18),
    ("六号", 15),
    ("小六", 13),
    ("七号", 11),
    ("八号", 10),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Document,
    Footnotes,
}

impl Part {
    fn error(self, e: impl Into<quick_xml::Error>) -> DocxError {
        DocxError::Xml {
            part: match self {
                Part::Document => DOCUMENT,
                Part::Footnotes => FOOTNOTES,
            },
            message: xml_reason(&e.into()),
        }
    }
}

/// What is wrong with a part's XML, in words for the user (quick-xml's are English).
fn xml_reason(error: &quick_xml::Error) -> String {
    match error {
        quick_xml::Error::Io(error) => crate::io_error::reason(error),
        quick_xml::Error::Syntax(_) | quick_xml::Error::IllFormed(_) => {
            "XML 结构不完整或标签不配对".into()
        }
        quick_xml::Error::Encoding(_) => "XML 中有无效的字符编码".into(),
        quick_xml::Error::Escape(_) => "XML 中有无效的转义（&…;）".into(),
        _ => "XML 无法解析".into(),
    }
}

/// What went wrong in a zip package, in words for the user (the zip crate's are English).
pub fn zip_reason(error: &zip::result::ZipError) -> String {
    use zip::result::ZipError;
    match error {
        ZipError::Io(error) => crate::io_error::reason(error),
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
        .map_err(|e| DocxError::Zip(format!("{name}: {}", crate::io_error::reason(&e))))?;
    Ok(Some(text))
}

/// Extracts the text of a .docx held in `bytes`: the document, then its footnotes.
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
    text::read(
        &document,
        Part::Document,
        &numbering,
        &mut counters,
        &mut out,
    )?;
    if let Some(footnotes) = read_part(&mut archive, FOOTNOTES)? {
        text::read(
            &footnotes,
            Part::Footnotes,
            &numbering,
            &mut counters,
            &mut out,
        )?;
    }
    // A page that cannot be read still leaves its text to check.
    out.layout = layout::read(&mut archive, &document).ok();
    Ok(out)
}
