//! Text to `Document`: the pest line grammar (grammar/gongwen.pest) classifies each line, and
//! this module puts the lines in context: header block, title, headings, glossary, footnote
//! references, page breaks, document type and date. Parsing never fails: a line that fits no
//! structure is a body paragraph.

use std::sync::OnceLock;

use pest::iterators::Pair;
use pest::Parser;
use regex::Regex;

use crate::diagnostic::Span;
use crate::model::*;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/gongwen.pest"]
struct GongwenParser;

/// What the grammar says of one line.
#[derive(Clone, Debug)]
enum LineKind {
    Blank,
    Metadata,
    Portal,
    GlossaryHeading,
    DocNumber(Span),
    Heading(Token),
    Circled(u32),
    Dash,
    Text,
}

#[derive(Clone, Debug)]
struct Token {
    level: Level,
    ordinal: u32,
    token: Span,
    delimiter: Span,
    brackets: Option<Width>,
    /// Where the heading's text starts, after the token and any spaces.
    text_start: usize,
}

#[derive(Clone, Debug)]
struct Line {
    /// Without indentation and line ending.
    span: Span,
    kind: LineKind,
}

/// Parses a document. `text` is kept in the returned model.
pub fn parse(text: String) -> Document {
    let lines = lex(&text);
    let mut document = Assembler::new(&text, lines).finish();
    document.text = text;
    document
}

fn lex(text: &str) -> Vec<Line> {
    let Ok(mut pairs) = GongwenParser::parse(Rule::document, text) else {
        // The grammar ends in a catch-all line, so this is unreachable; if it ever is not,
        // every line is still a body paragraph.
        return fallback_lines(text);
    };
    let document = pairs.next().expect("document pair");
    document
        .into_inner()
        .filter(|pair| pair.as_rule() != Rule::EOI)
        .map(line)
        .collect()
}

fn fallback_lines(text: &str) -> Vec<Line> {
    let mut offset = 0;
    text.split_inclusive('\n')
        .map(|raw| {
            let content = raw.trim_end_matches(['\r', '\n']);
            let span = Span::new(offset, offset + content.len());
            offset += raw.len();
            let kind = if content.trim().is_empty() {
                LineKind::Blank
            } else {
                LineKind::Text
            };
            Line { span, kind }
        })
        .collect()
}

fn span_of(pair: &Pair<Rule>) -> Span {
    Span::new(pair.as_span().start(), pair.as_span().end())
}

fn line(pair: Pair<Rule>) -> Line {
    let whole = span_of(&pair);
    let rule = pair.as_rule();
    let mut inner = pair.into_inner().peekable();
    // Every alternative but blank_line opens with `indent`.
    let start = match inner.peek() {
        Some(p) if p.as_rule() == Rule::indent => span_of(p).end,
        _ => whole.start,
    };
    let span = Span::new(start, whole.end);
    let kind = match rule {
        Rule::blank_line => LineKind::Blank,
        Rule::metadata_line => LineKind::Metadata,
        Rule::portal_line => LineKind::Portal,
        Rule::glossary_heading => LineKind::GlossaryHeading,
        Rule::docnum_line => inner
            .find(|p| matches!(p.as_rule(), Rule::docnum | Rule::order_number))
            .map_or(LineKind::Text, |p| LineKind::DocNumber(span_of(&p))),
        Rule::heading => heading_token(inner).map_or(LineKind::Text, LineKind::Heading),
        Rule::circled_item => inner
            .find(|p| p.as_rule() == Rule::circled)
            .and_then(|p| p.as_str().chars().next())
            .and_then(circled_number)
            .map_or(LineKind::Text, LineKind::Circled),
        Rule::dash_line => LineKind::Dash,
        _ => LineKind::Text,
    };
    Line { span, kind }
}

fn heading_token<'a>(pairs: impl Iterator<Item = Pair<'a, Rule>>) -> Option<Token> {
    let mut token: Option<Token> = None;
    for pair in pairs {
        match pair.as_rule() {
            Rule::part_token
            | Rule::cn_token
            | Rule::paren_cn_token
            | Rule::paren_arabic_token
            | Rule::arabic_token => token = Some(token_parts(pair)?),
            Rule::gap => {
                if let Some(t) = token.as_mut() {
                    t.text_start = span_of(&pair).end;
                }
            }
            _ => {}
        }
    }
    token
}

