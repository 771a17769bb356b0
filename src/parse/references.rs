//! References inside running text that are not circled numbers: 发文字号 cited in a sentence
//! (`根据《…》（沪府发〔2014〕14号）`), and footnote markers written with brackets (`企业［1］`)
//! or as superscript digits (`企业¹`).

use std::sync::OnceLock;

use regex::Regex;

use super::search::Literals;

/// A cited 发文字号: an issuer's 代字, a four-digit year in any bracket, a serial and 号. The
/// year must be four digits: in running text `（21）3号` is too ambiguous to call a 文号.
fn cited_docnum_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"\p{Han}{1,12}[〔\[【(（［﹝](?:19|20)\d{2}[〕\]】)）］﹞][ \t\u{3000}]*字?第?[ \t\u{3000}]*\d{1,6}[ \t\u{3000}]*号",
        )
        .expect("cited docnum regex")
    })
}

/// The brackets that open a cited 发文字号's year in `cited_docnum_re`.
const YEAR_BRACKETS: [char; 7] = ['〔', '[', '【', '(', '（', '［', '﹝'];

/// What every cited 发文字号 holds: a bracket that opens its year and the year's first two
/// digits. A paragraph without one cites none, and most paragraphs have none.
pub fn year_openers() -> &'static Literals {
    static LITERALS: OnceLock<Literals> = OnceLock::new();
    LITERALS.get_or_init(|| {
        let openers: Vec<String> = YEAR_BRACKETS
            .iter()
            .flat_map(|bracket| ["19", "20"].map(|century| format!("{bracket}{century}")))
            .collect();
        Literals::new(&openers)
    })
}

/// Byte ranges of the 发文字号 cited in `content` (a paragraph of running text). The issuer
/// part starts after the last word that introduces it (根据, 按照, 依据 …) when one runs into it.
pub fn cited_docnums(content: &str) -> Vec<std::ops::Range<usize>> {
    if !content.contains('号') {
        return Vec::new();
    }
    cited_docnum_re()
        .find_iter(content)
        .map(|m| {
            let text = m.as_str();
            let start = [
                "根据", "按照", "依据", "依照", "参照", "对照", "执行", "贯彻", "落实", "印发",
                "转发",
            ]
            .iter()
            .filter_map(|w| text.rfind(w).map(|at| at + w.len()))
            .max()
            .filter(|&at| {
                text[at..].starts_with(|c: char| {
                    !matches!(c, '〔' | '[' | '【' | '(' | '（' | '［' | '﹝')
                })
            })
            .unwrap_or(0);
            m.start() + start..m.end()
        })
        .collect()
}

/// Footnote markers in `content` written `［1］`, `[1]`, `〔1〕` (one or two digits) or with
/// superscript digits: their byte ranges and numbers. A marker follows a word (a Han
/// character or a closing quote, bracket or title mark): one that opens the paragraph or a
/// clause is a list label, `〔21〕3号` is a 文号's year, `[1](url)` a link, `米²` a unit.
/// `openers`: where a marker may open in `content` (`marker_openers`), in order.
pub fn markers<'a, I>(
    content: &'a str,
    openers: I,
) -> impl Iterator<Item = (std::ops::Range<usize>, u32)> + 'a
where
    I: IntoIterator<Item = usize>,
    I::IntoIter: 'a,
{
    openers.into_iter().filter_map(move |at| {
        let before = content[..at].chars().next_back()?;
        let follows_word =
            crate::parse::is_cjk(before) || matches!(before, '”' | '》' | '）' | '’');
        if !follows_word
            || (is_superscript(content[at..].chars().next()?) && matches!(before, '米' | '方'))
        {
            return None;
        }
        let (number, len) = marker_at(content, at)?;
        let after = content[at + len..].chars().next();
        if after.is_some_and(|c| c.is_ascii_digit() || matches!(c, '(' | '号')) {
            return None;
        }
        Some((at..at + len, number))
    })
}

