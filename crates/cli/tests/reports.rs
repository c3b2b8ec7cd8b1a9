//! The handling report (Biểu 06) on SQLite and PostgreSQL, over files received and handled
//! through the real use cases at instants set on a test clock: every row's invariants, the
//! carried-over link between consecutive periods, a file-by-file recount with the domain's
//! rule, per-unit counting of an inter-agency file, permissions; then the command line (JSON
//! contract, XLSX, PDF, bad input) and the HTTP API.

use jiff::Timestamp;
use motcua_app::files::{self, ActionInput, Applicant, Intake};
use motcua_app::org::By;
use motcua_app::reports::{self, GroupBy, HandlingInput, HandlingReport};
use motcua_app::{Actor, App, AppError, Clock, Db, Settings, auth, demo};
use motcua_domain::file::FileState;
use motcua_domain::report::{Figures, FileFacts, Period};
use motcua_testkit::{Backend, TestDb, on_both_backends};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

struct TestClock(Mutex<Timestamp>);

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap()
    }
}

fn at(local: &str) -> Timestamp {
    format!("{local}+07:00").parse().unwrap()
}

struct World {
    app: App,
    clock: Arc<TestClock>,
    tenant_id: i64,
    db: TestDb,
}

impl World {
    async fn new(backend: Backend) -> World {
        let db = TestDb::new(backend).await;
        let pool = Db::connect(&db.url, 4).await.unwrap();
        pool.migrate().await.unwrap();
        let clock = Arc::new(TestClock(Mutex::new(at("2020-11-30T08:00"))));
        let app = App::new(pool, Settings::default(), clock.clone());
        demo::seed(&app).await.unwrap();
        let tenant_id = motcua_app::tenancy::resolve(&app, None, Some(demo::TENANT_CODE))
            .await
            .unwrap()
            .id;
        World {
            app,
            clock,
            tenant_id,
            db,
        }
    }

    fn set(&self, local: &str) {
        *self.clock.0.lock().unwrap() = at(local);
    }

    async fn actor(&self, login: &str) -> Actor {
        let mut conn = self.app.db.read_conn().await.unwrap();
        let user = motcua_app::store::users::by_login(&mut conn, self.tenant_id, login)
            .await
            .unwrap()
            .unwrap();
        auth::load_actor(&mut conn, self.tenant_id, user.id)
            .await
            .unwrap()
            .unwrap()
    }

    /// Receives a file at the counter of phường Chiềng Lề at `local`; returns (id, version).
    async fn receive(&self, local: &str, procedure: &str, channel: &str) -> (i64, i64) {
        self.set(local);
        let counter = self.actor("motcua.chiengle").await;
        let receipt = files::receive(
            &self.app,
            &counter,
            Intake {
                procedure_code: procedure.into(),
                unit_code: None,
                channel: channel.into(),
                applicant: Applicant {
                    name: "Lò Văn Khai".into(),
                    phone: None,
                    email: None,
                    address: None,
                },
                documents: vec![],
                postal_tracking: None,
                note: None,
            },
        )
        .await
        .unwrap();
        (receipt.file_id, receipt.version)
    }

    /// Applies `action` by `login` at `local`; returns the new version.
    async fn act(&self, file: (i64, i64), local: &str, login: &str, action: Value) -> (i64, i64) {
        self.set(local);
        let who = self.actor(login).await;
        let input: ActionInput = serde_json::from_value(action.clone()).unwrap();
        let summary = files::act(&self.app, &who, file.0, input, Some(file.1), None)
            .await
            .unwrap_or_else(|e| panic!("{action} at {local}: {e:?}"));
        (file.0, summary.version)
    }

    /// Assign, examine, submit, approve: ready for the result.
    async fn approve(&self, file: (i64, i64), local: &str) -> (i64, i64) {
        let f = self
            .act(
                file,
                local,
                "lanhdao.chiengle",
                json!({"kind": "assign", "assignee": "chuyenvien.chiengle"}),
            )
            .await;
        let f = self
            .act(
                f,
                local,
                "chuyenvien.chiengle",
                json!({"kind": "start_examination"}),
            )
            .await;
        let f = self
            .act(
                f,
                local,
                "chuyenvien.chiengle",
                json!({"kind": "submit_for_approval"}),
            )
            .await;
        self.act(f, local, "lanhdao.chiengle", json!({"kind": "approve"}))
            .await
    }

