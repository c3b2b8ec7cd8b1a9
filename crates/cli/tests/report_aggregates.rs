//! Proof that the handling report read from the daily aggregates (`report_daily`) equals the
//! direct count over the files, on SQLite and PostgreSQL: random workflows run through the real
//! use cases under a moving clock (across month boundaries; supplements and restarts,
//! apologies with a new date, inter-agency legs, withdrawals, cancellations, refusals, online
//! submissions received later), and after each stretch the two sources are compared for many
//! periods (past, spanning, not over yet, in the future), scopes (province, a unit alone, a
//! subtree, the inter-agency unit), groupings and a field filter; the stored aggregate rows are
//! also compared with a full recount, and `rebuild` gives the same rows.

use jiff::Timestamp;
use motcua_app::files::{self, ActionInput, Applicant, Intake};
use motcua_app::org::By;
use motcua_app::reports::{self, GroupBy, HandlingInput, Source};
use motcua_app::{Actor, App, Clock, Db, Settings, auth, demo};
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

/// A small deterministic generator (xorshift64*), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const CHIENG_LE: &str = "000.21.20.H48";
const TU_PHAP: &str = "000.00.12.H48";
/// The kinds of the actions in `random_action`'s menu, in its order.
const KINDS: [&str; 18] = [
    "receive",
    "assign",
    "start_examination",
    "request_supplement",
    "supplement_received",
    "send_to_agency",
    "receive_from_agency",
    "submit_for_approval",
    "approve",
    "refuse",
    "mark_result_ready",
    "hand_over",
    "withdraw",
    "cancel",
    "apologize",
    "stop_processing",
    "send_back",
    "close",
];
/// What happens to a file, step by step (indexes into `KINDS`); a random plan per file.
const PLANS: [&[usize]; 11] = [
    // Straight through, handed over.
    &[1, 2, 7, 8, 10, 11],
    // One supplement request, the clock restarts, finished.
    &[1, 2, 3, 4, 7, 8, 10],
    // Two requests, refused.
    &[1, 2, 3, 4, 3, 4, 9],
    // Through the Department of Justice and back, sent back once, finished.
    &[1, 2, 5, 6, 7, 16, 7, 8, 10],
    // An apology with a new date, then finished (often late).
    &[14, 1, 2, 7, 8, 10, 11],
    &[14, 1, 2, 3, 4, 7, 8, 10],
    // Withdrawn by the applicant.
    &[1, 2, 12],
    // Cancelled; stopped.
    &[13],
    &[1, 2, 15],
    // Left waiting for a supplement.
    &[1, 2, 3],
    // Left open (overdue sooner or later).
    &[1],
];
const PROCEDURES: [&str; 3] = ["1.000094", "1.002755", "1.001193"];

/// The files of a random run: (file, its plan, the next step); what succeeded; refusals.
#[derive(Default)]
struct Run {
    files: Vec<(i64, Vec<usize>, usize)>,
    done: BTreeMap<&'static str, u32>,
    refused: u32,
}

