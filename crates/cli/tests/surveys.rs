//! Survey campaigns and dialogue conferences over HTTP against the real server, on both
//! databases: the reform office writes and publishes a questionnaire, people answer it
//! anonymously, the results add up in JSON, in the XLSX workbook and on the staff page;
//! invalid answers are 422, a closed survey is 409. A commune plans a dialogue conference,
//! citizens send questions, the leader answers and publishes the minutes; the public page
//! shows no asker's name or phone; another unit cannot manage it.

mod common;

use common::{Server, Session, problem, spawn};
use motcua_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

const COMMUNE: &str = "000.21.20.H48";
const DEPARTMENT: &str = "000.00.12.H48";

async fn solved_challenge(s: &Session) -> Value {
    let c: Value = s
        .get("/api/v1/feedback/challenge")
        .await
        .json()
        .await
        .unwrap();
    let q = c["question"].as_str().unwrap();
    let sum: u32 = q
        .split(|ch: char| !ch.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u32>().unwrap())
        .sum();
    json!({ "token": c["token"], "answer": sum.to_string() })
}

fn today_plus(days: i64) -> String {
    use jiff::ToSpan;
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .date()
        .checked_add(days.days())
        .unwrap()
        .to_string()
}

fn questionnaire() -> Value {
    json!({
        "title": "Khảo sát hài lòng <về> Một cửa",
        "purpose": "Lấy ý kiến người dân để cải thiện phục vụ.",
        "opens_on": today_plus(-1),
        "closes_on": today_plus(10),
        "questions": [
            { "text": "Bạn nộp hồ sơ qua kênh nào?", "kind": "single_choice",
              "options": ["Trực tiếp", "Trực tuyến"], "required": true },
            { "text": "Thông tin nào khó tìm?", "kind": "multiple_choice",
              "options": ["Phí", "Thời hạn", "Thành phần hồ sơ"] },
            { "text": "Thái độ phục vụ", "kind": "scale", "required": true },
            { "text": "Góp ý khác", "kind": "free_text" }
        ]
    })
}

async fn respond(server: &Server, survey: i64, answers: Value) -> reqwest::Response {
    let anon = server.anonymous();
    let challenge = solved_challenge(&anon).await;
    anon.post(
        &format!("/api/v1/surveys/{survey}/responses"),
        json!({ "answers": answers, "challenge": challenge }),
    )
    .await
}

