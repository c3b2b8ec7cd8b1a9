//! Demo data: a province with departments and communes, one user per role, and a catalogue of
//! real procedures (national codes and names from the public national catalogue), so that a
//! newcomer running `motcua demo` sees a living system.

use crate::demo_files::DemoFilesReport;
use crate::org::{self, By, StaffInput, UnitInput};
use crate::{App, AppError, Result, auth, catalogue, tenancy};
use motcua_domain::catalogue::{
    Channels, Fee, Level, OnlineService, ProcedureSpec, ProcessingTime, RequiredDocument, TimeUnit,
};
use serde::{Deserialize, Serialize};

pub const TENANT_CODE: &str = "demo";
const TENANT_NAME: &str = "Tỉnh Sơn La (dữ liệu mẫu)";

/// The demo units: (code, name, kind, parent code). Agency codes follow the QCVN 102 shape but
/// are illustrative.
const UNITS: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "000.00.00.H48",
        "Ủy ban nhân dân tỉnh Sơn La",
        "province",
        None,
    ),
    (
        "000.00.01.H48",
        "Trung tâm Phục vụ hành chính công tỉnh",
        "service_centre",
        Some("000.00.00.H48"),
    ),
    (
        "000.00.12.H48",
        "Sở Tư pháp",
        "department",
        Some("000.00.00.H48"),
    ),
    (
        "000.00.13.H48",
        "Sở Xây dựng",
        "department",
        Some("000.00.00.H48"),
    ),
    (
        "000.00.14.H48",
        "Sở Nông nghiệp và Môi trường",
        "department",
        Some("000.00.00.H48"),
    ),
    (
        "000.00.15.H48",
        "Sở Tài chính",
        "department",
        Some("000.00.00.H48"),
    ),
    (
        "000.00.16.H48",
        "Sở Nội vụ",
        "department",
        Some("000.00.00.H48"),
    ),
    (
        "000.00.17.H48",
        "Sở Giáo dục và Đào tạo",
        "department",
        Some("000.00.00.H48"),
    ),
    (
        "000.00.18.H48",
        "Sở Y tế",
        "department",
        Some("000.00.00.H48"),
    ),
    (
        "000.21.20.H48",
        "Ủy ban nhân dân phường Chiềng Lề",
        "commune",
        Some("000.00.00.H48"),
    ),
    (
        "000.22.20.H48",
        "Ủy ban nhân dân phường Tô Hiệu",
        "commune",
        Some("000.00.00.H48"),
    ),
    (
        "000.23.20.H48",
        "Ủy ban nhân dân xã Chiềng Ngần",
        "commune",
        Some("000.00.00.H48"),
    ),
    (
        "000.24.20.H48",
        "Ủy ban nhân dân xã Mường Bú",
        "commune",
        Some("000.00.00.H48"),
    ),
];

/// Districts were abolished on 2025-07-01; the demo keeps one for historical files.
const HISTORICAL_DISTRICT: (&str, &str) = (
    "000.30.00.H48",
    "Ủy ban nhân dân huyện Mai Sơn (đến 30/6/2025)",
);

/// One account per role: (username, display name, role, unit code).
const STAFF: &[(&str, &str, &str, &str)] = &[
    (
        "quantri",
        "Nguyễn Văn Quản",
        "administrator",
        "000.00.00.H48",
    ),
    ("cchc", "Lò Thị Cải", "reform_office", "000.00.00.H48"),
    (
        "motcua.chiengle",
        "Cầm Thị Tiếp",
        "counter_officer",
        "000.21.20.H48",
    ),
    (
        "chuyenvien.chiengle",
        "Hoàng Văn Xử",
        "specialist",
        "000.21.20.H48",
    ),
    (
        "lanhdao.chiengle",
        "Quàng Văn Duyệt",
        "leader",
        "000.21.20.H48",
    ),
    (
        "motcua.tuphap",
        "Tòng Thị Nhận",
        "counter_officer",
        "000.00.12.H48",
    ),
];

/// Password of every demo account. Demo data only: change it or do not run the demo in production.
pub const DEMO_PASSWORD: &str = "motcua-demo";

const CITIZEN: (&str, &str, &str) = ("Nguyễn Thị Dân", "congdan@example.vn", "0912345678");

/// The demo citizen's login.
pub const CITIZEN_LOGIN: &str = CITIZEN.1;

