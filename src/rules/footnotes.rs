//! `footnotes`: footnote references (circled numbers ①…㊿, bracketed ［1］ [1] 〔1〕, superscript
//! digits) against the 名词解释 / 注释 glossary. Documents without a glossary are checked only
//! by `missing-glossary`: circled numbers that open a paragraph or a clause are list items
//! (RULES A.8) and never references.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::{Check, Context, RuleMeta, Scope, Sink};
use crate::diagnostic::Span;
use crate::model::GlossaryKeys;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    check: FootnoteCheck,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FootnoteCheck {
    /// A reference with no entry of its number.
    Undefined,
    /// An entry that no reference points to.
    Unused,
    /// First references out of ascending order.
    Order,
    /// Two entries with one number.
    Duplicate,
    /// References in a document with no glossary at all.
    MissingGlossary,
}

pub struct Footnotes {
    check: FootnoteCheck,
}

impl Footnotes {
    pub fn compile(spec: Spec, _meta: &RuleMeta) -> Result<Self, String> {
        Ok(Footnotes { check: spec.check })
    }
}

impl Check for Footnotes {
    fn placeholders(&self) -> Vec<&str> {
        vec!["number", "ref", "term", "expected", "count"]
    }

    fn check(&self, ctx: &Context, sink: &mut Sink) {
        let doc = ctx.doc;
        let Some(glossary) = &doc.glossary else {
            if self.check == FootnoteCheck::MissingGlossary {
                report_missing_glossary(ctx, sink);
            }
            return;
        };
        let mut terms: HashMap<u32, &str> = HashMap::new();
        for entry in &glossary.entries {
            terms.entry(entry.number).or_insert(doc.slice(entry.term));
        }
        let vars = |number: u32, reference: String, expected: u32| {
            let term = terms.get(&number).copied().unwrap_or("");
            move |name: &str| -> Option<Cow<str>> {
                Some(match name {
                    "number" => Cow::Owned(number.to_string()),
                    "ref" => Cow::Owned(reference.clone()),
                    "term" => Cow::Borrowed(term),
                    "expected" => Cow::Owned(expected.to_string()),
                    _ => return None,
                })
            }
        };
        // A reference or an entry's key, reported with its own text.
        let report_key = |sink: &mut Sink, span: Span, number: u32, expected: u32| {
            sink.report(
                span,
                vars(number, doc.slice(span).to_string(), expected),
                None,
            )
        };
        match self.check {
            FootnoteCheck::Undefined => {
                for reference in &doc.footnote_refs {
                    if !terms.contains_key(&reference.number) {
                        report_key(sink, reference.span, reference.number, 0);
                    }
                }
            }
            FootnoteCheck::Unused => match glossary.keys {
                // Without one reference in the body, the markers were lost in extraction
                // (superscripts), not forgotten: nothing to compare.
                GlossaryKeys::Number if doc.footnote_refs.is_empty() => {}
                GlossaryKeys::Number => {
                    let used: HashSet<u32> = doc.footnote_refs.iter().map(|r| r.number).collect();
                    for entry in &glossary.entries {
                        if !used.contains(&entry.number) {
                            report_key(sink, entry.token, entry.number, 0);
                        }
                    }
                }
                // Entries keyed by term: the term itself is the reference.
                GlossaryKeys::Term => {
                    let body = Scope::Body.spans(doc);
                    for entry in &glossary.entries {
                        let term = doc.slice(entry.term).trim_matches(['“', '”', '"', ' ']);
                        let term = term.split(['(', '（']).next().unwrap_or(term);
                        if term.is_empty() || body.iter().any(|s| doc.slice(*s).contains(term)) {
                            continue;
                        }
                        sink.report(entry.term, vars(entry.number, String::new(), 0), None);
                    }
                }
            },
            FootnoteCheck::Order => {
                // A reference that jumps ahead of the next number is the one out of order;
                // the skipped numbers that turn up later are not reported again.
                let mut highest = 0;
                for reference in &doc.footnote_refs {
                    if reference.number > highest + 1 {
                        report_key(sink, reference.span, reference.number, highest + 1);
                    }
                    highest = highest.max(reference.number);
                }
            }
            FootnoteCheck::MissingGlossary => {}
            FootnoteCheck::Duplicate => {
                let mut seen = HashSet::new();
                for entry in &glossary.entries {
                    if !seen.insert(entry.number) {
                        report_key(sink, entry.token, entry.number, 0);
                    }
                }
            }
        }
    }
}

