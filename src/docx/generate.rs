//! Builds .docx files with plain zip + XML, so no binary fixture of unknown origin is committed:
//! the test suite's fixtures, `make_docx`, and the examples of layout rules.
//!
//! `from_text`/`build`: one paragraph a line, each split into two runs as Word often does;
//! optionally with Word automatic numbering (numbering.xml) and a footnotes part; no page setup
//! and no styles.
//!
//! `from_sample`: a formatted document. By default its page follows GB/T 9704-2012 (A4, 天头
//! 37 mm, 订口 28 mm, 版心 156 × 225 mm, 22 lines of 28 characters, 3号仿宋, page numbers
//! `— 1 —` in 4号宋体, odd pages right and even pages left); lines starting with `@` change that:
//!
//! ```text
//! @纸张 216×279            paper in mm
//! @页边距 25.4 31.8 25.4 31.8   top right bottom left, in mm
//! @网格 无                 no document grid (or `@网格 22 28`: lines, characters)
//! @默认 宋体 五号           the document's default font and size (docDefaults)
//! @页码 -#- 宋体 五号 居中   page-number form (`#` is the number), font, size, position
//! @页码 无                 no page numbers
//! @模板 Word               Word's blank document instead: A4, 25.4/31.8 mm margins, 等线 五号
//! ```
//!
//! Every other line is a paragraph, after an optional `[…]` of its formatting: a font name,
//! a size (`二号`, `小四`, `16磅`), `居中`/`居右`/`居左`/`两端`, `首行缩进2`, `左缩进2`, `右缩进4`
//! (characters), `加粗`, `红色` or `#RRGGBB`. A paragraph without an alignment is indented two
//! characters on its first line, as body text is (not under `@模板 Word`).

use std::io::Write;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>"#;
const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// 一、 / （一） / 1. / （1） as Word's multilevel list 1.
const NUMBERING: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl><w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl><w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%4）"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#;

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

fn runs(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let cut = chars.len() / 2;
    [&chars[..cut], &chars[cut..]]
        .iter()
        .filter(|part| !part.is_empty())
        .map(|part| {
            let part: String = part.iter().collect();
            format!(r#"<w:r><w:rPr><w:rFonts w:eastAsia="仿宋"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r>"#, escape(&part))
        })
        .collect()
}

/// A paragraph: plain, or numbered at list level `ilvl` (0 = 一、).
pub enum Para<'a> {
    Text(&'a str),
    Numbered(usize, &'a str),
}

fn paragraph(p: &Para) -> String {
    match p {
        Para::Text("") => "<w:p/>".to_string(),
        Para::Text(text) => format!("<w:p>{}</w:p>", runs(text)),
        Para::Numbered(ilvl, text) => format!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="1"/></w:numPr></w:pPr>{}</w:p>"#,
            runs(text)
        ),
    }
}

/// A .docx with these paragraphs and, if given, footnotes.
pub fn build(paragraphs: &[Para], footnotes: &[&str]) -> Vec<u8> {
    let body: String = paragraphs.iter().map(paragraph).collect();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let notes: String = footnotes
        .iter()
        .enumerate()
        .map(|(i, text)| {
            format!(
                r#"<w:footnote w:id="{}"><w:p>{}</w:p></w:footnote>"#,
                i + 1,
                runs(text)
            )
        })
        .collect();
    let footnotes = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W}">{notes}</w:footnotes>"#
    );
    package(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/document.xml", document.as_str()),
        ("word/numbering.xml", NUMBERING),
        ("word/footnotes.xml", footnotes.as_str()),
    ])
}

/// A zip of these parts. Writing to memory cannot fail.
fn package(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in parts {
        zip.start_file(*name, options).expect("zip in memory");
        zip.write_all(content.as_bytes()).expect("zip in memory");
    }
    zip.finish().expect("zip in memory").into_inner()
}

/// A .docx of a seed's text, one paragraph a line.
pub fn from_text(text: &str) -> Vec<u8> {
    let paragraphs: Vec<Para> = text.split('\n').map(Para::Text).collect();
    build(&paragraphs, &[])
}

