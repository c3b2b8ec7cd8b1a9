//! The messages applicants receive, in Vietnamese, one per event. Plain text so the same
//! words go by e-mail, SMS and Zalo; the e-mail adds a greeting and a signature.

use motcua_domain::file::Notice;

/// What a message is built from (loaded when it is sent, never stored in the job).
pub struct MessageFacts<'a> {
    pub code: &'a str,
    pub procedure: &'a str,
    /// YYYY-MM-DD, the current appointment (the new one after an apology).
    pub appointment_date: Option<&'a str>,
    pub missing_items: &'a [String],
    /// Where applicants look files up, if the province published one.
    pub lookup_url: Option<&'a str>,
    /// Where applicants stop messages to their contact (the opt-out page).
    pub optout_url: Option<&'a str>,
}

/// A message: subject (e-mail only) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub subject: String,
    pub text: String,
}

/// The notices that become messages; others (hand-over at the counter, withdrawal the
/// applicant asked for…) the applicant already knows about.
pub fn announced(notice: Notice) -> bool {
    matches!(
        notice,
        Notice::Received
            | Notice::ReturnedForCompletion
            | Notice::SupplementRequested
            | Notice::Apology
            | Notice::ResultReady
            | Notice::Refused
    )
}

/// `2026-01-05` → `05/01/2026`.
fn date_vi(date: &str) -> String {
    let mut parts = date.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => date.to_owned(),
    }
}

pub fn render(notice: Notice, f: &MessageFacts<'_>) -> Option<Message> {
    let code = f.code;
    let appointment = f.appointment_date.map(date_vi);
    let lookup = f
        .lookup_url
        .map(|u| format!(" Tra cứu hồ sơ tại {u}"))
        .unwrap_or_default();
    let (subject, text) = match notice {
        Notice::Received => (
            format!("Hồ sơ {code} đã được tiếp nhận"),
            format!(
                "Hồ sơ {code} ({}) đã được tiếp nhận.{}{lookup}",
                f.procedure,
                appointment
                    .map(|d| format!(" Ngày hẹn trả kết quả: {d}."))
                    .unwrap_or_default()
            ),
        ),
        Notice::ReturnedForCompletion | Notice::SupplementRequested => (
            format!("Hồ sơ {code} cần bổ sung, hoàn thiện"),
            format!(
                "Hồ sơ {code} ({}) cần bổ sung, hoàn thiện: {}. Đề nghị ông/bà bổ sung để cơ quan tiếp tục giải quyết.{lookup}",
                f.procedure,
                if f.missing_items.is_empty() {
                    "xem phiếu yêu cầu bổ sung".to_owned()
                } else {
                    f.missing_items.join("; ")
                }
            ),
        ),
        Notice::Apology => (
            format!("Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {code}"),
            format!(
                "Cơ quan giải quyết xin lỗi ông/bà vì hồ sơ {code} ({}) chưa được giải quyết đúng hẹn.{}{lookup}",
                f.procedure,
                appointment
                    .map(|d| format!(" Ngày hẹn trả kết quả mới: {d}."))
                    .unwrap_or_default()
            ),
        ),
        Notice::ResultReady => (
            format!("Hồ sơ {code} đã có kết quả"),
            format!(
                "Hồ sơ {code} ({}) đã có kết quả. Mời ông/bà nhận kết quả theo hình thức đã đăng ký.{lookup}",
                f.procedure
            ),
        ),
        Notice::Refused => (
            format!("Hồ sơ {code} không được giải quyết"),
            format!(
                "Hồ sơ {code} ({}) không được giải quyết; lý do được nêu trong văn bản trả lời của cơ quan giải quyết.{lookup}",
                f.procedure
            ),
        ),
        _ => return None,
    };
    let text = match f.optout_url {
        Some(u) => format!("{text} Ngừng nhận tin: {u}"),
        None => text,
    };
    Some(Message { subject, text })
}

