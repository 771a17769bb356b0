//! .docx input and `gwlint annotate`: the same findings as on the text, automatic numbering as
//! a reader sees it, comments on the right characters, the input untouched, bad packages refused.

mod support;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use support::docx::{build, from_text, Para};
use support::seed;

fn gwlint(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gwlint"))
        .args(args)
        .output()
        .unwrap()
}

type Finding = (String, usize, usize, String);

/// The text findings (the page's `layout/` ones are tests/layout.rs's): a plain generated
/// .docx has no page setup or styles.
fn findings(path: &Path) -> Vec<Finding> {
    let mut found = all_findings(path);
    found.retain(|f| !f.0.starts_with("layout/"));
    found
}

fn all_findings(path: &Path) -> Vec<Finding> {
    let out = gwlint(&["check", "--format", "json", path.to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap() as usize,
                d["column"].as_u64().unwrap() as usize,
                d["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_docx_of_each_seed_gives_the_seed_findings() {
    let dir = tempfile::tempdir().unwrap();
    for prefix in ["000", "001", "002", "003", "004"] {
        let text = std::fs::read_to_string(seed(prefix)).unwrap();
        let docx = dir.path().join(format!("{prefix}.docx"));
        std::fs::write(&docx, from_text(&text)).unwrap();
        // One paragraph a line: the same lines, columns and texts.
        assert_eq!(findings(&docx), findings(&seed(prefix)), "seed {prefix}");
    }
}

#[test]
fn automatic_numbering_is_read_as_written_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("numbered.docx");
    let paragraphs = [
        Para::Text("2021年工作要点"),
        Para::Text("2021年的主要预期目标是：完成税收22亿元。"),
        Para::Numbered(0, "总体要求"),
        Para::Numbered(1, "指导思想"),
        Para::Numbered(2, "加强领导。深化改革。"),
        Para::Numbered(2, "强化保障。落实责任。"),
        Para::Numbered(1, "基本原则"),
        Para::Numbered(0, "主要任务"),
        Para::Numbered(1, "推进改革"),
    ];
    std::fs::write(&path, build(&paragraphs, &[])).unwrap();
    let out = gwlint(&["parse", path.to_str().unwrap()]);
    let outline = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "一级 #1 一、 总体要求",
        "二级 #1 （一） 指导思想",
        "三级 #2 2. 强化保障",
        "二级 #2 （二） 基本原则",
        "一级 #2 二、 主要任务",
        "二级 #1 （一） 推进改革",
    ] {
        assert!(outline.contains(expected), "no {expected:?} in\n{outline}");
    }
    assert!(findings(&path).is_empty(), "{:?}", findings(&path));
}

#[test]
fn footnotes_are_read_after_the_body() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.docx");
    let paragraphs = [
        Para::Text("2023年上半年政府工作报告"),
        Para::Text("推行领导走访企业模式①，实施与共计划②。"),
        Para::Text("名词解释"),
        Para::Text("1、领导走访企业模式：定义。"),
        Para::Text("2、与共计划：定义。"),
    ];
    std::fs::write(&path, build(&paragraphs, &["脚注文字,有半角逗号。"])).unwrap();
    let found = findings(&path);
    assert!(
        found.iter().all(|f| !f.0.starts_with("footnote/")),
        "{found:?}"
    );
    // The footnote's own text is checked too, on the line after the body.
    assert_eq!(
        found,
        [("punct/halfwidth".to_string(), 6, 5, ",".to_string())]
    );
}

