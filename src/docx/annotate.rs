//! `gwlint annotate IN.docx -o OUT.docx`: a copy of a Word document with every finding as a
//! review comment anchored on the flagged characters. Only word/document.xml, the comments
//! part, the content types and the document's relationships change; every other entry of the
//! package is copied byte for byte, and the input file is never written.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::path::Path;

use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};

use super::walk::{local, Node, Walk};
use super::{DocxError, DocxText, Origin, Part};
use crate::diagnostic::Diagnostic;

const COMMENTS: &str = "word/comments.xml";
const CONTENT_TYPES: &str = "[Content_Types].xml";
const DOCUMENT_RELS: &str = "word/_rels/document.xml.rels";
const COMMENTS_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml";
const COMMENTS_REL: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

#[derive(Debug, thiserror::Error)]
pub enum AnnotateError {
    #[error("{0}")]
    Docx(#[from] DocxError),
    #[error("输出文件不能与输入文件相同：输入文件不会被改动")]
    SameFile,
    #[error("无法写入 {path}：{message}")]
    Write { path: String, message: String },
    #[error(transparent)]
    Output(#[from] crate::fix::WriteError),
}

/// Where a comment boundary goes: in paragraph `paragraph`, before byte `offset` of the text of
/// run `run`; `run == usize::MAX` is the end of the paragraph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Anchor {
    paragraph: usize,
    run: usize,
    offset: usize,
}

const END_OF_PARAGRAPH: usize = usize::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Mark {
    /// Ends sort before starts at one place, so adjacent comments do not nest by accident.
    End(u32),
    Start(u32),
}

/// The anchor of byte `at` of the extracted text; `after` asks for the place after the
/// character that ends at `at` (for the end of a span).
fn anchor(map: &DocxText, at: usize, after: bool) -> Option<Anchor> {
    let probe = if after { at.checked_sub(1)? } else { at };
    let paragraph = map.paragraph_at(probe)?;
    if paragraph.part != Part::Document {
        return None;
    }
    let end_of_line = map.text[paragraph.start..]
        .find('\n')
        .map_or(map.text.len(), |e| paragraph.start + e);
    if probe >= end_of_line {
        return Some(Anchor {
            paragraph: paragraph.index,
            run: END_OF_PARAGRAPH,
            offset: 0,
        });
    }
    let piece = paragraph
        .pieces
        .iter()
        .find(|p| p.start <= probe && probe < p.start + p.len)?;
    Some(match piece.origin {
        Origin::Run { run, offset } => Anchor {
            paragraph: paragraph.index,
            run,
            offset: offset + at - piece.start,
        },
        // Numbering is not in the XML: anchor before the paragraph's first run.
        Origin::Numbering => {
            let first = paragraph.pieces.iter().find_map(|p| match p.origin {
                Origin::Run { run, .. } | Origin::Mark { run } => Some(run),
                Origin::Numbering => None,
            });
            match first {
                Some(run) => Anchor {
                    paragraph: paragraph.index,
                    run,
                    offset: 0,
                },
                None => Anchor {
                    paragraph: paragraph.index,
                    run: END_OF_PARAGRAPH,
                    offset: 0,
                },
            }
        }
        // A tab is a whole run's worth of anchor: before it, or after the run holding it.
        Origin::Mark { run } if after => Anchor {
            paragraph: paragraph.index,
            run: run + 1,
            offset: 0,
        },
        Origin::Mark { run } => Anchor {
            paragraph: paragraph.index,
            run,
            offset: 0,
        },
    })
}

fn comment_text(d: &Diagnostic) -> String {
    let mut text = format!("[{}] {}", d.rule, d.message);
    let mut advice = Vec::new();
    if let Some(fix) = &d.fix {
        if let [edit] = fix.edits.as_slice() {
            advice.push(if edit.replacement.is_empty() {
                "删除".to_string()
            } else {
                format!("改为“{}”", edit.replacement)
            });
        }
    }
    if let Some(help) = &d.help {
        advice.push(help.to_string());
    }
    if !advice.is_empty() {
        text.push_str("；建议：");
        text.push_str(&advice.join("；"));
    }
    text
}

/// Writes `output`: `input` with `diagnostics` (found on `map`'s text) as Word comments.
/// Returns how many comments went in (findings in footnotes cannot carry one and are left out).
pub fn annotate(
    input: &Path,
    output: &Path,
    map: &DocxText,
    diagnostics: &[Diagnostic],
) -> Result<usize, AnnotateError> {
    if std::fs::canonicalize(input).ok() == std::fs::canonicalize(output).ok() && output.exists() {
        return Err(AnnotateError::SameFile);
    }
    let bytes = std::fs::read(input).map_err(|e| DocxError::Zip(crate::io_error::reason(&e)))?;
    let mut archive = super::open(Cursor::new(&bytes[..]))?;
    let document = super::read_part(&mut archive, super::DOCUMENT)?.ok_or(DocxError::NoDocument)?;
    let existing_comments = super::read_part(&mut archive, COMMENTS)?;
    let first_id = existing_comments
        .as_deref()
        .map_or(0, |xml| max_comment_id(xml).map_or(0, |m| m + 1));

    let mut marks: BTreeMap<Anchor, Vec<Mark>> = BTreeMap::new();
    let mut comments = Vec::new();
    for d in diagnostics {
        let (Some(start), Some(end)) = (
            anchor(map, d.span.start, false),
            anchor(map, d.span.end.max(d.span.start + 1), true),
        ) else {
            continue;
        };
        let id = first_id + comments.len() as u32;
        marks.entry(start).or_default().push(Mark::Start(id));
        marks.entry(end.max(start)).or_default().push(Mark::End(id));
        comments.push((id, comment_text(d)));
    }
    for list in marks.values_mut() {
        list.sort();
    }

    let new_document = rewrite_document(&document, &marks).map_err(|e| DocxError::Xml {
        part: super::DOCUMENT,
        message: e,
    })?;
    let new_comments = comments_xml(existing_comments.as_deref(), &comments);
    let content_types = super::read_part(&mut archive, CONTENT_TYPES)?.unwrap_or_default();
    let rels = super::read_part(&mut archive, DOCUMENT_RELS)?;

    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let write_error = |e: zip::result::ZipError| AnnotateError::Write {
        path: output.display().to_string(),
        message: crate::docx::zip_reason(&e),
    };
    let io_error = |e: std::io::Error| AnnotateError::Write {
        path: output.display().to_string(),
        message: crate::io_error::reason(&e),
    };
    let mut replaced: BTreeMap<&str, String> = BTreeMap::new();
    replaced.insert(super::DOCUMENT, new_document);
    replaced.insert(COMMENTS, new_comments);
    replaced.insert(CONTENT_TYPES, ensure_content_type(&content_types));
    replaced.insert(DOCUMENT_RELS, ensure_relationship(rels.as_deref()));
    for i in 0..archive.len() {
        let file = archive
            .by_index_raw(i)
            .map_err(|e| DocxError::Zip(super::zip_reason(&e)))?;
        let name = file.name().to_string();
        if let Some(text) = replaced.remove(name.as_str()) {
            drop(file);
            out.start_file(name, options).map_err(write_error)?;
            out.write_all(text.as_bytes()).map_err(io_error)?;
        } else {
            out.raw_copy_file(file).map_err(write_error)?;
        }
    }
    for (name, text) in replaced {
        out.start_file(name, options).map_err(write_error)?;
        out.write_all(text.as_bytes()).map_err(io_error)?;
    }
    let package = out.finish().map_err(write_error)?.into_inner();
    crate::fix::write_file(output, &package)?;
    Ok(comments.len())
}

fn max_comment_id(xml: &str) -> Option<u32> {
    let mut reader = Reader::from_str(xml);
    let mut max = None;
    while let Ok(event) = reader.read_event() {
        match event {
            Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == b"comment" => {
                let id = e
                    .attributes()
                    .flatten()
                    .find(|a| local(a.key.as_ref()) == b"id")
                    .and_then(|a| String::from_utf8_lossy(&a.value).parse::<u32>().ok());
                max = max.max(id);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    max
}

fn element(name: &str, id: u32) -> Event<'static> {
    let mut e = BytesStart::new(name.to_string());
    e.push_attribute(("w:id", id.to_string().as_str()));
    Event::Empty(e)
}

/// The marks of paragraph `index` from run `from_run` to its end.
fn paragraph_marks(
    marks: &BTreeMap<Anchor, Vec<Mark>>,
    index: usize,
    from_run: usize,
) -> impl Iterator<Item = &Vec<Mark>> {
    let from = Anchor {
        paragraph: index,
        run: from_run,
        offset: 0,
    };
    let to = Anchor {
        paragraph: index,
        run: END_OF_PARAGRAPH,
        offset: usize::MAX,
    };
    marks.range(from..=to).map(|(_, list)| list)
}

fn write_marks(writer: &mut Writer<Vec<u8>>, marks: &[Mark]) -> Result<(), String> {
    for mark in marks {
        match *mark {
            Mark::Start(id) => writer
                .write_event(element("w:commentRangeStart", id))
                .map_err(|e| e.to_string())?,
            Mark::End(id) => {
                writer
                    .write_event(element("w:commentRangeEnd", id))
                    .map_err(|e| e.to_string())?;
                writer
                    .write_event(Event::Start(BytesStart::new("w:r")))
                    .map_err(|e| e.to_string())?;
                writer
                    .write_event(element("w:commentReference", id))
                    .map_err(|e| e.to_string())?;
                writer
                    .write_event(Event::End(BytesEnd::new("w:r")))
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(())
}

/// Copies document.xml, inserting comment ranges: between runs where a boundary falls on a run
/// edge, and splitting a run in two (same properties) where it falls inside its text.
fn rewrite_document(xml: &str, marks: &BTreeMap<Anchor, Vec<Mark>>) -> Result<String, String> {
    let mut walk = Walk::new(xml);
    let mut writer = Writer::new(Vec::with_capacity(xml.len() + marks.len() * 96));
    // Inside a run: buffer it whole, then write it out with any marks it needs.
    let mut run_buffer: Option<Vec<Event<'static>>> = None;
    let mut runs_seen = 0usize;
    while let Some((event, node)) = walk.next().map_err(|e| e.to_string())? {
        if let Some(buffer) = run_buffer.as_mut() {
            buffer.push(event.into_owned());
            if let Node::RunEnd { run } = node {
                let buffer = run_buffer.take().expect("run");
                let paragraph = walk.paragraph().expect("run in paragraph");
                write_run(&mut writer, buffer, paragraph, run, marks)?;
                runs_seen = run + 1;
            }
            continue;
        }
        match node {
            Node::ParagraphStart { index, empty: true } => {
                // `<w:p/>`: open it so marks can go in, then close it.
                let Event::Empty(start) = event else {
                    unreachable!("an empty paragraph is an empty element")
                };
                let end_name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                writer
                    .write_event(Event::Start(start))
                    .map_err(|e| e.to_string())?;
                for list in paragraph_marks(marks, index, 0) {
                    write_marks(&mut writer, list)?;
                }
                writer
                    .write_event(Event::End(BytesEnd::new(end_name)))
                    .map_err(|e| e.to_string())?;
                continue;
            }
            Node::ParagraphStart { .. } => runs_seen = 0,
            Node::RunStart { empty: false, .. } => {
                run_buffer = Some(vec![event.into_owned()]);
                continue;
            }
            Node::RunStart { run, empty: true } => runs_seen = run + 1,
            Node::ParagraphEnd { index } => {
                // Marks after the last run and at the end of the paragraph.
                for list in paragraph_marks(marks, index, runs_seen) {
                    write_marks(&mut writer, list)?;
                }
            }
            _ => {}
        }
        writer.write_event(event).map_err(|e| e.to_string())?;
    }
    String::from_utf8(writer.into_inner()).map_err(|e| e.to_string())
}

/// Writes one buffered `<w:r>…</w:r>`, with the marks that fall at or inside it.
fn write_run(
    writer: &mut Writer<Vec<u8>>,
    events: Vec<Event<'static>>,
    paragraph: usize,
    run: usize,
    marks: &BTreeMap<Anchor, Vec<Mark>>,
) -> Result<(), String> {
    let here: Vec<(usize, &Vec<Mark>)> = marks
        .range(
            Anchor {
                paragraph,
                run,
                offset: 0,
            }..Anchor {
                paragraph,
                run: run + 1,
                offset: 0,
            },
        )
        .map(|(a, m)| (a.offset, m))
        .collect();
    let write = |writer: &mut Writer<Vec<u8>>, event: Event<'static>| {
        writer.write_event(event).map_err(|e| e.to_string())
    };
    if here.is_empty() {
        for event in events {
            write(writer, event)?;
        }
        return Ok(());
    }
    // Properties to repeat on every piece of a split run.
    let open = events[0].clone();
    let close = events.last().cloned().expect("run end");
    let mut properties = Vec::new();
    let mut depth = 0;
    let mut in_properties = false;
    let mut body = Vec::new();
    for event in &events[1..events.len() - 1] {
        let is_rpr = matches!(event, Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == b"rPr");
        if depth == 0 && is_rpr {
            in_properties = matches!(event, Event::Start(_));
            properties.push(event.clone());
            continue;
        }
        if in_properties {
            properties.push(event.clone());
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => in_properties = false,
                Event::End(_) => depth -= 1,
                _ => {}
            }
            continue;
        }
        body.push(event.clone());
    }
    let mut pending = here.into_iter().peekable();
    // Marks at the very start go before the run.
    while let Some((0, list)) = pending.peek().copied() {
        write_marks(writer, list)?;
        pending.next();
    }
    write(writer, open.clone())?;
    for p in &properties {
        write(writer, p.clone())?;
    }
    let mut offset = 0usize;
    let mut in_text: Option<BytesStart<'static>> = None;
    for event in body {
        match event {
            Event::Start(e) if local(e.name().as_ref()) == b"t" => {
                in_text = Some(e.clone());
                write(writer, Event::Start(e))?;
            }
            Event::Text(t) if in_text.is_some() => {
                let text = t.unescape().map_err(|e| e.to_string())?.into_owned();
                let t_start = in_text.clone().expect("text element");
                let t_name = String::from_utf8_lossy(t_start.name().as_ref()).into_owned();
                let mut rest: &str = &text;
                let mut at = offset;
                while let Some((cut, list)) = pending.peek().copied() {
                    if cut >= at + rest.len() || !rest.is_char_boundary(cut - at) {
                        break;
                    }
                    let (head, tail) = rest.split_at(cut - at);
                    write(writer, Event::Text(BytesText::new(head).into_owned()))?;
                    // Close this piece of the run, place the marks, open the next piece.
                    write(writer, Event::End(BytesEnd::new(t_name.clone())))?;
                    write(writer, close.clone())?;
                    write_marks(writer, list)?;
                    pending.next();
                    write(writer, open.clone())?;
                    for p in &properties {
                        write(writer, p.clone())?;
                    }
                    let mut preserve = BytesStart::new(t_name.clone());
                    preserve.push_attribute(("xml:space", "preserve"));
                    write(writer, Event::Start(preserve))?;
                    at = cut;
                    rest = tail;
                }
                write(writer, Event::Text(BytesText::new(rest).into_owned()))?;
                offset += text.len();
            }
            Event::End(e) if local(e.name().as_ref()) == b"t" => {
                in_text = None;
                write(writer, Event::End(e))?;
            }
            other => write(writer, other)?,
        }
    }
    write(writer, close)?;
    // Marks at or past the end of the run's text go after it.
    for (_, list) in pending {
        write_marks(writer, list)?;
    }
    Ok(())
}

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

fn comments_xml(existing: Option<&str>, comments: &[(u32, String)]) -> String {
    let mut ours = String::new();
    for (id, text) in comments {
        ours.push_str(&format!(
            r#"<w:comment w:id="{id}" w:author="gwlint" w:initials="GW"><w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p></w:comment>"#,
            escape(text)
        ));
    }
    match existing.and_then(|xml| xml.rfind("</w:comments>").map(|at| (xml, at))) {
        Some((xml, at)) => format!("{}{ours}{}", &xml[..at], &xml[at..]),
        None => format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:comments xmlns:w="{W_NS}">{ours}</w:comments>"#
        ),
    }
}

fn ensure_content_type(xml: &str) -> String {
    if xml.contains("/word/comments.xml") {
        return xml.to_string();
    }
    let line =
        format!(r#"<Override PartName="/word/comments.xml" ContentType="{COMMENTS_TYPE}"/>"#);
    match xml.rfind("</Types>") {
        Some(at) => format!("{}{line}{}", &xml[..at], &xml[at..]),
        None => xml.to_string(),
    }
}

fn ensure_relationship(xml: Option<&str>) -> String {
    let xml = xml.unwrap_or(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>"#,
    );
    if xml.contains(COMMENTS_REL) {
        return xml.to_string();
    }
    let line = format!(
        r#"<Relationship Id="rIdGwlintComments" Type="{COMMENTS_REL}" Target="comments.xml"/>"#
    );
    match xml.rfind("</Relationships>") {
        Some(at) => format!("{}{line}{}", &xml[..at], &xml[at..]),
        None => xml.to_string(),
    }
}
