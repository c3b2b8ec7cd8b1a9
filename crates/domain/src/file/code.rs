//! The code printed on the receipt (mã hồ sơ). The format belongs to the rule
//! version (it changed on 25 January 2026) and may be overridden by the
//! procedure (nationally centralised systems use their own); the running
//! number is allocated by the store atomically per unit and day, so this
//! function only formats.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::error::FileError;
use crate::rules::{CodeShape, RuleSet, format_file_code};

/// What a code is made of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRequest<'a> {
    /// The receiving unit's code (QCVN 102), e.g. `000.00.01.H26`.
    pub agency_code: &'a str,
    /// The local (UTC+7) date of receipt.
    pub date: Date,
    /// The unit's running number for that date, from 1.
    pub sequence: u64,
    /// The platform owner's code (AA) for the 2026 national format.
    pub platform_code: Option<&'a str>,
    /// The procedure's own template, if it has one.
    pub template_override: Option<&'a str>,
}

/// The template of `req`: the procedure's own, or the rule version's on the receipt date.
fn template<'a>(rule_set: &'a RuleSet, req: &CodeRequest<'a>) -> Result<&'a str, FileError> {
    match req.template_override {
        Some(t) => Ok(t),
        None => Ok(&rule_set
            .file_code_format(req.date)
            .ok_or_else(|| FileError::NoCodeFormat {
                rule_version: rule_set.id.clone(),
                date: req.date,
            })?
            .template),
    }
}

/// Formats the code of a received file under `rule_set`.
pub fn file_code(rule_set: &RuleSet, req: &CodeRequest) -> Result<String, FileError> {
    Ok(format_file_code(
        template(rule_set, req)?,
        req.agency_code,
        req.date,
        req.sequence,
        req.platform_code,
    )?)
}

/// The shape of the code [`file_code`] gives for `req`, whatever its running number
/// (`req.sequence` is not read); `None` when the template does not have exactly one.
pub fn file_code_shape(
    rule_set: &RuleSet,
    req: &CodeRequest,
) -> Result<Option<CodeShape>, FileError> {
    Ok(crate::rules::file_code_shape(
        template(rule_set, req)?,
        req.agency_code,
        req.date,
        req.platform_code,
    )?)
}
