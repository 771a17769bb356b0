//! styles.xml and the theme's fonts: the levels below a paragraph's direct formatting
//! (document defaults → paragraph style chain → character style chain), resolved as Word does.

use std::collections::HashMap;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::props::{FontRef, ParaProps, RunProps};
use super::walk::{attr, local};
use super::DocxError;

pub(super) const STYLES: &str = "word/styles.xml";
pub(super) const THEME: &str = "word/theme/theme1.xml";

#[derive(Clone, Debug, Default)]
struct Style {
    based_on: Option<String>,
    name: Option<String>,
    paragraph: ParaProps,
    run: RunProps,
}

#[derive(Debug, Default)]
pub struct Styles {
    defaults: (ParaProps, RunProps),
    styles: HashMap<String, Style>,
    default_paragraph: Option<String>,
    default_character: Option<String>,
    /// Theme slot (`minorEastAsia`, `majorHAnsi`, …) → typeface.
    theme: HashMap<String, String>,
}

/// Where the reader is inside styles.xml.
#[derive(Clone, Copy, PartialEq, Eq)]
enum In {
    Nothing,
    DefaultParagraph,
    DefaultRun,
    StyleParagraph,
    StyleRun,
}

impl Styles {
    pub(super) fn parse(styles: &str, theme: Option<&str>) -> Result<Self, DocxError> {
        let mut out = Styles::default();
        let mut reader = Reader::from_str(styles);
        let mut current: Option<(String, Style, String)> = None;
        let mut place = In::Nothing;
        let error = |e: quick_xml::Error| DocxError::Xml {
            part: STYLES,
            message: e.to_string(),
        };
        loop {
            match reader.read_event().map_err(error)? {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) => match local(e.name().as_ref()) {
                    b"style" => {
                        let id = attr(&e, b"styleId").unwrap_or_default();
                        let kind = attr(&e, b"type").unwrap_or_default();
                        if attr(&e, b"default").as_deref() == Some("1") {
                            match kind.as_str() {
                                "paragraph" => out.default_paragraph = Some(id.clone()),
                                "character" => out.default_character = Some(id.clone()),
                                _ => {}
                            }
                        }
                        current = Some((id, Style::default(), kind));
                    }
                    b"rPrDefault" => place = In::DefaultRun,
                    b"pPrDefault" => place = In::DefaultParagraph,
                    b"pPr" if current.is_some() => place = In::StyleParagraph,
                    b"rPr" if current.is_some() => place = In::StyleRun,
                    b"basedOn" => {
                        if let Some((_, style, _)) = current.as_mut() {
                            style.based_on = attr(&e, b"val");
                        }
                    }
                    b"name" => {
                        if let Some((_, style, _)) = current.as_mut() {
                            style.name = attr(&e, b"val");
                        }
                    }
                    _ => match (place, current.as_mut()) {
                        (In::DefaultParagraph, _) => out.defaults.0.read(&e),
                        (In::DefaultRun, _) => out.defaults.1.read(&e),
                        (In::StyleParagraph, Some((_, style, _))) => style.paragraph.read(&e),
                        (In::StyleRun, Some((_, style, _))) => style.run.read(&e),
                        _ => {}
                    },
                },
                Event::End(e) => match local(e.name().as_ref()) {
                    b"style" => {
                        if let Some((id, style, _)) = current.take() {
                            out.styles.insert(id, style);
                        }
                        place = In::Nothing;
                    }
                    b"rPrDefault" | b"pPrDefault" | b"pPr" | b"rPr" => place = In::Nothing,
                    _ => {}
                },
                _ => {}
            }
        }
        if let Some(theme) = theme {
            out.theme = theme_fonts(theme)?;
        }
        Ok(out)
    }

    /// A style's name as users see it (`heading 1`), for messages.
    pub fn name(&self, id: &str) -> Option<&str> {
        self.styles.get(id).and_then(|s| s.name.as_deref())
    }

    /// The chain of `id` and the styles it is based on, base first; a cycle ends it.
    fn chain(&self, id: &str) -> Vec<&Style> {
        let mut chain = Vec::new();
        let mut seen = Vec::new();
        let mut next = Some(id);
        while let Some(id) = next {
            if seen.contains(&id) || seen.len() > 32 {
                break;
            }
            seen.push(id);
            let Some(style) = self.styles.get(id) else {
                break;
            };
            chain.push(style);
            next = style.based_on.as_deref();
        }
        chain.reverse();
        chain
    }

    /// The properties a paragraph of style `id` (or the default style) has before its own.
    pub fn paragraph(&self, id: Option<&str>) -> (ParaProps, RunProps) {
        let (mut paragraph, mut run) = self.defaults.clone();
        if let Some(id) = id.or(self.default_paragraph.as_deref()) {
            for style in self.chain(id) {
                paragraph.apply(&style.paragraph);
                run.apply(&style.run);
            }
        }
        (paragraph, run)
    }

    /// `base` (the paragraph's run properties) with character style `id` over it.
    pub fn character(&self, base: &RunProps, id: Option<&str>) -> RunProps {
        let mut run = base.clone();
        if let Some(id) = id.or(self.default_character.as_deref()) {
            for style in self.chain(id) {
                run.apply(&style.run);
            }
        }
        run
    }

    /// The typeface a font reference names, theme slots looked up.
    pub fn typeface(&self, font: &FontRef) -> Option<String> {
        match font {
            FontRef::Name(name) => Some(name.clone()),
            FontRef::Theme(slot) => self.theme.get(slot).cloned(),
        }
    }
}

