//! `literal_scan`: one walk over a document's text for the literals of every rule in the rule
//! set: which `Requires` sets (`requires.rs`) occur in each paragraph, and where the
//! substitution words (`substitution.rs`) are. A walk per set, or an Aho-Corasick search per
//! kind, cost a pass over the text each; and no byte of CJK text is rare, so no prefilter helps.
//!
//! The walk reads the text a character at a time and asks two questions of each: does a literal
//! start with the pair of characters that ends here, and is there a one-character literal for
//! this character. Each is one bit of a 64 Kibit filter, indexed by a hash of the characters;
//! on a set bit (a few characters in a hundred) a table indexed by the same hash holds the
//! literals to confirm. A pair's own bits (the sets that have it as a whole literal) are one
//! mask; longer literals compare the rest of their bytes.

use std::collections::BTreeMap;

use crate::diagnostic::Span;

use super::substitution::WordHit;

/// Bits of each filter: the hash of a character, or of a pair, is this wide.
const HASH_BITS: u32 = 16;

/// Words of a filter.
const FILTER_WORDS: usize = (1 << HASH_BITS) / 64;

/// The character before the first.
const NONE: u32 = u32::MAX;

/// The literals of a rule set, laid out for `scan`.
#[derive(Debug)]
pub struct LiteralScan {
    /// Words of a set bitmap: 64 sets a word.
    words: usize,
    /// Literals of two characters or more, by their first two.
    pairs: Table<Pair>,
    /// Literals of one character.
    singles: Table<Single>,
    /// The set bitmaps of `Pair::mask` and `Single::mask`, `words` words each.
    masks: Vec<u64>,
    /// What follows the first two characters of the longer literals (`Pair::tails`).
    tails: Vec<Tail>,
    /// The bytes of `Tail::rest`.
    rest_bytes: Vec<u8>,
    /// The words of `Single::words`.
    single_words: Vec<u32>,
}

/// A filter of `1 << HASH_BITS` bits and, for each set bit, the entries with that hash.
#[derive(Debug)]
struct Table<T> {
    bits: Box<[u64; FILTER_WORDS]>,
    /// For each word of `bits`, the bits set in the words before it: a hash's bucket number is
    /// the count of set bits before its own (a table of bucket numbers by hash, 128 KiB, missed
    /// the cache).
    rank: Box<[u32]>,
    /// Bucket `b` is `entries[starts[b]..starts[b + 1]]`.
    starts: Vec<u32>,
    entries: Vec<T>,
}

/// The literals that open with one pair of characters.
#[derive(Debug)]
struct Pair {
    first: u32,
    second: u32,
    /// Offset in `masks` of the sets with the pair itself as a literal, if any.
    mask: Option<u32>,
    /// `tails[tails.0..tails.1]`: the longer literals.
    tails: (u32, u32),
}

/// The literals that are one character.
#[derive(Debug)]
struct Single {
    key: u32,
    /// Offset in `masks` of the sets with the character as a literal, if any.
    mask: Option<u32>,
    /// `single_words[words.0..words.1]`: the substitution words that are the character.
    words: (u32, u32),
}

#[derive(Debug)]
struct Tail {
    /// `rest_bytes[rest.0..rest.1]`: the literal after its first two characters.
    rest: (u32, u32),
    /// Its first four bytes (fewer, and zeros, when it is shorter), little-endian: most tails
    /// that follow a pair are not there, and this tells at once.
    head: u32,
    target: Target,
}

/// What a literal is found for: a `Requires` set, by id, or a substitution word, by pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Set(u32),
    Word(u32),
}

/// While the scan is laid out, the literals that open with a pair of characters: the sets with
/// the pair as a literal, and the longer literals' rest and target.
type PairLiterals<'l> = (Vec<u64>, Vec<(&'l str, Target)>);

/// A character as the scan sees it: its UTF-8 bytes, little-endian, in a `u32`.
fn key(c: char) -> u32 {
    let mut bytes = [0; 4];
    c.encode_utf8(&mut bytes);
    u32::from_le_bytes(bytes)
}