    /// The files of the scenario, Dec 2020 – Jun 2021 (see each comment).
    async fn scenario(&self) {
        // A: received 2 Dec, result ready the next day (early), handed over on the 4th.
        let a = self
            .receive("2020-12-02T09:00", "1.000094", "counter")
            .await;
        let a = self.approve(a, "2020-12-03T09:00").await;
        let a = self
            .act(
                a,
                "2020-12-03T10:00",
                "motcua.chiengle",
                json!({"kind": "mark_result_ready"}),
            )
            .await;
        self.act(
            a,
            "2020-12-04T10:00",
            "motcua.chiengle",
            json!({"kind": "hand_over", "method": "counter"}),
        )
        .await;
        // D: received 11 Jan, withdrawn the next day.
        let d = self
            .receive("2021-01-11T09:00", "1.000094", "counter")
            .await;
        self.act(
            d,
            "2021-01-12T09:00",
            "motcua.chiengle",
            json!({"kind": "withdraw", "reason": "Công dân xin rút"}),
        )
        .await;
        // E: received 13 Jan, sent to the Department of Justice and back, then left open:
        // overdue at the end of every later period; counted at both units.
        let e = self
            .receive("2021-01-13T09:00", "1.000094", "counter")
            .await;
        let e = self
            .act(
                e,
                "2021-01-13T10:00",
                "lanhdao.chiengle",
                json!({"kind": "assign", "assignee": "chuyenvien.chiengle"}),
            )
            .await;
        let e = self
            .act(
                e,
                "2021-01-13T10:00",
                "chuyenvien.chiengle",
                json!({"kind": "start_examination"}),
            )
            .await;
        let e = self
            .act(
                e,
                "2021-01-13T11:00",
                "chuyenvien.chiengle",
                json!({"kind": "send_to_agency", "unit_code": "000.00.12.H48", "working_hours": 8}),
            )
            .await;
        self.act(
            e,
            "2021-01-14T11:00",
            "chuyenvien.chiengle",
            json!({"kind": "receive_from_agency", "unit_code": "000.00.12.H48"}),
        )
        .await;
        // B: by post 25 Feb; apology with a new date on the 26th; result ready 5 Mar: late.
        let b = self.receive("2021-02-25T09:00", "1.000094", "post").await;
        let b = self
            .act(
                b,
                "2021-02-26T09:00",
                "lanhdao.chiengle",
                json!({"kind": "apologize", "reason": "Cần xác minh thêm", "new_date": "2021-03-10"}),
            )
            .await;
        let b = self.approve(b, "2021-03-05T09:00").await;
        self.act(
            b,
            "2021-03-05T10:00",
            "motcua.chiengle",
            json!({"kind": "mark_result_ready"}),
        )
        .await;
        // C: 26 Feb; two supplement requests (a fault), refused 9 Mar.
        let c = self
            .receive("2021-02-26T14:00", "1.002755", "counter")
            .await;
        let c = self
            .act(
                c,
                "2021-03-01T09:00",
                "lanhdao.chiengle",
                json!({"kind": "assign", "assignee": "chuyenvien.chiengle"}),
            )
            .await;
        let c = self
            .act(
                c,
                "2021-03-01T09:00",
                "chuyenvien.chiengle",
                json!({"kind": "start_examination"}),
            )
            .await;
        let c = self
            .act(
                c,
                "2021-03-01T10:00",
                "chuyenvien.chiengle",
                json!({"kind": "request_supplement", "missing_items": ["Bản sao sổ hộ khẩu"]}),
            )
            .await;
        let c = self
            .act(
                c,
                "2021-03-03T10:00",
                "motcua.chiengle",
                json!({"kind": "supplement_received"}),
            )
            .await;
        let c = self
            .act(
                c,
                "2021-03-04T10:00",
                "chuyenvien.chiengle",
                json!({"kind": "request_supplement", "missing_items": ["Giấy xác nhận tạm trú"]}),
            )
            .await;
        let c = self
            .act(
                c,
                "2021-03-08T10:00",
                "motcua.chiengle",
                json!({"kind": "supplement_received"}),
            )
            .await;
        self.act(
            c,
            "2021-03-09T10:00",
            "lanhdao.chiengle",
            json!({"kind": "refuse", "reasons": ["Không đủ điều kiện đăng ký thường trú"]}),
        )
        .await;
        // G: 15 Mar, cancelled the next day.
        let g = self
            .receive("2021-03-15T09:00", "1.000094", "counter")
            .await;
        self.act(
            g,
            "2021-03-16T09:00",
            "lanhdao.chiengle",
            json!({"kind": "cancel", "reason": "Nhập trùng"}),
        )
        .await;
        // F: 5 Apr, waiting for a supplement since the 6th, still waiting.
        let f = self
            .receive("2021-04-05T09:00", "1.000094", "counter")
            .await;
        let f = self
            .act(
                f,
                "2021-04-06T09:00",
                "lanhdao.chiengle",
                json!({"kind": "assign", "assignee": "chuyenvien.chiengle"}),
            )
            .await;
        let f = self
            .act(
                f,
                "2021-04-06T09:00",
                "chuyenvien.chiengle",
                json!({"kind": "start_examination"}),
            )
            .await;
        self.act(
            f,
            "2021-04-06T10:00",
            "chuyenvien.chiengle",
            json!({"kind": "request_supplement", "missing_items": ["Giấy chứng sinh"]}),
        )
        .await;
        // H: 31 May 16:00, another field, pending and in time at the end of May.
        self.receive("2021-05-31T16:00", "1.002755", "counter")
            .await;
        // I: 1 June, after every period below.
        self.receive("2021-06-01T08:00", "1.000094", "counter")
            .await;
        self.set("2021-06-15T09:00");
    }

