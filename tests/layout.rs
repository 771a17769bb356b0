//! GB/T 9704 layout checks on .docx files made by the repo's generator: a page that follows
//! the standard gives no layout finding; each departure gives its rule's finding, once per
//! element and property; the findings become Word comments; text files have no layout.

use std::path::Path;
use std::process::Command;

use gwlint::docx::generate::from_sample;

/// A 通知 laid out as GB/T 9704-2012 says: 发文机关标志, title, salutation, body with three
/// heading levels, signature, date, 附注 and 版记 (the page itself is the generator's default).
const CONFORMING: &str = "\
[方正小标宋简体 小初 居中 红色]某区人民政府文件
[居中]某政发〔2026〕1号
[方正小标宋简体 二号 居中]某区人民政府关于做好城市更新工作的通知
[居左]各街道办事处、镇人民政府：
为推进城市更新工作，现将有关事项通知如下。
[黑体]一、总体要求
[楷体_GB2312]（一）基本原则
坚持规划引领，统筹推进城市更新各项工作。
1.加强领导。各街道要建立工作机制，明确责任分工。
（1）明确分工。各部门按职责抓好落实。
[黑体]二、主要任务
推进老旧小区改造，完善公共服务设施。
特此通知。
[居右 右缩进2]某区人民政府
[居右 右缩进4]2026年3月1日
（此件公开发布）
[居左 左缩进1 四号]抄送：区委办公室，区人大常委会办公室。
[居左 左缩进1 四号]某区人民政府办公室　　2026年3月1日印发
";

fn layout_findings(path: &Path) -> Vec<(String, usize, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_gwlint"))
        .args(["check", "--format", "json", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"].as_str().unwrap().starts_with("layout/"))
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap() as usize,
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn write(dir: &Path, name: &str, sample: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, from_sample(sample)).unwrap();
    path
}

#[test]
fn a_page_that_follows_the_standard_gives_no_layout_finding() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "conforming.docx", CONFORMING);
    assert_eq!(layout_findings(&path), []);
    // The same with the 方正 fonts many provinces use.
    let fangzheng = CONFORMING
        .replace("方正小标宋简体", "方正小标宋_GBK")
        .replace("[黑体]", "[方正黑体_GBK]")
        .replace("[楷体_GB2312]", "[方正楷体_GBK]");
    let path = write(
        dir.path(),
        "fangzheng.docx",
        &format!("@默认 方正仿宋_GBK 三号\n{fangzheng}"),
    );
    assert_eq!(layout_findings(&path), []);
}

#[test]
fn each_departure_gives_its_rule_once_with_the_actual_and_expected_values() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &str)] = &[
        ("@页边距 25.4 31.8 25.4 31.8\n", "layout/margins", "页边距为上25.4毫米、右31.8毫米、下25.4毫米、左31.8毫米，应为上37、右26、下35、左28毫米"),
        ("@纸张 216×279\n", "layout/paper", "纸张为216×279毫米，应为A4（210×297毫米）"),
        ("@默认 宋体 小四\n", "layout/body-font", "正文字体为宋体，应为仿宋（3段）"),
        ("@页码 -#-\n", "layout/page-number", "页码为“- 1 -”，应为“— 1 —”"),
        ("@页码 —#— 宋体 四号 居中\n", "layout/page-number-position", "页码位置为各页居中，应为单页居右、双页居左"),
    ];
    for (setting, rule, message) in cases {
        let path = write(dir.path(), "case.docx", &format!("{setting}{CONFORMING}"));
        let found = layout_findings(&path);
        let ours: Vec<_> = found.iter().filter(|f| f.0 == *rule).collect();
        assert_eq!(ours.len(), 1, "{rule}: {found:?}");
        assert_eq!(ours[0].2, *message);
    }
}

#[test]
fn the_default_size_changes_every_paragraph_but_gives_one_finding_per_property() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "songti.docx",
        &format!("@默认 宋体 小四\n{CONFORMING}"),
    );
    let rules: Vec<String> = layout_findings(&path).into_iter().map(|f| f.0).collect();
    // Headings and the title set their own fonts, the 版记 its own size (not its font); the
    // generator fits the grid to the default size.
    assert_eq!(
        rules,
        [
            "layout/body-font",
            "layout/body-size",
            "layout/heading3-font",
            "layout/heading4-font",
            "layout/imprint-font",
        ]
    );
}

#[test]
fn headings_are_found_by_level_and_the_finding_sits_on_the_heading_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "h2.docx",
        &CONFORMING.replace("[楷体_GB2312]（一）", "[黑体]（一）"),
    );
    assert_eq!(
        layout_findings(&path),
        [(
            "layout/heading2-font".to_string(),
            7,
            "二级标题字体为黑体，应为楷体（1处）".to_string()
        )]
    );
}

#[test]
fn layout_findings_become_comments_and_text_files_have_none() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "title.docx",
        &CONFORMING.replace("[方正小标宋简体 二号 居中]某区", "[宋体 二号 居中]某区"),
    );
    let output = dir.path().join("title-annotated.docx");
    let out = Command::new(env!("CARGO_BIN_EXE_gwlint"))
        .args([
            "annotate",
            input.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&output).unwrap()).unwrap();
    let mut comments = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("word/comments.xml").unwrap(),
        &mut comments,
    )
    .unwrap();
    assert!(
        comments.contains("[layout/title-font] 标题字体为宋体，应为小标宋"),
        "{comments}"
    );

    // The same document as text: no page, no layout finding.
    let text = dir.path().join("title.txt");
    let plain: String = CONFORMING
        .lines()
        .map(|l| l.split_once(']').map_or(l, |(_, t)| t))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&text, plain).unwrap();
    assert_eq!(layout_findings(&text), []);
}

#[test]
fn a_house_style_changes_the_expected_values_and_the_font_names() {
    let dir = tempfile::tempdir().unwrap();
    let sample = CONFORMING.replace("方正小标宋简体 二号", "方正大标宋简体 二号");
    let path = write(dir.path(), "house.docx", &format!("@网格 28 28\n{sample}"));
    let rules = |found: Vec<(String, usize, String)>| -> Vec<String> {
        found.into_iter().map(|f| f.0).collect()
    };
    assert_eq!(
        rules(layout_findings(&path)),
        ["layout/grid", "layout/title-font"]
    );
    std::fs::write(
        dir.path().join("gwlint.yaml"),
        "layout:\n  layout/grid: 28×28\nfonts:\n  小标宋: [方正大标宋简体]\n",
    )
    .unwrap();
    assert_eq!(layout_findings(&path), []);
    // A value the rule cannot read is the config's error, pointing at its line.
    std::fs::write(
        dir.path().join("gwlint.yaml"),
        "layout:\n  layout/grid: 很多\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gwlint"))
        .args(["check", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // miette wraps long lines: compare without the white space.
    let err: String = String::from_utf8_lossy(&out.stderr)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '│')
        .collect();
    assert!(err.contains("layout/grid的取值“很多”无法识别"), "{err}");
    std::fs::write(
        dir.path().join("gwlint.yaml"),
        "fonts:\n  大标宋: [方正大标宋简体]\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gwlint"))
        .args(["check", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
