//! `requires`: literals that every match of a kind's regex contains, one of them at least. A
//! scope span that holds none of them is skipped without running the regex, which is what
//! makes a regex with no literal prefix (`\d+…比…`) cheap on the paragraphs that cannot match.
//! It is a promise of the rule's author: a list that misses a literal hides findings, and the
//! rule's own invalid examples are the check. Without `requires`, the literals are read from
//! the regex itself (`literals.rs`) where it has a small set of them.

use aho_corasick::AhoCorasick;
use serde::{Deserialize, Deserializer};

#[derive(Clone, Debug, Default)]
pub struct Requires(Option<Finder>);

/// Teddy (SIMD) where the CPU has it: aho-corasick's own choice of prefilter for a few
/// patterns is often "rare bytes", and no byte of CJK text is rare.
#[derive(Clone, Debug)]
enum Finder {
    Packed(aho_corasick::packed::Searcher),
    Automaton(AhoCorasick),
}

impl Finder {
    fn is_match(&self, haystack: &str) -> bool {
        match self {
            Finder::Packed(searcher) => searcher.find(haystack).is_some(),
            Finder::Automaton(automaton) => automaton.is_match(haystack),
        }
    }
}

impl Requires {
    /// Whether `haystack` may hold a match: it contains one of the literals, or there are none.
    pub fn admits(&self, haystack: &str) -> bool {
        self.0
            .as_ref()
            .is_none_or(|finder| finder.is_match(haystack))
    }

    /// The literals the regex `pattern` cannot match without (`literals::required`), unless
    /// the rule gave its own.
    pub fn or_derived(self, pattern: &str) -> Self {
        if self.0.is_some() {
            return self;
        }
        Requires(super::literals::required(pattern).and_then(|set| finder(set).ok()))
    }
}

fn finder<P: AsRef<[u8]>>(
    literals: impl IntoIterator<Item = P>,
) -> Result<Finder, aho_corasick::BuildError> {
    let literals: Vec<P> = literals.into_iter().collect();
    let packed = aho_corasick::packed::Config::new()
        .builder()
        .extend(&literals)
        .build();
    match packed {
        Some(searcher) => Ok(Finder::Packed(searcher)),
        None => AhoCorasick::new(&literals).map(Finder::Automaton),
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
        finder(literals)
            .map(|finder| Requires(Some(finder)))
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_only_text_with_a_literal() {
        let requires: Requires = serde_yaml::from_str("[比, 较]").unwrap();
        assert!(requires.admits("比去年增长"));
        assert!(requires.admits("较上年"));
        assert!(!requires.admits("增长2.03亿元"));
        assert!(Requires::default().admits(""));
        assert!(serde_yaml::from_str::<Requires>("[]").is_err());
        assert!(serde_yaml::from_str::<Requires>("['']").is_err());
    }
}
