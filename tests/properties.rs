//! Property tests over generated documents: text made of the grammar's openers, whitespace of
//! every kind, line endings mixed, brackets, circled numbers, glossary headings, front matter
//! and random text. Parsing never panics and every span holds (`parse::spans::check`); checking
//! never panics; `--fix` runs to the end, its output re-checks without a fix left to apply, and
//! fixing again changes nothing.

use std::path::Path;
use std::sync::OnceLock;

use gwlint::diagnostic::Applicability;
use gwlint::engine::{check_source, Options};
use gwlint::fix::{apply, fix_file};
use gwlint::parse::{parse, spans};
use gwlint::rules::RuleSet;
use gwlint::source::SourceFile;
use proptest::prelude::*;

/// Pieces a document is built from: what opens a structure, what ends or pads a line, and the
/// marks the rules read.
const ATOMS: &[&str] = &[
    "一、",
    "二、",
    "十一、",
    "（一）",
    "(二)",
    "（1）",
    "(2)",
    "1.",
    "2．",
    "3、",
    "1）",
    "第一部分",
    "第二章",
    "第三条",
    "①",
    "②",
    "⑳",
    "㉑",
    "［1］",
    "[2]",
    "名词解释",
    "名词解释：",
    "注释",
    "注：",
    "附件",
    "附件：1.",
    "附件2",
    "---",
    "标题: 关于开展工作的通知",
    "文号: 某政〔2021〕1号",
    "> ",
    "# ",
    "## 一、",
    "```",
    "~~~",
    "| a | b |",
    "<!--",
    "-->",
    "<!-- gwlint-disable -->",
    "<!-- gwlint-enable -->",
    "——",
    "--",
    " ",
    "\u{3000}",
    "\t",
    "\u{A0}",
    "\r\n",
    "\n",
    "\r",
    "\n\n",
    "“",
    "”",
    "‘",
    "’",
    "《",
    "》",
    "（",
    "）",
    "(",
    ")",
    "〔",
    "〕",
    "【",
    "】",
    "某政发〔2021〕1号",
    "国务院令第711号",
    "2021年3月1日",
    "2021-03-01",
    "比上年增长10%",
    "12.6亿元",
    "1,234.5万元",
    "30%",
    "。",
    "，",
    ",",
    ".",
    "；",
    "：",
    ":",
    "、",
    "……",
    "!!",
    "？",
    "http://www.example.gov.cn/a,b",
    "[网站](http://www.gov.cn/a,b)",
    "a@b.cn",
    "政府工作报告",
    "关于做好工作的通知",
    "各位代表：",
    "各区人民政府：",
    "特此通知。",
    "某某市人民政府",
    "\u{1b}[2J",
    "\u{c}",
    "\u{b}",
    "\u{200b}",
    "\u{feff}",
    "𠀀",
    "é",
    "abc",
];

/// Atoms no fix may change: a URL, a link target, an e-mail address, a number with separators.
const PROTECTED: &[&str] = &[
    "http://www.example.gov.cn/a,b",
    "(http://www.gov.cn/a,b)",
    "a@b.cn",
    "1,234.5",
];

fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => proptest::sample::select(ATOMS).prop_map(str::to_string),
        1 => "\\PC{0,6}",
        1 => "[一二三四五六七八九十（）()、．.，,。：:0-9 \u{3000}\t\r\n]{1,4}",
    ]
}

fn document() -> impl Strategy<Value = String> {
    proptest::collection::vec(atom(), 0..80).prop_map(|atoms| atoms.concat())
}

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().expect("built-in rules"))
}

fn source(text: String) -> SourceFile {
    SourceFile::from_bytes(Path::new("generated.txt"), text.as_bytes()).expect("UTF-8 text")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn parsing_never_panics_and_every_span_holds(text in document()) {
        let document = parse(text);
        prop_assert_eq!(spans::check(&document), Ok(()));
    }

    #[test]
    fn fixing_converges_and_a_second_fix_changes_nothing(text in document()) {
        let options = Options::default();
        let checked = check_source(rules(), &options, source(text));
        prop_assert!(checked.is_ok(), "{:?}", checked.err());
        let fixed = fix_file(rules(), &options, checked.unwrap(), Applicability::Safe).unwrap();
        prop_assert_eq!(fixed.stopped_early, None);
        let left = apply(
            &fixed.result.source.text,
            &fixed.result.diagnostics,
            Applicability::Safe,
        );
        prop_assert_eq!(left.1, 0, "fixes left in {:?}", fixed.result.source.text);
        for kept in PROTECTED {
            prop_assert_eq!(
                fixed.original.matches(kept).count(),
                fixed.result.source.text.matches(kept).count(),
                "--fix changed {:?} in {:?}", kept, fixed.result.source.text
            );
        }
        let again = fix_file(rules(), &options, fixed.result, Applicability::Safe).unwrap();
        prop_assert_eq!(again.applied, 0);
    }
}
