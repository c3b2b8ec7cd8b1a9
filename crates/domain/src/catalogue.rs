//! The procedure catalogue (thủ tục hành chính): value types and the validation of a procedure.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Unit of a procedure's processing time (thời hạn giải quyết).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    WorkingDays,
    CalendarDays,
    WorkingHours,
    /// "Trong ngày": due at the end of the working day of receipt.
    SameDay,
}

impl TimeUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnit::WorkingDays => "working_days",
            TimeUnit::CalendarDays => "calendar_days",
            TimeUnit::WorkingHours => "working_hours",
            TimeUnit::SameDay => "same_day",
        }
    }
    pub fn parse(s: &str) -> Option<TimeUnit> {
        [
            TimeUnit::WorkingDays,
            TimeUnit::CalendarDays,
            TimeUnit::WorkingHours,
            TimeUnit::SameDay,
        ]
        .into_iter()
        .find(|u| u.as_str() == s)
    }
}

/// Processing time as published: a value and its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcessingTime {
    pub value: u32,
    pub unit: TimeUnit,
}

impl ProcessingTime {
    /// Longest processing time we accept: ten years. Anything above is a typing error.
    pub const MAX_DAYS: u32 = 3650;

    pub fn validate(&self) -> Result<(), String> {
        let max = match self.unit {
            TimeUnit::WorkingDays | TimeUnit::CalendarDays => Self::MAX_DAYS,
            TimeUnit::WorkingHours => Self::MAX_DAYS * 8,
            TimeUnit::SameDay => 0,
        };
        if self.value > max {
            return Err(format!(
                "processing time {} exceeds the maximum {max}",
                self.value
            ));
        }
        if self.value == 0 && self.unit != TimeUnit::SameDay {
            return Err(
                "processing time must be positive (use same_day for \"trong ngày\")".into(),
            );
        }
        Ok(())
    }

    /// Vietnamese rendering, e.g. "05 ngày làm việc".
    pub fn label_vi(&self) -> String {
        match self.unit {
            TimeUnit::WorkingDays => format!("{:02} ngày làm việc", self.value),
            TimeUnit::CalendarDays => format!("{:02} ngày", self.value),
            TimeUnit::WorkingHours => format!("{:02} giờ làm việc", self.value),
            TimeUnit::SameDay => "Trong ngày".to_owned(),
        }
    }
}

impl From<ProcessingTime> for crate::calendar::deadline::ProcessingTime {
    fn from(t: ProcessingTime) -> Self {
        use crate::calendar::deadline::ProcessingTime as P;
        match t.unit {
            TimeUnit::WorkingDays => P::WorkingDays(t.value),
            TimeUnit::CalendarDays => P::CalendarDays(t.value),
            TimeUnit::WorkingHours => P::WorkingHours(t.value),
            TimeUnit::SameDay => P::SameDay,
        }
    }
}

/// Level of the deciding authority (cấp thực hiện).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Cấp tỉnh.
    Tinh,
    /// Cấp huyện (historical, before 2025-07-01).
    Huyen,
    /// Cấp xã.
    Xa,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Tinh => "tinh",
            Level::Huyen => "huyen",
            Level::Xa => "xa",
        }
    }
    pub fn parse(s: &str) -> Option<Level> {
        [Level::Tinh, Level::Huyen, Level::Xa]
            .into_iter()
            .find(|l| l.as_str() == s)
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Level::Tinh => "Cấp tỉnh",
            Level::Huyen => "Cấp huyện",
            Level::Xa => "Cấp xã",
        }
    }
}

/// How far a procedure can be done online (dịch vụ công trực tuyến).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OnlineService {
    None,
    /// Một phần (formerly "level 3").
    Partial,
    /// Toàn trình (formerly "level 4").
    Full,
}

impl OnlineService {
    pub fn as_str(self) -> &'static str {
        match self {
            OnlineService::None => "none",
            OnlineService::Partial => "partial",
            OnlineService::Full => "full",
        }
    }
    pub fn parse(s: &str) -> Option<OnlineService> {
        [
            OnlineService::None,
            OnlineService::Partial,
            OnlineService::Full,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

/// Channels through which a procedure accepts files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Channels {
    pub counter: bool,
    pub post: bool,
    pub online: OnlineService,
}

/// A fee or charge (phí, lệ phí), in whole VND. `amount_vnd` is absent when the amount is set
/// by another act (e.g. "do HĐND cấp tỉnh quyết định"): then the description says where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Fee {
    pub description: String,
    #[serde(default)]
    pub amount_vnd: Option<i64>,
}

/// A required document (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RequiredDocument {
    pub name: String,
    pub copies: u32,
    /// File name of the form template, if the procedure has one.
    pub template: Option<String>,
}

/// A procedure's national code, e.g. `1.001193` or `2.000908`. Provinces also publish local
/// procedures with their own codes, so the check is on safe characters and length, not one format.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProcedureCode(String);

