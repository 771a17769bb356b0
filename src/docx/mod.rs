//! .docx input: reading the package, the text a reader sees (`text`), Word's automatic
//! numbering (`numbering`), and a copy with findings as review comments (`annotate`). Every part
//! is read through one walker (`walk`), so all of them number paragraphs and runs alike.

mod annotate;
mod numbering;
mod text;
mod walk;

use std::io::{Read, Seek};

pub use annotate::{annotate, AnnotateError};
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Document,
    Footnotes,
}

impl Part {
    fn error(self, e: impl std::fmt::Display) -> DocxError {
        DocxError::Xml {
            part: match self {
                Part::Document => DOCUMENT,
                Part::Footnotes => FOOTNOTES,
            },
            message: e.to_string(),
        }
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
    zip::ZipArchive::new(reader).map_err(|e| DocxError::Zip(e.to_string()))
}

pub fn read_part<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    name: &str,
) -> Result<Option<String>, DocxError> {
    let mut file = match archive.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(DocxError::Zip(e.to_string())),
    };
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|e| DocxError::Zip(format!("{name}: {e}")))?;
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
    Ok(out)
}