/// theme1.xml's major and minor fonts by slot. An empty `a:ea` typeface means "the script's
/// font": a Chinese document's is the `Hans` one.
fn theme_fonts(xml: &str) -> Result<HashMap<String, String>, DocxError> {
    let mut fonts = HashMap::new();
    let mut reader = Reader::from_str(xml);
    let mut group: Option<&str> = None;
    let mut hans = None;
    let mut empty_ea = false;
    loop {
        let event = reader.read_event().map_err(|e| DocxError::Xml {
            part: THEME,
            message: e.to_string(),
        })?;
        match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match (local(e.name().as_ref()), group) {
                (b"majorFont", _) => group = Some("major"),
                (b"minorFont", _) => group = Some("minor"),
                (b"latin", Some(g)) => {
                    if let Some(face) = attr(&e, b"typeface").filter(|f| !f.is_empty()) {
                        fonts.insert(format!("{g}HAnsi"), face.clone());
                        fonts.insert(format!("{g}Ascii"), face);
                    }
                }
                (b"ea", Some(g)) => match attr(&e, b"typeface").filter(|f| !f.is_empty()) {
                    Some(face) => {
                        fonts.insert(format!("{g}EastAsia"), face);
                    }
                    None => empty_ea = true,
                },
                (b"font", Some(_)) if attr(&e, b"script").as_deref() == Some("Hans") => {
                    hans = attr(&e, b"typeface");
                }
                _ => {}
            },
            Event::End(e) => {
                if let (b"majorFont" | b"minorFont", Some(g)) = (local(e.name().as_ref()), group) {
                    let key = format!("{g}EastAsia");
                    if empty_ea && !fonts.contains_key(&key) {
                        if let Some(face) = hans.take() {
                            fonts.insert(key, face);
                        }
                    }
                    group = None;
                    hans = None;
                    empty_ea = false;
                }
            }
            _ => {}
        }
    }
    Ok(fonts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_inherit_along_based_on_and_theme_fonts_resolve() {
        let styles = r#"<w:styles xmlns:w="w"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:eastAsiaTheme="minorEastAsia"/><w:sz w:val="21"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/><w:pPr><w:jc w:val="both"/></w:pPr><w:rPr><w:sz w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:rPr><w:rFonts w:eastAsia="黑体"/></w:rPr></w:style></w:styles>"#;
        let theme = r#"<a:theme xmlns:a="a"><a:fontScheme><a:majorFont><a:latin typeface="Calibri Light"/><a:ea typeface=""/><a:font script="Hans" typeface="等线 Light"/></a:majorFont><a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:font script="Jpan" typeface="游明朝"/><a:font script="Hans" typeface="等线"/></a:minorFont></a:fontScheme></a:theme>"#;
        let styles = Styles::parse(styles, Some(theme)).unwrap();
        let (p, r) = styles.paragraph(None);
        assert_eq!(p.align, Some(super::super::props::Align::Both));
        assert_eq!(r.size, Some(32));
        assert_eq!(
            styles.typeface(r.east_asia.as_ref().unwrap()).as_deref(),
            Some("等线")
        );
        let (_, r) = styles.paragraph(Some("1"));
        assert_eq!(r.east_asia, Some(FontRef::Name("黑体".into())));
        assert_eq!(r.size, Some(32));
        assert_eq!(styles.name("1"), Some("heading 1"));
    }
}