fn token_parts(pair: Pair<Rule>) -> Option<Token> {
    let rule = pair.as_rule();
    let token = span_of(&pair);
    let level = match rule {
        Rule::part_token => Level::Part,
        Rule::cn_token => Level::L1,
        Rule::paren_cn_token => Level::L2,
        Rule::paren_arabic_token => Level::L4,
        _ => Level::L3,
    };
    let mut ordinal = None;
    let mut delimiter = Span::new(token.end, token.end);
    let (mut open, mut close) = (None, None);
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::cn_numeral => ordinal = parse_chinese_numeral(part.as_str()),
            Rule::arabic => ordinal = part.as_str().parse().ok(),
            Rule::cn_delim | Rule::arabic_delim | Rule::arabic_dun | Rule::trailing_delim => {
                delimiter = span_of(&part)
            }
            Rule::open_paren => open = Some(part.as_str() == "（"),
            Rule::close_paren => {
                close = Some(part.as_str() == "）");
                if open.is_none() {
                    // `1）`: the bracket is the delimiter.
                    delimiter = span_of(&part);
                }
            }
            _ => {}
        }
    }
    let brackets = match (open, close) {
        (Some(true), Some(true)) => Some(Width::Full),
        (Some(false), Some(false)) => Some(Width::Half),
        (Some(_), Some(_)) => Some(Width::Mixed),
        _ => None,
    };
    Some(Token {
        level,
        ordinal: ordinal?,
        token,
        delimiter,
        brackets,
        text_start: token.end,
    })
}

pub fn circled_number(c: char) -> Option<u32> {
    let c = c as u32;
    match c {
        0x2460..=0x2473 => Some(c - 0x2460 + 1),
        0x3251..=0x325F => Some(c - 0x3251 + 21),
        0x32B1..=0x32BF => Some(c - 0x32B1 + 36),
        _ => None,
    }
}

fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("built-in regex"))
}

fn full_date_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
}

fn year_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, r"(\d{4})\s*年")
}

fn iso_date_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, r"\d{4}-\d{1,2}-\d{1,2}")
}

fn circled_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, "[\u{2460}-\u{2473}\u{3251}-\u{325F}\u{32B1}-\u{32BF}]")
}

/// Marks that may end a paragraph; a paragraph ending in anything else was cut.
const TERMINAL: &[char] = &[
    '。', '！', '？', '；', '：', '…', '”', '’', '」', '』', '）', '》', '〕', '】', '!', '?', ';',
    ':', ')', ']', '.', '—',
];

struct Assembler<'t> {
    text: &'t str,
    lines: Vec<Line>,
    paragraphs: Vec<Paragraph>,
    /// For each paragraph, its line's grammar kind.
    kinds: Vec<LineKind>,
    meta: Metadata,
}

impl<'t> Assembler<'t> {
    fn new(text: &'t str, lines: Vec<Line>) -> Self {
        Assembler {
            text,
            lines,
            paragraphs: Vec::new(),
            kinds: Vec::new(),
            meta: Metadata::default(),
        }
    }