/// GB/T 9704-2012 A4 page in twips: 210 × 297 mm; 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm.
const GB_PAGE: (u32, u32) = (11906, 16838);
const GB_MARGINS: [u32; 4] = [2098, 1474, 1984, 1588];

/// What `@` lines set; the defaults are GB/T 9704-2012's.
struct PageSpec {
    paper: (u32, u32),
    /// top, right, bottom, left.
    margins: [u32; 4],
    /// Lines per page and characters per line.
    grid: Option<(u32, u32)>,
    font: String,
    /// Half-points.
    size: u32,
    page_number: Option<PageNumberSpec>,
    word_template: bool,
}

struct PageNumberSpec {
    before: String,
    after: String,
    font: String,
    size: u32,
    /// Odd pages right and even pages left; otherwise one centred footer.
    outside: bool,
}

impl Default for PageSpec {
    fn default() -> Self {
        PageSpec {
            paper: GB_PAGE,
            margins: GB_MARGINS,
            grid: Some((22, 28)),
            font: "仿宋_GB2312".into(),
            size: 32,
            page_number: Some(PageNumberSpec {
                before: "— ".into(),
                after: " —".into(),
                font: "宋体".into(),
                size: 28,
                outside: true,
            }),
            word_template: false,
        }
    }
}

fn mm_to_twips(mm: f64) -> u32 {
    (mm * 1440.0 / 25.4).round() as u32
}

/// `二号`, `小四`, `16磅`, `10.5磅` → half-points.
fn size_of(word: &str) -> Option<u32> {
    if let Some(points) = word.strip_suffix('磅') {
        return points.parse::<f64>().ok().map(|p| (p * 2.0).round() as u32);
    }
    super::SIZE_NAMES
        .iter()
        .find(|(name, _)| *name == word)
        .map(|(_, half_points)| *half_points)
}

