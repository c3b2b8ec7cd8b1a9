//! The permission table over real HTTP, on SQLite and PostgreSQL: every role of the demo
//! province (and a visitor) against each kind of action, at its own unit and at another.
//! The expected table is written out by hand — it is the policy, reviewed as such — and
//! checked against what the server answers. Requests that would change something are made
//! to fail after the permission check (a duplicate code, a wrong state), so the order of the
//! rows does not matter: 403 means refused by the policy, anything else means let through.

mod common;

use common::{Session, procedure_json, spawn};
use motcua_testkit::{Backend, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const COMMUNE: &str = "000.21.20.H48"; // phường Chiềng Lề
const DEPARTMENT: &str = "000.00.12.H48"; // Sở Tư pháp

/// Who, in the column order of the table.
const WHO: [&str; 8] = [
    "quantri",             // administrator, province
    "cchc",                // reform office, province
    "lanhdao.chiengle",    // leader, commune
    "chuyenvien.chiengle", // specialist, commune
    "motcua.chiengle",     // counter officer, commune
    "motcua.tuphap",       // counter officer, department
    "congdan@example.vn",  // citizen
    "",                    // nobody signed in
];

async fn answer(who: &Session, method: Method, path: &str, body: Option<Value>) -> StatusCode {
    who.send(method, path, body).await.status()
}

async fn each_role_does_only_what_it_should(backend: Backend) {
    let server = spawn(backend).await;
    let mut sessions = Vec::new();
    for login in WHO {
        sessions.push(if login.is_empty() {
            server.anonymous()
        } else {
            server.login(login).await
        });
    }
    // One file at the commune, one at the department, received by their counters.
    let receive = async |counter: &Session, procedure: &str| -> i64 {
        let body: Value = counter
            .post(
                "/api/v1/files",
                json!({
                    "procedure_code": procedure, "channel": "counter",
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
    };
    let commune_file = receive(&sessions[4], "1.001193").await;
    let department_file = receive(&sessions[5], "2.000815").await;

    // (what, method, path, body, allowed for: admin, reform, leader, specialist, counter,
    //  other counter, citizen, nobody)
    type Row = (&'static str, Method, String, Option<Value>, [bool; 8]);
    let table: Vec<Row> = vec![
        (
            "read the commune's work list",
            Method::GET,
            format!("/api/v1/files?unit={COMMUNE}"),
            None,
            [false, true, true, true, true, false, false, false],
        ),
        (
            "read the department's work list",
            Method::GET,
            format!("/api/v1/files?unit={DEPARTMENT}"),
            None,
            [false, true, false, false, false, true, false, false],
        ),
        (
            "read a commune file",
            Method::GET,
            format!("/api/v1/files/{commune_file}"),
            None,
            [false, true, true, true, true, false, false, false],
        ),
        (
            "receive a file at the commune",
            Method::POST,
            "/api/v1/files".into(),
            Some(json!({ "procedure_code": "1.001193", "channel": "counter",
                         "applicant": { "name": "Lò Văn Cường", "phone": "0912 000 333" },
                         "documents": [], "unit_code": COMMUNE })),
            [false, false, false, false, true, false, false, false],
        ),
        // Approving a file that was only received is out of order: 409 for those allowed.
        (
            "decide on a commune file",
            Method::POST,
            format!("/api/v1/files/{commune_file}/actions"),
            Some(json!({ "action": { "kind": "approve" }, "version": 0 })),
            [false, false, true, false, false, false, false, false],
        ),
        // Staff lists carry logins and roles: administrators only.
        (
            "read the commune's staff",
            Method::GET,
            format!("/api/v1/units/{COMMUNE}/staff"),
            None,
            [true, false, false, false, false, false, false, false],
        ),
        // Agencies, their codes and names are public (the portal lists where to apply).
        (
            "read the commune's unit record",
            Method::GET,
            format!("/api/v1/units/{COMMUNE}"),
            None,
            [true, true, true, true, true, true, true, true],
        ),
        (
            "read the handling report of the commune",
            Method::GET,
            format!("/api/v1/reports/handling?from=2026-01-01&to=2026-03-31&unit={COMMUNE}"),
            None,
            [true, true, true, false, false, false, false, false],
        ),
        (
            "read the province's handling report",
            Method::GET,
            "/api/v1/reports/handling?from=2026-01-01&to=2026-03-31".into(),
            None,
            [true, true, false, false, false, false, false, false],
        ),
        (
            "read the commune's monthly trends",
            Method::GET,
            format!("/api/v1/reports/trends?from=2026-01-01&to=2026-03-31&unit={COMMUNE}"),
            None,
            [true, true, true, false, false, false, false, false],
        ),
        (
            "read the province's monthly trends",
            Method::GET,
            "/api/v1/reports/trends?from=2026-01-01&to=2026-03-31&unit=000.00.00.H48".into(),
            None,
            [true, true, false, false, false, false, false, false],
        ),
        (
            "read the commune's service-quality index",
            Method::GET,
            format!("/api/v1/reports/service-index?from=2026-01-01&to=2026-03-31&unit={COMMUNE}"),
            None,
            [true, true, true, false, false, false, false, false],
        ),
        (
            "read the department's service-quality index",
            Method::GET,
            format!(
                "/api/v1/reports/service-index?from=2026-01-01&to=2026-03-31&unit={DEPARTMENT}"
            ),
            None,
            [true, true, false, false, false, false, false, false],
        ),
        (
            "verify the audit trail",
            Method::GET,
            "/api/v1/audit/verify".into(),
            None,
            [true, true, false, false, false, false, false, false],
        ),
        (
            "see dead-letter jobs",
            Method::GET,
            "/api/v1/admin/jobs".into(),
            None,
            [true, false, false, false, false, false, false, false],
        ),
        // A unit code that exists: 409 for those allowed.
        (
            "create a unit",
            Method::POST,
            "/api/v1/units".into(),
            Some(
                json!({ "code": DEPARTMENT, "name": "Sở Tư pháp", "kind": "department",
                         "parent_code": "000.00.00.H48" }),
            ),
            [true, false, false, false, false, false, false, false],
        ),
        (
            "create a procedure",
            Method::POST,
            "/api/v1/procedures".into(),
            Some(procedure_json("1.001193", "Thủ tục đăng ký khai sinh")),
            [true, false, false, false, false, false, false, false],
        ),
        (
            "create a user at the commune",
            Method::POST,
            "/api/v1/users".into(),
            Some(
                json!({ "username": "motcua.chiengle", "display_name": "Trùng tên",
                         "password": "mot-mat-khau-dai", "role": "counter_officer", "unit_code": COMMUNE }),
            ),
            [true, false, false, false, false, false, false, false],
        ),
        (
            "change working hours",
            Method::PUT,
            "/api/v1/calendar/working-hours".into(),
            Some(json!({ "version": -1, "working_hours": null })),
            [true, false, false, false, false, false, false, false],
        ),
        (
            "list my own files",
            Method::GET,
            "/api/v1/me/files".into(),
            None,
            [true, true, true, true, true, true, true, false],
        ),
        (
            "read a department file",
            Method::GET,
            format!("/api/v1/files/{department_file}"),
            None,
            [false, true, false, false, false, true, false, false],
        ),
        // An empty process is refused after the permission check: 422 for those allowed.
        (
            "define a procedure's process",
            Method::POST,
            "/api/v1/procedures/1.001193/processes".into(),
            Some(json!({ "steps": [], "base_version": 0 })),
            [true, false, false, false, false, false, false, false],
        ),
        (
            "read a procedure's process",
            Method::GET,
            "/api/v1/procedures/1.001193/processes/current".into(),
            None,
            [true, true, true, true, true, true, false, false],
        ),
        // Surveys: the reform office only. A questionnaire closing before it opens: 422.
        (
            "write a survey",
            Method::POST,
            "/api/v1/surveys".into(),
            Some(
                json!({ "questionnaire": { "title": "Khảo sát", "purpose": "Thử",
                "opens_on": "2026-02-01", "closes_on": "2026-01-01",
                "questions": [{ "text": "Hài lòng?", "kind": "scale" }] } }),
            ),
            [false, true, false, false, false, false, false, false],
        ),
        (
            "list surveys",
            Method::GET,
            "/api/v1/surveys".into(),
            None,
            [false, true, false, false, false, false, false, false],
        ),
        // Dialogue conferences: leaders at their unit, the reform office everywhere. An empty
        // topic: 422 for those allowed.
        (
            "plan a dialogue conference at the commune",
            Method::POST,
            "/api/v1/dialogues".into(),
            Some(
                json!({ "unit_code": COMMUNE, "topic": "", "leader": "Chủ tịch",
                         "held_on": "2026-12-31" }),
            ),
            [false, true, true, false, false, false, false, false],
        ),
        (
            "list dialogue conferences",
            Method::GET,
            "/api/v1/dialogues".into(),
            None,
            [false, true, true, false, false, false, false, false],
        ),
        (
            "read the published dialogue conferences",
            Method::GET,
            "/api/v1/dialogues/public".into(),
            None,
            [true, true, true, true, true, true, true, true],
        ),
    ];

    let mut wrong = Vec::new();
    for (what, method, path, body, allowed) in &table {
        for (i, who) in sessions.iter().enumerate() {
            let status = answer(who, method.clone(), path, body.clone()).await;
            let let_through = !matches!(status, StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED);
            assert!(!status.is_server_error(), "{what} as {}: {status}", WHO[i]);
            if let_through != allowed[i] {
                wrong.push(format!(
                    "{what} as {}: {status} (expected {})",
                    if WHO[i].is_empty() { "nobody" } else { WHO[i] },
                    if allowed[i] { "allowed" } else { "refused" }
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the permission table does not hold:\n{}",
        wrong.join("\n")
    );
}

on_both_backends!(permission_table => each_role_does_only_what_it_should);