    fn slice(&self, span: Span) -> &'t str {
        &self.text[span.start..span.end]
    }

    /// The document, all but its text, which the caller moves in.
    fn finish(mut self) -> Document {
        for line in std::mem::take(&mut self.lines) {
            if matches!(line.kind, LineKind::Blank) {
                continue;
            }
            let span = trim_end(self.text, line.span);
            let kind = match line.kind {
                LineKind::Metadata => ParagraphKind::Metadata,
                LineKind::Portal => ParagraphKind::Portal,
                LineKind::Circled(_) => ParagraphKind::ListItem,
                _ => ParagraphKind::Body,
            };
            self.paragraphs.push(Paragraph {
                span,
                kind,
                broken: false,
            });
            self.kinds.push(line.kind);
        }
        let body_start = self.header();
        let glossary = self.glossary(body_start);
        let headings = self.headings(body_start);
        self.page_breaks();
        self.doc_type();
        self.date();
        let footnote_refs = self.footnote_refs();
        Document {
            paragraphs: self.paragraphs,
            headings,
            footnote_refs,
            glossary,
            meta: self.meta,
            text: String::new(),
        }
    }

    /// Classifies the header block (masthead, 发文字号, title, banner, subtitle, speaker,
    /// salutation) and returns the index of the first paragraph after it.
    fn header(&mut self) -> usize {
        let substantive: Vec<usize> = (0..self.paragraphs.len())
            .filter(|&i| self.paragraphs[i].kind.is_prose())
            .take(8)
            .collect();
        let docnum = substantive
            .iter()
            .position(|&i| matches!(self.kinds[i], LineKind::DocNumber(_)));
        let mut candidates = substantive.into_iter();
        if let Some(position) = docnum {
            for i in candidates.by_ref().take(position + 1) {
                if let LineKind::DocNumber(span) = self.kinds[i] {
                    self.paragraphs[i].kind = ParagraphKind::DocNumber;
                    self.meta.docnum = Some(span);
                } else {
                    self.paragraphs[i].kind = ParagraphKind::Masthead;
                }
            }
        }
        let Some(title) = candidates.next() else {
            return 0;
        };
        let title_text = self.slice(self.paragraphs[title].span);
        let title_like = matches!(self.kinds[title], LineKind::Text)
            && title_text.chars().count() <= 80
            && !title_text.ends_with(['。', '；', '，', '：', ':']);
        if !title_like {
            return title;
        }
        self.paragraphs[title].kind = ParagraphKind::Title;
        self.meta.title = Some(self.paragraphs[title].span);
        let mut next = title + 1;
        while next < self.paragraphs.len() {
            let paragraph = &self.paragraphs[next];
            if !paragraph.kind.is_prose() {
                next += 1;
                continue;
            }
            let content = self.slice(paragraph.span);
            let chars = content.chars().count();
            let kind = &self.kinds[next];
            let new_kind = if let LineKind::DocNumber(span) = kind {
                self.meta.docnum = Some(*span);
                ParagraphKind::DocNumber
            } else if self.meta.subtitle.is_none() && is_banner(content) {
                ParagraphKind::Banner
            } else if self.meta.subtitle.is_none()
                && chars <= 80
                && matches!(kind, LineKind::Dash)
                && (full_date_re().is_match(content) || content.contains("会议"))
            {
                self.meta.subtitle = Some(paragraph.span);
                ParagraphKind::Subtitle
            } else if self.meta.subtitle.is_some()
                && self.meta.speaker.is_none()
                && self.meta.salutation.is_none()
                && matches!(kind, LineKind::Text)
                && chars <= 30
                && !content.contains(['，', ',', '。', '：', ':', '；'])
            {
                self.meta.speaker = Some(paragraph.span);
                ParagraphKind::Speaker
            } else if self.meta.salutation.is_none()
                && matches!(kind, LineKind::Text)
                && chars <= 60
                && content.ends_with(['：', ':'])
                && !content.contains('。')
            {
                self.meta.salutation = Some(paragraph.span);
                ParagraphKind::Salutation
            } else {
                break;
            };
            self.paragraphs[next].kind = new_kind;
            next += 1;
        }
        next
    }

    /// Finds the 名词解释 glossary and turns its numbered lines into entries.
    fn glossary(&mut self, body_start: usize) -> Option<Glossary> {
        let heading = (body_start..self.paragraphs.len())
            .find(|&i| matches!(self.kinds[i], LineKind::GlossaryHeading))?;
        let mut entries = Vec::new();
        let mut i = heading + 1;
        while i < self.paragraphs.len() {
            let span = self.paragraphs[i].span;
            let entry = match &self.kinds[i] {
                LineKind::Heading(token) if matches!(token.level, Level::L3 | Level::L4) => {
                    Some((token.ordinal, token.token, token.text_start))
                }
                LineKind::Circled(n) => {
                    let c = self.slice(span).chars().next().map_or(0, char::len_utf8);
                    Some((*n, Span::new(span.start, span.start + c), span.start + c))
                }
                LineKind::Text | LineKind::Dash => None,
                _ => break,
            };
            match entry {
                Some((number, token, text_start)) => {
                    let rest = Span::new(text_start, span.end);
                    let (term, definition) = match self.slice(rest).find(['：', ':']) {
                        Some(colon) => {
                            let colon_len = self.slice(rest)[colon..]
                                .chars()
                                .next()
                                .map_or(1, char::len_utf8);
                            (
                                Span::new(rest.start, rest.start + colon),
                                Span::new(rest.start + colon + colon_len, rest.end),
                            )
                        }
                        None => (rest, Span::new(rest.end, rest.end)),
                    };
                    self.paragraphs[i].kind = ParagraphKind::GlossaryEntry(entries.len());
                    entries.push(GlossaryEntry {
                        span,
                        number,
                        token,
                        term,
                        definition,
                    });
                }
                // A definition that runs on to another paragraph.
                None if !entries.is_empty() => {
                    self.paragraphs[i].kind = ParagraphKind::GlossaryEntry(entries.len() - 1)
                }
                None => break,
            }
            i += 1;
        }
        if entries.is_empty() {
            return None;
        }
        self.paragraphs[heading].kind = ParagraphKind::GlossaryHeading;
        Some(Glossary {
            heading: self.paragraphs[heading].span,
            entries,
        })
    }

    fn headings(&mut self, body_start: usize) -> Vec<Heading> {
        let mut headings = Vec::new();
        for i in body_start..self.paragraphs.len() {
            if self.paragraphs[i].kind != ParagraphKind::Body {
                continue;
            }
            let LineKind::Heading(token) = &self.kinds[i] else {
                continue;
            };
            let span = self.paragraphs[i].span;
            let rest = Span::new(token.text_start, span.end);
            let rest_text = self.slice(rest);
            let (title, run_in) = match rest_text.find('。') {
                Some(stop) if !rest_text[stop + '。'.len_utf8()..].trim().is_empty() => {
                    (Span::new(rest.start, rest.start + stop), true)
                }
                _ => (rest, false),
            };
            self.paragraphs[i].kind = ParagraphKind::Heading(headings.len());
            headings.push(Heading {
                level: token.level,
                ordinal: token.ordinal,
                token: token.token,
                delimiter: token.delimiter,
                brackets: token.brackets,
                title,
                run_in,
                paragraph: i,
            });
        }
        headings
    }

    /// A body paragraph (or run-in heading) that ends without a terminal mark and is followed
    /// by a body paragraph was cut by a page break.
    fn page_breaks(&mut self) {
        for i in 0..self.paragraphs.len().saturating_sub(1) {
            let here = &self.paragraphs[i];
            let can_break = match here.kind {
                ParagraphKind::Body | ParagraphKind::ListItem => true,
                ParagraphKind::Heading(_) => {
                    matches!(&self.kinds[i], LineKind::Heading(_))
                        && self.slice(here.span).contains('。')
                }
                _ => false,
            };
            let next = &self.paragraphs[i + 1];
            let next_text = self.slice(next.span);
            self.paragraphs[i].broken = can_break
                && next.kind == ParagraphKind::Body
                && !matches!(self.kinds[i + 1], LineKind::Dash)
                && !self.slice(here.span).ends_with(TERMINAL)
                && !is_date_line(next_text);
        }
    }

    fn doc_type(&mut self) {
        let Some(title) = self.meta.title else { return };
        let title = self.slice(title);
        const WORDS: &[(&str, DocType)] = &[
            ("报告", DocType::Report),
            ("工作要点", DocType::Workplan),
            ("要点", DocType::Workplan),
            ("工作计划", DocType::Workplan),
            ("计划", DocType::Workplan),
            ("规划", DocType::Plan),
            ("纲要", DocType::Plan),
            ("通知", DocType::Notice),
            ("意见", DocType::Opinion),
            ("请示", DocType::Request),
        ];
        // The 文种 is the last one named: 《…规划》的通知 is a notice.
        self.meta.doc_type = WORDS
            .iter()
            .filter_map(|(word, doc_type)| title.rfind(word).map(|at| (at + word.len(), *doc_type)))
            .max_by_key(|(end, _)| *end)
            .map(|(_, doc_type)| doc_type)
            .or(Some(DocType::Other));
        let midyear_words = ["上半年", "半年", "总结"];
        self.meta.midyear = midyear_words.iter().any(|w| title.contains(w))
            || self.paragraphs.iter().any(|p| match p.kind {
                ParagraphKind::Heading(_) => {
                    let text = self.slice(p.span);
                    text.chars().count() < 40 && midyear_words.iter().any(|w| text.contains(w))
                }
                _ => false,
            });
    }

    /// The document date, from the most specific source the text offers (RULES A.7).
    fn date(&mut self) {
        let subtitle = self.meta.subtitle.and_then(|s| full_date(self.slice(s)));
        let signature = self
            .paragraphs
            .iter()
            .rev()
            .take(6)
            .find(|p| p.kind == ParagraphKind::Body && is_date_line(self.slice(p.span)))
            .and_then(|p| full_date(self.slice(p.span)));
        let published = self
            .paragraphs
            .iter()
            .filter(|p| p.kind == ParagraphKind::Metadata)
            .find_map(|p| iso_date_re().find(self.slice(p.span)))
            .and_then(|m| DocDate::parse(m.as_str()));
        let year_of = |span: Option<Span>| {
            let captures = year_re().captures(self.slice(span?))?;
            DocDate::parse(&captures[1])
        };
        let docnum_year = self.meta.docnum.and_then(|span| {
            let digits: String = self
                .slice(span)
                .chars()
                .filter(char::is_ascii_digit)
                .take(4)
                .collect();
            DocDate::parse(&digits)
        });
        self.meta.date = subtitle
            .or(signature)
            .or(published)
            .or_else(|| year_of(self.meta.title))
            .or(docnum_year);
    }

    /// Circled numbers inside sentences are footnote references (RULES A.8); one that opens a
    /// paragraph or a list clause (`：①…；②…`) is a list item.
    fn footnote_refs(&self) -> Vec<FootnoteRef> {
        let mut refs = Vec::new();
        for paragraph in &self.paragraphs {
            let in_scope = matches!(
                paragraph.kind,
                ParagraphKind::Body | ParagraphKind::Heading(_) | ParagraphKind::ListItem
            );
            if !in_scope {
                continue;
            }
            let content = self.slice(paragraph.span);
            for m in circled_re().find_iter(content) {
                if m.start() == 0 {
                    continue;
                }
                let before = content[..m.start()].chars().next_back();
                let opens_clause =
                    matches!(before, Some('：' | ':' | '；' | ';' | ' ' | '\u{3000}'));
                if opens_clause {
                    continue;
                }
                let number = m
                    .as_str()
                    .chars()
                    .next()
                    .and_then(circled_number)
                    .unwrap_or(0);
                refs.push(FootnoteRef {
                    span: Span::new(
                        paragraph.span.start + m.start(),
                        paragraph.span.start + m.end(),
                    ),
                    number,
                });
            }
        }
        refs
    }
}

fn trim_end(text: &str, span: Span) -> Span {
    let content = &text[span.start..span.end];
    let trimmed = content.trim_end_matches([' ', '\t', '\u{A0}', '\u{3000}']);
    Span::new(span.start, span.start + trimmed.len())
}

/// `政 府 工 作 报 告`: three or more CJK characters each followed by a space.
fn is_banner(content: &str) -> bool {
    let chars: Vec<char> = content.chars().collect();
    chars.len() >= 5
        && chars.iter().step_by(2).all(|c| is_cjk(*c))
        && chars
            .iter()
            .skip(1)
            .step_by(2)
            .all(|c| *c == ' ' || *c == '\u{3000}')
}

fn is_date_line(content: &str) -> bool {
    full_date_re()
        .find(content)
        .is_some_and(|m| m.as_str().len() + 6 >= content.trim().len())
}

fn full_date(content: &str) -> Option<DocDate> {
    let captures = full_date_re().captures(content)?;
    DocDate::parse(&format!(
        "{}-{}-{}",
        &captures[1], &captures[2], &captures[3]
    ))
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}