fn single_hash(key: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize
}

fn pair_hash(first: u32, second: u32) -> usize {
    ((first.wrapping_mul(0x9E37_79B1) ^ second).wrapping_mul(0x85EB_CA6B) >> (32 - HASH_BITS))
        as usize
}

impl<T> Table<T> {
    /// The table of `entries`, each with its hash.
    fn new(mut entries: Vec<(usize, T)>) -> Self {
        entries.sort_by_key(|(hash, _)| *hash);
        let mut bits = Box::new([0u64; FILTER_WORDS]);
        let mut starts = vec![0u32];
        for (at, &(hash, _)) in entries.iter().enumerate() {
            if bits[hash / 64] & (1 << (hash % 64)) == 0 {
                bits[hash / 64] |= 1 << (hash % 64);
                starts.push(at as u32);
            }
            *starts.last_mut().expect("a first bucket") = at as u32 + 1;
        }
        let rank = bits
            .iter()
            .scan(0, |before, word| {
                let rank = *before;
                *before += word.count_ones();
                Some(rank)
            })
            .collect();
        Table {
            bits,
            rank,
            starts,
            entries: entries.into_iter().map(|(_, entry)| entry).collect(),
        }
    }

    fn may_hold(&self, hash: usize) -> bool {
        self.bits[hash / 64] & (1 << (hash % 64)) != 0
    }

    /// The entries with `hash`, of which one at most is the one sought.
    fn bucket(&self, hash: usize) -> &[T] {
        let below = self.bits[hash / 64] & ((1 << (hash % 64)) - 1);
        let b = (self.rank[hash / 64] + below.count_ones()) as usize;
        &self.entries[self.starts[b] as usize..self.starts[b + 1] as usize]
    }
}

/// The paragraph or gap between paragraphs being walked, and where its literals' bits go.
struct Segment<'b> {
    start: usize,
    end: usize,
    bits: &'b mut [u64],
}

impl LiteralScan {
    /// The scan for `sets` (each a list of literals, numbered in order: `Target::Set`) and the
    /// substitution `words` (`Target::Word`). No literal is empty.
    pub fn new(sets: &[Vec<String>], words: &[String]) -> Self {
        let set_words = sets.len().div_ceil(64);
        // Per pair of opening characters: the sets it is a literal of, and the longer literals.
        let mut pairs: BTreeMap<(u32, u32), PairLiterals> = BTreeMap::new();
        // Per character: the sets it is a literal of, and the words it is.
        let mut singles: BTreeMap<u32, (Vec<u64>, Vec<u32>)> = BTreeMap::new();
        let set_bit = |mask: &mut Vec<u64>, id: u32| {
            mask.resize(set_words, 0);
            mask[id as usize / 64] |= 1 << (id % 64);
        };
        let literals = (0u32..)
            .zip(sets)
            .flat_map(|(id, set)| set.iter().map(move |l| (l.as_str(), Target::Set(id))))
            .chain(
                (0u32..)
                    .zip(words)
                    .map(|(pattern, word)| (word.as_str(), Target::Word(pattern))),
            );
        for (literal, target) in literals {
            let mut chars = literal.chars();
            let Some(first) = chars.next() else { continue };
            match (chars.next(), target) {
                (None, Target::Set(id)) => {
                    set_bit(&mut singles.entry(key(first)).or_default().0, id)
                }
                (None, Target::Word(pattern)) => {
                    singles.entry(key(first)).or_default().1.push(pattern)
                }
                (Some(second), target) => {
                    let pair = pairs.entry((key(first), key(second))).or_default();
                    match (chars.as_str(), target) {
                        ("", Target::Set(id)) => set_bit(&mut pair.0, id),
                        (rest, target) => pair.1.push((rest, target)),
                    }
                }
            }
        }
        let mut scan = LiteralScan {
            words: set_words,
            pairs: Table::new(Vec::new()),
            singles: Table::new(Vec::new()),
            masks: Vec::new(),
            tails: Vec::new(),
            rest_bytes: Vec::new(),
            single_words: Vec::new(),
        };
        let pairs = pairs
            .into_iter()
            .map(|((first, second), (mask, mut tails))| {
                let entry = Pair {
                    first,
                    second,
                    mask: scan.push_mask(mask),
                    tails: (
                        scan.tails.len() as u32,
                        (scan.tails.len() + tails.len()) as u32,
                    ),
                };
                tails.sort_unstable();
                for (rest, target) in tails {
                    let from = scan.rest_bytes.len() as u32;
                    scan.rest_bytes.extend_from_slice(rest.as_bytes());
                    scan.tails.push(Tail {
                        rest: (from, scan.rest_bytes.len() as u32),
                        head: head(rest.as_bytes()),
                        target,
                    });
                }
                (pair_hash(first, second), entry)
            })
            .collect();
        let singles = singles
            .into_iter()
            .map(|(key, (mask, words))| {
                let from = scan.single_words.len() as u32;
                scan.single_words.extend(words);
                let entry = Single {
                    key,
                    mask: scan.push_mask(mask),
                    words: (from, scan.single_words.len() as u32),
                };
                (single_hash(key), entry)
            })
            .collect();
        scan.pairs = Table::new(pairs);
        scan.singles = Table::new(singles);
        scan
    }

