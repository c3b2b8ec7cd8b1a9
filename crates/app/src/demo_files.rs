//! Demo files: a few hundred files over the last six months in every state, made through the
//! real use cases (`files::receive`, `files::act`) with a clock moved to each moment, so that
//! queues, lookups, history and reports show a living office. Deterministic: a fixed seed
//! picks procedures, names, channels and moments (relative to today).

use crate::calendar::{self, utc7};
use crate::files::{self, ActionInput, Applicant, Intake};
use crate::{Actor, App, AppError, Clock, Result};
use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};
use motcua_store::users;
use std::sync::{Arc, Mutex};

/// How many files the demo creates.
pub const DEMO_FILES: usize = 360;

const SEED: u64 = 0x6d6f_7463_7561;

/// Commune-level procedures the Chiềng Lề office handles (code, accepts post), with 1 to 10
/// working days, so every finished story fits well inside the last six months.
const COMMUNE_PROCEDURES: &[(&str, bool)] = &[
    ("1.001193", true),
    ("1.000656", true),
    ("1.000894", true),
    ("1.001022", true),
    ("1.004837", true),
    ("1.004873", true),
    ("1.004746", true),
    ("1.004772", true),
    ("1.004884", true),
    ("1.005461", true),
    ("2.001035", true),
    ("1.004194", false),
    ("1.003197", false),
    ("1.010038", false),
    ("1.001612", true),
    ("1.013225", true),
    ("1.013228", true),
];

/// Procedures with at least five working days: room for an apology one day ahead.
const LONG_PROCEDURES: &[&str] = &["1.004746", "1.004772", "1.004884", "1.005461", "1.013225"];

const RECEIVING_UNIT: &str = "000.21.20.H48";
/// Where inter-agency legs go (Sở Nông nghiệp và Môi trường).
const OTHER_AGENCY: &str = "000.00.14.H48";
const DEPARTMENT_UNIT: &str = "000.00.12.H48";
const DEPARTMENT_PROCEDURE: &str = "2.000635";

const FAMILY: &[&str] = &[
    "Nguyễn", "Lò", "Cầm", "Quàng", "Hoàng", "Tòng", "Lường", "Vì", "Trần", "Lê", "Phạm", "Đinh",
];
const MIDDLE: &[&str] = &["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Hải", "Thanh"];
const GIVEN: &[&str] = &[
    "An", "Bình", "Chung", "Dung", "Hạnh", "Hùng", "Khánh", "Lan", "Mai", "Nam", "Phương", "Quân",
    "Sơn", "Thảo", "Tuấn", "Xuân", "Yến", "Thắm",
];

/// A small linear congruential generator (Knuth's MMIX constants): all the demo needs.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A clock the demo moves to each moment of a story.
struct DemoClock(Mutex<Timestamp>);

impl DemoClock {
    fn set(&self, t: Timestamp) {
        if let Ok(mut now) = self.0.lock() {
            *now = t;
        }
    }
}

impl Clock for DemoClock {
    fn now(&self) -> Timestamp {
        self.0.lock().map_or_else(|_| Timestamp::now(), |t| *t)
    }
}

/// The story of one file: where it ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Story {
    Received,
    Assigned,
    UnderExamination,
    AwaitingSupplement,
    SecondSupplement,
    AtOtherAgency,
    AwaitingApproval,
    ResultReady,
    Early,
    OnTime,
    Late,
    LateWithApology,
    SupplementThenDone,
    InterAgencyDone,
    Refused,
    Withdrawn,
    Stopped,
    DueSoon,
    Overdue,
    AtDepartment,
}

impl Story {
    /// Finished stories start one to six months ago; open ones in the last weeks.
    fn is_open(self) -> bool {
        matches!(
            self,
            Story::Received
                | Story::Assigned
                | Story::UnderExamination
                | Story::AwaitingSupplement
                | Story::SecondSupplement
                | Story::AtOtherAgency
                | Story::AwaitingApproval
                | Story::ResultReady
                | Story::DueSoon
                | Story::Overdue
                | Story::AtDepartment
        )
    }
}