    async fn report(
        &self,
        from: &str,
        to: &str,
        unit: Option<&str>,
        group_by: GroupBy,
    ) -> HandlingReport {
        let input = HandlingInput {
            from: from.into(),
            to: to.into(),
            unit: unit.map(Into::into),
            include_subunits: true,
            field: None,
            group_by,
        };
        reports::handling(
            &self.app,
            By::System {
                tenant_id: self.tenant_id,
            },
            &input,
        )
        .await
        .unwrap()
    }

    /// The same figures recounted file by file with the domain's rule.
    async fn recount(&self, period: &Period, unit_id: Option<i64>) -> Figures {
        let mut conn = self.app.db.read_conn().await.unwrap();
        let facts = motcua_app::store::reports::file_facts(&mut conn, self.tenant_id)
            .await
            .unwrap();
        let links = motcua_app::store::reports::file_unit_ids(&mut conn, self.tenant_id)
            .await
            .unwrap();
        let judged = period.judged_at(self.app.now().as_second());
        let mut total = Figures::default();
        for f in facts {
            if unit_id.is_some_and(|u| !links.contains(&(f.id, u))) {
                continue;
            }
            let one = Figures::of_file(
                &FileFacts {
                    channel: f.channel,
                    state: FileState::parse(&f.state).unwrap(),
                    received_at: f.received_at,
                    due_at: f.due_at,
                    legal_due_at: f.legal_due_at,
                    finished_at: f.finished_at,
                    ended_at: f.ended_at,
                    apology_at: f.apology_at,
                    supplement_count: f.supplement_count,
                },
                period,
                judged,
            );
            total.add(&one);
        }
        total
    }
}

fn period(from: &str, to: &str) -> Period {
    Period::new(from.parse().unwrap(), to.parse().unwrap()).unwrap()
}

fn check_rows(report: &HandlingReport) {
    let mut sum = Figures::default();
    for row in &report.rows {
        assert_eq!(
            row.figures.check(),
            Ok(()),
            "row {}: {:?}",
            row.code,
            row.figures
        );
        sum.add(&row.figures);
    }
    assert_eq!(sum, report.totals, "totals = sum of rows");
    assert_eq!(report.totals.check(), Ok(()));
    assert_eq!(report.overall.check(), Ok(()));
}

fn by_code(report: &HandlingReport) -> BTreeMap<String, Figures> {
    report
        .rows
        .iter()
        .map(|r| (r.code.clone(), r.figures))
        .collect()
}

const CHIENG_LE: &str = "000.21.20.H48";
const TU_PHAP: &str = "000.00.12.H48";

