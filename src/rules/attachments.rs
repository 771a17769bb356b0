//! `attachments`: the 附件说明 (`附件：1.… 2.…`) read as a list of attachments, and checked
//! either for its own form (`check: note`, GB/T 9704-2012 7.3.4) or against what the rest of
//! the document says about the attachments (`check: match`, 7.3.7): the 附件N headings of the
//! annexes and the body's 见附件N references.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use super::template::Template;
use super::{situation_messages, Check, Context, RuleMeta, Sink};
use crate::diagnostic::{Fix, Span};
use crate::model::{Document, Region};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    check: What,
    /// One message per situation the check reports (see `What::situations`).
    messages: BTreeMap<String, Template>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum What {
    /// The 附件说明's own form: full-width colon, `1.` numbering, no final mark, a single
    /// attachment unnumbered.
    Note,
    /// Annex headings and body references agree with the 附件说明.
    Match,
}

impl What {
    fn situations(self) -> &'static [&'static str] {
        match self {
            What::Note => &["colon", "delimiter", "trailing", "single"],
            What::Match => &["reference", "number", "title"],
        }
    }
}

pub struct Attachments {
    what: What,
    messages: BTreeMap<String, Template>,
}

impl Attachments {
    pub fn compile(spec: Spec, meta: &RuleMeta) -> Result<Self, String> {
        let messages = situation_messages(spec.messages, spec.check.situations(), meta)?;
        Ok(Attachments {
            what: spec.check,
            messages,
        })
    }

    fn report(
        &self,
        sink: &mut Sink,
        situation: &str,
        span: Span,
        vars: &[(&str, String)],
        fix: Option<Fix>,
    ) {
        let lookup = |name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| Cow::Owned(v.clone()))
        };
        sink.report_with(span, &self.messages[situation], lookup, fix);
    }
}

/// One attachment as the 附件说明 lists it.
#[derive(Debug)]
struct Item {
    /// The number and its delimiter (`1.`), when numbered.
    token: Option<Span>,
    number: Option<u32>,
    /// The delimiter after the number, when there is one.
    delimiter: Option<Span>,
    /// The attachment's name, without a final mark.
    title: Span,
    /// Marks after the name (`。`, `；`).
    trailing: Option<Span>,
}

/// A 附件说明: the `附件：` line and the numbered lines that carry it on.
#[derive(Debug)]
struct Note {
    /// Index of its first and last paragraph.
    first: usize,
    last: usize,
    /// The colon after 附件.
    colon: Span,
    items: Vec<Item>,
}

fn note_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^附\s*件\s*(?P<colon>[：:])\s*(?P<rest>.*)$").unwrap())
}

fn item_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // A digit after the delimiter makes a number (`1.1`, `1,234.5万元`), not a token.
        Regex::new(r"^(?:(?P<token>(?P<number>\d{1,2})(?P<delimiter>[.．、，,]))\s*(?P<titled>[^\d\s].*?)|(?P<title>.*?))(?P<trailing>[。；;，,.：:、]+)?$")
            .unwrap()
    })
}

/// `附件1`, `附件 2`, `附件1 某某清单`, `附件`: the line that opens an annex.
fn heading_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^附\s*件\s*(?P<number>\d{1,2})?(?:[\s\u{3000}]+(?P<title>\S.*))?$").unwrap()
    })
}

/// `见附件3`, `（附件2）`, `填写附件1`.
fn reference_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"附件\s*(?P<number>\d{1,2})(?:[^\d]|$)").unwrap())
}

/// Regions that may hold a 附件说明 or an annex: not the header, not what a collector or a
/// portal added.
fn may_hold_attachments(region: Region) -> bool {
    matches!(
        region,
        Region::Body | Region::Annex | Region::Closing | Region::Table | Region::Caption
    )
}

fn item_at(doc: &Document, text: &str, start: usize) -> Option<Item> {
    let captures = item_re().captures(text)?;
    let at = |name: &str| {
        captures
            .name(name)
            .map(|m| Span::new(m.start(), m.end()).shift(start))
    };
    let title = at("titled").or_else(|| at("title"))?;
    if title.is_empty() {
        return None;
    }
    Some(Item {
        token: at("token"),
        number: captures
            .name("number")
            .and_then(|m| m.as_str().parse().ok()),
        delimiter: at("delimiter"),
        title,
        trailing: at("trailing").filter(|_| !doc.slice(title).is_empty()),
    })
}

/// The longest line taken as the rest of an attachment's name wrapped onto it.
const MAX_WRAPPED: usize = 60;

