//! Processes (quy trình) per procedure over HTTP, on SQLite and PostgreSQL: validation with
//! stable codes, immutable versions, the version a file was received under, the default
//! process, step dues that end on the file's deadline, who may define them, and the pages.

mod common;

use common::{Session, post_form, problem, spawn};
use motcua_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PROCEDURE: &str = "1.001193"; // đăng ký khai sinh, 1 working day
const COMMUNE: &str = "000.21.20.H48"; // phường Chiềng Lề
const DEPARTMENT: &str = "000.00.12.H48"; // Sở Tư pháp
const PROCESSES: &str = "/api/v1/procedures/1.001193/processes";

async fn receive(counter: &Session) -> i64 {
    let body: Value = counter
        .post(
            "/api/v1/files",
            json!({
                "procedure_code": PROCEDURE, "channel": "counter",
                "applicant": { "name": "Lò Văn An", "phone": "0912 000 111" },
                "documents": []
            }),
        )
        .await
        .json()
        .await
        .unwrap();
    body["file_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("file received: {body}"))
}

async fn json_of(s: &Session, path: &str) -> Value {
    let r = s.get(path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

fn step(kind: &str, role: &str, hours: u32) -> Value {
    json!({ "kind": kind, "role": role, "share_hours": hours })
}

fn pstep(kind: &str, role: &str, percent: u32) -> Value {
    json!({ "kind": kind, "role": role, "share_percent": percent })
}

/// A five-step process in working hours (8 = the procedure's one working day), with an
/// inter-agency step at the department.
fn with_department() -> Vec<Value> {
    let mut leg = step("inter_agency", "specialist", 1);
    leg["unit_code"] = json!(DEPARTMENT);
    vec![
        step("receive", "counter_officer", 1),
        step("examine", "specialist", 4),
        leg,
        step("approve", "leader", 1),
        step("return", "counter_officer", 1),
    ]
}

async fn define(s: &Session, steps: Vec<Value>, base_version: i64) -> reqwest::Response {
    s.post(
        PROCESSES,
        json!({ "steps": steps, "base_version": base_version }),
    )
    .await
}

/// The steps' dues end on the file's deadline and never go back; returns the file's process.
async fn checked_process(s: &Session, file_id: i64) -> Value {
    let detail = json_of(s, &format!("/api/v1/files/{file_id}")).await;
    let process = detail["process"].clone();
    let steps = process["steps"].as_array().expect("steps");
    let dues: Vec<jiff::Timestamp> = steps
        .iter()
        .map(|s| s["due"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "{dues:?}");
    let file_due: jiff::Timestamp = detail["file"]["due"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        *dues.last().unwrap(),
        file_due,
        "the last step is due with the file"
    );
    let received: jiff::Timestamp = detail["received_at"].as_str().unwrap().parse().unwrap();
    assert!(dues[0] >= received);
    process
}

async fn versions_and_pinned_files(backend: Backend) {
    let server = spawn(backend).await;
    let admin = server.login("quantri").await;
    let counter = server.login("motcua.chiengle").await;

    // No process defined: the default applies, and a file received now follows it.
    let current = json_of(&admin, &format!("{PROCESSES}/current")).await;
    assert_eq!(current["version"], Value::Null);
    assert_eq!(current["default_id"], "default-2025-07-01");
    let kinds: Vec<&str> = current["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["receive", "examine", "approve", "return"]);
    let file_a = receive(&counter).await;
    let a = checked_process(&counter, file_a).await;
    assert_eq!(a["version"], Value::Null);
    assert_eq!(a["default_id"], "default-2025-07-01");
    let current_steps: Vec<bool> = a["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["current"].as_bool().unwrap())
        .collect();
    assert_eq!(current_steps, [true, false, false, false], "just received");

    // Each broken rule is refused with its own code, and nothing is stored.
    let mut cases: Vec<(Vec<Value>, &str)> = vec![
        (
            vec![
                pstep("receive", "counter_officer", 10),
                pstep("examine", "specialist", 60),
                pstep("return", "counter_officer", 10),
            ],
            "process.shares_not_100",
        ),
        (
            vec![
                pstep("examine", "specialist", 90),
                pstep("return", "counter_officer", 10),
            ],
            "process.first_not_receive",
        ),
        (
            vec![
                pstep("receive", "counter_officer", 10),
                pstep("inter_agency", "specialist", 80),
                pstep("return", "counter_officer", 10),
            ],
            "process.inter_agency_needs_unit",
        ),
        (
            vec![
                pstep("receive", "counter_officer", 10),
                pstep("approve", "citizen", 80),
                pstep("return", "counter_officer", 10),
            ],
            "process.role_cannot_act",
        ),
        (
            vec![
                step("receive", "counter_officer", 1),
                step("examine", "specialist", 5),
                step("return", "counter_officer", 1),
            ],
            "process.hours_mismatch",
        ),
    ];
    let mut unknown = with_department();
    unknown[2]["unit_code"] = json!("000.00.99.H48");
    cases.push((unknown, "process.unknown_unit"));
    for (steps, code) in cases {
        let (status, got) = problem(define(&admin, steps, 0).await).await;
        assert_eq!(
            (status, got.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, code)
        );
    }
    let past = admin
        .post(
            PROCESSES,
            json!({ "steps": with_department(), "base_version": 0, "valid_from": "2020-01-01" }),
        )
        .await;
    assert_eq!(
        problem(past).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed".into())
    );
    let listed = json_of(&admin, PROCESSES).await;
    assert_eq!(listed["latest_version"], 0, "nothing stored: {listed}");

    // Version 1; a client that had not seen it cannot add "version 1" again.
    let created = define(&admin, with_department(), 0).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let v1: Value = created.json().await.unwrap();
    assert_eq!(v1["version"], 1);
    assert_eq!(v1["steps"][2]["unit_label"], "Sở Tư pháp");
    let (status, code) = problem(define(&admin, with_department(), 0).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "stale_version")
    );

    let file_b = receive(&counter).await;
    let b = checked_process(&counter, file_b).await;
    assert_eq!(b["version"], 1);
    assert_eq!(b["steps"].as_array().unwrap().len(), 5);
    // Shares in hours: receiving takes exactly one working hour of the day.
    let detail = json_of(&counter, &format!("/api/v1/files/{file_b}")).await;
    assert_eq!(b["steps"][0]["share_label"], "1 giờ làm việc");
    assert!(detail["file"]["due"].as_str() >= b["steps"][3]["due"].as_str());

    // Version 2 replaces it for new files; version 1 stays as it was, and so do the files.
    let v2 = define(
        &admin,
        vec![
            pstep("receive", "counter_officer", 10),
            pstep("examine", "leader", 70),
            pstep("return", "counter_officer", 20),
        ],
        1,
    )
    .await;
    assert_eq!(v2.status(), StatusCode::CREATED);
    let listed = json_of(&admin, PROCESSES).await;
    assert_eq!(listed["latest_version"], 2);
    assert_eq!(listed["current"]["version"], 2);
    let versions = listed["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1]["version"], 1);
    assert_eq!(versions[1]["steps"], v1["steps"], "version 1 is unchanged");
    assert_eq!(checked_process(&counter, file_b).await["version"], 1);
    assert_eq!(
        checked_process(&counter, file_a).await["default_id"],
        "default-2025-07-01"
    );
    let file_c = receive(&counter).await;
    assert_eq!(checked_process(&counter, file_c).await["version"], 2);

    // Not even the database lets a version be rewritten.
    let mut tx = server.app.db.begin().await.unwrap();
    let rewrite = sqlx::query("UPDATE process_versions SET steps_json = '{\"steps\":[]}'")
        .execute(&mut *tx)
        .await;
    assert!(rewrite.is_err(), "versions are immutable");
    drop(tx);
    assert_eq!(
        json_of(&admin, PROCESSES).await["versions"][1]["steps"],
        v1["steps"]
    );

    // The change is in the audit trail.
    let audit: Value = json_of(&admin, "/api/v1/audit").await;
    assert!(
        audit.to_string().contains("process.defined"),
        "audited: {audit}"
    );
}
on_both_backends!(processes_are_versioned_and_files_keep_theirs => versions_and_pinned_files);

async fn who_may_define(backend: Backend) {
    let server = spawn(backend).await;
    let admin = server.login("quantri").await;
    // An administrator of the commune only: not of the whole organisation.
    let created = admin
        .post(
            "/api/v1/users",
            json!({ "username": "quantri.chiengle", "display_name": "Quản trị phường",
                    "password": "mot-mat-khau-dai", "role": "administrator", "unit_code": COMMUNE }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let commune_admin = server
        .login_with("quantri.chiengle", "mot-mat-khau-dai")
        .await
        .expect("commune administrator signs in");
    let specialist = server.login("chuyenvien.chiengle").await;
    let citizen = server.login("congdan@example.vn").await;
    let body = || {
        vec![
            pstep("receive", "counter_officer", 20),
            pstep("return", "counter_officer", 80),
        ]
    };
    for who in [&commune_admin, &specialist, &citizen] {
        let (status, code) = problem(define(who, body(), 0).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::FORBIDDEN, "forbidden")
        );
    }
    assert_eq!(
        problem(define(&server.anonymous(), body(), 0).await)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    // Staff read processes (they work by them); citizens do not get the internal roles.
    assert_eq!(specialist.get(PROCESSES).await.status(), StatusCode::OK);
    assert_eq!(citizen.get(PROCESSES).await.status(), StatusCode::FORBIDDEN);
    for who in [&commune_admin, &specialist] {
        assert_eq!(
            who.get("/quan-tri/quy-trinh").await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            who.get("/quan-tri/quy-trinh/1.001193").await.status(),
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(json_of(&admin, PROCESSES).await["latest_version"], 0);
    assert_eq!(
        define(&admin, body(), 0).await.status(),
        StatusCode::CREATED
    );
}
on_both_backends!(only_organisation_administrators_define_processes => who_may_define);

async fn pages(backend: Backend) {
    let server = spawn(backend).await;
    let admin = server.login("quantri").await;
    let list = admin.get("/quan-tri/quy-trinh").await.text().await.unwrap();
    assert!(list.contains("Thủ tục đăng ký khai sinh") && list.contains("Mặc định"));
    let page = admin
        .get("/quan-tri/quy-trinh/1.001193")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Tiếp nhận hồ sơ") && page.contains("Trả kết quả"));
    assert!(page.contains("name=\"base_version\" value=\"0\""));

    let path = "/quan-tri/quy-trinh/1.001193";
    let form = |percents: [&'static str; 4]| -> Vec<(&'static str, &'static str)> {
        vec![
            ("base_version", "0"),
            ("kind_0", "receive"),
            ("role_0", "counter_officer"),
            ("share_percent_0", percents[0]),
            ("kind_1", "examine"),
            ("role_1", "specialist"),
            ("share_percent_1", percents[1]),
            ("kind_2", "approve"),
            ("role_2", "leader"),
            ("share_percent_2", percents[2]),
            ("kind_3", "return"),
            ("role_3", "counter_officer"),
            ("share_percent_3", percents[3]),
        ]
    };
    // Without the form token: refused.
    let (status, _) = post_form(&admin, path, &form(["10", "50", "30", "10"])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let csrf = admin.csrf.clone();
    let with_token = |f: Vec<(&'static str, &'static str)>| {
        let mut fields: Vec<(&str, &str)> = vec![("csrf_token", csrf.as_str())];
        fields.extend(f);
        fields
    };
    let (status, page) = post_form(&admin, path, &with_token(form(["50", "50", "10", "10"]))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Tổng tỷ lệ thời gian các bước là 120%, phải bằng 100%."),
        "{page}"
    );
    assert!(page.contains("value=\"50\""), "what was typed stays");

    let (status, location) =
        post_form(&admin, path, &with_token(form(["10", "50", "30", "10"]))).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let page = admin.get(&location).await.text().await.unwrap();
    assert!(
        page.contains("Đã lưu quy trình thành phiên bản 1."),
        "{page}"
    );
    assert!(page.contains("Đang áp dụng: Phiên bản 1"));
    assert!(page.contains("50%"));
    let list = admin.get("/quan-tri/quy-trinh").await.text().await.unwrap();
    assert!(list.contains("Phiên bản 1"));

    // The file page shows the steps with their dues, the current one marked.
    let counter = server.login("motcua.chiengle").await;
    let file_id = receive(&counter).await;
    let page = counter
        .get(&format!("/ho-so/{file_id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Các bước theo quy trình") && page.contains("Phiên bản 1"));
    assert!(page.contains("aria-current=\"step\""));
    assert!(
        page.contains("Tiếp nhận hồ sơ <strong>(đang thực hiện)</strong>"),
        "{page}"
    );
}
on_both_backends!(process_pages_round_trip => pages);

/// Sending a file to another agency without working hours gives the leg the share of the
/// inter-agency step at that unit in the process the file follows (one working hour in
/// [`with_department`]); a file whose process has no such step is told to give the hours.
async fn leg_share_from_the_process(backend: Backend) {
    let server = spawn(backend).await;
    let admin = server.login("quantri").await;
    let counter = server.login("motcua.chiengle").await;
    let leader = server.login("lanhdao.chiengle").await;
    let specialist = server.login("chuyenvien.chiengle").await;
    let act = async |who: &Session, id: i64, version: i64, action: Value| {
        who.post(
            &format!("/api/v1/files/{id}/actions"),
            json!({ "action": action, "version": version }),
        )
        .await
    };
    // Received and under examination at the commune; its version.
    let examined = async |id: i64| {
        let mut version = 0;
        let steps = [
            (
                &leader,
                json!({ "kind": "assign", "assignee": "chuyenvien.chiengle" }),
            ),
            (&specialist, json!({ "kind": "start_examination" })),
        ];
        for (who, action) in steps {
            if version == 0 {
                let file = json_of(who, &format!("/api/v1/files/{id}")).await;
                version = file["file"]["version"].as_i64().unwrap();
            }
            let response = act(who, id, version, action).await;
            assert_eq!(response.status(), StatusCode::OK);
            version = response.json::<Value>().await.unwrap()["version"]
                .as_i64()
                .unwrap();
        }
        version
    };
    let send = |hours: Option<u32>| {
        let mut action = json!({ "kind": "send_to_agency", "unit_code": DEPARTMENT });
        if let Some(h) = hours {
            action["working_hours"] = json!(h);
        }
        action
    };
    // The default process has no inter-agency step.
    let by_default = receive(&counter).await;
    let v = examined(by_default).await;
    let response = act(&specialist, by_default, v, send(None)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("validation_failed") && body.contains("\"working_hours\""),
        "{body}"
    );

    assert_eq!(
        define(&admin, with_department(), 0).await.status(),
        StatusCode::CREATED
    );
    let mut dues = Vec::new();
    for hours in [None, Some(1), Some(2)] {
        let id = receive(&counter).await;
        let v = examined(id).await;
        let response = act(&specialist, id, v, send(hours)).await;
        assert_eq!(response.status(), StatusCode::OK, "{hours:?}");
        let mut conn = server.app.db.read_conn().await.unwrap();
        let (record,): (String,) = sqlx::query_as("SELECT record_json FROM files WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let record: Value = serde_json::from_str(&record).unwrap();
        let due: jiff::Timestamp = record["legs"][0]["due"].as_str().unwrap().parse().unwrap();
        dues.push(due);
    }
    // The process's hour, as if given (sent moments apart), and not the two hours.
    let apart = |a: jiff::Timestamp, b: jiff::Timestamp| a.duration_since(b).as_secs().abs();
    assert!(apart(dues[0], dues[1]) <= 60, "{dues:?}");
    assert!(apart(dues[2], dues[0]) >= 3_500, "{dues:?}");
}
on_both_backends!(a_leg_takes_its_share_from_the_process => leg_share_from_the_process);
