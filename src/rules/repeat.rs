//! `repeat`: a run of Chinese characters written twice back to back (`进一步进一步`, `的的`).
//! Runs of `min_chars` characters or more are slips wherever they stand, unless a listed word
//! holds them (`学习学习再学习`) or they repeat a measure phrase (`一步一步`). Shorter runs cross
//! word boundaries too often (`产业创业创新`, `合同工程工程量`) to be read without a lexicon.
//! A single character counts only when the rule lists it (`的`), since most doubled characters
//! are words (`常常`, `人人`), and never inside an AABB form (`实实在在`, `的的确确`).

use std::borrow::Cow;

use aho_corasick::AhoCorasick;
use serde::Deserialize;

use super::{Check, Context, RuleMeta, Scope, Sink};
use crate::diagnostic::{Fix, Span};
use crate::parse::is_cjk;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The shortest and the longest run looked for, in characters (single characters aside).
    min_chars: usize,
    max_chars: usize,
    /// Characters that are a slip when doubled.
    #[serde(default)]
    singles: Vec<char>,
    /// Words in which a doubling is right (`的的确确`, `不了了之`).
    #[serde(default)]
    allow: Vec<String>,
    /// A run starting with one of these is a reduplicated phrase (`一步一步`).
    #[serde(default)]
    not_starting: Vec<char>,
}

pub struct Repeat {
    scope: Scope,
    min_chars: usize,
    max_chars: usize,
    singles: Vec<char>,
    allow: Option<AhoCorasick>,
    not_starting: Vec<char>,
}

impl Repeat {
    pub fn compile(spec: Spec, meta: &RuleMeta) -> Result<Self, String> {
        if spec.min_chars < 2 || spec.max_chars < spec.min_chars {
            return Err(format!(
                "规则 {}：min_chars 至少为 2，max_chars 不小于 min_chars",
                meta.id
            ));
        }
        let allow = (!spec.allow.is_empty())
            .then(|| AhoCorasick::new(&spec.allow))
            .transpose()
            .map_err(|e| e.to_string())?;
        Ok(Repeat {
            scope: meta.scope.unwrap_or(Scope::Prose),
            min_chars: spec.min_chars,
            max_chars: spec.max_chars,
            singles: spec.singles,
            allow,
            not_starting: spec.not_starting,
        })
    }

    /// Whether the character at `i` comes again where a run `doubled_at` could report would
    /// repeat it: `min_chars..=max_chars` on, or right after it for a listed single. Lengths
    /// below `min_chars` (other than a single) are never reported, so they are not looked at.
    fn may_double_at(&self, chars: &[char], i: usize) -> bool {
        let first = chars[i];
        let at = |len: usize| chars.get(i + len) == Some(&first);
        (self.min_chars..self.max_chars + 1).any(at) || (at(1) && self.singles.contains(&first))
    }

    /// The length in characters of the run doubled at `i`, if one is. The character `len`
    /// places on is compared first: it rules out almost every position at once.
    fn doubled_at(&self, chars: &[char], i: usize) -> Option<usize> {
        let first = chars[i];
        if !is_cjk(first) || self.not_starting.contains(&first) {
            return None;
        }
        let same = |a: usize, b: usize| matches!((chars.get(a), chars.get(b)), (Some(x), Some(y)) if x == y);
        let single = || {
            self.singles.contains(&first) && !(i >= 2 && same(i - 2, i - 1)) && !same(i + 2, i + 3)
        };
        (1..=self.max_chars).rev().find(|&len| {
            i + 2 * len <= chars.len()
                && chars[i + len] == first
                && (if len == 1 {
                    single()
                } else {
                    len >= self.min_chars
                })
                && chars[i..i + 2 * len].iter().all(|&c| is_cjk(c))
                && chars[i..i + len]
                    .iter()
                    .zip(&chars[i + len..i + 2 * len])
                    .all(|(a, b)| a == b)
        })
    }
}

