//! Bordered tables with wrapped cells, a header of grouped cells repeated on every page, and
//! rows that break across pages when they are taller than what is left (a 500-character
//! procedure name in a narrow column must not run off the paper).

use super::{Align, Flow, LEADING, Line, Span, draw_line, wrap};

/// A column; `weight` is its share of the table width.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Column {
    pub(crate) weight: f32,
    pub(crate) align: Align,
}

pub(crate) fn col(weight: f32, align: Align) -> Column {
    Column { weight, align }
}

/// A piece of a body cell, stacked top to bottom.
#[derive(Clone, Debug)]
pub(crate) enum Part<'a> {
    /// Wrapped text with the column's alignment.
    Text(Vec<Span<'a>>),
    /// Wrapped text with its own alignment.
    Aligned(Vec<Span<'a>>, Align),
    /// Two centred halves side by side, e.g. "Người giao" and "Người nhận" with room to sign.
    Pair(Vec<Span<'a>>, Vec<Span<'a>>),
    /// Blank space, e.g. for a signature.
    Gap(f32),
}

/// A body cell.
#[derive(Clone, Debug, Default)]
pub(crate) struct Cell<'a>(pub(crate) Vec<Part<'a>>);

impl<'a> Cell<'a> {
    pub(crate) fn spans(spans: Vec<Span<'a>>) -> Cell<'a> {
        Cell(vec![Part::Text(spans)])
    }
}

/// A header cell placed on the header grid, spanning `rows` × `cols`.
#[derive(Clone, Debug)]
pub(crate) struct HeaderCell<'a> {
    pub(crate) spans: Vec<Span<'a>>,
    pub(crate) row: usize,
    pub(crate) col: usize,
    pub(crate) rows: usize,
    pub(crate) cols: usize,
}

pub(crate) fn head<'a>(
    spans: Vec<Span<'a>>,
    (row, col): (usize, usize),
    (rows, cols): (usize, usize),
) -> HeaderCell<'a> {
    HeaderCell {
        spans,
        row,
        col,
        rows: rows.max(1),
        cols: cols.max(1),
    }
}

pub(crate) struct Table<'a> {
    pub(crate) columns: Vec<Column>,
    pub(crate) header: Vec<HeaderCell<'a>>,
    pub(crate) size: f32,
    pub(crate) header_size: f32,
    pub(crate) padding: f32,
}

/// One line of a cell's content: lines placed side by side (one, or two for a pair).
struct LineBox {
    items: Vec<(f32, f32, Align, Line)>,
    height: f32,
}

const BORDER: f32 = 0.5;

struct Geometry {
    xs: Vec<f32>,
    widths: Vec<f32>,
}

impl Geometry {
    fn span(&self, col: usize, cols: usize) -> (f32, f32) {
        let end = (col + cols).min(self.widths.len());
        let col = col.min(end.saturating_sub(1));
        let x = self.xs.get(col).copied().unwrap_or(0.0);
        (x, self.widths[col..end].iter().sum())
    }
}