async fn survey_journey(backend: Backend) {
    let server = spawn(backend).await;
    let office = server.login("cchc").await;
    let leader = server.login("lanhdao.chiengle").await;
    let anon = server.anonymous();

    // A bad questionnaire names its problems.
    let mut bad = questionnaire();
    bad["closes_on"] = json!(today_plus(-5));
    bad["questions"][0]["options"] = json!(["Chỉ một"]);
    let r = office
        .post("/api/v1/surveys", json!({ "questionnaire": bad }))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["closes_on", "questions.0.options"], "{body}");

    // Only the reform office writes surveys.
    let r = leader
        .post(
            "/api/v1/surveys",
            json!({ "questionnaire": questionnaire() }),
        )
        .await;
    assert_eq!(
        problem(r).await,
        (StatusCode::FORBIDDEN, "forbidden".into())
    );

    let r = office
        .post(
            "/api/v1/surveys",
            json!({ "questionnaire": questionnaire() }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let survey: Value = r.json().await.unwrap();
    let id = survey["id"].as_i64().unwrap();
    assert_eq!(survey["state"], "draft");

    // A draft is not shown to the public and takes no answers.
    assert_eq!(
        anon.get(&format!("/api/v1/surveys/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        anon.get(&format!("/khao-sat/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let r = respond(
        &server,
        id,
        json!([{ "question": 0, "choices": [0] }, { "question": 2, "scale": 4 }]),
    )
    .await;
    assert_eq!(
        problem(r).await,
        (StatusCode::CONFLICT, "survey.not_open".into())
    );

    let r = office
        .post(&format!("/api/v1/surveys/{id}/publish"), json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = office
        .post(&format!("/api/v1/surveys/{id}/publish"), json!({}))
        .await;
    assert_eq!(
        problem(r).await,
        (StatusCode::CONFLICT, "survey.not_draft".into())
    );
    let public: Value = anon
        .get(&format!("/api/v1/surveys/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["accepting"], true);

    // Three anonymous responses.
    for answers in [
        json!([{ "question": 0, "choices": [0] }, { "question": 1, "choices": [0, 2] }, { "question": 2, "scale": 5 }]),
        json!([{ "question": 0, "choices": [1] }, { "question": 2, "scale": 4 },
               { "question": 3, "text": "<script>alert(1)</script> nhanh" }]),
        json!([{ "question": 0, "choices": [1] }, { "question": 1, "choices": [2] }, { "question": 2, "scale": 3 }]),
    ] {
        let r = respond(&server, id, answers).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }

    // Invalid answers: 422 naming the question.
    for (answers, field) in [
        (json!([{ "question": 0, "choices": [0] }]), "answers.2"),
        (
            json!([{ "question": 0, "choices": [5] }, { "question": 2, "scale": 4 }]),
            "answers.0",
        ),
        (
            json!([{ "question": 0, "choices": [0, 1] }, { "question": 2, "scale": 4 }]),
            "answers.0",
        ),
        (
            json!([{ "question": 0, "choices": [0] }, { "question": 2, "scale": 7 }]),
            "answers.2",
        ),
        (
            json!([{ "question": 0, "choices": [0] }, { "question": 2, "text": "tốt" }]),
            "answers.2",
        ),
        (
            json!([{ "question": 0, "choices": [0] }, { "question": 2, "scale": 4 }, { "question": 9, "scale": 1 }]),
            "answers.9",
        ),
    ] {
        let r = respond(&server, id, answers.clone()).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{answers}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["errors"][0]["field"], field, "{body}");
    }
    // Without the check question.
    let r = anon
        .post(
            &format!("/api/v1/surveys/{id}/responses"),
            json!({ "answers": [{ "question": 0, "choices": [0] }, { "question": 2, "scale": 4 }] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Results.
    assert_eq!(
        leader
            .get(&format!("/api/v1/surveys/{id}/results"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let results: Value = office
        .get(&format!("/api/v1/surveys/{id}/results"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(results["responses"], 3);
    let q = &results["questions"];
    assert_eq!(q[0]["counts"][0]["count"], 1);
    assert_eq!(q[0]["counts"][1]["count"], 2);
    assert_eq!(q[1]["answered"], 2);
    assert_eq!(q[1]["counts"][2]["count"], 2);
    assert_eq!(q[2]["mean"], 4.0);
    assert_eq!(q[2]["counts"][4]["count"], 1);
    assert_eq!(q[3]["texts"][0], "<script>alert(1)</script> nhanh");

    // The workbook holds the same numbers.
    let r = office
        .get(&format!("/api/v1/surveys/{id}/results.xlsx"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    {
        use calamine::{Data, Reader, Xlsx};
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let sheet = book.worksheet_range("Ket qua").unwrap();
        let text = |r: u32, c: u32| {
            sheet
                .get_value((r, c))
                .cloned()
                .unwrap_or(Data::Empty)
                .to_string()
        };
        let number = |r: u32, c: u32| match sheet.get_value((r, c)).cloned() {
            Some(Data::Float(x)) => x,
            Some(Data::Int(x)) => x as f64,
            other => panic!("({r},{c}) is not a number: {other:?}"),
        };
        assert!(text(0, 0).contains("Khảo sát hài lòng <về> Một cửa"));
        assert_eq!(number(2, 1), 3.0);
        // Question 1: heading, then one row per option.
        assert_eq!(text(4, 0), "Câu 1. Bạn nộp hồ sơ qua kênh nào?");
        assert_eq!(text(6, 0), "Trực tuyến");
        assert_eq!(number(6, 1), 2.0);
        let mut found_mean = false;
        let mut found_text = false;
        for row in 0..60 {
            if text(row, 0) == "Điểm trung bình" {
                assert_eq!(number(row, 1), 4.0);
                found_mean = true;
            }
            if text(row, 0) == "<script>alert(1)</script> nhanh" {
                found_text = true;
            }
        }
        assert!(found_mean && found_text);
    }

    // The staff page shows bars and escapes the free text.
    let page = office
        .get(&format!("/quan-ly/khao-sat/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("&#60;script&#62;alert(1)&#60;/script&#62; nhanh"),
        "{page}"
    );
    assert!(!page.contains("<script>alert(1)"));
    assert!(page.contains("class=\"bar bar-"));
    assert!(page.contains("Khảo sát hài lòng &#60;về&#62; Một cửa"));
    assert_eq!(
        leader
            .get(&format!("/quan-ly/khao-sat/{id}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // Closed: 409 with a clear message, on the API and on the page.
    let r = office
        .post(&format!("/api/v1/surveys/{id}/close"), json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = respond(
        &server,
        id,
        json!([{ "question": 0, "choices": [0] }, { "question": 2, "scale": 4 }]),
    )
    .await;
    assert_eq!(
        problem(r).await,
        (StatusCode::CONFLICT, "survey.closed".into())
    );
    let page = anon
        .get(&format!("/khao-sat/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Cuộc khảo sát đã kết thúc"), "{page}");
    let results: Value = office
        .get(&format!("/api/v1/surveys/{id}/results"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(results["responses"], 3);
}

/// The portal's survey form: answers as form fields, errors in Vietnamese, thanks on success.
async fn survey_portal_form(backend: Backend) {
    let server = spawn(backend).await;
    let office = server.login("cchc").await;
    let survey: Value = office
        .post(
            "/api/v1/surveys",
            json!({ "questionnaire": questionnaire() }),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = survey["id"].as_i64().unwrap();
    office
        .post(&format!("/api/v1/surveys/{id}/publish"), json!({}))
        .await;
    let anon = server.anonymous();
    let form = |page: &str| -> (String, String, u32) {
        let token = between(page, "name=\"csrf_token\" value=\"", "\"");
        let challenge = between(page, "name=\"challenge_token\" value=\"", "\"");
        let question = between(page, "Câu hỏi kiểm tra: ", "<");
        let sum = question
            .split(|ch: char| !ch.is_ascii_digit())
            .filter_map(|p| p.parse::<u32>().ok())
            .sum();
        (token, challenge, sum)
    };
    let page = anon
        .get(&format!("/khao-sat/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Khảo sát hài lòng &#60;về&#62; Một cửa"));
    let (token, challenge, sum) = form(&page);
    // The required scale is missing: 422, the page names question 3.
    let r = anon
        .client
        .post(server.url(&format!("/khao-sat/{id}")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("challenge_token", challenge.as_str()),
            ("challenge_answer", &sum.to_string()),
            ("q0", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains(r#"id="q0-1" name="q0" value="1" required checked"#),
        "the choice made is kept"
    );
    assert!(
        page.contains("Câu 3: vui lòng trả lời câu hỏi này."),
        "{page}"
    );
    let (token, challenge, sum) = form(&page);
    let r = anon
        .client
        .post(server.url(&format!("/khao-sat/{id}")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("challenge_token", challenge.as_str()),
            ("challenge_answer", &sum.to_string()),
            ("q0", "1"),
            ("q1", "0"),
            ("q1", "1"),
            ("q2", "2"),
            ("q3", "Cần thêm chỗ ngồi"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Cảm ơn bạn đã tham gia khảo sát")
    );
    let results: Value = office
        .get(&format!("/api/v1/surveys/{id}/results"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(results["responses"], 1);
    assert_eq!(results["questions"][1]["answered"], 1);
    assert_eq!(results["questions"][1]["counts"][1]["count"], 1);
    assert_eq!(results["questions"][2]["mean"], 2.0);
    assert_eq!(results["questions"][3]["texts"][0], "Cần thêm chỗ ngồi");
}

async fn dialogue_journey(backend: Backend) {
    let server = spawn(backend).await;
    let office = server.login("cchc").await;
    let leader = server.login("lanhdao.chiengle").await;
    let counter = server.login("motcua.chiengle").await;
    let anon = server.anonymous();
    let plan = |unit: &str| {
        json!({
            "unit_code": unit, "topic": "Đối thoại về thủ tục đất đai <năm 2026>",
            "leader": "Chủ tịch UBND phường", "held_on": today_plus(7),
            "fields": ["Đất đai", "Hộ tịch"]
        })
    };
    // The leader plans at their commune, not at a department; counter officers do not plan.
    let r = leader.post("/api/v1/dialogues", plan(DEPARTMENT)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = counter.post("/api/v1/dialogues", plan(COMMUNE)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = leader.post("/api/v1/dialogues", plan(COMMUNE)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["dialogue"]["id"]
        .as_i64()
        .unwrap();
    // The reform office plans one at the department: the commune's leader cannot touch it.
    let r = office.post("/api/v1/dialogues", plan(DEPARTMENT)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let other = r.json::<Value>().await.unwrap()["dialogue"]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        leader
            .get(&format!("/api/v1/dialogues/{other}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = leader
        .post(
            &format!("/api/v1/dialogues/{other}/publish"),
            json!({ "minutes": "Biên bản" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let listed: Value = leader.get("/api/v1/dialogues").await.json().await.unwrap();
    assert!(listed.as_array().unwrap().iter().all(|d| d["id"] != other));

    // Citizens ask beforehand; the contact is optional.
    let ask = async |question: &str, name: Option<&str>, contact: Option<&str>| {
        let challenge = solved_challenge(&anon).await;
        anon.post(
            &format!("/api/v1/dialogues/{id}/questions"),
            json!({ "question": question, "name": name, "contact": contact, "challenge": challenge }),
        )
        .await
    };
    let r = ask(
        "Khi nào cấp sổ đỏ cho khu <b>Tổ 5</b>?",
        Some("Lò Văn Bí Mật"),
        Some("0912 777 888"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let q1 = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = ask("Phí đo đạc là bao nhiêu?", None, None).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = ask("Câu hỏi", None, Some("không phải số")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = ask("", None, None).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Staff see who asked (to answer them), answer, and follow up.
    let view: Value = leader
        .get(&format!("/api/v1/dialogues/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["questions"][0]["asker_name"], "Lò Văn Bí Mật");
    assert_eq!(view["questions"][0]["asker_contact"], "0912777888");
    let r = leader
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/dialogues/{id}/questions/{q1}/answer"),
            Some(json!({ "answer": "Quý I năm 2027 <sau khi đo đạc>." })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = leader
        .post(
            &format!("/api/v1/dialogues/{id}/tasks"),
            json!({ "title": "Đo đạc khu Tổ 5", "owner": "Công chức địa chính",
                    "due_on": today_plus(30), "question_id": q1 }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let view: Value = r.json().await.unwrap();
    let task = view["tasks"][0]["id"].as_i64().unwrap();
    assert_eq!(view["tasks"][0]["done"], false);
    let r = leader
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/dialogues/{id}/tasks/{task}"),
            Some(json!({ "done": true })),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["tasks"][0]["done"], true);

    // Before the minutes, the public sees the conference but no answers.
    let public: Value = anon
        .get("/api/v1/dialogues/public")
        .await
        .json()
        .await
        .unwrap();
    let mine = public
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["dialogue"]["id"] == id)
        .unwrap();
    assert_eq!(mine["dialogue"]["taking_questions"], true);
    assert_eq!(mine["answered"].as_array().unwrap().len(), 0);

    let r = leader
        .post(
            &format!("/api/v1/dialogues/{id}/publish"),
            json!({ "minutes": "Hội nghị đã trả lời các câu hỏi." }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = leader
        .post(
            &format!("/api/v1/dialogues/{id}/publish"),
            json!({ "minutes": "Lần hai" }),
        )
        .await;
    assert_eq!(
        problem(r).await,
        (StatusCode::CONFLICT, "dialogue.published".into())
    );
    let r = ask("Hỏi muộn", None, None).await;
    assert_eq!(
        problem(r).await,
        (StatusCode::CONFLICT, "dialogue.closed".into())
    );

    // Published: the answered question only, without the asker.
    let text = anon
        .get("/api/v1/dialogues/public")
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("Quý I năm 2027"));
    assert!(
        !text.contains("Phí đo đạc"),
        "an unanswered question is not published"
    );
    for private in ["Bí Mật", "0912777888", "0912 777 888"] {
        assert!(!text.contains(private), "{private} published: {text}");
    }
    let page = anon.get("/doi-thoai").await.text().await.unwrap();
    assert!(page.contains("Hội nghị đã trả lời các câu hỏi."));
    assert!(
        page.contains("Khi nào cấp sổ đỏ cho khu &#60;b&#62;Tổ 5&#60;/b&#62;?"),
        "{page}"
    );
    assert!(page.contains("Đối thoại về thủ tục đất đai &#60;năm 2026&#62;"));
    for private in ["Bí Mật", "0912777888", "0912 777 888"] {
        assert!(!page.contains(private), "{private} on the page");
    }

    // Retention: the askers' name and contact go after `[feedback] retention_days` (five
    // years by default); the questions and answers stay.
    let tenant =
        motcua_app::tenancy::resolve(&server.app, None, Some(motcua_app::demo::TENANT_CODE))
            .await
            .unwrap();
    let today = motcua_app::dialogues::erase_askers_past_retention(&server.app, tenant.id)
        .await
        .unwrap();
    assert_eq!(today, 0, "nothing is past retention today");
    let later = common::app_days_later(&server.app, 1826);
    let erased = motcua_app::dialogues::erase_askers_past_retention(&later, tenant.id)
        .await
        .unwrap();
    assert!(erased >= 1, "{erased}");
    let view: Value = leader
        .get(&format!("/api/v1/dialogues/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let questions = view["questions"].as_array().unwrap();
    assert!(!questions.is_empty());
    for q in questions {
        assert_eq!(q["asker_name"], Value::Null, "{q}");
        assert_eq!(q["asker_contact"], Value::Null, "{q}");
    }
    assert!(
        questions
            .iter()
            .any(|q| q["question"].as_str().unwrap_or_default().contains("sổ đỏ")),
        "{view}"
    );
    let again = motcua_app::dialogues::erase_askers_past_retention(&later, tenant.id)
        .await
        .unwrap();
    assert_eq!(again, 0, "erased once");
}

/// The portal's question form for a conference.
async fn dialogue_portal_form(backend: Backend) {
    let server = spawn(backend).await;
    let leader = server.login("lanhdao.chiengle").await;
    let r = leader
        .post(
            "/api/v1/dialogues",
            json!({ "unit_code": COMMUNE, "topic": "Đối thoại cải cách hành chính",
                    "leader": "Chủ tịch UBND phường", "held_on": today_plus(3) }),
        )
        .await;
    let id = r.json::<Value>().await.unwrap()["dialogue"]["id"]
        .as_i64()
        .unwrap();
    let anon = server.anonymous();
    let page = anon.get("/doi-thoai").await.text().await.unwrap();
    assert!(page.contains("Đối thoại cải cách hành chính"));
    let token = between(&page, "name=\"csrf_token\" value=\"", "\"");
    let challenge = between(&page, "name=\"challenge_token\" value=\"", "\"");
    let question = between(&page, "Câu hỏi kiểm tra: ", "<");
    let sum: u32 = question
        .split(|ch: char| !ch.is_ascii_digit())
        .filter_map(|p| p.parse::<u32>().ok())
        .sum();
    let r = anon
        .client
        .post(server.url(&format!("/doi-thoai/{id}")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("challenge_token", challenge.as_str()),
            ("challenge_answer", &sum.to_string()),
            ("question", "Bao giờ có kết quả trực tuyến?"),
            ("name", ""),
            ("contact", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(r.text().await.unwrap().contains("Đã nhận câu hỏi của bạn"));
    let view: Value = leader
        .get(&format!("/api/v1/dialogues/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        view["questions"][0]["question"],
        "Bao giờ có kết quả trực tuyến?"
    );
    assert_eq!(view["questions"][0]["asker_contact"], Value::Null);
}

/// The staff pages of a conference: plan, answer, follow up, publish; another unit's is 404.
async fn dialogue_staff_pages(backend: Backend) {
    let server = spawn(backend).await;
    let leader = server.login("lanhdao.chiengle").await;
    let office = server.login("cchc").await;
    let post = async |s: &Session, path: &str, fields: &[(&str, &str)]| {
        let mut form = vec![("csrf_token", s.csrf.as_str())];
        form.extend_from_slice(fields);
        s.client
            .post(server.url(path))
            .form(&form)
            .send()
            .await
            .unwrap()
    };
    let held_on = today_plus(5);
    let r = post(
        &leader,
        "/quan-ly/doi-thoai",
        &[
            ("unit_code", COMMUNE),
            ("topic", ""),
            ("leader", "Chủ tịch"),
            ("held_on", &held_on),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Vui lòng nhập chủ đề hội nghị")
    );
    let r = post(
        &leader,
        "/quan-ly/doi-thoai",
        &[
            ("unit_code", COMMUNE),
            ("topic", "Đối thoại về hộ tịch"),
            ("leader", "Chủ tịch UBND phường"),
            ("held_on", &held_on),
            ("fields", "Hộ tịch, Chứng thực"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
    // A question from the portal.
    let anon = server.anonymous();
    let challenge = solved_challenge(&anon).await;
    let q: Value = anon
        .post(
            &format!("/api/v1/dialogues/{id}/questions"),
            json!({ "question": "Trích lục khai sinh có làm online được không?",
                    "name": "Quàng Thị Hỏi", "contact": "hoi@example.vn", "challenge": challenge }),
        )
        .await
        .json()
        .await
        .unwrap();
    let qid = q["id"].as_i64().unwrap().to_string();
    let page = leader.get(&at).await.text().await.unwrap();
    assert!(
        page.contains("Quàng Thị Hỏi") && page.contains("hoi@example.vn"),
        "staff see the asker"
    );
    let r = post(
        &leader,
        &at,
        &[
            ("action", "answer"),
            ("question_id", &qid),
            ("answer", "Được, trên Cổng dịch vụ công."),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let due = today_plus(20);
    let r = post(
        &leader,
        &at,
        &[
            ("action", "task"),
            ("title", "Hướng dẫn nộp trực tuyến"),
            ("owner", "Công chức tư pháp - hộ tịch"),
            ("due_on", &due),
            ("question_id", &qid),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post(
        &leader,
        &at,
        &[
            ("action", "task"),
            ("title", "Việc"),
            ("owner", "Ai"),
            ("due_on", "ngày mai"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let view: Value = leader
        .get(&format!("/api/v1/dialogues/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let task = view["tasks"][0]["id"].as_i64().unwrap().to_string();
    let r = post(&leader, &at, &[("action", "done"), ("task_id", &task)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post(
        &leader,
        &at,
        &[
            ("action", "publish"),
            ("minutes", "Biên bản: đã trả lời 1 câu hỏi."),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let view: Value = leader
        .get(&format!("/api/v1/dialogues/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["tasks"][0]["done"], true);
    assert_eq!(view["dialogue"]["state"], "published");
    let r = post(
        &leader,
        &at,
        &[("action", "publish"), ("minutes", "Lần hai")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Biên bản hội nghị đã được công khai")
    );
    let public = anon.get("/doi-thoai").await.text().await.unwrap();
    assert!(
        public.contains("Được, trên Cổng dịch vụ công.")
            && !public.contains("Quàng Thị Hỏi")
            && !public.contains("hoi@example.vn")
    );

    // A conference of the department: the commune's leader gets 404 on its page and actions.
    let other: Value = office
        .post(
            "/api/v1/dialogues",
            json!({ "unit_code": DEPARTMENT, "topic": "Đối thoại tư pháp",
            "leader": "Giám đốc Sở", "held_on": held_on }),
        )
        .await
        .json()
        .await
        .unwrap();
    let other_at = format!("/quan-ly/doi-thoai/{}", other["dialogue"]["id"]);
    assert_eq!(leader.get(&other_at).await.status(), StatusCode::NOT_FOUND);
    let r = post(
        &leader,
        &other_at,
        &[("action", "publish"), ("minutes", "Giả mạo")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let counter = server.login("motcua.chiengle").await;
    assert_eq!(
        counter.get("/quan-ly/doi-thoai").await.status(),
        StatusCode::FORBIDDEN
    );
}

/// The reform office writes and publishes a survey with the staff pages.
async fn survey_staff_pages(backend: Backend) {
    let server = spawn(backend).await;
    let office = server.login("cchc").await;
    let (opens, closes) = (today_plus(0), today_plus(14));
    let post = async |fields: &[(&str, &str)]| {
        let mut form = vec![("csrf_token", office.csrf.as_str())];
        form.extend_from_slice(fields);
        office
            .client
            .post(server.url("/quan-ly/khao-sat"))
            .form(&form)
            .send()
            .await
            .unwrap()
    };
    let base = [
        ("title", "Ý kiến về giờ làm việc"),
        ("purpose", "Điều chỉnh giờ tiếp dân."),
        ("opens_on", opens.as_str()),
        ("closes_on", closes.as_str()),
        ("q0_text", "Khung giờ thuận tiện"),
        ("q0_kind", "single_choice"),
        ("q0_required", "1"),
        ("q1_text", "Mức hài lòng"),
        ("q1_kind", "scale"),
    ];
    let mut bad = base.to_vec();
    bad.push(("q0_options", "Buổi sáng"));
    let r = post(&bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Câu 1: câu hỏi lựa chọn cần từ 2 đến 20 phương án")
    );
    let mut good = base.to_vec();
    good.push(("q0_options", "Buổi sáng\nBuổi chiều\nThứ Bảy"));
    let r = post(&good).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = r.headers()["location"].to_str().unwrap().to_owned();
    let id = at.rsplit('/').next().unwrap().to_owned();
    let survey: Value = office
        .get(&format!("/api/v1/surveys/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(survey["state"], "draft");
    assert_eq!(
        survey["questionnaire"]["questions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        survey["questionnaire"]["questions"][0]["options"][2],
        "Thứ Bảy"
    );
    assert_eq!(survey["questionnaire"]["questions"][0]["required"], true);
    let r = office
        .client
        .post(server.url(&at))
        .form(&[("csrf_token", office.csrf.as_str()), ("action", "publish")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let survey: Value = server
        .anonymous()
        .get(&format!("/api/v1/surveys/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(survey["state"], "published");
    assert_eq!(survey["accepting"], true);
    let list = office.get("/quan-ly/khao-sat").await.text().await.unwrap();
    assert!(list.contains("Ý kiến về giờ làm việc") && list.contains("Đã công bố"));
}

fn between(s: &str, start: &str, end: &str) -> String {
    let i = s
        .find(start)
        .unwrap_or_else(|| panic!("no `{start}` in {s}"))
        + start.len();
    s[i..].split(end).next().unwrap().to_owned()
}

on_both_backends! {
    survey_lifecycle => survey_journey,
    survey_form => survey_portal_form,
    dialogue_lifecycle => dialogue_journey,
    dialogue_form => dialogue_portal_form,
    dialogue_staff => dialogue_staff_pages,
    survey_staff => survey_staff_pages,
}
