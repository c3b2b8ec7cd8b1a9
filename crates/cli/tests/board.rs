//! The public transparency board (`/cong-khai`), the leader dashboard (`/bao-cao`), the monthly
//! trends and the service-quality index (Decision 766) over the demo province's files (made
//! through the real use cases over the last six months), on SQLite and PostgreSQL: the months
//! add up to the handling report (Biểu 06), the boards show the report's figures, filters
//! narrow them, bad input gets 422 (problem+json on the API, a Vietnamese message on the
//! page), the public board carries no applicant's name, phone or file code, the index's
//! breakdown adds up within its maxima, and each leader sees only their own units.

mod common;

use common::{Server, Session, pdf_text, problem, spawn};
use motcua_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;
use serde_json::Value;

const COMMUNE: &str = "000.21.20.H48"; // phường Chiềng Lề: receives the demo files
const COMMUNE_NAME: &str = "Ủy ban nhân dân phường Chiềng Lề";
const DEPARTMENT: &str = "000.00.12.H48"; // Sở Tư pháp
const DEPARTMENT_NAME: &str = "Sở Tư pháp";

/// From the first day of the month seven months ago to today (local): every demo file.
fn period() -> (String, String) {
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::offset(7).to_time_zone())
        .date();
    let from = today
        .checked_sub(jiff::Span::new().months(7))
        .unwrap()
        .first_of_month();
    (from.to_string(), today.to_string())
}

async fn with_demo_files(backend: Backend) -> Server {
    let server = spawn(backend).await;
    let tenant =
        motcua_app::tenancy::resolve(&server.app, None, Some(motcua_app::demo::TENANT_CODE))
            .await
            .unwrap();
    let made = motcua_app::demo_files::seed_files(&server.app, tenant.id)
        .await
        .unwrap();
    assert!(made.created > 100, "demo files made: {made:?}");
    server
}

async fn json(s: &Session, path: &str) -> Value {
    let r = s.get(path).await;
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

async fn html(s: &Session, path: &str) -> (StatusCode, String) {
    let r = s.get(path).await;
    (r.status(), r.text().await.unwrap())
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_owned()
}

/// The cells of each body row of the table with `id`.
fn table(page: &str, id: &str) -> Vec<Vec<String>> {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("table {id} on the page"));
    let rest = &page[start..];
    let body = &rest[rest.find("<tbody>").unwrap()..rest.find("</tbody>").unwrap()];
    body.split("<tr")
        .skip(1)
        .map(|row| {
            row.split("</t")
                .filter_map(|cell| cell.rfind("<t").map(|i| strip_tags(&cell[i..])))
                .collect()
        })
        .collect()
}

fn pct(v: &Value) -> String {
    v.as_f64().map_or("—".to_owned(), |r| {
        format!("{:.1}%", r * 100.0).replace('.', ",")
    })
}

fn n(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("a count: {v}"))
}

/// The summary table's cells in its column order, from a report's figures.
fn summary_cells(f: &Value) -> Vec<String> {
    [
        &f["received"]["total"],
        &f["received"]["new_online"],
        &f["received"]["new_offline"],
        &f["received"]["carried_over"],
        &f["resolved"]["total"],
        &f["resolved"]["early"],
        &f["resolved"]["on_time"],
        &f["resolved"]["late"],
        &f["pending"]["total"],
        &f["pending"]["overdue"],
        &f["withdrawn"],
    ]
    .iter()
    .map(|v| n(v).to_string())
    .collect()
}

fn query(from: &str, to: &str, unit: &str, field: &str) -> String {
    format!("from={from}&to={to}&unit={unit}&field={field}")
}