/// Every 附件说明 of the document, in order.
fn notes(doc: &Document) -> Vec<Note> {
    let mut notes = Vec::new();
    let mut i = 0;
    while i < doc.paragraphs.len() {
        let paragraph = &doc.paragraphs[i];
        let text = paragraph.span.text(&doc.text);
        let captures = note_re().captures(text).filter(|c| {
            let rest = &c["rest"];
            may_hold_attachments(paragraph.region)
                && !rest.contains("http")
                && !rest.contains("www.")
        });
        let Some(captures) = captures else {
            i += 1;
            continue;
        };
        let colon = captures.name("colon").expect("colon");
        let colon = Span::new(colon.start(), colon.end()).shift(paragraph.span.start);
        let rest = captures.name("rest").expect("rest");
        let mut items = Vec::new();
        if !rest.as_str().is_empty() {
            items.extend(item_at(
                doc,
                rest.as_str(),
                paragraph.span.start + rest.start(),
            ));
        }
        let mut last = i;
        // Numbered lines carry the list on: `2.…` after `1.…` (or the first after a bare
        // `附件：`). A name cut in two by a page break or a wrap goes on on the next line
        // (`4.…考核表《周浦镇住宅小区` / `物业服务考核表1》`).
        while let Some(next) = doc.paragraphs.get(last + 1) {
            let expected = items
                .last()
                .map_or(Some(1), |item: &Item| item.number.map(|n| n + 1));
            let Some(expected) = expected else { break };
            let numbered = |k: usize| {
                doc.paragraphs
                    .get(k)
                    .and_then(|p| item_at(doc, p.span.text(&doc.text), p.span.start))
                    .filter(|item| item.number == Some(expected))
            };
            if let Some(item) = numbered(last + 1) {
                items.push(item);
                last += 1;
                continue;
            }
            let wrapped = next.span.text(&doc.text).chars().count() <= MAX_WRAPPED
                && (doc.paragraphs[last].broken || numbered(last + 2).is_some());
            match items.last_mut() {
                Some(item) if wrapped => {
                    let continued = item_at(doc, next.span.text(&doc.text), next.span.start);
                    item.title.end = continued.as_ref().map_or(next.span.end, |c| c.title.end);
                    item.trailing = continued.and_then(|c| c.trailing);
                    last += 1;
                }
                _ => break,
            }
        }
        if !items.is_empty() {
            notes.push(Note {
                first: i,
                last,
                colon,
                items,
            });
        }
        i = last + 1;
    }
    notes
}

/// Compares titles as a reader does: spaces, book-title marks and quotes do not count.
fn same_title(a: &str, b: &str) -> bool {
    let key = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '《' | '》' | '“' | '”' | '"'))
            .collect::<String>()
            .trim_end_matches(['。', '；', ';', '，', ',', '.', '：', ':'])
            .to_string()
    };
    key(a) == key(b)
}

impl Attachments {
    fn check_note(&self, ctx: &Context, sink: &mut Sink, note: &Note) {
        let text = ctx.text();
        let applicability = sink.fix_applicability();
        let fix = |span: Span, to: &str| applicability.map(|a| Fix::replace(a, span, to));
        if text[note.colon.start..note.colon.end] == *":" {
            self.report(sink, "colon", note.colon, &[], fix(note.colon, "："));
        }
        for item in &note.items {
            if let (Some(token), Some(delimiter), Some(number)) =
                (item.token, item.delimiter, item.number)
            {
                let mark = delimiter.text(text);
                if matches!(mark, "、" | "，" | ",") {
                    // The span is the whole token, as numbering/delimiter reports a list item
                    // it takes for a heading: one defect, one finding.
                    let vars = [
                        ("token", token.text(text).to_string()),
                        ("number", number.to_string()),
                    ];
                    self.report(sink, "delimiter", token, &vars, fix(delimiter, "."));
                }
            }
            if let Some(trailing) = item.trailing {
                let mark = trailing.text(text).to_string();
                self.report(
                    sink,
                    "trailing",
                    trailing,
                    &[("mark", mark)],
                    fix(trailing, ""),
                );
            }
        }
        if let [item] = note.items.as_slice() {
            if let (Some(token), Some(1)) = (item.token, item.number) {
                let vars = [("token", token.text(text).to_string())];
                self.report(sink, "single", token, &vars, fix(token, ""));
            }
        }
    }

