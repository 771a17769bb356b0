//! Bytes to text: encoding detection (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK),
//! line endings, and a line index that maps byte offsets back to lines and character columns.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use encoding_rs::{Encoding as RsEncoding, GB18030, UTF_16BE, UTF_16LE};

/// The encoding a file was read in; it is also the encoding `--fix` writes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
    /// Text extracted from a Word .docx package; never written back.
    Docx,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Gb18030 => "gb18030",
            Encoding::Docx => "docx",
        }
    }

    /// The bytes of `text` in this encoding, BOM included.
    pub fn encode(self, text: &str) -> Vec<u8> {
        match self {
            Encoding::Utf8 => text.as_bytes().to_vec(),
            Encoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
            Encoding::Utf16Le => std::iter::once(0xFEFF)
                .chain(text.encode_utf16())
                .flat_map(u16::to_le_bytes)
                .collect(),
            Encoding::Utf16Be => std::iter::once(0xFEFF)
                .chain(text.encode_utf16())
                .flat_map(u16::to_be_bytes)
                .collect(),
            Encoding::Gb18030 => GB18030.encode(text).0.into_owned(),
            // A .docx is never rewritten from its extracted text (`--fix` refuses it); this
            // only serves `--diff`-like views of the text.
            Encoding::Docx => text.as_bytes().to_vec(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    CrLf,
    Cr,
}

impl LineEnding {
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "lf",
            LineEnding::CrLf => "crlf",
            LineEnding::Cr => "cr",
        }
    }

    /// The first line ending in `text`; a file without one counts as LF.
    fn detect(text: &str) -> Self {
        match memchr_any(text.as_bytes()) {
            Some(i) if text.as_bytes()[i] == b'\n' => LineEnding::Lf,
            Some(i) if text.as_bytes().get(i + 1) == Some(&b'\n') => LineEnding::CrLf,
            Some(_) => LineEnding::Cr,
            None => LineEnding::Lf,
        }
    }
}

fn memchr_any(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n' || b == b'\r')
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: 无法读取文件：{source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: 这是二进制文件（第 {offset} 字节处有 NUL 字符），不是文本文档")]
    Binary { path: PathBuf, offset: usize },
    #[error(
        "{path}: 无法识别文件编码：既不是 UTF-8，也不是 GB18030/GBK（第 {offset} 字节处解码失败）"
    )]
    Encoding { path: PathBuf, offset: usize },
    #[error("{path}: {source}")]
    Docx {
        path: PathBuf,
        #[source]
        source: crate::docx::DocxError,
    },
}

impl SourceError {
    pub fn path(&self) -> &Path {
        match self {
            SourceError::Io { path, .. }
            | SourceError::Binary { path, .. }
            | SourceError::Encoding { path, .. }
            | SourceError::Docx { path, .. } => path,
        }
    }
}

/// One document's text as gwlint reads it. The text keeps the file's own line endings so that
/// byte offsets and fixes map straight back to the original.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    pub encoding: Encoding,
    pub line_ending: LineEnding,
    /// For a .docx: where each line of `text` comes from in the XML.
    pub docx: Option<std::sync::Arc<crate::docx::DocxText>>,
}

impl SourceFile {
    pub fn read(path: &Path) -> Result<Self, SourceError> {
        let bytes = std::fs::read(path).map_err(|source| SourceError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::decode_from(path, Cow::Owned(bytes))
    }

    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Self, SourceError> {
        Self::decode_from(path, Cow::Borrowed(bytes))
    }

    /// Owned bytes in UTF-8 become the text without a copy.
    fn decode_from(path: &Path, bytes: Cow<[u8]>) -> Result<Self, SourceError> {
        if is_docx_path(path) || crate::docx::is_zip(&bytes) {
            let docx = crate::docx::extract(&bytes).map_err(|source| SourceError::Docx {
                path: path.to_path_buf(),
                source,
            })?;
            return Ok(SourceFile {
                path: path.to_path_buf(),
                text: docx.text.clone(),
                encoding: Encoding::Docx,
                line_ending: LineEnding::Lf,
                docx: Some(std::sync::Arc::new(docx)),
            });
        }
        let (text, encoding) = decode(bytes).map_err(|failure| match failure {
            DecodeFailure::Binary(offset) => SourceError::Binary {
                path: path.to_path_buf(),
                offset,
            },
            DecodeFailure::Unknown(offset) => SourceError::Encoding {
                path: path.to_path_buf(),
                offset,
            },
        })?;
        Ok(SourceFile {
            path: path.to_path_buf(),
            line_ending: LineEnding::detect(&text),
            text,
            encoding,
            docx: None,
        })
    }
}

pub fn is_docx_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("docx"))
}

