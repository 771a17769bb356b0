//! Where each line is: every non-blank line becomes one symbol and grammar/regions.pest reads
//! the string of symbols into regions (front matter, code, comments, notes, chrome, tables,
//! closing blocks). Lines that fit none of them are left for the parser to place.

use pest::Parser;

use crate::model::Region;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/regions.pest"]
struct RegionParser;

/// What a line looks like to the region grammar: its line kind and a few facts of its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Symbol {
    Fence,
    KeyValue,
    MarkdownHeading,
    CodeFence,
    Comment,
    CommentOpen,
    CommentClose,
    TableRow,
    Quote,
    Chrome,
    ChromeWord,
    GlossaryHeading,
    Annex,
    Toc,
    ClosingFormula,
    Date,
    CopyLine,
    Caption,
    Heading,
    Short,
    Text,
}

impl Symbol {
    #[cfg(test)]
    const ALL: [Symbol; 21] = [
        Symbol::Fence,
        Symbol::KeyValue,
        Symbol::MarkdownHeading,
        Symbol::CodeFence,
        Symbol::Comment,
        Symbol::CommentOpen,
        Symbol::CommentClose,
        Symbol::TableRow,
        Symbol::Quote,
        Symbol::Chrome,
        Symbol::ChromeWord,
        Symbol::GlossaryHeading,
        Symbol::Annex,
        Symbol::Toc,
        Symbol::ClosingFormula,
        Symbol::Date,
        Symbol::CopyLine,
        Symbol::Caption,
        Symbol::Heading,
        Symbol::Short,
        Symbol::Text,
    ];

    fn byte(self) -> u8 {
        match self {
            Symbol::Fence => b'f',
            Symbol::KeyValue => b'k',
            Symbol::MarkdownHeading => b'm',
            Symbol::CodeFence => b'x',
            Symbol::Comment => b'c',
            Symbol::CommentOpen => b'<',
            Symbol::CommentClose => b'C',
            Symbol::TableRow => b'|',
            Symbol::Quote => b'q',
            Symbol::Chrome => b'P',
            Symbol::ChromeWord => b'p',
            Symbol::GlossaryHeading => b'G',
            Symbol::Annex => b'A',
            Symbol::Toc => b'T',
            Symbol::ClosingFormula => b'e',
            Symbol::Date => b'd',
            Symbol::CopyLine => b'v',
            Symbol::Caption => b'n',
            Symbol::Heading => b'h',
            Symbol::Short => b's',
            Symbol::Text => b't',
        }
    }
}

/// The region of each line the grammar places; `None` where the parser decides.
pub fn assign(symbols: &[Symbol]) -> Vec<Option<Region>> {
    let input: String = symbols.iter().map(|s| s.byte() as char).collect();
    let mut regions = vec![None; symbols.len()];
    let Ok(mut pairs) = RegionParser::parse(Rule::regions, &input) else {
        // The grammar ends in `other = { ANY }`, so it accepts every string; should it ever
        // not, every line is left to the parser, which is what an unknown structure means.
        return regions;
    };
    let Some(document) = pairs.next() else {
        return regions;
    };
    for pair in document.into_inner() {
        let region = match pair.as_rule() {
            Rule::front_matter => Region::FrontMatter,
            Rule::code => Region::Code,
            Rule::comment => Region::Comment,
            Rule::markdown_table => Region::MarkdownTable,
            Rule::note => Region::Note,
            Rule::chrome => Region::Chrome,
            Rule::table => Region::Table,
            Rule::closing => Region::Closing,
            _ => continue,
        };
        let span = pair.as_span();
        for slot in &mut regions[span.start()..span.end()] {
            *slot = Some(region);
        }
    }
    regions
}

/// Short web-page words that a portal page splits one to a line (【字体：/大/中/小/】).
const CHROME_WORDS: &[&str] = &[
    "下载",
    "打印",
    "全屏",
    "收藏",
    "分享",
    "加大",
    "还原",
    "减小",
    "默认",
    "大",
    "中",
    "小",
    "】",
    "【",
    "[",
    "]",
    "【字体：",
    "【字体:",
    "【字号：",
    "【字号:",
    "字体：",
    "字号：",
    "字体",
    "字号",
    "首页",
    ">",
    "»",
    "您的位置:",
    "您的位置：",
    "当前位置:",
    "当前位置：",
    "微信",
    "微博",
    "打印本页",
    "关闭窗口",
    "关闭",
    "返回顶部",
    "扫一扫",
    "二维码",
    "分享到：",
    "分享到:",
    "索取号",
    "载体类型",
    "文件编号",
    "发布机构",
    "发文日期",
    "主题分类",
    "公开属性",
    "有效性",
];

