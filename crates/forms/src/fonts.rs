//! The three faces the forms are set in, embedded in the binary, and per-document glyph usage.
//!
//! Vietnamese in NFC uses precomposed letters (ấ, ệ, ữ, Đ …) that Liberation Serif has as
//! single glyphs, so one character maps to one glyph through the font's `cmap` and no shaping
//! engine is needed. Characters the font lacks (emoji, CJK, control characters) are drawn as
//! `?` so the reader sees that something was there; nothing panics on odd input.

use std::sync::OnceLock;

use subsetter::GlyphRemapper;
use ttf_parser::GlyphId;

use crate::FormError;

/// Font style of a text run. The forms need no bold-italic: the circulars' templates use
/// bold for headings and italic for hints and the place-and-date line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Style {
    Regular,
    Bold,
    Italic,
}

impl Style {
    pub(crate) const ALL: [Style; 3] = [Style::Regular, Style::Bold, Style::Italic];

    pub(crate) fn index(self) -> usize {
        match self {
            Style::Regular => 0,
            Style::Bold => 1,
            Style::Italic => 2,
        }
    }
}

/// One parsed face with the metrics the PDF font descriptor needs, in font units.
pub(crate) struct Face {
    pub(crate) data: &'static [u8],
    pub(crate) parsed: ttf_parser::Face<'static>,
    pub(crate) postscript_name: &'static str,
    pub(crate) units_per_em: f32,
    pub(crate) ascender: f32,
    pub(crate) descender: f32,
    pub(crate) cap_height: f32,
    pub(crate) bbox: [f32; 4],
    pub(crate) italic_angle: f32,
    pub(crate) weight: u16,
    /// Glyph drawn for characters the face does not have: `?`.
    fallback: u16,
}

/// A glyph picked for one character: the glyph id in the original face, its advance in
/// 1/1000 em (PDF text space), and the character the reader should get back when extracting.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Glyph {
    pub(crate) id: u16,
    pub(crate) advance: f32,
    pub(crate) text: char,
}

impl Face {
    fn load(data: &'static [u8], postscript_name: &'static str) -> Result<Face, String> {
        let parsed = ttf_parser::Face::parse(data, 0).map_err(|e| e.to_string())?;
        let fallback = parsed
            .glyph_index('?')
            .ok_or_else(|| format!("{postscript_name} has no '?' glyph"))?
            .0;
        let b = parsed.global_bounding_box();
        Ok(Face {
            data,
            postscript_name,
            units_per_em: f32::from(parsed.units_per_em()),
            ascender: f32::from(parsed.ascender()),
            descender: f32::from(parsed.descender()),
            cap_height: f32::from(parsed.capital_height().unwrap_or(parsed.ascender())),
            bbox: [
                f32::from(b.x_min),
                f32::from(b.y_min),
                f32::from(b.x_max),
                f32::from(b.y_max),
            ],
            italic_angle: parsed.italic_angle(),
            weight: parsed.weight().to_number(),
            fallback,
            parsed,
        })
    }

    /// The glyph for `c`, or the visible fallback when the face lacks it.
    pub(crate) fn glyph(&self, c: char) -> Glyph {
        let (id, text) = match self.parsed.glyph_index(c) {
            Some(GlyphId(id)) if id != 0 => (id, c),
            _ => (self.fallback, '?'),
        };
        let advance = self
            .parsed
            .glyph_hor_advance(GlyphId(id))
            .map_or(0.0, f32::from);
        Glyph {
            id,
            advance: advance * 1000.0 / self.units_per_em,
            text,
        }
    }

    /// Width of `text` at `size` points.
    pub(crate) fn measure(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.glyph(c).advance).sum::<f32>() * size / 1000.0
    }
}

static FACES: OnceLock<Result<[Face; 3], String>> = OnceLock::new();

/// The embedded faces, parsed once per process (parsing is cheap, but every form needs them).
pub(crate) fn faces() -> Result<&'static [Face; 3], FormError> {
    FACES
        .get_or_init(|| {
            Ok([
                Face::load(
                    include_bytes!("../fonts/LiberationSerif-Regular.ttf"),
                    "LiberationSerif",
                )?,
                Face::load(
                    include_bytes!("../fonts/LiberationSerif-Bold.ttf"),
                    "LiberationSerif-Bold",
                )?,
                Face::load(
                    include_bytes!("../fonts/LiberationSerif-Italic.ttf"),
                    "LiberationSerif-Italic",
                )?,
            ])
        })
        .as_ref()
        .map_err(|e| FormError::Font(e.clone()))
}

/// Glyphs one document uses from one face, numbered in order of first use. The numbers are
/// final as soon as they are handed out (the subsetter keeps that order), so content streams
/// can be written while the layout runs.
#[derive(Default)]
pub(crate) struct FontUsage {
    pub(crate) remapper: GlyphRemapper,
    /// (new glyph id, width in 1/1000 em, character) for the widths array and ToUnicode map.
    pub(crate) glyphs: Vec<(u16, f32, char)>,
}

impl FontUsage {
    /// The glyph id to write in the content stream for `glyph`.
    pub(crate) fn use_glyph(&mut self, glyph: Glyph) -> u16 {
        if let Some(new) = self.remapper.get(glyph.id) {
            return new;
        }
        let new = self.remapper.remap(glyph.id);
        self.glyphs.push((new, glyph.advance, glyph.text));
        new
    }

    pub(crate) fn is_used(&self) -> bool {
        !self.glyphs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_letters_are_single_glyphs_in_every_face() {
        let faces = faces().unwrap();
        for face in faces {
            for c in
                "ĐđẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẾếỀềỂểỄễỆệỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹĂăÂâÊêÔôƠơƯư"
                    .chars()
            {
                assert_eq!(face.glyph(c).text, c, "{} lacks {c}", face.postscript_name);
            }
        }
    }

    #[test]
    fn missing_characters_fall_back_to_a_question_mark() {
        let face = &faces().unwrap()[0];
        let g = face.glyph('😀');
        assert_eq!(g.text, '?');
        assert!(g.advance > 0.0);
        assert_eq!(face.glyph('\u{0}').text, '?');
    }
}
