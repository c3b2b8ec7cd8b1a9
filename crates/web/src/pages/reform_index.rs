//! Pages of the administrative-reform index (Chỉ số CCHC): the sets, a unit's
//! self-assessment and the council's appraisal on one page, results, and the public results.

use super::{
    Chrome, PageError, PageResult, form_actor, message_vi, render, signed_in, with_chrome,
};
use crate::ctx::Ctx;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::reform_index::{self as reform, AssessmentView, Results, ScoreInput, SetSummary};
use motcua_app::{Actor, AppError};
use motcua_domain::permission::Action;
use motcua_domain::reform_index::fmt_num;
use serde::Deserialize;

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/chi-so-cchc", get(sets))
        .merge(super::reform_plan::routes())
        .route("/chi-so-cchc/{id}", get(set_page))
        .route("/chi-so-cchc/{id}/ket-qua", get(results_page))
        .route("/chi-so-cchc/{id}/cong-bo", post(publish))
        .route("/chi-so-cchc/{id}/sao-chep", post(copy))
        .route(
            "/chi-so-cchc/{id}/don-vi/{unit}",
            get(assessment_page).post(act),
        )
        .route(
            "/chi-so-cchc/{id}/don-vi/{unit}/kiem-chung",
            post(upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::api::UPLOAD_BODY_LIMIT,
            )),
        )
        .route(
            "/chi-so-cchc/{id}/don-vi/{unit}/kiem-chung/{evidence}",
            get(download),
        )
        .route("/cong-khai/chi-so-cchc", get(public_sets))
        .route("/cong-khai/chi-so-cchc/{id}", get(public_results))
}

pub(super) fn takes_part(a: &Actor) -> bool {
    a.can(Action::AssessReform) || a.can(Action::AppraiseReform)
}

pub(super) const REFUSAL: &str =
    "Trang này dành cho lãnh đạo đơn vị và Hội đồng thẩm định Chỉ số cải cách hành chính.";

fn kind_vi(kind: &str) -> &'static str {
    match kind {
        "department" => "Sở, ban, ngành",
        "commune" => "UBND cấp xã",
        "district" => "UBND cấp huyện",
        "province" => "Cấp tỉnh",
        "office" => "Phòng, ban",
        "service_centre" => "Trung tâm phục vụ hành chính công",
        _ => "Đơn vị",
    }
}

fn dmy(iso: &str) -> String {
    iso.parse::<jiff::civil::Date>()
        .map(|d| format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()))
        .unwrap_or_else(|_| iso.to_owned())
}

fn opt(x: Option<f64>) -> String {
    x.map(fmt_num).unwrap_or_default()
}

/// A set as a line of the list, with the caller's own units to score.
pub struct SetLine {
    pub id: i64,
    pub year: i64,
    pub kind: &'static str,
    pub name: String,
    pub deadline: String,
    pub published: bool,
    pub example: bool,
    /// (unit code, unit name) the caller scores under this set.
    pub own_units: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "reform_sets.html")]
struct SetsPage {
    chrome: Chrome,
    sets: Vec<SetLine>,
    is_council: bool,
}

