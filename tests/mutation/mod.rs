//! The mutation harness: one known defect injected per copy of a real document, the way a
//! drafter makes it (an item deleted without renumbering, an item pasted without renumbering,
//! a 第 typed into a 文号, a glossary entry dropped, quotes typed on an English keyboard, a
//! growth rate worked out against the wrong base …), and whether gwlint finds it. Shared by
//! `tests/mutations.rs` (the seeds, a gate) and `examples/mutations.rs` (seeds and corpus, a
//! report).

use gwlint::diagnostic::Span;
use gwlint::model::{Document, GlossaryKeys, Level, ParagraphKind};

/// Checks a text: the rule ids of its findings. The library's rules, or another build's
/// executable (to measure recall before a change).
pub type Checker<'a> = &'a dyn Fn(&str) -> Vec<String>;

/// One defect in one copy of a document.
pub struct Mutant {
    pub text: String,
    /// Rules any of which should report it.
    pub expects: &'static [&'static str],
}

pub struct Operator {
    pub name: &'static str,
    /// What a drafter did.
    pub what: &'static str,
    pub mutate: fn(&Document) -> Vec<Mutant>,
}

/// Sites per operator and document: the first, a middle and the last candidate.
const SITES: usize = 3;

pub const OPERATORS: &[Operator] = &[
    Operator {
        name: "numbering-gap",
        what: "an item deleted, the rest not renumbered",
        mutate: numbering_gap,
    },
    Operator {
        name: "numbering-duplicate",
        what: "an item pasted, its number not changed",
        mutate: numbering_duplicate,
    },
    Operator {
        name: "docnum-di",
        what: "第 typed before a 文号's serial",
        mutate: |doc| docnum(doc, DocnumSlip::Di),
    },
    Operator {
        name: "docnum-bracket",
        what: "[ ] typed for 〔 〕 in a 文号",
        mutate: |doc| docnum(doc, DocnumSlip::Bracket),
    },
    Operator {
        name: "docnum-zero",
        what: "a padded 0 in a 文号's serial",
        mutate: |doc| docnum(doc, DocnumSlip::Zero),
    },
    Operator {
        name: "glossary-entry-dropped",
        what: "a glossary entry deleted, its reference kept",
        mutate: glossary_entry_dropped,
    },
    Operator {
        name: "glossary-dropped",
        what: "the whole glossary left out",
        mutate: glossary_dropped,
    },
    Operator {
        name: "straight-quotes",
        what: "“…” typed as \"…\"",
        mutate: |doc| quotes(doc, ('"', '"')),
    },
    Operator {
        name: "corner-quotes",
        what: "“…” typed as 「…」",
        mutate: |doc| quotes(doc, ('「', '」')),
    },
    Operator {
        name: "doubled-comma",
        what: "a comma typed twice",
        mutate: doubled_comma,
    },
    Operator {
        name: "growth-rate",
        what: "a growth rate mistyped, in each phrasing",
        mutate: |doc| growth(doc, Slip::Rate),
    },
    Operator {
        name: "growth-over-current",
        what: "a growth rate divided by the current figure, not the base",
        mutate: |doc| growth(doc, Slip::OverCurrent),
    },
    Operator {
        name: "growth-amount",
        what: "an increase mistyped (digits swapped)",
        mutate: |doc| growth(doc, Slip::Amount),
    },
    Operator {
        name: "growth-direction",
        what: "增长 written for a fall",
        mutate: |doc| growth(doc, Slip::Direction),
    },
];

/// Result of one operator over some documents.
#[derive(Default, Debug, Clone, Copy)]
pub struct Tally {
    pub mutants: usize,
    pub caught: usize,
}

impl Tally {
    pub fn recall(self) -> f64 {
        if self.mutants == 0 {
            1.0
        } else {
            self.caught as f64 / self.mutants as f64
        }
    }
}

/// Runs every operator on `text`: per operator, how many mutants were made and caught. A
/// mutant is caught when one of its expected rules reports more findings on it than on the
/// original. `missed` gets a line per mutant that was not caught.
pub fn run(check: Checker, text: &str, missed: &mut Vec<String>) -> Vec<Tally> {
    let doc = gwlint::parse::parse(text.to_string());
    let before = check(text);
    let count = |found: &[String], rules: &[&str]| {
        found
            .iter()
            .filter(|rule| rules.contains(&rule.as_str()))
            .count()
    };
    OPERATORS
        .iter()
        .map(|operator| {
            let mut tally = Tally::default();
            for mutant in (operator.mutate)(&doc) {
                tally.mutants += 1;
                let after = check(&mutant.text);
                if count(&after, mutant.expects) > count(&before, mutant.expects) {
                    tally.caught += 1;
                } else {
                    missed.push(format!(
                        "{}: {}",
                        operator.name,
                        first_difference(text, &mutant.text)
                    ));
                }
            }
            tally
        })
        .collect()
}