/// Lines that a portal page adds around a document wherever they stand.
const CHROME_PREFIXES: &[&str] = &[
    "【字体：",
    "【字体:",
    "【字号：",
    "【字号:",
    "【打印",
    "【关闭",
    "【收藏",
    "责任编辑",
    "扫一扫",
    "相关链接",
    "相关文件",
    "相关稿件",
    "您的位置",
    "当前位置",
    "分享到",
    "》》",
    "点击图片",
    "点击进入",
    "点击查看",
];

pub fn is_chrome_word(content: &str) -> bool {
    let trimmed = content.trim();
    CHROME_WORDS.contains(&trimmed)
        || CHROME_PREFIXES.iter().any(|p| trimmed.starts_with(p))
        || is_timestamp(trimmed)
        || is_download_link(trimmed)
        || is_attachment_url(trimmed)
}

/// `2026-02-03 09:02:33`: a page's time stamp on a line of its own. A bare date is not: it
/// may be a 成文日期 written the wrong way.
fn is_timestamp(content: &str) -> bool {
    let mut digits = 0;
    for c in content.chars() {
        match c {
            '0'..='9' => digits += 1,
            '-' | ':' | ' ' | '/' | '.' => {}
            _ => return false,
        }
    }
    digits >= 10 && content.contains(':')
}

/// `附件1-5.docx`, `下载：……pdf`: a link to a file rather than text of the document.
fn is_download_link(content: &str) -> bool {
    let tail = |ext: &str| {
        content.len() >= ext.len()
            && content.as_bytes()[content.len() - ext.len()..].eq_ignore_ascii_case(ext.as_bytes())
    };
    content.chars().count() <= 80
        && [
            ".doc", ".docx", ".pdf", ".xls", ".xlsx", ".wps", ".zip", ".rar", ".ofd",
        ]
        .iter()
        .any(|ext| tail(ext))
}

/// `附件: https://…`: a link standing for the attachments. A URL on its own line without it
/// may be the document's own text (a 申报网址), and stays.
fn is_attachment_url(content: &str) -> bool {
    let Some(rest) = content.strip_prefix("附件") else {
        return false;
    };
    let rest = rest.trim_start_matches([':', '：', ' ']);
    (rest.starts_with("http://") || rest.starts_with("https://") || rest.starts_with("www."))
        && !rest.contains(char::is_whitespace)
}

