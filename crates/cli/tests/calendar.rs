//! The working calendar over HTTP and the command line, on SQLite and PostgreSQL: the shipped
//! year, administrators' edits (with versions, permissions and audit), imports, unit hours,
//! and deadlines that explain themselves.

mod common;

use common::{problem, spawn};
use motcua_testkit::{Backend, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn special(year: &Value, date: &str) -> Option<Value> {
    year["special_days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == date)
        .cloned()
}

async fn deadline_of(server: &common::Server, received: &str, days: u32, channel: &str) -> Value {
    let response = server
        .anonymous()
        .post(
            "/api/v1/calendar/deadline",
            json!({ "received_at": received, "processing_time": { "value": days, "unit": "working_days" },
                    "channel": channel }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn calendar_edits_move_deadlines(backend: Backend) {
    let server = spawn(backend).await;
    let public = server.anonymous();
    let year: Value = public
        .get("/api/v1/calendar/2026")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(year["version"], 0);
    assert_eq!(
        special(&year, "2026-09-02").unwrap()["reason"]["name"],
        "Quốc khánh"
    );
    assert_eq!(
        special(&year, "2026-08-22").unwrap()["working"],
        true,
        "make-up Saturday"
    );
    assert_eq!(year["working_days_per_month"].as_array().unwrap().len(), 12);

    // Friday 16:10 at the counter, 3 working days: counting starts Monday (after 15:00),
    // Tuesday 24/11 is Ngày Văn hóa Việt Nam, so the result is due Thursday 17:00.
    let d = deadline_of(&server, "2026-11-20T16:10:00+07:00", 3, "counter").await;
    assert_eq!(d["due"], "2026-11-26T10:00:00Z");
    assert_eq!(d["appointment_date"], "2026-11-26");
    let why = d["explanation_vi"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        why.contains("15:00") && why.contains("Ngày Văn hóa Việt Nam"),
        "{why}"
    );

    // The province adds a day off on Wednesday 25/11: the same file is now due on Friday.
    let admin = server.login("quantri").await;
    let add = |version: i64| {
        json!({ "date": "2026-11-25", "kind": "off", "name": "Nghỉ kỷ niệm ngày thành lập tỉnh",
                "source": "Quyết định 99/QĐ-UBND", "version": version })
    };
    let added: Value = admin
        .post("/api/v1/calendar/days", add(0))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(added["version"], 1);
    let d = deadline_of(&server, "2026-11-20T16:10:00+07:00", 3, "counter").await;
    assert_eq!(d["appointment_date"], "2026-11-27");
    // Someone working from the version they read before is told it changed.
    let (status, code) = problem(admin.post("/api/v1/calendar/days", add(0)).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "stale_version")
    );
    // Adding a day off on a day that is already off is refused with a reason.
    let sunday =
        json!({ "date": "2026-11-29", "kind": "off", "name": "x", "source": "y", "version": 1 });
    let (status, code) = problem(admin.post("/api/v1/calendar/days", sunday).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );

    // Removing National Day (for this province) makes it a working day; removing again fails.
    let removed = admin
        .send(
            Method::DELETE,
            "/api/v1/calendar/days/2026-09-02?version=1",
            None,
        )
        .await;
    assert_eq!(removed.status(), StatusCode::OK);
    let year: Value = public
        .get("/api/v1/calendar/2026")
        .await
        .json()
        .await
        .unwrap();
    assert!(special(&year, "2026-09-02").is_none());
    assert_eq!(year["version"], 2);
    let (status, _) = problem(
        admin
            .send(
                Method::DELETE,
                "/api/v1/calendar/days/2026-09-02?version=2",
                None,
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Imports report the bad line and change nothing; a good file is applied.
    let import = |body: &'static str, version: i64| {
        admin
            .client
            .post(server.url(&format!("/api/v1/calendar/import?version={version}")))
            .header("x-csrf-token", &admin.csrf)
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    let bad = import("date,kind,name,source\r\n2027-02-30,off,Tết,CV 1\r\n", 2)
        .await
        .unwrap();
    let (status, _) = problem(bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let good = import("\u{feff}date,kind,name,source\r\n2027-04-30,off,Ngày Chiến thắng,CV 2\r\n2027-05-08,work,Làm bù,CV 2\r\n", 2)
        .await
        .unwrap();
    let imported: Value = good.json().await.unwrap();
    assert_eq!(
        (imported["imported"].as_u64(), imported["version"].as_i64()),
        (Some(2), Some(3))
    );

    // Leaders cannot edit the calendar; a commune administrator can set only its own hours.
    let leader = server.login("lanhdao.chiengle").await;
    let (status, _) = problem(leader.post("/api/v1/calendar/days", add(3)).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let created = admin
        .post("/api/v1/users", json!({ "username": "quantri.chiengle", "display_name": "Quản trị phường",
                                       "password": "mật khẩu dài", "unit_code": "000.21.20.H48", "role": "administrator" }))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let commune_admin = server
        .login_with("quantri.chiengle", "mật khẩu dài")
        .await
        .unwrap();
    let (status, _) = problem(commune_admin.post("/api/v1/calendar/days", add(3)).await).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the province's calendar is not a commune's to edit"
    );
    let saturday_mornings = json!({ "working_hours": {
        "weekly": {
            "monday": [{"start":"07:00","end":"11:30"},{"start":"13:30","end":"17:00"}],
            "tuesday": [{"start":"07:00","end":"11:30"},{"start":"13:30","end":"17:00"}],
            "wednesday": [{"start":"07:00","end":"11:30"},{"start":"13:30","end":"17:00"}],
            "thursday": [{"start":"07:00","end":"11:30"},{"start":"13:30","end":"17:00"}],
            "friday": [{"start":"07:00","end":"11:30"},{"start":"13:30","end":"17:00"}],
            "saturday": [{"start":"07:30","end":"11:30"}],
            "sunday": []
        }
    }});
    let own = commune_admin
        .send(
            Method::PUT,
            "/api/v1/units/000.21.20.H48/working-hours",
            Some(saturday_mornings.clone()),
        )
        .await;
    assert_eq!(
        own.status(),
        StatusCode::NO_CONTENT,
        "{:?}",
        own.text().await
    );
    let other = commune_admin
        .send(
            Method::PUT,
            "/api/v1/units/000.22.20.H48/working-hours",
            Some(saturday_mornings),
        )
        .await;
    assert_eq!(problem(other).await.0, StatusCode::FORBIDDEN);
    let overlapping = json!({ "working_hours": { "weekly": {
        "monday": [{"start":"07:00","end":"12:00"},{"start":"11:00","end":"17:00"}],
        "tuesday": [], "wednesday": [], "thursday": [], "friday": [], "saturday": [], "sunday": [] } } });
    let bad = commune_admin
        .send(
            Method::PUT,
            "/api/v1/units/000.21.20.H48/working-hours",
            Some(overlapping),
        )
        .await;
    assert_eq!(problem(bad).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    // Every edit is in the audit trail, and the trail verifies.
    let audit: Value = admin
        .get("/api/v1/audit?limit=10")
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    for expected in [
        "calendar.day_added",
        "calendar.day_removed",
        "calendar.imported",
        "unit.hours_changed",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    let verified: Value = admin
        .get("/api/v1/audit/verify")
        .await
        .json()
        .await
        .unwrap();
    assert!(verified["first_break"].is_null());

    // The pages show the same calendar and explain deadlines in Vietnamese.
    let page = public.get("/lich?nam=2026").await.text().await.unwrap();
    assert!(page.contains("Nghỉ kỷ niệm ngày thành lập tỉnh") && !page.contains(">Quốc khánh<"));
    let tool = public
        .get("/thoi-han?received=2026-11-20T16%3A10&value=3&unit=working_days&channel=counter")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        tool.contains("Ngày hẹn trả kết quả: thứ Sáu 27/11/2026"),
        "{tool}"
    );
    assert!(
        tool.contains("Không tính thứ Ba 24/11/2026"),
        "each skipped day is explained"
    );
}

async fn bad_calendar_input_is_refused(backend: Backend) {
    let server = spawn(backend).await;
    let public = server.anonymous();
    let cases = [
        (
            public.get("/api/v1/calendar/2300").await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            public.get("/api/v1/calendar/nam-nay").await,
            StatusCode::BAD_REQUEST,
        ),
        (
            public
                .post(
                    "/api/v1/calendar/deadline",
                    json!({ "received_at": "2026-02-30T08:00:00+07:00",
            "processing_time": { "value": 3, "unit": "working_days" }, "channel": "counter" }),
                )
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            public
                .post(
                    "/api/v1/calendar/deadline",
                    json!({ "received_at": "2026-11-20T08:00:00+07:00",
            "processing_time": { "value": 99999, "unit": "working_days" }, "channel": "counter" }),
                )
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            public
                .post(
                    "/api/v1/calendar/deadline",
                    json!({ "received_at": "2026-11-20T08:00:00+07:00",
            "processing_time": { "value": 3, "unit": "working_days" }, "channel": "pigeon" }),
                )
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            public
                .post(
                    "/api/v1/calendar/deadline",
                    json!({ "received_at": "2199-12-31T16:00:00+07:00",
            "processing_time": { "value": 30, "unit": "working_days" }, "channel": "counter" }),
                )
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (response, expected) in cases {
        assert_eq!(problem(response).await.0, expected);
    }
    let page = public
        .get("/thoi-han?received=hôm+qua&value=3&unit=working_days&channel=counter")
        .await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().await.unwrap().contains("Vui lòng nhập đầy đủ"));
}

on_both_backends! {
    edits => calendar_edits_move_deadlines,
    bad_input => bad_calendar_input_is_refused,
}

#[tokio::test]
async fn the_command_line_uses_the_tenants_edited_calendar() {
    let server = spawn(Backend::Sqlite).await;
    let admin = server.login("quantri").await;
    let added = admin
        .post(
            "/api/v1/calendar/days",
            json!({ "date": "2026-12-18", "kind": "off", "name": "Nghỉ riêng của tỉnh",
                                               "source": "QĐ 1/QĐ-UBND", "version": 0 }),
        )
        .await;
    assert_eq!(added.status(), StatusCode::OK);
    let url = server.db_url();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    assert_eq!(
        run(&["calendar", "is-working-day", "2026-12-18"]),
        "true",
        "built-in data without a database"
    );
    assert_eq!(
        run(&[
            "calendar",
            "is-working-day",
            "2026-12-18",
            "--database-url",
            &url
        ]),
        "false"
    );
    assert!(
        run(&["calendar", "holidays", "2026", "--database-url", &url])
            .contains("2026-12-18 off Nghỉ riêng của tỉnh")
    );
}
