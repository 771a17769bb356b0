//! `requires`: literals that every match of a kind's regex contains, one of them at least. A
//! scope span that holds none of them is skipped without running the regex, which is what
//! makes a regex with no literal prefix (`\d+…比…`) cheap on the paragraphs that cannot match.
//! It is a promise of the rule's author: a list that misses a literal hides findings, and the
//! rule's own invalid examples are the check. Without `requires`, the literals are read from
//! the regex itself (`literals.rs`) where it has a small set of them.

use std::sync::OnceLock;

use serde::{Deserialize, Deserializer};

use super::literal_scan::LiteralScan;
use super::load::LazyRegex;
use super::substitution::WordIndex;
use super::{Context, Scope};
use crate::diagnostic::Span;
use crate::parse::search::Literals;

#[derive(Clone, Debug, Default)]
pub struct Requires {
    finder: Option<Literals>,
    literals: Vec<Vec<u8>>,
    /// This set's number in the rule set's `LiteralIndex`, once the rule set is built.
    id: OnceLock<usize>,
}

impl Requires {
    fn new(literals: Vec<Vec<u8>>) -> Result<Self, aho_corasick::BuildError> {
        Ok(Requires {
            finder: Some(Literals::try_new(&literals)?),
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

    /// `admits_span`, read from `sets` (`Context::paragraph_sets`) when the span is a whole
    /// paragraph and this set is in the index.
    pub fn admits_in(&self, ctx: &Context, span: Span, sets: Option<&[u64]>) -> bool {
        match (&self.finder, self.id.get(), sets) {
            (Some(_), Some(&set), Some(bits)) => bits[set / 64] & (1 << (set % 64)) != 0,
            _ => self.admits_span(ctx, span),
        }
    }

    /// Whether the set is in the rule set's `LiteralIndex`, whose answers `admits_in` reads.
    pub fn is_indexed(&self) -> bool {
        self.finder.is_some() && self.id.get().is_some()
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
/// the text (`LiteralScan`, which finds the substitution words in the same walk). Searching for
/// each set on its own cost one pass per set and paragraph, ~60 passes over every paragraph
/// with the built-in packs.
#[derive(Debug, Default)]
pub struct LiteralIndex {
    /// The literals of each set, by the set's number.
    sets: Vec<Vec<String>>,
    /// The walk for these sets and the rule set's words, laid out the first time a document
    /// needs it: a run that never asks (an empty file, `rules`, `explain`) does not pay for it.
    scan: OnceLock<LiteralScan>,
}

impl LiteralIndex {
    pub fn build<'r>(all: impl IntoIterator<Item = &'r Requires>) -> Self {
        let mut index = LiteralIndex::default();
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
            if set.finder.is_none() || set.id.get().is_some() {
                continue;
            }
            let _ = set.id.set(index.sets.len());
            index
                .sets
                .push(literals.into_iter().map(str::to_string).collect());
        }
        index
    }

    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// Words of a set bitmap.
    pub fn words(&self) -> usize {
        self.sets.len().div_ceil(64)
    }

    /// The walk over a document for these sets and `words`, the rule set's word index (a rule
    /// set has one): `LiteralScan::scan`.
    pub fn scan(&self, words: &WordIndex) -> &LiteralScan {
        self.scan
            .get_or_init(|| LiteralScan::new(&self.sets, words.patterns()))
    }

    /// Whether the walk has been laid out.
    #[cfg(test)]
    pub fn is_laid_out(&self) -> bool {
        self.scan.get().is_some()
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
                    let sets = ctx.paragraph_sets(span);
                    assert_eq!(set.admits_in(&ctx, span, sets), own);
                    checked += usize::from(own);
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }
}