/// The mutated place, for a report of misses.
fn first_difference(old: &str, new: &str) -> String {
    let at = old
        .char_indices()
        .zip(new.chars())
        .find(|((_, a), b)| a != b)
        .map_or(old.len().min(new.len()), |((i, _), _)| i);
    let start = old[..at].char_indices().rev().nth(20).map_or(0, |(i, _)| i);
    let line_end = |s: &str, from: usize| s[from..].find('\n').map_or(s.len(), |i| from + i);
    let end = line_end(new, at).min(at + 120);
    let end = (0..=end)
        .rev()
        .find(|&i| new.is_char_boundary(i))
        .unwrap_or(at);
    new.get(start..end).unwrap_or("").replace('\n', "⏎")
}

/// Up to `SITES` of `candidates`: first, middle and last.
fn sites<T: Clone>(candidates: &[T]) -> Vec<T> {
    let n = candidates.len();
    let mut picked: Vec<usize> = match n {
        0 => vec![],
        _ => vec![0, n / 2, n - 1],
    };
    picked.dedup();
    picked.truncate(SITES);
    picked.into_iter().map(|i| candidates[i].clone()).collect()
}

fn replace(text: &str, span: Span, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..span.start]);
    out.push_str(with);
    out.push_str(&text[span.end..]);
    out
}

/// The whole line of `span`, with its line ending.
fn line_of(text: &str, span: Span) -> Span {
    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i + 1);
    Span::new(start, end)
}

/// Pairs of consecutive siblings (i, j): same level and section, numbered n and n + 1, with
/// no heading of a higher rank between them.
fn siblings(doc: &Document) -> Vec<(usize, usize)> {
    let headings = &doc.headings;
    let mut pairs = Vec::new();
    for i in 0..headings.len() {
        let h = &headings[i];
        if h.level == Level::Part || h.level == Level::Article {
            continue;
        }
        for (j, next) in headings.iter().enumerate().skip(i + 1) {
            if next.section != h.section || next.level < h.level {
                break;
            }
            if next.level == h.level {
                if next.ordinal == h.ordinal + 1 {
                    pairs.push((i, j));
                }
                break;
            }
        }
    }
    pairs
}

/// Deletes the line of an item that has a next sibling: the sibling's number now skips one.
fn numbering_gap(doc: &Document) -> Vec<Mutant> {
    let pairs = siblings(doc);
    // Item j, which has a successor k: deleting j leaves i, k numbered n, n + 2.
    let middles: Vec<usize> = pairs
        .iter()
        .filter(|(_, j)| pairs.iter().any(|(i2, _)| i2 == j))
        .map(|&(_, j)| j)
        .collect();
    sites(&middles)
        .into_iter()
        .map(|j| {
            let span = doc.paragraphs[doc.headings[j].paragraph].span;
            Mutant {
                text: replace(&doc.text, line_of(&doc.text, span), ""),
                expects: &["numbering/gap"],
            }
        })
        .collect()
}

/// Gives item n + 1 the token of item n.
fn numbering_duplicate(doc: &Document) -> Vec<Mutant> {
    sites(&siblings(doc))
        .into_iter()
        .map(|(i, j)| {
            let token = doc.slice(doc.headings[i].token).to_string();
            Mutant {
                text: replace(&doc.text, doc.headings[j].token, &token),
                expects: &["numbering/duplicate"],
            }
        })
        .collect()
}

#[derive(Clone, Copy)]
enum DocnumSlip {
    Di,
    Bracket,
    Zero,
}

/// A well-formed 文号 (`代字〔2024〕61号`) made wrong in one way.
fn docnum(doc: &Document, slip: DocnumSlip) -> Vec<Mutant> {
    let spans: Vec<Span> = doc
        .meta
        .docnum
        .into_iter()
        .chain(doc.meta.docnum_field)
        .chain(doc.meta.cited_docnums.iter().copied())
        .filter(|s| {
            let t = doc.slice(*s);
            t.contains('〔')
                && t.contains('〕')
                && t.split('〕')
                    .nth(1)
                    .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit() && c != '0'))
        })
        .collect();
    sites(&spans)
        .into_iter()
        .map(|span| {
            let t = doc.slice(span);
            let close = span.start + t.find('〕').expect("checked") + '〕'.len_utf8();
            let text = match slip {
                DocnumSlip::Di => replace(&doc.text, Span::new(close, close), "第"),
                DocnumSlip::Zero => replace(&doc.text, Span::new(close, close), "0"),
                DocnumSlip::Bracket => {
                    replace(&doc.text, span, &t.replace('〔', "[").replace('〕', "]"))
                }
            };
            Mutant {
                text,
                expects: &["header/docnum"],
            }
        })
        .collect()
}

