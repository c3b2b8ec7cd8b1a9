//! Parts every form shares, laid out after the conventions of Decree 30/2020/NĐ-CP
//! (Appendix I) that the circulars' templates follow: agency top-left and national heading
//! top-right, each with its short rule; number and place-and-date on one line; bold capital
//! title; signature blocks with the signer's capacity, an italic hint and room to sign.

use crate::FormError;
use crate::data::{Letterhead, Signer};
use crate::layout::{
    Align, Flow, LEADING, Line, Margins, Span, b, draw_line, i, r, wrap, wrap_balanced,
};
use crate::pdf::{A4_LONG, A4_SHORT, Doc};
use crate::text::{clean, or_blank, place_date, upper};

/// Body text size: 13 pt, the usual size of administrative documents (13–14 pt).
pub(crate) const BODY: f32 = 13.0;
/// Table text size.
pub(crate) const TABLE: f32 = 12.0;

pub(crate) fn portrait(title: &str) -> Result<Flow, FormError> {
    Ok(Flow::new(
        Doc::new(A4_SHORT, A4_LONG, title)?,
        Margins::PORTRAIT,
    ))
}

pub(crate) fn landscape(title: &str) -> Result<Flow, FormError> {
    Ok(Flow::new(
        Doc::new(A4_LONG, A4_SHORT, title)?,
        Margins::LANDSCAPE,
    ))
}

/// "Mẫu số 01" from "01"; a number already written out ("Mẫu số …", "Biểu số …") is kept as given.
pub(crate) fn form_label(number: &str) -> String {
    let number = clean(number);
    let number = number.trim();
    let lower = number.to_lowercase();
    if number.is_empty() || lower.starts_with("mẫu") || lower.starts_with("biểu") {
        number.to_owned()
    } else {
        format!("Mẫu số {number}")
    }
}

/// A column block: text lines or blank space, stacked.
pub(crate) enum Block<'a> {
    Text(Vec<Span<'a>>, f32, Align),
    Gap(f32),
}

enum Laid {
    Lines(Vec<Line>, f32, Align),
    Gap(f32),
}