/// (story, weight): mostly files handed over, as in a real office.
const STORIES: &[(Story, usize)] = &[
    (Story::Early, 70),
    (Story::OnTime, 40),
    (Story::Late, 14),
    (Story::LateWithApology, 10),
    (Story::SupplementThenDone, 16),
    (Story::InterAgencyDone, 12),
    (Story::Refused, 10),
    (Story::Withdrawn, 8),
    (Story::Stopped, 6),
    (Story::Received, 14),
    (Story::Assigned, 14),
    (Story::UnderExamination, 16),
    (Story::AwaitingSupplement, 10),
    (Story::SecondSupplement, 2),
    (Story::AtOtherAgency, 8),
    (Story::AwaitingApproval, 12),
    (Story::ResultReady, 10),
    (Story::DueSoon, 8),
    (Story::Overdue, 12),
    (Story::AtDepartment, 8),
];

struct Staff {
    counter: Actor,
    specialist: Actor,
    leader: Actor,
    department_counter: Actor,
}

async fn actor(app: &App, tenant_id: i64, login: &str) -> Result<Actor> {
    let mut conn = app.db.read_conn().await?;
    let user = users::by_login(&mut conn, tenant_id, login)
        .await?
        .ok_or_else(|| AppError::Internal(format!("demo user {login} missing")))?;
    crate::auth::load_actor(&mut conn, tenant_id, user.id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("demo user {login} inactive")))
}

/// What [`seed_files`] did.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoFilesReport {
    pub created: usize,
    /// Steps a rule refused (a story cut short); 0 unless the rules changed under the demo.
    pub refused_steps: usize,
}

/// Creates the demo files unless the tenant already has files.
pub async fn seed_files(app: &App, tenant_id: i64) -> Result<DemoFilesReport> {
    {
        let mut conn = app.db.read_conn().await?;
        if motcua_store::files::counts_by_state(&mut conn, tenant_id, "")
            .await?
            .iter()
            .any(|(_, n)| *n > 0)
        {
            return Ok(DemoFilesReport::default());
        }
    }
    let staff = Staff {
        counter: actor(app, tenant_id, "motcua.chiengle").await?,
        specialist: actor(app, tenant_id, "chuyenvien.chiengle").await?,
        leader: actor(app, tenant_id, "lanhdao.chiengle").await?,
        department_counter: actor(app, tenant_id, "motcua.tuphap").await?,
    };
    let real_now = app.now();
    let clock = Arc::new(DemoClock(Mutex::new(real_now)));
    let demo = App::new(app.db.clone(), app.settings.clone(), clock.clone());
    let cal = calendar::working_calendar(app, tenant_id, None).await?;
    let today = real_now.to_zoned(utc7()).date();
    let total: usize = STORIES.iter().map(|(_, w)| w).sum();
    let mut rng = Lcg(SEED);
    let mut report = DemoFilesReport::default();
    // Every story once first, so each state is there whatever the draw.
    let stories = STORIES
        .iter()
        .map(|(s, _)| *s)
        .chain((STORIES.len()..DEMO_FILES).map(|_| {
            let mut n = rng.below(total);
            STORIES
                .iter()
                .find(|(_, w)| {
                    if n < *w {
                        true
                    } else {
                        n -= w;
                        false
                    }
                })
                .map_or(Story::Early, |(s, _)| *s)
        }));
    let stories: Vec<Story> = stories.collect();
    // Oldest first, so that the codes' running numbers follow the days.
    let mut planned: Vec<(Timestamp, Story, u64)> = stories
        .into_iter()
        .map(|story| {
            let days_ago = match story {
                Story::DueSoon => 0,
                Story::Overdue => 12 + rng.below(20),
                s if s.is_open() => rng.below(3),
                _ => 20 + rng.below(100),
            };
            let received = receipt_moment(&cal, today, days_ago, &mut rng, story, real_now);
            (received, story, rng.next())
        })
        .collect();
    planned.sort_by_key(|(t, _, _)| *t);
    for (received, story, draw) in planned {
        let mut rng = Lcg(draw);
        let mut run = Run {
            app: &demo,
            clock: &clock,
            file: 0,
            version: 0,
            due: received,
            at: received,
            now: real_now,
        };
        match tell(&mut run, &staff, story, &mut rng).await {
            Ok(()) => {}
            Err(AppError::Rule { code, .. }) => {
                tracing::warn!(code, ?story, "demo: a step was refused");
                report.refused_steps += 1;
            }
            Err(e) => return Err(e),
        }
        if run.file != 0 {
            report.created += 1;
        }
    }
    // Online submissions from the demo citizen, waiting at the commune's counter to be
    // received or returned for completion.
    let citizen = actor(app, tenant_id, crate::demo::CITIZEN_LOGIN).await?;
    for (hours_ago, procedure) in [(3, "1.001193"), (1, "1.001193")] {
        clock.set(real_now - SignedDuration::from_hours(hours_ago));
        let submission = files::OnlineSubmission {
            procedure_code: procedure.into(),
            unit_code: "000.21.20.H48".into(),
            applicant: None,
            documents: vec!["Tờ khai đăng ký khai sinh".into()],
            note: None,
        };
        files::submit_online(&demo, &citizen, submission).await?;
        report.created += 1;
    }
    Ok(report)
}

