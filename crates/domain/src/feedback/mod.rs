//! Feedback and petitions (phản ánh, kiến nghị — PAKN): the workflow of an item from receipt to
//! its published answer, with each step's legal deadline in working days.
//!
//! received → checked (accept / reject with reason / ask the sender for more information) →
//! forwarded to the competent unit → answered → answer approved → published (without the
//! sender's personal data) → closed. Pure: the clock and the working calendar are passed in.

mod rules;

pub use rules::FeedbackDeadlines;

use crate::calendar::WorkingCalendar;
use crate::calendar::deadline::{Channel, DeadlineInput, ProcessingTime, compute_deadline};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// How the item reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FeedbackChannel {
    /// The public portal, with or without an account.
    Portal,
    /// Told at the one-stop counter and typed in by the officer.
    Counter,
    /// Recorded by staff from a phone call (đường dây nóng).
    Phone,
    /// Recorded by staff from a chat (Zalo, fanpage…).
    Chat,
}

impl FeedbackChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackChannel::Portal => "portal",
            FeedbackChannel::Counter => "counter",
            FeedbackChannel::Phone => "phone",
            FeedbackChannel::Chat => "chat",
        }
    }

    pub fn parse(s: &str) -> Option<FeedbackChannel> {
        Some(match s {
            "portal" => FeedbackChannel::Portal,
            "counter" => FeedbackChannel::Counter,
            "phone" => FeedbackChannel::Phone,
            "chat" => FeedbackChannel::Chat,
            _ => return None,
        })
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            FeedbackChannel::Portal => "Cổng dịch vụ công",
            FeedbackChannel::Counter => "Trực tiếp tại Bộ phận Một cửa",
            FeedbackChannel::Phone => "Điện thoại",
            FeedbackChannel::Chat => "Tin nhắn, mạng xã hội",
        }
    }
}

/// What the item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// A regulation (quy định hành chính).
    Regulation,
    /// A procedure (thủ tục hành chính), named by its code.
    Procedure,
    /// The handling of a file, named by its file code.
    File,
    /// An officer's conduct (hành vi, thái độ của cán bộ).
    OfficerConduct,
}

impl Subject {
    pub const ALL: [Subject; 4] = [
        Subject::Regulation,
        Subject::Procedure,
        Subject::File,
        Subject::OfficerConduct,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Regulation => "regulation",
            Subject::Procedure => "procedure",
            Subject::File => "file",
            Subject::OfficerConduct => "officer_conduct",
        }
    }

    pub fn parse(s: &str) -> Option<Subject> {
        Subject::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Subject::Regulation => "Quy định hành chính",
            Subject::Procedure => "Thủ tục hành chính",
            Subject::File => "Việc giải quyết hồ sơ",
            Subject::OfficerConduct => "Hành vi, thái độ của cán bộ",
        }
    }
}

/// Where an item is in its workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FeedbackState {
    /// Received, to be checked.
    Received,
    /// The sender was asked for more information.
    AwaitingInfo,
    /// Checked and accepted, to be forwarded.
    Accepted,
    /// Refused, with a reason (an end state).
    Rejected,
    /// At the competent unit, to be answered.
    Forwarded,
    /// Answered, the answer awaiting approval.
    Answered,
    /// Answer approved and sent to the sender; to be published.
    Approved,
    /// Answer published on the portal.
    Published,
    Closed,
}

impl FeedbackState {
    pub const ALL: [FeedbackState; 9] = [
        FeedbackState::Received,
        FeedbackState::AwaitingInfo,
        FeedbackState::Accepted,
        FeedbackState::Rejected,
        FeedbackState::Forwarded,
        FeedbackState::Answered,
        FeedbackState::Approved,
        FeedbackState::Published,
        FeedbackState::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackState::Received => "received",
            FeedbackState::AwaitingInfo => "awaiting_info",
            FeedbackState::Accepted => "accepted",
            FeedbackState::Rejected => "rejected",
            FeedbackState::Forwarded => "forwarded",
            FeedbackState::Answered => "answered",
            FeedbackState::Approved => "approved",
            FeedbackState::Published => "published",
            FeedbackState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<FeedbackState> {
        FeedbackState::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            FeedbackState::Received => "Đã tiếp nhận, đang xem xét",
            FeedbackState::AwaitingInfo => "Chờ người gửi bổ sung thông tin",
            FeedbackState::Accepted => "Đã thụ lý",
            FeedbackState::Rejected => "Không thụ lý",
            FeedbackState::Forwarded => "Đã chuyển cơ quan có thẩm quyền xử lý",
            FeedbackState::Answered => "Đã có dự thảo trả lời, chờ duyệt",
            FeedbackState::Approved => "Đã trả lời",
            FeedbackState::Published => "Đã công khai kết quả trả lời",
            FeedbackState::Closed => "Đã kết thúc",
        }
    }