impl Table<'_> {
    fn geometry(&self, flow: &Flow) -> Geometry {
        let total: f32 = self.columns.iter().map(|c| c.weight.max(0.0)).sum();
        let total = if total > 0.0 { total } else { 1.0 };
        let mut xs = Vec::with_capacity(self.columns.len());
        let mut widths = Vec::with_capacity(self.columns.len());
        let mut x = flow.left();
        for c in &self.columns {
            let w = c.weight.max(0.0) / total * flow.width();
            xs.push(x);
            widths.push(w);
            x += w;
        }
        Geometry { xs, widths }
    }

    fn line_height(&self) -> f32 {
        self.size * LEADING
    }

    /// Lays out the header: per cell its lines, and the height of each header row.
    fn header_layout(&self, flow: &Flow, geo: &Geometry) -> (Vec<Vec<Line>>, Vec<f32>) {
        let lh = self.header_size * LEADING;
        let pad = self.padding;
        let row_count = self
            .header
            .iter()
            .map(|h| h.row + h.rows)
            .max()
            .unwrap_or(0);
        let mut heights = vec![lh + 2.0 * pad; row_count];
        let lines: Vec<Vec<Line>> = self
            .header
            .iter()
            .map(|h| {
                let (_, w) = geo.span(h.col, h.cols);
                wrap(&flow.doc, &h.spans, self.header_size, w - 2.0 * pad)
            })
            .collect();
        let mut cells: Vec<usize> = (0..self.header.len()).collect();
        cells.sort_by_key(|&k| self.header[k].rows);
        for k in cells {
            let h = &self.header[k];
            let need = lines[k].len() as f32 * lh + 2.0 * pad;
            let have: f32 = heights[h.row..h.row + h.rows].iter().sum();
            if need > have {
                heights[h.row + h.rows - 1] += need - have;
            }
        }
        (lines, heights)
    }

    fn draw_header(&self, flow: &mut Flow, geo: &Geometry, layout: &(Vec<Vec<Line>>, Vec<f32>)) {
        let (lines, heights) = layout;
        let lh = self.header_size * LEADING;
        let top = flow.y;
        for (h, cell_lines) in self.header.iter().zip(lines) {
            let (x, w) = geo.span(h.col, h.cols);
            let y: f32 = top + heights[..h.row].iter().sum::<f32>();
            let height: f32 = heights[h.row..h.row + h.rows].iter().sum();
            flow.doc.stroke_rect(flow.page, [x, y, w, height], BORDER);
            let mut line_top = y + (height - cell_lines.len() as f32 * lh) / 2.0;
            for line in cell_lines {
                draw_line(
                    &mut flow.doc,
                    flow.page,
                    line,
                    (x + self.padding, w - 2.0 * self.padding),
                    line_top,
                    self.header_size,
                    Align::Center,
                );
                line_top += lh;
            }
        }
        flow.y = top + heights.iter().sum::<f32>();
    }

    fn cell_boxes(&self, flow: &Flow, cell: &Cell<'_>, width: f32, align: Align) -> Vec<LineBox> {
        let lh = self.line_height();
        let mut boxes = Vec::new();
        for part in &cell.0 {
            match part {
                Part::Text(spans) | Part::Aligned(spans, _) => {
                    let align = match part {
                        Part::Aligned(_, a) => *a,
                        _ => align,
                    };
                    for line in wrap(&flow.doc, spans, self.size, width) {
                        boxes.push(LineBox {
                            items: vec![(0.0, width, align, line)],
                            height: lh,
                        });
                    }
                }
                Part::Pair(left, right) => {
                    let half = width / 2.0;
                    let l = wrap(&flow.doc, left, self.size, half - 2.0);
                    let r = wrap(&flow.doc, right, self.size, half - 2.0);
                    for k in 0..l.len().max(r.len()) {
                        let mut items = Vec::with_capacity(2);
                        if let Some(line) = l.get(k) {
                            items.push((0.0, half, Align::Center, line.clone()));
                        }
                        if let Some(line) = r.get(k) {
                            items.push((half, half, Align::Center, line.clone()));
                        }
                        boxes.push(LineBox { items, height: lh });
                    }
                }
                Part::Gap(h) => boxes.push(LineBox {
                    items: Vec::new(),
                    height: h.clamp(0.0, 200.0),
                }),
            }
        }
        boxes
    }

    /// Draws the header, then every row, repeating the header after each page break.
    pub(crate) fn draw<'r>(&self, flow: &mut Flow, rows: impl IntoIterator<Item = Vec<Cell<'r>>>) {
        let geo = self.geometry(flow);
        let header = self.header_layout(flow, &geo);
        let header_height: f32 = header.1.iter().sum();
        let min_row = self.line_height() + 2.0 * self.padding;
        flow.ensure(header_height + min_row);
        self.draw_header(flow, &geo, &header);
        let page_body = flow.bottom() - flow.margins.top - header_height;

        for row in rows {
            let cells: Vec<Vec<LineBox>> = geo
                .widths
                .iter()
                .enumerate()
                .map(|(k, &w)| match row.get(k) {
                    Some(cell) => {
                        self.cell_boxes(flow, cell, w - 2.0 * self.padding, self.columns[k].align)
                    }
                    None => Vec::new(),
                })
                .collect();
            let content: f32 = cells
                .iter()
                .map(|c| c.iter().map(|b| b.height).sum::<f32>())
                .fold(0.0, f32::max);
            let row_height = content.max(self.line_height()) + 2.0 * self.padding;
            if row_height > flow.room() && row_height <= page_body {
                flow.new_page();
                self.draw_header(flow, &geo, &header);
            }
            self.draw_row(flow, &geo, &header, cells);
        }
    }

    /// Draws a row, splitting it line by line over as many pages as it needs.
    fn draw_row(
        &self,
        flow: &mut Flow,
        geo: &Geometry,
        header: &(Vec<Vec<Line>>, Vec<f32>),
        cells: Vec<Vec<LineBox>>,
    ) {
        let pad = self.padding;
        let mut next = vec![0usize; cells.len()];
        // Right after a page break everything must make progress, even a box taller than
        // the page (it then overflows the margin instead of looping forever).
        let mut fresh = flow.at_page_top();
        loop {
            let avail = flow.room() - 2.0 * pad;
            let mut taken = vec![0usize; cells.len()];
            let mut segment: f32 = 0.0;
            for (k, boxes) in cells.iter().enumerate() {
                let mut used = 0.0;
                let mut n = next[k];
                while let Some(b) = boxes.get(n) {
                    // Take at least one box per page so that even odd input makes progress.
                    if used + b.height > avail && (used > 0.0 || !fresh) {
                        break;
                    }
                    used += b.height;
                    n += 1;
                }
                taken[k] = n;
                segment = segment.max(used);
            }
            let done = cells.iter().zip(&taken).all(|(b, &n)| n >= b.len());
            let progressed = taken.iter().zip(&next).any(|(t, n)| t > n);
            if !progressed && !done {
                flow.new_page();
                self.draw_header(flow, geo, header);
                fresh = true;
                continue;
            }
            let height = if done {
                segment.max(self.line_height()) + 2.0 * pad
            } else {
                flow.room()
            };
            let top = flow.y;
            for (k, boxes) in cells.iter().enumerate() {
                let (x, w) = (geo.xs[k], geo.widths[k]);
                flow.doc.stroke_rect(flow.page, [x, top, w, height], BORDER);
                let mut line_top = top + pad;
                for b in &boxes[next[k]..taken[k]] {
                    for (dx, iw, align, line) in &b.items {
                        draw_line(
                            &mut flow.doc,
                            flow.page,
                            line,
                            (x + pad + dx, *iw),
                            line_top,
                            self.size,
                            *align,
                        );
                    }
                    line_top += b.height;
                }
            }
            flow.y = top + height;
            next = taken;
            if done {
                break;
            }
            flow.new_page();
            self.draw_header(flow, geo, header);
            fresh = true;
        }
    }
}