/// An answered feedback (phản ánh, kiến nghị; outbox topic `feedback.answered`): the sender
/// is told the answer is published, under the reference they were given.
pub fn feedback_answered(reference: &str, answer_url: Option<&str>) -> Message {
    Message {
        subject: format!("Phản ánh, kiến nghị {reference} đã được trả lời"),
        text: format!(
            "Phản ánh, kiến nghị {reference} của ông/bà đã được cơ quan có thẩm quyền trả lời.{}",
            answer_url
                .map(|u| format!(" Xem nội dung trả lời tại {u}"))
                .unwrap_or_default()
        ),
    }
}

/// The e-mail body around the message text.
pub fn email_body(applicant_name: &str, message: &Message, signature: &str) -> String {
    // A feedback may be sent without a name.
    let to = match applicant_name.trim() {
        "" => String::new(),
        name => format!(" {name}"),
    };
    format!(
        "Kính gửi ông/bà{to},\n\n{}\n\nTrân trọng,\n{signature}\n\n(Thư được gửi tự động, xin đừng trả lời thư này.)\n",
        message.text
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(items: &'a [String]) -> MessageFacts<'a> {
        MessageFacts {
            code: "000.21.20.H48-260105-0001",
            procedure: "Đăng ký khai sinh",
            appointment_date: Some("2026-01-07"),
            missing_items: items,
            lookup_url: Some("https://motcua.sonla.gov.vn/tra-cuu"),
            optout_url: None,
        }
    }

    #[test]
    fn every_announced_notice_names_the_file_code_in_vietnamese() {
        let items = vec!["Bản sao CCCD".to_owned()];
        for notice in [
            Notice::Received,
            Notice::ReturnedForCompletion,
            Notice::SupplementRequested,
            Notice::Apology,
            Notice::ResultReady,
            Notice::Refused,
        ] {
            assert!(announced(notice));
            let m = render(notice, &facts(&items)).unwrap();
            assert!(m.text.contains("000.21.20.H48-260105-0001"), "{notice:?}");
            assert!(m.subject.contains("Hồ sơ") || m.subject.contains("hồ sơ"));
        }
        assert!(!announced(Notice::HandedOver));
        assert!(render(Notice::HandedOver, &facts(&items)).is_none());
    }

    #[test]
    fn messages_end_with_the_opt_out_link_and_feedback_answers_name_the_reference() {
        let items = vec![];
        let mut f = facts(&items);
        f.optout_url = Some("https://motcua.sonla.gov.vn/ngung-nhan-tin");
        let m = render(Notice::ResultReady, &f).unwrap();
        assert!(
            m.text
                .ends_with("Ngừng nhận tin: https://motcua.sonla.gov.vn/ngung-nhan-tin"),
            "{}",
            m.text
        );
        let m = feedback_answered(
            "PAKN-2026-0042",
            Some("https://motcua.sonla.gov.vn/pakn/42"),
        );
        assert_eq!(
            m.subject,
            "Phản ánh, kiến nghị PAKN-2026-0042 đã được trả lời"
        );
        assert!(m.text.contains("https://motcua.sonla.gov.vn/pakn/42"));
    }

    #[test]
    fn dates_are_day_month_year_and_missing_items_are_listed() {
        let items = vec!["Bản sao CCCD".to_owned(), "Giấy chứng sinh".to_owned()];
        let m = render(Notice::Received, &facts(&items)).unwrap();
        assert!(
            m.text.contains("Ngày hẹn trả kết quả: 07/01/2026."),
            "{}",
            m.text
        );
        let m = render(Notice::SupplementRequested, &facts(&items)).unwrap();
        assert!(
            m.text.contains("Bản sao CCCD; Giấy chứng sinh"),
            "{}",
            m.text
        );
        let m = render(Notice::Apology, &facts(&items)).unwrap();
        assert!(
            m.text.contains("xin lỗi") && m.text.contains("Ngày hẹn trả kết quả mới: 07/01/2026.")
        );
    }
}
