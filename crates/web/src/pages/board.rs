//! The public transparency board (`/cong-khai`: counts only, every unit of the province) and
//! the leader dashboard (`/bao-cao`: the same for the leader's units, with the service-quality
//! index). Charts are SVG drawn on the server (`crate::charts`).

use super::{Chrome, PageResult, render, signed_in, with_chrome};
use crate::charts::{self, Bar, Series, Slice, Svg};
use crate::ctx::Ctx;
use crate::state::AppState;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use motcua_app::calendar::utc7;
use motcua_app::org::By;
use motcua_app::reports::Label;
use motcua_app::reports::board::{self, Board, BoardInput};
use motcua_app::reports::service_index::{self, IndexInput, ServiceIndexReport};
use motcua_domain::permission::Action;
use motcua_domain::report::{Figures, Rates};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct BoardParams {
    from: Option<String>,
    to: Option<String>,
    unit: Option<String>,
    field: Option<String>,
}

/// One line of the monthly table.
pub struct MonthLine {
    pub month: String,
    pub f: Figures,
    pub on_time: String,
    pub online: String,
    pub online_or_post: String,
    pub apology: String,
}

pub struct RankLine {
    pub rank: usize,
    pub name: String,
    pub f: Figures,
    pub on_time: String,
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    chrome: Chrome,
    public: bool,
    action: &'static str,
    from: String,
    to: String,
    from_vi: String,
    to_vi: String,
    unit: String,
    field: String,
    scope_name: String,
    field_name: Option<String>,
    units: Vec<Label>,
    fields: Vec<Label>,
    whole_province: bool,
    period: Figures,
    rates: RateTexts,
    months: Vec<MonthLine>,
    ranking: Vec<RankLine>,
    trend_chart: Svg,
    ranking_chart: Svg,
    channel_chart: Svg,
    timeliness_chart: Svg,
    index: Option<ServiceIndexReport>,
}

pub struct RateTexts {
    pub on_time: String,
    pub online: String,
    pub online_or_post: String,
    pub apology: String,
}

fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "—".to_owned(), charts::percent)
}

fn rate_texts(r: &Rates) -> RateTexts {
    RateTexts {
        on_time: pct(r.on_time_rate),
        online: pct(r.online_share),
        online_or_post: pct(r.online_or_post_share),
        apology: pct(r.late_with_apology_share),
    }
}

impl BoardPage {
    /// Points with two decimals, Vietnamese style.
    fn points(&self, p: &f64) -> String {
        format!("{p:.2}").replace('.', ",")
    }
    fn value(&self, v: &Option<f64>) -> String {
        pct(*v)
    }
    fn share(&self, v: &f64) -> String {
        charts::percent(*v)
    }
}

fn input_of(ctx_today: jiff::civil::Date, p: BoardParams) -> BoardInput {
    let from = p.from.filter(|s| !s.trim().is_empty()).unwrap_or_else(|| {
        jiff::civil::Date::new(ctx_today.year(), 1, 1)
            .unwrap_or(ctx_today)
            .to_string()
    });
    let to =
        p.to.filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| ctx_today.to_string());
    BoardInput {
        from,
        to,
        unit: p.unit.filter(|s| !s.trim().is_empty()),
        field: p.field.filter(|s| !s.trim().is_empty()),
    }
}