async fn own_units(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<(String, String, String)>, PageError> {
    let all = motcua_app::org::list_units(&state.app, actor.tenant_id).await?;
    Ok(all
        .into_iter()
        .filter(|u| actor.require_at(Action::AssessReform, &u.path).is_ok())
        .map(|u| (u.code, u.name, u.kind))
        .collect())
}

fn line(s: &SetSummary, mine: &[(String, String, String)]) -> SetLine {
    SetLine {
        id: s.id,
        year: s.year,
        kind: kind_vi(&s.unit_kind),
        name: s.name.clone(),
        deadline: dmy(&s.self_deadline),
        published: s.published,
        example: s.example,
        own_units: mine
            .iter()
            .filter(|(_, _, kind)| *kind == s.unit_kind)
            .map(|(c, n, _)| (c.clone(), n.clone()))
            .collect(),
    }
}

pub async fn sets(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let actor = match signed_in(&ctx, "/chi-so-cchc", takes_part, REFUSAL) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let list = reform::list_sets(&state.app, actor).await?;
    let mine = own_units(&state, actor).await?;
    Ok(render(&SetsPage {
        chrome: Chrome::of(&ctx),
        sets: list.iter().map(|s| line(s, &mine)).collect(),
        is_council: actor.can(Action::AppraiseReform),
    }))
}

/// A criterion of the set page.
pub struct CriterionLine {
    pub code: String,
    pub name: String,
    pub depth: usize,
    pub max: String,
    pub method: String,
    pub guidance: String,
    pub evidence: String,
}

#[derive(Template)]
#[template(path = "reform_set.html")]
struct SetPage {
    chrome: Chrome,
    set: SetLine,
    source: String,
    criteria: Vec<CriterionLine>,
    grades: Vec<(String, String)>,
    /// (unit code, unit name, stage) for the council.
    units: Vec<(String, String, String)>,
    is_council: bool,
    error: Option<String>,
}

async fn set_view(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    error: Option<String>,
) -> Result<SetPage, PageError> {
    let view = reform::get_set(&state.app, actor, id).await?;
    let mine = own_units(state, actor).await?;
    let is_council = actor.can(Action::AppraiseReform);
    let units = if is_council {
        match reform::results(&state.app, actor, id).await {
            Ok(r) => r
                .rows
                .iter()
                .map(|x| {
                    (
                        x.unit_code.clone(),
                        x.unit_name.clone(),
                        "Đã chốt kết quả".to_owned(),
                    )
                })
                .chain(
                    r.pending
                        .iter()
                        .map(|p| (p.unit_code.clone(), p.unit_name.clone(), p.stage_vi.clone())),
                )
                .collect(),
            Err(AppError::Forbidden) => Vec::new(),
            Err(e) => return Err(e.into()),
        }
    } else {
        Vec::new()
    };
    let d = &view.definition;
    Ok(SetPage {
        chrome: Chrome::of(ctx),
        set: line(&view.summary, &mine),
        source: d.source.clone(),
        criteria: d
            .walk()
            .into_iter()
            .map(|(depth, c)| CriterionLine {
                code: c.code.clone(),
                name: c.name.clone(),
                depth,
                max: fmt_num(c.max_points),
                method: if c.is_leaf() {
                    c.method.describe_vi()
                } else {
                    String::new()
                },
                guidance: c.guidance.clone(),
                evidence: c.evidence.clone(),
            })
            .collect(),
        grades: d
            .grades
            .iter()
            .map(|g| (g.name.clone(), fmt_num(g.min_total)))
            .collect(),
        units,
        is_council,
        error,
    })
}

pub async fn set_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let back = format!("/chi-so-cchc/{}", super::public::encode(&id));
    let actor = match signed_in(&ctx, &back, takes_part, REFUSAL) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let id = parse_id(&id, &ctx)?;
    Ok(render(&set_view(&state, &ctx, actor, id, None).await?))
}

fn parse_id(s: &str, ctx: &Ctx) -> Result<i64, PageError> {
    s.parse::<i64>().map_err(|_| {
        with_chrome(
            PageError::new(StatusCode::NOT_FOUND, "Không tìm thấy bộ tiêu chí."),
            ctx,
        )
    })
}

/// One line of a unit's assessment page, formatted.
pub struct ScoreLine {
    pub code: String,
    pub name: String,
    pub depth: usize,
    pub scored: bool,
    pub method: String,
    pub method_vi: String,
    pub max: String,
    pub guidance: String,
    pub evidence_required: String,
    pub self_points: String,
    pub self_note: String,
    pub percent: String,
    pub council_points: String,
    pub council_note: String,
    pub explanation: String,
    pub points: String,
}

#[derive(Template)]
#[template(path = "reform_assessment.html")]
struct AssessmentPage {
    chrome: Chrome,
    a: AssessmentView,
    lines: Vec<ScoreLine>,
    fields: Vec<(String, String, String, String)>,
    total: String,
    self_total: String,
    max_total: String,
    deadline: String,
    grade: String,
    leaves: Vec<(String, String)>,
    notice: Option<String>,
    error: Option<String>,
}

