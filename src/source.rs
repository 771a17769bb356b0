//! Bytes to text: encoding detection (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK),
//! line endings, and a line index that maps byte offsets back to lines and character columns.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use encoding_rs::{
    Encoding as RsEncoding, BIG5, EUC_JP, EUC_KR, GB18030, GBK, SHIFT_JIS, UTF_16BE, UTF_16LE,
};

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
    memchr::memchr2(b'\n', b'\r', bytes)
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: 无法读取文件：{}", crate::io_error::reason(source))]
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
    #[error(
        "{path}: 文件是 UTF-8 编码，但{}；请用原始文件重新导出或修复后再检查",
        utf8_break(*offset, *truncated)
    )]
    BrokenUtf8 {
        path: PathBuf,
        offset: usize,
        /// The file ends inside a character.
        truncated: bool,
    },
    #[error(
        "{path}: 文件编码看来是 {}，gwlint 只读 UTF-8、UTF-16 和 GB18030/GBK；为免误读，未检查此文件，请先转换为 UTF-8（如 iconv -f {} -t UTF-8）",
        describe_encoding(encoding),
        encoding.name()
    )]
    Foreign {
        path: PathBuf,
        encoding: &'static RsEncoding,
    },
    #[error(
        "{path}: 无法确定文件编码：不是 UTF-8，按 GB18030/GBK 解码也不像中文文本；为免误读，未检查此文件，请先转换为 UTF-8"
    )]
    Uncertain { path: PathBuf },
    #[error("{path}: {source}")]
    Docx {
        path: PathBuf,
        #[source]
        source: crate::docx::DocxError,
    },
}

fn utf8_break(offset: usize, truncated: bool) -> String {
    if truncated {
        format!("在第 {offset} 字节处截断：最后一个字符不完整（文件可能没有传完或被截断）")
    } else {
        format!("第 {offset} 字节处不是有效的 UTF-8（文件可能已损坏或混入了其他编码的文字）")
    }
}

fn describe_encoding(encoding: &'static RsEncoding) -> String {
    let language = match encoding.name() {
        "Big5" => "繁体中文",
        "Shift_JIS" | "EUC-JP" => "日文",
        "EUC-KR" => "韩文",
        _ => return encoding.name().to_string(),
    };
    format!("{}（{language}）", encoding.name())
}