enum DecodeFailure {
    Binary(usize),
    Unknown(usize),
}

fn decode(bytes: Cow<[u8]>) -> Result<(String, Encoding), DecodeFailure> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        let mut bytes = bytes.into_owned();
        bytes.drain(..3);
        return String::from_utf8(bytes)
            .map(|text| (text, Encoding::Utf8Bom))
            .map_err(|error| DecodeFailure::Unknown(error.utf8_error().valid_up_to()));
    }
    // UTF-16 is only taken with a BOM: without one, its NUL bytes make it indistinguishable
    // from a binary file, and guessing silently is worse than saying so.
    for (bom, encoding, rs) in [
        ([0xFF, 0xFE], Encoding::Utf16Le, UTF_16LE),
        ([0xFE, 0xFF], Encoding::Utf16Be, UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(&bom) {
            return decode_strict(rs, rest).map(|text| (text, encoding));
        }
    }
    if bytes.contains(&0) {
        let offset = bytes.iter().position(|&b| b == 0).expect("a NUL byte");
        return Err(DecodeFailure::Binary(offset));
    }
    // Owned UTF-8 becomes the text as it is; borrowed bytes are copied only once valid.
    let bytes = match bytes {
        Cow::Owned(bytes) => match String::from_utf8(bytes) {
            Ok(text) => return Ok((text, Encoding::Utf8)),
            Err(error) => Cow::Owned(error.into_bytes()),
        },
        Cow::Borrowed(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => return Ok((text.to_owned(), Encoding::Utf8)),
            Err(_) => Cow::Borrowed(bytes),
        },
    };
    decode_strict(GB18030, &bytes).map(|text| (text, Encoding::Gb18030))
}

fn decode_strict(encoding: &'static RsEncoding, bytes: &[u8]) -> Result<String, DecodeFailure> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len() * 3);
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(text),
        _ => Err(DecodeFailure::Unknown(read)),
    }
}

/// Bytes between two character-count checkpoints of `LineIndex`: a column costs at most this
/// much counting, however long its line.
const CHECKPOINT: usize = 1024;

