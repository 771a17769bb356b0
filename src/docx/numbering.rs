//! numbering.xml: Word's automatic numbering, rendered as a reader sees it (`一、`, `（一）`, `1.`).

use std::collections::HashMap;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::walk::{attr, local};
use super::{DocxError, NUMBERING};
use crate::model::chinese_numeral;

#[derive(Clone, Debug)]
struct Level {
    format: String,
    text: String,
    start: u32,
    suffix: String,
}

/// numbering.xml: list instances (`w:num`) over abstract definitions (`w:abstractNum`).
#[derive(Debug, Default)]
pub struct Numbering {
    abstract_of: HashMap<String, String>,
    levels: HashMap<String, Vec<Level>>,
}

/// Current counter per list instance and level.
#[derive(Debug, Default)]
pub struct Counters {
    values: HashMap<String, [u32; 9]>,
}

impl Numbering {
    pub(super) fn parse(xml: &str) -> Result<Self, DocxError> {
        let mut reader = Reader::from_str(xml);
        let mut numbering = Numbering::default();
        let mut abstract_id: Option<String> = None;
        let mut num_id: Option<String> = None;
        let mut level: Option<(usize, Level)> = None;
        loop {
            let event = reader.read_event().map_err(|e| DocxError::Xml {
                part: NUMBERING,
                message: super::xml_reason(&e),
            })?;
            match &event {
                Event::Start(e) | Event::Empty(e) => match local(e.name().as_ref()) {
                    b"abstractNum" => abstract_id = attr(e, b"abstractNumId"),
                    b"num" => num_id = attr(e, b"numId"),
                    b"abstractNumId" => {
                        if let (Some(num), Some(value)) = (&num_id, attr(e, b"val")) {
                            numbering.abstract_of.insert(num.clone(), value);
                        }
                    }
                    b"lvl" if abstract_id.is_some() => {
                        let ilvl = attr(e, b"ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                        level = Some((
                            ilvl,
                            Level {
                                format: "decimal".into(),
                                text: String::new(),
                                start: 1,
                                suffix: "tab".into(),
                            },
                        ));
                    }
                    b"start" => {
                        if let (Some((_, l)), Some(v)) = (level.as_mut(), attr(e, b"val")) {
                            l.start = v.parse().unwrap_or(1);
                        }
                    }
                    b"numFmt" => {
                        if let (Some((_, l)), Some(v)) = (level.as_mut(), attr(e, b"val")) {
                            l.format = v;
                        }
                    }
                    b"lvlText" => {
                        if let (Some((_, l)), Some(v)) = (level.as_mut(), attr(e, b"val")) {
                            l.text = v;
                        }
                    }
                    b"suff" => {
                        if let (Some((_, l)), Some(v)) = (level.as_mut(), attr(e, b"val")) {
                            l.suffix = v;
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match local(e.name().as_ref()) {
                    b"lvl" => {
                        if let (Some(id), Some((ilvl, l))) = (&abstract_id, level.take()) {
                            let levels = numbering.levels.entry(id.clone()).or_default();
                            if levels.len() <= ilvl {
                                levels.resize(
                                    ilvl + 1,
                                    Level {
                                        format: "decimal".into(),
                                        text: String::new(),
                                        start: 1,
                                        suffix: "tab".into(),
                                    },
                                );
                            }
                            levels[ilvl] = l;
                        }
                    }
                    b"abstractNum" => abstract_id = None,
                    b"num" => num_id = None,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(numbering)
    }

    /// The number text of the next paragraph of list `num_id` at level `ilvl`.
    pub(super) fn render(
        &self,
        num_id: &str,
        ilvl: usize,
        counters: &mut Counters,
    ) -> Option<String> {
        let levels = self.levels.get(self.abstract_of.get(num_id)?)?;
        let level = levels.get(ilvl)?;
        if level.format == "none" || level.format == "bullet" {
            return None;
        }
        let values = counters.values.entry(num_id.to_string()).or_insert([0; 9]);
        values[ilvl] = if values[ilvl] == 0 {
            level.start
        } else {
            values[ilvl] + 1
        };
        for deeper in values.iter_mut().skip(ilvl + 1) {
            *deeper = 0;
        }
        let mut text = level.text.clone();
        for (i, l) in levels.iter().enumerate().take(ilvl + 1) {
            let value = if values[i] == 0 { l.start } else { values[i] };
            text = text.replace(&format!("%{}", i + 1), &format_number(value, &l.format));
        }
        if level.suffix == "space" {
            text.push(' ');
        }
        Some(text)
    }
}

fn format_number(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "taiwaneseCounting" => chinese_numeral(n),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map_or_else(|| n.to_string(), String::from)
        }
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c))
            .collect(),
        "decimalEnclosedParen" => format!("({n})"),
        "lowerLetter" => {
            char::from_u32('a' as u32 + (n - 1) % 26).map_or_else(String::new, String::from)
        }
        "upperLetter" => {
            char::from_u32('A' as u32 + (n - 1) % 26).map_or_else(String::new, String::from)
        }
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_formats() {
        assert_eq!(format_number(12, "chineseCounting"), "十二");
        assert_eq!(format_number(3, "decimalEnclosedCircleChinese"), "③");
        assert_eq!(format_number(7, "decimal"), "7");
    }
}
