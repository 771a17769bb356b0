//! Text to `Document`: the pest line grammar (grammar/gongwen.pest) classifies each line, and
//! this module puts the lines in context: header block, title, headings, glossary, footnote
//! references, page breaks, document type and date. Parsing never fails: a line that fits no
//! structure is a body paragraph.

use std::sync::OnceLock;

use pest::iterators::Pair;
use pest::Parser;
use rayon::prelude::*;
use regex::Regex;

use crate::diagnostic::Span;
use crate::model::*;

mod references;
mod regions;
pub mod search;
pub mod spans;
use regions::Symbol;
use search::{within, Literals};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/gongwen.pest"]
struct GongwenParser;

/// What the grammar says of one line.
#[derive(Clone, Debug)]
enum LineKind {
    Blank,
    /// Markdown or collector structure: `---`, a code fence, `<!--`, `|`, `>`.
    Markdown(Mark),
    /// `# 标题` without a numbering token; the line's span starts after the hashes.
    MarkdownHeading,
    Metadata,
    Portal,
    GlossaryHeading,
    DocNumber(Span),
    Heading(Token),
    Circled(u32),
    Dash,
    Text,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    Fence,
    CodeFence,
    CommentOpen,
    TableRow,
    Quote,
}

#[derive(Clone, Copy, Debug)]
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
    #[cfg(debug_assertions)]
    if let Err(problem) = spans::check(&document) {
        panic!("parse made a bad span: {problem}");
    }
    document
}

/// Classifies every line, one at a time: every alternative of the grammar looks at its own line
/// only, so a line parses the same alone as in the document (`lex_whole` is the reference the
/// tests compare with). A long text is cut at line ends into pieces lexed on the rayon pool.
fn lex(text: &str) -> Vec<Line> {
    lex_in_pieces(text, PIECE)
}

/// Bytes of text lexed as one piece: a text longer than this is cut into pieces of about this
/// size, lexed in parallel. Each piece is a few milliseconds of work, which outweighs handing
/// it to another thread.
const PIECE: usize = 256 * 1024;

fn lex_in_pieces(text: &str, piece: usize) -> Vec<Line> {
    if text.len() <= piece {
        let mut lines = Vec::new();
        lex_lines(text, 0, text.len(), &mut lines);
        return lines;
    }
    let bytes = text.as_bytes();
    // Each cut falls just after the first line end at least `piece` bytes past the last cut.
    let mut cuts: Vec<usize> = vec![0];
    loop {
        let from = cuts[cuts.len() - 1].saturating_add(piece).min(bytes.len());
        let Some(end) = memchr::memchr2(b'\n', b'\r', &bytes[from..]).map(|at| from + at) else {
            break;
        };
        let crlf = bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n');
        cuts.push(end + 1 + usize::from(crlf));
    }
    cuts.push(text.len());
    cuts.dedup();
    let pieces: Vec<Vec<Line>> = cuts
        .par_windows(2)
        .map(|piece| {
            let mut lines = Vec::new();
            lex_lines(text, piece[0], piece[1], &mut lines);
            lines
        })
        .collect();
    let mut lines = Vec::with_capacity(pieces.iter().map(Vec::len).sum());
    for piece in pieces {
        lines.extend(piece);
    }
    lines
}

/// The lines of `text[start..end]`, where `start` is a line start and `end` the text's end or
/// just after a line end; the text's last line, even empty, is a line.
fn lex_lines(text: &str, start: usize, end: usize, lines: &mut Vec<Line>) {
    let bytes = &text.as_bytes()[..end];
    let mut headings = HeadingLines::default();
    let mut lex = |content: &str, offset: usize, lines: &mut Vec<Line>| {
        let line = match Opening::of(content) {
            Some(opening) if opening.only_heading() => {
                headings.wait(lines.len(), content, &opening, offset);
                // Its place, until pest has read it.
                Line {
                    span: Span::new(offset, offset),
                    kind: LineKind::Blank,
                }
            }
            Some(opening) => opening.lex(content, offset),
            None => blank_line(content, offset),
        };
        lines.push(line);
    };
    let mut line_start = start;
    for at in memchr::memchr2_iter(b'\n', b'\r', &bytes[start..]).map(|at| start + at) {
        // The \n of a \r\n, already passed.
        if at < line_start {
            continue;
        }
        lex(&text[line_start..at], line_start, lines);
        let crlf = bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n');
        line_start = at + 1 + usize::from(crlf);
    }
    if end == text.len() {
        lex(&text[line_start..end], line_start, lines);
    }
    headings.read(text, lines);
}

/// One line, without its terminator, that starts at `offset` in the text.
fn lex_line(content: &str, offset: usize) -> Line {
    match Opening::of(content) {
        Some(opening) => opening.lex(content, offset),
        None => blank_line(content, offset),
    }
}

fn blank_line(content: &str, offset: usize) -> Line {
    Line {
        span: Span::new(offset, offset + content.len()),
        kind: LineKind::Blank,
    }
}

/// How a line that is not blank opens: its text after the indentation, and the alternatives
/// of `line` that its first characters leave possible (`may_open`), as bits in the order of
/// `ALTERNATIVES`.
struct Opening<'a> {
    body: &'a str,
    possible: u16,
}

impl<'a> Opening<'a> {
    fn of(content: &'a str) -> Option<Self> {
        let body = content.trim_start_matches(is_space);
        let first = body.chars().next()?;
        let words = word_openers(first);
        let possible = ALTERNATIVES
            .iter()
            .enumerate()
            .filter(|(_, &alternative)| may_open(alternative, first, words, body))
            .fold(0, |bits, (bit, _)| bits | 1 << bit);
        Some(Opening { body, possible })
    }

    /// Whether `heading` is the one alternative the line may open: it is then a heading or
    /// text, and can be read with others of its kind (`HeadingLines`).
    fn only_heading(&self) -> bool {
        let heading = ALTERNATIVES.iter().position(|&a| a == Rule::heading);
        heading.is_some_and(|bit| self.possible == 1 << bit)
    }

    /// The alternatives the line may open are tried in the grammar's order, each as its own
    /// pest rule: the first that matches is what the whole grammar would choose, and a line
    /// that none may open is a `text_line`.
    fn lex(&self, content: &str, offset: usize) -> Line {
        // Most lines are prose that no alternative may open: they are not measured for pest.
        if self.possible != 0 {
            let input = grammar_input(content, self.body, GRAMMAR_REACH);
            for (bit, &alternative) in ALTERNATIVES.iter().enumerate() {
                if self.possible & 1 << bit == 0 {
                    continue;
                }
                let Some(pair) = GongwenParser::parse(alternative, input)
                    .ok()
                    .and_then(|mut pairs| pairs.next())
                else {
                    continue;
                };
                // Every alternative ends with the line (`rest` or a look-ahead for its end);
                // one that stopped short would fail the whole grammar, whose lines are then
                // text.
                if pair.as_span().end() != input.len() {
                    break;
                }
                return placed(line(pair), 0, offset, content.len());
            }
        }
        Line {
            span: Span::new(
                offset + content.len() - self.body.len(),
                offset + content.len(),
            ),
            kind: LineKind::Text,
        }
    }
}

/// `line`, read from an input that starts at `input_start` in pest's positions, moved to the
/// text's line of `len` bytes that starts at `offset`; its span runs to that line's end (the
/// input may have been cut short, `grammar_input`).
fn placed(mut line: Line, input_start: usize, offset: usize, len: usize) -> Line {
    let to_text = |at: usize| at - input_start + offset;
    line.span = Span::new(to_text(line.span.start), offset + len);
    if let LineKind::DocNumber(span) = &mut line.kind {
        *span = Span::new(to_text(span.start), to_text(span.end));
    }
    if let LineKind::Heading(token) = &mut line.kind {
        token.token = Span::new(to_text(token.token.start), to_text(token.token.end));
        token.delimiter = Span::new(to_text(token.delimiter.start), to_text(token.delimiter.end));
        token.text_start = to_text(token.text_start);
    }
    line
}

/// Lines that only `heading` may open, waiting to be read by pest together: their grammar
/// inputs, one a line, go through `heading_lines` in one call, so that what pest costs per
/// call (its state, its line index, the pairs' allocations) is paid once for them all. Most
/// lines that pest reads are of this kind.
#[derive(Default)]
struct HeadingLines {
    input: String,
    waiting: Vec<Waiting>,
}

struct Waiting {
    /// Where the line goes among the lexed lines.
    index: usize,
    /// Where its grammar input starts in `input`.
    input_start: usize,
    /// Where the line starts in the text, and its length there.
    offset: usize,
    len: usize,
}

impl HeadingLines {
    fn wait(&mut self, index: usize, content: &str, opening: &Opening, offset: usize) {
        if !self.waiting.is_empty() {
            self.input.push('\n');
        }
        self.waiting.push(Waiting {
            index,
            input_start: self.input.len(),
            offset,
            len: content.len(),
        });
        self.input
            .push_str(grammar_input(content, opening.body, HEADING_REACH));
    }