    /// No more work is due on it.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            FeedbackState::Rejected | FeedbackState::Published | FeedbackState::Closed
        )
    }

    /// The sender may read the answer.
    pub fn answer_visible(self) -> bool {
        matches!(
            self,
            FeedbackState::Approved | FeedbackState::Published | FeedbackState::Closed
        )
    }
}

/// A step with a legal deadline; its outcome (on time or late) is kept for statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Reject,
    AskInfo,
    Forward,
    Handle,
    Publish,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Reject,
        Step::AskInfo,
        Step::Forward,
        Step::Handle,
        Step::Publish,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Reject => "reject",
            Step::AskInfo => "ask_info",
            Step::Forward => "forward",
            Step::Handle => "handle",
            Step::Publish => "publish",
        }
    }

    pub fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Step::Reject => "Từ chối thụ lý",
            Step::AskInfo => "Đề nghị bổ sung thông tin",
            Step::Forward => "Chuyển xử lý",
            Step::Handle => "Xử lý, trả lời",
            Step::Publish => "Công khai kết quả",
        }
    }
}

/// Something a person asks to do to an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum FeedbackAction {
    /// Checked: within scope, to be forwarded.
    Accept,
    /// Refused (not a feedback on administrative regulations, duplicate, abusive…).
    Reject {
        reason: String,
    },
    /// The sender must add information before checking can finish.
    AskInfo {
        question: String,
    },
    /// The sender's additional information (restarts checking).
    ProvideInfo {
        text: String,
    },
    /// To the competent unit.
    Forward {
        unit_id: i64,
    },
    /// The competent unit's draft answer.
    Answer {
        text: String,
    },
    /// The approver sends the draft back.
    ReturnAnswer {
        reason: String,
    },
    /// The leader approves the answer; it is sent to the sender.
    Approve,
    /// Published on the portal; `public_question` and `public_title` replace the sender's text
    /// and title when they named people or contained personal data.
    Publish {
        public_question: Option<String>,
        #[serde(default)]
        public_title: Option<String>,
    },
    Close,
    /// The sender says whether the answer satisfied them (once).
    Rate {
        satisfied: bool,
    },
}

impl FeedbackAction {
    pub fn kind(&self) -> &'static str {
        match self {
            FeedbackAction::Accept => "accept",
            FeedbackAction::Reject { .. } => "reject",
            FeedbackAction::AskInfo { .. } => "ask_info",
            FeedbackAction::ProvideInfo { .. } => "provide_info",
            FeedbackAction::Forward { .. } => "forward",
            FeedbackAction::Answer { .. } => "answer",
            FeedbackAction::ReturnAnswer { .. } => "return_answer",
            FeedbackAction::Approve => "approve",
            FeedbackAction::Publish { .. } => "publish",
            FeedbackAction::Close => "close",
            FeedbackAction::Rate { .. } => "rate",
        }
    }
}

/// Label of an action kind as stored in the history.
pub fn action_label_vi(kind: &str) -> &'static str {
    match kind {
        "receive" => "Tiếp nhận",
        "accept" => "Thụ lý",
        "reject" => "Từ chối thụ lý",
        "ask_info" => "Đề nghị bổ sung thông tin",
        "provide_info" => "Người gửi bổ sung thông tin",
        "forward" => "Chuyển cơ quan có thẩm quyền",
        "answer" => "Dự thảo trả lời",
        "return_answer" => "Trả lại dự thảo",
        "approve" => "Duyệt trả lời",
        "publish" => "Công khai",
        "close" => "Kết thúc",
        "rate" => "Người gửi đánh giá",
        "erase_personal_data" => "Xóa dữ liệu cá nhân",
        _ => "Khác",
    }
}

/// A step that ended, measured against its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepOutcome {
    pub step: Step,
    /// The unit responsible for the step.
    pub unit_id: i64,
    pub started_at: Timestamp,
    pub due_at: Timestamp,
    pub done_at: Timestamp,
    pub on_time: bool,
}

