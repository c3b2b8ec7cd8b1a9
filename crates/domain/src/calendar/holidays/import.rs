//! Importing day adjustments an administrator prepared in a spreadsheet (CSV)
//! or another system (JSON). Errors name the line and the field, because the
//! person fixing the file is not a developer.

use jiff::civil::Date;

use super::{AdjustmentKind, DayAdjustment};

/// Why an import failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("dòng {line}: {message}")]
    Line { line: usize, message: String },
    #[error("JSON không hợp lệ: {0}")]
    Json(String),
    #[error("ngày {date} xuất hiện hai lần (dòng {first} và {second})")]
    Duplicate {
        date: Date,
        first: usize,
        second: usize,
    },
}

impl ImportError {
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Line { .. } => "calendar.import.line",
            ImportError::Json(_) => "calendar.import.json",
            ImportError::Duplicate { .. } => "calendar.import.duplicate",
        }
    }
}

/// Parses `date,kind,name,source[,note]` lines (a header line starting with
/// `date` is skipped; fields may be double-quoted, `""` is a quote).
/// `kind` is `off`/`work` (also `nghỉ`/`làm`).
pub fn parse_adjustments_csv(text: &str) -> Result<Vec<DayAdjustment>, ImportError> {
    let mut out: Vec<(usize, DayAdjustment)> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let raw = raw.trim_start_matches('\u{feff}');
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let fields = split_csv_line(raw).map_err(|message| ImportError::Line { line, message })?;
        if line == 1
            && fields
                .first()
                .is_some_and(|f| f.trim().eq_ignore_ascii_case("date"))
        {
            continue;
        }
        if !(4..=5).contains(&fields.len()) {
            return Err(ImportError::Line {
                line,
                message: format!(
                    "cần 4 hoặc 5 cột (date,kind,name,source[,note]), có {}",
                    fields.len()
                ),
            });
        }
        let adjustment = adjustment_from_fields(&fields)
            .map_err(|message| ImportError::Line { line, message })?;
        out.push((line, adjustment));
    }
    check_duplicates(&out)?;
    Ok(out.into_iter().map(|(_, a)| a).collect())
}

/// Parses a JSON array of adjustments (the same shape the built-in data uses).
pub fn parse_adjustments_json(text: &str) -> Result<Vec<DayAdjustment>, ImportError> {
    let list: Vec<DayAdjustment> =
        serde_json::from_str(text).map_err(|e| ImportError::Json(e.to_string()))?;
    for (i, a) in list.iter().enumerate() {
        if a.name.trim().is_empty() {
            return Err(ImportError::Line {
                line: i + 1,
                message: "thiếu tên (name)".into(),
            });
        }
    }
    let numbered: Vec<(usize, DayAdjustment)> = list
        .into_iter()
        .enumerate()
        .map(|(i, a)| (i + 1, a))
        .collect();
    check_duplicates(&numbered)?;
    Ok(numbered.into_iter().map(|(_, a)| a).collect())
}

fn check_duplicates(list: &[(usize, DayAdjustment)]) -> Result<(), ImportError> {
    for (i, (line, a)) in list.iter().enumerate() {
        if let Some((first, _)) = list[..i].iter().find(|(_, b)| b.date == a.date) {
            return Err(ImportError::Duplicate {
                date: a.date,
                first: *first,
                second: *line,
            });
        }
    }
    Ok(())
}

fn adjustment_from_fields(fields: &[String]) -> Result<DayAdjustment, String> {
    let date_text = fields[0].trim();
    let date: Date = date_text
        .parse()
        .map_err(|_| format!("ngày không hợp lệ «{date_text}» (cần dạng YYYY-MM-DD)"))?;
    let kind = match fields[1].trim().to_lowercase().as_str() {
        "off" | "nghỉ" | "nghi" => AdjustmentKind::Off,
        "work" | "làm" | "lam" | "làm bù" => AdjustmentKind::Work,
        other => return Err(format!("loại «{other}» không hợp lệ (cần off hoặc work)")),
    };
    let name = fields[2].trim().to_string();
    if name.is_empty() {
        return Err("thiếu tên (name)".into());
    }
    let source = fields[3].trim().to_string();
    let note = fields
        .get(4)
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    Ok(DayAdjustment {
        date,
        kind,
        name,
        source,
        note,
    })
}

fn split_csv_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if current.trim().is_empty() => {
                current.clear();
                quoted = true;
            }
            (',', false) => fields.push(std::mem::take(&mut current)),
            (c, _) => current.push(c),
        }
    }
    if quoted {
        return Err("thiếu dấu ngoặc kép đóng".into());
    }
    fields.push(current);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_header_quotes_and_vietnamese_kinds() {
        let csv = "date,kind,name,source\n\
                   2026-08-31,off,\"Nghỉ hoán đổi, dịp Quốc khánh\",Công văn 1/VPCP\n\
                   2026-08-22,làm,Làm bù,\"Công văn \"\"1\"\"\"\n";
        let list = parse_adjustments_csv(csv).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].name, "Nghỉ hoán đổi, dịp Quốc khánh");
        assert_eq!(list[1].kind, AdjustmentKind::Work);
        assert_eq!(list[1].source, "Công văn \"1\"");
    }

    #[test]
    fn csv_errors_name_the_line() {
        let err = parse_adjustments_csv("2026-02-30,off,X,Y").unwrap_err();
        assert_eq!(
            err.to_string(),
            "dòng 1: ngày không hợp lệ «2026-02-30» (cần dạng YYYY-MM-DD)"
        );
        let err = parse_adjustments_csv("2026-01-02,off,X,Y\n2026-01-03,holiday,X,Y").unwrap_err();
        assert!(
            err.to_string().starts_with("dòng 2: loại «holiday»"),
            "{err}"
        );
        let err = parse_adjustments_csv("2026-01-02,off,X").unwrap_err();
        assert!(err.to_string().contains("4 hoặc 5 cột"));
        let err = parse_adjustments_csv("2026-01-02,off,X,Y\n2026-01-02,work,X,Y").unwrap_err();
        assert_eq!(err.code(), "calendar.import.duplicate");
    }

    #[test]
    fn json_list() {
        let json = r#"[{"date":"2026-01-02","kind":"off","name":"Nghỉ","source":"CV"}]"#;
        assert_eq!(parse_adjustments_json(json).unwrap().len(), 1);
        assert_eq!(
            parse_adjustments_json("[{\"date\":\"x\"}]")
                .unwrap_err()
                .code(),
            "calendar.import.json"
        );
    }
}
