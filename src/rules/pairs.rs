//! `pairs`: paired marks (“ ” 《 》 （ ）…) balance and point the right way inside a paragraph.
//! A paragraph cut by a page break is read together with its continuation, so the break is
//! reported once (by artifact/page-break), not again as an unpaired quote.

use std::borrow::Cow;

use aho_corasick::AhoCorasick;
use serde::Deserialize;

use super::template::Template;
use super::{Check, Context, RuleMeta, Scope, Sink};
use crate::diagnostic::{Applicability, Fix, Span};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pairs: Vec<PairSpec>,
    messages: Messages,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PairSpec {
    open: String,
    close: String,
    /// Whether the mark may hold itself (brackets may; a quote inside a quote takes the
    /// other kind, so a second opening quote is a closing one typed the wrong way).
    #[serde(default = "yes")]
    nests: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Messages {
    unclosed: Template,
    unopened: Template,
    reversed: Template,
}

const SENTENCE_END: &[char] = &['。', '！', '？', '!', '?'];

pub struct Pairs {
    scope: Scope,
    pairs: Vec<PairSpec>,
    messages: Messages,
    marks: Marks,
}

/// Finds the marks in a paragraph. Mark 2i is pair i's opening mark, 2i+1 its closing one.
enum Marks {
    /// Every mark is one character (the usual case): a scan of the characters with a table.
    /// Aho-Corasick is slow here, because the marks' lead bytes are those of all CJK text.
    Chars(CharMarks),
    Words(AhoCorasick),
}

struct CharMarks {
    /// Bit `c % 64` is set for every mark `c`: most characters are turned away by one test.
    filter: u64,
    /// The first bytes of the marks' UTF-8, when there are at most three: then only the
    /// characters that start with one are read (`memchr3`), not every character of the text.
    /// The usual marks (“ ” （ ） 《 》 …) start with E2, E3 or EF, and Chinese text with E4–E9.
    leads: Option<[u8; 3]>,
    /// The marks and their numbers, sorted by character; of a mark listed twice the first
    /// wins, as it does in Aho-Corasick.
    sorted: Vec<(char, usize)>,
}

impl CharMarks {
    fn new(marks: &[&String]) -> Option<Self> {
        let mut sorted = Vec::with_capacity(marks.len());
        let mut filter = 0u64;
        let mut leads = Vec::new();
        for (i, mark) in marks.iter().enumerate() {
            let mut chars = mark.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                return None;
            };
            filter |= 1 << (c as u32 % 64);
            sorted.push((c, i));
            leads.push(mark.as_bytes()[0]);
        }
        sorted.sort_by_key(|&(c, i)| (c, i));
        sorted.dedup_by_key(|&mut (c, _)| c);
        leads.sort_unstable();
        leads.dedup();
        let leads = match leads[..] {
            [a] => Some([a; 3]),
            [a, b] => Some([a, b, b]),
            [a, b, c] => Some([a, b, c]),
            _ => None,
        };
        Some(CharMarks {
            filter,
            leads,
            sorted,
        })
    }

    fn find(&self, c: char) -> Option<usize> {
        if self.filter & (1 << (c as u32 % 64)) == 0 {
            return None;
        }
        self.sorted
            .binary_search_by_key(&c, |&(mark, _)| mark)
            .ok()
            .map(|at| self.sorted[at].1)
    }
}

impl Marks {
    /// `(mark number, start, end)` of every mark in `haystack`, in order.
    fn find_iter<'h>(
        &'h self,
        haystack: &'h str,
    ) -> Box<dyn Iterator<Item = (usize, usize, usize)> + 'h> {
        match self {
            Marks::Chars(table) => {
                match table.leads {
                    // A first byte is never inside a character, so each hit starts one.
                    Some([a, b, c]) => Box::new(
                        memchr::memchr3_iter(a, b, c, haystack.as_bytes()).filter_map(move |at| {
                            let c = haystack[at..].chars().next()?;
                            table.find(c).map(|mark| (mark, at, at + c.len_utf8()))
                        }),
                    ),
                    None => Box::new(haystack.char_indices().filter_map(|(at, c)| {
                        table.find(c).map(|mark| (mark, at, at + c.len_utf8()))
                    })),
                }
            }
            Marks::Words(finder) => Box::new(
                finder
                    .find_iter(haystack)
                    .map(|m| (m.pattern().as_usize(), m.start(), m.end())),
            ),
        }
    }
}

impl Pairs {
    pub fn compile(spec: Spec, meta: &RuleMeta) -> Result<Self, String> {
        for pair in &spec.pairs {
            if pair.open.is_empty() || pair.close.is_empty() || pair.open == pair.close {
                return Err(format!(
                    "规则 {}：成对符号“{}{}”的前后两半必须不同且非空",
                    meta.id, pair.open, pair.close
                ));
            }
        }
        let all: Vec<&String> = spec
            .pairs
            .iter()
            .flat_map(|p| [&p.open, &p.close])
            .collect();
        let marks = match CharMarks::new(&all) {
            Some(table) => Marks::Chars(table),
            None => Marks::Words(AhoCorasick::new(&all).map_err(|e| e.to_string())?),
        };
        Ok(Pairs {
            scope: meta.scope.unwrap_or(Scope::Prose),
            pairs: spec.pairs,
            messages: spec.messages,
            marks,
        })
    }

