//! A PDF under construction: pages of drawing operations in a top-down coordinate system,
//! and at the end the file with subsetted, embedded fonts.
//!
//! Fonts are written as Type0 / CIDFontType2 with `Identity-H` encoding: two-byte codes that
//! are the glyph ids of the subset, so any Unicode text can be drawn. Each font gets a
//! ToUnicode map from those ids back to the characters, which is what makes `pdftotext`,
//! copy-paste and search return the Vietnamese text exactly.

use miniz_oxide::deflate::compress_to_vec_zlib;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::FormError;
use crate::fonts::{Face, FontUsage, Style, faces};

/// A4 in PostScript points.
pub(crate) const A4_SHORT: f32 = 595.0;
pub(crate) const A4_LONG: f32 = 842.0;

/// Beyond this the input is unreasonable for a printed form, and the caller gets an error
/// rather than a process busy for minutes.
pub const MAX_PAGES: usize = 2_000;

/// zlib level: 6 is the usual balance; the streams are small and this is not the hot spot.
const COMPRESSION: u8 = 6;

const FONT_NAMES: [&[u8]; 3] = [b"F1", b"F2", b"F3"];

pub(crate) struct Doc {
    pub(crate) width: f32,
    pub(crate) height: f32,
    faces: &'static [Face; 3],
    usage: [FontUsage; 3],
    pages: Vec<Content>,
    title: String,
    too_many_pages: bool,
}

impl Doc {
    pub(crate) fn new(width: f32, height: f32, title: &str) -> Result<Doc, FormError> {
        Ok(Doc {
            width,
            height,
            faces: faces()?,
            usage: Default::default(),
            pages: Vec::new(),
            title: title.to_owned(),
            too_many_pages: false,
        })
    }

    pub(crate) fn face(&self, style: Style) -> &'static Face {
        &self.faces[style.index()]
    }

    pub(crate) fn measure(&self, style: Style, size: f32, text: &str) -> f32 {
        self.face(style).measure(text, size)
    }

    /// Starts a new page and returns its index. Past [`MAX_PAGES`] the drawing goes to the
    /// last page and [`Doc::finish`] reports the error, so layout code needs no error paths.
    pub(crate) fn add_page(&mut self) -> usize {
        if self.pages.len() >= MAX_PAGES {
            self.too_many_pages = true;
            return self.pages.len() - 1;
        }
        self.pages.push(Content::new());
        self.pages.len() - 1
    }

    pub(crate) fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Draws `text` with its baseline at `baseline` points from the top of the page.
    pub(crate) fn text(
        &mut self,
        page: usize,
        x: f32,
        baseline: f32,
        style: Style,
        size: f32,
        text: &str,
    ) {
        if text.is_empty() {
            return;
        }
        let face = &self.faces[style.index()];
        let usage = &mut self.usage[style.index()];
        let mut codes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let id = usage.use_glyph(face.glyph(c));
            codes.extend_from_slice(&id.to_be_bytes());
        }
        let y = self.height - baseline;
        let Some(content) = self.pages.get_mut(page) else {
            return;
        };
        content.begin_text();
        content.set_font(Name(FONT_NAMES[style.index()]), size);
        content.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y]);
        content.show(Str(&codes));
        content.end_text();
    }

    /// A straight line, coordinates from the top-left corner.
    pub(crate) fn line(&mut self, page: usize, from: (f32, f32), to: (f32, f32), width: f32) {
        let h = self.height;
        if let Some(content) = self.pages.get_mut(page) {
            content.set_line_width(width);
            content.move_to(from.0, h - from.1);
            content.line_to(to.0, h - to.1);
            content.stroke();
        }
    }

    /// The outline of a rectangle given by its top-left corner and size.
    pub(crate) fn stroke_rect(&mut self, page: usize, [x, top, w, rh]: [f32; 4], width: f32) {
        let h = self.height;
        if let Some(content) = self.pages.get_mut(page) {
            content.set_line_width(width);
            content.rect(x, h - top - rh, w, rh);
            content.stroke();
        }
    }

    /// Filled black rectangles given as (x, top, width, height), drawn as one path.
    pub(crate) fn fill_rects(&mut self, page: usize, rects: impl IntoIterator<Item = [f32; 4]>) {
        let h = self.height;
        if let Some(content) = self.pages.get_mut(page) {
            let mut any = false;
            for [x, top, w, rh] in rects {
                content.rect(x, h - top - rh, w, rh);
                any = true;
            }
            if any {
                content.fill_nonzero();
            }
        }
    }

    /// Serialises the document: pages, then one embedded subset per face actually used.
    pub(crate) fn finish(self) -> Result<Vec<u8>, FormError> {
        if self.too_many_pages {
            return Err(FormError::TooManyPages { max: MAX_PAGES });
        }
        let mut next = 1;
        let mut alloc = || {
            let r = Ref::new(next);
            next += 1;
            r
        };
        let catalog_id = alloc();
        let tree_id = alloc();
        let info_id = alloc();
        let font_ids: Vec<Option<Ref>> = self
            .usage
            .iter()
            .map(|u| u.is_used().then(&mut alloc))
            .collect();

        let mut pdf = Pdf::new();
        pdf.catalog(catalog_id).pages(tree_id);
        let mut info = pdf.document_info(info_id);
        info.title(TextStr(&self.title));
        info.producer(TextStr("motcua-forms"));
        info.finish();

        let mut page_ids = Vec::with_capacity(self.pages.len());
        for content in self.pages {
            let page_id = alloc();
            let content_id = alloc();
            page_ids.push(page_id);
            let mut page = pdf.page(page_id);
            page.media_box(Rect::new(0.0, 0.0, self.width, self.height));
            page.parent(tree_id);
            page.contents(content_id);
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            for (i, id) in font_ids.iter().enumerate() {
                if let Some(id) = id {
                    fonts.pair(Name(FONT_NAMES[i]), *id);
                }
            }
            fonts.finish();
            resources.finish();
            page.finish();
            let data = compress_to_vec_zlib(&content.finish(), COMPRESSION);
            pdf.stream(content_id, &data).filter(Filter::FlateDecode);
        }
        let count = i32::try_from(page_ids.len()).unwrap_or(i32::MAX);
        pdf.pages(tree_id).kids(page_ids).count(count);

        for style in Style::ALL {
            if let Some(type0_id) = font_ids[style.index()] {
                let ids = [alloc(), alloc(), alloc(), alloc()];
                write_font(
                    &mut pdf,
                    &self.faces[style.index()],
                    &self.usage[style.index()],
                    type0_id,
                    ids,
                )?;
            }
        }
        Ok(pdf.finish())
    }
}