struct World {
    app: App,
    clock: Arc<TestClock>,
    tenant_id: i64,
    actors: BTreeMap<&'static str, Actor>,
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
        let mut actors = BTreeMap::new();
        {
            let mut conn = app.db.read_conn().await.unwrap();
            for login in [
                "motcua.chiengle",
                "lanhdao.chiengle",
                "chuyenvien.chiengle",
                "congdan@example.vn",
            ] {
                let user = motcua_app::store::users::by_login(&mut conn, tenant_id, login)
                    .await
                    .unwrap()
                    .unwrap();
                let actor = auth::load_actor(&mut conn, tenant_id, user.id)
                    .await
                    .unwrap()
                    .unwrap();
                actors.insert(login, actor);
            }
        }
        World {
            app,
            clock,
            tenant_id,
            actors,
            db,
        }
    }

    fn now(&self) -> Timestamp {
        *self.clock.0.lock().unwrap()
    }

    fn advance(&self, seconds: i64) {
        let mut t = self.clock.0.lock().unwrap();
        *t = Timestamp::from_second(t.as_second() + seconds).unwrap();
    }

    /// A new file: at the counter, by post, or submitted online (received later, or never).
    async fn new_file(&self, rng: &mut Rng) -> Option<i64> {
        let procedure = PROCEDURES[rng.below(3) as usize];
        let channel = ["counter", "post", "online"][rng.below(3) as usize];
        if channel == "online" {
            let s = files::submit_online(
                &self.app,
                &self.actors["congdan@example.vn"],
                files::OnlineSubmission {
                    procedure_code: procedure.into(),
                    unit_code: CHIENG_LE.into(),
                    applicant: None,
                    documents: vec![],
                    note: None,
                },
            )
            .await
            .ok()?;
            return Some(s.id);
        }
        let receipt = files::receive(
            &self.app,
            &self.actors["motcua.chiengle"],
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
        .ok()?;
        Some(receipt.file_id)
    }

    /// Performs action number `pick` of the menu on `file`; its kind if the workflow allowed it.
    async fn action(&self, rng: &mut Rng, file: i64, pick: usize) -> Option<&'static str> {
        let local_date = self
            .now()
            .to_zoned(jiff::tz::offset(7).to_time_zone())
            .date();
        let later = local_date
            .checked_add(jiff::Span::new().days(25 + rng.below(20) as i64))
            .unwrap();
        let (login, action): (&str, Value) = match KINDS[pick] {
            "receive" => ("motcua.chiengle", json!({"kind": "receive"})),
            "assign" => (
                "lanhdao.chiengle",
                json!({"kind": "assign", "assignee": "chuyenvien.chiengle"}),
            ),
            "request_supplement" => (
                "chuyenvien.chiengle",
                json!({"kind": "request_supplement", "missing_items": ["Bản sao CCCD"]}),
            ),
            "send_to_agency" => (
                "chuyenvien.chiengle",
                json!({"kind": "send_to_agency", "unit_code": TU_PHAP, "working_hours": 8}),
            ),
            "receive_from_agency" => (
                "chuyenvien.chiengle",
                json!({"kind": "receive_from_agency", "unit_code": TU_PHAP}),
            ),
            "refuse" => (
                "lanhdao.chiengle",
                json!({"kind": "refuse", "reasons": ["Không đủ điều kiện"]}),
            ),
            "hand_over" => (
                "motcua.chiengle",
                json!({"kind": "hand_over", "method": "counter"}),
            ),
            "withdraw" => (
                "motcua.chiengle",
                json!({"kind": "withdraw", "reason": "Công dân xin rút"}),
            ),
            "cancel" => (
                "lanhdao.chiengle",
                json!({"kind": "cancel", "reason": "Nhập trùng"}),
            ),
            "apologize" => (
                "lanhdao.chiengle",
                json!({"kind": "apologize", "reason": "Cần xác minh thêm", "new_date": later.to_string()}),
            ),
            "stop_processing" => (
                "lanhdao.chiengle",
                json!({"kind": "stop_processing", "reason": "Theo đề nghị của công dân"}),
            ),
            "send_back" => (
                "lanhdao.chiengle",
                json!({"kind": "send_back", "reason": "Cần bổ sung ý kiến"}),
            ),
            "approve" => ("lanhdao.chiengle", json!({"kind": "approve"})),
            kind @ ("supplement_received" | "mark_result_ready" | "close") => {
                ("motcua.chiengle", json!({ "kind": kind }))
            }
            kind => ("chuyenvien.chiengle", json!({ "kind": kind })),
        };
        let input: ActionInput = serde_json::from_value(action).unwrap();
        files::act(&self.app, &self.actors[login], file, input, None, None)
            .await
            .ok()
            .map(|_| KINDS[pick])
    }

    /// `steps` random steps: a new file (with a random plan) or the next step of a file's plan.
    async fn run(&self, rng: &mut Rng, run: &mut Run, steps: usize) {
        for _ in 0..steps {
            // Between 20 minutes and two and a half days; often across midnight.
            self.advance(1200 + rng.below(2 * 86400 + 43200) as i64);
            let busy: Vec<usize> = (0..run.files.len())
                .filter(|i| run.files[*i].2 < run.files[*i].1.len())
                .collect();
            if busy.len() < 5 || rng.below(4) == 0 {
                if let Some(id) = self.new_file(rng).await {
                    let mut plan = vec![0];
                    plan.extend_from_slice(PLANS[rng.below(PLANS.len() as u64) as usize]);
                    *run.done.entry("new").or_default() += 1;
                    let mut step = 0;
                    // An apology must come early: received (if online) and apologised for now.
                    if plan[1] == 14 {
                        if let Some(kind) = self.action(rng, id, 0).await {
                            *run.done.entry(kind).or_default() += 1;
                        }
                        step = 1;
                        if let Some(kind) = self.action(rng, id, 14).await {
                            *run.done.entry(kind).or_default() += 1;
                            step = 2;
                        }
                    }
                    run.files.push((id, plan, step));
                }
            } else {
                let i = busy[rng.below(busy.len() as u64) as usize];
                let (id, plan, step) = run.files[i].clone();
                match self.action(rng, id, plan[step]).await {
                    Some(kind) => {
                        *run.done.entry(kind).or_default() += 1;
                        run.files[i].2 += 1;
                    }
                    // `receive` of a file received at the counter already: skip it.
                    None if step == 0 => run.files[i].2 += 1,
                    None => {
                        run.refused += 1;
                        run.files[i].2 = plan.len();
                    }
                }
            }
        }
    }

    /// Compares the two sources for a period, scope and grouping; returns the report's size.
    async fn compare(&self, from: &str, to: &str, unit: Option<&str>, subunits: bool) -> i64 {
        let mut received = 0;
        for group_by in [
            GroupBy::None,
            GroupBy::Unit,
            GroupBy::Field,
            GroupBy::Procedure,
        ] {
            for field in [None, Some("CUTRU")] {
                let input = HandlingInput {
                    from: from.into(),
                    to: to.into(),
                    unit: unit.map(Into::into),
                    include_subunits: subunits,
                    field: field.map(Into::into),
                    group_by,
                };
                let by = By::System {
                    tenant_id: self.tenant_id,
                };
                let fast = reports::handling_from(&self.app, by, &input, Source::Aggregates).await;
                let slow = reports::handling_from(&self.app, by, &input, Source::Files).await;
                let (fast, slow) = match (fast, slow) {
                    (Ok(f), Ok(s)) => (f, s),
                    // An unknown field code is refused the same way by both.
                    (Err(a), Err(b)) => {
                        assert_eq!(format!("{a:?}"), format!("{b:?}"));
                        continue;
                    }
                    (a, b) => panic!("{a:?} / {b:?}"),
                };
                let rows = |r: &reports::HandlingReport| {
                    r.rows
                        .iter()
                        .map(|row| (row.code.clone(), row.figures))
                        .collect::<Vec<_>>()
                };
                assert_eq!(
                    rows(&fast),
                    rows(&slow),
                    "{from}..{to} unit {unit:?} subunits {subunits} by {group_by:?} field {field:?} at {}",
                    self.now()
                );
                assert_eq!(fast.overall, slow.overall);
                assert_eq!(fast.totals, slow.totals);
                for row in &fast.rows {
                    assert_eq!(row.figures.check(), Ok(()), "{}", row.code);
                }
                received = received.max(slow.overall.received.total);
            }
        }
        received
    }

    async fn compare_all(&self, parent: &str) -> i64 {
        let today = self
            .now()
            .to_zoned(jiff::tz::offset(7).to_time_zone())
            .date();
        let now_period = (
            today.first_of_month().to_string(),
            today.last_of_month().to_string(),
        );
        let mut periods: Vec<(String, String)> = [
            ("2020-12-01", "2020-12-31"),
            ("2021-01-01", "2021-01-31"),
            ("2021-02-01", "2021-02-28"),
            ("2021-03-01", "2021-03-31"),
            ("2021-01-01", "2021-03-31"),
            ("2020-12-15", "2021-02-14"),
            ("2021-06-01", "2021-06-30"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        periods.push(now_period);
        periods.push((today.to_string(), today.to_string()));
        let mut seen = 0;
        for (from, to) in &periods {
            seen = seen.max(self.compare(from, to, None, true).await);
            self.compare(from, to, Some(CHIENG_LE), false).await;
            self.compare(from, to, Some(parent), true).await;
            self.compare(from, to, Some(parent), false).await;
            self.compare(from, to, Some(TU_PHAP), true).await;
        }
        // The stored rows equal a full recount of the files.
        let mut conn = self.app.db.read_conn().await.unwrap();
        let stored = motcua_app::store::report_daily::stored(&mut conn, self.tenant_id)
            .await
            .unwrap();
        let recount = motcua_app::store::report_daily::recount(&mut conn, self.tenant_id)
            .await
            .unwrap();
        assert_eq!(
            stored,
            recount,
            "stored aggregates = recount at {}",
            self.now()
        );
        seen
    }
}

async fn aggregates_equal_the_direct_count_under_random_workflows(backend: Backend) {
    let w = World::new(backend).await;
    let parent = {
        let mut conn = w.app.db.read_conn().await.unwrap();
        let units = motcua_app::store::units::list(&mut conn, w.tenant_id)
            .await
            .unwrap();
        let me = units.iter().find(|u| u.code == CHIENG_LE).unwrap();
        let parent = me.parent_id.unwrap();
        units.iter().find(|u| u.id == parent).unwrap().code.clone()
    };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut run = Run::default();
    // About a year, in stretches; compared after each stretch.
    for stretch in 0..4 {
        w.run(&mut rng, &mut run, 80).await;
        let seen = w.compare_all(&parent).await;
        assert!(seen > 0, "stretch {stretch}: the reports were not empty");
    }
    // The workflows covered what the aggregates must follow.
    assert!(
        run.refused * 10 < run.done.values().sum::<u32>(),
        "{} steps refused: {:?}",
        run.refused,
        run.done
    );
    for kind in [
        "new",
        "receive",
        "request_supplement",
        "supplement_received",
        "send_to_agency",
        "receive_from_agency",
        "approve",
        "refuse",
        "mark_result_ready",
        "withdraw",
        "cancel",
        "apologize",
    ] {
        assert!(
            run.done.get(kind).copied().unwrap_or(0) > 0,
            "no successful {kind}: {:?}",
            run.done
        );
    }
    // A rebuild from the files gives the rows the changes maintained.
    let mut tx = w.app.db.begin().await.unwrap();
    let before = motcua_app::store::report_daily::stored(&mut tx, w.tenant_id)
        .await
        .unwrap();
    motcua_app::store::report_daily::rebuild(&mut tx, w.tenant_id)
        .await
        .unwrap();
    let after = motcua_app::store::report_daily::stored(&mut tx, w.tenant_id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(before, after);
    w.compare_all(&parent).await;
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

async fn verify_finds_a_tampered_row_and_rebuild_repairs_it(backend: Backend) {
    let w = World::new(backend).await;
    let mut rng = Rng(7);
    let mut run = Run::default();
    w.run(&mut rng, &mut run, 60).await;
    let range = ["--from", "2020-12-01", "--to", "2021-02-28"];
    let verify = [&["report", "verify"][..], &range[..]].concat();
    let (code, out, err) = motcua(&w.db, &verify);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("ok: "), "{out}");

    // A row changed behind the application's back (a lost update, a hand edit).
    let mut tx = w.app.db.begin().await.unwrap();
    sqlx::query(
        "UPDATE report_daily SET received_counter = received_counter + 1
         WHERE tenant_id = $1 AND scope_kind = 0 AND day = (SELECT MIN(day) FROM report_daily WHERE tenant_id = $1
             AND scope_kind = 0 AND received_counter > 0 AND day >= $2) AND received_counter > 0",
    )
    .bind(w.tenant_id)
    .bind(at("2021-01-01T00:00").as_second().div_euclid(86400))
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (code, out, err) = motcua(&w.db, &verify);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("aggregate row"), "{out}");
    assert!(
        out.contains(" province by None overall: aggregates"),
        "{out}"
    );
    assert!(err.contains("differences"), "{err}");

    let (code, out, err) = motcua(&w.db, &["report", "rebuild"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("rebuilt: "), "{out}");
    let (code, out, err) = motcua(&w.db, &verify);
    assert_eq!(code, 0, "{out}{err}");
    // The rebuild is in the audit trail.
    let mut conn = w.app.db.read_conn().await.unwrap();
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE tenant_id = $1 AND action = 'report.aggregates_rebuilt'",
    )
    .bind(w.tenant_id)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(n, 1);
    // Bad input is refused as such.
    let (code, _, err) = motcua(&w.db, &["report", "verify", "--from", "2021-13-01"]);
    assert_eq!(code, 2, "{err}");
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

/// A signed-in client and its CSRF token.
async fn login(base: &str, login: &str) -> (reqwest::Client, String) {
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
    let body: Value = response.json().await.unwrap();
    (client, body["csrf_token"].as_str().unwrap().to_owned())
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

/// Runs `kind` on a file as `login` now; panics if the workflow refuses it.
async fn must(w: &World, file: i64, login: &str, action: Value) {
    let input: ActionInput = serde_json::from_value(action.clone()).unwrap();
    files::act(&w.app, &w.actors[login], file, input, None, None)
        .await
        .unwrap_or_else(|e| panic!("{action}: {e:?}"));
}

async fn a_locked_period_keeps_its_figures_and_later_changes_show_as_adjustments(backend: Backend) {
    let w = World::new(backend).await;
    // Received 2 December, examined, then left: overdue at the end of December.
    *w.clock.0.lock().unwrap() = at("2020-12-02T09:00");
    let mut rng = Rng(3);
    let file = loop {
        // A counter or post file (an online one would wait to be received).
        if let Some(id) = w.new_file(&mut rng).await
            && w.action(&mut rng, id, 0).await.is_none()
        {
            break id;
        }
    };
    must(
        &w,
        file,
        "lanhdao.chiengle",
        json!({"kind": "assign", "assignee": "chuyenvien.chiengle"}),
    )
    .await;
    must(
        &w,
        file,
        "chuyenvien.chiengle",
        json!({"kind": "start_examination"}),
    )
    .await;
    *w.clock.0.lock().unwrap() = at("2021-01-05T09:00");
    let base = serve(&w).await;
    let (cchc, token) = login(&base, "cchc").await;
    let december = json!({"from": "2020-12-01", "to": "2020-12-31"});
    let url = format!("{base}/api/v1/reports/periods");

    // Only the reform office locks; a period not over, or reversed, is refused.
    let (leader, leader_token) = login(&base, "lanhdao.chiengle").await;
    let r = leader
        .post(&url)
        .header("x-csrf-token", &leader_token)
        .json(&december)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await, (403, "forbidden".to_owned()));
    let r = cchc
        .post(&url)
        .header("x-csrf-token", &token)
        .json(&json!({"from": "2021-01-01", "to": "2021-01-31"}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 422);

    let r = cchc
        .post(&url)
        .header("x-csrf-token", &token)
        .json(&december)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let locked: Value = r.json().await.unwrap();
    let overdue = locked["figures"]["overall"]["pending"]["overdue"]
        .as_i64()
        .unwrap();
    assert!(overdue >= 1, "{locked}");
    assert!(locked["data_version"].as_i64().unwrap() > 0);
    assert!(
        locked["figures"]["units"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["code"] == CHIENG_LE)
    );
    // Overlapping: refused as a conflict.
    let r = cchc
        .post(&url)
        .header("x-csrf-token", &token)
        .json(&json!({"from": "2020-12-15", "to": "2021-01-02"}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await, (409, "report.period_locked".to_owned()));

    // January, before any later change: the adjustment is explicit and zero.
    let january = format!("{base}/api/v1/reports/handling?from=2021-01-01&to=2021-01-31");
    let body: Value = cchc
        .get(&january)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["adjustments"]["changed"], false, "{body}");
    assert_eq!(body["adjustments"]["locked_to"], "2020-12-31");

    // In January the file waits for the applicant: by the report's rule it is no longer
    // overdue at the end of December. The locked figures do not move; January shows it.
    must(
        &w,
        file,
        "chuyenvien.chiengle",
        json!({"kind": "request_supplement", "missing_items": ["Bản sao CCCD"]}),
    )
    .await;
    let body: Value = cchc
        .get(&january)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let adj = &body["adjustments"];
    assert_eq!(adj["changed"], true, "{body}");
    assert_eq!(adj["locked"]["pending"]["overdue"], overdue);
    assert_eq!(adj["now"]["pending"]["overdue"], overdue - 1);
    assert_eq!(adj["difference"]["pending"]["overdue"], -1);
    assert_eq!(adj["difference"]["pending"]["in_time"], 1);
    // The same for the unit alone; a sub-tree or a field filter has no locked figures.
    let unit_url = format!("{january}&unit={CHIENG_LE}&subunits=false");
    let body: Value = cchc
        .get(&unit_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        body["adjustments"]["difference"]["pending"]["overdue"], -1,
        "{body}"
    );
    let body: Value = cchc
        .get(format!("{january}&field=CUTRU"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body["adjustments"].is_null());
    let listed: Value = cchc.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        listed[0]["figures"], locked["figures"],
        "stored figures never change"
    );
    // Audited.
    let mut conn = w.app.db.read_conn().await.unwrap();
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE tenant_id = $1 AND action = 'report.period_locked'",
    )
    .bind(w.tenant_id)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(n, 1);
}

async fn the_periods_page_locks_a_period_for_the_reform_office(backend: Backend) {
    let w = World::new(backend).await;
    let mut rng = Rng(11);
    w.run(&mut rng, &mut Run::default(), 30).await;
    let base = serve(&w).await;
    let page = format!("{base}/bao-cao/ky-bao-cao");
    let (cchc, token) = login(&base, "cchc").await;
    let account = cchc
        .get(format!("{base}/tai-khoan"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        account.contains("href=\"/bao-cao/ky-bao-cao\""),
        "{account}"
    );
    let html = cchc.get(&page).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Chưa có kỳ báo cáo nào được khóa."), "{html}");
    assert!(html.contains("Khóa kỳ báo cáo</button>"));

    let form = |from: &str, to: &str, token: &str| {
        vec![
            ("csrf_token".to_owned(), token.to_owned()),
            ("from".to_owned(), from.to_owned()),
            ("to".to_owned(), to.to_owned()),
        ]
    };
    let r = cchc
        .post(&page)
        .form(&form("2020-12-01", "2020-12-31", &token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "after the redirect");
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Đã khóa kỳ báo cáo 01/12/2020 – 31/12/2020."),
        "{html}"
    );
    assert!(html.contains("<td>01/12/2020 – 31/12/2020</td>"), "{html}");
    // The figures shown are the locked ones, as the API gives them.
    let api: Value = cchc
        .get(format!("{base}/api/v1/reports/periods"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let received = api[0]["figures"]["overall"]["received"]["total"]
        .as_i64()
        .unwrap();
    assert!(received > 0);
    assert!(html.contains(&format!("<td>{received}</td>")), "{html}");

    // Overlap, a period not over, a stale form: Vietnamese messages, nothing locked.
    let r = cchc
        .post(&page)
        .form(&form("2020-12-20", "2021-01-10", &token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Kỳ này trùng với một kỳ báo cáo đã khóa.")
    );
    let far = "2099-01-31";
    let r = cchc
        .post(&page)
        .form(&form("2099-01-01", far, &token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Chỉ khóa được kỳ báo cáo đã kết thúc.")
    );
    let r = cchc
        .post(&page)
        .form(&form("2021-01-01", "2021-01-31", "sai"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Biểu mẫu đã hết hạn"));

    // A leader reads the list but has no form and may not lock; a counter officer may not read.
    let (leader, leader_token) = login(&base, "lanhdao.chiengle").await;
    let html = leader
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("01/12/2020 – 31/12/2020"));
    assert!(!html.contains("Khóa kỳ báo cáo</button>"));
    let r = leader
        .post(&page)
        .form(&form("2021-01-01", "2021-01-31", &leader_token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Bạn không có quyền"));
    let (counter, _) = login(&base, "motcua.chiengle").await;
    assert_eq!(counter.get(&page).send().await.unwrap().status(), 403);
    let account = counter
        .get(format!("{base}/tai-khoan"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!account.contains("/bao-cao/ky-bao-cao"));
    let listed: Value = cchc
        .get(format!("{base}/api/v1/reports/periods"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    // A stranger is sent to sign in.
    let stranger = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = stranger.get(&page).send().await.unwrap();
    assert_eq!(r.status(), 303);
}

/// An imported history (the CSV import adds each batch's aggregates set-based) reports the
/// same from the aggregates as from the files.
async fn imported_files_are_in_the_aggregates(backend: Backend) {
    let w = World::new(backend).await;
    let rows = [
        "code,procedure_code,unit_code,channel,received_at,due_at,finished_at,returned_at,outcome,apology_at",
        "IMP-0001,1.001193,000.21.20.H48,counter,2026-03-02T09:00:00+07:00,2026-03-05T09:00:00+07:00,2026-03-10T09:00:00+07:00,2026-03-11T09:00:00+07:00,resolved,2026-03-03T09:00:00+07:00",
        "IMP-0002,1.001193,000.21.20.H48,online,2026-06-01T08:00:00+07:00,2026-06-05T17:00:00+07:00,2026-06-01T10:00:00+07:00,,resolved,",
        "IMP-0003,1.001193,000.21.20.H48,post,2026-04-01T09:00:00Z,,2026-04-02T09:00:00Z,,refused,",
        "IMP-0004,1.001193,000.21.20.H48,counter,2025-03-03T09:00:00+07:00,,2025-03-04T09:00:00+07:00,,withdrawn,",
        "IMP-0005,1.001193,000.21.20.H48,counter,2026-10-01T09:00:00+07:00,,,,pending,",
    ];
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report_aggregates");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("import-{backend:?}.csv"));
    std::fs::write(&path, rows.join("\n") + "\n").unwrap();
    let (code, out, err) = motcua(&w.db, &["import", "files", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = motcua(
        &w.db,
        &[
            "report",
            "verify",
            "--from",
            "2025-01-01",
            "--to",
            "2026-10-31",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = motcua(
        &w.db,
        &[
            "report",
            "summary",
            "--from",
            "2026-01-01",
            "--to",
            "2026-10-31",
            "--json",
        ],
    );
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v["received"]["total"].as_i64().unwrap() >= 4, "{v}");
}

on_both_backends! {
    imported => imported_files_are_in_the_aggregates,
    periods_page => the_periods_page_locks_a_period_for_the_reform_office,
    periods => a_locked_period_keeps_its_figures_and_later_changes_show_as_adjustments,
    random_workflows => aggregates_equal_the_direct_count_under_random_workflows,
    verify_and_rebuild => verify_finds_a_tampered_row_and_rebuild_repairs_it,
}
