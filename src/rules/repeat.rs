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
    singles: Vec<u32>,
    allow: Option<AhoCorasick>,
    not_starting: Vec<u32>,
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
            singles: spec.singles.into_iter().map(u32::from).collect(),
            allow,
            not_starting: spec.not_starting.into_iter().map(u32::from).collect(),
        })
    }

    /// The positions in `chars[from..from + BLOCK]` (bit `j` for `from + j`) whose character
    /// comes again where a run `doubled_at` could report would repeat it: `min_chars..=
    /// max_chars` on, or right after it when the rule lists singles (`doubled_at` tells which).
    /// Lengths below `min_chars` are never reported otherwise, so they are not looked at. The
    /// comparisons are whole slices against each other, which the compiler turns into vector
    /// compares; `chars` holds `lookahead()` padding values after the text.
    fn candidates(&self, chars: &[u32], from: usize) -> u64 {
        let block = &chars[from..from + BLOCK];
        let mut again = [false; BLOCK];
        for len in self.min_chars..=self.max_chars {
            let later = &chars[from + len..from + len + BLOCK];
            for ((flag, a), b) in again.iter_mut().zip(block).zip(later) {
                *flag |= a == b;
            }
        }
        if !self.singles.is_empty() {
            let next = &chars[from + 1..from + 1 + BLOCK];
            for ((flag, a), b) in again.iter_mut().zip(block).zip(next) {
                *flag |= a == b;
            }
        }
        again
            .iter()
            .enumerate()
            .fold(0, |bits, (j, &flag)| bits | (u64::from(flag) << j))
    }

    /// How many padding values `candidates` reads past the text.
    fn lookahead(&self) -> usize {
        BLOCK + self.max_chars.max(1)
    }

    /// The length in characters of the run doubled at `i`, if one is. The character `len`
    /// places on is compared first: it rules out almost every position at once.
    fn doubled_at(&self, chars: &[u32], i: usize) -> Option<usize> {
        let first = chars[i];
        if !is_cjk_code(first) || self.not_starting.contains(&first) {
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
                && chars[i..i + 2 * len].iter().all(|&c| is_cjk_code(c))
                && chars[i..i + len] == chars[i + len..i + 2 * len]
        })
    }
}

/// How many positions `Repeat::candidates` tests at once.
const BLOCK: usize = 64;

/// Past the text in the character buffer: equal to no character.
const PAD: u32 = u32::MAX;

fn is_cjk_code(c: u32) -> bool {
    char::from_u32(c).is_some_and(is_cjk)
}

/// `text`'s characters as numbers into `into`, then `pad` values `PAD`; their number.
/// Reserved up front and pushed one by one: `Vec::extend` over `chars()` goes through its
/// general path, which asks for room for every character.
fn decode(text: &str, into: &mut Vec<u32>, pad: usize) -> usize {
    into.clear();
    into.reserve(text.len() + pad);
    for c in text.chars() {
        into.push(u32::from(c));
    }
    let n = into.len();
    into.resize(n + pad, PAD);
    n
}

/// Byte offsets of character indices in a text, found by stepping from the last one asked
/// for: the scan asks for nearby indices in mostly increasing order, so a report costs a few
/// steps however long the span is.
struct Offsets<'c> {
    chars: &'c [u32],
    index: usize,
    offset: usize,
}

impl Offsets<'_> {
    fn of(&mut self, index: usize) -> usize {
        while self.index < index {
            self.offset += utf8_len(self.chars[self.index]);
            self.index += 1;
        }
        while self.index > index {
            self.index -= 1;
            self.offset -= utf8_len(self.chars[self.index]);
        }
        self.offset
    }
}

fn utf8_len(c: u32) -> usize {
    char::from_u32(c).map_or(0, char::len_utf8)
}

impl Check for Repeat {
    fn placeholders(&self) -> Vec<&str> {
        vec!["word"]
    }

    fn check(&self, ctx: &Context, sink: &mut Sink) {
        let text = ctx.text();
        // Characters alone, four bytes each: the scan below compares nothing else. One buffer
        // for all the spans.
        let mut chars: Vec<u32> = Vec::new();
        for &scope_span in ctx.spans(self.scope) {
            let haystack = scope_span.text(text);
            let n = decode(haystack, &mut chars, self.lookahead());
            let mut offsets = Offsets {
                chars: &chars,
                index: 0,
                offset: 0,
            };
            // The allowed words are looked for once a doubling is found: most spans have none.
            let mut allowed: Option<Vec<Span>> = None;
            let mut i = 0;
            let mut block = (0, self.candidates(&chars, 0));
            while i < n {
                // A doubling at `i` has its first character again where a reportable run would
                // repeat it: in running text that rules out most places before any run is
                // compared.
                if i >= block.0 + BLOCK {
                    block = (i, self.candidates(&chars, i));
                }
                let ahead = block.1 >> (i - block.0);
                if ahead == 0 {
                    i = block.0 + BLOCK;
                    continue;
                }
                i += ahead.trailing_zeros() as usize;
                if i >= n {
                    break;
                }
                let Some(len) = self.doubled_at(&chars[..n], i) else {
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

    proptest::proptest! {
        /// `candidates` only turns away positions where `doubled_at` finds nothing, in every
        /// block of a span, the last one with its padding too.
        #[test]
        fn candidates_keep_every_doubling(
            text in proptest::collection::vec(
                proptest::sample::select(vec!['的', '是', '一', '步', '进', '甲', '乙', 'a', ' ', '𠀀', '，']),
                0..200,
            )
        ) {
            let repeat = super::Repeat {
                scope: crate::rules::Scope::Prose,
                min_chars: 3,
                max_chars: 6,
                singles: vec![u32::from('的'), u32::from('是')],
                allow: None,
                not_starting: vec![u32::from('一')],
            };
            let text: String = text.into_iter().collect();
            let mut chars = Vec::new();
            let n = super::decode(&text, &mut chars, repeat.lookahead());
            proptest::prop_assert_eq!(n, text.chars().count());
            for i in 0..n {
                let from = i - i % super::BLOCK;
                let kept = repeat.candidates(&chars, from) >> (i - from) & 1 == 1;
                proptest::prop_assert!(kept || repeat.doubled_at(&chars[..n], i).is_none(), "{} at {}", text, i);
            }
        }
    }
}