/// `标题: …`, `- **公布日期**：2025-12-30`: a field of a collector's metadata block.
pub fn is_key_value(content: &str) -> bool {
    let body = content
        .strip_prefix("- ")
        .or_else(|| content.strip_prefix("* "))
        .unwrap_or(content);
    let body = body.strip_prefix("**").unwrap_or(body);
    let Some(colon) = body.find([':', '：']) else {
        return false;
    };
    let key = body[..colon].trim_end_matches("**");
    let chars = key.chars().count();
    (1..=12).contains(&chars)
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// `附件`, `附件1`, `附件2：`, `附件：1. …`, `附件二 某某表`: an annex note or an annex's start.
pub fn is_annex_marker(content: &str) -> bool {
    let Some(rest) = content.strip_prefix("附件") else {
        return false;
    };
    let rest = rest.trim_start_matches(|c: char| {
        c.is_ascii_digit() || "一二三四五六七八九十".contains(c) || c == '-' || c == '—'
    });
    let rest = rest.trim_start_matches([' ', '\u{3000}']);
    (rest.is_empty()
        || rest.starts_with([':', '：', ' ', '\u{3000}'])
        || rest.chars().count() <= 40)
        && content.chars().count() <= 60
        && !rest.contains('。')
}

/// `特此通知。`, `此复。`: the formula that closes a 公文's text.
pub fn is_closing_formula(content: &str) -> bool {
    const FORMULAS: &[&str] = &[
        "特此通知",
        "特此公告",
        "特此通告",
        "特此函告",
        "特此函复",
        "特此批复",
        "特此报告",
        "特此请示",
        "特此复函",
        "此复",
        "此函",
        "此致",
        "敬礼",
        "妥否，请批示",
        "以上请示当否，请批示",
    ];
    let trimmed = content.trim_end_matches(['。', '！', '!', '.', ' ']);
    FORMULAS.contains(&trimmed)
}

/// `抄送：…`, `印发`, `主题词：`: 版记 lines.
pub fn is_copy_line(content: &str) -> bool {
    ["抄送", "抄报", "主题词", "印发：", "联系人", "联系电话"]
        .iter()
        .any(|p| content.starts_with(p))
        || (content.ends_with("印发") && content.chars().count() <= 40)
}

/// `表1 主要指标`, `专栏2`, `图3`, `（下转第四版）`, `…记者 王鼎 摄`.
pub fn is_caption(content: &str) -> bool {
    let numbered = |word: &str| {
        content.strip_prefix(word).is_some_and(|rest| {
            rest.starts_with(|c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
        })
    };
    let short = content.chars().count() <= 40;
    (short
        && (numbered("表")
            || numbered("图")
            || numbered("专栏")
            || content.ends_with(" 摄")
            || content.ends_with("\u{3000}摄")))
        || (content.chars().count() <= 60 && content.ends_with('摄') && content.contains("记者"))
        || (content.starts_with(['（', '('])
            && (content.contains("下转") || content.contains("上接"))
            && content.ends_with("版）"))
}

/// `目录`, `目　　录`.
pub fn is_toc_heading(content: &str) -> bool {
    content
        .chars()
        .filter(|c| !c.is_whitespace())
        .eq("目录".chars())
}

/// A line short enough and bare enough to be a table cell, a title or an organ's name: no
/// sentence punctuation.
pub fn is_short(content: &str) -> bool {
    content.chars().count() <= 24
        && !content.contains([
            '。', '；', '！', '？', '，', '：', ':', ';', '!', '?', ',', '“', '”',
        ])
}

/// A row whose cells a flattened table left side by side, two or more spaces apart
/// (`汤  文 镇党委委员、副镇长`, `陈  聪 规划建设办公室负责人`).
pub fn is_spaced_row(content: &str) -> bool {
    !content.contains('。')
        && content.chars().count() <= 60
        && (content.contains("  ")
            || content.contains('\t')
            || content.contains("\u{3000}\u{3000}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions(symbols: &str) -> String {
        let symbols: Vec<Symbol> = symbols
            .bytes()
            .map(|b| {
                *Symbol::ALL
                    .iter()
                    .find(|s| s.byte() == b)
                    .expect("a symbol of the grammar")
            })
            .collect();
        assign(&symbols)
            .iter()
            .map(|r| match r {
                None => '.',
                Some(Region::FrontMatter) => 'F',
                Some(Region::Code) => 'X',
                Some(Region::Comment) => 'M',
                Some(Region::MarkdownTable) => '|',
                Some(Region::Note) => 'N',
                Some(Region::Chrome) => 'P',
                Some(Region::Table) => 'T',
                Some(Region::Closing) => 'E',
                Some(_) => '?',
            })
            .collect()
    }

    #[test]
    fn the_region_grammar_reads_the_parts_of_real_documents() {
        // Front matter, a collector's note, title, 主送, body, 特此通知, organ, date.
        assert_eq!(regions("fkkkfqqmttesd"), "FFFFFNN...EEE");
        // A collector's heading and bold-key list closed by a fence; a fence later is a note.
        assert_eq!(regions("mkkkfsthftt"), "FFFFF...N..");
        // Chrome one word a line, with a breadcrumb's section name inside.
        assert_eq!(regions("ppspPppsttt"), "PPPPPPP....");
        // A flattened table: header cells, rows with long cells; then a heading.
        assert_eq!(regions("tsssssststssth"), ".TTTTTTTTTTT..");
        // Three short lines are not a table: an organ, a date, an annex title.
        assert_eq!(regions("tesdst"), ".EEE..");
        // Code and comments, closed or not.
        assert_eq!(regions("txhtxt<tCtc"), ".XXXX.MMM.M");
        assert_eq!(regions("tx|t"), ".XXX");
        assert_eq!(regions(""), "");
    }

    #[test]
    fn line_facts() {
        assert!(is_key_value("标题: 关于印发的通知"));
        assert!(is_key_value("- **公布日期**：2025-12-30"));
        assert!(!is_key_value("“十四五”时期：经济回升向好"));
        assert!(is_annex_marker("附件"));
        assert!(is_annex_marker("附件2"));
        assert!(is_annex_marker("附件：2026年重点工作任务分工表"));
        assert!(!is_annex_marker("附件材料不全的，不予受理。"));
        assert!(is_chrome_word("附件1-6.docx"));
        assert!(is_chrome_word("2026-02-03 09:02:33"));
        assert!(!is_chrome_word("2021/02/03"));
        assert!(is_chrome_word("【字体："));
        assert!(!is_chrome_word("2026年"));
        assert!(is_closing_formula("特此通知。"));
        assert!(is_caption("表1 主要指标"));
        assert!(is_caption("（下转第四版）"));
        assert!(is_caption("殷勇同志作政府工作报告。本报记者 戴冰摄"));
        assert!(is_spaced_row("汤  文 镇党委委员、副镇长(社事社保)"));
        assert!(!is_caption("表彰先进。"));
        assert!(is_toc_heading("目　　录"));
        assert!(is_short("预期性"));
        assert!(!is_short("各位代表："));
    }
}