/// Byte offsets of character indices in a text, found by stepping from the last one asked
/// for: the scan asks for nearby indices in mostly increasing order, so a report costs a few
/// steps however long the span is.
struct Offsets<'c> {
    chars: &'c [char],
    index: usize,
    offset: usize,
}

impl Offsets<'_> {
    fn of(&mut self, index: usize) -> usize {
        while self.index < index {
            self.offset += self.chars[self.index].len_utf8();
            self.index += 1;
        }
        while self.index > index {
            self.index -= 1;
            self.offset -= self.chars[self.index].len_utf8();
        }
        self.offset
    }
}

impl Check for Repeat {
    fn placeholders(&self) -> Vec<&str> {
        vec!["word"]
    }

    fn check(&self, ctx: &Context, sink: &mut Sink) {
        let text = ctx.text();
        // Characters alone, four bytes each: the scan below compares nothing else. One buffer
        // for all the spans.
        let mut chars: Vec<char> = Vec::new();
        for &scope_span in ctx.spans(self.scope) {
            let haystack = scope_span.text(text);
            chars.clear();
            chars.extend(haystack.chars());
            let mut offsets = Offsets {
                chars: &chars,
                index: 0,
                offset: 0,
            };
            // The allowed words are looked for once a doubling is found: most spans have none.
            let mut allowed: Option<Vec<Span>> = None;
            let mut i = 0;
            while i < chars.len() {
                // A doubling at `i` has its first character again where a reportable run would
                // repeat it: in running text that rules out most places before any run is
                // compared.
                if !self.may_double_at(&chars, i) {
                    i += 1;
                    continue;
                }
                let Some(len) = self.doubled_at(&chars, i) else {
                    i += 1;
                    continue;
                };
                let start = offsets.of(i);
                let middle = offsets.of(i + len);
                let whole = Span::new(start, offsets.of(i + 2 * len));
                let allowed = allowed.get_or_insert_with(|| {
                    self.allow.as_ref().map_or_else(Vec::new, |allow| {
                        allow
                            .find_overlapping_iter(haystack)
                            .map(|m| Span::new(m.start(), m.end()))
                            .collect()
                    })
                });
                if allowed.iter().any(|a| a.contains(whole)) {
                    i += 1;
                    continue;
                }
                let second = Span::new(middle, whole.end);
                let word = &haystack[start..middle];
                let span = second.shift(scope_span.start);
                let fix = sink
                    .fix_applicability()
                    .map(|a| Fix::replace(a, span, String::new()));
                let vars = |name: &str| -> Option<Cow<str>> {
                    (name == "word").then_some(Cow::Borrowed(word))
                };
                sink.report(span, vars, fix);
                i += 2 * len;
            }
        }
    }
}

#[cfg(test)]
mod tests {

    const PACK: &str = "
- id: term/test
  kind: repeat
  severity: warning
  message: '“{word}”重复'
  explain: 测试
  min_chars: 3
  max_chars: 6
  singles: [的]
  allow: [学习学习]
  not_starting: [一]
  examples: { invalid: ['进一步进一步'], valid: ['进一步'] }
";

    fn messages(text: &str) -> Vec<String> {
        crate::rules::test_messages(PACK, text)
    }

    #[test]
    fn doubled_runs_are_reported_once() {
        assert_eq!(
            messages("要进一步进一步压实责任，确保的的安全。"),
            ["“进一步”重复", "“的”重复"]
        );
        assert_eq!(messages("实现实现方案方案"), Vec::<String>::new());
    }

    #[test]
    fn words_and_reduplications_are_not() {
        assert!(messages("常常、人人、天天向上").is_empty());
        assert!(messages("的的确确，实实在在，学习学习再学习").is_empty());
        assert!(
            messages("产业创业创新，合同工程工程量").is_empty(),
            "word boundaries"
        );
        assert!(messages("一步一步、一个一个地落实").is_empty());
        assert!(messages("2021、2021年").is_empty());
    }
}
