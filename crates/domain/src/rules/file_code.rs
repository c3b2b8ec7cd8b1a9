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
    let mut rest = template;
    while let Some(pos) = rest.find(['{', '}']) {
        out.push_str(&rest[..pos]);
        let c = rest.as_bytes()[pos];
        let after = &rest[pos + 1..];
        if after.as_bytes().first() == Some(&c) {
            out.push(c as char);
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
            "agency" => out.push_str(agency_code.trim()),
            "yymmdd" => out.push_str(&format!(
                "{:02}{:02}{:02}",
                i32::from(date.year()).rem_euclid(100),
                date.month(),
                date.day()
            )),
            "yyyy" => out.push_str(&format!("{:04}", date.year())),
            "mm" => out.push_str(&format!("{:02}", date.month())),
            "dd" => out.push_str(&format!("{:02}", date.day())),
            "platform" => out.push_str(
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
                let text = format!("{seq:0width$}");
                if exact && text.len() > width {
                    return Err(FileCodeError::SequenceOverflow { seq, width });
                }
                out.push_str(&text);
            }
        }
    }
    out.push_str(rest);
    Ok(out)
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
}