    /// Reads the waiting lines of `text` and puts each in its place among `lines`. Each line
    /// of the input is a heading or text, so pest reads it whole; should it ever not, the
    /// lines are lexed one by one.
    fn read(self, text: &str, lines: &mut [Line]) {
        if self.waiting.is_empty() {
            return;
        }
        let read: Option<Vec<Pair<Rule>>> = GongwenParser::parse(Rule::heading_lines, &self.input)
            .ok()
            .and_then(|mut pairs| pairs.next())
            .map(|all| {
                all.into_inner()
                    .filter(|pair| pair.as_rule() != Rule::EOI)
                    .collect()
            });
        debug_assert!(
            read.as_ref()
                .is_some_and(|pairs| pairs.len() == self.waiting.len()),
            "heading_lines reads every line: {:?}",
            self.input
        );
        match read {
            Some(pairs) if pairs.len() == self.waiting.len() => {
                for (pair, waiting) in pairs.into_iter().zip(&self.waiting) {
                    let line = line(pair);
                    lines[waiting.index] =
                        placed(line, waiting.input_start, waiting.offset, waiting.len);
                }
            }
            _ => {
                for waiting in &self.waiting {
                    let content = &text[waiting.offset..waiting.offset + waiting.len];
                    lines[waiting.index] = lex_line(content, waiting.offset);
                }
            }
        }
    }
}

/// The alternatives of `line` in grammar/gongwen.pest, in its order, but for `blank_line`
/// (a line of spaces, told apart before) and the catch-all `text_line`.
const ALTERNATIVES: [Rule; 9] = [
    Rule::metadata_line,
    Rule::portal_line,
    Rule::glossary_heading,
    Rule::docnum_line,
    Rule::heading,
    Rule::md_heading,
    Rule::circled_item,
    Rule::markdown_line,
    Rule::dash_line,
];

/// Non-space characters of a line the grammar reads at most before `rest` takes the remainder:
/// the longest is a 发文字号 (12 characters of 代字, bracket, 4 digits, bracket, 字第, 6 digits,
/// 号: 27), under this.
const GRAMMAR_REACH: usize = 32;

/// The same for a line that only `heading` may open: a token reads at most 9 (`第一百二十三部分`,
/// `（一百二十三）、`, or `123.` and the look-ahead for a year, `2025年`), under this.
const HEADING_REACH: usize = 16;

/// As much of a line as the grammar needs to classify it: the line up to its `reach`-th
/// non-space character after the indentation (`GRAMMAR_REACH`, `HEADING_REACH`). The cut always falls just
/// before a non-space character, so a run of spaces (which several alternatives allow) is
/// never cut short and the character after it is never mistaken for the end of the line. A
/// line that opens with a book title or `#` may hold a long 《…》 before its 名词解释, and one
/// that opens with `-` a fence of any length: they go whole. What pest then does per line
/// (its own line index, the skip to the end) no longer grows with the line.
fn grammar_input<'a>(content: &'a str, body: &str, reach: usize) -> &'a str {
    if body.starts_with(['《', '#', '-']) {
        return content;
    }
    let indent = content.len() - body.len();
    // By bytes: a lead byte gives a character's width, and the grammar's spaces are ASCII,
    // C2 A0 and E3 80 80.
    let bytes = body.as_bytes();
    let (mut at, mut seen) = (0, 0);
    while at < bytes.len() {
        let space = match bytes[at] {
            b' ' | b'\t' => true,
            0xC2 => bytes[at + 1] == 0xA0,
            0xE3 => bytes[at + 1..at + 3] == [0x80, 0x80],
            _ => false,
        };
        if !space {
            if seen == reach {
                return &content[..indent + at];
            }
            seen += 1;
        }
        at += match bytes[at] {
            0..=0x7F => 1,
            0x80..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
    }
    content
}

/// The grammar's `space`: what indentation and blank lines are made of.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{A0}' | '\u{3000}')
}

/// `meta_key` of grammar/gongwen.pest.
const META_KEYS: &[&str] = &[
    "索引号",
    "发布机构",
    "发布日期",
    "发布时间",
    "公开类别",
    "公开方式",
    "公开范围",
    "公开时限",
    "主题分类",
    "生成日期",
    "成文日期",
    "信息来源",
    "来源",
    "浏览次数",
    "点击数",
    "文　　号",
    "文号",
    "有效性",
    "时间",
];

/// `portal_phrase` of grammar/gongwen.pest.
const PORTAL_PHRASES: &[&str] = &[
    "扫一扫在手机打开当前页",
    "扫一扫在手机上查看当前页面",
    "政策留言板",
    "相关稿件",
    "相关文件",
    "相关链接",
    "【打印本页】",
    "【关闭窗口】",
    "【打印】",
    "【关闭】",
    "打印本页",
    "关闭窗口",
    "分享到",
    "字号：",
    "字号:",
    "上一篇",
    "下一篇",
    "责任编辑：",
    "责任编辑:",
];

/// `glossary_word` of grammar/gongwen.pest.
const GLOSSARY_WORDS: &[&str] = &["名词解释", "名词注释", "注释", "注"];

/// What opens a `markdown_line`: `front_fence`, `code_fence`, `comment_open`, `table_row`,
/// `quote_mark`.
const MARKDOWN_OPENERS: &[&str] = &["---", "```", "~~~", "<!--", "|", ">"];

/// Alternatives of `line` that open with one of a list of words (`WORD_LISTS`), as bits.
#[derive(Clone, Copy)]
struct WordOpeners(u8);

/// The alternatives that open with a literal word, and their words.
const WORD_LISTS: [(Rule, &[&str]); 4] = [
    (Rule::markdown_line, MARKDOWN_OPENERS),
    (Rule::metadata_line, META_KEYS),
    (Rule::portal_line, PORTAL_PHRASES),
    (Rule::glossary_heading, GLOSSARY_WORDS),
];

impl WordOpeners {
    fn may_open(self, alternative: Rule) -> bool {
        WORD_LISTS
            .iter()
            .position(|(rule, _)| *rule == alternative)
            .is_some_and(|bit| self.0 & 1 << bit != 0)
    }
}

/// Which word lists hold a word that starts with `first`: a line's first character rules
/// out most of them at once, rather than each word being compared with the line.
fn word_openers(first: char) -> WordOpeners {
    static TABLE: OnceLock<Vec<(char, u8)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table: Vec<(char, u8)> = Vec::new();
        for (bit, (_, words)) in WORD_LISTS.iter().enumerate() {
            for word in *words {
                let c = word.chars().next().expect("a word");
                match table.iter_mut().find(|(d, _)| *d == c) {
                    Some((_, bits)) => *bits |= 1 << bit,
                    None => table.push((c, 1 << bit)),
                }
            }
        }
        table.sort_unstable();
        table
    });
    WordOpeners(
        table
            .binary_search_by_key(&first, |(c, _)| *c)
            .map_or(0, |at| table[at].1),
    )
}

/// Whether `alternative` of `line` may match a line whose text after the indentation is
/// `body`, which opens with `first` (`words`: the word lists that hold a word opening with
/// it): false only when the grammar rules it out by the line's first characters. It may
/// say yes too often (pest then decides), never too seldom: the tests compare `lex` with
/// the whole grammar on real and generated lines.
fn may_open(alternative: Rule, first: char, words: WordOpeners, body: &str) -> bool {
    let starts_with_any = |words: &[&str]| words.iter().any(|w| body.starts_with(w));
    match alternative {
        Rule::markdown_line => words.may_open(alternative) && starts_with_any(MARKDOWN_OPENERS),
        Rule::metadata_line => words.may_open(alternative) && starts_with_any(META_KEYS),
        Rule::portal_line => words.may_open(alternative) && starts_with_any(PORTAL_PHRASES),
        Rule::glossary_heading => {
            matches!(first, '#' | '《')
                || words.may_open(alternative) && starts_with_any(GLOSSARY_WORDS)
        }
        // `docnum` opens with 1–12 Han characters and then its bracket, `order_number` with
        // 1–11 and then 令: a character before them that is surely not Han rules both out.
        Rule::docnum_line => {
            may_be_han(first)
                && body
                    .chars()
                    .skip(1)
                    .take(12)
                    .find(|&c| is_docnum_open(c) || c == '令' || !may_be_han(c))
                    .is_some_and(|c| is_docnum_open(c) || c == '令')
        }
        Rule::heading => may_open_heading(body),
        Rule::md_heading => first == '#',
        Rule::circled_item => circled_number(first).is_some(),
        Rule::dash_line => matches!(first, '—' | '-' | '－' | '─'),
        _ => true,
    }
}

