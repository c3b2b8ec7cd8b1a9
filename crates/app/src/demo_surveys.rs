//! Demo survey campaign and dialogue conferences, made by the real use cases: a published
//! satisfaction survey with a few anonymous responses, a conference taking questions and one
//! with its minutes published.

use crate::dialogues::{self, DialogueQuestionInput, DialogueTaskInput, NewDialogueInput};
use crate::feedback::ChallengeAnswer;
use crate::surveys::{self, NewSurveyInput, SurveyResponseInput};
use crate::{Actor, App, AppError, Result};
use jiff::ToSpan;
use motcua_domain::survey::{QuestionKind, Questionnaire, SurveyAnswer, SurveyQuestion};
use motcua_store::users;

async fn actor(app: &App, tenant_id: i64, login: &str) -> Result<Actor> {
    let mut conn = app.db.read_conn().await?;
    let user = users::by_login(&mut conn, tenant_id, login)
        .await?
        .ok_or_else(|| AppError::Internal(format!("demo user {login} missing")))?;
    crate::auth::load_actor(&mut conn, tenant_id, user.id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("demo user {login} inactive")))
}

/// Answers a fresh check question the way a person would.
async fn solved(app: &App, tenant_id: i64) -> Result<ChallengeAnswer> {
    let c = crate::challenge::issue(app, tenant_id).await?;
    let sum: u32 = c
        .question
        .split(|ch: char| !ch.is_ascii_digit())
        .filter_map(|p| p.parse::<u32>().ok())
        .sum();
    Ok(ChallengeAnswer {
        token: c.token,
        answer: sum.to_string(),
    })
}

fn choice(question: usize, c: usize) -> SurveyAnswer {
    SurveyAnswer {
        question,
        choices: vec![c],
        scale: None,
        text: None,
    }
}

fn scale(question: usize, v: i64) -> SurveyAnswer {
    SurveyAnswer {
        question,
        choices: vec![],
        scale: Some(v),
        text: None,
    }
}

fn options(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// Seeds once: does nothing when the tenant already has a survey.
pub async fn seed(app: &App, tenant_id: i64) -> Result<()> {
    let office = actor(app, tenant_id, "cchc").await?;
    if !surveys::list(app, &office).await?.is_empty() {
        return Ok(());
    }
    let today = app.now().to_zoned(crate::calendar::utc7()).date();
    let shift = |days: i64| {
        today
            .checked_add(days.days())
            .map_err(|e| AppError::Internal(e.to_string()))
    };
    let survey = surveys::create(
        app,
        &office,
        NewSurveyInput {
            unit_code: None,
            questionnaire: Questionnaire {
                title: "Khảo sát mức độ hài lòng về Bộ phận Một cửa".into(),
                purpose: "Lấy ý kiến người dân, doanh nghiệp về việc giải quyết thủ tục hành chính tại Bộ phận Một cửa để cải thiện chất lượng phục vụ.".into(),
                opens_on: shift(-7)?,
                closes_on: shift(30)?,
                questions: vec![
                    SurveyQuestion {
                        text: "Bạn đã nộp hồ sơ qua kênh nào?".into(),
                        kind: QuestionKind::SingleChoice,
                        options: options(&["Trực tiếp", "Bưu chính công ích", "Trực tuyến"]),
                        required: true,
                    },
                    SurveyQuestion {
                        text: "Bạn đánh giá thái độ phục vụ của cán bộ thế nào?".into(),
                        kind: QuestionKind::Scale,
                        options: vec![],
                        required: true,
                    },
                    SurveyQuestion {
                        text: "Thông tin nào bạn thấy khó tìm?".into(),
                        kind: QuestionKind::MultipleChoice,
                        options: options(&["Thành phần hồ sơ", "Phí, lệ phí", "Thời hạn giải quyết"]),
                        required: false,
                    },
                    SurveyQuestion {
                        text: "Góp ý khác".into(),
                        kind: QuestionKind::FreeText,
                        options: vec![],
                        required: false,
                    },
                ],
            },
        },
    )
    .await?;
    surveys::publish(app, &office, survey.id).await?;
    let responses = [
        vec![choice(0, 0), scale(1, 5), choice(2, 1)],
        vec![choice(0, 2), scale(1, 4)],
        vec![
            choice(0, 2),
            scale(1, 3),
            SurveyAnswer {
                question: 3,
                choices: vec![],
                scale: None,
                text: Some("Nên gửi tin nhắn khi có kết quả.".into()),
            },
        ],
    ];
    for (i, answers) in responses.into_iter().enumerate() {
        let challenge = Some(solved(app, tenant_id).await?);
        let client = format!("demo-{i}");
        surveys::respond(
            app,
            tenant_id,
            &client,
            survey.id,
            SurveyResponseInput { answers, challenge },
        )
        .await?;
    }

    let leader = actor(app, tenant_id, "lanhdao.chiengle").await?;
    let commune = "000.21.20.H48";
    dialogues::plan(
        app,
        &leader,
        NewDialogueInput {
            unit_code: commune.into(),
            topic: "Đối thoại với Nhân dân về cải cách thủ tục hành chính năm 2026".into(),
            leader: "Chủ tịch UBND phường Chiềng Lề".into(),
            held_on: shift(14)?,
            fields: vec!["Hộ tịch".into(), "Đất đai".into()],
        },
    )
    .await?;
    let held = dialogues::plan(
        app,
        &leader,
        NewDialogueInput {
            unit_code: commune.into(),
            topic: "Đối thoại về giải quyết hồ sơ đất đai".into(),
            leader: "Chủ tịch UBND phường Chiềng Lề".into(),
            held_on: today,
            fields: vec!["Đất đai".into()],
        },
    )
    .await?;
    let id = held.dialogue.id;
    let asked = dialogues::ask(
        app,
        tenant_id,
        "demo-dialogue",
        id,
        DialogueQuestionInput {
            question: "Vì sao hồ sơ cấp giấy chứng nhận quyền sử dụng đất thường trễ hẹn?".into(),
            name: Some("Lò Văn Hỏi".into()),
            contact: Some("0912000999".into()),
            challenge: Some(solved(app, tenant_id).await?),
        },
    )
    .await?;
    dialogues::answer(
        app,
        &leader,
        id,
        asked.id,
        "Phường sẽ bố trí thêm một công chức địa chính và gửi thư xin lỗi cho mọi hồ sơ trễ hẹn.",
    )
    .await?;
    dialogues::add_task(
        app,
        &leader,
        id,
        DialogueTaskInput {
            title: "Bố trí thêm công chức địa chính tại Bộ phận Một cửa".into(),
            owner: "Văn phòng HĐND và UBND phường".into(),
            due_on: shift(30)?,
            question_id: Some(asked.id),
        },
    )
    .await?;
    dialogues::publish(
        app,
        &leader,
        id,
        "Hội nghị đã tiếp nhận và trả lời các câu hỏi của người dân về hồ sơ đất đai; giao Văn phòng HĐND và UBND phường theo dõi việc thực hiện.",
    )
    .await?;
    Ok(())
}