/// One paragraph's `[…]` formatting as `w:pPr` and `w:rPr` content.
fn formatting(spec: &str, body_indent: bool) -> (String, String) {
    let mut jc = String::new();
    // `w:ind` attributes: in characters, and in twips at 3号 as Word also writes them (a
    // reader that knows no character units, LibreOffice among them, reads these).
    let mut ind = String::new();
    let mut rpr = String::new();
    let mut indented = false;
    for word in spec.split_whitespace() {
        let chars = |prefix: &str| {
            word.strip_prefix(prefix)
                .and_then(|n| n.parse::<f64>().ok())
                .map(|n| ((n * 100.0).round() as i32, (n * 320.0).round() as i32))
        };
        if let Some(size) = size_of(word) {
            rpr.push_str(&format!(
                r#"<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>"#
            ));
        } else if let Some(value) = match word {
            "居中" => Some("center"),
            "居右" => Some("right"),
            "居左" => Some("left"),
            "两端" => Some("both"),
            _ => None,
        } {
            jc = format!(r#"<w:jc w:val="{value}"/>"#);
        } else if let Some((hundredths, twips)) = chars("首行缩进") {
            indented = true;
            ind.push_str(&format!(
                r#" w:firstLineChars="{hundredths}" w:firstLine="{twips}""#
            ));
        } else if let Some((hundredths, twips)) = chars("左缩进") {
            indented = true;
            ind.push_str(&format!(r#" w:leftChars="{hundredths}" w:left="{twips}""#));
        } else if let Some((hundredths, twips)) = chars("右缩进") {
            ind.push_str(&format!(
                r#" w:rightChars="{hundredths}" w:right="{twips}""#
            ));
        } else if word == "加粗" {
            rpr.push_str("<w:b/>");
        } else if word == "红色" {
            rpr.push_str(r#"<w:color w:val="FF0000"/>"#);
        } else if let Some(hex) = word.strip_prefix('#') {
            rpr.push_str(&format!(r#"<w:color w:val="{}"/>"#, escape(hex)));
        } else {
            let font = escape(word);
            rpr.insert_str(
                0,
                &format!(r#"<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/>"#),
            );
        }
    }
    if body_indent && jc.is_empty() && !indented {
        ind.push_str(r#" w:firstLineChars="200" w:firstLine="640""#);
    }
    let ind = if ind.is_empty() {
        ind
    } else {
        format!("<w:ind{ind}/>")
    };
    // Schema order: w:ind before w:jc.
    (format!("{ind}{jc}"), rpr)
}

fn sample_paragraph(line: &str, body_indent: bool) -> String {
    let (spec, text) = match line.strip_prefix('[').and_then(|rest| rest.split_once(']')) {
        Some((spec, text)) => (spec, text),
        None => ("", line),
    };
    if text.is_empty() && spec.is_empty() {
        return "<w:p/>".into();
    }
    let (ppr, rpr) = formatting(spec, body_indent);
    format!(
        r#"<w:p><w:pPr>{ppr}</w:pPr><w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
        escape(text)
    )
}

fn read_page_line(page: &mut PageSpec, key: &str, values: &[&str]) {
    let numbers: Vec<f64> = values.iter().filter_map(|v| v.parse().ok()).collect();
    match key {
        "纸张" => {
            if let Some((w, h)) = values.first().and_then(|v| v.split_once(['×', 'x'])) {
                if let (Ok(w), Ok(h)) = (w.parse(), h.parse()) {
                    page.paper = (mm_to_twips(w), mm_to_twips(h));
                }
            }
        }
        "页边距" if numbers.len() == 4 => {
            page.margins = [0, 1, 2, 3].map(|i| mm_to_twips(numbers[i]));
        }
        "网格" => {
            page.grid = match numbers.as_slice() {
                [lines, chars] => Some((*lines as u32, *chars as u32)),
                _ => None,
            }
        }
        "默认" => {
            for value in values {
                match size_of(value) {
                    Some(size) => page.size = size,
                    None => page.font = value.to_string(),
                }
            }
        }
        "页码" if values.first() == Some(&"无") => page.page_number = None,
        "页码" => {
            let number = page.page_number.get_or_insert_with(|| PageNumberSpec {
                before: String::new(),
                after: String::new(),
                font: "宋体".into(),
                size: 28,
                outside: true,
            });
            for value in values {
                if let Some((before, after)) = value.split_once('#') {
                    number.before = format!("{before} ").trim_start().to_string();
                    number.after = format!(" {after}").trim_end().to_string();
                } else if let Some(size) = size_of(value) {
                    number.size = size;
                } else if *value == "居中" {
                    number.outside = false;
                } else if *value == "奇右偶左" {
                    number.outside = true;
                } else {
                    number.font = value.to_string();
                }
            }
        }
        "模板" if values.first() == Some(&"Word") => {
            page.word_template = true;
            page.margins = [1440, 1800, 1440, 1800];
            page.grid = None;
            page.page_number = None;
        }
        _ => {}
    }
}

fn footer(number: &PageNumberSpec, odd: bool) -> String {
    let font = escape(&number.font);
    let size = number.size;
    let rpr = format!(
        r#"<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>"#
    );
    let ppr = match (number.outside, odd) {
        (false, _) => r#"<w:jc w:val="center"/>"#.to_string(),
        // One character (the body's 3号, 16 pt) in from the edge of the 版心.
        (true, true) => r#"<w:jc w:val="right"/><w:ind w:right="320"/>"#.to_string(),
        (true, false) => r#"<w:jc w:val="left"/><w:ind w:left="320"/>"#.to_string(),
    };
    let text = |t: &str| {
        if t.is_empty() {
            String::new()
        } else {
            format!(
                r#"<w:r>{rpr}<w:t xml:space="preserve">{}</w:t></w:r>"#,
                escape(t)
            )
        }
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr xmlns:w="{W}"><w:p><w:pPr>{ppr}</w:pPr>{}<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r><w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r><w:r>{rpr}<w:t>{}</w:t></w:r><w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>{}</w:p></w:ftr>"#,
        text(&number.before),
        if odd { 1 } else { 2 },
        text(&number.after),
    )
}

const WORD_THEME: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office"><a:themeElements><a:fontScheme name="Office"><a:majorFont><a:latin typeface="等线 Light"/><a:ea typeface=""/><a:cs typeface=""/><a:font script="Hans" typeface="等线 Light"/></a:majorFont><a:minorFont><a:latin typeface="等线"/><a:ea typeface=""/><a:cs typeface=""/><a:font script="Hans" typeface="等线"/></a:minorFont></a:fontScheme></a:themeElements></a:theme>"#;

/// A formatted .docx of `sample` (see the module's documentation).
pub fn from_sample(sample: &str) -> Vec<u8> {
    let mut page = PageSpec::default();
    let mut body = String::new();
    for line in sample.lines() {
        match line.strip_prefix('@') {
            Some(setting) => {
                let mut words = setting.split_whitespace();
                let key = words.next().unwrap_or_default();
                let values: Vec<&str> = words.collect();
                read_page_line(&mut page, key, &values);
            }
            // Word's blank document indents nothing of itself.
            None => body.push_str(&sample_paragraph(line, !page.word_template)),
        }
    }
    let [top, right, bottom, left] = page.margins;
    let (width, height) = page.paper;
    let grid = match page.grid {
        Some((lines, chars)) => {
            let line_pitch = height.saturating_sub(top.saturating_add(bottom)) / lines.max(1);
            // Word's character pitch is the default size plus charSpace/4096 points.
            let pitch = width.saturating_sub(left.saturating_add(right)) as f64
                / 20.0
                / chars.max(1) as f64;
            let char_space = ((pitch - page.size as f64 / 2.0) * 4096.0).floor() as i64;
            format!(
                r#"<w:docGrid w:type="linesAndChars" w:linePitch="{line_pitch}" w:charSpace="{char_space}"/>"#
            )
        }
        None if page.word_template => r#"<w:docGrid w:type="lines" w:linePitch="312"/>"#.into(),
        None => String::new(),
    };
    let footers = match &page.page_number {
        Some(number) if number.outside => {
            r#"<w:footerReference w:type="default" r:id="rId3"/><w:footerReference w:type="even" r:id="rId4"/>"#
        }
        Some(_) => r#"<w:footerReference w:type="default" r:id="rId3"/>"#,
        None => "",
    };
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{body}<w:sectPr>{footers}<w:pgSz w:w="{width}" w:h="{height}"/><w:pgMar w:top="{top}" w:right="{right}" w:bottom="{bottom}" w:left="{left}" w:header="851" w:footer="992" w:gutter="0"/>{grid}</w:sectPr></w:body></w:document>"#
    );
    let fonts = if page.word_template {
        r#"<w:rFonts w:asciiTheme="minorHAnsi" w:hAnsiTheme="minorHAnsi" w:eastAsiaTheme="minorEastAsia"/>"#.to_string()
    } else {
        let font = escape(&page.font);
        format!(
            r#"<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="{font}"/>"#
        )
    };
    let size = if page.word_template { 21 } else { page.size };
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr>{fonts}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:rPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:pPr><w:jc w:val="both"/></w:pPr></w:style></w:styles>"#
    );
    let even_and_odd = match &page.page_number {
        Some(number) if number.outside => "<w:evenAndOddHeaders/>",
        _ => "",
    };
    let settings = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings xmlns:w="{W}">{even_and_odd}</w:settings>"#
    );
    let (odd, even) = match &page.page_number {
        Some(number) => (footer(number, true), footer(number, false)),
        None => (String::new(), String::new()),
    };
    // A package names only the parts it has.
    let (mut content_types, mut rels) = (
        SAMPLE_CONTENT_TYPES.to_string(),
        SAMPLE_DOCUMENT_RELS.to_string(),
    );
    if page.page_number.is_none() {
        for n in [1, 2] {
            content_types = content_types.replace(&format!(r#"<Override PartName="/word/footer{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>"#), "");
            rels = rels.replace(&format!(r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer{n}.xml"/>"#, n + 2), "");
        }
    }
    let mut parts = vec![
        ("[Content_Types].xml", content_types.as_str()),
        ("_rels/.rels", RELS),
        ("word/_rels/document.xml.rels", rels.as_str()),
        ("word/document.xml", document.as_str()),
        ("word/styles.xml", styles.as_str()),
        ("word/settings.xml", settings.as_str()),
        ("word/theme/theme1.xml", WORD_THEME),
    ];
    if page.page_number.is_some() {
        parts.push(("word/footer1.xml", odd.as_str()));
        parts.push(("word/footer2.xml", even.as_str()));
    }
    package(&parts)
}

const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const SAMPLE_CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>"#;
const SAMPLE_DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml"/></Relationships>"#;