async fn every_row_balances_and_periods_chain(backend: Backend) {
    let w = World::new(backend).await;
    w.scenario().await;
    let periods = [
        ("2020-12-01", "2021-02-28"),
        ("2021-03-01", "2021-05-31"),
        ("2021-06-01", "2021-08-31"),
    ];
    for unit in [None, Some(CHIENG_LE), Some(TU_PHAP)] {
        for group_by in [
            GroupBy::None,
            GroupBy::Unit,
            GroupBy::Field,
            GroupBy::Procedure,
        ] {
            let mut previous: Option<HandlingReport> = None;
            for (from, to) in periods {
                let report = w.report(from, to, unit, group_by).await;
                check_rows(&report);
                if group_by != GroupBy::Unit {
                    assert_eq!(report.totals, report.overall);
                }
                if let Some(prev) = &previous {
                    // Carried over = pending at the end of the previous period, row by row.
                    let before = by_code(prev);
                    for (code, now) in by_code(&report) {
                        let pending = before.get(&code).map_or(0, |f| f.pending.total);
                        assert_eq!(
                            now.received.carried_over, pending,
                            "{unit:?} {group_by:?} {code} {from}"
                        );
                    }
                    for (code, then) in &before {
                        let carried = report
                            .rows
                            .iter()
                            .find(|r| &r.code == code)
                            .map_or(0, |r| r.figures.received.carried_over);
                        assert_eq!(carried, then.pending.total, "{code} {from}");
                    }
                    assert_eq!(
                        report.overall.received.carried_over,
                        prev.overall.pending.total
                    );
                }
                previous = Some(report);
            }
        }
    }

    // The figures a reader checks by hand.
    let p1 = w
        .report("2020-12-01", "2021-02-28", None, GroupBy::None)
        .await
        .overall;
    assert_eq!(p1.received.total, 5, "{p1:?}");
    assert_eq!(
        (
            p1.received.new_offline,
            p1.received.new_post,
            p1.received.carried_over
        ),
        (5, 1, 0)
    );
    assert_eq!((p1.resolved.total, p1.resolved.early), (1, 1));
    assert_eq!(p1.withdrawn, 1);
    assert_eq!(
        (p1.pending.total, p1.pending.overdue),
        (3, 1),
        "E is overdue"
    );
    assert_eq!(p1.apologies, 1);
    let p2 = w
        .report("2021-03-01", "2021-05-31", None, GroupBy::None)
        .await
        .overall;
    assert_eq!(
        (p2.received.total, p2.received.carried_over),
        (6, 3),
        "{p2:?}"
    );
    assert_eq!(
        (p2.resolved.total, p2.resolved.late, p2.resolved.refused),
        (2, 1, 1)
    );
    assert_eq!(p2.late_with_apology, 1, "B was late with an apology");
    assert_eq!(p2.withdrawn, 1);
    assert_eq!(
        (p2.pending.total, p2.pending.overdue, p2.pending.in_time),
        (3, 1, 2)
    );
    assert_eq!(
        (p2.supplement_requests, p2.files_with_repeated_supplements),
        (2, 1)
    );
    assert_eq!(p2.rates().late_with_apology_share, Some(1.0));

    // The database's counts equal the domain's rule applied file by file.
    let units = motcua_app::org::list_units(&w.app, w.tenant_id)
        .await
        .unwrap();
    let id_of = |code: &str| units.iter().find(|u| u.code == code).unwrap().id;
    for (from, to) in periods
        .iter()
        .copied()
        .chain([("2020-12-01", "2021-05-31")])
    {
        let p = period(from, to);
        let report = w.report(from, to, None, GroupBy::Unit).await;
        assert_eq!(report.overall, w.recount(&p, None).await, "{from}");
        for row in &report.rows {
            assert_eq!(
                row.figures,
                w.recount(&p, Some(id_of(&row.code))).await,
                "{}",
                row.code
            );
        }
    }

    // The inter-agency file E is counted once at each unit it went through, once province-wide.
    let half = w
        .report("2020-12-01", "2021-05-31", None, GroupBy::Unit)
        .await;
    let rows = by_code(&half);
    assert_eq!(rows[TU_PHAP].received.total, 1);
    assert_eq!(rows[CHIENG_LE].received.total, 8);
    assert_eq!(half.overall.received.total, 8);
    assert_eq!(
        half.totals.received.total, 9,
        "the sum of unit rows counts E at both units"
    );
    let tu_phap = w
        .report("2020-12-01", "2021-05-31", Some(TU_PHAP), GroupBy::None)
        .await;
    assert_eq!(tu_phap.overall.received.total, 1);
    assert_eq!(tu_phap.overall.pending.overdue, 1);
    let fields = w
        .report("2020-12-01", "2021-05-31", None, GroupBy::Field)
        .await;
    let fields = by_code(&fields);
    assert_eq!(fields["HOTICH"].received.total, 6);
    assert_eq!(fields["CUTRU"].received.total, 2);
}

