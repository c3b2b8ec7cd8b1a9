//! Line breaking by measured advance widths.
//!
//! Vietnamese separates syllables with spaces, so breaking at spaces gives natural lines; a
//! "word" wider than the line (a long URL, a file code, garbage input) is cut between
//! characters so that nothing ever runs past the margin. Runs of spaces collapse to one, as
//! in HTML, because input copied from other systems is full of them.

use std::borrow::Cow;

use crate::fonts::Style;
use crate::pdf::Doc;
use crate::text::clean;

/// A piece of text in one style, as the form code writes it.
#[derive(Clone, Debug)]
pub(crate) struct Span<'a> {
    pub(crate) style: Style,
    pub(crate) text: Cow<'a, str>,
}

/// Regular text.
pub(crate) fn r<'a>(text: impl Into<Cow<'a, str>>) -> Span<'a> {
    Span {
        style: Style::Regular,
        text: text.into(),
    }
}

/// Bold text.
pub(crate) fn b<'a>(text: impl Into<Cow<'a, str>>) -> Span<'a> {
    Span {
        style: Style::Bold,
        text: text.into(),
    }
}

/// Italic text.
pub(crate) fn i<'a>(text: impl Into<Cow<'a, str>>) -> Span<'a> {
    Span {
        style: Style::Italic,
        text: text.into(),
    }
}

/// A run of one style inside a line, `x` points from the line's start.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Frag {
    pub(crate) style: Style,
    pub(crate) text: String,
    pub(crate) x: f32,
}

/// One laid-out line.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Line {
    pub(crate) frags: Vec<Frag>,
    pub(crate) width: f32,
}

impl Line {
    fn push(&mut self, style: Style, c: char, advance: f32) {
        match self.frags.last_mut() {
            Some(last) if last.style == style => last.text.push(c),
            _ => self.frags.push(Frag {
                style,
                text: c.to_string(),
                x: self.width,
            }),
        }
        self.width += advance;
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.frags.is_empty()
    }

    /// The line's text, for tests and debugging.
    #[cfg(test)]
    pub(crate) fn text(&self) -> String {
        self.frags.iter().map(|f| f.text.as_str()).collect()
    }
}

/// One character ready to place: its style and advance at the requested size.
#[derive(Clone, Copy)]
struct Placed {
    style: Style,
    c: char,
    advance: f32,
}

enum Token {
    Word(Vec<Placed>),
    Space(Placed),
    Break,
}

