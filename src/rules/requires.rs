//! `requires`: literals that every match of a kind's regex contains, one of them at least. A
//! scope span that holds none of them is skipped without running the regex, which is what
//! makes a regex with no literal prefix (`\d+…比…`) cheap on the paragraphs that cannot match.
//! It is a promise of the rule's author: a list that misses a literal hides findings, and the
//! rule's own invalid examples are the check. Without `requires`, the literals are read from
//! the regex itself (`literals.rs`) where it has a small set of them.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use serde::{Deserialize, Deserializer};

use super::load::LazyRegex;
use super::{Context, Scope};
use crate::diagnostic::Span;

#[derive(Clone, Debug, Default)]
pub struct Requires {
    finder: Option<Finder>,
    literals: Vec<Vec<u8>>,
    /// This set's number in the rule set's `LiteralIndex`, once the rule set is built.
    id: OnceLock<usize>,
}

/// Teddy (SIMD) where the CPU has it: aho-corasick's own choice of prefilter for a few
/// patterns is often "rare bytes", and no byte of CJK text is rare.
#[derive(Clone, Debug)]
enum Finder {
    Packed(aho_corasick::packed::Searcher),
    Automaton(AhoCorasick),
}

impl Finder {
    fn new(literals: &[Vec<u8>]) -> Result<Finder, aho_corasick::BuildError> {
        let packed = aho_corasick::packed::Config::new()
            .builder()
            .extend(literals)
            .build();
        match packed {
            Some(searcher) => Ok(Finder::Packed(searcher)),
            // The rule set's `LiteralIndex` answers for most spans: no DFA for a fallback.
            None => AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(literals)
                .map(Finder::Automaton),
        }
    }

    fn is_match(&self, haystack: &str) -> bool {
        match self {
            Finder::Packed(searcher) => searcher.find(haystack).is_some(),
            Finder::Automaton(automaton) => automaton.is_match(haystack),
        }
    }
}

impl Requires {
    fn new(literals: Vec<Vec<u8>>) -> Result<Self, aho_corasick::BuildError> {
        Ok(Requires {
            finder: Some(Finder::new(&literals)?),
            literals,
            id: OnceLock::new(),
        })
    }

    /// The set of `words`, none of them empty: for a kind whose question is whether a span
    /// holds one of them at all.
    pub fn words(words: &[String]) -> Result<Self, String> {
        Requires::new(words.iter().map(|w| w.as_bytes().to_vec()).collect())
            .map_err(|e| e.to_string())
    }

    /// Whether `haystack` may hold a match: it contains one of the literals, or there are none.
    pub fn admits(&self, haystack: &str) -> bool {
        self.finder
            .as_ref()
            .is_none_or(|finder| finder.is_match(haystack))
    }

    /// `admits` for a span of the document, answered where it can be from the document's
    /// literal hits (`Context::literal_presence`), found once for all sets.
    pub fn admits_span(&self, ctx: &Context, span: Span) -> bool {
        let Some(finder) = &self.finder else {
            return true;
        };
        if let Some(presence) = self
            .id
            .get()
            .and_then(|&set| ctx.literal_presence(set, span))
        {
            return presence;
        }
        finder.is_match(span.text(ctx.text()))
    }

    /// The spans of `scope` that may hold a match: where every literal-gated kind starts.
    pub fn admitted<'c>(
        &'c self,
        ctx: &'c Context,
        scope: Scope,
    ) -> impl Iterator<Item = Span> + 'c {
        ctx.spans(scope)
            .iter()
            .copied()
            .filter(move |span| self.admits_span(ctx, *span))
    }

    /// The literals `regex` cannot match without (`literals::required`), unless the rule gave
    /// its own.
    pub fn or_derived(self, regex: &LazyRegex) -> Self {
        if self.finder.is_some() {
            return self;
        }
        regex
            .required
            .clone()
            .and_then(|set| Requires::new(set).ok())
            .unwrap_or_default()
    }
}