impl ProcedureCode {
    pub fn parse(raw: &str) -> Result<ProcedureCode, String> {
        let raw = raw.trim();
        let ok = (1..=32).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        if ok {
            Ok(ProcedureCode(raw.to_owned()))
        } else {
            Err(format!(
                "`{}` is not a procedure code (1–32 letters, digits, '.', '-' or '_')",
                raw.chars().take(40).collect::<String>()
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ProcedureCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ProcedureCode::parse(&value)
    }
}

impl From<ProcedureCode> for String {
    fn from(value: ProcedureCode) -> Self {
        value.0
    }
}

impl fmt::Display for ProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A problem with one field of submitted data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Checks a free-text value: trimmed, non-empty when required, at most `max` characters,
/// no control characters.
pub fn check_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    required: bool,
    max: usize,
) {
    if required && value.trim().is_empty() {
        errors.push(FieldError::new(field, "must not be empty"));
    }
    if value.chars().count() > max {
        errors.push(FieldError::new(field, format!("at most {max} characters")));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.push(FieldError::new(field, "contains control characters"));
    }
}

/// Everything an administrator enters for a procedure, validated as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProcedureSpec {
    pub code: String,
    pub name: String,
    pub field_code: String,
    pub level: Level,
    pub processing_time: ProcessingTime,
    #[serde(default)]
    pub fees: Vec<Fee>,
    #[serde(default)]
    pub documents: Vec<RequiredDocument>,
    pub channels: Channels,
    #[serde(default)]
    pub online_payment: bool,
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub legal_basis: Vec<String>,
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub valid_from: Option<jiff::civil::Date>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub valid_to: Option<jiff::civil::Date>,
}

impl ProcedureSpec {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Err(e) = ProcedureCode::parse(&self.code) {
            errors.push(FieldError::new("code", e));
        }
        check_text(&mut errors, "name", &self.name, true, 1000);
        check_text(&mut errors, "field_code", &self.field_code, true, 32);
        check_text(&mut errors, "result", &self.result, false, 1000);
        check_text(&mut errors, "agency", &self.agency, false, 1000);
        if let Err(e) = self.processing_time.validate() {
            errors.push(FieldError::new("processing_time", e));
        }
        if self.fees.len() > 50 {
            errors.push(FieldError::new("fees", "at most 50 fees"));
        }
        for (i, fee) in self.fees.iter().enumerate() {
            check_text(
                &mut errors,
                &format!("fees[{i}].description"),
                &fee.description,
                true,
                500,
            );
            if fee
                .amount_vnd
                .is_some_and(|a| !(0..=1_000_000_000_000).contains(&a))
            {
                errors.push(FieldError::new(
                    &format!("fees[{i}].amount_vnd"),
                    "must be between 0 and 1,000,000,000,000 VND",
                ));
            }
        }
        if self.documents.len() > 100 {
            errors.push(FieldError::new("documents", "at most 100 documents"));
        }
        for (i, doc) in self.documents.iter().enumerate() {
            check_text(
                &mut errors,
                &format!("documents[{i}].name"),
                &doc.name,
                true,
                1000,
            );
            if !(1..=100).contains(&doc.copies) {
                errors.push(FieldError::new(
                    &format!("documents[{i}].copies"),
                    "between 1 and 100",
                ));
            }
        }
        if self.legal_basis.len() > 50 {
            errors.push(FieldError::new("legal_basis", "at most 50 entries"));
        }
        for (i, basis) in self.legal_basis.iter().enumerate() {
            check_text(&mut errors, &format!("legal_basis[{i}]"), basis, true, 500);
        }
        if !self.channels.counter
            && !self.channels.post
            && self.channels.online == OnlineService::None
        {
            errors.push(FieldError::new(
                "channels",
                "at least one channel must accept files",
            ));
        }
        if let (Some(from), Some(to)) = (self.valid_from, self.valid_to)
            && to < from
        {
            errors.push(FieldError::new("valid_to", "must not be before valid_from"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> ProcedureSpec {
        ProcedureSpec {
            code: "1.001193".into(),
            name: "Thủ tục đăng ký khai sinh".into(),
            field_code: "HOTICH".into(),
            level: Level::Xa,
            processing_time: ProcessingTime {
                value: 1,
                unit: TimeUnit::WorkingDays,
            },
            fees: vec![Fee {
                description: "Miễn lệ phí".into(),
                amount_vnd: Some(0),
            }],
            documents: vec![RequiredDocument {
                name: "Tờ khai đăng ký khai sinh".into(),
                copies: 1,
                template: None,
            }],
            channels: Channels {
                counter: true,
                post: true,
                online: OnlineService::Full,
            },
            online_payment: true,
            result: "Giấy khai sinh".into(),
            legal_basis: vec!["Luật Hộ tịch số 60/2014/QH13".into()],
            agency: "Ủy ban nhân dân cấp xã".into(),
            valid_from: None,
            valid_to: None,
        }
    }

    #[test]
    fn a_real_procedure_is_valid() {
        assert_eq!(spec().validate(), Ok(()));
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let mut bad = spec();
        bad.code = "1.001193; DROP".into();
        bad.name = "  ".into();
        bad.fees[0].amount_vnd = Some(-5);
        bad.processing_time = ProcessingTime {
            value: 99_999,
            unit: TimeUnit::CalendarDays,
        };
        bad.channels = Channels {
            counter: false,
            post: false,
            online: OnlineService::None,
        };
        let fields: Vec<String> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "code",
                "name",
                "processing_time",
                "fees[0].amount_vnd",
                "channels"
            ]
        );
    }
}
