//! Charts drawn on the server as SVG: horizontal bars, lines, a donut. No script needed; each
//! chart is an `img` with a `<title>` and `<desc>`, and its values are written as text beside
//! the marks, so a screen reader and a printed page get the numbers too. Colours are
//! presentation attributes (the Content Security Policy forbids inline styles). Every label is
//! XML-escaped here, which is why [`Svg`] may skip the template's own escaping.

use std::fmt::{self, Write};

/// Finished SVG markup, safe to place in a page as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Svg(String);

impl Svg {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Svg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// Every piece of text inside is escaped by `esc` below.
impl askama::filters::HtmlSafe for Svg {}

/// Colours that stay apart for common colour blindness (Okabe–Ito).
pub const PALETTE: [&str; 6] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
];

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `id` becomes the prefix of the title and description ids; keep it unique on the page.
fn open(out: &mut String, id: &str, width: u32, height: u32, title: &str, desc: &str) {
    let id = esc(id);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"{id}\" role=\"img\" \
         viewBox=\"0 0 {width} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" \
         aria-labelledby=\"{id}-title {id}-desc\" font-family=\"sans-serif\" font-size=\"12\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(title),
        esc(desc)
    );
}

/// One bar: its label, its value (for the length) and the text shown beside it.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
}

/// Horizontal bars, longest = `max` (or the largest value), labels on the left.
pub fn bars(id: &str, title: &str, desc: &str, items: &[Bar], max: Option<f64>) -> Svg {
    const ROW: u32 = 26;
    const LABEL_W: f64 = 260.0;
    const BAR_W: f64 = 360.0;
    let height = 10 + ROW * items.len().max(1) as u32;
    let mut out = String::new();
    open(&mut out, id, 720, height, title, desc);
    let top = max
        .unwrap_or_else(|| items.iter().map(|b| b.value).fold(0.0, f64::max))
        .max(f64::EPSILON);
    if items.is_empty() {
        out.push_str("<text x=\"10\" y=\"24\">Không có số liệu</text>");
    }
    for (i, b) in items.iter().enumerate() {
        let y = 5 + ROW * i as u32;
        let w = (b.value.max(0.0) / top).min(1.0) * BAR_W;
        let label: String = b.label.chars().take(40).collect();
        let _ = write!(
            out,
            "<g><text x=\"{:.0}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{:.0}\" y=\"{}\" width=\"{w:.1}\" height=\"18\" fill=\"{}\"></rect>\
             <text x=\"{:.1}\" y=\"{}\">{}</text></g>",
            LABEL_W - 8.0,
            y + 14,
            esc(&label),
            LABEL_W,
            y,
            PALETTE[0],
            LABEL_W + w + 6.0,
            y + 14,
            esc(&b.text)
        );
    }
    out.push_str("</svg>");
    Svg(out)
}

/// A named series of a line chart; `None` leaves a gap.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// Lines over the `x` labels; values between 0 and `y_max`, axis ticks written by `tick`.
pub fn lines(
    id: &str,
    title: &str,
    desc: &str,
    x: &[String],
    series: &[Series],
    y_max: f64,
    tick: impl Fn(f64) -> String,
) -> Svg {
    const W: f64 = 720.0;
    const H: f64 = 260.0;
    const LEFT: f64 = 56.0;
    const RIGHT: f64 = 36.0;
    const TOP: f64 = 16.0;
    const BOTTOM: f64 = 60.0;
    let mut out = String::new();
    open(&mut out, id, W as u32, H as u32, title, desc);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let y_max = y_max.max(f64::EPSILON);
    let ypos = |v: f64| TOP + plot_h - (v.clamp(0.0, y_max) / y_max) * plot_h;
    let step = if x.len() > 1 {
        plot_w / (x.len() - 1) as f64
    } else {
        0.0
    };
    let xpos = |i: usize| {
        if x.len() > 1 {
            LEFT + step * i as f64
        } else {
            LEFT + plot_w / 2.0
        }
    };
    for k in 0..=4 {
        let v = y_max * f64::from(k) / 4.0;
        let y = ypos(v);
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{:.0}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"></line>\
             <text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            esc(&tick(v))
        );
    }
    // At most 12 x labels, so long periods stay readable.
    let every = x.len().div_ceil(12).max(1);
    for (i, label) in x.iter().enumerate() {
        if i % every == 0 || i + 1 == x.len() {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.0}\" text-anchor=\"middle\">{}</text>",
                xpos(i),
                H - BOTTOM + 18.0,
                esc(label)
            );
        }
    }
    for (s, serie) in series.iter().enumerate() {
        let colour = PALETTE[s % PALETTE.len()];
        let mut path = String::new();
        let mut pen_down = false;
        for (i, v) in serie.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(
                        path,
                        "{}{:.1},{:.1} ",
                        if pen_down { "L" } else { "M" },
                        xpos(i),
                        ypos(*v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let _ = write!(
            out,
            "<g><path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"></path>",
            path.trim_end()
        );
        for (i, v) in serie.values.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(
                    out,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{colour}\"><title>{}: {}</title></circle>",
                    xpos(i),
                    ypos(*v),
                    esc(&format!(
                        "{} {}",
                        serie.name,
                        x.get(i).map_or("", String::as_str)
                    )),
                    esc(&tick(*v))
                );
            }
        }
        // The legend under the axis.
        let lx = LEFT + 200.0 * s as f64;
        let _ = write!(
            out,
            "<rect x=\"{lx:.0}\" y=\"{:.0}\" width=\"12\" height=\"12\" fill=\"{colour}\"></rect>\
             <text x=\"{:.0}\" y=\"{:.0}\">{}</text></g>",
            H - 22.0,
            lx + 16.0,
            H - 12.0,
            esc(&serie.name)
        );
    }
    out.push_str("</svg>");
    Svg(out)
}