/// A working moment `days_ago` working days before today, between 07:30 and 15:30 (the last
/// hours before now for a file due soon).
fn receipt_moment(
    cal: &motcua_domain::calendar::WorkingCalendar,
    today: Date,
    days_ago: usize,
    rng: &mut Lcg,
    story: Story,
    now: Timestamp,
) -> Timestamp {
    let at = |date: Date, minutes: i64| {
        Time::new(
            i8::try_from(minutes / 60).unwrap_or(8),
            i8::try_from(minutes % 60).unwrap_or(0),
            0,
            0,
        )
        .ok()
        .and_then(|time| date.to_datetime(time).to_zoned(utc7()).ok())
        .map_or(now, |z| z.timestamp())
    };
    if story == Story::DueSoon {
        // A one-day procedure received this morning (or on the last working day's
        // afternoon): due within the next working day, whenever the demo runs.
        let this_morning = at(today, 8 * 60);
        if cal.is_working_day(today) && this_morning + SignedDuration::from_mins(30) < now {
            return this_morning;
        }
        let last = cal.add_working_days(today, -1).unwrap_or(today);
        return at(last, 14 * 60).min(now);
    }
    let back = i32::try_from(days_ago).unwrap_or(0) + 1;
    let date = cal.add_working_days(today, -back).unwrap_or(today);
    let minutes = 7 * 60 + 30 + rng.below(8 * 60) as i64;
    at(date, minutes).min(now)
}

struct Run<'a> {
    app: &'a App,
    clock: &'a DemoClock,
    file: i64,
    version: i64,
    /// The current due moment, as the last step returned it.
    due: Timestamp,
    /// The moment of the last step: the next one is later.
    at: Timestamp,
    now: Timestamp,
}

fn hours(h: i64) -> SignedDuration {
    SignedDuration::from_hours(h)
}

impl Run<'_> {
    /// Applies `action` as `who` at `at` (kept after the previous step and before now).
    async fn step(&mut self, who: &Actor, at: Timestamp, action: ActionInput) -> Result<()> {
        let at = at.max(self.at + SignedDuration::from_mins(5)).min(self.now);
        self.clock.set(at);
        self.at = at;
        let summary =
            files::act(self.app, who, self.file, action, Some(self.version), None).await?;
        self.version = summary.version;
        if let Some(due) = summary.due {
            self.due = due;
        }
        Ok(())
    }
}

fn applicant(rng: &mut Lcg) -> Applicant {
    let name = format!(
        "{} {} {}",
        rng.pick(FAMILY),
        rng.pick(MIDDLE),
        rng.pick(GIVEN)
    );
    Applicant {
        name,
        phone: Some(format!("09{:08}", rng.next() % 100_000_000)),
        email: None,
        address: Some(format!("Tổ {}, phường Chiềng Lề", 1 + rng.below(12))),
    }
}

