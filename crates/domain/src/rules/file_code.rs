//! File codes (mã hồ sơ) from a template, so the format is data of the rule
//! version. Placeholders: `{agency}` the receiving unit's code, `{yymmdd}`,
//! `{yyyy}`, `{mm}`, `{dd}` the receipt date, `{platform}` the platform
//! owner's code (AA), `{seq:N}` the running number with at least N digits and
//! `{seq:=N}` with exactly N digits (an overflow is an error, never a reused
//! or truncated code). `{{` and `}}` are literal braces.

use jiff::civil::Date;

/// Why a code could not be formatted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileCodeError {
    #[error("unknown placeholder {{{0}}} in file-code template")]
    UnknownPlaceholder(String),
    #[error("unclosed placeholder in file-code template")]
    Unclosed,
    #[error("sequence number {seq} does not fit in {width} digits")]
    SequenceOverflow { seq: u64, width: usize },
    #[error("the template needs a platform code")]
    MissingPlatform,
    #[error("agency code is empty")]
    MissingAgency,
}

/// A part of a formatted code: text, or the running number.
enum Segment {
    Text(String),
    Seq { width: usize, exact: bool },
}

/// Resolves every placeholder of `template` but the running number.
fn segments(
    template: &str,
    agency_code: &str,
    date: Date,
    platform_code: Option<&str>,
) -> Result<Vec<Segment>, FileCodeError> {
    let mut out = Vec::new();
    let mut text = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(pos) = rest.find(['{', '}']) {
        text.push_str(&rest[..pos]);
        let c = rest.as_bytes()[pos];
        let after = &rest[pos + 1..];
        if after.as_bytes().first() == Some(&c) {
            text.push(c as char);
            rest = &after[1..];
            continue;
        }
        if c == b'}' {
            return Err(FileCodeError::Unclosed);
        }
        let end = after.find('}').ok_or(FileCodeError::Unclosed)?;
        let name = &after[..end];
        rest = &after[end + 1..];
        match name {
            "agency" if agency_code.trim().is_empty() => return Err(FileCodeError::MissingAgency),
            "agency" => text.push_str(agency_code.trim()),
            "yymmdd" => text.push_str(&format!(
                "{:02}{:02}{:02}",
                i32::from(date.year()).rem_euclid(100),
                date.month(),
                date.day()
            )),
            "yyyy" => text.push_str(&format!("{:04}", date.year())),
            "mm" => text.push_str(&format!("{:02}", date.month())),
            "dd" => text.push_str(&format!("{:02}", date.day())),
            "platform" => text.push_str(
                platform_code
                    .filter(|p| !p.is_empty())
                    .ok_or(FileCodeError::MissingPlatform)?,
            ),
            _ => {
                let spec = name
                    .strip_prefix("seq:")
                    .ok_or_else(|| FileCodeError::UnknownPlaceholder(name.to_string()))?;
                let (exact, digits) = match spec.strip_prefix('=') {
                    Some(d) => (true, d),
                    None => (false, spec),
                };
                let width: usize = digits
                    .parse()
                    .ok()
                    .filter(|w| (1..=12).contains(w))
                    .ok_or_else(|| FileCodeError::UnknownPlaceholder(name.to_string()))?;
                out.push(Segment::Text(std::mem::take(&mut text)));
                out.push(Segment::Seq { width, exact });
            }
        }
    }
    text.push_str(rest);
    out.push(Segment::Text(text));
    Ok(out)
}

/// The running number written `width` digits wide at least (exactly, if `exact`).
fn sequence_text(seq: u64, width: usize, exact: bool) -> Result<String, FileCodeError> {
    let text = format!("{seq:0width$}");
    if exact && text.len() > width {
        return Err(FileCodeError::SequenceOverflow { seq, width });
    }
    Ok(text)
}

/// Formats a file code; pure, so concurrency (unique sequence numbers) is the
/// store's job.
pub fn format_file_code(
    template: &str,
    agency_code: &str,
    date: Date,
    seq: u64,
    platform_code: Option<&str>,
) -> Result<String, FileCodeError> {
    let mut out = String::with_capacity(template.len() + 16);
    for segment in segments(template, agency_code, date, platform_code)? {
        match segment {
            Segment::Text(text) => out.push_str(&text),
            Segment::Seq { width, exact } => out.push_str(&sequence_text(seq, width, exact)?),
        }
    }
    Ok(out)
}