fn lay(flow: &Flow, blocks: &[Block<'_>], width: f32) -> (Vec<Laid>, f32) {
    let mut height = 0.0;
    let laid = blocks
        .iter()
        .map(|block| match block {
            Block::Text(spans, size, align) => {
                let lines = wrap(&flow.doc, spans, *size, width);
                height += lines.len() as f32 * size * LEADING;
                Laid::Lines(lines, *size, *align)
            }
            Block::Gap(h) => {
                height += h;
                Laid::Gap(*h)
            }
        })
        .collect();
    (laid, height)
}

fn draw_laid(flow: &mut Flow, laid: &[Laid], (x, width): (f32, f32), mut top: f32) {
    for item in laid {
        match item {
            Laid::Lines(lines, size, align) => {
                for line in lines {
                    draw_line(
                        &mut flow.doc,
                        flow.page,
                        line,
                        (x, width),
                        top,
                        *size,
                        *align,
                    );
                    top += size * LEADING;
                }
            }
            Laid::Gap(h) => top += h,
        }
    }
}

/// Height [`two_columns`] will take, to keep what precedes it on the same page.
pub(crate) fn two_columns_height(
    flow: &Flow,
    left: &[Block<'_>],
    right: &[Block<'_>],
    split: f32,
) -> f32 {
    let lw = flow.width() * split;
    let (_, lh) = lay(flow, left, lw);
    let (_, rh) = lay(flow, right, flow.width() - lw);
    lh.max(rh)
}

/// Two columns side by side, kept together on one page; `split` is the left column's share.
pub(crate) fn two_columns(flow: &mut Flow, left: &[Block<'_>], right: &[Block<'_>], split: f32) {
    let lw = flow.width() * split;
    let rw = flow.width() - lw;
    let (l, lh) = lay(flow, left, lw);
    let (rr, rh) = lay(flow, right, rw);
    flow.ensure(lh.max(rh));
    let (x, top) = (flow.left(), flow.y);
    draw_laid(flow, &l, (x, lw), top);
    draw_laid(flow, &rr, (x + lw, rw), top);
    flow.y = top + lh.max(rh);
}

/// Size at which `text` in bold fits `width`, at most `size`: the national heading must stay
/// on one line in its column.
fn fitting_size(flow: &Flow, text: &str, size: f32, width: f32) -> f32 {
    let measured = flow.doc.measure(crate::fonts::Style::Bold, size, text);
    if measured > width && measured > 0.0 {
        (size * width / measured).max(size * 0.75)
    } else {
        size
    }
}

/// Draws centred lines in a column from `top`, returning the top of the next line and the
/// width of the last line drawn (for the rule under it).
fn column_lines(
    flow: &mut Flow,
    spans: &[Span<'_>],
    size: f32,
    (x, width): (f32, f32),
    top: f32,
) -> (f32, f32) {
    let lines = wrap_balanced(&flow.doc, spans, size, width);
    let mut y = top;
    let mut last = 0.0;
    for line in &lines {
        draw_line(
            &mut flow.doc,
            flow.page,
            line,
            (x, width),
            y,
            size,
            Align::Center,
        );
        y += size * LEADING;
        last = line.width;
    }
    (y, last)
}

/// The form number, agency block, national heading, number and place-and-date line.
pub(crate) fn letterhead(flow: &mut Flow, l: &Letterhead) {
    heading(flow, l, true);
}

/// The heading without the number and date line, for the tracking book (a register, not a
/// document with a number).
pub(crate) fn book_heading(flow: &mut Flow, l: &Letterhead) {
    heading(flow, l, false);
}

fn heading(flow: &mut Flow, l: &Letterhead, number_and_date: bool) {
    let label = form_label(&l.form_number);
    if !label.is_empty() {
        flow.paragraph(&[b(label.as_str())], 11.0, Align::Right);
        flow.gap(2.0);
    }
    let left_w = flow.width() * 0.42;
    let right_w = flow.width() - left_w;
    let (lx, rx) = (flow.left(), flow.left() + left_w);
    let top = flow.y;

    // Left: governing body, agency in bold, a short rule under it.
    let mut y = top;
    let parent = upper(&clean(&l.agency.parent_name));
    if !parent.trim().is_empty() {
        y = column_lines(flow, &[r(parent.as_str())], 12.5, (lx, left_w), y).0;
    }
    let agency = upper(&clean(&l.agency.name));
    let (y_after, last) = column_lines(flow, &[b(or_blank(&agency))], 12.0, (lx, left_w), y);
    let rule = (last / 3.0).max(40.0).min(left_w);
    let center = lx + left_w / 2.0;
    flow.doc.line(
        flow.page,
        (center - rule / 2.0, y_after + 2.0),
        (center + rule / 2.0, y_after + 2.0),
        0.6,
    );
    let left_end = y_after + 5.0;

    // Right: Quốc hiệu and Tiêu ngữ, the rule as long as the motto.
    let heading = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    let size = fitting_size(flow, heading, 12.5, right_w - 4.0);
    let (y, _) = column_lines(flow, &[b(heading)], size, (rx, right_w), top);
    let motto = "Độc lập - Tự do - Hạnh phúc";
    let size = fitting_size(flow, motto, 13.5, right_w - 4.0);
    let (y, motto_w) = column_lines(flow, &[b(motto)], size, (rx, right_w), y);
    let center = rx + right_w / 2.0;
    flow.doc.line(
        flow.page,
        (center - motto_w / 2.0, y + 1.0),
        (center + motto_w / 2.0, y + 1.0),
        0.6,
    );
    let right_end = y + 4.0;

    // Number and place-and-date on one line, each centred under its block.
    let row = left_end.max(right_end) + 6.0;
    if !number_and_date {
        flow.y = row;
        return;
    }
    let number = format!("Số: {}", or_blank(&clean(&l.reference)));
    let (ly, _) = column_lines(flow, &[r(number.as_str())], BODY, (lx, left_w), row);
    let date = place_date(&clean(&l.agency.place), l.date);
    let (ry, _) = column_lines(flow, &[i(date.as_str())], BODY, (rx, right_w), row);
    flow.y = ly.max(ry);
}

/// The form's title in bold capitals, centred, with space above.
pub(crate) fn title(flow: &mut Flow, text: &str) {
    flow.gap(14.0);
    let text = upper(text);
    let (x, width) = (flow.left(), flow.width());
    let lines = wrap_balanced(&flow.doc, &[b(text.as_str())], 14.0, width);
    flow.lines(&lines, (x, width), 14.0, Align::Center);
}

/// A body paragraph followed by a little space, so numbered items stand apart.
pub(crate) fn item(flow: &mut Flow, spans: &[Span<'_>]) {
    flow.paragraph(spans, BODY, Align::Left);
    flow.gap(2.0);
}

/// A centred line under the title, e.g. the file code.
pub(crate) fn subtitle(flow: &mut Flow, spans: &[Span<'_>]) {
    flow.paragraph(spans, BODY, Align::Center);
    flow.gap(6.0);
}

/// `label` followed by the value, or a dotted line when the value is empty.
pub(crate) fn field<'a>(label: &'a str, value: &'a str) -> Vec<Span<'a>> {
    vec![r(label), r(or_blank(value))]
}

/// A signature block: capacity in bold (one line per `\n`), the hint in italics, room to
/// sign, and the signer's name in bold.
pub(crate) fn signature<'a>(title: &'a str, hint: &'a str, name: &'a str) -> Vec<Block<'a>> {
    let mut blocks = vec![Block::Text(vec![b(title)], BODY, Align::Center)];
    if !hint.is_empty() {
        blocks.push(Block::Text(vec![i(hint)], 12.0, Align::Center));
    }
    blocks.push(Block::Gap(54.0));
    if !name.trim().is_empty() {
        blocks.push(Block::Text(vec![b(name)], BODY, Align::Center));
    }
    blocks
}

/// The signer's capacity, with the usual default.
pub(crate) fn signer_title(signer: &Signer) -> String {
    let title = upper(&clean(&signer.title));
    if title.trim().is_empty() {
        "THỦ TRƯỞNG CƠ QUAN".to_owned()
    } else {
        title
    }
}

/// "Nơi nhận:" with its list, bottom-left of a letter, and the signer on the right.
pub(crate) fn recipients_and_signer(flow: &mut Flow, recipients: &[String], signer: &Signer) {
    let mut left = vec![Block::Text(vec![b("Nơi nhận:")], 12.0, Align::Left)];
    let default = ["Như trên".to_owned(), "Lưu: VT".to_owned()];
    let list = if recipients.is_empty() {
        &default[..]
    } else {
        recipients
    };
    let lines: Vec<String> = list
        .iter()
        .enumerate()
        .map(|(k, item)| {
            let end = if k + 1 == list.len() { "." } else { ";" };
            format!("- {}{end}", item.trim().trim_end_matches(['.', ';']))
        })
        .collect();
    for line in &lines {
        left.push(Block::Text(vec![r(line.as_str())], 11.0, Align::Left));
    }
    let title = signer_title(signer);
    let right = signature(&title, "(Ký, ghi rõ họ tên và đóng dấu)", &signer.name);
    flow.gap(10.0);
    two_columns(flow, &left, &right, 0.45);
}
