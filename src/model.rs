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
    /// The document's parts in order, each a run of paragraphs of one region.
    pub regions: Vec<RegionSpan>,
    /// Asides inside prose paragraphs, sorted: URLs, Markdown link targets, a reprint's
    /// newspaper source note (`《 人民日报 》（ 2018年03月23日 01 版）`) and photo bylines
    /// (`本报记者 戴冰摄`). No rule reads them and no fix touches them.
    pub asides: Vec<Span>,
}

#[derive(Clone, Debug)]
pub struct Paragraph {
    /// The line without its indentation and line ending.
    pub span: Span,
    pub kind: ParagraphKind,
    /// The paragraph ends mid-sentence and the next one carries the sentence on: a page break
    /// of the original cut it in two (000:19 → 000:21).
    pub broken: bool,
    /// The part of the document the paragraph belongs to.
    pub region: Region,
}

/// A part of a document: where a line is decides which rules read it. Real documents arrive
/// with parts that are not the document's prose (collector front matter and notes, web-page
/// chrome, Markdown code and comments) and parts whose lines are not sentences (tables).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Region {
    /// A leading `---` … `---` block of `key: value` lines added by a collector or a
    /// static-site tool.
    FrontMatter,
    /// A collector's blockquote note (`> 本文正文由脚本…提取`).
    Note,
    /// Web-portal furniture: 【字体：大 中 小】, 打印本页, 关闭窗口, metadata tables, download links.
    Chrome,
    /// 发文机关标志, 发文字号, title, subtitle, speaker, 主送机关 / 称谓.
    Header,
    Body,
    /// A table flattened to one cell per line.
    Table,
    /// A caption or byline: `表1 主要指标`, `专栏2`, `（下转第四版）`, `…记者 王鼎 摄`.
    Caption,
    /// An annex (附件) after the main document: its numbering starts again.
    Annex,
    /// A 目录 whose lines repeat the chapter headings.
    Toc,
    /// The 名词解释 / 注释 glossary.
    Glossary,
    /// 特此通知, the issuing organ and the 成文日期, 抄送 and 印发 lines.
    Closing,
    /// A fenced Markdown code block.
    Code,
    /// A Markdown pipe table.
    MarkdownTable,
    /// An HTML comment (gwlint's own `<!-- gwlint-disable … -->` lines among them).
    Comment,
}

impl Region {
    /// Regions whose text is the document's own writing, read by punctuation, spacing and
    /// wording rules.
    pub fn is_prose(self) -> bool {
        matches!(
            self,
            Region::Header
                | Region::Body
                | Region::Table
                | Region::Caption
                | Region::Annex
                | Region::Glossary
                | Region::Closing
        )
    }

    /// Regions that hold running text: sentences, headings and their numbering.
    pub fn is_running_text(self) -> bool {
        matches!(self, Region::Body | Region::Annex)
    }

    pub fn name(self) -> &'static str {
        match self {
            Region::FrontMatter => "front-matter",
            Region::Note => "note",
            Region::Chrome => "chrome",
            Region::Header => "header",
            Region::Body => "body",
            Region::Table => "table",
            Region::Caption => "caption",
            Region::Annex => "annex",
            Region::Toc => "toc",
            Region::Glossary => "glossary",
            Region::Closing => "closing",
            Region::Code => "markdown-code",
            Region::MarkdownTable => "markdown-table",
            Region::Comment => "comment",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Region::FrontMatter => "前置元数据",
            Region::Note => "采集说明",
            Region::Chrome => "网页附带内容",
            Region::Header => "版头",
            Region::Body => "正文",
            Region::Table => "表格",
            Region::Caption => "图表题注",
            Region::Annex => "附件",
            Region::Toc => "目录",
            Region::Glossary => "名词解释",
            Region::Closing => "落款与版记",
            Region::Code => "代码块",
            Region::MarkdownTable => "Markdown 表格",
            Region::Comment => "注释（HTML）",
        }
    }
}

/// A run of consecutive paragraphs of one region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionSpan {
    pub region: Region,
    /// From the first paragraph's start to the last one's end.
    pub span: Span,
    /// Indices into `Document::paragraphs`.
    pub paragraphs: std::ops::Range<usize>,
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
    /// 第一条 of a 条例 or 办法: numbered on through the whole document.
    Article,
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
            Level::Article => "article",
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
            Level::Article => format!("第{}条", chinese_numeral(n)),
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
    /// Numbering restarts at each section: the main document is section 0, each annex
    /// (附件) the next one.
    pub section: u32,
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
    /// How the entries are keyed, and so what a reference to one looks like in the body.
    pub keys: GlossaryKeys,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GlossaryKeys {
    /// `①…`, `1、…`, `［1］…`: the body refers to an entry by its number (①, ［1］).
    Number,
    /// `“一网通办”：…` with no number: the body refers to an entry by its term.
    Term,
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
    /// The 文号 field of a collector's front matter, checked like a 发文字号 line.
    pub docnum_field: Option<Span>,
    /// 发文字号 cited in the running text (`根据《…》（沪府发〔2014〕14号）`): checked for their
    /// form, not for their place.
    pub cited_docnums: Vec<Span>,
    /// The 标题 field of a collector's front matter.
    pub title_field: Option<Span>,
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

    /// Each heading's parent: the nearest heading before it of a shallower level, in the same
    /// section.
    pub fn heading_parents(&self) -> Vec<Option<usize>> {
        let mut stack: Vec<usize> = Vec::new();
        self.headings
            .iter()
            .enumerate()
            .map(|(i, heading)| {
                if stack
                    .last()
                    .is_some_and(|&top| self.headings[top].section != heading.section)
                {
                    stack.clear();
                }
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

/// 1 → 一, 10 → 十, 21 → 二十一, 101 → 一百零一, 110 → 一百一十; beyond 999 the Arabic digits.
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
        100..=999 => {
            let rest = n % 100;
            let tail = match rest {
                0 => String::new(),
                1..=9 => format!("零{}", DIGITS[rest as usize]),
                10..=19 => format!("一{}", chinese_numeral(rest)),
                _ => chinese_numeral(rest),
            };
            format!("{}百{tail}", DIGITS[(n / 100) as usize])
        }
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
    if let Some((hundreds, rest)) = text.split_once('百') {
        let mut hundreds_chars = hundreds.chars();
        let h = match (hundreds_chars.next(), hundreds_chars.next()) {
            (Some(c), None) => digit(c)?,
            _ => return None,
        };
        let rest = rest.strip_prefix('零').unwrap_or(rest);
        let tail = match rest {
            "" => 0,
            _ if rest.starts_with('十') => parse_chinese_numeral(&format!("一{rest}"))?,
            _ => parse_chinese_numeral(rest)?,
        };
        return Some(h * 100 + tail);
    }
    // Up to four characters, without collecting them: three is the longest numeral here.
    let mut chars = text.chars();
    match [chars.next(), chars.next(), chars.next(), chars.next()] {
        [Some('十'), None, ..] => Some(10),
        [Some(c), None, ..] => digit(c),
        [Some('十'), Some(u), None, _] => Some(10 + digit(u)?),
        [Some(t), Some('十'), None, _] => Some(digit(t)? * 10),
        [Some(t), Some('十'), Some(u), None] => Some(digit(t)? * 10 + digit(u)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals_round_trip() {
        for n in 1..=999 {
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