    /// Appends `mask` (of no more than `words` words) to `masks`, unless it has no bit.
    fn push_mask(&mut self, mask: Vec<u64>) -> Option<u32> {
        if mask.iter().all(|&word| word == 0) {
            return None;
        }
        let at = self.masks.len();
        self.masks.extend(mask);
        self.masks.resize(at + self.words, 0);
        Some(at as u32)
    }

    fn mask(&self, at: u32) -> &[u64] {
        &self.masks[at as usize..at as usize + self.words]
    }

    /// One walk over a document's `text`: for each paragraph (`paragraphs`, sorted and
    /// disjoint) the sets with a literal inside it, `words` words of bits each in
    /// `per_paragraph`, and in `document` the sets with a literal anywhere in the text, across
    /// paragraph breaks too; returned, the words' hits as a leftmost-longest search finds them
    /// (Aho-Corasick's `MatchKind::LeftmostLongest`: from the end of each hit, the next hit is
    /// the one that starts first and, of those, the longest, and of equal words the first).
    pub fn scan(
        &self,
        text: &str,
        paragraphs: &[Span],
        per_paragraph: &mut [u64],
        document: &mut [u64],
    ) -> Vec<WordHit> {
        let mut found = Vec::new();
        if self.pairs.entries.is_empty() && self.singles.entries.is_empty() {
            return found;
        }
        let bytes = text.as_bytes();
        let mut gap = vec![0; self.words];
        // The character before the one at `at`, and where it starts; no character's key is
        // `NONE` (no UTF-8 byte is 0xFF).
        let (mut previous, mut previous_at) = (NONE, 0);
        let words = self.words;
        let mut next = 0;
        let mut start = 0;
        while start < text.len() {
            // The gap before the next paragraph, or the paragraph.
            let (mut segment, in_paragraph) = match paragraphs.get(next) {
                Some(span) if span.start <= start => {
                    next += 1;
                    let end = span.end.clamp(start, text.len());
                    let bits = &mut per_paragraph[(next - 1) * words..next * words];
                    (Segment { start, end, bits }, true)
                }
                upcoming => {
                    let end = upcoming.map_or(text.len(), |span| span.start.min(text.len()));
                    let bits = &mut gap[..];
                    (Segment { start, end, bits }, false)
                }
            };
            let mut at = segment.start;
            while at < segment.end {
                let (key, len) = match bytes.get(at..).and_then(<[u8]>::first_chunk) {
                    Some(&four) => {
                        let four = u32::from_le_bytes(four);
                        let b0 = four as u8;
                        if b0 & 0xF0 == 0xE0 {
                            (four & 0xFF_FFFF, 3)
                        } else if b0 < 0x80 {
                            (four & 0xFF, 1)
                        } else if b0 & 0xE0 == 0xC0 {
                            (four & 0xFFFF, 2)
                        } else {
                            (four, 4)
                        }
                    }
                    _ => last_key(&bytes[at..]),
                };
                let pair = pair_hash(previous, key);
                if self.pairs.may_hold(pair) {
                    let at_pair = (previous, previous_at);
                    self.pair_hit(
                        pair,
                        at_pair,
                        key,
                        at + len,
                        bytes,
                        &mut segment,
                        document,
                        &mut found,
                    );
                }
                let single = single_hash(key);
                if self.singles.may_hold(single) {
                    self.single_hit(
                        single,
                        key,
                        Span::new(at, at + len),
                        &mut segment,
                        &mut found,
                    );
                }
                (previous, previous_at) = (key, at);
                at += len;
            }
            let Segment { end, bits, .. } = segment;
            if in_paragraph {
                for (d, b) in document.iter_mut().zip(bits.iter()) {
                    *d |= b;
                }
            }
            start = end;
        }
        for (d, b) in document.iter_mut().zip(&gap) {
            *d |= b;
        }
        leftmost_longest(found)
    }

