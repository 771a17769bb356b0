//! Paragraph and run properties as WordprocessingML states them (`w:pPr`, `w:rPr`): every field
//! optional, so that a level of Word's inheritance (defaults → styles → direct formatting) only
//! overrides what it sets.

use quick_xml::events::BytesStart;

use super::walk::{attr, local};

/// A font as a level names it: a typeface, or a slot of the theme's fonts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FontRef {
    Name(String),
    /// `majorEastAsia`, `minorHAnsi`, …: resolved against theme1.xml.
    Theme(String),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunProps {
    pub style: Option<String>,
    pub east_asia: Option<FontRef>,
    pub ascii: Option<FontRef>,
    /// Half-points (`w:sz`).
    pub size: Option<u32>,
    pub bold: Option<bool>,
    /// `RRGGBB`, or `auto`.
    pub color: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
    Both,
    Distribute,
}

/// An indent in twips, or in hundredths of a character (`w:firstLineChars`), which Word
/// prefers when both are given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Indent {
    Twips(i32),
    Chars(i32),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParaProps {
    pub style: Option<String>,
    pub align: Option<Align>,
    /// Positive for a first-line indent, negative for a hanging one.
    pub first_line: Option<Indent>,
    pub left: Option<Indent>,
    pub right: Option<Indent>,
}

impl RunProps {
    /// Takes every field `over` sets.
    pub fn apply(&mut self, over: &RunProps) {
        fn set<T: Clone>(field: &mut Option<T>, over: &Option<T>) {
            if over.is_some() {
                field.clone_from(over);
            }
        }
        set(&mut self.style, &over.style);
        set(&mut self.east_asia, &over.east_asia);
        set(&mut self.ascii, &over.ascii);
        set(&mut self.size, &over.size);
        set(&mut self.bold, &over.bold);
        set(&mut self.color, &over.color);
    }

    /// Reads one child element of `w:rPr`.
    pub fn read(&mut self, element: &BytesStart) {
        match local(element.name().as_ref()) {
            b"rStyle" => self.style = attr(element, b"val"),
            b"rFonts" => {
                let font = |name: &[u8], theme: &[u8]| {
                    attr(element, name)
                        .map(FontRef::Name)
                        .or_else(|| attr(element, theme).map(FontRef::Theme))
                };
                if let Some(f) = font(b"eastAsia", b"eastAsiaTheme") {
                    self.east_asia = Some(f);
                }
                if let Some(f) = font(b"ascii", b"asciiTheme") {
                    self.ascii = Some(f);
                }
            }
            b"sz" => self.size = attr(element, b"val").and_then(|v| v.parse().ok()),
            b"b" => self.bold = Some(on(element)),
            b"color" => self.color = attr(element, b"val"),
            _ => {}
        }
    }
}

impl ParaProps {
    pub fn apply(&mut self, over: &ParaProps) {
        fn set<T: Clone>(field: &mut Option<T>, over: &Option<T>) {
            if over.is_some() {
                field.clone_from(over);
            }
        }
        set(&mut self.style, &over.style);
        set(&mut self.align, &over.align);
        set(&mut self.first_line, &over.first_line);
        set(&mut self.left, &over.left);
        set(&mut self.right, &over.right);
    }

    /// Reads one child element of `w:pPr`.
    pub fn read(&mut self, element: &BytesStart) {
        match local(element.name().as_ref()) {
            b"pStyle" => self.style = attr(element, b"val"),
            b"jc" => {
                self.align = attr(element, b"val").and_then(|v| match v.as_str() {
                    "left" | "start" => Some(Align::Left),
                    "center" => Some(Align::Center),
                    "right" | "end" => Some(Align::Right),
                    "both" => Some(Align::Both),
                    "distribute" => Some(Align::Distribute),
                    _ => None,
                })
            }
            b"ind" => {
                let number = |key: &[u8]| attr(element, key).and_then(|v| v.parse::<i32>().ok());
                let indent = |chars: &[u8], twips: &[&[u8]]| {
                    number(chars)
                        .filter(|c| *c != 0)
                        .map(Indent::Chars)
                        .or_else(|| twips.iter().find_map(|k| number(k)).map(Indent::Twips))
                };
                if let Some(i) = indent(b"firstLineChars", &[b"firstLine"]) {
                    self.first_line = Some(i);
                }
                if let Some(i) = indent(b"hangingChars", &[b"hanging"]) {
                    self.first_line = Some(match i {
                        Indent::Twips(t) => Indent::Twips(-t),
                        Indent::Chars(c) => Indent::Chars(-c),
                    });
                }
                if let Some(i) = indent(b"leftChars", &[b"left", b"start"]) {
                    self.left = Some(i);
                }
                if let Some(i) = indent(b"rightChars", &[b"right", b"end"]) {
                    self.right = Some(i);
                }
            }
            _ => {}
        }
    }
}

/// An on/off property: present means on unless its value says otherwise.
pub(super) fn on(element: &BytesStart) -> bool {
    !matches!(
        attr(element, b"val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}
