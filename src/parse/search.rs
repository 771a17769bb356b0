//! Where a few literals occur in a text, and which paragraphs hold them: the parser's whole-run
//! searches, which look at a run of paragraphs at once rather than at each paragraph in turn
//! (most paragraphs hold none of what is looked for), and the rules' test of whether a span
//! holds a required literal (`rules::requires`).

use aho_corasick::packed::Searcher;
use aho_corasick::{AhoCorasick, AhoCorasickKind};

use crate::diagnostic::Span;

/// A set of literals: Teddy (SIMD) where the CPU has it, since aho-corasick's own choice of
/// prefilter for a few patterns is often "rare bytes" and no byte of CJK text is rare; an
/// Aho-Corasick automaton elsewhere (a contiguous NFA: the sets are many and small). A search
/// finds every occurrence of each literal when no two of them can overlap in a text.
#[derive(Clone, Debug)]
pub enum Literals {
    Teddy(Searcher),
    Automaton(AhoCorasick),
}

impl Literals {
    /// The parser's own literals, which always build.
    pub fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Self {
        Literals::try_new(patterns).expect("literals")
    }

    pub fn try_new<P: AsRef<[u8]>>(patterns: &[P]) -> Result<Self, aho_corasick::BuildError> {
        match Searcher::new(patterns) {
            Some(teddy) => Ok(Literals::Teddy(teddy)),
            None => AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(patterns)
                .map(Literals::Automaton),
        }
    }

    /// Whether `text` holds one of the literals.
    pub fn is_match(&self, text: &str) -> bool {
        match self {
            Literals::Teddy(teddy) => teddy.find(text).is_some(),
            Literals::Automaton(automaton) => automaton.is_match(text),
        }
    }

    /// The byte offsets in `text` where a literal starts, plus `offset`, in order.
    pub fn starts(&self, text: &str, offset: usize, starts: &mut Vec<usize>) {
        match self {
            Literals::Teddy(teddy) => {
                starts.extend(teddy.find_iter(text).map(|m| offset + m.start()));
            }
            Literals::Automaton(automaton) => {
                starts.extend(automaton.find_iter(text).map(|m| offset + m.start()));
            }
        }
    }
}

/// The offsets of sorted `starts` that fall in `span`.
pub fn within(starts: &[usize], span: Span) -> &[usize] {
    let from = starts.partition_point(|&at| at < span.start);
    let to = from + starts[from..].partition_point(|&at| at < span.end);
    &starts[from..to]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_occurrence_in_order_and_those_of_a_span() {
        let literals = Literals::new(&["（20", "〔19", "摄"]);
        let text = "甲（2021年）乙〔1998〕丙摄（20";
        let mut starts = Vec::new();
        literals.starts(text, 10, &mut starts);
        let expected: Vec<usize> = ["（20", "〔19", "摄", "（20"]
            .iter()
            .scan(0, |from, literal| {
                let at = text[*from..].find(literal)? + *from;
                *from = at + literal.len();
                Some(at + 10)
            })
            .collect();
        assert_eq!(starts, expected);
        assert_eq!(within(&starts, Span::new(0, 10)), &[] as &[usize]);
        assert_eq!(
            within(&starts, Span::new(starts[0] + 1, starts[2] + 1)),
            &starts[1..3]
        );
        assert_eq!(
            within(&starts, Span::new(starts[3], usize::MAX)),
            &starts[3..]
        );
    }
}
