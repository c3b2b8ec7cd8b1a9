//! The QR code of the lookup address printed on the receipt, drawn as filled squares (vector,
//! so it stays sharp at any print resolution).

use qrcode::{Color, EcLevel, QrCode};

use crate::FormError;
use crate::pdf::Doc;

/// A QR symbol's module matrix, row by row; `true` is a dark module.
pub(crate) struct QrMatrix {
    pub(crate) width: usize,
    pub(crate) dark: Vec<bool>,
}

/// Level M (15 % recovery): receipts get folded and stamped, and the addresses are short.
pub(crate) fn encode(url: &str) -> Result<QrMatrix, FormError> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|_| FormError::LookupUrlTooLong { len: url.len() })?;
    Ok(QrMatrix {
        width: code.width(),
        dark: code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect(),
    })
}

/// Draws `matrix` as a square of `side` points with its top-left corner at (`x`, `top`).
/// Dark modules of a row are merged into one rectangle per run, which keeps the content
/// stream small; the white quiet zone is the layout's job.
pub(crate) fn draw(doc: &mut Doc, page: usize, matrix: &QrMatrix, (x, top): (f32, f32), side: f32) {
    if matrix.width == 0 {
        return;
    }
    let module = side / matrix.width as f32;
    let mut rects = Vec::new();
    for (row, cells) in matrix.dark.chunks(matrix.width).enumerate() {
        let mut col = 0;
        while col < cells.len() {
            if !cells[col] {
                col += 1;
                continue;
            }
            let start = col;
            while col < cells.len() && cells[col] {
                col += 1;
            }
            rects.push([
                x + start as f32 * module,
                top + row as f32 * module,
                (col - start) as f32 * module,
                module,
            ]);
        }
    }
    doc.fill_rects(page, rects);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_url_encodes() {
        let m =
            encode("https://dichvucong.sonla.gov.vn/tra-cuu/000.00.01.H26-261123-0001").unwrap();
        assert!(m.width >= 21);
        assert_eq!(m.dark.len(), m.width * m.width);
        // Finder pattern: the top-left corner module is dark.
        assert!(m.dark[0]);
    }

    #[test]
    fn an_oversized_url_is_an_error_not_a_panic() {
        let url = "x".repeat(5_000);
        assert_eq!(
            encode(&url).err().map(|e| e.code()),
            Some("form_lookup_url_too_long")
        );
    }
}
