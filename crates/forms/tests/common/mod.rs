//! Reading generated PDFs back with poppler's tools, as a viewer would.
//! `scripts/ensure-pdftools.sh` installs them; the tests fail with that hint when they are missing.
#![allow(dead_code)]

pub mod samples;

use std::path::PathBuf;
use std::process::Command;

/// `target/test-output/forms/` of the workspace, created on demand.
pub fn out_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("test-output").join("forms");
    std::fs::create_dir_all(&dir).expect("create test output directory");
    dir
}

/// Writes `pdf` as `name` under the output directory and returns its path.
pub fn save(name: &str, pdf: &[u8]) -> PathBuf {
    assert!(pdf.starts_with(b"%PDF-"), "{name} is not a PDF");
    let path = out_dir().join(name);
    std::fs::write(&path, pdf).expect("write PDF");
    path
}

fn run(tool: &str, args: &[&str], path: &PathBuf) -> String {
    let output = Command::new(tool)
        .args(args)
        .arg(path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{tool}` ({e}): install poppler-utils with scripts/ensure-pdftools.sh"
            )
        });
    assert!(
        output.status.success(),
        "{tool} failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("tool output is UTF-8")
}

fn run_no_dash(tool: &str, path: &PathBuf) -> String {
    let output = Command::new(tool).arg(path).output().unwrap_or_else(|e| {
        panic!("cannot run `{tool}` ({e}): install poppler-utils with scripts/ensure-pdftools.sh")
    });
    assert!(
        output.status.success(),
        "{tool} failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("tool output is UTF-8")
}

/// Text of the whole document in reading order (`pdftotext -layout`).
pub fn text_layout(path: &PathBuf) -> String {
    run("pdftotext", &["-layout", "-enc", "UTF-8"], path)
}

/// Text with each line of the page as pdftotext reads it, without column layout: lines that
/// wrap in the PDF are joined with spaces so long values can be compared whole.
pub fn text_flat(path: &PathBuf) -> String {
    let raw = run("pdftotext", &["-raw", "-enc", "UTF-8"], path);
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Collapses whitespace, for comparing values that may wrap.
pub fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text of page `n` (1-based), whitespace collapsed.
pub fn page_text(path: &PathBuf, n: usize) -> String {
    let n = n.to_string();
    let raw = run(
        "pdftotext",
        &["-raw", "-enc", "UTF-8", "-f", &n, "-l", &n],
        path,
    );
    flat(&raw)
}

/// The QR codes a scanner reads on page 1, rendered at 150 dpi (a phone camera sees about that).
pub fn scan_qr(path: &PathBuf) -> Vec<String> {
    let prefix = path.with_extension("scan");
    // pdftoppm -singlefile appends ".png" to the prefix.
    let png = PathBuf::from(format!("{}.png", prefix.display()));
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile"])
        .arg(path)
        .arg(&prefix)
        .status()
        .expect("run pdftoppm: install poppler-utils with scripts/ensure-pdftools.sh");
    assert!(status.success(), "pdftoppm failed");
    let output = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(&png)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `zbarimg` ({e}): install zbar-tools with scripts/ensure-pdftools.sh")
        });
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Removes all whitespace, for codes and URLs that may be cut at the end of a line.
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}

/// `pdfinfo` as key → value.
pub fn info(path: &PathBuf) -> std::collections::BTreeMap<String, String> {
    run_no_dash("pdfinfo", path)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

pub fn pages(path: &PathBuf) -> usize {
    info(path)["Pages"].parse().expect("page count")
}

/// Asserts every page is A4 (portrait or landscape) and returns the page size line.
pub fn assert_a4(path: &PathBuf, landscape: bool) {
    let size = &info(path)["Page size"];
    let expected = if landscape {
        "842 x 595 pts (A4)"
    } else {
        "595 x 842 pts (A4)"
    };
    assert!(
        size.starts_with(expected),
        "page size {size}, expected {expected}"
    );
}

/// Rows of `pdffonts`: (name, type, embedded, subset, unicode map).
pub fn fonts(path: &PathBuf) -> Vec<(String, String, bool, bool, bool)> {
    let out = run_no_dash("pdffonts", path);
    out.lines()
        .skip(2)
        .map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            // name type [type2] encoding emb sub uni object ID
            let n = cols.len();
            (
                cols[0].to_owned(),
                cols[1..n - 6].join(" "),
                cols[n - 5] == "yes",
                cols[n - 4] == "yes",
                cols[n - 3] == "yes",
            )
        })
        .collect()
}

/// Every font is an embedded TrueType subset with a ToUnicode map.
pub fn assert_fonts_embedded(path: &PathBuf) {
    let fonts = fonts(path);
    assert!(!fonts.is_empty(), "no fonts in {}", path.display());
    for (name, kind, emb, sub, uni) in &fonts {
        assert!(
            *emb && *sub && *uni,
            "{name} ({kind}): embedded {emb}, subset {sub}, unicode {uni}"
        );
        assert!(kind.contains("TrueType"), "{name} is {kind}");
        assert!(name.contains("+LiberationSerif"), "{name}");
    }
}