impl SourceError {
    pub fn path(&self) -> &Path {
        match self {
            SourceError::Io { path, .. }
            | SourceError::Binary { path, .. }
            | SourceError::Encoding { path, .. }
            | SourceError::BrokenUtf8 { path, .. }
            | SourceError::Foreign { path, .. }
            | SourceError::Uncertain { path }
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
            DecodeFailure::BrokenUtf8 { offset, truncated } => SourceError::BrokenUtf8 {
                path: path.to_path_buf(),
                offset,
                truncated,
            },
            DecodeFailure::Foreign(encoding) => SourceError::Foreign {
                path: path.to_path_buf(),
                encoding,
            },
            DecodeFailure::Uncertain => SourceError::Uncertain {
                path: path.to_path_buf(),
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
    BrokenUtf8 { offset: usize, truncated: bool },
    Foreign(&'static RsEncoding),
    Uncertain,
}

fn decode(bytes: Cow<[u8]>) -> Result<(String, Encoding), DecodeFailure> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        let mut bytes = bytes.into_owned();
        bytes.drain(..3);
        return utf8_string(bytes)
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
    // memchr's SIMD search: `[u8]::contains` looks at a word at a time.
    if let Some(offset) = memchr::memchr(0, &bytes) {
        return Err(DecodeFailure::Binary(offset));
    }
    // Owned UTF-8 becomes the text as it is; borrowed bytes are copied only once valid.
    let (bytes, utf8_error) = match bytes {
        Cow::Owned(bytes) => match utf8_string(bytes) {
            Ok(text) => return Ok((text, Encoding::Utf8)),
            Err(error) => (Cow::Owned(error.as_bytes().to_vec()), error.utf8_error()),
        },
        Cow::Borrowed(bytes) => match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => return Ok((text.to_owned(), Encoding::Utf8)),
            Err(_) => match std::str::from_utf8(bytes) {
                Ok(text) => return Ok((text.to_owned(), Encoding::Utf8)),
                Err(error) => (Cow::Borrowed(bytes), error),
            },
        },
    };
    // UTF-8 up to a break: a file that ends inside a character was truncated; before the
    // break, eight multi-byte characters are more than GBK pairs make by chance; and any of
    // them says which encoding broke when GB18030 fails too.
    let wide = bytes[..utf8_error.valid_up_to()]
        .iter()
        .filter(|&&b| b >= 0xC0)
        .count();
    let broken_utf8 = DecodeFailure::BrokenUtf8 {
        offset: utf8_error.valid_up_to(),
        truncated: utf8_error.error_len().is_none(),
    };
    if (utf8_error.error_len().is_none() && wide > 0) || wide >= 8 {
        return Err(broken_utf8);
    }
    let text =
        decode_strict(GB18030, &bytes)
            .map_err(|failure| if wide > 0 { broken_utf8 } else { failure })?;
    // Big5 and Shift_JIS text mostly decodes as GB18030 too, into the wrong characters: what
    // decoded is taken only when a statistical detector also reads the bytes as GBK.
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(&bytes[..bytes.len().min(DETECTOR_BYTES)], true);
    match detector.guess(None, chardetng::Utf8Detection::Deny) {
        guess if guess == GBK || guess == GB18030 => Ok((text, Encoding::Gb18030)),
        guess if [BIG5, SHIFT_JIS, EUC_JP, EUC_KR].contains(&guess) => {
            Err(DecodeFailure::Foreign(guess))
        }
        _ => Err(DecodeFailure::Uncertain),
    }
}

/// `bytes` as text if they are UTF-8, without a copy. The check runs with SIMD (simdutf8),
/// several times faster than the standard library's on Chinese text, where almost no byte is
/// ASCII; only bytes that fail are looked at again, for where they break.
fn utf8_string(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: simdutf8 has just checked that `bytes` are UTF-8.
        return Ok(unsafe { String::from_utf8_unchecked(bytes) });
    }
    String::from_utf8(bytes)
}

/// Bytes the encoding detector reads: plenty to tell the CJK encodings apart.
const DETECTOR_BYTES: usize = 1 << 20;

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
        let bytes = text.as_bytes();
        let mut starts: Vec<usize> = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1))
            .collect();
        if memchr::memchr(b'\r', bytes).is_some() {
            let lone = memchr::memchr_iter(b'\r', bytes)
                .map(|i| i + 1)
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
    fn big5_and_shift_jis_are_refused_not_misread() {
        let big5 = BIG5
            .encode("各區縣政府、市政府各部門:\n為進一步加強管理,現將有關事項通知如下。\n")
            .0;
        let error = read(&big5).unwrap_err();
        assert!(
            matches!(error, SourceError::Foreign { encoding, .. } if encoding == BIG5),
            "{error}"
        );
        assert!(error.to_string().contains("Big5（繁体中文）"), "{error}");
        let sjis = SHIFT_JIS
            .encode("各部署の皆様へ。本日の会議は午後三時から開催します。資料をご確認ください。")
            .0;
        assert!(matches!(
            read(&sjis),
            Err(SourceError::Foreign { encoding, .. }) if encoding == SHIFT_JIS
        ));
    }

    /// Every seed in GB18030 still reads as GB18030, and in Big5 is refused.
    #[test]
    fn seeds_in_gb18030_read_and_in_big5_are_refused() {
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        for entry in std::fs::read_dir(seeds).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let source = read(&Encoding::Gb18030.encode(&text)).unwrap();
            assert_eq!(source.encoding, Encoding::Gb18030);
            assert_eq!(source.text, text);
            assert!(matches!(
                read(&BIG5.encode(&text).0),
                Err(SourceError::Foreign { .. })
            ));
        }
    }

    #[test]
    fn broken_utf8_is_named_where_it_broke() {
        let text = "关于做好工作的通知\n正文内容。\n".as_bytes();
        let truncated = &text[..text.len() - 3];
        assert!(matches!(
            read(truncated),
            Err(SourceError::BrokenUtf8 {
                offset: 40,
                truncated: true,
                ..
            })
        ));
        let mut corrupt = text[..10].to_vec();
        corrupt.push(0xFF);
        corrupt.extend_from_slice(&text[10..]);
        let error = read(&corrupt).unwrap_err();
        assert!(
            matches!(
                error,
                SourceError::BrokenUtf8 {
                    offset: 9,
                    truncated: false,
                    ..
                }
            ),
            "{error}"
        );
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
