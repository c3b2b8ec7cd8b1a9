//! The administrative-reform index over HTTP against the real server, on SQLite and
//! PostgreSQL: criteria sets (validation, CSV/XLSX round trip, copy), a unit's
//! self-assessment with evidence, the council's appraisal, the unit's one explanation,
//! finalisation, ranking, exports, publication, and the refusals users meet on the way.

mod common;

use common::{Server, Session, pdf_text, problem, spawn};
use motcua_app::org::{self, By, StaffInput};
use motcua_domain::reform_index::{CriteriaSet, Method};
use motcua_testkit::{Backend, on_both_backends};
use reqwest::{Method as Http, StatusCode};
use serde_json::{Value, json};

const CHIENG_LE: &str = "000.21.20.H48";
const TO_HIEU: &str = "000.22.20.H48";

async fn add_leader(server: &Server, username: &str, unit: &str) {
    let mut conn = server.app.db.read_conn().await.unwrap();
    let tenant = motcua_app::store::tenants::list(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.code == motcua_app::demo::TENANT_CODE)
        .unwrap();
    drop(conn);
    org::create_staff(
        &server.app,
        By::System {
            tenant_id: tenant.id,
        },
        StaffInput {
            username: username.into(),
            display_name: "Lãnh đạo phường".into(),
            email: None,
            phone: None,
            password: motcua_app::demo::DEMO_PASSWORD.into(),
            unit_code: unit.into(),
            role: "leader".into(),
        },
    )
    .await
    .unwrap();
}