/// False for characters that are surely not the grammar's `HAN` (Unicode script Han): ASCII,
/// general punctuation, the CJK punctuation around 々〆〇 and the Hangzhou numerals, and the
/// full-width forms. True for the rest, Han or not: pest decides.
fn may_be_han(c: char) -> bool {
    !(c.is_ascii()
        || matches!(c, '\u{2000}'..='\u{206F}'
            | '\u{3000}'..='\u{3004}'
            | '\u{3008}'..='\u{3020}'
            | '\u{3030}'..='\u{3037}'
            | '\u{FF00}'..='\u{FFEF}'))
}

/// `docnum_open` of the grammar.
fn is_docnum_open(c: char) -> bool {
    matches!(c, '〔' | '[' | '【' | '(' | '（' | '［' | '﹝')
}

/// Whether `heading_token` may open `body`, after `md_hashes` if any: 第 and a numeral, a
/// bracket and a numeral, a Chinese numeral and its delimiter, or one to three digits and
/// theirs.
fn may_open_heading(body: &str) -> bool {
    let body = match body.strip_prefix('#') {
        Some(hashes) => hashes.trim_start_matches('#').trim_start_matches(' '),
        None => body,
    };
    let is_numeral = |c: char| {
        matches!(
            c,
            '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '百' | '零'
        )
    };
    let mut chars = body.chars();
    match chars.next() {
        Some('第') => chars.next().is_some_and(is_numeral),
        Some('（' | '(') => chars
            .next()
            .is_some_and(|c| is_numeral(c) || c.is_ascii_digit()),
        Some(c) if c.is_ascii_digit() => {
            let digits = body.bytes().take_while(u8::is_ascii_digit).count();
            digits <= 3 && body[digits..].starts_with(['.', '．', '、', '）', ')'])
        }
        Some(c) if is_numeral(c) => body
            .trim_start_matches(is_numeral)
            .starts_with(['、', '．', '.', '，']),
        _ => false,
    }
}

/// The whole text through the grammar at once: what `lex` must agree with.
#[cfg(test)]
fn lex_whole(text: &str) -> Vec<Line> {
    let mut pairs =
        GongwenParser::parse(Rule::document, text).expect("the grammar accepts any text");
    let document = pairs.next().expect("document pair");
    document
        .into_inner()
        .filter(|pair| pair.as_rule() != Rule::EOI)
        .map(line)
        .collect()
}

fn span_of(pair: &Pair<Rule>) -> Span {
    Span::new(pair.as_span().start(), pair.as_span().end())
}

fn line(pair: Pair<Rule>) -> Line {
    // Most lines pest reads are headings.
    if pair.as_rule() == Rule::heading {
        return heading_line(pair);
    }
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
        Rule::markdown_line => inner
            .find_map(|p| match p.as_rule() {
                Rule::front_fence => Some(Mark::Fence),
                Rule::code_fence => Some(Mark::CodeFence),
                Rule::comment_open => Some(Mark::CommentOpen),
                Rule::table_row => Some(Mark::TableRow),
                Rule::quote_mark => Some(Mark::Quote),
                _ => None,
            })
            .map_or(LineKind::Text, LineKind::Markdown),
        Rule::md_heading => {
            // `#  ` alone heads nothing: a text line, kept whole.
            if let Some(text) = inner.find(|p| {
                p.as_rule() == Rule::md_text && !p.as_str().trim_matches(is_space).is_empty()
            }) {
                return Line {
                    span: Span::new(span_of(&text).start, whole.end),
                    kind: LineKind::MarkdownHeading,
                };
            }
            LineKind::Text
        }
        Rule::metadata_line => LineKind::Metadata,
        Rule::portal_line => LineKind::Portal,
        Rule::glossary_heading => LineKind::GlossaryHeading,
        Rule::docnum_line => inner
            .find(|p| matches!(p.as_rule(), Rule::docnum | Rule::order_number))
            .map_or(LineKind::Text, |p| LineKind::DocNumber(span_of(&p))),
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

/// A `heading` line, read from its pair's tokens in one walk rather than pair by pair (a
/// heading is most of what pest reads): where its indentation ends, its numbering token and
/// where its text starts. A token whose numeral has no number leaves the line text.
fn heading_line(pair: Pair<Rule>) -> Line {
    let input = pair.get_input();
    let whole = span_of(&pair);
    let mut start = whole.start;
    // Where each rule still open started, innermost last: heading, token, its parts.
    let mut open: smallvec::SmallVec<[usize; 4]> = smallvec::SmallVec::new();
    let mut parts = TokenParts::default();
    let mut token: Option<Option<Token>> = None;
    for step in pair.tokens() {
        let (rule, end) = match step {
            pest::Token::Start { pos, .. } => {
                open.push(pos.pos());
                continue;
            }
            pest::Token::End { rule, pos } => (rule, pos.pos()),
        };
        let span = Span::new(open.pop().unwrap_or(end), end);
        let text = &input[span.start..span.end];
        match rule {
            Rule::indent => start = span.end,
            Rule::cn_numeral => parts.ordinal = parse_chinese_numeral(text),
            Rule::arabic => parts.ordinal = text.parse().ok(),
            Rule::cn_delim | Rule::arabic_delim | Rule::arabic_dun | Rule::trailing_delim => {
                parts.delimiter = Some(span)
            }
            Rule::open_paren => parts.open = Some(text == "（"),
            Rule::close_paren => {
                parts.close = Some(text == "）");
                if parts.open.is_none() {
                    // `1）`: the bracket is the delimiter.
                    parts.delimiter = Some(span);
                }
            }
            Rule::article_token
            | Rule::part_token
            | Rule::cn_token
            | Rule::paren_cn_token
            | Rule::paren_arabic_token
            | Rule::arabic_token => token = Some(std::mem::take(&mut parts).token(rule, span)),
            Rule::gap => {
                if let Some(Some(token)) = token.as_mut() {
                    token.text_start = span.end;
                }
            }
            _ => {}
        }
    }
    Line {
        span: Span::new(start, whole.end),
        kind: token.flatten().map_or(LineKind::Text, LineKind::Heading),
    }
}

/// What a heading token's parts say, read before the token ends.
#[derive(Default)]
struct TokenParts {
    ordinal: Option<u32>,
    delimiter: Option<Span>,
    /// Whether the opening and the closing bracket are full-width.
    open: Option<bool>,
    close: Option<bool>,
}

impl TokenParts {
    /// The token that `rule` matched at `token`, if its numeral has a number.
    fn token(self, rule: Rule, token: Span) -> Option<Token> {
        let level = match rule {
            Rule::part_token => Level::Part,
            Rule::article_token => Level::Article,
            Rule::cn_token => Level::L1,
            Rule::paren_cn_token => Level::L2,
            Rule::paren_arabic_token => Level::L4,
            _ => Level::L3,
        };
        let brackets = match (self.open, self.close) {
            (Some(true), Some(true)) => Some(Width::Full),
            (Some(false), Some(false)) => Some(Width::Half),
            (Some(_), Some(_)) => Some(Width::Mixed),
            _ => None,
        };
        Some(Token {
            level,
            ordinal: self.ordinal?,
            token,
            delimiter: self.delimiter.unwrap_or(Span::new(token.end, token.end)),
            brackets,
            text_start: token.end,
        })
    }
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

/// A URL or the target of a Markdown link `[…](target)`: the first kind of aside.
macro_rules! link_aside {
    () => {
        r"(?:https?://|www\.)[\x21-\x7e]+|\]\([^)\s]*\)"
    };
}

/// A URL, the target of a Markdown link `[…](target)`, a newspaper's source note
/// (`《 人民日报 》（ 2018年03月23日 01 版）`) or a photo byline (`贵州日报天眼新闻记者 李森 摄`).
fn aside_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(
        &RE,
        concat!(
            link_aside!(),
            r"|《\s*\p{Han}{1,10}报\s*》\s*[（(]\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*\d{1,2}\s*版\s*[）)]",
            r"|\p{Han}{0,12}记者[ \u{3000}]*\p{Han}{2,4}(?:[ \u{3000}、]+\p{Han}{2,4})*[ \u{3000}]*摄",
        ),
    )
}

/// `aside_re` in a paragraph without 版 or 摄, where the note and the byline cannot match and
/// the first alternative alone finds the same asides: the `\p{Han}` repetitions of the other
/// two were most of the cost of compiling it (7 M instructions), paid for any one URL.
fn link_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, link_aside!())
}

/// Literals one of which every aside holds (`aside_re`): where a paragraph has none, it has
/// no aside, and most paragraphs have none.
const ASIDE_HINTS: [&str; 6] = ["://", "www.", "](", "版）", "版)", "摄"];

fn aside_hints() -> &'static Literals {
    static LITERALS: OnceLock<Literals> = OnceLock::new();
    LITERALS.get_or_init(|| Literals::new(&ASIDE_HINTS))
}

fn iso_date_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, r"\d{4}-\d{1,2}-\d{1,2}")
}

