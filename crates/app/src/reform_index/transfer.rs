//! A criteria set as one table, so that it can be kept in a spreadsheet: CSV (UTF-8 with BOM)
//! and XLSX with the same columns. Rows: `bo` (the set: kind of unit, name, year, source),
//! `tieu_chi` (a criterion; its parent is its code without the last `.part`), `xep_loai` (a
//! grade: code, name, lowest total). Thresholds are written `98:3|95:2|90:1` (percent:points).

use super::set_problems;
use crate::{AppError, Result};
use motcua_domain::reform_index::{Band, CriteriaSet, Criterion, Grade, Method, Source};

const HEADER: [&str; 9] = [
    "loai",
    "ma",
    "ten",
    "diem",
    "phuong_phap",
    "nguon",
    "nguong",
    "huong_dan",
    "kiem_chung",
];

fn source_code(s: Source) -> &'static str {
    match s {
        Source::OnTimeRate => "on_time_rate",
        Source::OnlineShare => "online_share",
        Source::LateWithApology => "late_with_apology",
        Source::Satisfaction => "satisfaction",
        Source::FeedbackOnTime => "feedback_on_time",
    }
}

fn parse_source(s: &str) -> Option<Source> {
    [
        Source::OnTimeRate,
        Source::OnlineShare,
        Source::LateWithApology,
        Source::Satisfaction,
        Source::FeedbackOnTime,
    ]
    .into_iter()
    .find(|x| source_code(*x) == s)
}

fn num(x: f64) -> String {
    let s = format!("{:.2}", x);
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The set as rows of text cells, header first.
fn table(set: &CriteriaSet) -> Vec<Vec<String>> {
    let mut rows = vec![HEADER.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    rows.push(vec![
        "bo".into(),
        set.unit_kind.clone(),
        set.name.clone(),
        set.year.to_string(),
        if set.example {
            "vi_du".into()
        } else {
            String::new()
        },
        String::new(),
        String::new(),
        set.source.clone(),
        String::new(),
    ]);
    for (_, c) in set.walk() {
        let (method, source, bands) = match &c.method {
            Method::Manual => ("thu_cong", "", Vec::new()),
            Method::Computed { source, bands } => ("tu_dong", source_code(*source), bands.clone()),
            Method::Survey { bands } => ("dieu_tra", "", bands.clone()),
        };
        rows.push(vec![
            "tieu_chi".into(),
            c.code.clone(),
            c.name.clone(),
            num(c.max_points),
            if c.is_leaf() {
                method.into()
            } else {
                String::new()
            },
            source.into(),
            bands
                .iter()
                .map(|b| format!("{}:{}", num(b.min_percent), num(b.points)))
                .collect::<Vec<_>>()
                .join("|"),
            c.guidance.clone(),
            c.evidence.clone(),
        ]);
    }
    for g in &set.grades {
        let mut row = vec![
            "xep_loai".into(),
            g.code.clone(),
            g.name.clone(),
            num(g.min_total),
        ];
        row.resize(HEADER.len(), String::new());
        rows.push(row);
    }
    rows
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The set as CSV.
pub fn export_csv(set: &CriteriaSet) -> String {
    let mut out = String::from("\u{feff}");
    for row in table(set) {
        out.push_str(
            &row.iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::Internal(format!("xlsx: {e}"))
}

/// The set as a spreadsheet with the same columns as the CSV.
pub fn export_xlsx(set: &CriteriaSet) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Bo tieu chi").map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    for (r, row) in table(set).iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let format = if r == 0 { &bold } else { &wrap };
            ws.write_string_with_format(r as u32, c as u16, cell, format)
                .map_err(xlsx_error)?;
        }
    }
    for (c, width) in [10.0, 10.0, 60.0, 8.0, 12.0, 18.0, 18.0, 50.0, 40.0]
        .into_iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, width).map_err(xlsx_error)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    book.save_to_buffer().map_err(xlsx_error)
}

/// Records of a CSV text with their line numbers.
pub(crate) fn csv_records(text: &str) -> Result<Vec<(usize, Vec<String>)>> {
    let mut reader = crate::files::csv::CsvReader::new(std::io::BufReader::new(text.as_bytes()));
    let mut out = Vec::new();
    while let Some(record) = reader.next_record() {
        let r = record.map_err(|e| AppError::invalid(&format!("line {}", e.line), e.message))?;
        out.push((r.line, r.fields));
    }
    Ok(out)
}

/// Reads a set from CSV and validates it.
pub fn import_csv(text: &str) -> Result<CriteriaSet> {
    from_table(csv_records(text)?)
}

/// Reads a set from the first sheet of an XLSX workbook and validates it.
pub fn import_xlsx(bytes: &[u8]) -> Result<CriteriaSet> {
    use calamine::{Reader, Xlsx};
    let not_xlsx = || AppError::invalid("file", "not an XLSX workbook");
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(not_xlsx)?
        .map_err(|_| not_xlsx())?;
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, row)| (i + 1, row.iter().map(|c| c.to_string()).collect()))
        .collect();
    from_table(rows)
}