    /// The literals that open with `first` (starting at `first_at`) and `second` (ending at
    /// `after`).
    #[cold]
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn pair_hit(
        &self,
        hash: usize,
        (first, first_at): (u32, usize),
        second: u32,
        after: usize,
        bytes: &[u8],
        segment: &mut Segment,
        document: &mut [u64],
        found: &mut Vec<WordHit>,
    ) {
        let Some(pair) = self
            .pairs
            .bucket(hash)
            .iter()
            .find(|p| p.first == first && p.second == second)
        else {
            return;
        };
        let starts_inside = first_at >= segment.start;
        let bits: &mut [u64] = if starts_inside {
            segment.bits
        } else {
            document
        };
        if let Some(mask) = pair.mask {
            for (b, m) in bits.iter_mut().zip(self.mask(mask)) {
                *b |= m;
            }
        }
        let tails = &self.tails[pair.tails.0 as usize..pair.tails.1 as usize];
        if tails.is_empty() {
            return;
        }
        let next = head(bytes.get(after..).unwrap_or_default());
        for tail in tails {
            let rest = &self.rest_bytes[tail.rest.0 as usize..tail.rest.1 as usize];
            // The text's next bytes, as many as the tail's head has.
            let next = next
                & u32::MAX
                    .checked_shr(32 - 8 * rest.len().min(4) as u32)
                    .unwrap_or(0);
            if next != tail.head {
                continue;
            }
            let end = after + rest.len();
            match tail.target {
                Target::Set(id) => {
                    let (word, bit) = (id as usize / 64, 1 << (id % 64));
                    let inside = starts_inside && end <= segment.end;
                    let bits: &mut [u64] = if inside { segment.bits } else { document };
                    if bits[word] & bit == 0 && bytes.get(after..end) == Some(rest) {
                        bits[word] |= bit;
                    }
                }
                Target::Word(pattern) => {
                    if bytes.get(after..end) == Some(rest) {
                        found.push(WordHit {
                            pattern: pattern as usize,
                            span: Span::new(first_at, end),
                        });
                    }
                }
            }
        }
    }

    /// The literals that are the character `key` at `span`.
    #[cold]
    #[inline(never)]
    fn single_hit(
        &self,
        hash: usize,
        key: u32,
        span: Span,
        segment: &mut Segment,
        found: &mut Vec<WordHit>,
    ) {
        let Some(single) = self.singles.bucket(hash).iter().find(|s| s.key == key) else {
            return;
        };
        if let Some(mask) = single.mask {
            for (b, m) in segment.bits.iter_mut().zip(self.mask(mask)) {
                *b |= m;
            }
        }
        let words = &self.single_words[single.words.0 as usize..single.words.1 as usize];
        found.extend(words.iter().map(|&pattern| WordHit {
            pattern: pattern as usize,
            span,
        }));
    }
}