/// Where a marker may open in `text`, plus `offset`, in order: a bracket or a superscript
/// digit. Most paragraphs have none, so the search is by bytes: the three-byte openers (`［`,
/// `〔`, `⁰`, `⁴`–`⁹`) whole, with SIMD where the CPU has it (their lead bytes alone open most
/// Chinese punctuation), and `[` and the lead byte of `¹²³` with memchr.
pub fn marker_openers(text: &str, offset: usize, found: &mut Vec<usize>) {
    const WIDE: [&str; 9] = ["［", "〔", "⁰", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"];
    static LITERALS: OnceLock<Literals> = OnceLock::new();
    let bytes = text.as_bytes();
    let first = found.len();
    found.extend(
        memchr::memchr2_iter(b'[', 0xC2, bytes)
            .filter(|&at| {
                bytes[at] == b'[' || matches!(bytes.get(at + 1), Some(0xB9 | 0xB2 | 0xB3))
            })
            .map(|at| offset + at),
    );
    let narrow = found.len();
    LITERALS
        .get_or_init(|| Literals::new(&WIDE))
        .starts(text, offset, found);
    if narrow > first && found.len() > narrow {
        found[first..].sort_unstable();
    }
}

/// The marker that starts at `at`: its number and length in bytes.
fn marker_at(content: &str, at: usize) -> Option<(u32, usize)> {
    let rest = &content[at..];
    let open = rest.chars().next()?;
    if let Some(close) = match open {
        '［' => Some('］'),
        '[' => Some(']'),
        '〔' => Some('〕'),
        _ => None,
    } {
        let inner = &rest[open.len_utf8()..];
        let digits = inner.find(|c: char| !c.is_ascii_digit())?;
        if !(1..=2).contains(&digits) || !inner[digits..].starts_with(close) {
            return None;
        }
        let number: u32 = inner[..digits].parse().ok()?;
        return (number > 0).then_some((number, open.len_utf8() + digits + close.len_utf8()));
    }
    let mut number = 0u32;
    let mut len = 0;
    for c in rest.chars().take(2) {
        let Some(digit) = superscript_digit(c) else {
            break;
        };
        number = number * 10 + digit;
        len += c.len_utf8();
    }
    (len > 0 && number > 0).then_some((number, len))
}

fn is_superscript(c: char) -> bool {
    superscript_digit(c).is_some()
}

fn superscript_digit(c: char) -> Option<u32> {
    match c {
        '¹' => Some(1),
        '²' => Some(2),
        '³' => Some(3),
        '⁰' | '⁴'..='⁹' => Some(c as u32 - '⁰' as u32),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cited(content: &str) -> Vec<&str> {
        cited_docnums(content)
            .into_iter()
            .map(|r| &content[r])
            .collect()
    }

    #[test]
    fn cited_docnums_in_sentences() {
        assert_eq!(
            cited("根据《关于推进城市更新的意见》（沪府发[2014]14号）精神"),
            ["沪府发[2014]14号"]
        );
        assert_eq!(
            cited("根据浦府规〔2021〕5号《浦东新区》"),
            ["浦府规〔2021〕5号"]
        );
        assert_eq!(
            cited("（国发〔2016〕17号）、（沪府发〔2017〕第31号）"),
            ["国发〔2016〕17号", "沪府发〔2017〕第31号"]
        );
        assert!(cited("（2014）沪一中民终字第14号").is_empty());
        assert!(cited("国务院令第711号").is_empty());
        assert!(cited("2021年（21）3号楼").is_empty());
    }

    /// Every bracket of the regex's year opens a year that `year_openers` finds.
    #[test]
    fn a_cited_docnum_holds_a_year_opener() {
        let brackets: String = YEAR_BRACKETS.iter().collect::<String>().replace('[', r"\[");
        assert!(cited_docnum_re()
            .as_str()
            .contains(&format!("[{brackets}](?:19|20)")));
        for (open, close) in YEAR_BRACKETS
            .iter()
            .zip(['〕', ']', '】', ')', '）', '］', '﹞'])
        {
            for year in ["1998", "2014"] {
                let text = format!("根据沪府发{open}{year}{close}14号文件");
                assert_eq!(cited(&text).len(), 1, "{text}");
                let mut starts = Vec::new();
                year_openers().starts(&text, 0, &mut starts);
                assert_eq!(starts, [text.find(*open).unwrap()], "{text}");
            }
        }
    }

    #[test]
    fn the_byte_search_finds_every_opener_and_nothing_else() {
        let every: String = ('\0'..='\u{FFFF}').chain(['［', '¹', '[', '⁹']).collect();
        let expected: Vec<usize> = every
            .char_indices()
            .filter(|&(_, c)| matches!(c, '［' | '[' | '〔') || is_superscript(c))
            .map(|(at, _)| at)
            .collect();
        let mut found = vec![0];
        marker_openers(&every, 1, &mut found);
        let expected: Vec<usize> = std::iter::once(0)
            .chain(expected.iter().map(|at| at + 1))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn markers_follow_a_word() {
        fn found(content: &str) -> Vec<(&str, u32)> {
            let mut openers = Vec::new();
            marker_openers(content, 0, &mut openers);
            markers(content, openers)
                .map(|(r, n)| (&content[r], n))
                .collect()
        }
        assert_eq!(
            found("“四上”企业［1］培育，“一件事”［2］改革，生活圈[12]，企业〔3〕，园区²。"),
            [
                ("［1］", 1),
                ("［2］", 2),
                ("[12]", 12),
                ("〔3〕", 3),
                ("²", 2)
            ]
        );
        assert_eq!(found("企业¹²。"), [("¹²", 12)]);
        // A 文号's two-digit year, a link, a unit, a list label, a four-digit year.
        assert!(found("沪府发〔21〕3号").is_empty());
        assert!(found("见[1](https://a.b)。").is_empty());
        assert!(found("面积1.2万米²，").is_empty());
        assert!(found("［1］开头的是列表。").is_empty());
        assert!(found("：[1]甲；[2]乙").is_empty());
        assert!(found("沪府发〔2021〕3号，[123]，[0]").is_empty());
    }
}