/// Where a circled number may start: U+2460–2473 open with E2 91, U+3251–325F with E3 89,
/// U+32B1–32BF with E3 8A (`circled_number` decides). E2 and E3 are lead bytes: each
/// candidate starts a character.
fn circled_openers() -> &'static Literals {
    static LITERALS: OnceLock<Literals> = OnceLock::new();
    LITERALS.get_or_init(|| Literals::new(&[[0xE2, 0x91], [0xE3, 0x89], [0xE3, 0x8A]]))
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
    /// For each paragraph, its numbering section (0 the main text, then each annex).
    sections: Vec<u32>,
    /// Paragraphs that are 附件 lines, sorted.
    annex_markers: Vec<usize>,
    meta: Metadata,
}

impl<'t> Assembler<'t> {
    fn new(text: &'t str, lines: Vec<Line>) -> Self {
        Assembler {
            text,
            lines,
            paragraphs: Vec::new(),
            kinds: Vec::new(),
            sections: Vec::new(),
            annex_markers: Vec::new(),
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
            let mut line_kind = line.kind;
            if let LineKind::Heading(token) = &mut line_kind {
                // The gap after the token runs to the line's end on `二、 `: the text starts
                // no later than the trimmed line ends.
                token.text_start = token.text_start.min(span.end);
            }
            let kind = match line_kind {
                LineKind::Metadata => ParagraphKind::Metadata,
                LineKind::Portal => ParagraphKind::Portal,
                LineKind::Circled(_) => ParagraphKind::ListItem,
                _ => ParagraphKind::Body,
            };
            self.paragraphs.push(Paragraph {
                span,
                kind,
                broken: false,
                region: Region::Body,
            });
            self.kinds.push(line_kind);
        }
        self.regions();
        self.front_matter_fields();
        let body_start = self.header();
        let glossary = self.glossary(body_start);
        self.sections(body_start);
        let headings = self.headings(body_start);
        self.page_breaks();
        self.doc_type();
        self.date();
        let footnote_refs = self.footnote_refs();
        self.meta.cited_docnums = self.cited_docnums();
        let asides = self.asides();
        Document {
            regions: region_spans(&self.paragraphs),
            paragraphs: self.paragraphs,
            headings,
            footnote_refs,
            glossary,
            meta: self.meta,
            asides,
            text: String::new(),
        }
    }

    /// Bytes beyond which a text line is running text for the region grammar: above the longest
    /// chrome line, 附件 line, caption, date or table cell (80 characters of Han at most).
    const LONG_LINE: usize = 240;

    /// What the region grammar sees of paragraph `i`. `in_comment`: a `<!--` above is not
    /// closed yet, so a `-->` may close it.
    fn symbol(&self, i: usize, in_comment: bool) -> Symbol {
        let content = self.slice(self.paragraphs[i].span);
        match &self.kinds[i] {
            LineKind::Markdown(Mark::Fence) => Symbol::Fence,
            LineKind::Markdown(Mark::CodeFence) => Symbol::CodeFence,
            LineKind::Markdown(Mark::CommentOpen) if content.contains("-->") => Symbol::Comment,
            LineKind::Markdown(Mark::CommentOpen) => Symbol::CommentOpen,
            LineKind::Markdown(Mark::TableRow) => Symbol::TableRow,
            LineKind::Markdown(Mark::Quote) if content.trim() == ">" => Symbol::ChromeWord,
            LineKind::Markdown(Mark::Quote) => Symbol::Quote,
            LineKind::MarkdownHeading => Symbol::MarkdownHeading,
            LineKind::Metadata | LineKind::Portal => Symbol::Chrome,
            LineKind::GlossaryHeading => Symbol::GlossaryHeading,
            LineKind::Heading(_) => Symbol::Heading,
            LineKind::DocNumber(_) | LineKind::Circled(_) | LineKind::Dash => Symbol::Text,
            // Every other shape a text line can take is short: a long line is running text,
            // and most lines are, so they are not measured against each shape.
            LineKind::Blank | LineKind::Text if content.len() > Self::LONG_LINE => {
                if regions::is_copy_line(content) {
                    Symbol::CopyLine
                } else if in_comment && content.contains("-->") {
                    Symbol::CommentClose
                } else {
                    Symbol::Text
                }
            }
            LineKind::Blank | LineKind::Text => {
                if in_comment && content.contains("-->") {
                    Symbol::CommentClose
                } else if regions::is_chrome_word(content) {
                    Symbol::ChromeWord
                } else if regions::is_annex_marker(content) {
                    Symbol::Annex
                } else if regions::is_toc_heading(content) {
                    Symbol::Toc
                } else if regions::is_closing_formula(content) {
                    Symbol::ClosingFormula
                } else if regions::is_copy_line(content) {
                    Symbol::CopyLine
                } else if content.chars().count() <= 24 && is_date_line(content) {
                    Symbol::Date
                } else if regions::is_caption(content) {
                    Symbol::Caption
                } else if i < 60 && regions::is_key_value(content) {
                    Symbol::KeyValue
                } else if regions::is_short(content) || regions::is_spaced_row(content) {
                    Symbol::Short
                } else {
                    Symbol::Text
                }
            }
        }
    }

    /// Places every paragraph the region grammar recognises; the rest stay body for now, and
    /// captions, annex markers and the 目录 get their regions here.
    fn regions(&mut self) {
        let mut in_comment = false;
        let symbols: Vec<Symbol> = (0..self.paragraphs.len())
            .map(|i| {
                let symbol = self.symbol(i, in_comment);
                match symbol {
                    Symbol::CommentOpen => in_comment = true,
                    Symbol::CommentClose => in_comment = false,
                    _ => {}
                }
                symbol
            })
            .collect();
        let placed = regions::assign(&symbols);
        let mut toc_first: Option<String> = None;
        let mut in_toc = false;
        for (i, region) in placed.into_iter().enumerate() {
            let region = match (region, symbols[i]) {
                (Some(region), _) => region,
                (None, Symbol::Caption) => Region::Caption,
                (None, Symbol::Annex) => {
                    self.annex_markers.push(i);
                    Region::Annex
                }
                (None, Symbol::Toc) => {
                    in_toc = true;
                    toc_first = None;
                    Region::Toc
                }
                (None, _) if in_toc => {
                    // The 目录 lists the headings; it ends where the first of them comes again.
                    let key = toc_key(self.slice(self.paragraphs[i].span));
                    match &toc_first {
                        None => {
                            toc_first = Some(key);
                            Region::Toc
                        }
                        Some(first) if *first == key || symbols[i] == Symbol::Text => {
                            in_toc = false;
                            Region::Body
                        }
                        Some(_) => Region::Toc,
                    }
                }
                (None, _) => Region::Body,
            };
            self.paragraphs[i].region = region;
        }
    }

    /// A collector's front matter names the document's 发文字号 and title: the 文号 field is
    /// checked like a 发文字号 in the header, and the title says what kind of document it is
    /// when the text has no title line of its own.
    fn front_matter_fields(&mut self) {
        for i in 0..self.paragraphs.len() {
            let paragraph = &self.paragraphs[i];
            if paragraph.region != Region::FrontMatter {
                if i > 0 && self.paragraphs[i - 1].region == Region::FrontMatter {
                    break;
                }
                continue;
            }
            let content = self.slice(paragraph.span);
            let Some((key, value)) = content.split_once([':', '：']) else {
                continue;
            };
            let key = key
                .trim_start_matches(['-', '*', ' '])
                .trim_end_matches(['*', ' ']);
            let value = value.trim_start_matches(['*', ' ', '\u{3000}']).trim_end();
            let start =
                paragraph.span.end - value.len() - (content.len() - content.trim_end().len());
            let value_span = Span::new(start, start + value.len());
            match key {
                "文号" | "发文字号"
                    if value.contains(['〔', '[', '【', '(', '（', '［', '﹝'])
                        && value.ends_with('号') =>
                {
                    self.meta.docnum_field = Some(value_span)
                }
                "标题" if !value.is_empty() => self.meta.title_field = Some(value_span),
                _ => {}
            }
        }
    }