fn parse_num(line: usize, s: &str) -> Result<f64> {
    s.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| {
            AppError::invalid(
                &format!("line {line}"),
                format!(
                    "`{}` is not a number",
                    s.chars().take(20).collect::<String>()
                ),
            )
        })
}

fn parse_bands(line: usize, s: &str) -> Result<Vec<Band>> {
    s.split('|')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (a, b) = p.split_once(':').ok_or_else(|| {
                AppError::invalid(&format!("line {line}"), "thresholds are percent:points|…")
            })?;
            Ok(Band {
                min_percent: parse_num(line, a)?,
                points: parse_num(line, b)?,
            })
        })
        .collect()
}

fn from_table(rows: Vec<(usize, Vec<String>)>) -> Result<CriteriaSet> {
    let mut set = CriteriaSet {
        year: 0,
        unit_kind: String::new(),
        name: String::new(),
        source: String::new(),
        example: false,
        fields: Vec::new(),
        grades: Vec::new(),
    };
    let mut flat: Vec<(String, Criterion)> = Vec::new();
    let mut seen_set = false;
    for (line, mut cells) in rows {
        cells.resize(HEADER.len(), String::new());
        let cell = |i: usize| cells[i].trim().to_owned();
        let bad = |m: &str| AppError::invalid(&format!("line {line}"), m.to_owned());
        match cell(0).as_str() {
            "loai" | "" => continue,
            "bo" => {
                seen_set = true;
                set.unit_kind = cell(1);
                set.name = cell(2);
                set.year = cell(3).parse().map_err(|_| bad("the year is a number"))?;
                set.example = cell(4) == "vi_du";
                set.source = cell(7);
            }
            "tieu_chi" => {
                let code = cell(1);
                let bands = parse_bands(line, &cell(6))?;
                let method = match cell(4).as_str() {
                    "" | "thu_cong" => Method::Manual,
                    "tu_dong" => Method::Computed {
                        source: parse_source(&cell(5)).ok_or_else(|| {
                            bad("source: on_time_rate, online_share, late_with_apology, satisfaction or feedback_on_time")
                        })?,
                        bands,
                    },
                    "dieu_tra" => Method::Survey { bands },
                    _ => return Err(bad("method: thu_cong, tu_dong or dieu_tra")),
                };
                let parent = code
                    .rsplit_once('.')
                    .map(|(p, _)| p.to_owned())
                    .unwrap_or_default();
                flat.push((
                    parent,
                    Criterion {
                        code,
                        name: cell(2),
                        max_points: parse_num(line, &cell(3))?,
                        guidance: cell(7),
                        evidence: cell(8),
                        method,
                        children: Vec::new(),
                    },
                ));
            }
            "xep_loai" => set.grades.push(Grade {
                code: cell(1),
                name: cell(2),
                min_total: parse_num(line, &cell(3))?,
            }),
            _ => return Err(bad("the first column is bo, tieu_chi or xep_loai")),
        }
    }
    if !seen_set {
        return Err(AppError::invalid(
            "set",
            "a `bo` row with the kind of unit, name and year",
        ));
    }
    let known: std::collections::BTreeSet<String> =
        flat.iter().map(|(_, c)| c.code.clone()).collect();
    if let Some((parent, c)) = flat
        .iter()
        .find(|(p, _)| !p.is_empty() && !known.contains(p))
    {
        return Err(AppError::invalid(
            &c.code,
            format!("no parent criterion `{parent}`"),
        ));
    }
    fn children_of(flat: &[(String, Criterion)], parent: &str) -> Vec<Criterion> {
        flat.iter()
            .filter(|(p, _)| p == parent)
            .map(|(_, c)| {
                let mut c = c.clone();
                c.children = children_of(flat, &c.code);
                c
            })
            .collect()
    }
    set.fields = children_of(&flat, "");
    set.validate().map_err(set_problems)?;
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_goes_through_csv_and_xlsx_unchanged() {
        let set = CriteriaSet::example(2026);
        let back = import_csv(&export_csv(&set)).unwrap();
        assert_eq!(back, set);
        let back = import_xlsx(&export_xlsx(&set).unwrap()).unwrap();
        assert_eq!(back, set);
    }

    #[test]
    fn a_broken_table_names_the_line() {
        let mut text = export_csv(&CriteriaSet::example(2026));
        text = text.replacen("tieu_chi,1.1,", "tieu_chi,1.1,X", 1);
        text.push_str("tieu_chi,3.9,Thừa,abc,,,,,\r\n");
        let err = import_csv(&text).unwrap_err();
        match err {
            AppError::Validation(errors) => assert!(
                errors
                    .iter()
                    .any(|e| e.field.starts_with("line ") && e.message.contains("not a number")),
                "{errors:?}"
            ),
            other => panic!("{other:?}"),
        }
        let err = import_xlsx(b"not a workbook").unwrap_err();
        assert_eq!(err.code(), "validation_failed");
    }
}