/// The workflow part of an item (personal data and texts live beside it, not in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackRecord {
    pub state: FeedbackState,
    pub channel: FeedbackChannel,
    pub received_at: Timestamp,
    /// Id of the [`FeedbackDeadlines`] version in force at receipt.
    pub deadlines: String,
    /// The unit that received and checks the item, and publishes the answer.
    pub receiving_unit_id: i64,
    /// The competent unit it was forwarded to.
    pub handling_unit_id: Option<i64>,
    /// When the current step started.
    pub step_started_at: Timestamp,
    /// The current step's deadline (none while waiting for the sender or when finished).
    pub due_at: Option<Timestamp>,
    /// The deadline of the checking decision (reject / ask information), when still open.
    pub check_due_at: Option<Timestamp>,
    pub satisfied: Option<bool>,
    pub version: i64,
    pub steps: Vec<StepOutcome>,
}

impl FeedbackRecord {
    /// The unit whose queue the item is in.
    pub fn current_unit_id(&self) -> i64 {
        match self.state {
            FeedbackState::Forwarded | FeedbackState::Answered => {
                self.handling_unit_id.unwrap_or(self.receiving_unit_id)
            }
            _ => self.receiving_unit_id,
        }
    }
}

/// The clock, calendar and deadlines an action is judged with.
pub struct Context<'a> {
    pub now: Timestamp,
    pub calendar: &'a WorkingCalendar,
    pub deadlines: &'a FeedbackDeadlines,
}

/// What an action changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub record: FeedbackRecord,
    pub from: FeedbackState,
    /// The step this action ended, with its timeliness.
    pub completed: Option<StepOutcome>,
    /// The sender should be told (answer sent, information asked, refusal).
    pub notify_sender: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedbackError {
    #[error("`{action}` is not possible while the item is {state}")]
    WrongState {
        action: &'static str,
        state: &'static str,
    },
    #[error("the sender already said whether the answer satisfied them")]
    AlreadyRated,
    #[error("forward to another unit than the receiving one")]
    SameUnit,
    #[error("no deadline rules for {0}")]
    NoDeadlines(String),
    #[error("deadline: {0}")]
    Deadline(String),
}

impl FeedbackError {
    pub fn code(&self) -> &'static str {
        match self {
            FeedbackError::WrongState { .. } => "feedback.wrong_state",
            FeedbackError::AlreadyRated => "feedback.already_rated",
            FeedbackError::SameUnit => "feedback.same_unit",
            FeedbackError::NoDeadlines(_) => "feedback.no_deadlines",
            FeedbackError::Deadline(_) => "feedback.deadline",
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            FeedbackError::WrongState { state, .. } => format!(
                "Không thể thực hiện thao tác này khi phản ánh, kiến nghị ở trạng thái «{}».",
                FeedbackState::parse(state).map_or(*state, FeedbackState::label_vi)
            ),
            FeedbackError::AlreadyRated => {
                "Bạn đã đánh giá kết quả trả lời phản ánh, kiến nghị này.".into()
            }
            FeedbackError::SameUnit => {
                "Vui lòng chọn cơ quan có thẩm quyền khác đơn vị tiếp nhận.".into()
            }
            FeedbackError::NoDeadlines(_) | FeedbackError::Deadline(_) => {
                "Không tính được thời hạn xử lý theo lịch làm việc.".into()
            }
        }
    }
}

/// The moment `days` working days after `start`. Portal items arriving outside working hours
/// start counting at the next working period, like online files.
pub fn due_after(
    calendar: &WorkingCalendar,
    start: Timestamp,
    days: u32,
    channel: FeedbackChannel,
) -> Result<Timestamp, FeedbackError> {
    let ch = if channel == FeedbackChannel::Portal {
        Channel::Online
    } else {
        Channel::Counter
    };
    compute_deadline(
        calendar,
        &DeadlineInput::new(start, ch, ProcessingTime::WorkingDays(days)),
    )
    .map(|d| d.due)
    .map_err(|e| FeedbackError::Deadline(e.to_string()))
}

/// A new item received now.
pub fn receive(
    ctx: &Context<'_>,
    channel: FeedbackChannel,
    receiving_unit_id: i64,
) -> Result<FeedbackRecord, FeedbackError> {
    let d = ctx.deadlines;
    Ok(FeedbackRecord {
        state: FeedbackState::Received,
        channel,
        received_at: ctx.now,
        deadlines: d.id.clone(),
        receiving_unit_id,
        handling_unit_id: None,
        step_started_at: ctx.now,
        due_at: Some(due_after(ctx.calendar, ctx.now, d.forward_days, channel)?),
        check_due_at: Some(due_after(ctx.calendar, ctx.now, d.ask_info_days, channel)?),
        satisfied: None,
        version: 1,
        steps: Vec::new(),
    })
}