async fn reports_are_for_the_reform_office_leaders_and_administrators(backend: Backend) {
    let w = World::new(backend).await;
    w.scenario().await;
    let input = |unit: Option<&str>| HandlingInput {
        from: "2021-01-01".into(),
        to: "2021-03-31".into(),
        unit: unit.map(Into::into),
        include_subunits: true,
        ..Default::default()
    };
    for login in ["cchc", "quantri"] {
        let who = w.actor(login).await;
        let r = reports::handling(&w.app, By::User(&who), &input(None)).await;
        assert!(r.is_ok(), "{login}: {r:?}");
    }
    let leader = w.actor("lanhdao.chiengle").await;
    let own = reports::handling(&w.app, By::User(&leader), &input(Some(CHIENG_LE)))
        .await
        .unwrap();
    assert_eq!(own.overall.received.total, 5);
    for unit in [None, Some(TU_PHAP), Some("000.00.00.H48")] {
        let r = reports::handling(&w.app, By::User(&leader), &input(unit)).await;
        assert!(
            matches!(r, Err(AppError::Forbidden)),
            "leader, {unit:?}: {r:?}"
        );
    }
    let counter = w.actor("motcua.chiengle").await;
    let r = reports::handling(&w.app, By::User(&counter), &input(Some(CHIENG_LE))).await;
    assert!(matches!(r, Err(AppError::Forbidden)));

    // Bad input is a validation error naming the field.
    let system = By::System {
        tenant_id: w.tenant_id,
    };
    for (from, to, unit, field) in [
        ("2021-13-01", "2021-03-31", None, "from"),
        ("2021-03-31", "2021-01-01", None, "to"),
        ("2021-01-01", "2021-03-31", Some("999.99.99.H00"), "unit"),
    ] {
        let mut i = input(unit);
        i.from = from.into();
        i.to = to.into();
        match reports::handling(&w.app, system, &i).await {
            Err(AppError::Validation(errors)) => assert_eq!(errors[0].field, field),
            other => panic!("{from} {to}: {other:?}"),
        }
    }
    let mut i = input(None);
    i.field = Some("KHONGCO".into());
    assert!(matches!(
        reports::handling(&w.app, system, &i).await,
        Err(AppError::Validation(_))
    ));
}

