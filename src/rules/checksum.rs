//! `checksum`: numbers that carry their own check digit, found only where the digit holds, so
//! that a long amount or a serial number that merely looks like one is not reported.
//! `resident-id`: the 18-character 居民身份证号码 of GB 11643-1999 (region, birth date, serial,
//! ISO 7064 MOD 11-2 check character).

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use super::{Check, Context, RuleMeta, Scope, Sink};
use crate::diagnostic::Span;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    scheme: Scheme,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Scheme {
    ResidentId,
}

pub struct Checksum {
    scope: Scope,
    scheme: Scheme,
}

impl Checksum {
    pub fn compile(spec: Spec, meta: &RuleMeta) -> Result<Self, String> {
        Ok(Checksum {
            scope: meta.scope.unwrap_or(Scope::Prose),
            scheme: spec.scheme,
        })
    }
}

fn resident_id_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?:^|[^0-9A-Za-z])(?P<id>\d{17}[0-9Xx])(?:[^0-9A-Za-z]|$)").unwrap()
    })
}

/// Whether an 18-character number is a possible resident ID: a province code, a real birth
/// date, and the right check character.
/// Whether `text` has `len` ASCII digits in a row. A window whose last byte is no digit
/// cannot hold the run, so the search moves past that byte: in Chinese text, `len` bytes at a time.
fn has_digit_run(text: &str, len: usize) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at + len <= bytes.len() {
        match bytes[at..at + len]
            .iter()
            .rposition(|b| !b.is_ascii_digit())
        {
            None => return true,
            Some(last) => at += last + 1,
        }
    }
    false
}

pub fn is_resident_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let digits = |range: std::ops::Range<usize>| id[range].parse::<u32>().ok();
    let (Some(province), Some(year), Some(month), Some(day)) =
        (digits(0..2), digits(6..10), digits(10..12), digits(12..14))
    else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if !(11..=82).contains(&province) || !(1900..=2100).contains(&year) || day == 0 || day > days {
        return false;
    }
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = bytes[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize];
    bytes[17].to_ascii_uppercase() == check
}

impl Check for Checksum {
    fn placeholders(&self) -> Vec<&str> {
        vec!["number"]
    }

    fn check(&self, ctx: &Context, sink: &mut Sink) {
        let text = ctx.text();
        for &scope_span in ctx.spans(self.scope) {
            let haystack = scope_span.text(text);
            match self.scheme {
                Scheme::ResidentId => {
                    // An id is seventeen ASCII digits in a row, which few spans have: they are
                    // passed over by one byte loop instead of a regex scan.
                    if !has_digit_run(haystack, 17) {
                        continue;
                    }
                    // Matches share the character between them: search on from each id's end.
                    let mut at = 0;
                    while let Some(captures) = resident_id_re().captures_at(haystack, at) {
                        let id = captures.name("id").expect("id");
                        at = id.end();
                        if !is_resident_id(id.as_str()) {
                            continue;
                        }
                        let span = Span::new(id.start(), id.end()).shift(scope_span.start);
                        let vars = |name: &str| -> Option<Cow<str>> {
                            (name == "number").then_some(Cow::Borrowed(id.as_str()))
                        };
                        sink.report(span, vars, None);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_characters() {
        assert!(is_resident_id("11010519491231002X"));
        assert!(is_resident_id("11010519491231002x"));
        assert!(!is_resident_id("110105194912310021"), "wrong check digit");
        assert!(!is_resident_id("110105194902300028"), "30 February");
        assert!(!is_resident_id("99010519491231002X"), "no such province");
        assert!(!is_resident_id("1101051949123100"), "too short");
    }
}
