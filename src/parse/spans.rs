//! Every span a parse makes, checked: inside the text, on character boundaries, `start <= end`,
//! paragraphs in order, and each part inside the paragraph it belongs to. `parse` runs this in
//! debug builds (so every test parse is checked) and the property tests call it directly.

use crate::diagnostic::Span;
use crate::model::{Document, ParagraphKind};

/// The first span of `document` that breaks an invariant, described by its place in the model
/// and its offsets only (never the text, which may be anything).
pub fn check(document: &Document) -> Result<(), String> {
    let text = document.text.as_str();
    let valid = |what: &str, span: Span| -> Result<(), String> {
        if span.start > span.end
            || span.end > text.len()
            || !text.is_char_boundary(span.start)
            || !text.is_char_boundary(span.end)
        {
            return Err(format!(
                "{what} {}..{} (text {} bytes)",
                span.start,
                span.end,
                text.len()
            ));
        }
        Ok(())
    };
    let inside = |what: &str, span: Span, outer: Span| -> Result<(), String> {
        valid(what, span)?;
        if !outer.contains(span) {
            return Err(format!(
                "{what} {}..{} outside {}..{}",
                span.start, span.end, outer.start, outer.end
            ));
        }
        Ok(())
    };
    let paragraph_of = |what: &str, span: Span| -> Result<(), String> {
        match document.paragraph_at(span.start) {
            Some(paragraph) => inside(what, span, paragraph.span),
            None => Err(format!(
                "{what} {}..{} in no paragraph",
                span.start, span.end
            )),
        }
    };

    let mut previous_end = 0;
    for (i, paragraph) in document.paragraphs.iter().enumerate() {
        valid(&format!("paragraph {i}"), paragraph.span)?;
        if paragraph.span.start < previous_end || paragraph.span.is_empty() {
            return Err(format!(
                "paragraph {i} {}..{} empty or before the end of the one above ({previous_end})",
                paragraph.span.start, paragraph.span.end
            ));
        }
        previous_end = paragraph.span.end;
    }
    let parents = document.heading_parents();
    for (i, heading) in document.headings.iter().enumerate() {
        let what = format!("heading {i}");
        let paragraph = document
            .paragraphs
            .get(heading.paragraph)
            .filter(|paragraph| paragraph.kind == ParagraphKind::Heading(i))
            .ok_or_else(|| format!("{what} names paragraph {}", heading.paragraph))?;
        if let Some(parent) = parents[i] {
            if parent >= i || document.headings[parent].level >= heading.level {
                return Err(format!("{what} has parent {parent}"));
            }
        }
        inside(&format!("{what} token"), heading.token, paragraph.span)?;
        inside(
            &format!("{what} delimiter"),
            heading.delimiter,
            paragraph.span,
        )?;
        inside(&format!("{what} title"), heading.title, paragraph.span)?;
        if heading.title.start < heading.token.end {
            return Err(format!("{what} title starts inside its token"));
        }
    }
    if let Some(glossary) = &document.glossary {
        paragraph_of("glossary heading", glossary.heading)?;
        for (i, entry) in glossary.entries.iter().enumerate() {
            let what = format!("glossary entry {i}");
            paragraph_of(&what, entry.span)?;
            inside(&format!("{what} token"), entry.token, entry.span)?;
            inside(&format!("{what} term"), entry.term, entry.span)?;
            inside(&format!("{what} definition"), entry.definition, entry.span)?;
            if entry.term.end > entry.definition.start {
                return Err(format!("{what} term after its definition"));
            }
        }
    }
    for (i, reference) in document.footnote_refs.iter().enumerate() {
        paragraph_of(&format!("footnote reference {i}"), reference.span)?;
    }
    let mut previous_end = 0;
    for (i, aside) in document.asides.iter().enumerate() {
        paragraph_of(&format!("aside {i}"), *aside)?;
        if aside.start < previous_end {
            return Err(format!("aside {i} overlaps the one before"));
        }
        previous_end = aside.end;
    }
    let mut next_paragraph = 0;
    for (i, region) in document.regions.iter().enumerate() {
        valid(&format!("region {i}"), region.span)?;
        if region.paragraphs.start != next_paragraph || region.paragraphs.is_empty() {
            return Err(format!("region {i} does not follow the one before"));
        }
        next_paragraph = region.paragraphs.end;
    }
    if next_paragraph != document.paragraphs.len() {
        return Err(format!(
            "regions cover {next_paragraph} of {} paragraphs",
            document.paragraphs.len()
        ));
    }
    let meta = &document.meta;
    // A title broken over lines is one span from its first line to its last.
    if let Some(title) = meta.title {
        valid("title", title)?;
        if document.paragraph_at(title.start).is_none()
            || document.paragraph_at(title.end).is_none()
        {
            return Err(format!(
                "title {}..{} not from paragraph to paragraph",
                title.start, title.end
            ));
        }
    }
    for (what, span) in [
        ("subtitle", meta.subtitle),
        ("speaker", meta.speaker),
        ("salutation", meta.salutation),
        ("docnum", meta.docnum),
        ("docnum field", meta.docnum_field),
        ("title field", meta.title_field),
    ] {
        if let Some(span) = span {
            paragraph_of(what, span)?;
        }
    }
    Ok(())
}