/// A code with its running number still open: the text before and after it and how it is
/// written, so that a store can number and write the code in one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeShape {
    pub prefix: String,
    /// The number has at least this many digits, zero-padded.
    pub width: usize,
    /// The number has exactly `width` digits: a larger one is an overflow.
    pub exact: bool,
    pub suffix: String,
}

impl CodeShape {
    /// The code with running number `seq`: the same as [`format_file_code`] gives.
    pub fn with(&self, seq: u64) -> Result<String, FileCodeError> {
        Ok(format!(
            "{}{}{}",
            self.prefix,
            sequence_text(seq, self.width, self.exact)?,
            self.suffix
        ))
    }

    /// The largest running number the shape can write (`i64::MAX` when it can widen).
    pub fn max_sequence(&self) -> i64 {
        match self.exact {
            true => 10_i64.pow(u32::try_from(self.width).unwrap_or(12)) - 1,
            false => i64::MAX,
        }
    }
}

/// The shape of the codes of `template` (see [`CodeShape`]); `None` unless the template has
/// exactly one running number.
pub fn file_code_shape(
    template: &str,
    agency_code: &str,
    date: Date,
    platform_code: Option<&str>,
) -> Result<Option<CodeShape>, FileCodeError> {
    let mut parts = segments(template, agency_code, date, platform_code)?.into_iter();
    Ok(
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (
                Some(Segment::Text(prefix)),
                Some(Segment::Seq { width, exact }),
                Some(Segment::Text(suffix)),
                None,
            ) => Some(CodeShape {
                prefix,
                width,
                exact,
                suffix,
            }),
            _ => None,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn circular_01_2018_example() {
        assert_eq!(
            format_file_code(
                "{agency}-{yymmdd}-{seq:=4}",
                "000.00.01.H26",
                date(2021, 2, 12),
                1,
                None
            )
            .unwrap(),
            "000.00.01.H26-210212-0001"
        );
    }

    #[test]
    fn overflow_unknown_and_missing_are_errors() {
        let t = "{agency}-{yymmdd}-{seq:=4}";
        assert_eq!(
            format_file_code(t, "X", date(2021, 2, 12), 10_000, None),
            Err(FileCodeError::SequenceOverflow {
                seq: 10_000,
                width: 4
            })
        );
        assert_eq!(
            format_file_code(
                "{agency}-{platform}{seq:4}",
                "X",
                date(2026, 2, 1),
                12_345,
                Some("01")
            )
            .unwrap(),
            "X-0112345"
        );
        assert!(matches!(
            format_file_code("{nope}", "X", date(2021, 1, 1), 1, None),
            Err(FileCodeError::UnknownPlaceholder(_))
        ));
        assert_eq!(
            format_file_code("{agency", "X", date(2021, 1, 1), 1, None),
            Err(FileCodeError::Unclosed)
        );
        assert_eq!(
            format_file_code("{platform}", "X", date(2021, 1, 1), 1, None),
            Err(FileCodeError::MissingPlatform)
        );
        assert_eq!(
            format_file_code("{{{agency}}}", "X", date(2021, 1, 1), 1, None).unwrap(),
            "{X}"
        );
    }

    #[test]
    fn a_shape_writes_the_codes_the_template_formats() {
        let templates = [
            "{agency}-{yymmdd}-{seq:=4}",
            "{agency}-{yymmdd}-{platform}{seq:4}",
            "{{{seq:2}}}{yyyy}",
        ];
        for template in templates {
            let shape = file_code_shape(template, "000.00.01.H26", date(2026, 2, 1), Some("01"))
                .unwrap()
                .unwrap();
            for seq in [1, 9, 10, 9_999, 10_000, 123_456] {
                assert_eq!(
                    shape.with(seq),
                    format_file_code(template, "000.00.01.H26", date(2026, 2, 1), seq, Some("01")),
                    "{template} {seq}"
                );
            }
        }
        let exact = file_code_shape("{agency}-{seq:=4}", "X", date(2026, 2, 1), None)
            .unwrap()
            .unwrap();
        assert_eq!(exact.max_sequence(), 9_999);
        assert!(exact.with(9_999).is_ok());
        assert!(exact.with(10_000).is_err());
        let open = file_code_shape("{agency}-{seq:4}", "X", date(2026, 2, 1), None)
            .unwrap()
            .unwrap();
        assert_eq!(open.max_sequence(), i64::MAX);
        assert_eq!(
            file_code_shape("{seq:2}-{seq:3}", "X", date(2026, 2, 1), None),
            Ok(None)
        );
        assert_eq!(
            file_code_shape("{agency}", "X", date(2026, 2, 1), None),
            Ok(None)
        );
    }
}