fn motcua(db: &TestDb, args: &[&str]) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .arg("--database-url")
        .arg(&db.url)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run motcua");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn out_dir() -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("reports");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn the_command_line_prints_the_contract_and_writes_files(backend: Backend) {
    let w = World::new(backend).await;
    w.scenario().await;
    let half = [
        "report",
        "summary",
        "--from",
        "2020-12-01",
        "--to",
        "2021-05-31",
    ];
    let (code, out, err) = motcua(&w.db, &[&half[..], &["--json"]].concat());
    assert_eq!(code, 0, "{err}");
    let f = w
        .report("2020-12-01", "2021-05-31", None, GroupBy::None)
        .await
        .overall;
    let timely = f.resolved.early + f.resolved.on_time;
    let rate = (timely as f64 / f.resolved.total as f64 * 10_000.0).round() / 10_000.0;
    assert_eq!(
        out.trim(),
        format!(
            "{{\"received\":{{\"total\":8,\"new_online\":0,\"new_offline\":8,\"carried_over\":0}},\
             \"resolved\":{{\"total\":3,\"early\":{},\"on_time\":{},\"late\":{}}},\
             \"pending\":{{\"total\":3,\"in_time\":2,\"overdue\":1}},\"withdrawn\":2,\"on_time_rate\":{rate}}}",
            f.resolved.early, f.resolved.on_time, f.resolved.late
        )
    );
    assert!(
        out.lines().count() == 1,
        "one JSON object on one line: {out}"
    );

    // A unit and a field; nothing resolved gives a null rate.
    let (code, out, err) = motcua(
        &w.db,
        &[
            "report",
            "summary",
            "--from",
            "2021-01-01",
            "--to",
            "2021-01-31",
            "--unit",
            TU_PHAP,
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["received"]["total"], 1);
    assert_eq!(v["on_time_rate"], Value::Null);
    let (code, out, _) = motcua(
        &w.db,
        &[&half[..], &["--field", "CUTRU", "--json"]].concat(),
    );
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            v["received"]["total"].as_i64(),
            v["resolved"]["total"].as_i64()
        ),
        (Some(2), Some(1))
    );

    // Bad input: a clear message and exit code 2.
    for (args, needle) in [
        (vec!["--from", "2021-02-30", "--to", "2021-03-01"], "from"),
        (vec!["--from", "2021-03-01", "--to", "2021-02-01"], "to"),
        (
            vec![
                "--from",
                "2021-01-01",
                "--to",
                "2021-02-01",
                "--unit",
                "000.99.99.H99",
            ],
            "000.99.99.H99",
        ),
        (
            vec![
                "--from",
                "2021-01-01",
                "--to",
                "2021-02-01",
                "--field",
                "KHONGCO",
            ],
            "KHONGCO",
        ),
        (
            vec!["--from", "01/01/2021", "--to", "2021-02-01"],
            "YYYY-MM-DD",
        ),
    ] {
        let (code, out, err) = motcua(
            &w.db,
            &[&["report", "summary", "--json"][..], &args].concat(),
        );
        assert_eq!(code, 2, "{args:?}: {out} {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(out.is_empty());
    }

    // XLSX and PDF, alone or with the JSON.
    let dir = out_dir();
    let tag = format!("{backend:?}").to_lowercase();
    let xlsx = dir.join(format!("bieu06-{tag}.xlsx"));
    let pdf = dir.join(format!("bieu06-{tag}.pdf"));
    let (code, out, err) = motcua(
        &w.db,
        &[
            &half[..],
            &[
                "--group-by",
                "unit",
                "--json",
                "--xlsx",
                xlsx.to_str().unwrap(),
                "--pdf",
                pdf.to_str().unwrap(),
            ],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("{\"received\":{\"total\":8,"), "{out}");
    check_xlsx(
        &xlsx,
        &w.report("2020-12-01", "2021-05-31", None, GroupBy::Unit)
            .await,
    );
    check_pdf(&pdf);
    let (code, out, err) = motcua(
        &w.db,
        &[&half[..], &["--xlsx", xlsx.to_str().unwrap()]].concat(),
    );
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
}

fn check_xlsx(path: &std::path::Path, report: &HandlingReport) {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(path).expect("a real XLSX file");
    let sheet = book.worksheet_range("Biểu 06").unwrap();
    let cell = |r: u32, c: u32| sheet.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    let text = |r: u32, c: u32| cell(r, c).to_string();
    let number = |r: u32, c: u32| match cell(r, c) {
        Data::Float(x) => x as i64,
        Data::Int(x) => x,
        other => panic!("({r},{c}) is not a number: {other:?}"),
    };
    assert_eq!(
        text(0, 0),
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    );
    assert!(text(1, 0).contains("từ ngày 01/12/2020 đến ngày 31/05/2021"));
    assert_eq!(text(4, 3), "Số hồ sơ nhận giải quyết");
    assert_eq!(text(4, 7), "Số hồ sơ đã giải quyết");
    assert_eq!(text(4, 11), "Số hồ sơ đang giải quyết");
    assert_eq!(
        (text(5, 3), text(5, 4), text(5, 5), text(5, 6)),
        (
            "Tổng số".into(),
            "Trực tuyến".into(),
            "Trực tiếp, bưu chính".into(),
            "Từ kỳ trước".into()
        )
    );
    assert_eq!(
        (text(5, 8), text(5, 9), text(5, 10)),
        ("Trước hạn".into(), "Đúng hạn".into(), "Quá hạn".into())
    );
    let merged = book.merge_cells_by_sheet_name("Biểu 06").unwrap();
    let spans = |r: u32, c0: u32, c1: u32| {
        merged
            .iter()
            .any(|d| d.start == (r, c0) && d.end == (r, c1))
    };
    assert!(
        spans(4, 3, 6),
        "received heading spans its four columns: {merged:?}"
    );
    assert!(spans(4, 7, 10) && spans(4, 11, 13));
    assert!(
        merged.iter().any(|d| d.start == (4, 2) && d.end == (5, 2)),
        "name heading spans two rows"
    );
    // One line per unit, then the totals, which add up the lines.
    let first = 7;
    assert_eq!(report.rows.len(), 2);
    for (k, row) in report.rows.iter().enumerate() {
        let r = first + k as u32;
        assert_eq!(text(r, 1), row.code);
        assert_eq!(text(r, 2), row.name);
        assert_eq!(number(r, 3), row.figures.received.total);
        assert_eq!(number(r, 8), row.figures.resolved.early);
        assert_eq!(number(r, 13), row.figures.pending.overdue);
        assert_eq!(number(r, 14), row.figures.withdrawn);
    }
    let total = first + report.rows.len() as u32;
    assert_eq!(text(total, 2), "Tổng cộng");
    for c in 3..19 {
        let sum: i64 = (first..total).map(|r| number(r, c)).sum();
        assert_eq!(number(total, c), sum, "column {c}");
    }
    assert_eq!(number(total, 3), 9, "E is counted at both units");
    let formula = book.worksheet_formula("Biểu 06").unwrap();
    assert_eq!(
        formula.get_value((total, 3)).map(String::as_str),
        Some("SUM(D8:D9)"),
        "the totals line is a formula"
    );
    match cell(total, 19) {
        Data::Float(x) => {
            let t = &report.totals;
            let expected = (t.resolved.early + t.resolved.on_time) as f64 / t.resolved.total as f64;
            assert!((x - expected).abs() < 1e-9);
        }
        other => panic!("on-time rate: {other:?}"),
    }
}

fn check_pdf(path: &std::path::Path) {
    let output = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (scripts/ensure-pdftools.sh installs it)");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "Biểu số 06/VPCP/KSTT",
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        "Kỳ báo cáo: từ ngày 01/12/2020 đến ngày 31/05/2021",
        "Số hồ sơ nhận giải quyết",
        "Số hồ sơ đã giải quyết",
        "Số hồ sơ đang giải quyết",
        "Ủy ban nhân dân phường Chiềng Lề",
        "Sở Tư pháp",
        "Tổng cộng",
    ] {
        assert!(flat.contains(needle), "{needle} not in:\n{text}");
    }
    // The lines with their figures: Chiềng Lề received 8, Tư pháp 1, the totals 9.
    let line_of = |name: &str| {
        text.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name}: {text}"))
            .split_whitespace()
            .filter(|w| w.chars().all(|c| c.is_ascii_digit() || c == '.'))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(line_of("Chiềng Lề")[1], "8", "{:?}", line_of("Chiềng Lề"));
    assert_eq!(line_of("Sở Tư pháp")[1], "1");
    assert_eq!(line_of("Tổng cộng")[0], "9");
}