/// One finding for the document, at its first reference: the glossary is what is missing,
/// not each entry.
fn report_missing_glossary(ctx: &Context, sink: &mut Sink) {
    let doc = ctx.doc;
    let Some(first) = doc.footnote_refs.first() else {
        return;
    };
    let count = doc.footnote_refs.len();
    let reference = doc.slice(first.span).to_string();
    let vars = |name: &str| -> Option<Cow<str>> {
        Some(match name {
            "ref" => Cow::Borrowed(reference.as_str()),
            "number" => Cow::Owned(first.number.to_string()),
            "count" => Cow::Owned(count.to_string()),
            _ => return None,
        })
    };
    sink.report(first.span, vars, None);
}

#[cfg(test)]
mod tests {
    use crate::rules::RuleSet;

    fn run(check: &str, text: &str) -> Vec<String> {
        let pack = format!(
            "
- id: test/footnote
  kind: footnotes
  severity: error
  message: '{{ref}}|{{number}}|{{term}}|{{expected}}'
  explain: 测试
  check: {check}
  examples: {{ invalid: ['x'], valid: ['y'] }}
"
        );
        let rules = RuleSet::from_packs([("t.yaml".into(), pack)]).unwrap();
        crate::engine::check_text(&rules, text)
            .into_iter()
            .map(|d| d.message.to_string())
            .collect()
    }

    const GLOSSARY: &str = "名词解释\n1、甲模式:定义\n2、乙计划:定义\n";

    #[test]
    fn undefined_reference() {
        let text = format!("标题\n推行甲模式①，实施乙计划②，开展丙行动③。\n{GLOSSARY}");
        assert_eq!(run("undefined", &text), ["③|3||0"]);
        assert!(run("undefined", &format!("标题\n甲模式①乙计划②。\n{GLOSSARY}")).is_empty());
    }

    #[test]
    fn no_glossary_no_footnotes() {
        assert!(run("undefined", "标题\n推行甲模式①。\n").is_empty());
    }

    #[test]
    fn unused_entry() {
        let text = format!("标题\n推行甲模式①。\n{GLOSSARY}");
        assert_eq!(run("unused", &text), ["2、|2|乙计划|0"]);
    }

    #[test]
    fn order_and_list_items() {
        let text = format!("标题\n乙计划②在前，甲模式①在后。\n{GLOSSARY}");
        assert_eq!(run("order", &text), ["②|2|乙计划|1"]);
        let text = format!("标题\n甲①丙③乙②。\n{GLOSSARY}3、丙:定义\n");
        assert_eq!(run("order", &text), ["③|3|丙|2"]);
        // A paragraph opened by ① is a list item; so is ① after a colon.
        let text = format!("标题\n①甲模式①乙计划②。\n措施如下：①加强；②推进。\n{GLOSSARY}");
        assert!(run("order", &text).is_empty());
    }

    #[test]
    fn missing_glossary_is_one_finding() {
        assert_eq!(
            run("missing-glossary", "标题\n推行甲模式⑦，实施乙计划［2］。\n"),
            ["⑦|7||"]
        );
        assert!(run("missing-glossary", &format!("标题\n甲模式①。\n{GLOSSARY}")).is_empty());
        assert!(run(
            "missing-glossary",
            "标题\n措施如下：①加强；②推进。\n①段首。\n"
        )
        .is_empty());
    }

    #[test]
    fn bracketed_references_against_a_bracketed_glossary() {
        let text = "标题\n甲［1］乙［2］丙［3］。\n注释\n［1］甲：定义\n［3］丙：定义\n";
        assert_eq!(run("undefined", text), ["［2］|2||0"]);
        assert!(run("unused", text).is_empty());
    }

    #[test]
    fn duplicate_entries() {
        let text = format!("标题\n甲模式①乙计划②。\n{GLOSSARY}2、丙:定义\n");
        assert_eq!(run("duplicate", &text), ["2、|2|乙计划|0"]);
    }
}
