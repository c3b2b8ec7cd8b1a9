//! A small flow layout on top of [`Doc`]: a cursor that moves down the page, paragraphs that
//! wrap and break across pages, and tables (in [`table`]).
//!
//! Everything is measured in PostScript points from the top-left corner of the page.

pub(crate) mod table;
mod wrap;

pub(crate) use wrap::{Line, Span, b, i, r, wrap, wrap_balanced, wrap_indented};

use crate::fonts::Style;
use crate::pdf::Doc;

/// Horizontal alignment of a line inside its box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// Line height as a multiple of the font size: close to the "exactly 16–17 pt for 13 pt"
/// spacing of printed administrative documents.
pub(crate) const LEADING: f32 = 1.25;

/// Page margins in points (Decree 30/2020/NĐ-CP, Appendix I: top and bottom 20–25 mm, left
/// 30–35 mm, right 15–20 mm).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Margins {
    pub(crate) top: f32,
    pub(crate) bottom: f32,
    pub(crate) left: f32,
    pub(crate) right: f32,
}

pub(crate) const MM: f32 = 72.0 / 25.4;

impl Margins {
    pub(crate) const PORTRAIT: Margins = Margins {
        top: 20.0 * MM,
        bottom: 20.0 * MM,
        left: 30.0 * MM,
        right: 15.0 * MM,
    };
    /// The tracking book is a wide table: narrower side margins leave room for its columns.
    pub(crate) const LANDSCAPE: Margins = Margins {
        top: 15.0 * MM,
        bottom: 15.0 * MM,
        left: 15.0 * MM,
        right: 15.0 * MM,
    };
}

/// Where the baseline of a line sits inside its box of height `leading * size`: the face's
/// ascender-to-descender box centred in the line box.
pub(crate) fn baseline_offset(doc: &Doc, size: f32, leading: f32) -> f32 {
    let face = doc.face(Style::Regular);
    let ascent = face.ascender / face.units_per_em;
    let descent = -face.descender / face.units_per_em;
    ((leading - ascent - descent) / 2.0 + ascent) * size
}

/// Draws one laid-out line with its top at `top`, aligned inside `[x, x + width]`.
pub(crate) fn draw_line(
    doc: &mut Doc,
    page: usize,
    line: &Line,
    (x, width): (f32, f32),
    top: f32,
    size: f32,
    align: Align,
) {
    let shift = match align {
        Align::Left => 0.0,
        Align::Center => ((width - line.width) / 2.0).max(0.0),
        Align::Right => (width - line.width).max(0.0),
    };
    let baseline = top + baseline_offset(doc, size, LEADING);
    for frag in &line.frags {
        doc.text(
            page,
            x + shift + frag.x,
            baseline,
            frag.style,
            size,
            &frag.text,
        );
    }
}

/// The layout cursor.
pub(crate) struct Flow {
    pub(crate) doc: Doc,
    pub(crate) page: usize,
    /// Top of the next line box.
    pub(crate) y: f32,
    pub(crate) margins: Margins,
}

impl Flow {
    pub(crate) fn new(mut doc: Doc, margins: Margins) -> Flow {
        let page = doc.add_page();
        Flow {
            doc,
            page,
            y: margins.top,
            margins,
        }
    }

    pub(crate) fn left(&self) -> f32 {
        self.margins.left
    }

    pub(crate) fn width(&self) -> f32 {
        self.doc.width - self.margins.left - self.margins.right
    }

    pub(crate) fn bottom(&self) -> f32 {
        self.doc.height - self.margins.bottom
    }

    pub(crate) fn room(&self) -> f32 {
        self.bottom() - self.y
    }

    pub(crate) fn at_page_top(&self) -> bool {
        self.y <= self.margins.top + 0.5
    }

    pub(crate) fn new_page(&mut self) {
        self.page = self.doc.add_page();
        self.y = self.margins.top;
    }

    /// Moves to a new page unless `height` still fits (or the page is empty anyway).
    pub(crate) fn ensure(&mut self, height: f32) {
        if height > self.room() && !self.at_page_top() {
            self.new_page();
        }
    }

    /// Vertical space; never carried over to the next page.
    pub(crate) fn gap(&mut self, height: f32) {
        self.y = (self.y + height).min(self.bottom());
    }

    /// Lines placed one under the other inside `[x, x + width]`, breaking pages as needed.
    pub(crate) fn lines(
        &mut self,
        lines: &[Line],
        (x, width): (f32, f32),
        size: f32,
        align: Align,
    ) {
        let height = size * LEADING;
        for line in lines {
            self.ensure(height);
            draw_line(
                &mut self.doc,
                self.page,
                line,
                (x, width),
                self.y,
                size,
                align,
            );
            self.y += height;
        }
    }

    /// A wrapped paragraph across the full text width.
    pub(crate) fn paragraph(&mut self, spans: &[Span<'_>], size: f32, align: Align) {
        self.paragraph_in(spans, size, align, 0.0);
    }

    /// A wrapped paragraph indented by `indent` points from the left margin.
    pub(crate) fn paragraph_in(
        &mut self,
        spans: &[Span<'_>],
        size: f32,
        align: Align,
        indent: f32,
    ) {
        let x = self.left() + indent;
        let width = self.width() - indent;
        let lines = wrap(&self.doc, spans, size, width);
        self.lines(&lines, (x, width), size, align);
    }

    /// A paragraph whose first line is indented, as in letters.
    pub(crate) fn indented(&mut self, spans: &[Span<'_>], size: f32, indent: f32) {
        let (x, width) = (self.left(), self.width());
        let lines = wrap_indented(&self.doc, spans, size, width, indent);
        self.lines(&lines, (x, width), size, Align::Left);
    }

    /// "Trang i/n" under the text area of every page, when there is more than one page.
    pub(crate) fn number_pages(&mut self, size: f32) {
        let count = self.doc.page_count();
        if count < 2 {
            return;
        }
        let x = self.left();
        let width = self.width();
        let top = self.bottom() + (self.margins.bottom - size * LEADING) / 2.0;
        for page in 0..count {
            let label = format!("Trang {}/{}", page + 1, count);
            let lines = wrap(&self.doc, &[i(label.as_str())], size, width);
            if let Some(line) = lines.first() {
                draw_line(
                    &mut self.doc,
                    page,
                    line,
                    (x, width),
                    top,
                    size,
                    Align::Center,
                );
            }
        }
    }
}