/// Deletes an entry that a reference points to.
fn glossary_entry_dropped(doc: &Document) -> Vec<Mutant> {
    let Some(glossary) = &doc.glossary else {
        return vec![];
    };
    if glossary.keys != GlossaryKeys::Number {
        return vec![];
    }
    let referenced: Vec<Span> = glossary
        .entries
        .iter()
        .filter(|e| doc.footnote_refs.iter().any(|r| r.number == e.number))
        .map(|e| e.span)
        .collect();
    sites(&referenced)
        .into_iter()
        .map(|span| Mutant {
            text: replace(&doc.text, line_of(&doc.text, span), ""),
            expects: &["footnote/undefined"],
        })
        .collect()
}

/// Deletes the glossary, heading and entries, of a document that refers to it.
fn glossary_dropped(doc: &Document) -> Vec<Mutant> {
    let Some(glossary) = &doc.glossary else {
        return vec![];
    };
    if doc.footnote_refs.is_empty() {
        return vec![];
    }
    let last = glossary.entries.last().map_or(glossary.heading, |e| e.span);
    let span = Span::new(
        line_of(&doc.text, glossary.heading).start,
        line_of(&doc.text, last).end,
    );
    vec![Mutant {
        text: replace(&doc.text, span, ""),
        expects: &["footnote/missing-glossary"],
    }]
}

/// Body paragraphs' spans.
fn body(doc: &Document) -> impl Iterator<Item = Span> + '_ {
    doc.paragraphs
        .iter()
        .filter(|p| p.region.is_running_text() && p.kind == ParagraphKind::Body)
        .map(|p| p.span)
}

/// A “…” of Chinese text (no quote inside) typed with other marks.
fn quotes(doc: &Document, (open, close): (char, char)) -> Vec<Mutant> {
    let mut candidates = Vec::new();
    for span in body(doc) {
        let text = doc.slice(span);
        let mut at = 0;
        while let Some(o) = text[at..].find('“').map(|i| at + i) {
            let inner_start = o + '“'.len_utf8();
            let Some(c) = text[inner_start..].find('”').map(|i| inner_start + i) else {
                break;
            };
            let inner = &text[inner_start..c];
            if !inner.contains(['“', '‘', '’', '"', '「'])
                && inner.chars().count() <= 30
                && inner.chars().any(gwlint::parse::is_cjk)
            {
                candidates.push((
                    Span::new(span.start + o, span.start + c + '”'.len_utf8()),
                    inner.to_string(),
                ));
            }
            at = c;
        }
    }
    sites(&candidates)
        .into_iter()
        .map(|(span, inner)| Mutant {
            text: replace(&doc.text, span, &format!("{open}{inner}{close}")),
            expects: &["punct/quote-style"],
        })
        .collect()
}