/// The text under each comment of an annotated document, by comment id.
fn commented_text(docx: &[u8]) -> (BTreeMap<u32, String>, BTreeMap<u32, String>) {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut document = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut document)
        .unwrap();
    let mut comments = String::new();
    archive
        .by_name("word/comments.xml")
        .unwrap()
        .read_to_string(&mut comments)
        .unwrap();
    let mut open: BTreeMap<u32, String> = BTreeMap::new();
    let mut done = BTreeMap::new();
    let mut reader = quick_xml::Reader::from_str(&document);
    let mut in_text = false;
    let id_of = |e: &quick_xml::events::BytesStart| -> u32 {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == b"w:id")
            .map(|a| String::from_utf8_lossy(&a.value).parse().unwrap())
            .unwrap()
    };
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Empty(e) if e.name().as_ref() == b"w:commentRangeStart" => {
                open.insert(id_of(&e), String::new());
            }
            quick_xml::events::Event::Empty(e) if e.name().as_ref() == b"w:commentRangeEnd" => {
                let id = id_of(&e);
                done.insert(id, open.remove(&id).unwrap());
            }
            quick_xml::events::Event::Start(e) if e.name().as_ref() == b"w:t" => in_text = true,
            quick_xml::events::Event::End(e) if e.name().as_ref() == b"w:t" => in_text = false,
            quick_xml::events::Event::End(e) if e.name().as_ref() == b"w:p" => {
                for text in open.values_mut() {
                    text.push('\n');
                }
            }
            quick_xml::events::Event::Text(t) if in_text => {
                let t = t.unescape().unwrap();
                for text in open.values_mut() {
                    text.push_str(&t);
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    let mut texts = BTreeMap::new();
    let mut reader = quick_xml::Reader::from_str(&comments);
    let mut current = None;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == b"w:comment" => {
                current = Some(id_of(&e))
            }
            quick_xml::events::Event::Text(t) => {
                if let Some(id) = current {
                    texts
                        .entry(id)
                        .or_insert_with(String::new)
                        .push_str(&t.unescape().unwrap());
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    (done, texts)
}

#[test]
fn annotate_puts_one_comment_on_each_finding_and_leaves_the_input_alone() {
    let dir = tempfile::tempdir().unwrap();
    for prefix in ["003", "004"] {
        let text = std::fs::read_to_string(seed(prefix)).unwrap();
        let input = dir.path().join(format!("{prefix}.docx"));
        let output = dir.path().join(format!("{prefix}-annotated.docx"));
        let bytes = from_text(&text);
        std::fs::write(&input, &bytes).unwrap();
        let out = gwlint(&[
            "annotate",
            input.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            std::fs::read(&input).unwrap(),
            bytes,
            "the input is unchanged"
        );
        let expected = all_findings(&input);
        let (ranges, comments) = commented_text(&std::fs::read(&output).unwrap());
        assert_eq!(
            ranges.len(),
            expected.len(),
            "{prefix}: one comment per finding"
        );
        for ((id, under), (rule, line, column, flagged)) in ranges.iter().zip(&expected) {
            assert!(
                comments[id].starts_with(&format!("[{rule}] ")),
                "{prefix}: {}",
                comments[id]
            );
            // The comment covers exactly the flagged characters; a page break covers the
            // paragraph boundary, and a heading token made by numbering is not in the XML.
            if !flagged.contains('\n') {
                assert_eq!(under, flagged, "{prefix}:{line}:{column} {rule}");
            }
        }
        // Everything but the four changed parts is copied byte for byte.
        let mut before = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
        let mut after = zip::ZipArchive::new(std::fs::File::open(&output).unwrap()).unwrap();
        let mut a = Vec::new();
        before
            .by_name("_rels/.rels")
            .unwrap()
            .read_to_end(&mut a)
            .unwrap();
        let mut b = Vec::new();
        after
            .by_name("_rels/.rels")
            .unwrap()
            .read_to_end(&mut b)
            .unwrap();
        assert_eq!(a, b);
    }
}

#[test]
fn broken_packages_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let corrupt = dir.path().join("corrupt.docx");
    std::fs::write(&corrupt, b"PK\x03\x04 this is not a zip").unwrap();
    let encrypted = dir.path().join("encrypted.docx");
    std::fs::write(
        &encrypted,
        [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0],
    )
    .unwrap();
    let empty_package = dir.path().join("no-document.docx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&empty_package).unwrap());
    zip.start_file("word/styles.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.finish().unwrap();
    for (path, words) in [
        (&corrupt, "zip"),
        (&encrypted, "密码"),
        (&empty_package, "document.xml"),
    ] {
        let out = gwlint(&["check", path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains(words) && err.contains(path.file_name().unwrap().to_str().unwrap()),
            "{err}"
        );
    }
    let out = gwlint(&["check", "--fix", corrupt.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}
