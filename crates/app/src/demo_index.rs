//! Demo of the administrative-reform index: last year's example set for communes, scored by
//! four communes, appraised, finalised and published; this year's set copied from it, with
//! one commune still scoring and one waiting for the council. All through the real use cases,
//! last year's under a clock set to the January when such scoring happens.

use crate::org::{self, By, StaffInput};
use crate::reform_index::{self as reform, CopyInput, ScoreInput};
use crate::{Actor, App, AppError, Clock, Result, auth};
use jiff::Timestamp;
use motcua_domain::reform_index::{CriteriaSet, Method};
use std::sync::Arc;

/// Leaders of the other demo communes: (username, display name, unit code).
pub const LEADERS: &[(&str, &str, &str)] = &[
    ("lanhdao.tohieu", "Lường Văn Hiệu", "000.22.20.H48"),
    ("lanhdao.chiengngan", "Cà Thị Ngần", "000.23.20.H48"),
    ("lanhdao.muongbu", "Lò Văn Bú", "000.24.20.H48"),
];

struct FixedClock(Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

async fn actor(app: &App, tenant_id: i64, login: &str) -> Result<Actor> {
    let mut conn = app.db.read_conn().await?;
    let user = motcua_store::users::by_login(&mut conn, tenant_id, login)
        .await?
        .ok_or(AppError::NotFound("demo user"))?;
    auth::load_actor(&mut conn, tenant_id, user.id)
        .await?
        .ok_or(AppError::NotFound("demo user"))
}

/// Points a unit gives itself: a share of each maximum, to the quarter point.
fn self_scores(set: &CriteriaSet, share: f64) -> Vec<ScoreInput> {
    set.leaves()
        .iter()
        .filter(|c| c.method == Method::Manual)
        .enumerate()
        .map(|(k, c)| {
            // A little variation between criteria, never above the maximum.
            let s = if k % 3 == 0 {
                share.min(1.0)
            } else {
                (share + 0.1).min(1.0)
            };
            ScoreInput {
                code: c.code.clone(),
                points: Some(((c.max_points * s) * 4.0).floor() / 4.0),
                note: "Đã thực hiện theo kế hoạch; tài liệu kiểm chứng kèm theo.".into(),
            }
        })
        .collect()
}

fn survey_results(set: &CriteriaSet, percent: f64) -> Vec<ScoreInput> {
    set.leaves()
        .iter()
        .filter(|c| matches!(c.method, Method::Survey { .. }))
        .map(|c| ScoreInput {
            code: c.code.clone(),
            points: Some(percent),
            note: "Kết quả điều tra xã hội học".into(),
        })
        .collect()
}

/// Seeds the demo's reform index once (skipped if last year's set exists).
pub async fn seed(app: &App, tenant_id: i64) -> Result<()> {
    let by = By::System { tenant_id };
    for (username, name, unit) in LEADERS {
        let input = StaffInput {
            username: (*username).into(),
            display_name: (*name).into(),
            email: None,
            phone: None,
            password: crate::demo::DEMO_PASSWORD.into(),
            unit_code: (*unit).into(),
            role: "leader".into(),
        };
        match org::create_staff(app, by, input).await {
            Ok(_) | Err(AppError::Conflict { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let tz = jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(7));
    let year = app.now().to_zoned(tz.clone()).year();
    let last = year - 1;
    {
        let mut conn = app.db.read_conn().await?;
        if motcua_store::reform_index::set_by_year(&mut conn, tenant_id, i64::from(last), "commune")
            .await?
            .is_some()
        {
            return Ok(());
        }
    }
    // Last year's scoring happened in January of this year.
    let january = jiff::civil::date(year, 1, 10)
        .at(9, 0, 0, 0)
        .to_zoned(tz)
        .map_err(|e| AppError::Internal(e.to_string()))?
        .timestamp();
    let then = App::new(
        app.db.clone(),
        app.settings.clone(),
        Arc::new(FixedClock(january)),
    );
    let set = CriteriaSet::example(last);
    let created =
        reform::create_set_as_system(&then, tenant_id, &set, &format!("{year:04}-01-20")).await?;
    let id = created.summary.id;
    let council = actor(app, tenant_id, "cchc").await?;
    let units: [(&str, &str, f64, f64); 4] = [
        ("lanhdao.chiengle", "000.21.20.H48", 0.9, 91.0),
        ("lanhdao.tohieu", "000.22.20.H48", 0.8, 84.0),
        ("lanhdao.chiengngan", "000.23.20.H48", 0.7, 76.0),
        ("lanhdao.muongbu", "000.24.20.H48", 0.55, 65.0),
    ];
    for (login, unit, share, percent) in units {
        let leader = actor(app, tenant_id, login).await?;
        reform::self_score(&then, &leader, id, unit, None, &self_scores(&set, share)).await?;
        reform::submit(&then, &leader, id, unit).await?;
        reform::appraise(
            &then,
            &council,
            id,
            unit,
            None,
            &survey_results(&set, percent),
        )
        .await?;
        if unit == "000.23.20.H48" {
            let first = set
                .leaves()
                .into_iter()
                .find(|c| c.method == Method::Manual);
            if let Some(c) = first {
                let adjust = [ScoreInput {
                    code: c.code.clone(),
                    points: Some(0.0),
                    note: "Kế hoạch ban hành chậm so với quy định.".into(),
                }];
                reform::appraise(&then, &council, id, unit, None, &adjust).await?;
                reform::send_for_explanation(&then, &council, id, unit).await?;
                let explanation = [ScoreInput {
                    code: c.code.clone(),
                    points: None,
                    note: "Kế hoạch được ký ngày 30/12, gửi kèm văn bản.".into(),
                }];
                reform::explain(&then, &leader, id, unit, &explanation).await?;
            }
        }
        reform::finalise(&then, &council, id, unit).await?;
    }
    reform::publish(&then, &council, id).await?;

    // This year's set, copied from last year's; self-assessment runs until next January.
    let current = reform::copy_set(
        app,
        &council,
        id,
        CopyInput {
            year,
            self_deadline: format!("{:04}-01-20", year + 1),
        },
    )
    .await?;
    let id = current.summary.id;
    let set = current.definition;
    let leader = actor(app, tenant_id, "lanhdao.tohieu").await?;
    reform::self_score(
        app,
        &leader,
        id,
        "000.22.20.H48",
        None,
        &self_scores(&set, 0.85),
    )
    .await?;
    reform::submit(app, &leader, id, "000.22.20.H48").await?;
    let leader = actor(app, tenant_id, "lanhdao.chiengle").await?;
    let some: Vec<ScoreInput> = self_scores(&set, 0.9).into_iter().take(5).collect();
    reform::self_score(app, &leader, id, "000.21.20.H48", None, &some).await?;
    // Mường Bú is done early: final, so this year's results compare with last year's.
    let leader = actor(app, tenant_id, "lanhdao.muongbu").await?;
    reform::self_score(
        app,
        &leader,
        id,
        "000.24.20.H48",
        None,
        &self_scores(&set, 0.7),
    )
    .await?;
    reform::submit(app, &leader, id, "000.24.20.H48").await?;
    reform::appraise(
        app,
        &council,
        id,
        "000.24.20.H48",
        None,
        &survey_results(&set, 78.0),
    )
    .await?;
    reform::finalise(app, &council, id, "000.24.20.H48").await?;

    // This year's reform plan and one discipline inspection.
    let tasks = [
        (
            "000.21.20.H48",
            "Rà soát, đề xuất đơn giản hóa thủ tục hành chính lĩnh vực hộ tịch",
            3,
            100,
        ),
        (
            "000.21.20.H48",
            "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn tồn",
            9,
            40,
        ),
        (
            "000.22.20.H48",
            "Tổ chức đối thoại giữa Chủ tịch UBND phường với người dân",
            6,
            0,
        ),
        (
            "000.23.20.H48",
            "Niêm yết công khai thủ tục hành chính tại Bộ phận Một cửa",
            2,
            100,
        ),
        (
            "000.24.20.H48",
            "Triển khai thanh toán trực tuyến phí, lệ phí",
            12,
            20,
        ),
    ];
    for (unit, title, month, progress) in tasks {
        let task = crate::reform_index::plan::add_task(
            app,
            &council,
            crate::reform_index::plan::TaskInput {
                year,
                unit_code: unit.into(),
                title: title.into(),
                owner_name: String::new(),
                due_date: jiff::civil::date(year, month, 28).to_string(),
            },
        )
        .await?;
        if progress > 0 {
            crate::reform_index::plan::report_progress(
                app,
                &council,
                task.id,
                crate::reform_index::plan::ProgressInput {
                    version: task.version,
                    progress,
                    note: "Báo cáo của đơn vị".into(),
                },
            )
            .await?;
        }
    }
    crate::reform_index::plan::add_inspection(
        app,
        &council,
        crate::reform_index::plan::InspectionInput {
            unit_code: "000.22.20.H48".into(),
            inspected_on: jiff::civil::date(year, 5, 12).to_string(),
            findings: "Bộ phận Một cửa chưa niêm yết đủ thủ tục hành chính lĩnh vực đất đai."
                .into(),
            follow_up: "Bổ sung niêm yết, báo cáo kết quả khắc phục.".into(),
            follow_up_due: Some(jiff::civil::date(year, 6, 15).to_string()),
        },
    )
    .await?;
    Ok(())
}
