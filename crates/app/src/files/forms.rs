//! The other printed forms of a file, made from what the file's record and history hold:
//! supplement request (02), refusal (03), apology with a new date (04), stop notice (2025 form
//! 05) and the control slip (05/06). Printing changes nothing, so anyone who may read the file
//! may print them; each form exists only once its event has happened.

use super::read::load_scoped;
use super::row::record_of;
use crate::calendar::utc7;
use crate::{Actor, App, AppError, Result};
use jiff::Timestamp;
use jiff::civil::DateTime;
use motcua_domain::calendar::timeliness::Resolution;
use motcua_domain::file::{Action, HistoryEvent};
use motcua_forms as forms;
use motcua_store::files::{self as store, FileRow};
use motcua_store::{Conn, catalogue as procedures, tenants, units, users};

/// A form to print, by the name used in addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintedForm {
    SupplementRequest,
    Refusal,
    Apology,
    StopNotice,
    ControlSlip,
}

impl PrintedForm {
    pub const ALL: [PrintedForm; 5] = [
        PrintedForm::SupplementRequest,
        PrintedForm::Refusal,
        PrintedForm::Apology,
        PrintedForm::StopNotice,
        PrintedForm::ControlSlip,
    ];

    /// The slug in `/ho-so/{id}/in/{slug}` and the API.
    pub fn slug(self) -> &'static str {
        match self {
            PrintedForm::SupplementRequest => "phieu-yeu-cau-bo-sung",
            PrintedForm::Refusal => "phieu-tu-choi",
            PrintedForm::Apology => "phieu-xin-loi",
            PrintedForm::StopNotice => "thong-bao-dung-giai-quyet",
            PrintedForm::ControlSlip => "phieu-kiem-soat",
        }
    }

    pub fn parse(slug: &str) -> Option<PrintedForm> {
        PrintedForm::ALL.into_iter().find(|f| f.slug() == slug)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            PrintedForm::SupplementRequest => "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            PrintedForm::Refusal => "Phiếu từ chối giải quyết hồ sơ",
            PrintedForm::Apology => "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
            PrintedForm::StopNotice => "Thông báo dừng giải quyết hồ sơ",
            PrintedForm::ControlSlip => "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        }
    }
}

fn local(t: Timestamp) -> DateTime {
    t.to_zoned(utc7()).datetime()
}