/// Which `Requires` sets occur in a paragraph, for all the rule set's sets in one walk over
/// the paragraph's characters: a table maps each character that opens some literal to the
/// literals it opens. Searching for each set on its own cost one pass per set and paragraph,
/// ~60 passes over every paragraph with the built-in packs.
#[derive(Debug, Default)]
pub struct LiteralIndex {
    /// For characters below U+10000: 1 + their entry in `openers`, or 0.
    table: Vec<u16>,
    /// Openers above U+FFFF, sorted.
    astral: Vec<(char, u16)>,
    openers: Vec<Opener>,
    sets: usize,
}

/// The literals one character opens.
#[derive(Debug, Default)]
struct Opener {
    /// Sets with the character itself as a literal.
    alone: Vec<usize>,
    /// The rest of each longer literal, and its set; sorted.
    tails: Vec<(Box<[u8]>, usize)>,
    /// The first bytes of `tails`, a bit each.
    next: [u64; 4],
}

impl LiteralIndex {
    pub fn build<'r>(all: impl IntoIterator<Item = &'r Requires>) -> Self {
        let mut index = LiteralIndex {
            table: vec![0; 0x10000],
            ..LiteralIndex::default()
        };
        let mut slots: std::collections::HashMap<char, usize> = Default::default();
        for set in all {
            // Literals that are not whole characters (from a bytes regex) stay with the set's
            // own search.
            let Ok(literals): Result<Vec<&str>, _> = set
                .literals
                .iter()
                .map(|l| std::str::from_utf8(l))
                .collect()
            else {
                continue;
            };
            if set.finder.is_none() || set.id.get().is_some() || index.sets == u16::MAX as usize {
                continue;
            }
            let id = index.sets;
            index.sets += 1;
            let _ = set.id.set(id);
            for literal in literals {
                let mut chars = literal.chars();
                let Some(first) = chars.next() else { continue };
                let slot = *slots.entry(first).or_insert_with(|| {
                    index.openers.push(Opener::default());
                    index.openers.len() - 1
                });
                let opener = &mut index.openers[slot];
                match chars.as_str().as_bytes() {
                    [] => opener.alone.push(id),
                    tail => {
                        opener.next[usize::from(tail[0] >> 6)] |= 1 << (tail[0] & 63);
                        opener.tails.push((tail.into(), id));
                    }
                }
            }
        }
        if index.sets == 0 {
            return LiteralIndex::default();
        }
        for opener in &mut index.openers {
            opener.tails.sort_unstable();
        }
        for (c, slot) in slots {
            let entry = u16::try_from(slot + 1).expect("fewer openers than sets of literals");
            match usize::try_from(u32::from(c)) {
                Ok(at) if at < index.table.len() => index.table[at] = entry,
                _ => index.astral.push((c, entry)),
            }
        }
        index.astral.sort_unstable();
        index
    }

    pub fn is_empty(&self) -> bool {
        self.sets == 0
    }

    /// Words of a set bitmap.
    pub fn words(&self) -> usize {
        self.sets.div_ceil(64)
    }

    /// One walk over a document's `text`: for each paragraph (`paragraphs`, sorted and
    /// disjoint) the sets with a literal inside it, `words()` words of bits each in
    /// `per_paragraph`, and in `document` the sets with a literal anywhere in the text, across
    /// paragraph breaks too. A span that is no paragraph is then answered from the paragraph
    /// that holds it or from the document (`Context::literal_presence`).
    pub fn scan(
        &self,
        text: &str,
        paragraphs: &[Span],
        per_paragraph: &mut [u64],
        document: &mut [u64],
    ) {
        let words = self.words();
        let mut p = 0;
        for (at, c) in text.char_indices() {
            let entry = match usize::try_from(u32::from(c)) {
                Ok(code) if code < self.table.len() => self.table[code],
                _ => self
                    .astral
                    .binary_search_by_key(&c, |&(opener, _)| opener)
                    .map_or(0, |i| self.astral[i].1),
            };
            if entry == 0 {
                continue;
            }
            while paragraphs.get(p).is_some_and(|span| span.end <= at) {
                p += 1;
            }
            // The paragraph `at` is in, if any: its end and its bits.
            let (paragraph_end, bits) = match paragraphs.get(p) {
                Some(span) if span.start <= at => {
                    (span.end, &mut per_paragraph[p * words..(p + 1) * words])
                }
                _ => (at, &mut [][..]),
            };
            let opener = &self.openers[usize::from(entry) - 1];
            for &set in &opener.alone {
                let (word, bit) = (set / 64, 1u64 << (set % 64));
                document[word] |= bit;
                if let Some(w) = bits.get_mut(word) {
                    *w |= bit;
                }
            }
            let after = at + c.len_utf8();
            let rest = &text.as_bytes()[after..];
            let Some(&next) = rest.first() else { continue };
            if opener.next[usize::from(next >> 6)] & (1 << (next & 63)) == 0 {
                continue;
            }
            // Only the tails that go on with `next`: they are sorted.
            let from = opener.tails.partition_point(|(tail, _)| tail[0] < next);
            let tails = opener.tails[from..].iter();
            for (tail, set) in tails.take_while(|(tail, _)| tail[0] == next) {
                let (word, bit) = (set / 64, 1u64 << (set % 64));
                let inside = after + tail.len() <= paragraph_end;
                let known = document[word] & bit != 0
                    && (!inside || bits.get(word).is_some_and(|w| w & bit != 0));
                if known || !rest.starts_with(tail) {
                    continue;
                }
                document[word] |= bit;
                if inside {
                    bits[word] |= bit;
                }
            }
        }
    }
}