async fn trends_add_up_to_the_handling_report(backend: Backend) {
    let server = with_demo_files(backend).await;
    let cchc = server.login("cchc").await;
    let (from, to) = period();
    for (unit, field) in [("", ""), (COMMUNE, ""), ("", "HOTICH"), (DEPARTMENT, "")] {
        let q = query(&from, &to, unit, field);
        let report = json(&cchc, &format!("/api/v1/reports/handling?{q}")).await;
        let trends = json(&cchc, &format!("/api/v1/reports/trends?{q}")).await;
        let whole = &report["overall"];
        assert_eq!(&trends["period"], whole, "{q}");
        let months = trends["months"].as_array().unwrap();
        assert_eq!(months.len(), 8, "{q}: eight calendar months");
        let sum = |path: &[&str]| -> i64 {
            months
                .iter()
                .map(|m| {
                    let mut v = &m["figures"];
                    for p in path {
                        v = &v[*p];
                    }
                    n(v)
                })
                .sum()
        };
        for path in [
            &["received", "new_online"][..],
            &["received", "new_offline"],
            &["received", "new_post"],
            &["resolved", "total"],
            &["resolved", "early"],
            &["resolved", "on_time"],
            &["resolved", "late"],
            &["resolved", "refused"],
            &["withdrawn"],
            &["apologies"],
            &["late_with_apology"],
            &["supplement_requests"],
        ] {
            let mut expected = whole;
            for p in path {
                expected = &expected[*p];
            }
            assert_eq!(sum(path), n(expected), "{q}: {path:?}");
        }
        assert_eq!(
            months[0]["figures"]["received"]["carried_over"],
            whole["received"]["carried_over"]
        );
        assert_eq!(
            months.last().unwrap()["figures"]["pending"],
            whole["pending"],
            "{q}: pending at the end"
        );
        // Each month is the handling report of that month.
        let m = &months[2];
        let one = json(
            &cchc,
            &format!(
                "/api/v1/reports/handling?{}",
                query(
                    m["from"].as_str().unwrap(),
                    m["to"].as_str().unwrap(),
                    unit,
                    field
                )
            ),
        )
        .await;
        assert_eq!(m["figures"], one["overall"], "{q}: month {}", m["month"]);
        if unit != DEPARTMENT {
            assert!(
                n(&whole["resolved"]["total"]) > 0,
                "{q}: something to compare"
            );
        }
    }
}