    fn check_match(&self, ctx: &Context, sink: &mut Sink, notes: &[Note]) {
        let doc = ctx.doc;
        let text = ctx.text();
        let Some(first) = notes.first() else { return };
        // Body references point at the first note's attachments: the ones of an annex's own
        // note come after it.
        let count = first.items.len() as u32;
        for paragraph in &doc.paragraphs[..first.first] {
            if !matches!(paragraph.region, Region::Body | Region::Table) {
                continue;
            }
            let line = paragraph.span.text(text);
            for captures in reference_re().captures_iter(line) {
                let whole = captures.get(0).expect("match");
                let number = captures.name("number").expect("number");
                let Ok(n) = number.as_str().parse::<u32>() else {
                    continue;
                };
                // `《…通知》附件3` is another document's attachment.
                let before = line[..whole.start()].trim_end_matches('的');
                if n <= count || before.ends_with(['》', '）', ')']) || before.ends_with("文件")
                {
                    continue;
                }
                let span = Span::new(whole.start(), number.end()).shift(paragraph.span.start);
                let vars = [("number", n.to_string()), ("count", count.to_string())];
                self.report(sink, "reference", span, &vars, None);
            }
        }
        // Each annex heading agrees with the note before it.
        for (k, note) in notes.iter().enumerate() {
            let end = notes
                .get(k + 1)
                .map_or(doc.paragraphs.len(), |next| next.first);
            let count = note.items.len() as u32;
            for i in note.last + 1..end {
                let paragraph = &doc.paragraphs[i];
                if !may_hold_attachments(paragraph.region) {
                    continue;
                }
                let line = paragraph.span.text(text);
                let Some(captures) = heading_re().captures(line) else {
                    continue;
                };
                let number: Option<u32> = captures
                    .name("number")
                    .and_then(|m| m.as_str().parse().ok());
                let index = match number {
                    Some(n) if n == 0 || n > count => {
                        let vars = [("number", n.to_string()), ("count", count.to_string())];
                        self.report(sink, "number", paragraph.span, &vars, None);
                        continue;
                    }
                    Some(n) => n as usize - 1,
                    // A bare `附件` heading opens the only attachment.
                    None if count == 1 => 0,
                    None => continue,
                };
                let title = match captures.name("title") {
                    Some(m) => Span::new(m.start(), m.end()).shift(paragraph.span.start),
                    None => match doc.paragraphs.get(i + 1) {
                        Some(next) if may_hold_attachments(next.region) => next.span,
                        _ => continue,
                    },
                };
                let listed = note.items[index].title.text(text);
                if !same_title(title.text(text), listed) {
                    let vars = [
                        ("number", (index + 1).to_string()),
                        ("title", title.text(text).to_string()),
                        ("listed", listed.to_string()),
                    ];
                    self.report(sink, "title", title, &vars, None);
                }
            }
        }
    }
}

impl Check for Attachments {
    fn placeholders(&self) -> Vec<&str> {
        vec!["token", "number", "mark", "count", "title", "listed"]
    }

    fn check(&self, ctx: &Context, sink: &mut Sink) {
        if !ctx.text().contains("附") {
            return;
        }
        let notes = notes(ctx.doc);
        match self.what {
            What::Note => {
                for note in &notes {
                    self.check_note(ctx, sink, note);
                }
            }
            What::Match => self.check_match(ctx, sink, &notes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn titles(text: &str) -> Vec<Vec<String>> {
        let doc = parse(text.to_string());
        notes(&doc)
            .iter()
            .map(|n| {
                n.items
                    .iter()
                    .map(|i| doc.slice(i.title).to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_note_is_its_line_and_the_numbered_lines_after_it() {
        let text = "关于某事的通知\n\n正文。\n\n附件：1.甲清单\n      2.乙清单；\n\n某单位\n";
        assert_eq!(titles(text), [["甲清单", "乙清单"]]);
        let text = "关于某事的通知\n\n正文。\n\n附件：\n\n1、甲清单\n\n2、乙清单\n\n3.丙\n";
        assert_eq!(titles(text), [["甲清单", "乙清单", "丙"]]);
    }

    #[test]
    fn a_year_is_not_a_number() {
        let text = "关于某事的通知\n\n正文。\n\n附件：2026年重点工作任务分工表\n\n2.某某\n";
        assert_eq!(titles(text), [["2026年重点工作任务分工表"]]);
    }

    #[test]
    fn a_download_link_is_no_note() {
        assert!(titles("标题\n\n附件: https://example.gov.cn/a.pdf\n").is_empty());
    }

    #[test]
    fn titles_compare_without_marks() {
        assert!(same_title("《甲清单》", "甲 清单。"));
        assert!(!same_title("甲清单", "乙清单"));
    }
}