    /// Classifies the header block (masthead, 发文字号, title, banner, subtitle, speaker,
    /// salutation) and returns the index of the first paragraph after it.
    fn header(&mut self) -> usize {
        let in_text = |p: &Paragraph| p.region == Region::Body;
        let substantive: Vec<usize> = (0..self.paragraphs.len())
            .filter(|&i| in_text(&self.paragraphs[i]))
            .take(8)
            .collect();
        let docnum = substantive
            .iter()
            .position(|&i| matches!(self.kinds[i], LineKind::DocNumber(_)));
        let mut candidates = substantive.into_iter().peekable();
        if let Some(position) = docnum {
            for i in candidates.by_ref().take(position + 1) {
                if let LineKind::DocNumber(span) = self.kinds[i] {
                    self.paragraphs[i].kind = ParagraphKind::DocNumber;
                    self.meta.docnum = Some(span);
                } else {
                    self.paragraphs[i].kind = ParagraphKind::Masthead;
                }
                self.paragraphs[i].region = Region::Header;
            }
        }
        // A page's section names (a breadcrumb's 云南要闻) can stand above the title: the
        // title is the first of the opening short lines that names a 文种.
        let opening: Vec<usize> = candidates
            .clone()
            .take(4)
            .take_while(|&i| self.is_title_like(i))
            .collect();
        if let Some(named) = opening
            .iter()
            .position(|&i| names_doc_type(self.slice(self.paragraphs[i].span)))
        {
            for &i in &opening[..named] {
                self.paragraphs[i].kind = ParagraphKind::Masthead;
                self.paragraphs[i].region = Region::Header;
                candidates.next();
            }
        }
        let Some(title) = candidates.next() else {
            return 0;
        };
        if !self.is_title_like(title) {
            return title;
        }
        self.paragraphs[title].kind = ParagraphKind::Title;
        self.paragraphs[title].region = Region::Header;
        self.meta.title = Some(self.paragraphs[title].span);
        let mut next = title + 1;
        // A title broken over lines: `关于印发《…》` / `的通知`.
        while next < self.paragraphs.len()
            && next <= title + 2
            && in_text(&self.paragraphs[next])
            && matches!(self.kinds[next], LineKind::Text)
            && !ends_with_doc_type(self.slice(self.paragraphs[next - 1].span))
            && is_title_part(self.slice(self.paragraphs[next].span))
            && names_doc_type(self.slice(self.paragraphs[next].span))
        {
            self.paragraphs[next].kind = ParagraphKind::Title;
            self.paragraphs[next].region = Region::Header;
            let first = self.meta.title.map_or(self.paragraphs[next].span, |t| t);
            self.meta.title = Some(Span::new(first.start, self.paragraphs[next].span.end));
            next += 1;
        }
        while next < self.paragraphs.len() {
            let paragraph = &self.paragraphs[next];
            if !in_text(paragraph) {
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
            } else if self.meta.salutation.is_none() && is_adoption_note(content) {
                // `（2025年12月30日…会议通过）` under a 条例's title.
                ParagraphKind::Subtitle
            } else if self.meta.speaker.is_none()
                && self.meta.salutation.is_none()
                && (self.meta.subtitle.is_some() || is_speaker_line(content))
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
            self.paragraphs[next].region = Region::Header;
            next += 1;
        }
        if self.meta.title.is_none() {
            self.meta.title = self.meta.title_field;
        }
        if self.meta.docnum.is_none() {
            self.meta.docnum = self.meta.docnum_field.take();
        }
        next
    }

    fn is_title_like(&self, i: usize) -> bool {
        let text = self.slice(self.paragraphs[i].span);
        matches!(self.kinds[i], LineKind::Text | LineKind::MarkdownHeading)
            && text.chars().count() <= 80
            && !text.ends_with(['。', '；', '，', '：', ':'])
    }

    /// Numbering starts again in each annex (附件) and after the closing block, whose
    /// following text is the document a 印发 notice sends. Body paragraphs after an annex
    /// marker or a closing block are the annex's.
    fn sections(&mut self, body_start: usize) {
        let mut section = 0;
        let mut in_annex = false;
        let mut previous = Region::Body;
        let mut markers = self.annex_markers.iter().peekable();
        for i in 0..self.paragraphs.len() {
            let region = self.paragraphs[i].region;
            let marker = markers.next_if_eq(&&i).is_some();
            let starts_annex = i >= body_start
                && (marker || (region == Region::Body && previous == Region::Closing));
            if starts_annex {
                section += 1;
                in_annex = true;
            }
            if region == Region::Body && in_annex {
                self.paragraphs[i].region = Region::Annex;
            }
            previous = self.paragraphs[i].region;
            self.sections.push(section);
        }
    }

    /// URLs, Markdown link targets, newspaper source notes and photo bylines in the prose: no
    /// rule reads them and no fix touches them.
    fn asides(&self) -> Vec<Span> {
        self.each_run(|run, text_start, text| {
            let mut hints = Vec::new();
            aside_hints().starts(text, text_start, &mut hints);
            let mut asides = Vec::new();
            for paragraph in run {
                if !paragraph.region.is_prose() || within(&hints, paragraph.span).is_empty() {
                    continue;
                }
                let (content, start) = (self.slice(paragraph.span), paragraph.span.start);
                let re = if content.contains(['版', '摄']) {
                    aside_re()
                } else {
                    link_re()
                };
                asides.extend(
                    re.find_iter(content)
                        .map(|m| Span::new(m.start(), m.end()).shift(start)),
                );
            }
            asides
        })
    }

    /// What `each` finds in each run of consecutive paragraphs, in paragraph order; it is
    /// given the run, and the text from the run's first paragraph to its last with where that
    /// starts. Searches then look at a run at once rather than at each paragraph in turn. A
    /// text short enough to be lexed in one piece is one run; a longer one is cut into runs of
    /// about a piece each, on the rayon pool.
    fn each_run<T: Send>(
        &self,
        each: impl Fn(&[Paragraph], usize, &str) -> Vec<T> + Sync + Send,
    ) -> Vec<T> {
        let run_text = |run: &[Paragraph]| match (run.first(), run.last()) {
            (Some(first), Some(last)) => (
                first.span.start,
                self.slice(Span::new(first.span.start, last.span.end)),
            ),
            _ => (0, ""),
        };
        if self.text.len() <= PIECE {
            let (start, text) = run_text(&self.paragraphs);
            return each(&self.paragraphs, start, text);
        }
        let mut runs = Vec::new();
        let mut rest = &self.paragraphs[..];
        while !rest.is_empty() {
            let start = rest[0].span.start;
            let len = 1 + rest[1..]
                .iter()
                .take_while(|p| p.span.start - start < PIECE)
                .count();
            let (run, after) = rest.split_at(len);
            runs.push(run);
            rest = after;
        }
        let found: Vec<Vec<T>> = runs
            .par_iter()
            .map(|run| {
                let (start, text) = run_text(run);
                each(run, start, text)
            })
            .collect();
        found.into_iter().flatten().collect()
    }

    /// Finds the 名词解释 glossary and turns its numbered lines into entries.
    fn glossary(&mut self, body_start: usize) -> Option<Glossary> {
        let heading = (body_start..self.paragraphs.len()).find(|&i| {
            matches!(self.kinds[i], LineKind::GlossaryHeading)
                && self.paragraphs[i].region.is_running_text()
        })?;
        let mut entries = Vec::new();
        let mut by_term = 0;
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
                LineKind::Text => match bracketed_key(self.slice(span)) {
                    Some((number, len)) => Some((
                        number,
                        Span::new(span.start, span.start + len),
                        span.start + len,
                    )),
                    // `“一网通办”：指…`, `某某行动(第16页)：…`: an entry keyed by its term.
                    None if by_term == entries.len() && term_key(self.slice(span)) => {
                        by_term += 1;
                        Some((
                            entries.len() as u32 + 1,
                            Span::new(span.start, span.start),
                            span.start,
                        ))
                    }
                    None => None,
                },
                LineKind::Dash => None,
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
        for paragraph in &mut self.paragraphs[heading..i] {
            paragraph.region = Region::Glossary;
        }
        let keys = if by_term == entries.len() {
            GlossaryKeys::Term
        } else {
            GlossaryKeys::Number
        };
        Some(Glossary {
            heading: self.paragraphs[heading].span,
            entries,
            keys,
        })
    }