/// Agency lines of the letterhead: the unit, its parent and the province's place name.
pub(crate) async fn agency_of(
    conn: &mut Conn,
    tenant_id: i64,
    unit: &units::Unit,
) -> Result<forms::Agency> {
    let parent_name = match unit.parent_id {
        Some(parent) => units::by_id(conn, tenant_id, parent)
            .await?
            .map(|u| u.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let tenant = tenants::list(conn)
        .await?
        .into_iter()
        .find(|t| t.id == tenant_id)
        .ok_or(AppError::NotFound("tenant"))?;
    Ok(forms::Agency {
        parent_name,
        name: unit.name.clone(),
        place: super::place_name(&tenant.name),
    })
}

fn applicant_of(row: &FileRow) -> forms::Applicant {
    forms::Applicant {
        name: row.applicant_name.clone(),
        address: row.applicant_address.clone().unwrap_or_default(),
        phone: row.applicant_phone.clone().unwrap_or_default(),
        email: row.applicant_email.clone().unwrap_or_default(),
    }
}

async fn name_of(conn: &mut Conn, tenant_id: i64, user_id: i64) -> Result<String> {
    Ok(users::by_id(conn, tenant_id, user_id)
        .await?
        .map(|u| u.display_name)
        .unwrap_or_default())
}

fn not_yet(what: &str) -> AppError {
    AppError::Rule {
        code: "form_not_available",
        message: format!("this file has no {what} to print"),
        message_vi: "Hồ sơ chưa có nội dung để in biểu mẫu này.".into(),
        conflict: true,
    }
}

/// The forms that exist for a file now, for the file's page.
pub fn available_forms(detail: &super::FileDetail) -> Vec<PrintedForm> {
    let state = detail.file.state.as_str();
    PrintedForm::ALL
        .into_iter()
        .filter(|f| match f {
            PrintedForm::SupplementRequest => detail.supplement_requests > 0,
            PrintedForm::Refusal => state == "refused",
            PrintedForm::Apology => detail
                .history
                .iter()
                .any(|h| h.action == motcua_domain::file::ActionKind::Apologize),
            PrintedForm::StopNotice => state == "stopped",
            PrintedForm::ControlSlip => detail.file.code.is_some(),
        })
        .collect()
}

/// Prints `form` for file `file_id`; returns the file code and the PDF.
pub async fn print_form(
    app: &App,
    actor: &Actor,
    file_id: i64,
    form: PrintedForm,
) -> Result<(String, Vec<u8>)> {
    let tenant_id = actor.tenant_id;
    let row = load_scoped(app, actor, file_id).await?;
    let rec = record_of(&row)?;
    let code = row.code.clone().ok_or_else(|| not_yet("code"))?;
    let mut conn = app.db.read_conn().await?;
    let unit = units::by_id(&mut conn, tenant_id, rec.current_unit_id)
        .await?
        .ok_or(AppError::NotFound("unit"))?;
    let procedure = procedures::procedure_by_id(&mut conn, tenant_id, row.procedure_id)
        .await?
        .ok_or(AppError::NotFound("procedure"))?;
    let events: Vec<HistoryEvent> = store::events(&mut conn, tenant_id, file_id)
        .await?
        .iter()
        .filter_map(|e| serde_json::from_str(&e.event_json).ok())
        .collect();
    let today = app.now().to_zoned(utc7()).date();
    let numbers = &rec.rules.forms;
    let letterhead = |number: &Option<String>, agency: forms::Agency| forms::Letterhead {
        form_number: number.clone().unwrap_or_default(),
        agency,
        reference: String::new(),
        date: today,
    };
    let agency = agency_of(&mut conn, tenant_id, &unit).await?;
    let received = rec.received_at.map(local).unwrap_or_default();
    let appointment = rec
        .deadline
        .as_ref()
        .map(|d| local(d.due))
        .unwrap_or_default();
    let applicant = applicant_of(&row);
    let officer = name_of(&mut conn, tenant_id, actor.user_id).await?;
    let pdf = match form {
        PrintedForm::SupplementRequest => {
            let request = rec
                .supplement_requests
                .last()
                .ok_or_else(|| not_yet("supplement request"))?;
            let data = forms::SupplementRequestData {
                letterhead: letterhead(&numbers.supplement_request, agency),
                file_code: code.clone(),
                applicant,
                procedure_name: procedure.name,
                items: request.missing_items.clone(),
                reason: String::new(),
                contact: String::new(),
                officer_name: name_of(&mut conn, tenant_id, request.requested_by).await?,
            };
            render(move || forms::supplement_request(&data)).await?
        }
        PrintedForm::Refusal => {
            let reasons = events
                .iter()
                .rev()
                .find_map(|e| match &e.action {
                    Some(Action::Refuse { reasons }) => Some(reasons.clone()),
                    _ => None,
                })
                .ok_or_else(|| not_yet("refusal"))?;
            let data = forms::RefusalData {
                letterhead: letterhead(&numbers.refusal, agency),
                file_code: code.clone(),
                applicant,
                procedure_name: procedure.name,
                reasons,
                officer_name: officer,
            };
            render(move || forms::refusal(&data)).await?
        }
        PrintedForm::Apology => {
            let apology = rec.apology.as_ref().ok_or_else(|| not_yet("apology"))?;
            let data = forms::ApologyData {
                letterhead: letterhead(&numbers.apology, agency),
                kind: apology_kind(&rec.rules.rule_version_id, numbers.apology.as_deref()),
                file_code: code.clone(),
                applicant,
                procedure_name: procedure.name,
                received_at: received,
                old_appointment: local(apology.previous_due),
                new_appointment: apology.new_date.to_datetime(jiff::civil::time(17, 0, 0, 0)),
                reason: apology.reason.clone(),
                signer: forms::Signer::default(),
                recipients: Vec::new(),
            };
            render(move || forms::apology(&data)).await?
        }
        PrintedForm::StopNotice => {
            let (reason, at) = events
                .iter()
                .rev()
                .find_map(|e| match &e.action {
                    Some(Action::StopProcessing { reason }) => Some((reason.clone(), e.at)),
                    _ => None,
                })
                .ok_or_else(|| not_yet("stop"))?;
            let data = forms::StopNoticeData {
                letterhead: letterhead(&numbers.stop_notice, agency),
                file_code: code.clone(),
                applicant,
                procedure_name: procedure.name,
                received_at: received,
                requested_on: Some(local(at).date()),
                reason,
                signer: forms::Signer::default(),
                recipients: Vec::new(),
            };
            render(move || forms::stop_notice(&data)).await?
        }
        PrintedForm::ControlSlip => {
            let receiving = units::by_id(&mut conn, tenant_id, row.receiving_unit_id)
                .await?
                .ok_or(AppError::NotFound("unit"))?;
            let mut steps = Vec::new();
            let mut partners = Vec::new();
            for leg in &rec.legs {
                let partner = units::by_id(&mut conn, tenant_id, leg.unit_id)
                    .await?
                    .map(|u| u.name)
                    .unwrap_or_default();
                steps.push(forms::HandoverStep {
                    from: unit.name.clone(),
                    to: partner.clone(),
                    at: Some(local(leg.sent_at)),
                    ..forms::HandoverStep::default()
                });
                if let Some(back) = leg.returned_at {
                    steps.push(forms::HandoverStep {
                        from: partner.clone(),
                        to: unit.name.clone(),
                        at: Some(local(back)),
                        result: timeliness_vi(back, leg.due).into(),
                        ..forms::HandoverStep::default()
                    });
                }
                if !partners.contains(&partner) {
                    partners.push(partner);
                }
            }
            if let Some(finished) = rec.processing_finished_at {
                steps.push(forms::HandoverStep {
                    from: unit.name.clone(),
                    to: "Bộ phận Tiếp nhận và Trả kết quả".into(),
                    at: Some(local(finished)),
                    result: match rec.resolution() {
                        Some(Resolution::Early) => "Trước hạn",
                        Some(Resolution::OnTime) => "Đúng hạn",
                        Some(Resolution::Late) => "Quá hạn",
                        None => "",
                    }
                    .into(),
                    ..forms::HandoverStep::default()
                });
            }
            let mut first = vec![forms::HandoverStep {
                from: format!("Bộ phận Tiếp nhận và Trả kết quả, {}", receiving.name),
                to: unit.name.clone(),
                at: rec.received_at.map(local),
                ..forms::HandoverStep::default()
            }];
            first.extend(steps);
            let data = forms::ControlSlipData {
                letterhead: letterhead(
                    &numbers.control_slip,
                    agency_of(&mut conn, tenant_id, &receiving).await?,
                ),
                file_code: code.clone(),
                applicant,
                procedure_name: procedure.name,
                received_at: received,
                appointment,
                lead_agency: unit.name.clone(),
                partner_agencies: partners.join("; "),
                steps: first,
            };
            render(move || forms::control_slip(&data)).await?
        }
    };
    Ok((code, pdf))
}

/// Which apology letter the file's rule version prescribes, read from the version's list of
/// forms: the 2025 one asks for an extension ("đề nghị gia hạn").
fn apology_kind(rule_version_id: &str, number: Option<&str>) -> forms::ApologyKind {
    let name = motcua_domain::rules::RuleSet::builtin()
        .iter()
        .find(|rs| rs.id == rule_version_id)
        .and_then(|rs| rs.form(number.unwrap_or_default()))
        .map(|f| motcua_domain::text::fold(&f.name))
        .unwrap_or_default();
    if name.contains("gia han") {
        forms::ApologyKind::ExtensionRequest
    } else {
        forms::ApologyKind::NewAppointment
    }
}

fn timeliness_vi(done: Timestamp, due: Timestamp) -> &'static str {
    if done <= due {
        "Đúng hạn"
    } else {
        "Quá hạn"
    }
}

/// Builds a PDF off the async workers.
pub(crate) async fn render<F>(build: F) -> Result<Vec<u8>>
where
    F: FnOnce() -> std::result::Result<Vec<u8>, forms::FormError> + Send + 'static,
{
    tokio::task::spawn_blocking(build)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("form: {e} ({})", e.code())))
}