fn assessment_page_of(
    ctx: &Ctx,
    a: AssessmentView,
    notice: Option<String>,
    error: Option<String>,
) -> AssessmentPage {
    let lines = a
        .rows
        .iter()
        .map(|r| ScoreLine {
            code: r.code.clone(),
            name: r.name.clone(),
            depth: r.depth,
            scored: r.scored,
            method: r.method.clone(),
            method_vi: r.method_vi.clone(),
            max: fmt_num(r.max_points),
            guidance: r.guidance.clone(),
            evidence_required: r.evidence_required.clone(),
            self_points: opt(r.self_points),
            self_note: r.self_note.clone(),
            percent: match (r.method.as_str(), r.percent) {
                ("manual", _) => String::new(),
                (_, Some(p)) => format!("{}%", fmt_num(p)),
                ("survey", None) => "chưa nhập kết quả điều tra".into(),
                (_, None) => "chưa có dữ liệu".into(),
            },
            council_points: if r.method == "survey" {
                opt(r.percent)
            } else {
                opt(r.council_points)
            },
            council_note: r.council_note.clone(),
            explanation: r.explanation.clone(),
            points: opt(r.points),
        })
        .collect();
    let fields = a
        .per_field
        .iter()
        .map(|(c, n, p, m)| (c.clone(), n.clone(), fmt_num(*p), fmt_num(*m)))
        .collect();
    AssessmentPage {
        chrome: Chrome::of(ctx),
        lines,
        fields,
        total: fmt_num(a.total),
        self_total: fmt_num(a.self_total),
        max_total: fmt_num(a.max_total),
        deadline: dmy(&a.self_deadline),
        grade: a.grade.clone().unwrap_or_default(),
        leaves: a
            .rows
            .iter()
            .filter(|r| r.scored)
            .map(|r| (r.code.clone(), r.name.clone()))
            .collect(),
        a,
        notice,
        error,
    }
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    ok: Option<String>,
}

fn notice_vi(code: &str) -> Option<String> {
    Some(
        match code {
            "luu" => "Đã lưu điểm tự chấm.",
            "nop" => "Đã nộp bản tự chấm điểm cho Hội đồng thẩm định.",
            "tham_dinh" => "Đã lưu kết quả thẩm định.",
            "tra_lai" => "Đã gửi kết quả thẩm định để đơn vị giải trình.",
            "giai_trinh" => "Đã gửi giải trình.",
            "chot" => "Đã chốt kết quả của đơn vị.",
            "kiem_chung" => "Đã đính kèm tài liệu kiểm chứng.",
            _ => return None,
        }
        .to_owned(),
    )
}

pub async fn assessment_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, unit)): Path<(String, String)>,
    query: Result<Query<NoticeQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let back = format!(
        "/chi-so-cchc/{}/don-vi/{}",
        super::public::encode(&id),
        super::public::encode(&unit)
    );
    let actor = match signed_in(&ctx, &back, takes_part, REFUSAL) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let id = parse_id(&id, &ctx)?;
    let notice = query.ok().and_then(|q| q.0.ok).and_then(|c| notice_vi(&c));
    let a = reform::assessment(&state.app, actor, id, &unit)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    Ok(render(&assessment_page_of(&ctx, a, notice, None)))
}

fn parse_points(code: &str, raw: &str) -> Result<Option<f64>, String> {
    let t = raw.trim().replace(',', ".");
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map(Some)
        .ok_or_else(|| format!("Điểm của tiêu chí {code} phải là một số (ví dụ 1,5)."))
}

