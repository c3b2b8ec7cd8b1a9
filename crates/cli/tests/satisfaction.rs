//! Citizen satisfaction over HTTP on both databases: a file received at the counter is
//! finished and rated by its applicant with the receipt's code and phone; the reform office
//! sees it per officer, procedure and unit, as JSON, on the page and in an XLSX workbook that is
//! opened and read; people without report access, or outside the unit, are refused.

mod common;

use common::{Session, problem, spawn};
use motcua_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PHONE: &str = "0966000222";

async fn api_act(s: &Session, id: i64, action: Value) {
    let detail: Value = s
        .get(&format!("/api/v1/files/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let r = s
        .post(
            &format!("/api/v1/files/{id}/actions"),
            json!({ "action": action, "version": detail["file"]["version"] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{action}");
}

async fn satisfaction_per_officer(backend: Backend) {
    let server = spawn(backend).await;
    let counter = server.login("motcua.chiengle").await;
    let leader = server.login("lanhdao.chiengle").await;
    let specialist = server.login("chuyenvien.chiengle").await;
    let r = counter
        .post(
            "/api/v1/files",
            json!({
                "procedure_code": "1.001193",
                "channel": "counter",
                "applicant": { "name": "Lò Thị Đánh Giá", "phone": PHONE },
                "documents": ["Tờ khai đăng ký khai sinh"]
            }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let receipt: Value = r.json().await.unwrap();
    let id = receipt["file_id"].as_i64().unwrap();
    let code = receipt["code"].as_str().unwrap().to_owned();
    api_act(
        &leader,
        id,
        json!({ "kind": "assign", "assignee": "chuyenvien.chiengle" }),
    )
    .await;
    api_act(&specialist, id, json!({ "kind": "start_examination" })).await;
    api_act(&specialist, id, json!({ "kind": "submit_for_approval" })).await;
    api_act(&leader, id, json!({ "kind": "approve" })).await;
    api_act(&counter, id, json!({ "kind": "mark_result_ready" })).await;

    let anon = server.anonymous();
    let status: Value = anon
        .post("/api/v1/lookup", json!({ "code": code, "secret": PHONE }))
        .await
        .json()
        .await
        .unwrap();
    let answers: serde_json::Map<String, Value> = status["rating"]["questions"]
        .as_array()
        .expect("questions to answer")
        .iter()
        .map(|q| (q["number"].to_string(), json!(2)))
        .collect();
    assert!(!answers.is_empty());
    let r = anon
        .post(
            "/api/v1/lookup/rating",
            json!({ "code": code, "secret": PHONE, "answers": answers }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let rating: Value = r.json().await.unwrap();
    let (total, scored_max) = (
        rating["total"].as_i64().unwrap(),
        rating["scored_max"].as_i64().unwrap(),
    );

    // The lookup now shows the stored rating and asks nothing more.
    let status: Value = anon
        .post("/api/v1/lookup", json!({ "code": code, "secret": PHONE }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            status["rating"]["rating"]["total"].as_i64(),
            status["rating"]["rating"]["scored_max"].as_i64()
        ),
        (Some(total), Some(scored_max)),
        "{status}"
    );
    assert_eq!(status["rating"]["questions"], json!([]));

    let cchc = server.login("cchc").await;
    let by_officer: Value = cchc
        .get("/api/v1/reports/satisfaction?by=officer")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_officer["rated"], 1, "{by_officer}");
    let line = &by_officer["lines"][0];
    assert_eq!(line["label"], "Hoàng Văn Xử");
    assert_eq!(
        (line["points"].as_i64(), line["scored_max"].as_i64()),
        (Some(total), Some(scored_max))
    );
    let by_procedure: Value = cchc
        .get("/api/v1/reports/satisfaction?by=procedure")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_procedure["lines"][0]["key"], "1.001193");
    // A period before the rating has nothing.
    let empty: Value = cchc
        .get("/api/v1/reports/satisfaction?from=2020-01-01&to=2020-12-31")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(empty["rated"], 0);

    // The workbook opens and says the same.
    let r = cchc
        .get("/api/v1/reports/satisfaction.xlsx?by=officer")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    {
        use calamine::{Data, Reader, Xlsx};
        let mut book = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("a real XLSX file");
        let sheet = book.worksheet_range("Hài lòng").unwrap();
        let cell = |r: u32, c: u32| sheet.get_value((r, c)).cloned().unwrap_or(Data::Empty);
        assert_eq!(
            cell(0, 0).to_string(),
            "MỨC ĐỘ HÀI LÒNG VỚI VIỆC GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
        );
        assert_eq!(cell(3, 0).to_string(), "Cán bộ xử lý");
        assert_eq!(cell(4, 0).to_string(), "Hoàng Văn Xử");
        assert_eq!(cell(4, 2), Data::Float(1.0));
        assert_eq!(cell(4, 3), Data::Float(total as f64));
        assert_eq!(cell(5, 0).to_string(), "Tổng cộng");
    }

    // The page.
    let page = cchc
        .get("/bao-cao/hai-long?by=officer")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Hoàng Văn Xử") && page.contains("Cán bộ xử lý"));

    // The commune's leader sees the commune, not a department; a specialist sees nothing.
    let mine: Value = leader
        .get("/api/v1/reports/satisfaction?unit=000.21.20.H48")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["rated"], 1);
    let r = leader
        .get("/api/v1/reports/satisfaction?unit=000.00.12.H48")
        .await;
    assert_eq!(problem(r).await.0, StatusCode::FORBIDDEN);
    let r = specialist.get("/api/v1/reports/satisfaction").await;
    assert_eq!(problem(r).await.0, StatusCode::FORBIDDEN);
    let r = cchc.get("/api/v1/reports/satisfaction?by=weather").await;
    assert_eq!(
        problem(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed".into())
    );
}

on_both_backends! {
    satisfaction_per_officer => satisfaction_per_officer,
}
