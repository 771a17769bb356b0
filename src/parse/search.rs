//! Where a few literals occur in a text, and which paragraphs hold them: the parser's whole-run
//! searches, which look at a run of paragraphs at once rather than at each paragraph in turn
//! (most paragraphs hold none of what is looked for).

use aho_corasick::packed::Searcher;
use aho_corasick::AhoCorasick;

use crate::diagnostic::Span;

/// A set of literals no two of which can overlap in a text, so that a search finds every
/// occurrence of each: Teddy (SIMD) where the CPU has it, an Aho-Corasick automaton elsewhere.
pub enum Literals {
    Teddy(Searcher),
    Automaton(AhoCorasick),
}

impl Literals {
    pub fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Self {
        match Searcher::new(patterns) {
            Some(teddy) => Literals::Teddy(teddy),
            None => Literals::Automaton(AhoCorasick::new(patterns).expect("literals")),
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