impl<'de> Deserialize<'de> for Requires {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let literals = Vec::<String>::deserialize(deserializer)?;
        if literals.is_empty() || literals.iter().any(String::is_empty) {
            return Err(serde::de::Error::custom(
                "requires 需要至少一个非空的字面文字（正则表达式的每个匹配都含有其中之一）",
            ));
        }
        Requires::words(&literals).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_only_text_with_a_literal() {
        let requires: Requires = serde_saphyr::from_str("[比, 较]").unwrap();
        assert!(requires.admits("比去年增长"));
        assert!(requires.admits("较上年"));
        assert!(!requires.admits("增长2.03亿元"));
        assert!(Requires::default().admits(""));
        assert!(serde_saphyr::from_str::<Requires>("[]").is_err());
        assert!(serde_saphyr::from_str::<Requires>("['']").is_err());
    }

    /// The index's answer for a paragraph is each set's own search on it.
    #[test]
    fn the_index_agrees_with_each_set() {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let sets: Vec<&Requires> = rules
            .rules
            .iter()
            .flat_map(|r| r.check.requires())
            .collect();
        assert!(sets.iter().filter(|s| s.id.get().is_some()).count() > 30);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let settings = crate::rules::Settings::default();
        let mut checked = 0;
        for entry in std::fs::read_dir(root.join("seeds")).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let doc = crate::parse::parse(text);
            let ctx = Context::new(&doc, &rules, &settings);
            // Each paragraph, a part of one, the whole text and a stretch across paragraphs.
            let whole = Span::new(0, doc.text.len());
            let mut spans = vec![whole];
            for pair in doc.paragraphs.windows(2) {
                spans.push(pair[0].span);
                spans.push(Span::new(pair[0].span.start, pair[1].span.end));
                let half = pair[0].span.text(&doc.text).char_indices().nth(3);
                if let Some((at, _)) = half {
                    spans.push(Span::new(pair[0].span.start + at, pair[0].span.end));
                }
            }
            for span in spans {
                for set in &sets {
                    let Some(&id) = set.id.get() else { continue };
                    let own = set.admits(span.text(&doc.text));
                    if let Some(presence) = ctx.literal_presence(id, span) {
                        assert_eq!(presence, own, "{id} in {span:?}");
                    }
                    assert_eq!(set.admits_span(&ctx, span), own);
                    checked += usize::from(own);
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }
}