async fn tell(run: &mut Run<'_>, staff: &Staff, story: Story, rng: &mut Lcg) -> Result<()> {
    use ActionInput as A;
    let department = story == Story::AtDepartment;
    let (procedure, post) = if department {
        (DEPARTMENT_PROCEDURE, rng.below(3) == 0)
    } else if story == Story::DueSoon {
        ("1.001193", false)
    } else if matches!(story, Story::LateWithApology) {
        (*rng.pick(LONG_PROCEDURES), rng.below(4) == 0)
    } else {
        let (code, post) = *rng.pick(COMMUNE_PROCEDURES);
        (code, post && rng.below(4) == 0)
    };
    let intake = Intake {
        procedure_code: procedure.into(),
        unit_code: Some(
            if department {
                DEPARTMENT_UNIT
            } else {
                RECEIVING_UNIT
            }
            .into(),
        ),
        channel: if post { "post" } else { "counter" }.into(),
        applicant: applicant(rng),
        documents: vec!["Tờ khai theo mẫu".into(), "Bản sao giấy tờ tùy thân".into()],
        postal_tracking: post.then(|| format!("RR{:09}VN", rng.next() % 1_000_000_000)),
        note: None,
    };
    run.clock.set(run.at);
    let counter = if department {
        &staff.department_counter
    } else {
        &staff.counter
    };
    let receipt = files::receive(run.app, counter, intake).await?;
    run.file = receipt.file_id;
    run.version = receipt.version;
    run.due = receipt.due.unwrap_or(run.at);
    let r = run.at;
    let (c, s, l) = (&staff.counter, &staff.specialist, &staff.leader);
    let assign = || A::Assign {
        assignee: "chuyenvien.chiengle".into(),
        unit_code: None,
    };
    match story {
        Story::Received | Story::AtDepartment | Story::DueSoon => return Ok(()),
        Story::Withdrawn => {
            return run
                .step(
                    c,
                    r + hours(2),
                    A::Withdraw {
                        reason: Some("Công dân xin rút hồ sơ để bổ sung giấy tờ".into()),
                    },
                )
                .await;
        }
        _ => {}
    }
    run.step(l, r + hours(1), assign()).await?;
    // Before any apology moves the appointment (a restart after a supplement moves it again).
    let mut legal_due = run.due;
    if matches!(story, Story::Assigned) {
        return Ok(());
    }
    if story == Story::Overdue && rng.below(2) == 0 {
        return Ok(());
    }
    run.step(s, r + hours(2), A::StartExamination).await?;
    match story {
        Story::UnderExamination | Story::Overdue => return Ok(()),
        Story::AwaitingSupplement | Story::SecondSupplement | Story::SupplementThenDone => {
            run.step(
                s,
                r + hours(3),
                A::RequestSupplement {
                    missing_items: vec!["Bản sao giấy chứng nhận kết hôn của cha mẹ".into()],
                },
            )
            .await?;
            if story == Story::AwaitingSupplement {
                return Ok(());
            }
            run.step(c, r + hours(20), A::SupplementReceived).await?;
            legal_due = run.due;
            if story == Story::SecondSupplement {
                return run
                    .step(
                        s,
                        r + hours(24),
                        A::RequestSupplement {
                            missing_items: vec!["Văn bản ủy quyền có chứng thực".into()],
                        },
                    )
                    .await;
            }
        }
        Story::AtOtherAgency | Story::InterAgencyDone => {
            run.step(
                s,
                r + hours(3),
                A::SendToAgency {
                    unit_code: OTHER_AGENCY.into(),
                    working_hours: Some(8),
                },
            )
            .await?;
            if story == Story::AtOtherAgency {
                return Ok(());
            }
            run.step(
                s,
                r + hours(20),
                A::ReceiveFromAgency {
                    unit_code: OTHER_AGENCY.into(),
                },
            )
            .await?;
        }
        Story::Stopped => {
            return run
                .step(
                    l,
                    r + hours(3),
                    A::StopProcessing {
                        reason: "Công dân đề nghị dừng giải quyết hồ sơ".into(),
                    },
                )
                .await;
        }
        Story::LateWithApology => {
            let old = run.due.to_zoned(utc7()).date();
            let new_date = old.checked_add(jiff::Span::new().days(7)).unwrap_or(old);
            run.step(
                l,
                r + hours(3),
                A::Apologize {
                    reason: "Cần xác minh thêm thông tin với cơ quan đăng ký trước đây".into(),
                    new_date,
                },
            )
            .await?;
        }
        _ => {}
    }
    // The moment processing finishes, relative to the legal deadline.
    let due = legal_due;
    let finish = match story {
        Story::OnTime => due - SignedDuration::from_mins(30),
        Story::Late | Story::LateWithApology => due + hours(26),
        _ => run.at + hours(3),
    };
    run.step(s, finish - hours(2), A::SubmitForApproval).await?;
    if story == Story::AwaitingApproval {
        return Ok(());
    }
    if story == Story::Refused {
        return run
            .step(
                l,
                finish - hours(1),
                A::Refuse {
                    reasons: vec!["Hồ sơ không đủ điều kiện theo quy định".into()],
                },
            )
            .await;
    }
    run.step(l, finish - hours(1), A::Approve).await?;
    run.step(c, finish, A::MarkResultReady).await?;
    if story == Story::ResultReady {
        return Ok(());
    }
    run.step(
        c,
        finish + hours(2),
        A::HandOver {
            method: if post { "post" } else { "counter" }.into(),
        },
    )
    .await
}