const IDENTITY: SystemInfo = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

/// Writes the Type0 font, its CID font, descriptor, subsetted font program and ToUnicode map.
fn write_font(
    pdf: &mut Pdf,
    face: &Face,
    usage: &FontUsage,
    type0_id: Ref,
    [cid_id, descriptor_id, file_id, cmap_id]: [Ref; 4],
) -> Result<(), FormError> {
    let subset = subsetter::subset(face.data, 0, &usage.remapper)
        .map_err(|e| FormError::Font(format!("{}: {e:?}", face.postscript_name)))?;
    let base_font = format!("{}+{}", subset_tag(usage), face.postscript_name);
    let base_font = Name(base_font.as_bytes());
    let scale = 1000.0 / face.units_per_em;

    pdf.type0_font(type0_id)
        .base_font(base_font)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);

    let mut glyphs = usage.glyphs.clone();
    glyphs.sort_by_key(|g| g.0);
    let mut cid = pdf.cid_font(cid_id);
    cid.subtype(CidFontType::Type2)
        .base_font(base_font)
        .system_info(IDENTITY)
        .font_descriptor(descriptor_id)
        .default_width(0.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    let mut widths = cid.widths();
    for run in glyphs.chunk_by(|a, b| a.0 + 1 == b.0) {
        widths.consecutive(run[0].0, run.iter().map(|g| g.1));
    }
    widths.finish();
    cid.finish();

    let mut flags = FontFlags::SERIF | FontFlags::SYMBOLIC;
    if face.italic_angle != 0.0 {
        flags |= FontFlags::ITALIC;
    }
    let [x0, y0, x1, y1] = face.bbox.map(|v| v * scale);
    pdf.font_descriptor(descriptor_id)
        .name(base_font)
        .flags(flags)
        .bbox(Rect::new(x0, y0, x1, y1))
        .italic_angle(face.italic_angle)
        .ascent(face.ascender * scale)
        .descent(face.descender * scale)
        .cap_height(face.cap_height * scale)
        // Estimated from the weight class, as PDF writers commonly do; only used by viewers
        // that synthesise a replacement font, which an embedded font makes unnecessary.
        .stem_v(10.0 + 0.244 * (f32::from(face.weight) - 50.0))
        .font_file2(file_id);

    let data = compress_to_vec_zlib(&subset, COMPRESSION);
    let mut stream = pdf.stream(file_id, &data);
    stream.filter(Filter::FlateDecode);
    stream.pair(
        Name(b"Length1"),
        i32::try_from(subset.len()).unwrap_or(i32::MAX),
    );
    stream.finish();

    let mut cmap = UnicodeCmap::new(Name(b"Custom"), IDENTITY);
    for &(id, _, c) in &glyphs {
        cmap.pair(id, c);
    }
    let cmap = compress_to_vec_zlib(&cmap.finish(), COMPRESSION);
    pdf.cmap(cmap_id, &cmap).filter(Filter::FlateDecode);
    Ok(())
}

/// Six capital letters naming the subset (PDF 32000-1, 9.6.4), derived from the glyph set so
/// the same input gives the same file.
fn subset_tag(usage: &FontUsage) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &(id, _, c) in &usage.glyphs {
        for byte in id.to_be_bytes().into_iter().chain((c as u32).to_be_bytes()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 8)) % 26) as u8))
        .collect()
}