/// One slice of a donut.
#[derive(Debug, Clone)]
pub struct Slice {
    pub label: String,
    pub value: i64,
}

/// A donut of shares with a legend giving each count and percentage.
pub fn donut(id: &str, title: &str, desc: &str, slices: &[Slice]) -> Svg {
    let total: i64 = slices.iter().map(|s| s.value.max(0)).sum();
    let legend_h = 24 * slices.len() as u32;
    let mut out = String::new();
    open(&mut out, id, 480, 180.max(legend_h + 20), title, desc);
    let (cx, cy, r) = (90.0_f64, 90.0_f64, 60.0_f64);
    let circumference = 2.0 * std::f64::consts::PI * r;
    if total == 0 {
        let _ = write!(
            out,
            "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\" fill=\"none\" stroke=\"#ddd\" stroke-width=\"28\"></circle>"
        );
    }
    let mut offset = 0.0;
    for (i, s) in slices.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let share = if total > 0 {
            s.value.max(0) as f64 / total as f64
        } else {
            0.0
        };
        if share > 0.0 {
            let len = share * circumference;
            // Each slice is a dashed stroke of the same circle, started where the last ended
            // (rotated so the first begins at 12 o'clock).
            let _ = write!(
                out,
                "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"28\" \
                 stroke-dasharray=\"{len:.2} {:.2}\" stroke-dashoffset=\"{:.2}\" transform=\"rotate(-90 {cx} {cy})\"></circle>",
                circumference - len,
                -offset
            );
            offset += len;
        }
        let y = 20 + 24 * i as u32;
        let _ = write!(
            out,
            "<rect x=\"190\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{colour}\"></rect>\
             <text x=\"208\" y=\"{}\">{}: {} ({})</text>",
            y,
            y + 11,
            esc(&s.label),
            s.value,
            esc(&percent(share))
        );
    }
    let _ = write!(
        out,
        "<text x=\"{cx}\" y=\"{:.0}\" text-anchor=\"middle\" font-size=\"16\">{total}</text>",
        cy + 5.0
    );
    out.push_str("</svg>");
    Svg(out)
}

/// A share as Vietnamese readers write it: `98,2%`.
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0).replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_charts_are_accessible() {
        let svg = bars(
            "xep-hang",
            "Tỷ lệ đúng hạn",
            "Theo đơn vị",
            &[Bar {
                label: "<script>alert(1)</script>".into(),
                value: 0.5,
                text: "50,0%".into(),
            }],
            Some(1.0),
        );
        let s = svg.as_str();
        assert!(s.contains("&lt;script&gt;") && !s.contains("<script>"));
        assert!(
            s.contains("role=\"img\"")
                && s.contains("<title id=\"xep-hang-title\">Tỷ lệ đúng hạn</title>")
        );
        assert!(s.contains("width=\"180.0\""), "half of the 360 px bar: {s}");
    }

    #[test]
    fn lines_leave_gaps_and_donut_shows_shares() {
        let l = lines(
            "xu-huong",
            "Xu hướng",
            "Theo tháng",
            &["2025-01".into(), "2025-02".into(), "2025-03".into()],
            &[Series {
                name: "Đúng hạn".into(),
                values: vec![Some(1.0), None, Some(0.5)],
            }],
            1.0,
            percent,
        );
        let d_attr = l.as_str().split("<path d=\"").nth(1).unwrap_or_default();
        let d_attr = &d_attr[..d_attr.find('"').unwrap_or(0)];
        assert_eq!(
            d_attr.matches('M').count(),
            2,
            "a gap starts a new stroke: {d_attr}"
        );
        let d = donut(
            "kenh",
            "Kênh",
            "Kênh nộp",
            &[
                Slice {
                    label: "Trực tuyến".into(),
                    value: 1,
                },
                Slice {
                    label: "Trực tiếp".into(),
                    value: 3,
                },
            ],
        );
        assert!(d.as_str().contains("Trực tuyến: 1 (25,0%)"));
        assert!(d.as_str().contains("Trực tiếp: 3 (75,0%)"));
    }
}
