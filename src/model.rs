//! The document model: what the parser understood of a document. Every node carries a byte span
//! into the decoded text; line and column exist only in `report`.

use serde::Serialize;

use crate::diagnostic::Span;

#[derive(Clone, Debug)]
pub struct Document {
    pub text: String,
    /// Every non-blank line, in order. A line is a paragraph: extracted text puts one
    /// paragraph on a line, and a page break shows as a paragraph cut in two.
    pub paragraphs: Vec<Paragraph>,
    pub headings: Vec<Heading>,
    pub footnote_refs: Vec<FootnoteRef>,
    pub glossary: Option<Glossary>,
    pub meta: Metadata,
}

#[derive(Clone, Debug)]
pub struct Paragraph {
    /// The line without its indentation and line ending.
    pub span: Span,
    pub kind: ParagraphKind,
    /// The paragraph ends mid-sentence and the next one carries the sentence on: a page break
    /// of the original cut it in two (000:19 → 000:21).
    pub broken: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParagraphKind {
    /// 发文机关标志 and other lines above the 发文字号.
    Masthead,
    DocNumber,
    Title,
    /// A second, letter-spaced title (`政 府 工 作 报 告`, 004:4).
    Banner,
    Subtitle,
    Speaker,
    /// `各位代表：` in a speech, or the 主送机关 line of a 公文.
    Salutation,
    /// Portal metadata (`发布日期:`, `索引号 | …`).
    Metadata,
    /// Web-portal chrome (`扫一扫在手机打开当前页`).
    Portal,
    /// Index into `Document::headings`.
    Heading(usize),
    /// A paragraph opened by a circled number.
    ListItem,
    Body,
    GlossaryHeading,
    /// Index into `Glossary::entries`.
    GlossaryEntry(usize),
}

impl ParagraphKind {
    /// Lines whose text is a document's prose, as opposed to metadata and portal chrome.
    pub fn is_prose(self) -> bool {
        !matches!(self, ParagraphKind::Metadata | ParagraphKind::Portal)
    }

    pub fn name(self) -> &'static str {
        match self {
            ParagraphKind::Masthead => "masthead",
            ParagraphKind::DocNumber => "doc-number",
            ParagraphKind::Title => "title",
            ParagraphKind::Banner => "banner",
            ParagraphKind::Subtitle => "subtitle",
            ParagraphKind::Speaker => "speaker",
            ParagraphKind::Salutation => "salutation",
            ParagraphKind::Metadata => "metadata",
            ParagraphKind::Portal => "portal",
            ParagraphKind::Heading(_) => "heading",
            ParagraphKind::ListItem => "list-item",
            ParagraphKind::Body => "body",
            ParagraphKind::GlossaryHeading => "glossary-heading",
            ParagraphKind::GlossaryEntry(_) => "glossary-entry",
        }
    }
}