    fn headings(&mut self, body_start: usize) -> Vec<Heading> {
        let mut headings = Vec::new();
        for i in body_start..self.paragraphs.len() {
            if self.paragraphs[i].kind != ParagraphKind::Body
                || !self.paragraphs[i].region.is_running_text()
            {
                continue;
            }
            let token = match &self.kinds[i] {
                LineKind::Heading(token) => *token,
                _ => match self.inline_annex_item(i) {
                    Some(token) => token,
                    None => continue,
                },
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
                section: self.sections[i],
            });
        }
        headings
    }

    /// `附件：1.某某清册`: the 附件说明's first item shares the line with 附件, and the items
    /// on the following lines number on from it.
    fn inline_annex_item(&self, i: usize) -> Option<Token> {
        if self.annex_markers.binary_search(&i).is_err() {
            return None;
        }
        let span = self.paragraphs[i].span;
        let content = self.slice(span);
        let colon = content.find(['：', ':'])?;
        let after = colon + content[colon..].chars().next()?.len_utf8();
        match lex_line(&content[after..], span.start + after).kind {
            LineKind::Heading(token) if token.level == Level::L3 => Some(token),
            _ => None,
        }
    }

    /// A paragraph of running text that ends without a terminal mark, followed in the same
    /// region by a body paragraph that carries the sentence on, was cut by a page break. Both
    /// must read as sentences: a short bare line (a table cell, an annex title, an organ's
    /// name) ends without a mark because it is not a sentence.
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
            let here_text = self.slice(here.span);
            let next_text = self.slice(next.span);
            let same_part = here.region.is_running_text()
                && next.region == here.region
                && self.sections[i] == self.sections[i + 1]
                && next.kind == ParagraphKind::Body
                && matches!(self.kinds[i + 1], LineKind::Text);
            // A 《 or （ left open and closed on the next line is a cut whatever the lines
            // look like (`…考核表《周浦镇住宅小区` / `物业服务考核表1》（附件4）`).
            // The date test, a regex, last: most lines are ruled out before it.
            self.paragraphs[i].broken = same_part
                && !here_text.ends_with(TERMINAL)
                && (closes_what_opens(here_text, next_text)
                    || (can_break
                        && reads_as_sentence(here_text)
                        && reads_as_sentence(next_text)
                        && !opens_with_label(next_text)
                        && !next_text.ends_with(['：', ':'])))
                && !is_date_line(next_text);
        }
    }

    fn doc_type(&mut self) {
        let Some(title) = self.meta.title else { return };
        let title = self.slice(title);
        // The 文种 is the last one named: 《…规划》的通知 is a notice.
        self.meta.doc_type = DOC_TYPE_WORDS
            .iter()
            .filter_map(|(word, doc_type)| Some((title.rfind(word)? + word.len(), (*doc_type)?)))
            .max_by_key(|(end, _)| *end)
            .map(|(_, doc_type)| doc_type)
            .or(Some(DocType::Other));
        let midyear_words = ["上半年", "半年", "总结"];
        self.meta.midyear = midyear_words.iter().any(|w| title.contains(w))
            || self.paragraphs.iter().any(|p| match p.kind {
                ParagraphKind::Heading(_) => {
                    let text = self.slice(p.span);
                    // Fewer than 40 characters, without counting a run-in heading's body.
                    text.chars().nth(39).is_none() && midyear_words.iter().any(|w| text.contains(w))
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

    /// 发文字号 cited in sentences of the running text (`（沪府发〔2014〕14号）`).
    fn cited_docnums(&self) -> Vec<Span> {
        self.each_run(|run, text_start, text| {
            let mut years = Vec::new();
            references::year_openers().starts(text, text_start, &mut years);
            let mut cited = Vec::new();
            for p in run {
                let in_scope = p.region.is_running_text()
                    && matches!(
                        p.kind,
                        ParagraphKind::Body | ParagraphKind::ListItem | ParagraphKind::Heading(_)
                    );
                if in_scope && !within(&years, p.span).is_empty() {
                    let start = p.span.start;
                    cited.extend(
                        references::cited_docnums(self.slice(p.span))
                            .into_iter()
                            .map(|r| Span::new(r.start, r.end).shift(start)),
                    );
                }
            }
            cited
        })
    }

    /// Circled numbers inside sentences are footnote references (RULES A.8); one that opens a
    /// paragraph or a list clause (`：①…；②…`) is a list item.
    fn footnote_refs(&self) -> Vec<FootnoteRef> {
        let mut refs = self.each_run(|run, text_start, text| {
            let (mut circled, mut markers) = (Vec::new(), Vec::new());
            circled_openers().starts(text, text_start, &mut circled);
            references::marker_openers(text, text_start, &mut markers);
            let mut refs = Vec::new();
            for paragraph in run {
                let in_scope = matches!(
                    paragraph.kind,
                    ParagraphKind::Body | ParagraphKind::Heading(_) | ParagraphKind::ListItem
                );
                let span = paragraph.span;
                let (circled, markers) = (within(&circled, span), within(&markers, span));
                if in_scope && !(circled.is_empty() && markers.is_empty()) {
                    paragraph_refs(self.slice(span), span.start, circled, markers, &mut refs);
                }
            }
            refs
        });
        refs.sort_by_key(|r| r.span.start);
        refs
    }
}

/// The footnote references in `content`, a paragraph that starts at `offset`: circled numbers
/// that do not open it or a clause, then bracketed and superscript markers. `circled` and
/// `markers`: where in the text the two may start (`circled_openers`, `marker_openers`).
fn paragraph_refs(
    content: &str,
    offset: usize,
    circled: &[usize],
    markers: &[usize],
    refs: &mut Vec<FootnoteRef>,
) {
    for start in circled.iter().map(|at| at - offset) {
        let Some((c, number)) = content[start..]
            .chars()
            .next()
            .and_then(|c| Some((c, circled_number(c)?)))
        else {
            continue;
        };
        if start == 0 {
            continue;
        }
        let before = content[..start].chars().next_back();
        let opens_clause = matches!(before, Some('：' | ':' | '；' | ';' | ' ' | '\u{3000}'));
        if opens_clause {
            continue;
        }
        refs.push(FootnoteRef {
            span: Span::new(offset + start, offset + start + c.len_utf8()),
            number,
        });
    }
    let markers = markers.iter().map(|at| at - offset);
    refs.extend(
        references::markers(content, markers).map(|(range, number)| FootnoteRef {
            span: Span::new(range.start, range.end).shift(offset),
            number,
        }),
    );
}

/// `二等奖：给予…`, `组    长：陶清`: a list row that opens with its label; it starts a row of
/// its own rather than carrying a sentence on.
fn opens_with_label(content: &str) -> bool {
    content
        .chars()
        .take(9)
        .position(|c| matches!(c, '：' | ':'))
        .is_some_and(|at| at >= 1 && !content.chars().take(at).any(|c| "，。；、".contains(c)))
}

/// `here` leaves a 《 or （ open that `next` closes before opening another.
fn closes_what_opens(here: &str, next: &str) -> bool {
    [('《', '》'), ('（', '）')].iter().any(|&(open, close)| {
        // Before the first opening the depth stays 0, and most lines have none.
        let Some(first) = here.find(open) else {
            return false;
        };
        let depth = here[first..].chars().fold(0i32, |d, c| {
            if c == open {
                d + 1
            } else if c == close {
                (d - 1).max(0)
            } else {
                d
            }
        });
        depth > 0
            && next
                .find(close)
                .is_some_and(|at| !next[..at].contains(open))
    })
}

/// Sentence punctuation inside, or too long to be a cell or a title.
fn reads_as_sentence(content: &str) -> bool {
    content.contains(['，', '。', '；', '、', '：', '！', '？', ',', ';'])
        || content.chars().count() > 40
}

/// `［1］…`, `[1]…`, `〔1〕…`: a glossary entry keyed by a bracketed number; its number and the
/// key's length in bytes.
fn bracketed_key(content: &str) -> Option<(u32, usize)> {
    let open = content
        .chars()
        .next()
        .filter(|c| matches!(c, '［' | '[' | '〔'))?;
    let rest = &content[open.len_utf8()..];
    let digits = rest.find(|c: char| !c.is_ascii_digit())?;
    let close = rest[digits..]
        .chars()
        .next()
        .filter(|c| matches!(c, '］' | ']' | '〕'))?;
    let number = rest[..digits].parse().ok()?;
    Some((number, open.len_utf8() + digits + close.len_utf8()))
}

/// A glossary line that opens with its term: a colon within the first 30 characters.
fn term_key(content: &str) -> bool {
    content
        .chars()
        .take(31)
        .position(|c| matches!(c, '：' | ':'))
        .is_some_and(|at| at >= 2)
}

/// Runs of consecutive paragraphs of one region.
fn region_spans(paragraphs: &[Paragraph]) -> Vec<RegionSpan> {
    let mut spans: Vec<RegionSpan> = Vec::new();
    for (i, paragraph) in paragraphs.iter().enumerate() {
        match spans.last_mut() {
            Some(last) if last.region == paragraph.region => {
                last.span.end = paragraph.span.end;
                last.paragraphs.end = i + 1;
            }
            _ => spans.push(RegionSpan {
                region: paragraph.region,
                span: paragraph.span,
                paragraphs: i..i + 1,
            }),
        }
    }
    spans
}

/// A 目录 line and the heading it lists compare equal: without spaces, dot leaders and the
/// page number.
fn toc_key(content: &str) -> String {
    content
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '…' | '·' | '．'))
        .collect::<String>()
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_string()
}

/// A line that names a 文种: a book title, or a 文种 word at its end.
fn names_doc_type(content: &str) -> bool {
    content.contains('《') || ends_with_doc_type(content)
}

/// The 文种 words a title ends with (条例 第八条 and the reports, plans and rules a government
/// issues), with the document type each one gives when it is the last named. `None`: the word
/// names a 文种 but leaves the type to an earlier word (`…规划实施方案` is still a plan);
/// `Some(Other)`: a 文种 with no rules of its own that still decides (`…规划和自然资源局关于…的函`
/// is a letter, not a plan).
const DOC_TYPE_WORDS: &[(&str, Option<DocType>)] = &[
    ("报告", Some(DocType::Report)),
    ("工作要点", Some(DocType::Workplan)),
    ("要点", Some(DocType::Workplan)),
    ("工作计划", Some(DocType::Workplan)),
    ("计划", Some(DocType::Workplan)),
    ("规划", Some(DocType::Plan)),
    ("纲要", Some(DocType::Plan)),
    ("通知", Some(DocType::Notice)),
    ("意见", Some(DocType::Opinion)),
    ("请示", Some(DocType::Request)),
    ("函", Some(DocType::Other)),
    ("批复", Some(DocType::Other)),
    ("公告", Some(DocType::Other)),
    ("通告", Some(DocType::Other)),
    ("决定", Some(DocType::Other)),
    ("方案", None),
    ("办法", None),
    ("细则", None),
    ("规定", None),
    ("条例", None),
    ("指南", None),
    ("安排", None),
    ("清单", None),
    ("决议", None),
    ("纪要", None),
    ("通报", None),
    ("命令", None),
    ("令", None),
];

fn ends_with_doc_type(content: &str) -> bool {
    let trimmed = content.trim_end_matches(['》', '）', ')']);
    DOC_TYPE_WORDS.iter().any(|(w, _)| trimmed.ends_with(w))
}

/// The second line of a title broken over two: short, and no sentence punctuation.
fn is_title_part(content: &str) -> bool {
    content.chars().count() <= 40 && !content.contains(['。', '；', '，', '：', ':', '！', '？'])
}

/// `（2025年12月30日上海市第十六届人民代表大会常务委员会第二十次会议通过）`.
fn is_adoption_note(content: &str) -> bool {
    content.starts_with(['（', '('])
        && content.ends_with(['）', ')'])
        && content.chars().count() <= 120
        && (content.contains("通过") || content.contains("会议") || content.contains("发布"))
}

/// `省人民政府省长 王清宪`, `省长　王予波`: an office and a name.
fn is_speaker_line(content: &str) -> bool {
    let Some((office, name)) = content.rsplit_once([' ', '\u{3000}']) else {
        return false;
    };
    let name_chars = name.chars().count();
    (2..=4).contains(&name_chars)
        && name.chars().all(is_cjk)
        && ["长", "主任", "书记", "主席"]
            .iter()
            .any(|w| office.trim().ends_with(w))
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
    // A line without 日 has no date, and most have none.
    content.contains('日')
        && full_date_re()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn same_lines(text: &str) {
        let fast = format!("{:?}", lex(text));
        let whole = format!("{:?}", lex_whole(text));
        assert_eq!(fast, whole, "{text:?}");
    }

    /// Without 版 or 摄 the link alternative alone finds what the whole aside regex finds; with
    /// them the note and the byline are still asides.
    #[test]
    fn links_alone_where_no_note_or_byline_can_be() {
        let ranges = |re: &Regex, text: &str| -> Vec<(usize, usize)> {
            re.find_iter(text).map(|m| (m.start(), m.end())).collect()
        };
        for text in [
            "详见https://www.gov.cn/a?b=1，记者张三 李四报道。",
            "《人民日报》（2018年3月23日）[链接](http://x.cn/y) www.example.org",
            "记者 王五、赵六，]( 未闭合",
        ] {
            assert!(!text.contains(['版', '摄']));
            assert_eq!(ranges(link_re(), text), ranges(aside_re(), text), "{text}");
        }
        let doc = parse("访问 www.gov.cn。\n\n贵州日报天眼新闻记者 李森 摄\n\n《 人民日报 》（ 2018年03月23日 01 版）\n".to_string());
        let asides: Vec<&str> = doc
            .asides
            .iter()
            .map(|a| &doc.text[a.start..a.end])
            .collect();
        assert_eq!(
            asides,
            [
                "www.gov.cn",
                "贵州日报天眼新闻记者 李森 摄",
                "《 人民日报 》（ 2018年03月23日 01 版）"
            ]
        );
    }

    /// A text longer than a piece is searched in runs of paragraphs on the pool: each
    /// paragraph's footnote references, cited 发文字号 and asides are found whichever run it
    /// falls in, once, in order.
    #[test]
    fn a_long_text_is_searched_in_runs_with_what_it_has_whole() {
        let paragraph = "按照要求，根据沪府发〔2014〕14号文件，企业［1］和园区①的做法见https://a.cn/b，记者 李森 摄。";
        let heading = "一、总体要求";
        let short = format!("{heading}\n{paragraph}\n");
        let copies = PIECE / short.len() * 3;
        let doc = parse(short.repeat(copies));
        assert!(doc.text.len() > 2 * PIECE);
        // Each paragraph's finds, in order, and as many of them as paragraphs.
        let each = |spans: Vec<Span>, expected: &[&str]| {
            assert_eq!(spans.len(), expected.len() * copies, "{expected:?}");
            for (found, expected) in spans.iter().zip(expected.iter().cycle()) {
                assert_eq!(&doc.text[found.start..found.end], *expected);
            }
        };
        each(doc.meta.cited_docnums.clone(), &["沪府发〔2014〕14号"]);
        let refs = doc.footnote_refs.iter().map(|r| r.span).collect();
        each(refs, &["［1］", "①"]);
        each(doc.asides.clone(), &["https://a.cn/b", "记者 李森 摄"]);
        let once = parse(short);
        assert_eq!(doc.asides.len(), once.asides.len() * copies);
        for spans in [&doc.asides, &doc.meta.cited_docnums] {
            assert!(spans.windows(2).all(|w| w[0].end <= w[1].start));
        }
    }

    #[test]
    fn lexing_line_by_line_agrees_with_the_whole_grammar() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = Vec::new();
        let mut dirs = vec![root.join("seeds"), root.join("tests/fixtures")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    texts.push(text);
                }
            }
        }
        assert!(texts.len() > 5);
        for text in &texts {
            same_lines(text);
            same_lines(&text.replace('\n', "\r\n"));
            same_lines(&text.replace('\n', "\r"));
        }
        for text in [
            "",
            "\n",
            "\r\n\r",
            "  \u{3000}",
            "\n\n　　一、总体要求\n　（一）加强\r（1）正文\r\n1.5亿元\n1. 标题\n1、1+X\n",
            "嘉菊委〔2021〕1号\n国务院令第711号\n某某某某某某某某某某某某某某〔2021〕1号",
            "发布日期:2021-03-31\n索引号 | 发布机构 | |\n扫一扫在手机打开当前页\n【打印本页】",
            "《政府工作报告》名词解释\n## 名词解释：\n注\n注释：  \n①第一\n——2021年2月3日",
            "-- 破折号\n－－全角\n──制表\n#### 第一部分 总则\n十一、十二\n二十、\n(一)(1)",
            "正文里有（括号）和〔2021〕。\n上一篇\n下一篇：\n文　　号：1\n文号 | 2",
        ] {
            same_lines(text);
        }
        // Long lines, cut for the grammar: spaces around the cut, long book titles.
        let long = "长".repeat(70);
        let spaces = " ".repeat(100);
        for text in [
            format!("（一）{long}"),
            format!("一、{spaces}{long}"),
            format!("发布日期{spaces}：{long}"),
            format!("《{long}》名词解释"),
            format!("《{long}》名词解释：{spaces}"),
            format!("#{spaces}名词解释"),
            format!("名词解释{spaces}"),
            format!("名词解释{spaces}{long}"),
            format!("{}{spaces}〔2021〕1号", "长".repeat(62)),
            format!(
                "{}〔2021〕{spaces}第{spaces}1{spaces}号{long}",
                "嘉".repeat(12)
            ),
            format!("　　1.{spaces}{long}\r\n2、{long}"),
            format!("123.2025年{long}\n第一百二十三部分{spaces}{long}\n（一百二十三）、{long}"),
            format!("九百九十九、{spaces}{long}\n(123)，{long}\n1.2025{long}"),
        ] {
            same_lines(&text);
        }
        // A fence longer than the grammar's reach, then text: a dash line, not a fence.
        same_lines(&format!("{}x", "-".repeat(70)));
    }

    /// Pieces of lines: every opener of the grammar, the characters right after them that
    /// decide, spaces, and plain text.
    const PIECES: &[&str] = &[
        " ",
        "\u{3000}",
        "\t",
        "\u{A0}",
        "#",
        "## ",
        "####### ",
        "《",
        "》",
        "名词解释",
        "名词注释",
        "注",
        "注释",
        "：",
        ":",
        "一",
        "二",
        "九",
        "十",
        "百",
        "零",
        "第",
        "条",
        "部分",
        "章",
        "节",
        "、",
        "．",
        ".",
        "，",
        ",",
        "（",
        "）",
        "(",
        ")",
        "1",
        "2",
        "0",
        "2021",
        "年",
        "〔",
        "〕",
        "[",
        "]",
        "【",
        "】",
        "［",
        "］",
        "﹝",
        "﹞",
        "号",
        "字",
        "令",
        "国务院",
        "沪府发",
        "—",
        "——",
        "-",
        "--",
        "---",
        "－",
        "－－",
        "─",
        "──",
        "`",
        "```",
        "~~~",
        "<!--",
        "|",
        "｜",
        ">",
        "①",
        "⑳",
        "㉑",
        "㊱",
        "发布日期",
        "来源",
        "文号",
        "文　　号",
        "时间",
        "上一篇",
        "【打印】",
        "【关闭窗口】",
        "字号：",
        "责任编辑:",
        "扫一扫在手机打开当前页",
        "x",
        "长",
        "。",
        "\n",
        "\r",
        "\r\n",
    ];

    #[test]
    fn a_text_lexed_in_pieces_has_the_lines_it_has_whole() {
        let seed = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/seeds/000_42fc19a49bd0dd65.txt"
        ))
        .expect("a seed");
        for text in [
            seed.clone(),
            seed.replace('\n', "\r\n"),
            seed.replace('\n', "\r"),
            format!("{seed}\n"),
            "一、\r\n\r\n\n\r（一）\n".repeat(40),
        ] {
            let whole = format!("{:?}", lex_in_pieces(&text, usize::MAX));
            for piece in [1, 2, 3, 7, 64, 1000] {
                assert_eq!(
                    format!("{:?}", lex_in_pieces(&text, piece)),
                    whole,
                    "{piece}"
                );
            }
        }
    }

    /// How lines open: the grammar's tokens whole and cut short, near misses.
    const HEADS: &[&str] = &[
        "一、",
        "十一、",
        "九十九．",
        "一百零一，",
        "二是",
        "十",
        "（一）",
        "(二)",
        "（十一)",
        "（1）",
        "(12)",
        "(1234)",
        "（",
        "1.",
        "12．",
        "123、",
        "1234.",
        "1）",
        "12)",
        "1.5",
        "1.2025年",
        "1.20",
        "第一条",
        "第二十部分",
        "第三章",
        "第1条",
        "第",
        "第一时间",
        "国务院令第711号",
        "令第1号",
        "某某令第",
        "沪府发〔2021〕1号",
        "沪府发[2021]第 12 号",
        "某某某某某某某某某某某某〔2021〕1号",
        "某某某某某某某某某某某某某〔2021〕1号",
        "某某某某某某某某某某某令第1号",
        "政府（2021）",
        "(2021)1号",
        "名词解释",
        "《某某》名词解释",
        "# 名词解释",
        "## 一、",
        "# ",
        "#######",
        "---",
        "----",
        "```",
        "~~~",
        "~~",
        "<!--",
        "<!",
        "|",
        ">",
        "——",
        "—",
        "--",
        "－－",
        "－",
        "──",
        "─",
        "①",
        "⑳",
        "㉑",
        "㊿",
        "发布日期",
        "文　　号",
        "来源",
        "【打印】",
        "【关闭",
        "上一篇",
        "字号：",
        "责任编辑",
        "正文",
        "",
    ];

    fn lines() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let line = (
            proptest::collection::vec(proptest::sample::select(&PIECES[..4]), 0..3),
            proptest::sample::select(HEADS),
            proptest::collection::vec(proptest::sample::select(PIECES), 0..10),
        )
            .prop_map(|(indent, head, tail)| indent.concat() + head + &tail.concat());
        let end = proptest::sample::select(&["\n", "\r", "\r\n"][..]);
        proptest::collection::vec((line, end), 1..5)
            .prop_map(|lines| lines.into_iter().map(|(line, end)| line + end).collect())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

        /// Lines made of the grammar's own openers: trying only the alternatives that
        /// `may_open` leaves, on the cut input, gives what the whole grammar gives.
        #[test]
        fn lexing_agrees_with_the_grammar_on_generated_lines(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..14),
            lines in lines(),
        ) {
            let text = pieces.concat();
            proptest::prop_assert_eq!(format!("{:?}", lex(&text)), format!("{:?}", lex_whole(&text)));
            proptest::prop_assert_eq!(format!("{:?}", lex(&lines)), format!("{:?}", lex_whole(&lines)));
        }
    }

    /// The literal words of a rule in grammar/gongwen.pest, in order.
    fn grammar_words(rule: &str) -> Vec<String> {
        let grammar = include_str!("../grammar/gongwen.pest");
        let start = grammar
            .find(&format!("\n{rule} = "))
            .unwrap_or_else(|| panic!("rule {rule}"));
        let body = &grammar[start..];
        let body = &body[body.find('{').unwrap()..body.find("}\n").unwrap()];
        body.split('"')
            .skip(1)
            .step_by(2)
            .map(String::from)
            .collect()
    }

    /// `heading_token` tries its tokens commonest first, which is only the grammar's order
    /// if no two of them match the same line: every head that opens a line matches one at
    /// most.
    #[test]
    fn no_two_heading_tokens_open_alike() {
        const TOKENS: [Rule; 6] = [
            Rule::article_token,
            Rule::part_token,
            Rule::paren_cn_token,
            Rule::paren_arabic_token,
            Rule::cn_token,
            Rule::arabic_token,
        ];
        let numerals = (1..=999).map(crate::model::chinese_numeral);
        let heads = HEADS
            .iter()
            .map(|h| h.to_string())
            .chain(numerals.flat_map(|n| {
                ["第{}条", "第{}章", "（{}）", "({})、", "{}、", "{}．"]
                    .map(|f| f.replace("{}", &n))
            }));
        for head in heads {
            for tail in ["", "1", "2025年", "）", "、", "条", "。"] {
                let line = format!("{head}{tail}");
                let matching: Vec<Rule> = TOKENS
                    .into_iter()
                    .filter(|&rule| GongwenParser::parse(rule, &line).is_ok())
                    .collect();
                assert!(matching.len() <= 1, "{line}: {matching:?}");
            }
        }
    }

    /// What `may_be_han` rules out, the grammar's `HAN` does not match: no 发文字号 or 令 opens
    /// with it, or has it among its 代字.
    #[test]
    fn what_is_surely_not_han_is_not_the_grammars_han() {
        let not_han = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| !may_be_han(c));
        for c in not_han {
            // A line's first character is never a space: spaces are its indentation.
            let opening = [format!("{c}府发〔2021〕1号"), format!("{c}令第1号")];
            let inside = [format!("沪{c}〔2021〕1号"), format!("国{c}令第1号")];
            let opening = opening.into_iter().filter(|_| !is_space(c));
            for text in opening.chain(inside) {
                assert!(
                    GongwenParser::parse(Rule::docnum_line, &text).is_err(),
                    "{text:?}"
                );
            }
        }
    }

    /// `cn_numeral` reads every numeral a heading may carry whole, and as its number.
    #[test]
    fn the_grammar_reads_chinese_numerals_whole() {
        for n in 1..=999 {
            let numeral = crate::model::chinese_numeral(n);
            let pair = GongwenParser::parse(Rule::cn_numeral, &numeral)
                .expect("a numeral")
                .next()
                .expect("its pair");
            assert_eq!(pair.as_str(), numeral);
            assert_eq!(parse_chinese_numeral(pair.as_str()), Some(n), "{numeral}");
        }
    }

    #[test]
    fn the_line_openers_are_the_grammars() {
        assert_eq!(grammar_words("meta_key"), META_KEYS);
        assert_eq!(grammar_words("portal_phrase"), PORTAL_PHRASES);
        assert_eq!(grammar_words("glossary_word"), GLOSSARY_WORDS);
        assert_eq!(
            grammar_words("docnum_open"),
            ["〔", "[", "【", "(", "（", "［", "﹝"]
        );
        for open in grammar_words("docnum_open") {
            assert!(is_docnum_open(open.chars().next().unwrap()));
        }
        let markdown: Vec<String> = [
            "front_fence",
            "code_fence",
            "comment_open",
            "table_row",
            "quote_mark",
        ]
        .iter()
        .flat_map(|rule| {
            grammar_words(rule)
                .into_iter()
                .take(if *rule == "code_fence" { 2 } else { 1 })
        })
        .collect();
        assert_eq!(markdown, MARKDOWN_OPENERS);
        // `line`'s alternatives, in order: blank lines, those `lex_line` tries, text.
        let grammar = include_str!("../grammar/gongwen.pest");
        let line = &grammar[grammar.find("\nline = _{").unwrap()..];
        let line = &line[line.find('{').unwrap() + 1..line.find('}').unwrap()];
        let tried: Vec<String> = std::iter::once("blank_line".to_string())
            .chain(ALTERNATIVES.iter().map(|rule| format!("{rule:?}")))
            .chain(std::iter::once("text_line".to_string()))
            .collect();
        let alternatives: Vec<&str> = line.split('|').map(str::trim).collect();
        assert_eq!(alternatives, tried);
    }
}