/// Scores from the form: `p_<code>` (points) and `n_<code>` (note) for the codes in `prefix`.
fn scores_from(
    form: &[(String, String)],
    points: &str,
    note: &str,
) -> Result<Vec<ScoreInput>, String> {
    let mut out: Vec<ScoreInput> = Vec::new();
    for (k, v) in form {
        if let Some(code) = k.strip_prefix(points) {
            let n = form
                .iter()
                .find(|(k2, _)| k2.strip_prefix(note) == Some(code))
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            out.push(ScoreInput {
                code: code.to_owned(),
                points: parse_points(code, v)?,
                note: n,
            });
        }
    }
    Ok(out)
}

pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, unit)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> PageResult {
    let get = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let actor = form_actor(&ctx, get("csrf_token"))?;
    let id = parse_id(&id, &ctx)?;
    let step = get("thao_tac").to_owned();
    let version = get("version").parse::<i64>().ok();
    let app = &state.app;
    let outcome: Result<(), Result<AppError, String>> = async {
        match step.as_str() {
            "luu" | "nop" => {
                let scores = scores_from(&form, "p_", "n_").map_err(Err)?;
                reform::self_score(app, actor, id, &unit, version, &scores)
                    .await
                    .map_err(Ok)?;
                if step == "nop" {
                    reform::submit(app, actor, id, &unit).await.map_err(Ok)?;
                }
            }
            "tham_dinh" | "tra_lai" | "chot" => {
                let scores = scores_from(&form, "hp_", "hn_").map_err(Err)?;
                if !scores.is_empty() {
                    reform::appraise(app, actor, id, &unit, version, &scores)
                        .await
                        .map_err(Ok)?;
                }
                match step.as_str() {
                    "tra_lai" => {
                        reform::send_for_explanation(app, actor, id, &unit)
                            .await
                            .map_err(Ok)?;
                    }
                    "chot" => {
                        reform::finalise(app, actor, id, &unit).await.map_err(Ok)?;
                    }
                    _ => {}
                }
            }
            "giai_trinh" => {
                let notes: Vec<ScoreInput> = form
                    .iter()
                    .filter_map(|(k, v)| {
                        k.strip_prefix("g_").map(|code| ScoreInput {
                            code: code.to_owned(),
                            points: None,
                            note: v.clone(),
                        })
                    })
                    .collect();
                reform::explain(app, actor, id, &unit, &notes)
                    .await
                    .map_err(Ok)?;
            }
            _ => return Err(Err("Thao tác không hợp lệ.".to_owned())),
        }
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!(
            "/chi-so-cchc/{id}/don-vi/{}?ok={step}",
            super::public::encode(&unit)
        ))
        .into_response()),
        Err(Ok(AppError::Forbidden)) => Err(with_chrome(AppError::Forbidden, &ctx)),
        Err(Ok(AppError::NotFound(w))) => Err(with_chrome(AppError::NotFound(w), &ctx)),
        Err(e) => {
            let (status, message) = match e {
                Ok(err) => (status_of(&err), message_vi(&err)),
                Err(m) => (StatusCode::UNPROCESSABLE_ENTITY, m),
            };
            let a = reform::assessment(app, actor, id, &unit)
                .await
                .map_err(|e| with_chrome(e, &ctx))?;
            Ok((
                status,
                render(&assessment_page_of(&ctx, a, None, Some(message))),
            )
                .into_response())
        }
    }
}