/// A procedure as stored in `data/procedures.json`.
#[derive(Debug, Deserialize)]
struct CatalogueEntry {
    code: String,
    name: String,
    field: FieldEntry,
    level: String,
    processing_time: TimeEntry,
    fees: Vec<Fee>,
    documents: Vec<RequiredDocument>,
    channels: ChannelEntry,
    online_payment: bool,
    result: Option<String>,
    legal_basis: Vec<String>,
    agency: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FieldEntry {
    code: String,
    name: String,
}

#[derive(Debug, Deserialize)]
struct TimeEntry {
    value: u32,
    unit: String,
}

#[derive(Debug, Deserialize)]
struct ChannelEntry {
    counter: bool,
    post: bool,
    online: String,
}

/// The demo catalogue, parsed from the embedded data file.
pub fn catalogue_specs() -> Result<Vec<(String, String, ProcedureSpec)>> {
    let entries: Vec<CatalogueEntry> =
        serde_json::from_str(include_str!("../data/procedures.json"))
            .map_err(|e| AppError::Internal(format!("demo catalogue: {e}")))?;
    entries
        .into_iter()
        .map(|e| {
            let bad =
                |what: &str| AppError::Internal(format!("demo catalogue {}: bad {what}", e.code));
            let spec = ProcedureSpec {
                code: e.code.clone(),
                name: e.name.clone(),
                field_code: e.field.code.clone(),
                level: Level::parse(&e.level).ok_or_else(|| bad("level"))?,
                processing_time: ProcessingTime {
                    value: e.processing_time.value,
                    unit: TimeUnit::parse(&e.processing_time.unit)
                        .ok_or_else(|| bad("time unit"))?,
                },
                fees: e.fees,
                documents: e.documents,
                channels: Channels {
                    counter: e.channels.counter,
                    post: e.channels.post,
                    online: OnlineService::parse(&e.channels.online)
                        .ok_or_else(|| bad("online"))?,
                },
                online_payment: e.online_payment,
                result: e.result.unwrap_or_default(),
                legal_basis: e.legal_basis,
                agency: e.agency.unwrap_or_default(),
                valid_from: None,
                valid_to: None,
            };
            Ok((e.field.code, e.field.name, spec))
        })
        .collect()
}

/// An account of the demo, printed when the demo starts.
#[derive(Debug, Clone, Serialize)]
pub struct DemoAccount {
    pub username: String,
    pub password: String,
    pub role: String,
    pub unit: String,
}

/// Creates the demo data if absent; returns the accounts to print. The demo files are a
/// separate step ([`seed_with_files`]), so that tests built on this data start with none.
pub async fn seed(app: &App) -> Result<Vec<DemoAccount>> {
    let tenant = tenancy::ensure_tenant(app, TENANT_CODE, TENANT_NAME).await?;
    let by = By::System {
        tenant_id: tenant.id,
    };
    // Each step is skipped if already done, so an interrupted seeding completes on the next run.
    let existing: Vec<String> = org::list_units(app, tenant.id)
        .await?
        .into_iter()
        .map(|u| u.code)
        .collect();
    let (district_code, district_name) = HISTORICAL_DISTRICT;
    let district = (
        district_code,
        district_name,
        "district",
        Some("000.00.00.H48"),
    );
    for (code, name, kind, parent) in UNITS.iter().chain(std::iter::once(&district)) {
        if !existing.iter().any(|c| c == code) {
            let valid_to = (*kind == "district").then_some("2025-06-30");
            org::create_unit(app, by, unit(code, name, kind, *parent, valid_to)).await?;
        }
    }
    for (username, display_name, role, unit_code) in STAFF {
        let input = StaffInput {
            username: (*username).into(),
            display_name: (*display_name).into(),
            // So the daily digest and apology warnings have somewhere to go.
            email: Some(format!("{username}@demo.motcua.vn")),
            phone: None,
            password: DEMO_PASSWORD.into(),
            unit_code: (*unit_code).into(),
            role: (*role).into(),
        };
        skip_existing(org::create_staff(app, by, input).await)?;
    }
    let (full_name, email, phone) = CITIZEN;
    let registration = auth::Registration {
        full_name: full_name.into(),
        email: Some(email.into()),
        phone: Some(phone.into()),
        password: DEMO_PASSWORD.into(),
    };
    skip_existing(auth::register_citizen(app, tenant.id, registration).await)?;
    for (field_code, field_name, spec) in catalogue_specs()? {
        // Upserting writes an audit record even when nothing changes: a second run adds nothing.
        let exists = motcua_store::catalogue::field_by_code(
            &mut *app.db.read_conn().await?,
            tenant.id,
            &field_code,
        )
        .await?
        .is_some();
        if !exists {
            catalogue::upsert_field(app, by, &field_code, &field_name).await?;
        }
        skip_existing(catalogue::create(app, by, spec).await)?;
    }
    let mut accounts: Vec<DemoAccount> = STAFF
        .iter()
        .map(|(username, _, role, unit)| DemoAccount {
            username: (*username).into(),
            password: DEMO_PASSWORD.into(),
            role: (*role).into(),
            unit: (*unit).into(),
        })
        .collect();
    accounts.push(DemoAccount {
        username: CITIZEN.1.into(),
        password: DEMO_PASSWORD.into(),
        role: "citizen".into(),
        unit: String::new(),
    });
    Ok(accounts)
}

/// [`seed`], then a few hundred files in every state ([`crate::demo_files`]).
pub async fn seed_with_files(app: &App) -> Result<(Vec<DemoAccount>, DemoFilesReport)> {
    let mut accounts = seed(app).await?;
    let tenant = tenancy::ensure_tenant(app, TENANT_CODE, TENANT_NAME).await?;
    let files = crate::demo_files::seed_files(app, tenant.id).await?;
    crate::demo_index::seed(app, tenant.id).await?;
    accounts.extend(
        crate::demo_index::LEADERS
            .iter()
            .map(|(username, _, unit)| DemoAccount {
                username: (*username).into(),
                password: DEMO_PASSWORD.into(),
                role: "leader".into(),
                unit: (*unit).into(),
            }),
    );
    crate::demo_feedback::seed_feedback(app, tenant.id).await?;
    crate::demo_surveys::seed(app, tenant.id).await?;
    Ok((accounts, files))
}

/// Treats "already exists" as done.
fn skip_existing<T>(result: Result<T>) -> Result<()> {
    match result {
        Ok(_) | Err(AppError::Conflict { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

fn unit(
    code: &str,
    name: &str,
    kind: &str,
    parent: Option<&str>,
    valid_to: Option<&str>,
) -> UnitInput {
    UnitInput {
        code: code.into(),
        name: name.into(),
        kind: kind.into(),
        parent_code: parent.map(Into::into),
        valid_from: None,
        valid_to: valid_to.map(Into::into),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_catalogue_is_valid() {
        let specs = catalogue_specs().unwrap();
        for (_, _, spec) in &specs {
            assert_eq!(spec.validate(), Ok(()), "{}", spec.code);
        }
        let mut codes: Vec<&str> = specs.iter().map(|(_, _, s)| s.code.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), specs.len(), "procedure codes are unique");
    }
}