async fn boards_show_the_report_and_filters_narrow_it(backend: Backend) {
    let server = with_demo_files(backend).await;
    let cchc = server.login("cchc").await;
    let visitor = server.anonymous();
    let (from, to) = period();
    // The home page links to the board.
    let (_, home) = html(&visitor, "/").await;
    assert!(home.contains("href=\"/cong-khai\""));
    for (unit, field) in [
        ("", ""),
        (COMMUNE, ""),
        (COMMUNE, "HOTICH"),
        (DEPARTMENT, ""),
    ] {
        let q = query(&from, &to, unit, field);
        let report = json(&cchc, &format!("/api/v1/reports/handling?{q}")).await;
        let (status, page) = html(&visitor, &format!("/cong-khai?{q}")).await;
        assert_eq!(status, StatusCode::OK, "{q}");
        assert_eq!(
            table(&page, "tong-hop")[0],
            summary_cells(&report["overall"]),
            "{q}: the board's summary is the report's"
        );
        let rates = &report["overall_rates"];
        assert!(page.contains(&format!(
            "Tỷ lệ giải quyết đúng hạn (trước hạn và đúng hạn trên số đã giải quyết): <strong>{}</strong>",
            pct(&rates["on_time_rate"])
        )));
        assert!(page.contains(&format!(
            "nộp trực tuyến hoặc qua bưu chính công ích: <strong>{}</strong>",
            pct(&rates["online_or_post_share"])
        )));
        assert!(page.contains("<svg") && page.contains("role=\"img\""));
        assert_eq!(table(&page, "theo-thang").len(), 8, "{q}: a line per month");
    }
    // The ranking: each unit's figures are its row of the report by unit.
    let q = query(&from, &to, "", "");
    let by_unit = json(
        &cchc,
        &format!("/api/v1/reports/handling?{q}&group_by=unit"),
    )
    .await;
    let (_, page) = html(&visitor, &format!("/cong-khai?{q}")).await;
    let ranking = table(&page, "xep-hang-bang");
    let commune = by_unit["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == COMMUNE)
        .unwrap();
    let line = ranking
        .iter()
        .find(|l| l[1] == COMMUNE_NAME)
        .expect("the commune is ranked");
    assert_eq!(
        line[3],
        n(&commune["figures"]["resolved"]["total"]).to_string()
    );
    assert_eq!(line[6], pct(&commune["rates"]["on_time_rate"]));
    // The department only handles the inter-agency legs and its own files: ranked too.
    assert!(ranking.iter().any(|l| l[1] == DEPARTMENT_NAME));
    // A unit filter narrows the ranking to its subtree.
    let (_, page) = html(
        &visitor,
        &format!("/cong-khai?{}", query(&from, &to, COMMUNE, "")),
    )
    .await;
    let ranking = table(&page, "xep-hang-bang");
    assert_eq!(ranking.len(), 1);
    assert_eq!(ranking[0][1], COMMUNE_NAME);
}

async fn bad_input_is_refused_in_vietnamese_and_problem_json(backend: Backend) {
    let server = spawn(backend).await;
    let cchc = server.login("cchc").await;
    let visitor = server.anonymous();
    for (q, page_message) in [
        (
            "from=2026-03-01&to=2026-01-01",
            "Khoảng thời gian không hợp lệ",
        ),
        (
            "from=2022-01-01&to=2025-12-31",
            "Khoảng thời gian tối đa 36 tháng.",
        ),
        (
            "from=2026-13-01&to=2026-12-31",
            "Khoảng thời gian không hợp lệ",
        ),
        (
            "from=2026-01-01&to=2026-03-31&unit=999.99.99.H99",
            "Không có đơn vị với mã đã chọn.",
        ),
        (
            "from=2026-01-01&to=2026-03-31&field=KHONGCO",
            "Không có lĩnh vực với mã đã chọn.",
        ),
    ] {
        let (status, code) = problem(cchc.get(&format!("/api/v1/reports/trends?{q}")).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            "{q}"
        );
        let (status, page) = html(&visitor, &format!("/cong-khai?{q}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert!(page.contains(page_message), "{q}: {page}");
        let (status, page) = html(&cchc, &format!("/bao-cao?{q}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert!(page.contains(page_message), "{q}");
    }
    for q in [
        "from=2026-03-01&to=2026-01-01",
        "from=2026-01-01&to=2026-03-31&unit=999.99.99.H99",
        "from=2021-01-01&to=2021-12-31",
    ] {
        let (status, code) = problem(
            cchc.get(&format!("/api/v1/reports/service-index?{q}"))
                .await,
        )
        .await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            "{q}"
        );
    }
}

async fn the_public_board_shows_no_personal_data(backend: Backend) {
    let server = with_demo_files(backend).await;
    let visitor = server.anonymous();
    let mut conn = server.app.db.read_conn().await.unwrap();
    let files: Vec<(String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT applicant_name, applicant_phone, code FROM files")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    drop(conn);
    assert!(files.len() > 100);
    assert!(
        files.iter().any(|f| f.1.is_some()),
        "some phones to look for"
    );
    let (from, to) = period();
    for q in [
        query(&from, &to, "", ""),
        query(&from, &to, COMMUNE, ""),
        query(&from, &to, COMMUNE, "HOTICH"),
    ] {
        let (status, page) = html(&visitor, &format!("/cong-khai?{q}")).await;
        assert_eq!(status, StatusCode::OK);
        for (name, phone, code) in &files {
            assert!(
                !page.contains(name.as_str()),
                "{q}: applicant name {name} shown"
            );
            if let Some(phone) = phone.as_deref().filter(|p| !p.is_empty()) {
                assert!(!page.contains(phone), "{q}: a phone shown");
            }
            if let Some(code) = code {
                assert!(!page.contains(code.as_str()), "{q}: file code {code} shown");
            }
        }
    }
}

async fn index_breakdown_adds_up_within_its_maxima(backend: Backend) {
    let server = with_demo_files(backend).await;
    let cchc = server.login("cchc").await;
    let (from, to) = period();
    let q = format!("from={from}&to={to}");
    let ix = json(&cchc, &format!("/api/v1/reports/service-index?{q}")).await;
    assert_eq!(ix["verified"], false, "the definitions are not checked yet");
    let units = ix["units"].as_array().unwrap();
    assert_eq!(
        units.len(),
        14,
        "every unit of the province, the historical district too"
    );
    let close = |a: f64, b: f64| (a - b).abs() < 0.005;
    let mut last = f64::MAX;
    for u in units {
        let index = &u["index"];
        let score = index["score"].as_f64().unwrap();
        assert!(score <= last, "ranked by score");
        last = score;
        let groups = index["groups"].as_array().unwrap();
        assert_eq!(groups.len(), 5);
        let sum: f64 = groups.iter().map(|g| g["points"].as_f64().unwrap()).sum();
        assert!(close(sum, score), "{}: {sum} vs {score}", u["code"]);
        assert!(score <= index["max_available"].as_f64().unwrap() + 1e-9);
        assert!(index["max_available"].as_f64().unwrap() <= 100.0);
        let maxima: f64 = groups
            .iter()
            .map(|g| g["max_points"].as_f64().unwrap())
            .sum();
        assert!(close(maxima, 100.0));
        for g in groups {
            let points = g["points"].as_f64().unwrap();
            assert!(points >= 0.0 && points <= g["max_points"].as_f64().unwrap());
            let isum: f64 = g["indicators"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    let p = i["points"].as_f64().unwrap();
                    assert!(p >= 0.0 && p <= i["max_points"].as_f64().unwrap(), "{i}");
                    p
                })
                .sum();
            assert!(close(isum, points), "{}", g["code"]);
        }
    }
    // The commune's progress indicator is its row of the handling report.
    let by_unit = json(
        &cchc,
        &format!("/api/v1/reports/handling?{q}&group_by=unit"),
    )
    .await;
    let row = by_unit["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == COMMUNE)
        .unwrap();
    let commune = units.iter().find(|u| u["code"] == COMMUNE).unwrap();
    let on_time = &commune["index"]["groups"][1]["indicators"][0];
    assert_eq!(on_time["measure"], "on_time");
    let resolved = &row["figures"]["resolved"];
    assert_eq!(
        on_time["numerator"],
        n(&resolved["early"]) + n(&resolved["on_time"])
    );
    assert_eq!(on_time["denominator"], resolved["total"]);
    assert_eq!(on_time["status"], "scored");
    assert!(commune["index"]["score"].as_f64().unwrap() > 0.0);
}

async fn leaders_see_their_own_units_only(backend: Backend) {
    let server = with_demo_files(backend).await;
    let (from, to) = period();
    let q = format!("from={from}&to={to}");
    // A visitor is sent to sign in; a citizen or a counter officer is refused.
    let (status, _) = html(&server.anonymous(), "/bao-cao").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let r = server.anonymous().get("/bao-cao").await;
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        "/dang-nhap?next=%2Fbao-cao"
    );
    for login in ["congdan@example.vn", "motcua.chiengle"] {
        let (status, page) = html(&server.login(login).await, "/bao-cao").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{login}");
        assert!(page.contains("Trang này dành cho lãnh đạo"));
    }
    let (status, _) = problem(
        server
            .anonymous()
            .get(&format!("/api/v1/reports/trends?{q}"))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The commune's leader: their own unit by default, with its index.
    let leader = server.login("lanhdao.chiengle").await;
    let trends = json(&leader, &format!("/api/v1/reports/trends?{q}")).await;
    assert_eq!(trends["unit"]["code"], COMMUNE);
    let (status, page) = html(&leader, &format!("/bao-cao?{q}")).await;
    assert_eq!(status, StatusCode::OK);
    let ranking = table(&page, "xep-hang-bang");
    assert_eq!(ranking.len(), 1);
    assert_eq!(ranking[0][1], COMMUNE_NAME);
    assert!(
        !page.contains(DEPARTMENT_NAME),
        "no other unit, not even in the filter"
    );
    assert!(page.contains("chưa đối chiếu văn bản gốc"));
    assert!(
        !page.contains("<option value=\"\">Toàn tỉnh</option>"),
        "the leader cannot choose the province"
    );
    let index = table(&page, "chi-so");
    assert_eq!(index.len(), 1);
    assert_eq!(index[0][1], COMMUNE_NAME);
    // Another unit: refused on the page and on the API.
    let (status, _) = html(&leader, &format!("/bao-cao?{q}&unit={DEPARTMENT}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for path in ["trends", "service-index"] {
        let (status, code) = problem(
            leader
                .get(&format!("/api/v1/reports/{path}?{q}&unit={DEPARTMENT}"))
                .await,
        )
        .await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{path}"
        );
    }
    // The reform office sees the province: every unit in the ranking and the index.
    let cchc = server.login("cchc").await;
    let (status, page) = html(&cchc, &format!("/bao-cao?{q}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        table(&page, "xep-hang-bang")
            .iter()
            .any(|l| l[1] == DEPARTMENT_NAME)
    );
    assert_eq!(table(&page, "chi-so").len(), 14);
    assert!(page.contains("<option value=\"\">Toàn tỉnh</option>"));
}

/// The index's exports hold what its JSON holds: the ranking sheet's units, points and
/// totals, one detail line per unit and sub-indicator (XLSX and CSV), the PDF's ranking.
async fn index_exports_match_the_json(backend: Backend) {
    use calamine::{Data, Reader, Xlsx};
    let server = with_demo_files(backend).await;
    let cchc = server.login("cchc").await;
    let (from, to) = period();
    let q = format!("from={from}&to={to}");
    let ix = json(&cchc, &format!("/api/v1/reports/service-index?{q}")).await;
    let units = ix["units"].as_array().unwrap();
    let indicators: usize = units[0]["index"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["indicators"].as_array().unwrap().len())
        .sum();

    let r = cchc
        .get(&format!("/api/v1/reports/service-index.xlsx?{q}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("chi-so-phuc-vu-tinh-{from}-{to}.xlsx"))
    );
    let bytes = r.bytes().await.unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("a real XLSX");
    let ranking = book.worksheet_range("Xếp hạng").unwrap();
    let number = |d: Option<&Data>| match d {
        Some(Data::Float(x)) => *x,
        other => panic!("not a number: {other:?}"),
    };
    for (k, u) in units.iter().enumerate() {
        let y = 4 + k as u32;
        assert_eq!(
            ranking.get_value((y, 1)).unwrap().to_string(),
            u["code"].as_str().unwrap()
        );
        assert_eq!(
            ranking.get_value((y, 2)).unwrap().to_string(),
            u["name"].as_str().unwrap()
        );
        for g in 0..5 {
            let points = u["index"]["groups"][g]["points"].as_f64().unwrap();
            assert!((number(ranking.get_value((y, 3 + g as u32))) - points).abs() < 1e-9);
        }
        let score = u["index"]["score"].as_f64().unwrap();
        assert!((number(ranking.get_value((y, 8))) - score).abs() < 1e-9);
    }
    let detail = book.worksheet_range("Chi tiết").unwrap();
    let lines = detail.height() - 4;
    assert_eq!(
        lines,
        units.len() * indicators,
        "one line per unit and indicator"
    );
    // The commune's on-time indicator, as in the JSON.
    let commune = units.iter().find(|u| u["code"] == COMMUNE).unwrap();
    let on_time = &commune["index"]["groups"][1]["indicators"][0];
    let text_at = |y: u32, c: u32| detail.get_value((y, c)).unwrap().to_string();
    let line = (4..detail.height() as u32)
        .find(|y| text_at(*y, 0) == COMMUNE && text_at(*y, 2) == on_time["code"].as_str().unwrap())
        .expect("the commune's on-time line");
    assert_eq!(
        number(detail.get_value((line, 4))),
        on_time["numerator"].as_f64().unwrap()
    );
    assert_eq!(
        number(detail.get_value((line, 5))),
        on_time["denominator"].as_f64().unwrap()
    );

    let csv = cchc
        .get(&format!("/api/v1/reports/service-index.csv?{q}"))
        .await
        .text()
        .await
        .unwrap();
    let csv = csv
        .strip_prefix('\u{feff}')
        .expect("a BOM for spreadsheets");
    let mut csv_lines = csv.lines();
    assert!(
        csv_lines
            .next()
            .unwrap()
            .starts_with("Mã đơn vị,Đơn vị,Chỉ số")
    );
    assert_eq!(csv_lines.count(), units.len() * indicators);

    let pdf = cchc
        .get(&format!("/api/v1/reports/service-index.pdf?{q}"))
        .await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let pdf = pdf.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf);
    for u in units {
        assert!(
            text.contains(u["name"].as_str().unwrap()),
            "{} missing",
            u["name"]
        );
    }
    assert!(text.contains("chưa được đối chiếu với văn bản gốc"));

    // A counter officer may not export it; a bad date is a problem+json.
    let officer = server.login("motcua.chiengle").await;
    let r = officer
        .get(&format!("/api/v1/reports/service-index.xlsx?{q}"))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (status, body) = problem(
        cchc.get("/api/v1/reports/service-index.pdf?from=2025-13-01&to=2025-12-31")
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

on_both_backends! {
    board_trends => trends_add_up_to_the_handling_report,
    board_figures => boards_show_the_report_and_filters_narrow_it,
    board_bad_input => bad_input_is_refused_in_vietnamese_and_problem_json,
    board_privacy => the_public_board_shows_no_personal_data,
    board_index => index_breakdown_adds_up_within_its_maxima,
    board_index_exports => index_exports_match_the_json,
    board_scope => leaders_see_their_own_units_only,
}