/// Heading levels in the order GB/T 9704-2012 7.3.3 nests them, with 第X部分 above and circled
/// list items below.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// 第一部分 / 第一章 / 第一篇 / 第一节
    Part,
    /// 一、
    L1,
    /// （一）
    L2,
    /// 1.
    L3,
    /// （1）
    L4,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Part => "part",
            Level::L1 => "level1",
            Level::L2 => "level2",
            Level::L3 => "level3",
            Level::L4 => "level4",
        }
    }

    /// The standard form of the level's token for ordinal `n`, as GB/T 9704-2012 writes it.
    pub fn standard_token(self, n: u32) -> String {
        match self {
            Level::Part => format!("第{}部分", chinese_numeral(n)),
            Level::L1 => format!("{}、", chinese_numeral(n)),
            Level::L2 => format!("（{}）", chinese_numeral(n)),
            Level::L3 => format!("{n}."),
            Level::L4 => format!("（{n}）"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Width {
    Full,
    Half,
    Mixed,
}

#[derive(Clone, Debug, Serialize)]
pub struct Heading {
    pub level: Level,
    pub ordinal: u32,
    /// The numbering token as written, e.g. `(一)` or `1、`.
    #[serde(skip)]
    pub token: Span,
    /// The delimiter after the numeral (`、` `.` `．`), or after the bracket for bracketed tokens;
    /// empty when there is none.
    #[serde(skip)]
    pub delimiter: Span,
    /// Bracket width of bracketed tokens.
    pub brackets: Option<Width>,
    /// The heading's own text: the whole line for a stand-alone heading, up to the first 。
    /// for a run-in one.
    #[serde(skip)]
    pub title: Span,
    /// The heading leads a paragraph (`（一）指导思想。在以…`).
    pub run_in: bool,
    /// Index into `Document::paragraphs`.
    #[serde(skip)]
    pub paragraph: usize,
}

#[derive(Clone, Debug)]
pub struct FootnoteRef {
    pub span: Span,
    pub number: u32,
}

#[derive(Clone, Debug)]
pub struct Glossary {
    pub heading: Span,
    pub entries: Vec<GlossaryEntry>,
}

#[derive(Clone, Debug)]
pub struct GlossaryEntry {
    pub span: Span,
    pub number: u32,
    /// The numbering token (`1、`, `①`).
    pub token: Span,
    pub term: Span,
    pub definition: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocType {
    /// 政府工作报告 and other 报告.
    Report,
    /// 工作要点, 工作计划.
    Workplan,
    /// 规划, 纲要.
    Plan,
    Notice,
    Opinion,
    Request,
    Other,
}

impl DocType {
    pub const ALL: [DocType; 7] = [
        DocType::Report,
        DocType::Workplan,
        DocType::Plan,
        DocType::Notice,
        DocType::Opinion,
        DocType::Request,
        DocType::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DocType::Report => "report",
            DocType::Workplan => "workplan",
            DocType::Plan => "plan",
            DocType::Notice => "notice",
            DocType::Opinion => "opinion",
            DocType::Request => "request",
            DocType::Other => "other",
        }
    }

    pub fn from_name(name: &str) -> Option<DocType> {
        DocType::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// A document date with the precision the text gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DocDate {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl DocDate {
    /// `2021`, `2021-03` or `2021-03-31`.
    pub fn parse(text: &str) -> Option<DocDate> {
        let mut parts = text.trim().split(['-', '/', '.']);
        let year = parts.next()?.parse().ok().filter(|y| *y >= 1900)?;
        let month = parts.next().map(str::parse).transpose().ok()?;
        let day = parts.next().map(str::parse).transpose().ok()?;
        if parts.next().is_some()
            || month.is_some_and(|m: u8| !(1..=12).contains(&m))
            || day.is_some_and(|d: u8| !(1..=31).contains(&d))
        {
            return None;
        }
        Some(DocDate { year, month, day })
    }
}

impl std::fmt::Display for DocDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
        }
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

#[derive(Clone, Debug, Default)]
pub struct Metadata {
    pub title: Option<Span>,
    pub subtitle: Option<Span>,
    pub speaker: Option<Span>,
    pub salutation: Option<Span>,
    pub docnum: Option<Span>,
    pub doc_type: Option<DocType>,
    /// A mid-year or summary report (上半年, 半年, 总结), exempt from annual-report requirements.
    pub midyear: bool,
    pub date: Option<DocDate>,
}

impl Document {
    /// The paragraph holding byte `offset`, if any.
    pub fn paragraph_at(&self, offset: usize) -> Option<&Paragraph> {
        let i = self
            .paragraphs
            .partition_point(|p| p.span.end < offset)
            .min(self.paragraphs.len());
        self.paragraphs
            .get(i)
            .filter(|p| p.span.start <= offset && offset <= p.span.end)
    }

    /// Each heading's parent: the nearest heading before it of a shallower level.
    pub fn heading_parents(&self) -> Vec<Option<usize>> {
        let mut stack: Vec<usize> = Vec::new();
        self.headings
            .iter()
            .enumerate()
            .map(|(i, heading)| {
                while stack
                    .last()
                    .is_some_and(|&top| self.headings[top].level >= heading.level)
                {
                    stack.pop();
                }
                let parent = stack.last().copied();
                stack.push(i);
                parent
            })
            .collect()
    }

    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }
}

/// 1 → 一, 10 → 十, 21 → 二十一; beyond 99 the Arabic digits.
pub fn chinese_numeral(n: u32) -> String {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10..=19 => format!(
            "十{}",
            if n > 10 {
                DIGITS[n as usize - 10].to_string()
            } else {
                String::new()
            }
        ),
        20..=99 => {
            let unit = if n % 10 == 0 {
                String::new()
            } else {
                DIGITS[(n % 10) as usize].to_string()
            };
            format!("{}十{unit}", DIGITS[(n / 10) as usize])
        }
        _ => n.to_string(),
    }
}

/// 一 → 1, 十 → 10, 二十一 → 21.
pub fn parse_chinese_numeral(text: &str) -> Option<u32> {
    let digit = |c: char| {
        "一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|i| i as u32 + 1)
    };
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals_round_trip() {
        for n in 1..=99 {
            assert_eq!(parse_chinese_numeral(&chinese_numeral(n)), Some(n), "{n}");
        }
        assert_eq!(chinese_numeral(14), "十四");
        assert_eq!(parse_chinese_numeral("十一十"), None);
    }

    #[test]
    fn dates_parse_with_their_precision() {
        assert_eq!(
            DocDate::parse("2021-03-31"),
            Some(DocDate {
                year: 2021,
                month: Some(3),
                day: Some(31)
            })
        );
        assert_eq!(DocDate::parse("2021").unwrap().to_string(), "2021");
        assert_eq!(DocDate::parse("2021-13"), None);
    }
}