/// Serves `w.app` (with its test clock) on a random port; returns the base address.
async fn serve(w: &World) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = motcua_web::WebConfig {
        default_tenant: Some(demo::TENANT_CODE.into()),
        ..Default::default()
    };
    let router = motcua_web::router(w.app.clone(), config);
    tokio::spawn(motcua_web::serve(listener, router, std::future::pending()));
    base
}

async fn login(base: &str, login: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let response = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "login": login, "password": demo::DEMO_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    client
}

async fn problem(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let media = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(media, "application/problem+json", "{status} {body}");
    (status, body["code"].as_str().unwrap_or_default().to_owned())
}

async fn the_api_serves_json_xlsx_csv_and_pdf(backend: Backend) {
    let w = World::new(backend).await;
    w.scenario().await;
    let base = serve(&w).await;
    let cchc = login(&base, "cchc").await;
    let half = "from=2020-12-01&to=2021-05-31";
    let get = |client: &reqwest::Client, query: &str, ext: &str| {
        client
            .get(format!("{base}/api/v1/reports/handling{ext}?{query}"))
            .send()
    };

    let response = get(&cchc, &format!("{half}&group_by=unit"), "")
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["overall"]["received"]["total"], 8, "{body}");
    assert_eq!(body["totals"]["received"]["total"], 9);
    assert_eq!(body["rows"].as_array().unwrap().len(), 2);
    assert_eq!(body["rows"][0]["code"], TU_PHAP);
    assert_eq!(body["rows"][1]["figures"]["pending"]["overdue"], 1);
    assert_eq!(body["group_by"], "unit");
    let expected = w
        .report("2020-12-01", "2021-05-31", None, GroupBy::Unit)
        .await;
    assert_eq!(
        body["overall"],
        serde_json::to_value(expected.overall).unwrap()
    );
    assert!(body["overall_rates"]["on_time_rate"].is_number());

    let response = get(&cchc, &format!("{half}&group_by=field"), ".csv")
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "heading, two fields, totals: {csv}");
    assert!(lines[0].contains("Số hồ sơ đã giải quyết - Trước hạn"));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("CUTRU,") && l.contains(",2,0,2,0,")),
        "{csv}"
    );
    assert!(lines[3].starts_with(",Tổng cộng,8,0,8,0,3,"), "{csv}");

    let response = get(&cchc, half, ".xlsx").await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("bieu06-2020-12-01-2021-05-31.xlsx")
    );
    assert!(response.bytes().await.unwrap().starts_with(b"PK"));
    let response = get(&cchc, half, ".pdf").await.unwrap();
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(response.bytes().await.unwrap().starts_with(b"%PDF"));

    // Bad input is a 422 problem naming what is wrong; never a 500.
    for query in [
        "from=2021-02-30&to=2021-03-01",
        "from=2021-03-01&to=2021-02-01",
        "to=2021-02-01",
        "from=2021-01-01&to=2021-02-01&unit=000.99.99.H99",
        "from=2021-01-01&to=2021-02-01&field=KHONGCO",
        "from=2021-01-01&to=2021-02-01&group_by=month",
    ] {
        for ext in ["", ".xlsx", ".csv"] {
            let (status, code) = problem(get(&cchc, query, ext).await.unwrap()).await;
            assert_eq!(
                (status, code.as_str()),
                (422, "validation_failed"),
                "{query} {ext}"
            );
        }
    }
    let (status, code) = problem(
        get(&cchc, "from=2021-01-01&to=2021-02-01&subunits=maybe", "")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "invalid_query"));

    // A leader sees their own unit, not the province nor another unit; a counter officer nothing.
    let leader = login(&base, "lanhdao.chiengle").await;
    let response = get(&leader, &format!("{half}&unit={CHIENG_LE}"), "")
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    for query in [half.to_owned(), format!("{half}&unit={TU_PHAP}")] {
        for ext in ["", ".xlsx", ".csv", ".pdf"] {
            let (status, code) = problem(get(&leader, &query, ext).await.unwrap()).await;
            assert_eq!((status, code.as_str()), (403, "forbidden"), "{query} {ext}");
        }
    }
    let counter = login(&base, "motcua.chiengle").await;
    let (status, _) = problem(
        get(&counter, &format!("{half}&unit={CHIENG_LE}"), "")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 403);
    let anonymous = reqwest::Client::new();
    let (status, _) = problem(get(&anonymous, half, "").await.unwrap()).await;
    assert_eq!(status, 401);

    // Listed in the OpenAPI document.
    let doc: Value = anonymous
        .get(format!("{base}/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/reports/handling",
        "/api/v1/reports/handling.xlsx",
        "/api/v1/reports/handling.csv",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path}");
    }
}