    fn report(
        &self,
        sink: &mut Sink,
        message: &Template,
        pair: usize,
        span: Span,
        fix: Option<Fix>,
    ) {
        let pair = &self.pairs[pair];
        let vars = |name: &str| -> Option<Cow<str>> {
            match name {
                "open" => Some(Cow::Borrowed(pair.open.as_str())),
                "close" => Some(Cow::Borrowed(pair.close.as_str())),
                _ => None,
            }
        };
        sink.report_with(span, message, vars, fix);
    }
}

impl Check for Pairs {
    fn placeholders(&self) -> Vec<&str> {
        vec!["open", "close"]
    }

    fn check(&self, ctx: &Context, sink: &mut Sink) {
        let text = ctx.text();
        let in_scope = ctx.spans(self.scope);
        let mut open: Vec<(usize, Span)> = Vec::new();
        for paragraph in &ctx.doc.paragraphs {
            if in_scope
                .binary_search_by(|s| s.start.cmp(&paragraph.span.start))
                .is_err()
            {
                continue;
            }
            for (mark, start, end) in self.marks.find_iter(paragraph.span.text(text)) {
                let pair = mark / 2;
                let span = Span::new(start, end).shift(paragraph.span.start);
                let is_open = mark % 2 == 0;
                if is_open {
                    if !self.pairs[pair].nests {
                        if let Some(at) = open.iter().rposition(|(p, _)| *p == pair) {
                            // A sentence ended since the first mark opened: that one was never
                            // closed and this one opens anew. Otherwise this is the closing
                            // mark typed the wrong way (“就业、创业、乐业“实事工程).
                            let between = &text[open[at].1.end..span.start];
                            if between.contains(SENTENCE_END) {
                                for &(inner, inner_span) in &open[at..] {
                                    self.report(
                                        sink,
                                        &self.messages.unclosed,
                                        inner,
                                        inner_span,
                                        None,
                                    );
                                }
                                open.truncate(at);
                                open.push((pair, span));
                                continue;
                            }
                            let fix = sink.fix_applicability().map(|a| {
                                Fix::replace(
                                    a.min(Applicability::Suggest),
                                    span,
                                    self.pairs[pair].close.as_str(),
                                )
                            });
                            self.report(sink, &self.messages.reversed, pair, span, fix);
                            open.truncate(at);
                            continue;
                        }
                    }
                    open.push((pair, span));
                } else if let Some(at) = open.iter().rposition(|(p, _)| *p == pair) {
                    for &(inner, inner_span) in &open[at + 1..] {
                        self.report(sink, &self.messages.unclosed, inner, inner_span, None);
                    }
                    open.truncate(at);
                } else {
                    self.report(sink, &self.messages.unopened, pair, span, None);
                }
            }
            if !paragraph.broken {
                for (pair, span) in open.drain(..) {
                    self.report(sink, &self.messages.unclosed, pair, span, None);
                }
            }
        }
        for (pair, span) in open {
            self.report(sink, &self.messages.unclosed, pair, span, None);
        }
    }
}

#[cfg(test)]
mod tests {

    const PACK: &str = "
- id: test/unpaired
  kind: pairs
  severity: error
  message: 不成对
  fix: { applicability: suggest }
  explain: 测试
  pairs:
    - { open: '“', close: '”', nests: false }
    - { open: '（', close: '）' }
    - { open: '《', close: '》' }
  messages:
    unclosed: '{open}未闭合'
    unopened: '{close}无对应'
    reversed: '应为{close}'
  examples: { invalid: ['“甲'], valid: ['“甲”'] }
";

    fn messages(text: &str) -> Vec<String> {
        crate::rules::test_messages(PACK, text)
    }

    #[test]
    fn balanced_marks_are_silent() {
        assert!(messages("“‘无忧张江’光速攻略”（试行）《规划（草案）》").is_empty());
        assert!(messages("（（嵌套））").is_empty());
    }

    #[test]
    fn reports_each_direction() {
        assert_eq!(messages("“就业、创业、乐业“实事工程"), ["应为”"]);
        assert_eq!(messages("夯实意识形态“六责联动责任体系，"), ["“未闭合"]);
        assert_eq!(
            messages("夯实“六责联动体系，确保安全。以“媒体融合”为重点。"),
            ["“未闭合"]
        );
        assert_eq!(messages("甲》乙"), ["》无对应"]);
        assert_eq!(messages("《甲（乙》"), ["（未闭合"]);
    }

    #[test]
    fn each_paragraph_is_balanced_on_its_own() {
        assert_eq!(messages("“甲。\n\n乙”。"), ["“未闭合", "”无对应"]);
    }

    #[test]
    fn a_page_break_split_is_read_as_one_paragraph() {
        assert!(messages("标题\n\n正文开始。打造“十五分钟\n\n党建服务圈”。").is_empty());
    }
}