fn page(
    ctx: &Ctx,
    public: bool,
    input: &BoardInput,
    b: Board,
    index: Option<ServiceIndexReport>,
) -> BoardPage {
    let t = &b.trends;
    let x: Vec<String> = t
        .months
        .iter()
        .map(|m| m.from.strftime("%m/%Y").to_string())
        .collect();
    let trend_chart = charts::lines(
        "xu-huong",
        "Xu hướng theo tháng",
        "Tỷ lệ hồ sơ giải quyết đúng hạn, tỷ lệ hồ sơ nộp trực tuyến và tỷ lệ nộp trực tuyến hoặc qua bưu chính công ích của từng tháng; số liệu chi tiết ở bảng theo tháng.",
        &x,
        &[
            Series {
                name: "Đúng hạn".into(),
                values: t.months.iter().map(|m| m.rates.on_time_rate).collect(),
            },
            Series {
                name: "Trực tuyến".into(),
                values: t.months.iter().map(|m| m.rates.online_share).collect(),
            },
            Series {
                name: "Trực tuyến và bưu chính".into(),
                values: t
                    .months
                    .iter()
                    .map(|m| m.rates.online_or_post_share)
                    .collect(),
            },
        ],
        1.0,
        charts::percent,
    );
    let ranking_chart = charts::bars(
        "xep-hang",
        "Xếp hạng đơn vị theo tỷ lệ giải quyết đúng hạn",
        "Mỗi thanh là tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn trên tổng số hồ sơ đã giải quyết của một đơn vị trong kỳ.",
        &b.ranking
            .iter()
            .map(|r| Bar {
                label: format!("{}. {}", r.rank, r.name),
                value: r.rates.on_time_rate.unwrap_or(0.0),
                text: pct(r.rates.on_time_rate),
            })
            .collect::<Vec<_>>(),
        Some(1.0),
    );
    let p = &t.period;
    let channel_chart = charts::donut(
        "kenh-nop",
        "Hồ sơ mới tiếp nhận theo kênh",
        "Số hồ sơ mới tiếp nhận trong kỳ: trực tuyến, trực tiếp, qua bưu chính công ích.",
        &[
            Slice {
                label: "Trực tuyến".into(),
                value: p.received.new_online,
            },
            Slice {
                label: "Trực tiếp".into(),
                value: p.received.new_offline - p.received.new_post,
            },
            Slice {
                label: "Bưu chính công ích".into(),
                value: p.received.new_post,
            },
        ],
    );
    let timeliness_chart = charts::donut(
        "ket-qua",
        "Hồ sơ đã giải quyết",
        "Số hồ sơ đã giải quyết trong kỳ: trước hạn, đúng hạn, trễ hạn.",
        &[
            Slice {
                label: "Trước hạn".into(),
                value: p.resolved.early,
            },
            Slice {
                label: "Đúng hạn".into(),
                value: p.resolved.on_time,
            },
            Slice {
                label: "Trễ hạn".into(),
                value: p.resolved.late,
            },
        ],
    );
    let months = t
        .months
        .iter()
        .map(|m| MonthLine {
            month: m.from.strftime("%m/%Y").to_string(),
            f: m.figures,
            on_time: pct(m.rates.on_time_rate),
            online: pct(m.rates.online_share),
            online_or_post: pct(m.rates.online_or_post_share),
            apology: pct(m.rates.late_with_apology_share),
        })
        .collect();
    let ranking = b
        .ranking
        .iter()
        .map(|r| RankLine {
            rank: r.rank,
            name: r.name.clone(),
            f: r.figures,
            on_time: pct(r.rates.on_time_rate),
        })
        .collect();
    BoardPage {
        chrome: Chrome::of(ctx),
        public,
        action: if public { "/cong-khai" } else { "/bao-cao" },
        from: t.from.to_string(),
        to: t.to.to_string(),
        from_vi: t.from.strftime("%d/%m/%Y").to_string(),
        to_vi: t.to.strftime("%d/%m/%Y").to_string(),
        unit: t.unit.as_ref().map(|u| u.code.clone()).unwrap_or_default(),
        field: input.field.clone().unwrap_or_default(),
        scope_name: t
            .unit
            .as_ref()
            .map_or_else(|| "Toàn tỉnh".to_owned(), |u| u.name.clone()),
        field_name: t.field.as_ref().map(|f| f.name.clone()),
        whole_province: b.whole_province,
        units: b.units,
        fields: b.fields,
        rates: rate_texts(&t.period_rates),
        period: t.period,
        months,
        ranking,
        trend_chart,
        ranking_chart,
        channel_chart,
        timeliness_chart,
        index,
    }
}

/// GET /cong-khai: the public transparency board. Aggregates only, no personal data.
pub async fn public_board(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<BoardParams>, QueryRejection>,
) -> PageResult {
    let params = query.map(|q| q.0).unwrap_or_default();
    let input = input_of(state.app.now().to_zoned(utc7()).date(), params);
    let by = By::System {
        tenant_id: ctx.tenant.id,
    };
    let b = board::board(&state.app, by, &input)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    Ok(render(&page(&ctx, true, &input, b, None)))
}

/// GET /bao-cao: the leader dashboard, over the units the leader may report on, with the
/// service-quality index.
pub async fn leader_board(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<BoardParams>, QueryRejection>,
) -> PageResult {
    let actor = match signed_in(
        &ctx,
        "/bao-cao",
        |a| a.can(Action::ViewReports),
        "Trang này dành cho lãnh đạo và người được xem báo cáo.",
    ) {
        Ok(a) => a,
        Err(r) => return Ok(*r),
    };
    let params = query.map(|q| q.0).unwrap_or_default();
    let input = input_of(state.app.now().to_zoned(utc7()).date(), params);
    let b = board::board(&state.app, By::User(actor), &input)
        .await
        .map_err(|e| with_chrome(e, &ctx))?;
    let index = match service_index::service_index(
        &state.app,
        By::User(actor),
        &IndexInput {
            from: input.from.clone(),
            to: input.to.clone(),
            unit: b.trends.unit.as_ref().map(|u| u.code.clone()),
        },
    )
    .await
    {
        Ok(r) => Some(r),
        // A period before the index existed still shows the board, without the index.
        Err(motcua_app::AppError::Validation(_)) => None,
        Err(e) => return Err(with_chrome(e, &ctx)),
    };
    Ok(render(&page(&ctx, false, &input, b, index)))
}