async fn create_set(council: &Session, year: i16, deadline: &str) -> (i64, CriteriaSet) {
    let set = CriteriaSet::example(year);
    let r = council
        .post(
            "/api/v1/reform-index/sets",
            json!({ "definition": set, "self_deadline": deadline }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["example"], json!(true));
    (body["id"].as_i64().unwrap(), set)
}

fn manual(set: &CriteriaSet) -> Vec<(String, f64)> {
    set.leaves()
        .iter()
        .filter(|c| c.method == Method::Manual)
        .map(|c| (c.code.clone(), c.max_points))
        .collect()
}

fn survey(set: &CriteriaSet) -> Vec<String> {
    set.leaves()
        .iter()
        .filter(|c| matches!(c.method, Method::Survey { .. }))
        .map(|c| c.code.clone())
        .collect()
}

async fn put(s: &Session, path: &str, body: Value) -> reqwest::Response {
    s.send(Http::PUT, path, Some(body)).await
}

/// Full marks on every manual criterion except the first, which gets `first`.
fn scores(set: &CriteriaSet, first: f64) -> Value {
    let list: Vec<Value> = manual(set)
        .iter()
        .enumerate()
        .map(|(k, (code, max))| {
            json!({ "code": code, "points": if k == 0 { first } else { *max }, "note": "Đã thực hiện" })
        })
        .collect();
    json!({ "scores": list })
}

async fn audit_actions(server: &Server) -> Vec<String> {
    let mut conn = server.app.db.read_conn().await.unwrap();
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT action FROM audit_log WHERE entity_type = 'reform_assessment' ORDER BY chain, seq",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

async fn self_assessment_appraisal_and_ranking(backend: Backend) {
    let server = spawn(backend).await;
    add_leader(&server, "lanhdao.tohieu", TO_HIEU).await;
    let council = server.login("cchc").await;
    let chiengle = server.login("lanhdao.chiengle").await;
    let tohieu = server.login("lanhdao.tohieu").await;
    let (id, set) = create_set(&council, 2026, "2099-12-31").await;
    let base = format!("/api/v1/reform-index/sets/{id}/units/{CHIENG_LE}");

    // The unit sees its criteria with the system's figures; no feedback data exists yet.
    let view: Value = chiengle.get(&base).await.json().await.unwrap();
    assert_eq!(view["stage"], "draft");
    assert_eq!(view["may_self_score"], json!(true));
    let feedback = view["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["method_vi"]
                .as_str()
                .unwrap_or("")
                .contains("phản ánh, kiến nghị")
        })
        .unwrap();
    assert_eq!(feedback["percent"], Value::Null, "chưa có dữ liệu");

    // Bad scores are refused with a stable code.
    let (code, max) = manual(&set)[0].clone();
    for bad in [max + 1.0, -0.5, 0.333] {
        let r = put(
            &chiengle,
            &format!("{base}/self-scores"),
            json!({ "scores": [{ "code": code, "points": bad }] }),
        )
        .await;
        assert_eq!(
            problem(r).await,
            (StatusCode::UNPROCESSABLE_ENTITY, "bad_score".into()),
            "{bad}"
        );
    }
    let computed = set
        .leaves()
        .iter()
        .find(|c| matches!(c.method, Method::Computed { .. }))
        .unwrap()
        .code
        .clone();
    let r = put(
        &chiengle,
        &format!("{base}/self-scores"),
        json!({ "scores": [{ "code": computed, "points": 1 }] }),
    )
    .await;
    assert_eq!(
        problem(r).await.1,
        "bad_score",
        "computed criteria are not typed in"
    );

    // A unit cannot touch another unit's scores; the council cannot self-score for it.
    let r = put(
        &chiengle,
        &format!("/api/v1/reform-index/sets/{id}/units/{TO_HIEU}/self-scores"),
        json!({ "scores": [{ "code": code, "points": 0 }] }),
    )
    .await;
    assert_eq!(problem(r).await.0, StatusCode::FORBIDDEN);
    let r = chiengle
        .get(&format!("/api/v1/reform-index/sets/{id}/units/{TO_HIEU}"))
        .await;
    assert_eq!(problem(r).await.0, StatusCode::FORBIDDEN);
    let r = put(&council, &format!("{base}/self-scores"), scores(&set, 1.0)).await;
    assert_eq!(problem(r).await.0, StatusCode::FORBIDDEN);

    let r = put(&chiengle, &format!("{base}/self-scores"), scores(&set, 0.5)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let view: Value = r.json().await.unwrap();
    let version = view["version"].as_i64().unwrap();
    // A stale version is refused.
    let r = put(
        &chiengle,
        &format!("{base}/self-scores"),
        json!({ "version": version - 1, "scores": [{ "code": code, "points": 1 }] }),
    )
    .await;
    assert_eq!(
        problem(r).await,
        (StatusCode::CONFLICT, "stale_version".into())
    );

    // Evidence: a PDF is taken, an executable named .pdf is not.
    let form = reqwest::multipart::Form::new()
        .text("criterion", code.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"%PDF-1.4 ke hoach".to_vec())
                .file_name("ke-hoach.pdf"),
        );
    let r = chiengle
        .client
        .post(server.url(&format!("{base}/evidence")))
        .header("x-csrf-token", &chiengle.csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let evidence: Value = r.json().await.unwrap();
    let form = reqwest::multipart::Form::new()
        .text("criterion", code.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"MZ\x90\x00".to_vec()).file_name("virus.pdf"),
        );
    let r = chiengle
        .client
        .post(server.url(&format!("{base}/evidence")))
        .header("x-csrf-token", &chiengle.csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed".into())
    );
    let r = council
        .get(&format!("{base}/evidence/{}", evidence[0]["id"]))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.4 ke hoach");

    // The council cannot appraise a draft; the unit submits; no edits afterwards.
    let r = put(
        &council,
        &format!("{base}/appraisal"),
        json!({ "scores": [{ "code": code, "points": 0 }] }),
    )
    .await;
    assert_eq!(
        problem(r).await,
        (StatusCode::CONFLICT, "assessment_wrong_stage".into())
    );
    let r = chiengle.post(&format!("{base}/submit"), json!({})).await;
    let view: Value = r.json().await.unwrap();
    assert_eq!(view["stage"], "submitted");
    let self_total = view["self_total"].as_f64().unwrap();
    let r = put(&chiengle, &format!("{base}/self-scores"), scores(&set, 0.0)).await;
    assert_eq!(
        problem(r).await,
        (StatusCode::CONFLICT, "assessment_wrong_stage".into())
    );

    // Appraisal: one criterion lowered with a comment, survey results entered; the unit explains once.
    let surveys = survey(&set);
    let mut appraisal = vec![json!({ "code": code, "points": 0, "note": "Thiếu kiểm chứng" })];
    appraisal.extend(surveys.iter().map(|c| json!({ "code": c, "points": 95 })));
    let r = put(
        &council,
        &format!("{base}/appraisal"),
        json!({ "scores": appraisal }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = put(
        &council,
        &format!("{base}/appraisal"),
        json!({ "scores": [{ "code": code, "points": max + 5.0 }] }),
    )
    .await;
    assert_eq!(problem(r).await.1, "bad_score");
    council
        .post(&format!("{base}/send-back"), json!({}))
        .await
        .error_for_status()
        .unwrap();
    let r = chiengle
        .post(
            &format!("{base}/explanation"),
            json!({ "scores": [{ "code": code, "points": null, "note": "Đã bổ sung kế hoạch" }] }),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["stage"], "explained");
    let r = chiengle
        .post(
            &format!("{base}/explanation"),
            json!({ "scores": [{ "code": code, "points": null, "note": "Lần hai" }] }),
        )
        .await;
    assert_eq!(
        problem(r).await,
        (StatusCode::CONFLICT, "assessment_wrong_stage".into())
    );
    let r = put(
        &council,
        &format!("{base}/appraisal"),
        json!({ "scores": [{ "code": code, "points": max / 2.0, "note": "Chấp nhận một phần" }] }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let view: Value = council
        .post(&format!("{base}/finalise"), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["stage"], "finalised");
    let final_total = view["total"].as_f64().unwrap();
    let r = put(
        &council,
        &format!("{base}/appraisal"),
        json!({ "scores": [{ "code": code, "points": 0 }] }),
    )
    .await;
    assert_eq!(
        problem(r).await,
        (StatusCode::CONFLICT, "assessment_finalised".into())
    );
    assert!(
        final_total > 50.0 && final_total <= 100.0,
        "{final_total} vs self {self_total}"
    );

    // The second unit: full marks on everything manual, surveys lower; finalised without explanation.
    let other = format!("/api/v1/reform-index/sets/{id}/units/{TO_HIEU}");
    put(
        &tohieu,
        &format!("{other}/self-scores"),
        scores(&set, manual(&set)[0].1),
    )
    .await
    .error_for_status()
    .unwrap();
    tohieu
        .post(&format!("{other}/submit"), json!({}))
        .await
        .error_for_status()
        .unwrap();
    let csv = surveys
        .iter()
        .map(|c| format!("{TO_HIEU},{c},70"))
        .collect::<Vec<_>>()
        .join("\n");
    let r = council
        .client
        .post(server.url(&format!("/api/v1/reform-index/sets/{id}/survey")))
        .header("x-csrf-token", &council.csrf)
        .body(format!("ma_don_vi,ma_tieu_chi,ty_le\n{csv}\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["entered"],
        json!(surveys.len())
    );
    let r = council
        .client
        .post(server.url(&format!("/api/v1/reform-index/sets/{id}/survey")))
        .header("x-csrf-token", &council.csrf)
        .body(format!("{TO_HIEU},{code},70\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(r).await.1,
        "validation_failed",
        "not a survey criterion"
    );
    council
        .post(&format!("{other}/finalise"), json!({}))
        .await
        .error_for_status()
        .unwrap();

    // Results: ranked by total, grades from the set's thresholds; units' leaders wait for publication.
    let r = chiengle
        .get(&format!("/api/v1/reform-index/sets/{id}/results"))
        .await;
    assert_eq!(problem(r).await.0, StatusCode::FORBIDDEN);
    let results: Value = council
        .get(&format!("/api/v1/reform-index/sets/{id}/results"))
        .await
        .json()
        .await
        .unwrap();
    let rows = results["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let totals: Vec<f64> = rows.iter().map(|r| r["total"].as_f64().unwrap()).collect();
    assert!(totals[0] >= totals[1]);
    assert_eq!(rows[0]["rank"], json!(1));
    let chiengle_row = rows.iter().find(|r| r["unit_code"] == CHIENG_LE).unwrap();
    assert_eq!(chiengle_row["total"].as_f64().unwrap(), final_total);
    let per_field: f64 = chiengle_row["per_field"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .sum();
    assert!(
        (per_field - final_total).abs() < 0.01,
        "fields add up to the total"
    );
    let grade = chiengle_row["grade"].as_str().unwrap();
    let expected = set.grade_of(final_total).unwrap().name.clone();
    assert_eq!(grade, expected);
    assert!(
        results["pending"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["unit_code"] == "000.23.20.H48")
    );

    // XLSX opened: the first ranked unit and its total.
    let bytes = council
        .get(&format!("/api/v1/reform-index/sets/{id}/results.xlsx"))
        .await
        .bytes()
        .await
        .unwrap();
    {
        use calamine::{Data, Reader, Xlsx};
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let sheet = book.worksheet_range("Ket qua").unwrap();
        assert_eq!(
            sheet.get_value((4, 1)).cloned().unwrap().to_string(),
            rows[0]["unit_code"].as_str().unwrap()
        );
        let total_col = 3 + set.fields.len() as u32;
        match sheet.get_value((4, total_col)).cloned().unwrap() {
            Data::Float(x) => assert!((x - totals[0]).abs() < 0.001),
            other => panic!("{other:?}"),
        }
    }
    let pdf = council
        .get(&format!("/api/v1/reform-index/sets/{id}/results.pdf"))
        .await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let pdf = pdf.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let flat = pdf_text(&pdf);
    for needle in [
        "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2026",
        "Ủy ban nhân dân phường Chiềng Lề",
        "Ủy ban nhân dân phường Tô Hiệu",
        "Tổng điểm",
        "Xếp loại",
        &expected,
        &motcua_domain::reform_index::fmt_num(final_total),
    ] {
        assert!(flat.contains(needle), "{needle} not in the PDF: {flat}");
    }

    // Nothing public before publication; then the public page ranks the units.
    let anonymous = server.anonymous();
    let r = anonymous.get(&format!("/cong-khai/chi-so-cchc/{id}")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = tohieu
        .post(
            &format!("/api/v1/reform-index/sets/{id}/publish"),
            json!({}),
        )
        .await;
    assert_eq!(problem(r).await.0, StatusCode::FORBIDDEN);
    council
        .post(
            &format!("/api/v1/reform-index/sets/{id}/publish"),
            json!({}),
        )
        .await
        .error_for_status()
        .unwrap();
    let html = anonymous
        .get(&format!("/cong-khai/chi-so-cchc/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Ủy ban nhân dân phường Chiềng Lề")
            && html.contains("Ủy ban nhân dân phường Tô Hiệu")
    );
    assert!(html.contains(&expected));
    let r = chiengle
        .get(&format!("/api/v1/reform-index/sets/{id}/results"))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "published results are open to units"
    );

    // Every change is in the audit trail.
    let actions = audit_actions(&server).await;
    for a in [
        "reform.self_scored",
        "reform.evidence_added",
        "reform.submitted",
        "reform.appraised",
        "reform.sent_for_explanation",
        "reform.explained",
        "reform.finalised",
        "reform.survey_imported",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
}

async fn sets_are_validated_copied_and_kept_in_spreadsheets(backend: Backend) {
    let server = spawn(backend).await;
    let council = server.login("cchc").await;
    let leader = server.login("lanhdao.chiengle").await;

    // Sub-criteria that do not add up are named.
    let mut bad = CriteriaSet::example(2026);
    bad.fields[0].children[0].max_points += 1.0;
    let r = council
        .post(
            "/api/v1/reform-index/sets",
            json!({ "definition": bad, "self_deadline": "2027-01-20" }),
        )
        .await;
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        (status, body["code"].as_str().unwrap()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    assert!(body.to_string().contains("add up"), "{body}");
    // Only the council keeps sets.
    let r = leader
        .post(
            "/api/v1/reform-index/sets",
            json!({ "definition": CriteriaSet::example(2026), "self_deadline": "2027-01-20" }),
        )
        .await;
    assert_eq!(problem(r).await.0, StatusCode::FORBIDDEN);

    let (id, set) = create_set(&council, 2025, "2026-01-20").await;
    let r = council
        .post(
            "/api/v1/reform-index/sets",
            json!({ "definition": set, "self_deadline": "2026-01-20" }),
        )
        .await;
    assert_eq!(
        problem(r).await,
        (StatusCode::CONFLICT, "duplicate_criteria_set".into())
    );

    // Past the deadline the unit can neither score nor submit.
    let base = format!("/api/v1/reform-index/sets/{id}/units/{CHIENG_LE}");
    let view: Value = leader.get(&base).await.json().await.unwrap();
    assert_eq!(view["past_deadline"], json!(true));
    assert_eq!(view["may_self_score"], json!(false));
    let r = put(&leader, &format!("{base}/self-scores"), scores(&set, 1.0)).await;
    assert_eq!(
        problem(r).await,
        (StatusCode::CONFLICT, "assessment_past_deadline".into())
    );
    let r = leader.post(&format!("{base}/submit"), json!({})).await;
    assert_eq!(problem(r).await.1, "assessment_past_deadline");
    // A unit of another kind is not assessed under a commune set.
    let r = council
        .get(&format!(
            "/api/v1/reform-index/sets/{id}/units/000.00.12.H48"
        ))
        .await;
    assert_eq!(problem(r).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    // Copy last year's set.
    let r = council
        .post(
            &format!("/api/v1/reform-index/sets/{id}/copy"),
            json!({ "year": 2026, "self_deadline": "2099-01-20" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let copy: Value = r.json().await.unwrap();
    assert_eq!(copy["year"], json!(2026));
    assert_eq!(
        copy["definition"]["fields"],
        serde_json::to_value(&set).unwrap()["fields"]
    );

    // CSV and XLSX exports read back as the same criteria (for another year).
    let csv = council
        .get(&format!("/api/v1/reform-index/sets/{id}/export.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("tieu_chi,3.2.1,"));
    let csv = csv.replacen(",2025,", ",2030,", 1);
    let r = council
        .client
        .post(server.url("/api/v1/reform-index/sets/import?self_deadline=2031-01-20"))
        .header("x-csrf-token", &council.csrf)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let imported: Value = r.json().await.unwrap();
    assert_eq!(imported["year"], json!(2030));
    assert_eq!(
        imported["definition"]["fields"],
        serde_json::to_value(&set).unwrap()["fields"]
    );
    let xlsx = council
        .get(&format!("/api/v1/reform-index/sets/{id}/export.xlsx"))
        .await
        .bytes()
        .await
        .unwrap();
    let r = council
        .client
        .post(server.url("/api/v1/reform-index/sets/import?self_deadline=2026-01-20"))
        .header("x-csrf-token", &council.csrf)
        .body(xlsx.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(r).await.1,
        "duplicate_criteria_set",
        "the same year and kind again"
    );
    let r = council
        .client
        .post(server.url("/api/v1/reform-index/sets/import?self_deadline=2026-01-20"))
        .header("x-csrf-token", &council.csrf)
        .body("bo,commune,Tên,2040\ntieu_chi,1,Một,abc\n")
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert!(body.to_string().contains("line 2"), "{body}");

    // The OpenAPI document lists the endpoints.
    let doc: Value = server
        .anonymous()
        .get("/api/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/reform-index/sets/{id}/units/{unit}/self-scores"].is_object());
}

async fn pages_show_vietnamese_messages(backend: Backend) {
    let server = spawn(backend).await;
    add_leader(&server, "lanhdao.tohieu", TO_HIEU).await;
    let council = server.login("cchc").await;
    let (id, set) = create_set(&council, 2026, "2099-12-31").await;
    let leader = server.login("lanhdao.chiengle").await;
    let page = format!("/chi-so-cchc/{id}/don-vi/{CHIENG_LE}");
    let html = leader.get(&page).await.text().await.unwrap();
    assert!(html.contains("Chấm điểm Chỉ số CCHC năm 2026"));
    assert!(html.contains("chưa có dữ liệu"));
    let (code, max) = manual(&set)[0].clone();
    let form = [
        ("csrf_token".to_owned(), leader.csrf.clone()),
        ("thao_tac".to_owned(), "luu".to_owned()),
        (format!("p_{code}"), format!("{}", max + 1.0)),
        (format!("n_{code}"), "Quá điểm".to_owned()),
    ];
    let r = leader
        .client
        .post(server.url(&page))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("vượt điểm tối đa"), "{html}");
    let form = [
        ("csrf_token".to_owned(), leader.csrf.clone()),
        ("thao_tac".to_owned(), "luu".to_owned()),
        (format!("p_{code}"), "một".to_owned()),
    ];
    let r = leader
        .client
        .post(server.url(&page))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("phải là một số"));
    let form = [
        ("csrf_token".to_owned(), leader.csrf.clone()),
        ("thao_tac".to_owned(), "nop".to_owned()),
        (format!("p_{code}"), "0,5".to_owned()),
    ];
    let r = leader
        .client
        .post(server.url(&page))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = leader
        .get(&format!("{page}?ok=nop"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Đã nộp bản tự chấm điểm") && html.contains("Đã nộp, chờ thẩm định"));
    // Another unit's page and the results are refused in Vietnamese.
    let r = leader
        .get(&format!("/chi-so-cchc/{id}/don-vi/{TO_HIEU}"))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("Bạn không có quyền"));
    let r = leader.get(&format!("/chi-so-cchc/{id}/ket-qua")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A counter officer does not take part.
    let officer = server.login("motcua.chiengle").await;
    let r = officer.get("/chi-so-cchc").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The council's list and set page.
    let html = council
        .get(&format!("/chi-so-cchc/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Đã nộp, chờ thẩm định") && html.contains("bộ tiêu chí ví dụ"));
    // The council copies the set to the next year from the page.
    let form = [
        ("csrf_token", council.csrf.clone()),
        ("year", "2026".into()),
        ("self_deadline", "2027-01-20".into()),
    ];
    let r = council
        .client
        .post(server.url(&format!("/chi-so-cchc/{id}/sao-chep")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Đã có bộ tiêu chí cho năm và loại đơn vị này.")
    );
    let form = [
        ("csrf_token", council.csrf.clone()),
        ("year", "2027".into()),
        ("self_deadline", "2028-01-20".into()),
    ];
    let r = council
        .client
        .post(server.url(&format!("/chi-so-cchc/{id}/sao-chep")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = council
        .get(r.headers()["location"].to_str().unwrap())
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("<dd>2027</dd>"), "{html}");
    // Publishing with nothing final is refused with a message.
    let form = [("csrf_token", council.csrf.clone())];
    let r = council
        .client
        .post(server.url(&format!("/chi-so-cchc/{id}/cong-bo")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("chưa thể công bố"));
}

async fn the_demo_shows_a_published_ranking_and_work_in_progress(backend: Backend) {
    let server = spawn(backend).await;
    let mut conn = server.app.db.read_conn().await.unwrap();
    let tenant = motcua_app::store::tenants::list(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.code == motcua_app::demo::TENANT_CODE)
        .unwrap();
    drop(conn);
    motcua_app::demo_index::seed(&server.app, tenant.id)
        .await
        .unwrap();
    // A second run adds nothing.
    motcua_app::demo_index::seed(&server.app, tenant.id)
        .await
        .unwrap();
    let council = server.login("cchc").await;
    let sets: Value = council
        .get("/api/v1/reform-index/sets")
        .await
        .json()
        .await
        .unwrap();
    let sets = sets.as_array().unwrap();
    assert_eq!(sets.len(), 2);
    let (current, last) = (&sets[0], &sets[1]);
    assert_eq!(last["published"], json!(true));
    let results: Value = server
        .anonymous()
        .get(&format!("/cong-khai/chi-so-cchc/{}", last["id"]))
        .await
        .text()
        .await
        .map(|html| json!(html))
        .unwrap();
    let html = results.as_str().unwrap();
    for name in ["Chiềng Lề", "Tô Hiệu", "Chiềng Ngần", "Mường Bú"] {
        assert!(html.contains(name), "{name} ranked");
    }
    let ranked: Value = council
        .get(&format!("/api/v1/reform-index/sets/{}/results", last["id"]))
        .await
        .json()
        .await
        .unwrap();
    let grades: Vec<&str> = ranked["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["grade"].as_str().unwrap())
        .collect();
    assert_eq!(grades.len(), 4);
    assert!(
        grades.windows(2).any(|w| w[0] != w[1]),
        "different grades: {grades:?}"
    );
    let now: Value = council
        .get(&format!(
            "/api/v1/reform-index/sets/{}/results",
            current["id"]
        ))
        .await
        .json()
        .await
        .unwrap();
    let pending: Vec<String> = now["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["stage_vi"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        pending.iter().any(|s| s == "Đã nộp, chờ thẩm định"),
        "{pending:?}"
    );
    assert!(pending.iter().any(|s| s == "Đang tự chấm"), "{pending:?}");
    let compared = &now["rows"][0];
    assert_eq!(compared["unit_code"], "000.24.20.H48");
    assert!(
        compared["previous_total"].as_f64().is_some(),
        "compared with last year: {compared}"
    );
    let plan: Value = council
        .get(&format!(
            "/api/v1/reform-index/plan/{}/tasks",
            current["year"]
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(plan.as_array().unwrap().len(), 5);
}

async fn the_reform_plan_warns_of_overdue_tasks(backend: Backend) {
    let server = spawn(backend).await;
    add_leader(&server, "lanhdao.tohieu", TO_HIEU).await;
    let council = server.login("cchc").await;
    let leader = server.login("lanhdao.chiengle").await;
    let other = server.login("lanhdao.tohieu").await;
    let r = council
        .post(
            "/api/v1/reform-index/plan/tasks",
            json!({
        "year": 2021, "unit_code": CHIENG_LE, "title": "Rà soát, đơn giản hóa thủ tục hộ tịch",
        "owner_name": "Quàng Văn Duyệt", "due_date": "2021-03-31" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let task: Value = r.json().await.unwrap();
    assert_eq!(task["status"], "overdue", "due in March and not started");
    council.post("/api/v1/reform-index/plan/tasks", json!({
        "year": 2021, "unit_code": TO_HIEU, "title": "Số hóa kết quả giải quyết", "due_date": "2099-12-31" }))
        .await.error_for_status().unwrap();
    // Only the council plans; a leader sees only the own unit's tasks.
    let r = leader
        .post(
            "/api/v1/reform-index/plan/tasks",
            json!({
        "year": 2021, "unit_code": CHIENG_LE, "title": "Tự giao", "due_date": "2021-12-31" }),
        )
        .await;
    assert_eq!(problem(r).await.0, StatusCode::FORBIDDEN);
    let mine: Value = leader
        .get("/api/v1/reform-index/plan/2021/tasks")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let all: Value = council
        .get("/api/v1/reform-index/plan/2021/tasks")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2);
    // Progress: bad values refused, another unit refused, then done.
    let path = format!("/api/v1/reform-index/plan/tasks/{}/progress", task["id"]);
    let r = put(&leader, &path, json!({ "version": 0, "progress": 120 })).await;
    assert_eq!(problem(r).await.1, "validation_failed");
    let r = put(&other, &path, json!({ "version": 0, "progress": 50 })).await;
    assert_eq!(problem(r).await.0, StatusCode::FORBIDDEN);
    let done: Value = put(
        &leader,
        &path,
        json!({ "version": 0, "progress": 100, "note": "Quyết định số 12/QĐ-UBND" }),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(done["status"], "done");
    let r = put(&leader, &path, json!({ "version": 0, "progress": 90 })).await;
    assert_eq!(problem(r).await.1, "stale_version");
    // Inspections: recorded by the council, read by the inspected unit only.
    let r = council.post("/api/v1/reform-index/inspections", json!({
        "unit_code": CHIENG_LE, "inspected_on": "2021-05-12",
        "findings": "Một công chức đến muộn", "follow_up": "Nhắc nhở, kiểm điểm", "follow_up_due": "2021-06-01" })).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = council
        .post(
            "/api/v1/reform-index/inspections",
            json!({
        "unit_code": CHIENG_LE, "inspected_on": "12/05/2021", "findings": "x" }),
        )
        .await;
    assert_eq!(problem(r).await.1, "validation_failed");
    let seen: Value = leader
        .get("/api/v1/reform-index/inspections/2021")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen.as_array().unwrap().len(), 1);
    let seen: Value = other
        .get("/api/v1/reform-index/inspections/2021")
        .await
        .json()
        .await
        .unwrap();
    assert!(seen.as_array().unwrap().is_empty());
    // The page warns of overdue tasks in Vietnamese.
    let html = council
        .get("/chi-so-cchc/ke-hoach?nam=2021")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Số hóa kết quả giải quyết") && html.contains("Một công chức đến muộn"));
    let form = [
        ("csrf_token", leader.csrf.clone()),
        ("year", "2021".into()),
        ("id", task["id"].to_string()),
        ("version", "1".into()),
        ("progress", "150".into()),
    ];
    let r = leader
        .client
        .post(server.url("/chi-so-cchc/ke-hoach/tien-do"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Tiến độ phải là số phần trăm từ 0 đến 100.")
    );
    let actions: Vec<(String,)> = sqlx::query_as(
        "SELECT action FROM audit_log WHERE entity_type IN ('reform_task', 'reform_inspection')",
    )
    .fetch_all(&mut *server.app.db.read_conn().await.unwrap())
    .await
    .unwrap();
    assert_eq!(actions.len(), 4, "{actions:?}");
}

on_both_backends! {
    plan => the_reform_plan_warns_of_overdue_tasks,
    demo => the_demo_shows_a_published_ranking_and_work_in_progress,
    journey => self_assessment_appraisal_and_ranking,
    sets => sets_are_validated_copied_and_kept_in_spreadsheets,
    pages => pages_show_vietnamese_messages,
}