/// A ， typed twice.
fn doubled_comma(doc: &Document) -> Vec<Mutant> {
    let commas: Vec<usize> = body(doc)
        .flat_map(|span| {
            doc.slice(span)
                .match_indices('，')
                .map(move |(i, _)| span.start + i)
        })
        .collect();
    sites(&commas)
        .into_iter()
        .map(|at| Mutant {
            text: replace(&doc.text, Span::new(at, at), "，"),
            expects: &["punct/doubled"],
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq)]
pub enum Slip {
    Rate,
    OverCurrent,
    Amount,
    Direction,
}

/// A growth statement in one phrasing: base, current, change as a rate and as an amount.
struct Statement {
    base: f64,
    current: f64,
    unit: &'static str,
    /// Decimals the figures are written with.
    decimals: usize,
}

impl Statement {
    fn figure(&self, v: f64) -> String {
        format!("{v:.*}{}", self.decimals, self.unit)
    }

    fn rate(&self) -> f64 {
        (self.current - self.base) / self.base * 100.0
    }

    /// The sentence as a drafter writes it, with `slip` (or none).
    fn write(&self, phrasing: usize, slip: Option<Slip>) -> String {
        let up = self.current > self.base;
        let mut rate = self.rate().abs();
        let mut amount = (self.current - self.base).abs();
        let mut verb_rate = if up { "增长" } else { "下降" };
        let mut verb_amount = if up { "增加" } else { "减少" };
        match slip {
            None => {}
            Some(Slip::Rate) => rate += 3.0 + rate * 0.2,
            Some(Slip::OverCurrent) => {
                rate = (self.current - self.base).abs() / self.current * 100.0
            }
            Some(Slip::Amount) => amount = amount * 1.5 + 1.0,
            Some(Slip::Direction) => {
                verb_rate = if up { "下降" } else { "增长" };
                verb_amount = if up { "减少" } else { "增加" };
            }
        }
        let (a, b) = (self.figure(self.current), self.figure(self.base));
        let c = self.figure(amount);
        match phrasing {
            0 => format!("全年完成{a}，比上年{b}{verb_rate}{rate:.1}%。"),
            1 => format!("总量达到{a}，较上年的{b}{verb_rate}{rate:.1}%。"),
            2 => format!("规模由{b}{verb_amount}到{a}，{verb_rate}{rate:.1}%。"),
            3 => format!("完成{a}，比去年同期{b}{verb_amount}{c}。"),
            4 => format!("完成{a}，比上年同期{b}{verb_amount}{c}，增幅{rate:.1}%。"),
            _ => format!("完成{a}，同比{verb_amount}{c}，增幅{rate:.1}%。"),
        }
    }
}

/// Which phrasings state what a slip changes.
fn phrasings(slip: Slip) -> &'static [usize] {
    match slip {
        Slip::Rate | Slip::OverCurrent => &[0, 1, 2, 4],
        Slip::Amount => &[3],
        Slip::Direction => &[0, 1, 2, 3],
    }
}

/// Deterministic figures from the document's length: the same mutants on every run.
fn statements(seed: usize) -> Vec<Statement> {
    let units = ["亿元", "万元", "万人", "公顷", "万平方米", "户"];
    let mut state = seed as u64 ^ 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..3)
        .map(|k| {
            let base = 20.0 + (next() % 9000) as f64 / 10.0;
            let rate = 2.0 + (next() % 380) as f64 / 10.0;
            let up = k != 1;
            let current = if up {
                base * (1.0 + rate / 100.0)
            } else {
                base * (1.0 - rate / 100.0)
            };
            let decimals = 1 + (next() % 2) as usize;
            let round =
                |v: f64| (v * 10f64.powi(decimals as i32)).round() / 10f64.powi(decimals as i32);
            Statement {
                base: round(base),
                current: round(current),
                unit: units[(next() % units.len() as u64) as usize],
                decimals,
            }
        })
        .collect()
}

/// A wrong growth sentence appended to a body paragraph, in each phrasing the slip applies
/// to. The right sentence, appended the same way, must stay silent: `growth_false_alarms`.
fn growth(doc: &Document, slip: Slip) -> Vec<Mutant> {
    let Some(span) = body(doc).find(|s| doc.slice(*s).ends_with('。')) else {
        return vec![];
    };
    let mut mutants = Vec::new();
    for (k, statement) in statements(doc.text.len()).iter().enumerate() {
        for &phrasing in phrasings(slip) {
            // 增长 for a fall reads only where there is a fall to misstate.
            if slip == Slip::Direction && k != 1 {
                continue;
            }
            // Over a small change, the rate over the current figure rounds to the rate over
            // the base (3.08% and 2.99% both read 3.0% or 3.1%): no defect a reader could see.
            let over_current = (statement.current - statement.base) / statement.current * 100.0;
            if slip == Slip::OverCurrent && (over_current - statement.rate()).abs() < 0.3 {
                continue;
            }
            let sentence = statement.write(phrasing, Some(slip));
            mutants.push(Mutant {
                text: replace(&doc.text, Span::new(span.end, span.end), &sentence),
                expects: &["data/growth"],
            });
        }
    }
    mutants
}

/// The right growth sentences of every phrasing, appended as the operators append the wrong
/// ones: how many of them gwlint reports (each is a false alarm).
pub fn growth_false_alarms(check: Checker, text: &str) -> (usize, usize) {
    let doc = gwlint::parse::parse(text.to_string());
    let Some(span) = body(&doc).find(|s| doc.slice(*s).ends_with('。')) else {
        return (0, 0);
    };
    let growth = |text: &str| check(text).iter().filter(|r| *r == "data/growth").count();
    let before = growth(text);
    let mut tried = 0;
    let mut alarms = 0;
    for statement in statements(text.len()) {
        for phrasing in 0..6 {
            tried += 1;
            let sentence = statement.write(phrasing, None);
            let mutant = replace(text, Span::new(span.end, span.end), &sentence);
            if growth(&mutant) > before {
                alarms += 1;
            }
        }
    }
    (tried, alarms)
}
