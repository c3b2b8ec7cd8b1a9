//! Demo feedback and petitions, made by the real use cases (`feedback::submit`, `feedback::act`,
//! `feedback::sender_act`) under a clock moved back, so that queues show overdue and due-soon
//! items, statistics have on-time and late steps, and the public page has answers.

use crate::feedback::{self, ActionInput, SenderInput, Submission, Submitter};
use crate::{Actor, App, AppError, Clock, Result};
use jiff::{SignedDuration, Timestamp};
use motcua_domain::feedback::{FeedbackAction, FeedbackChannel, Subject};
use motcua_store::users;
use std::sync::{Arc, Mutex};

struct MovedClock(Mutex<Timestamp>);

impl Clock for MovedClock {
    fn now(&self) -> Timestamp {
        self.0
            .lock()
            .map(|t| *t)
            .unwrap_or_else(|_| Timestamp::now())
    }
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

/// How far a demo item gets.
#[derive(Clone, Copy)]
enum Reach {
    Received,
    AwaitingInfo,
    Rejected,
    Forwarded,
    Answered,
    Published,
}

/// (days ago, subject, title, text, reach)
const ITEMS: &[(i64, Subject, &str, &str, Reach)] = &[
    (
        12,
        Subject::Procedure,
        "Niêm yết thủ tục đăng ký khai sinh chưa có mức lệ phí",
        "Bảng niêm yết tại Bộ phận Một cửa phường chưa ghi mức lệ phí cấp bản sao trích lục.",
        Reach::Published,
    ),
    (
        9,
        Subject::File,
        "Hồ sơ đăng ký kết hôn chưa được trả đúng hẹn",
        "Đã quá ngày hẹn trả kết quả hai ngày nhưng chưa nhận được thông báo.",
        Reach::Answered,
    ),
    (
        8,
        Subject::OfficerConduct,
        "Thái độ tiếp công dân chưa đúng mực",
        "Cán bộ quầy số 2 trả lời cộc lốc khi tôi hỏi về giấy tờ cần nộp.",
        Reach::Forwarded,
    ),
    (
        7,
        Subject::Regulation,
        "Đề nghị cho nộp bản sao điện tử thay bản sao chứng thực",
        "Đề nghị chấp nhận bản sao điện tử từ kho dữ liệu của công dân.",
        Reach::Received,
    ),
    (
        4,
        Subject::Regulation,
        "Hỏi về quy định thu phí",
        "Nội dung không rõ, cần bổ sung.",
        Reach::AwaitingInfo,
    ),
    (
        3,
        Subject::Procedure,
        "Quảng cáo dịch vụ",
        "Nội dung quảng cáo, không phải phản ánh, kiến nghị.",
        Reach::Rejected,
    ),
    (
        0,
        Subject::Procedure,
        "Thời gian chờ tại quầy tiếp nhận",
        "Sáng nay phải chờ hơn hai giờ mới được tiếp nhận hồ sơ.",
        Reach::Received,
    ),
];

/// Creates the demo feedback unless the tenant already has some; returns how many were made.
pub async fn seed_feedback(app: &App, tenant_id: i64) -> Result<usize> {
    {
        let mut conn = app.db.read_conn().await?;
        if motcua_store::feedback::count(&mut conn, tenant_id).await? > 0 {
            return Ok(0);
        }
    }
    let cchc = actor(app, tenant_id, "cchc").await?;
    let specialist = actor(app, tenant_id, "chuyenvien.chiengle").await?;
    let leader = actor(app, tenant_id, "lanhdao.chiengle").await?;
    let citizen = actor(app, tenant_id, crate::demo::CITIZEN_LOGIN).await?;
    let real_now = app.now();
    let clock = Arc::new(MovedClock(Mutex::new(real_now)));
    let demo = App::new(app.db.clone(), app.settings.clone(), clock.clone());
    let set = |t: Timestamp| {
        if let Ok(mut c) = clock.0.lock() {
            *c = t;
        }
    };
    let days = |d: i64| SignedDuration::from_hours(24 * d);
    let mut made = 0;
    for (i, (days_ago, subject, title, text, reach)) in ITEMS.iter().enumerate() {
        let start = real_now - days(*days_ago) - SignedDuration::from_hours(1);
        set(start);
        let by_citizen = i % 2 == 0;
        let input = Submission {
            subject: *subject,
            subject_ref: matches!(subject, Subject::File | Subject::Procedure).then(|| {
                if *subject == Subject::File {
                    "000.21.20.H48-251110-0003".to_owned()
                } else {
                    "1.001193".to_owned()
                }
            }),
            title: (*title).into(),
            content: (*text).into(),
            unit_code: Some("000.00.00.H48".into()),
            sender: SenderInput {
                name: if by_citizen {
                    "Nguyễn Thị Dân".into()
                } else {
                    "Người gọi đường dây nóng".into()
                },
                phone: Some(
                    if by_citizen {
                        "0912345678"
                    } else {
                        "0988000111"
                    }
                    .into(),
                ),
                email: None,
                address: None,
            },
            consent: true,
            challenge: None,
            channel: (!by_citizen).then_some(FeedbackChannel::Phone),
        };
        let who = if by_citizen {
            Submitter::Citizen {
                actor: &citizen,
                client: "demo",
            }
        } else {
            Submitter::Staff(&cchc)
        };
        let receipt = feedback::submit(&demo, who, input).await?;
        made += 1;
        let id = receipt.id;
        let step = |hours: i64| start + SignedDuration::from_hours(hours);
        match reach {
            Reach::Received => continue,
            Reach::AwaitingInfo => {
                set(step(3));
                let q = "Xin cho biết khoản phí nào và nơi nộp.";
                feedback::act(
                    &demo,
                    &cchc,
                    id,
                    ActionInput::AskInfo { question: q.into() },
                    None,
                )
                .await?;
                continue;
            }
            Reach::Rejected => {
                set(step(2));
                let reason = "Không phải phản ánh, kiến nghị về quy định hành chính.";
                feedback::act(
                    &demo,
                    &cchc,
                    id,
                    ActionInput::Reject {
                        reason: reason.into(),
                    },
                    None,
                )
                .await?;
                continue;
            }
            _ => {}
        }
        set(step(20));
        let forward = ActionInput::Forward {
            unit_code: "000.21.20.H48".into(),
        };
        feedback::act(&demo, &cchc, id, forward, None).await?;
        if matches!(reach, Reach::Forwarded) {
            continue;
        }
        set(step(44));
        let answer = match subject {
            Subject::File => {
                "Hồ sơ chậm do phải xác minh; phường đã gửi thư xin lỗi và hẹn lại ngày trả."
            }
            _ => "Phường đã bổ sung mức lệ phí vào bảng niêm yết và trên Cổng dịch vụ công.",
        };
        feedback::act(
            &demo,
            &specialist,
            id,
            ActionInput::Answer {
                text: answer.into(),
            },
            None,
        )
        .await?;
        if matches!(reach, Reach::Answered) {
            continue;
        }
        set(step(50));
        feedback::act(&demo, &leader, id, ActionInput::Approve, None).await?;
        set(step(70));
        feedback::act(
            &demo,
            &cchc,
            id,
            ActionInput::Publish {
                public_question: None,
                public_title: None,
            },
            None,
        )
        .await?;
        if by_citizen {
            // The citizen signed in follows it too; the secret of the receipt works as well.
            set(step(75));
            feedback::sender_act(
                &demo,
                tenant_id,
                &receipt.code,
                &receipt.secret,
                FeedbackAction::Rate { satisfied: true },
            )
            .await?;
        }
    }
    Ok(made)
}