pub(super) fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::Stale | AppError::Conflict { .. } | AppError::Rule { conflict: true, .. } => {
            StatusCode::CONFLICT
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, unit)): Path<(String, String)>,
    multipart: axum::extract::Multipart,
) -> PageResult {
    let actor = ctx
        .actor
        .as_ref()
        .ok_or_else(|| with_chrome(AppError::Unauthenticated, &ctx))?;
    let id = parse_id(&id, &ctx)?;
    let result: Result<(), (StatusCode, String)> =
        match crate::upload::read(multipart, state.app.settings.max_attachment_bytes).await {
            Err(e) if e.status == StatusCode::PAYLOAD_TOO_LARGE => Err((
                e.status,
                format!(
                    "Tệp quá lớn: mỗi tệp tối đa {} MB.",
                    state.app.settings.max_attachment_bytes / (1024 * 1024)
                ),
            )),
            Err(e) => Err((
                e.status,
                "Không đọc được tệp gửi lên. Vui lòng thử lại.".to_owned(),
            )),
            Ok(form) => {
                form_actor(&ctx, form.get("csrf_token"))?;
                if form.files.is_empty() {
                    Err((
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "Vui lòng chọn tệp để đính kèm.".to_owned(),
                    ))
                } else {
                    let mut r = Ok(());
                    for f in &form.files {
                        if let Err(e) = reform::attach_evidence(
                            &state.app,
                            actor,
                            id,
                            &unit,
                            form.get("criterion"),
                            &f.file_name,
                            &f.bytes,
                        )
                        .await
                        {
                            let message = match &e {
                                AppError::Validation(v) if v.iter().any(|x| x.field == "file") => {
                                    "Tệp không đúng loại: chỉ nhận PDF, JPEG, PNG, DOCX hoặc XLSX."
                                        .to_owned()
                                }
                                other => message_vi(other),
                            };
                            if matches!(e, AppError::Forbidden) {
                                return Err(with_chrome(AppError::Forbidden, &ctx));
                            }
                            r = Err((status_of(&e), message));
                            break;
                        }
                    }
                    r
                }
            }
        };
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/chi-so-cchc/{id}/don-vi/{}?ok=kiem_chung",
            super::public::encode(&unit)
        ))
        .into_response()),
        Err((status, message)) => {
            let a = reform::assessment(&state.app, actor, id, &unit)
                .await
                .map_err(|e| with_chrome(e, &ctx))?;
            Ok((
                status,
                render(&assessment_page_of(&ctx, a, None, Some(message))),
            )
                .into_response())
        }
    }
}

pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, unit, evidence)): Path<(String, String, String)>,
) -> PageResult {
    let actor = ctx
        .actor
        .as_ref()
        .ok_or_else(|| with_chrome(AppError::Unauthenticated, &ctx))?;
    let id = parse_id(&id, &ctx)?;
    let evidence = parse_id(&evidence, &ctx)?;
    let (meta, bytes) = reform::download_evidence(&state.app, actor, id, &unit, evidence)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    Ok(crate::api::reform_index::evidence_response(&meta, bytes))
}

/// A results line, formatted.
pub struct ResultLine {
    pub rank: u32,
    pub code: String,
    pub name: String,
    pub per_field: Vec<String>,
    pub total: String,
    pub grade: String,
    pub previous: String,
    pub change: String,
    /// Width class of the bar (0–20, in steps of 5 points).
    pub bar: u32,
}

#[derive(Template)]
#[template(path = "reform_results.html")]
struct ResultsPage {
    chrome: Chrome,
    r: Results,
    lines: Vec<ResultLine>,
    heads: Vec<(String, String)>,
    public: bool,
    is_council: bool,
    error: Option<String>,
}

fn results_page_of(
    ctx: &Ctx,
    r: Results,
    public: bool,
    is_council: bool,
    error: Option<String>,
) -> ResultsPage {
    let lines = r
        .rows
        .iter()
        .map(|x| ResultLine {
            rank: x.rank,
            code: x.unit_code.clone(),
            name: x.unit_name.clone(),
            per_field: x.per_field.iter().map(|p| fmt_num(*p)).collect(),
            total: fmt_num(x.total),
            grade: x.grade.clone(),
            previous: opt(x.previous_total),
            change: x
                .previous_total
                .map(|p| {
                    let d = motcua_domain::reform_index::round2(x.total - p);
                    if d > 0.0 {
                        format!("+{}", fmt_num(d))
                    } else {
                        fmt_num(d)
                    }
                })
                .unwrap_or_default(),
            bar: ((x.total / 5.0).round() as u32).min(20),
        })
        .collect();
    let heads = r
        .fields
        .iter()
        .map(|f| {
            (
                format!("LV{} ({})", f.code, fmt_num(f.max_points)),
                f.name.clone(),
            )
        })
        .collect();
    ResultsPage {
        chrome: Chrome::of(ctx),
        r,
        lines,
        heads,
        public,
        is_council,
        error,
    }
}

