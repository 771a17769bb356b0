//! Builds .docx files from text with plain zip + XML, so no binary fixture of unknown origin is
//! committed: one paragraph a line, each split into two runs as Word often does; optionally with
//! Word automatic numbering (numbering.xml) and a footnotes part.

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
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
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
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, content) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/document.xml", document.as_str()),
        ("word/numbering.xml", NUMBERING),
        ("word/footnotes.xml", footnotes.as_str()),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A .docx of a seed's text, one paragraph a line.
pub fn from_text(text: &str) -> Vec<u8> {
    let paragraphs: Vec<Para> = text.split('\n').map(Para::Text).collect();
    build(&paragraphs, &[])
}