fn tokenize(doc: &Doc, spans: &[Span<'_>], size: f32) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word: Vec<Placed> = Vec::new();
    for span in spans {
        let face = doc.face(span.style);
        for c in clean(&span.text).chars() {
            let placed = Placed {
                style: span.style,
                c,
                advance: face.glyph(c).advance * size / 1000.0,
            };
            match c {
                '\n' | ' ' => {
                    if !word.is_empty() {
                        tokens.push(Token::Word(std::mem::take(&mut word)));
                    }
                    tokens.push(if c == '\n' {
                        Token::Break
                    } else {
                        Token::Space(placed)
                    });
                }
                // Codes and addresses ("000.00.01.H26-261123-0001", URLs) may break after
                // these, so a narrow table column does not cut them at a random character.
                '-' | '/' | '?' | '&' => {
                    word.push(placed);
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                }
                _ => word.push(placed),
            }
        }
    }
    if !word.is_empty() {
        tokens.push(Token::Word(word));
    }
    tokens
}

/// Breaks `spans` into lines no wider than `width` points at `size` points. Explicit `\n`
/// starts a new line (an empty line for `\n\n`). Empty input gives no lines.
pub(crate) fn wrap(doc: &Doc, spans: &[Span<'_>], size: f32, width: f32) -> Vec<Line> {
    wrap_indented(doc, spans, size, width, 0.0)
}

/// Like [`wrap`], with the first line starting `indent` points in (letters indent their
/// paragraphs).
pub(crate) fn wrap_indented(
    doc: &Doc,
    spans: &[Span<'_>],
    size: f32,
    width: f32,
    indent: f32,
) -> Vec<Line> {
    let width = width.max(1.0);
    let mut lines = Vec::new();
    let mut line = Line {
        frags: Vec::new(),
        width: indent.clamp(0.0, width / 2.0),
    };
    let mut space: Option<Placed> = None;
    for token in tokenize(doc, spans, size) {
        match token {
            Token::Break => {
                lines.push(std::mem::take(&mut line));
                space = None;
            }
            Token::Space(s) => {
                if !line.is_empty() {
                    space = Some(s);
                }
            }
            Token::Word(word) => {
                let word_width: f32 = word.iter().map(|p| p.advance).sum();
                let sep = space.take();
                let sep_width = sep.map_or(0.0, |s| s.advance);
                if !line.is_empty() {
                    if line.width + sep_width + word_width > width {
                        lines.push(std::mem::take(&mut line));
                    } else if let Some(s) = sep {
                        line.push(s.style, s.c, s.advance);
                    }
                }
                if line.width + word_width <= width {
                    for p in word {
                        line.push(p.style, p.c, p.advance);
                    }
                } else {
                    // Wider than a whole line: cut between characters, at least one per line.
                    for p in word {
                        if !line.is_empty() && line.width + p.advance > width {
                            lines.push(std::mem::take(&mut line));
                        }
                        line.push(p.style, p.c, p.advance);
                    }
                }
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Like [`wrap`], but with lines of even length: the narrowest width that still gives the
/// same number of lines. Centred headings then read "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH / CÔNG TỈNH
/// SƠN LA" instead of leaving one word alone on the last line.
pub(crate) fn wrap_balanced(doc: &Doc, spans: &[Span<'_>], size: f32, width: f32) -> Vec<Line> {
    let lines = wrap(doc, spans, size, width);
    if lines.len() < 2 {
        return lines;
    }
    let count = lines.len();
    let (mut lo, mut hi) = (width / count as f32, width);
    let mut best = lines;
    for _ in 0..12 {
        let mid = (lo + hi) / 2.0;
        let candidate = wrap(doc, spans, size, mid);
        if candidate.len() <= count {
            hi = mid;
            best = candidate;
        } else {
            lo = mid;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Doc {
        Doc::new(595.0, 842.0, "test").unwrap()
    }

    #[test]
    fn lines_never_exceed_the_width() {
        let doc = doc();
        let text = "Cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất lần đầu ".repeat(20);
        let lines = wrap(&doc, &[r(text.as_str())], 13.0, 200.0);
        assert!(lines.len() > 10);
        for line in &lines {
            assert!(line.width <= 200.0 + 0.01, "{} > 200", line.width);
            assert!(!line.text().starts_with(' ') && !line.text().ends_with(' '));
        }
        let rejoined: Vec<String> = lines.iter().map(Line::text).collect();
        assert_eq!(rejoined.join(" "), text.trim_end());
    }

    #[test]
    fn a_word_longer_than_the_line_is_cut() {
        let doc = doc();
        let url =
            "https://dichvucong.sonla.gov.vn/tra-cuu?ma=000.00.01.H26-261123-0001&pin=".repeat(5);
        let lines = wrap(&doc, &[r(url.as_str())], 11.0, 150.0);
        assert!(lines.len() > 3);
        assert!(lines.iter().all(|l| l.width <= 150.01));
        assert_eq!(lines.iter().map(Line::text).collect::<String>(), url);
    }

    #[test]
    fn codes_break_after_hyphens() {
        let doc = doc();
        let code = "000.00.01.H26-261123-0001";
        let width = doc.measure(Style::Regular, 9.0, "000.00.01.H26-2611");
        let lines = wrap(&doc, &[r(code)], 9.0, width);
        let texts: Vec<String> = lines.iter().map(Line::text).collect();
        assert_eq!(texts, ["000.00.01.H26-", "261123-0001"]);
    }

    #[test]
    fn styles_are_kept_per_fragment() {
        let doc = doc();
        let lines = wrap(
            &doc,
            &[r("Tiếp nhận hồ sơ của: "), b("Nguyễn Thị Hường")],
            13.0,
            500.0,
        );
        assert_eq!(lines.len(), 1);
        let frags = &lines[0].frags;
        assert_eq!(frags.len(), 2);
        assert_eq!(frags[0].text, "Tiếp nhận hồ sơ của: ");
        assert_eq!(frags[1].style, Style::Bold);
        assert_eq!(frags[1].text, "Nguyễn Thị Hường");
        assert!(frags[1].x > 0.0);
    }

    #[test]
    fn balanced_lines_are_even() {
        let doc = doc();
        let text = "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH SƠN LA";
        let width = doc.measure(
            Style::Bold,
            12.0,
            "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH SƠN",
        ) + 1.0;
        let greedy = wrap(&doc, &[b(text)], 12.0, width);
        assert_eq!(greedy.last().unwrap().text(), "LA");
        let balanced = wrap_balanced(&doc, &[b(text)], 12.0, width);
        assert_eq!(balanced.len(), 2);
        let (a, z) = (balanced[0].width, balanced[1].width);
        assert!((a - z).abs() < a / 2.0, "{a} vs {z}");
    }

    #[test]
    fn newlines_and_spaces() {
        let doc = doc();
        let lines = wrap(&doc, &[r("a   b\n\nc")], 13.0, 500.0);
        let texts: Vec<String> = lines.iter().map(Line::text).collect();
        assert_eq!(texts, ["a b", "", "c"]);
        assert!(wrap(&doc, &[r("")], 13.0, 500.0).is_empty());
        assert!(wrap(&doc, &[r("   ")], 13.0, 500.0).is_empty());
        // A tiny width still makes progress.
        assert_eq!(wrap(&doc, &[r("abc")], 13.0, 0.0).len(), 3);
    }
}