pub async fn results_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let back = format!("/chi-so-cchc/{}/ket-qua", super::public::encode(&id));
    let actor = match signed_in(&ctx, &back, takes_part, REFUSAL) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let id = parse_id(&id, &ctx)?;
    let r = reform::results(&state.app, actor, id)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    let council = actor.can(Action::AppraiseReform);
    Ok(render(&results_page_of(&ctx, r, false, council, None)))
}

#[derive(Deserialize)]
pub struct TokenForm {
    csrf_token: String,
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<TokenForm>,
) -> PageResult {
    let actor = form_actor(&ctx, &form.csrf_token)?;
    let id = parse_id(&id, &ctx)?;
    match reform::publish(&state.app, actor, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/cong-khai/chi-so-cchc/{id}")).into_response()),
        Err(AppError::Forbidden) => Err(with_chrome(AppError::Forbidden, &ctx)),
        Err(e) => {
            let status = status_of(&e);
            let r = reform::results(&state.app, actor, id)
                .await
                .map_err(|e| with_chrome(e, &ctx))?;
            Ok((
                status,
                render(&results_page_of(&ctx, r, false, true, Some(message_vi(&e)))),
            )
                .into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "reform_public.html")]
struct PublicSets {
    chrome: Chrome,
    sets: Vec<SetLine>,
}

pub async fn public_sets(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let mut conn = state.app.db.read_conn().await.map_err(AppError::from)?;
    let rows = motcua_app::store::reform_index::sets(&mut conn, ctx.tenant.id)
        .await
        .map_err(AppError::from)?;
    drop(conn);
    let sets = rows
        .iter()
        .filter(|r| r.published_at.is_some())
        .map(|r| SetLine {
            id: r.id,
            year: r.year,
            kind: kind_vi(&r.unit_kind),
            name: r.name.clone(),
            deadline: dmy(&r.self_deadline),
            published: true,
            example: false,
            own_units: Vec::new(),
        })
        .collect();
    Ok(render(&PublicSets {
        chrome: Chrome::of(&ctx),
        sets,
    }))
}

pub async fn public_results(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, &ctx)?;
    let r = reform::public_results(&state.app, ctx.tenant.id, id)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    Ok(render(&results_page_of(&ctx, r, true, false, None)))
}

#[derive(Deserialize)]
pub struct CopyForm {
    csrf_token: String,
    year: String,
    self_deadline: String,
}

/// The council starts a new year's set from this one.
pub async fn copy(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<CopyForm>,
) -> PageResult {
    let actor = form_actor(&ctx, &form.csrf_token)?;
    let id = parse_id(&id, &ctx)?;
    let result = match form.year.trim().parse::<i16>() {
        Ok(year) => {
            reform::copy_set(
                &state.app,
                actor,
                id,
                reform::CopyInput {
                    year,
                    self_deadline: form.self_deadline,
                },
            )
            .await
        }
        Err(_) => Err(AppError::invalid("year", "a year")),
    };
    match result {
        Ok(view) => Ok(Redirect::to(&format!("/chi-so-cchc/{}", view.summary.id)).into_response()),
        Err(AppError::Forbidden) => Err(with_chrome(AppError::Forbidden, &ctx)),
        Err(e) => {
            let message = match &e {
                AppError::Conflict { .. } => {
                    "Đã có bộ tiêu chí cho năm và loại đơn vị này.".to_owned()
                }
                AppError::Validation(v) if v.iter().any(|x| x.field == "self_deadline") => {
                    "Hạn tự chấm điểm không hợp lệ.".to_owned()
                }
                AppError::Validation(_) => "Năm không hợp lệ (từ 2000 đến 2100).".to_owned(),
                other => message_vi(other),
            };
            let page = set_view(&state, &ctx, actor, id, Some(message)).await?;
            Ok((status_of(&e), render(&page)).into_response())
        }
    }
}