/// The first four bytes of `bytes`, little-endian, zeros for those it lacks.
fn head(bytes: &[u8]) -> u32 {
    let mut four = [0; 4];
    let n = bytes.len().min(4);
    four[..n].copy_from_slice(&bytes[..n]);
    u32::from_le_bytes(four)
}

/// The key and length of the character that opens `rest`, one of a text's last three bytes.
#[cold]
fn last_key(rest: &[u8]) -> (u32, usize) {
    match *rest {
        [b0, ..] if b0 < 0x80 => (u32::from(b0), 1),
        [b0, b1, ..] if b0 & 0xE0 == 0xC0 => (u32::from_le_bytes([b0, b1, 0, 0]), 2),
        [b0, b1, b2, ..] => (u32::from_le_bytes([b0, b1, b2, 0]), 3),
        _ => (0, 1),
    }
}

/// The hits a leftmost-longest search reports among all of `found`: from the end of each, the
/// next is the one that starts first, the longest of those, the first word of equal ones.
fn leftmost_longest(mut found: Vec<WordHit>) -> Vec<WordHit> {
    found
        .sort_unstable_by_key(|hit| (hit.span.start, std::cmp::Reverse(hit.span.end), hit.pattern));
    let mut from = 0;
    found.retain(|hit| {
        let next = hit.span.start >= from;
        if next {
            from = hit.span.end;
        }
        next
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, MatchKind};

    /// The words' hits are Aho-Corasick's leftmost-longest ones, words that overlap, repeat,
    /// nest or are one character (of one to four bytes) included.
    #[test]
    fn word_hits_are_a_leftmost_longest_search() {
        let words: Vec<String> = [
            "ab",
            "abc",
            "ab",
            "bcd",
            "abc",
            "截止",
            "截止日期",
            "止日",
            "日",
            "𠀋",
            "𠀋a",
            "é",
            "éé",
            "d",
            "《条例》",
            "条例",
        ]
        .map(String::from)
        .to_vec();
        let scan = LiteralScan::new(&[], &words);
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&words)
            .unwrap();
        let texts = [
            "xabcd abx bcd",
            "截止日期为3月1日，截止2020年底，《条例》条例𠀋a𠀋",
            "ééé dd abcabc",
            "",
            "d",
            "é",
            "𠀋",
            "日日",
        ];
        for text in texts {
            let found: Vec<(usize, Span)> = scan
                .scan(text, &[], &mut [], &mut [])
                .iter()
                .map(|hit| (hit.pattern, hit.span))
                .collect();
            let expected: Vec<(usize, Span)> = automaton
                .find_iter(text)
                .map(|m| (m.pattern().as_usize(), Span::new(m.start(), m.end())))
                .collect();
            assert_eq!(found, expected, "{text}");
        }
    }

    /// A paragraph holds a set when one of its literals lies wholly inside it; the document
    /// when one lies anywhere, across paragraphs and in the gaps between them too.
    #[test]
    fn sets_are_found_per_paragraph_and_in_the_whole_text() {
        let sets: Vec<Vec<String>> = [
            vec!["，"],
            vec!["。\n"],
            vec!["ab", "xyz"],
            vec!["𠀋"],
            vec!["工作要点", "工作总结"],
            vec!["z"],
        ]
        .into_iter()
        .map(|set| set.into_iter().map(String::from).collect())
        .collect();
        let scan = LiteralScan::new(&sets, &[]);
        let text = "工作要点，a\nb。\n𠀋 xy\nzxyz工作总";
        let paragraph = |part: &str| {
            let start = text.find(part).unwrap();
            Span::new(start, start + part.len())
        };
        let paragraphs = [
            paragraph("工作要点，a"),
            paragraph("b。"),
            paragraph("zxyz工作总"),
        ];
        let mut per_paragraph = vec![0; paragraphs.len()];
        let mut document = vec![0];
        let hits = scan.scan(text, &paragraphs, &mut per_paragraph, &mut document);
        assert!(hits.is_empty());
        let sets_in = |bits: u64| (0..6).filter(|i| bits & (1 << i) != 0).collect::<Vec<_>>();
        assert_eq!(sets_in(per_paragraph[0]), [0, 4]);
        assert_eq!(sets_in(per_paragraph[1]), Vec::<usize>::new());
        assert_eq!(sets_in(per_paragraph[2]), [2, 5]);
        // "a\nb" is no literal; "。\n" crosses a paragraph's end; "𠀋" lies between paragraphs.
        assert_eq!(sets_in(document[0]), [0, 1, 2, 3, 4, 5]);
    }

    /// Characters of one to four bytes, some of which open each other's literals.
    const ALPHABET: [char; 10] = ['a', 'b', '工', '作', '，', '\n', 'é', '𠀋', '要', '点'];

    fn text_of(chars: &[usize]) -> String {
        chars
            .iter()
            .map(|&c| ALPHABET[c % ALPHABET.len()])
            .collect()
    }

    proptest::proptest! {
        /// On any text, paragraphs, literal sets and words: a paragraph's bits are the sets with
        /// a literal inside it, the document's the sets with one anywhere, the words' hits
        /// Aho-Corasick's leftmost-longest ones.
        #[test]
        fn the_walk_agrees_with_a_search_for_each_literal(
            text in proptest::collection::vec(0usize..10, 0..60),
            cuts in proptest::collection::vec(0usize..60, 0..8),
            sets in proptest::collection::vec(
                proptest::collection::vec(proptest::collection::vec(0usize..10, 1..4), 1..4),
                0..70,
            ),
            words in proptest::collection::vec(proptest::collection::vec(0usize..10, 1..4), 0..6),
        ) {
            let text = text_of(&text);
            let sets: Vec<Vec<String>> =
                sets.iter().map(|set| set.iter().map(|l| text_of(l)).collect()).collect();
            let words: Vec<String> = words.iter().map(|w| text_of(w)).collect();
            // Paragraphs between sorted cuts at character boundaries, every other one a gap.
            let bounds: Vec<usize> = text.char_indices().map(|(at, _)| at).chain([text.len()]).collect();
            let mut cuts: Vec<usize> = cuts.iter().map(|&c| bounds[c % bounds.len()]).collect();
            cuts.sort_unstable();
            cuts.dedup();
            let paragraphs: Vec<Span> = cuts.chunks_exact(2).map(|c| Span::new(c[0], c[1])).collect();
            let scan = LiteralScan::new(&sets, &words);
            let n = sets.len().div_ceil(64);
            let mut per_paragraph = vec![0; paragraphs.len() * n];
            let mut document = vec![0; n];
            let hits = scan.scan(&text, &paragraphs, &mut per_paragraph, &mut document);
            let holds = |bits: &[u64], id: usize| bits[id / 64] & (1 << (id % 64)) != 0;
            for (id, set) in sets.iter().enumerate() {
                let in_text = |t: &str| set.iter().any(|l| t.contains(l.as_str()));
                proptest::prop_assert_eq!(holds(&document, id), in_text(&text));
                for (p, span) in paragraphs.iter().enumerate() {
                    let bits = &per_paragraph[p * n..(p + 1) * n];
                    proptest::prop_assert_eq!(holds(bits, id), in_text(span.text(&text)));
                }
            }
            let found: Vec<(usize, Span)> = hits.iter().map(|h| (h.pattern, h.span)).collect();
            let expected: Vec<(usize, Span)> = if words.is_empty() {
                Vec::new()
            } else {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&words)
                    .unwrap()
                    .find_iter(&text)
                    .map(|m| (m.pattern().as_usize(), Span::new(m.start(), m.end())))
                    .collect()
            };
            proptest::prop_assert_eq!(found, expected);
        }
    }
}
