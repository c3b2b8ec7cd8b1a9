//! The printed receipt and appointment (form 01). The lookup PIN is kept only as a hash, so
//! printing a receipt issues a new PIN: the paper in the applicant's hands always works, and
//! an older copy stops working.

use super::intake::{pin_hash, random_pin};
use super::row::record_of;
use crate::audit::{self, Change};
use crate::calendar::utc7;
use crate::{Actor, App, AppError, Result};
use motcua_domain::catalogue::{Fee, ProcessingTime, TimeUnit};
use motcua_domain::permission::Action;
use motcua_forms as forms;
use motcua_store::files as store;
use motcua_store::{catalogue as procedures, commit, units, users};

/// The place name of the date line: the province's name without "Tỉnh"/"Thành phố" and
/// without any parenthesised remark ("Tỉnh Sơn La (dữ liệu mẫu)" → "Sơn La").
pub fn place_name(tenant_name: &str) -> String {
    let name = tenant_name.split(" (").next().unwrap_or(tenant_name).trim();
    ["Tỉnh ", "Thành phố ", "TP. "]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name)
        .to_owned()
}

fn local(t: jiff::Timestamp) -> jiff::civil::DateTime {
    t.to_zoned(utc7()).datetime()
}

/// Prints the receipt of file `file_id` as PDF, with a new PIN. `lookup_base` is the public
/// address the QR code points to (the lookup page gets `?ma=CODE`).
pub async fn print_receipt(
    app: &App,
    actor: &Actor,
    file_id: i64,
    lookup_base: &str,
) -> Result<(String, Vec<u8>)> {
    let tenant_id = actor.tenant_id;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let row = store::file_by_id(&mut tx, tenant_id, file_id)
        .await?
        .ok_or(AppError::NotFound("file"))?;
    let unit = units::by_id(&mut tx, tenant_id, row.receiving_unit_id)
        .await?
        .ok_or(AppError::NotFound("unit"))?;
    actor.require_at(Action::ReceiveFiles, &unit.path)?;
    let code = row
        .code
        .clone()
        .ok_or_else(|| AppError::invalid("file", "the file has not been received yet"))?;
    let rec = record_of(&row)?;
    let deadline = rec
        .deadline
        .as_ref()
        .ok_or_else(|| AppError::invalid("file", "the file has no deadline yet"))?;
    let received_at = rec
        .received_at
        .ok_or_else(|| AppError::invalid("file", "the file has not been received yet"))?;
    let agency = super::forms::agency_of(&mut tx, tenant_id, &unit).await?;
    let procedure = procedures::procedure_by_id(&mut tx, tenant_id, row.procedure_id)
        .await?
        .ok_or(AppError::NotFound("procedure"))?;
    let events = store::events(&mut tx, tenant_id, file_id).await?;
    let officer = match events.first().and_then(|e| e.actor_id) {
        Some(id) => users::by_id(&mut tx, tenant_id, id)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let pin = random_pin();
    store::set_pin_hash(
        &mut tx,
        tenant_id,
        file_id,
        &pin_hash(tenant_id, &code, &pin),
    )
    .await?;
    audit::record(
        &mut tx,
        tenant_id,
        Some(actor.user_id),
        now.as_second(),
        Change {
            action: "file.receipt_printed",
            entity_type: "file",
            entity_id: file_id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "code": code, "pin_renewed": true })),
        },
    )
    .await?;
    commit(tx).await?;

    let time = ProcessingTime {
        value: u32::try_from(procedure.time_value).unwrap_or(0),
        unit: TimeUnit::parse(&procedure.time_unit).unwrap_or(TimeUnit::WorkingDays),
    };
    let fees: Vec<Fee> = serde_json::from_str(&procedure.fees_json).unwrap_or_default();
    let fixed: Vec<i64> = fees.iter().filter_map(|f| f.amount_vnd).collect();
    let documents: Vec<String> = serde_json::from_str(&row.documents_json).unwrap_or_default();
    let result_delivery = match row.channel.as_str() {
        "post" => "Qua dịch vụ bưu chính công ích, theo địa chỉ của người nộp".to_owned(),
        _ => format!("Bộ phận Tiếp nhận và Trả kết quả, {}", unit.name),
    };
    let data = forms::ReceiptData {
        letterhead: forms::Letterhead {
            form_number: rec.rules.forms.receipt.clone().unwrap_or_default(),
            agency,
            reference: String::new(),
            date: local(received_at).date(),
        },
        file_code: code.clone(),
        applicant: forms::Applicant {
            name: row.applicant_name.clone(),
            address: row.applicant_address.clone().unwrap_or_default(),
            phone: row.applicant_phone.clone().unwrap_or_default(),
            email: row.applicant_email.clone().unwrap_or_default(),
        },
        procedure_name: procedure.name,
        documents: documents
            .into_iter()
            .map(|name| forms::SubmittedDocument {
                name,
                kind: String::new(),
                copies: 1,
            })
            .collect(),
        sets: 1,
        processing_time: time.label_vi(),
        received_at: local(received_at),
        appointment: local(deadline.due),
        result_delivery,
        fee: (!fixed.is_empty()).then(|| fixed.iter().sum()),
        lookup_url: format!("{}/tra-cuu?ma={code}", lookup_base.trim_end_matches('/')),
        pin: Some(pin),
        officer_name: officer,
        book_entry: String::new(),
    };
    let pdf = super::forms::render(move || forms::receipt(&data)).await?;
    Ok((code, pdf))
}

#[cfg(test)]
mod tests {
    use super::place_name;

    #[test]
    fn the_date_line_uses_the_province_name() {
        assert_eq!(place_name("Tỉnh Sơn La (dữ liệu mẫu)"), "Sơn La");
        assert_eq!(place_name("Thành phố Hà Nội"), "Hà Nội");
        assert_eq!(place_name("Huế"), "Huế");
    }
}
