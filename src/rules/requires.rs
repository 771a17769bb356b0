//! `requires`: literals that every match of a kind's regex contains, one of them at least. A
//! scope span that holds none of them is skipped without running the regex, which is what
//! makes a regex with no literal prefix (`\d+…比…`) cheap on the paragraphs that cannot match.
//! It is a promise of the rule's author: a list that misses a literal hides findings, and the
//! rule's own invalid examples are the check.

use aho_corasick::AhoCorasick;
use serde::{Deserialize, Deserializer};

#[derive(Clone, Debug, Default)]
pub struct Requires(Option<AhoCorasick>);

impl Requires {
    /// Whether `haystack` may hold a match: it contains one of the literals, or there are none.
    pub fn admits(&self, haystack: &str) -> bool {
        self.0
            .as_ref()
            .is_none_or(|finder| finder.is_match(haystack))
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
        AhoCorasick::new(&literals)
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