/// Online files count as new online files from their receipt; a submission the unit has not
/// received yet is not counted at all, and a file received by post counts as offline.
async fn online_files_count_from_their_receipt(backend: Backend) {
    let w = World::new(backend).await;
    let citizen = w.actor("congdan@example.vn").await;
    let submit = |local: &'static str| {
        let w = &w;
        let citizen = citizen.clone();
        async move {
            w.set(local);
            let s = files::submit_online(
                &w.app,
                &citizen,
                files::OnlineSubmission {
                    procedure_code: "1.001193".into(),
                    unit_code: CHIENG_LE.into(),
                    applicant: None,
                    documents: vec![],
                    note: None,
                },
            )
            .await
            .unwrap();
            (s.id, s.version)
        }
    };
    let received = submit("2020-12-02T20:00").await;
    w.act(
        received,
        "2020-12-03T08:30",
        "motcua.chiengle",
        json!({"kind": "receive"}),
    )
    .await;
    let _waiting = submit("2020-12-04T09:00").await;
    w.receive("2020-12-04T10:00", "1.001193", "post").await;
    let report = w
        .report("2020-12-01", "2020-12-31", Some(CHIENG_LE), GroupBy::None)
        .await;
    let r = &report.overall.received;
    assert_eq!(
        (r.total, r.new_online, r.new_offline, r.carried_over),
        (2, 1, 1, 0)
    );
    check_rows(&report);
}

on_both_backends! {
    online => online_files_count_from_their_receipt,
    api => the_api_serves_json_xlsx_csv_and_pdf,
    invariants => every_row_balances_and_periods_chain,
    permissions => reports_are_for_the_reform_office_leaders_and_administrators,
    command_line => the_command_line_prints_the_contract_and_writes_files,
}
