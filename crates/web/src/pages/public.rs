//! Public pages: home, catalogue search and procedure detail.

use super::{Chrome, PageResult, render};
use crate::ctx::Ctx;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use motcua_app::catalogue::{self, Procedure, ProcedurePage, SearchQuery};
use motcua_app::store::catalogue::FieldCount;

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    chrome: Chrome,
    fields: Vec<FieldCount>,
}

pub async fn home(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let fields = catalogue::fields(&state.app, ctx.tenant.id).await?;
    Ok(render(&Home {
        chrome: Chrome::of(&ctx),
        fields,
    }))
}

#[derive(Template)]
#[template(path = "procedures.html")]
struct Procedures {
    chrome: Chrome,
    fields: Vec<FieldCount>,
    page: ProcedurePage,
    pages: i64,
    q: String,
    field: String,
    level: String,
    prev_link: String,
    next_link: String,
}

/// Percent-encodes a query-string value.
pub(super) fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

pub async fn procedures(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<SearchQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    // A hand-edited query string falls back to an unfiltered search instead of an error page.
    let query = query.map(|q| q.0).unwrap_or_default();
    let page = catalogue::search(&state.app, ctx.tenant.id, &query).await?;
    let fields = catalogue::fields(&state.app, ctx.tenant.id).await?;
    let pages = ((page.total + page.per_page - 1) / page.per_page).max(1);
    let q = query.q.clone().unwrap_or_default();
    let field = query.field.clone().unwrap_or_default();
    let level = query.level.clone().unwrap_or_default();
    let link = |n: i64| {
        format!(
            "/thu-tuc?q={}&field={}&level={}&page={n}",
            encode(&q),
            encode(&field),
            encode(&level)
        )
    };
    Ok(render(&Procedures {
        chrome: Chrome::of(&ctx),
        prev_link: link(page.page - 1),
        next_link: link(page.page + 1),
        fields,
        pages,
        page,
        q,
        field,
        level,
    }))
}

#[derive(Template)]
#[template(path = "procedure.html")]
struct ProcedureDetail {
    chrome: Chrome,
    p: Procedure,
    channels: String,
    fees: Vec<String>,
}

/// One fee as a sentence: the description, with the amount when it is fixed and not already
/// said ("Miễn phí" descriptions are not followed by "Miễn phí" again).
fn fee_line(fee: &motcua_domain::catalogue::Fee) -> String {
    let says_free = ["Miễn", "miễn", "Không thu", "Không có"]
        .iter()
        .any(|w| fee.description.contains(w));
    match fee.amount_vnd {
        Some(0) if says_free => fee.description.clone(),
        Some(amount) => format!(
            "{}: {}",
            fee.description.trim_end_matches([':', ' ']),
            vnd(amount)
        ),
        None => fee.description.clone(),
    }
}

/// Formats an amount of đồng the Vietnamese way: `1.500.000 đ`.
pub fn vnd(amount: i64) -> String {
    if amount == 0 {
        return "Miễn phí".to_owned();
    }
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    format!("{}{out} đ", if amount < 0 { "-" } else { "" })
}

pub async fn procedure(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> PageResult {
    let p = catalogue::get(&state.app, ctx.tenant.id, &code).await?;
    let mut channels = Vec::new();
    if p.channels.counter {
        channels.push("Trực tiếp tại Bộ phận Một cửa");
    }
    if p.channels.post {
        channels.push("Qua dịch vụ bưu chính công ích");
    }
    match p.channels.online {
        motcua_domain::catalogue::OnlineService::Full => channels.push("Trực tuyến toàn trình"),
        motcua_domain::catalogue::OnlineService::Partial => channels.push("Trực tuyến một phần"),
        motcua_domain::catalogue::OnlineService::None => {}
    }
    let fees = p.fees.iter().map(fee_line).collect();
    Ok(render(&ProcedureDetail {
        chrome: Chrome::of(&ctx),
        channels: channels.join("; "),
        fees,
        p,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_the_vietnamese_way() {
        assert_eq!(vnd(0), "Miễn phí");
        assert_eq!(vnd(8_000), "8.000 đ");
        assert_eq!(vnd(1_500_000), "1.500.000 đ");
        assert_eq!(vnd(500), "500 đ");
    }

    #[test]
    fn fees_read_as_one_sentence() {
        use motcua_domain::catalogue::Fee;
        let fee = |d: &str, a: Option<i64>| {
            fee_line(&Fee {
                description: d.into(),
                amount_vnd: a,
            })
        };
        assert_eq!(
            fee("Lệ phí đăng ký khai sinh: Miễn phí", Some(0)),
            "Lệ phí đăng ký khai sinh: Miễn phí"
        );
        assert_eq!(
            fee("Lệ phí cấp bản sao", Some(8_000)),
            "Lệ phí cấp bản sao: 8.000 đ"
        );
        assert_eq!(fee("Lệ phí", Some(0)), "Lệ phí: Miễn phí");
        assert_eq!(
            fee("Lệ phí do HĐND cấp tỉnh quyết định", None),
            "Lệ phí do HĐND cấp tỉnh quyết định"
        );
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode("đăng ký&x=1"), "%C4%91%C4%83ng+k%C3%BD%26x%3D1");
    }
}