/// Applies `action` to `rec` at `ctx.now`.
pub fn apply(
    rec: &FeedbackRecord,
    action: &FeedbackAction,
    ctx: &Context<'_>,
) -> Result<Transition, FeedbackError> {
    use FeedbackAction as A;
    use FeedbackState as S;
    let wrong = || FeedbackError::WrongState {
        action: action.kind(),
        state: rec.state.as_str(),
    };
    let d = ctx.deadlines;
    let now = ctx.now;
    let mut new = rec.clone();
    new.version += 1;
    let mut completed = None;
    let mut notify_sender = false;
    // Ends the current step and measures it against `days` from its start.
    let outcome = |step: Step, unit_id: i64| -> Result<StepOutcome, FeedbackError> {
        let due_at = due_after(ctx.calendar, rec.step_started_at, d.days(step), rec.channel)?;
        Ok(StepOutcome {
            step,
            unit_id,
            started_at: rec.step_started_at,
            due_at,
            done_at: now,
            on_time: now <= due_at,
        })
    };
    match (rec.state, action) {
        (S::Received, A::Accept) => {
            new.state = S::Accepted;
            new.check_due_at = None;
        }
        (S::Received, A::Reject { .. }) => {
            new.state = S::Rejected;
            completed = Some(outcome(Step::Reject, rec.receiving_unit_id)?);
            new.due_at = None;
            new.check_due_at = None;
            notify_sender = true;
        }
        (S::Received, A::AskInfo { .. }) => {
            new.state = S::AwaitingInfo;
            completed = Some(outcome(Step::AskInfo, rec.receiving_unit_id)?);
            new.due_at = None;
            new.check_due_at = None;
            notify_sender = true;
        }
        (S::AwaitingInfo, A::ProvideInfo { .. }) => {
            // Checking starts again from the complete information.
            new.state = S::Received;
            new.step_started_at = now;
            new.due_at = Some(due_after(ctx.calendar, now, d.forward_days, rec.channel)?);
            new.check_due_at = Some(due_after(ctx.calendar, now, d.ask_info_days, rec.channel)?);
        }
        (S::Received | S::Accepted, A::Forward { unit_id }) => {
            if *unit_id == rec.receiving_unit_id {
                return Err(FeedbackError::SameUnit);
            }
            new.state = S::Forwarded;
            new.handling_unit_id = Some(*unit_id);
            completed = Some(outcome(Step::Forward, rec.receiving_unit_id)?);
            new.step_started_at = now;
            new.due_at = Some(due_after(ctx.calendar, now, d.handle_days, rec.channel)?);
            new.check_due_at = None;
        }
        (S::Forwarded, A::Answer { .. }) => new.state = S::Answered,
        (S::Answered, A::ReturnAnswer { .. }) => new.state = S::Forwarded,
        (S::Answered, A::Approve) => {
            new.state = S::Approved;
            let unit = rec.handling_unit_id.unwrap_or(rec.receiving_unit_id);
            completed = Some(outcome(Step::Handle, unit)?);
            new.step_started_at = now;
            new.due_at = Some(due_after(ctx.calendar, now, d.publish_days, rec.channel)?);
            notify_sender = true;
        }
        (S::Approved, A::Publish { .. }) => {
            new.state = S::Published;
            completed = Some(outcome(Step::Publish, rec.receiving_unit_id)?);
            new.due_at = None;
        }
        (S::Published | S::Rejected, A::Close) => {
            new.state = S::Closed;
            new.due_at = None;
        }
        (S::Approved | S::Published | S::Closed, A::Rate { satisfied }) => {
            if rec.satisfied.is_some() {
                return Err(FeedbackError::AlreadyRated);
            }
            new.satisfied = Some(*satisfied);
            if rec.state == S::Published {
                new.state = S::Closed;
            }
        }
        _ => return Err(wrong()),
    }
    if let Some(c) = &completed {
        new.steps.push(c.clone());
    }
    Ok(Transition {
        record: new,
        from: rec.state,
        completed,
        notify_sender,
    })
}

/// Open items due within the warning hours are due soon; past their deadline, overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    InTime,
    DueSoon,
    Overdue,
}

/// How urgent an open item is at `now`, given the due-soon cut-off (`now` + warning hours).
pub fn urgency(due_at: Option<Timestamp>, now: Timestamp, due_soon_until: Timestamp) -> Urgency {
    match due_at {
        Some(due) if due < now => Urgency::Overdue,
        Some(due) if due <= due_soon_until => Urgency::DueSoon,
        _ => Urgency::InTime,
    }
}

#[cfg(test)]
mod tests;