/// Byte offsets of line starts; lines end at `\n`, `\r\n` or a lone `\r`.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// `(byte, characters before it)` at the first char boundary at or after every
    /// `CHECKPOINT` bytes; empty when no line is longer than that (columns are then counted
    /// from the line start).
    checkpoints: Vec<(usize, usize)>,
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        if text.contains('\r') {
            let bytes = text.as_bytes();
            let lone = text
                .match_indices('\r')
                .map(|(i, _)| i + 1)
                .filter(|&i| bytes.get(i) != Some(&b'\n'));
            let before = starts.len();
            starts.extend(lone);
            if starts.len() > before {
                starts.sort_unstable();
            }
        }
        let longest = starts
            .windows(2)
            .map(|w| w[1] - w[0])
            .chain(starts.last().map(|&last| text.len() - last))
            .max()
            .unwrap_or(0);
        let mut checkpoints = Vec::new();
        if longest > CHECKPOINT {
            let (mut byte, mut chars) = (0, 0);
            for k in 0..=text.len() / CHECKPOINT {
                let mut at = k * CHECKPOINT;
                while !text.is_char_boundary(at) {
                    at += 1;
                }
                chars += text[byte..at].chars().count();
                byte = at;
                checkpoints.push((byte, chars));
            }
        }
        LineIndex {
            starts,
            checkpoints,
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line - 1]
    }

    /// Where the content of 1-based `line` ends: at its terminator, or at the end of the text.
    pub fn line_end(&self, text: &str, line: usize) -> usize {
        let Some(&next) = self.starts.get(line) else {
            return text.len();
        };
        let bytes = text.as_bytes();
        let end = next - 1;
        if bytes[end] == b'\n' && end > self.starts[line - 1] && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        }
    }

    /// The 1-based line of `offset`.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }

    pub fn line_col(&self, text: &str, offset: usize) -> LineColumn {
        let line = self.line(offset);
        let start = self.starts[line - 1];
        let column = if offset - start <= 2 * CHECKPOINT || self.checkpoints.is_empty() {
            text[start..offset].chars().count()
        } else {
            self.chars_before(text, offset) - self.chars_before(text, start)
        };
        LineColumn {
            line,
            column: column + 1,
        }
    }

    /// Characters in `text[..offset]`, counted from the nearest checkpoint.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let mut k = (offset / CHECKPOINT).min(self.checkpoints.len() - 1);
        while self.checkpoints[k].0 > offset {
            k -= 1;
        }
        let (byte, chars) = self.checkpoints[k];
        chars + text[byte..offset].chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<SourceFile, SourceError> {
        SourceFile::from_bytes(Path::new("t.txt"), bytes)
    }

    #[test]
    fn detects_each_encoding() {
        let text = "嘉菊委〔2021〕1号\n";
        assert_eq!(read(text.as_bytes()).unwrap().encoding, Encoding::Utf8);
        for encoding in [
            Encoding::Utf8Bom,
            Encoding::Utf16Le,
            Encoding::Utf16Be,
            Encoding::Gb18030,
        ] {
            let source = read(&encoding.encode(text)).unwrap();
            assert_eq!(source.encoding, encoding);
            assert_eq!(source.text, text);
        }
    }

    #[test]
    fn binary_and_undecodable_input_are_errors() {
        assert!(matches!(
            read(b"abc\0def"),
            Err(SourceError::Binary { offset: 3, .. })
        ));
        // 0xFF never appears in GB18030.
        assert!(matches!(
            read(b"ok \xFF\xFF"),
            Err(SourceError::Encoding { .. })
        ));
    }

    #[test]
    fn empty_file_is_text() {
        assert_eq!(read(b"").unwrap().text, "");
    }

    #[test]
    fn line_endings() {
        assert_eq!(read(b"a\r\nb").unwrap().line_ending, LineEnding::CrLf);
        assert_eq!(read(b"a\rb").unwrap().line_ending, LineEnding::Cr);
        assert_eq!(read(b"a\nb").unwrap().line_ending, LineEnding::Lf);
    }

    #[test]
    fn line_columns_count_characters() {
        let text = "第一行\r\n第二，行\r第三";
        let index = LineIndex::new(text);
        let offset = text.find('，').unwrap();
        assert_eq!(
            index.line_col(text, offset),
            LineColumn { line: 2, column: 3 }
        );
        let offset = text.find("三").unwrap();
        assert_eq!(
            index.line_col(text, offset),
            LineColumn { line: 3, column: 2 }
        );
        assert_eq!(index.line_end(text, 1), "第一行".len());
        assert_eq!(
            index.line_end(text, 2),
            text.find('\r').unwrap() + 2 + "第二，行".len()
        );
        assert_eq!(index.line_end(text, 3), text.len());
    }

    #[test]
    fn columns_on_long_lines_match_counting() {
        let line: String = "第a二，".repeat(2000);
        let text = format!("x\r\n{line}\r{line}\n\n{line}");
        let index = LineIndex::new(&text);
        assert!(!index.checkpoints.is_empty());
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.char_indices().filter_map(|(i, c)| {
                let next = text.as_bytes().get(i + 1);
                (c == '\n' || (c == '\r' && next != Some(&b'\n'))).then_some(i + 1)
            }))
            .collect();
        for (offset, _) in text.char_indices().step_by(7).chain([(text.len(), ' ')]) {
            let line = starts.partition_point(|&s| s <= offset);
            let column = text[starts[line - 1]..offset].chars().count() + 1;
            assert_eq!(index.line_col(&text, offset), LineColumn { line, column });
        }
    }
}
