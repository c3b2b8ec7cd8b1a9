//! Messages to officers and leaders, in Vietnamese: the daily digest and the apology warning.
//! File codes, procedures, deadlines and states only; no applicant's name or contact.

use super::templates::Message;
use jiff::Timestamp;
use jiff::civil::Date;
use motcua_app::files::QueueItem;
use motcua_app::reminders::{ApologyNotice, DIGEST_LIST_MAX, Digest};

fn local(t: Timestamp) -> jiff::Zoned {
    t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
}

/// `05/01/2026 16:30` in Vietnam's time.
pub fn moment_vi(t: Timestamp) -> String {
    local(t).strftime("%d/%m/%Y %H:%M").to_string()
}

pub fn date_vi(d: Date) -> String {
    d.strftime("%d/%m/%Y").to_string()
}

fn lines(out: &mut String, items: &[QueueItem]) {
    for i in items.iter().take(DIGEST_LIST_MAX) {
        out.push_str(&format!(
            "- {} – {} – hạn {} – {} ({})\n",
            i.code.as_deref().unwrap_or("(chưa có mã)"),
            i.procedure_name,
            i.due.map(moment_vi).unwrap_or_default(),
            i.state_label,
            i.current_unit_code,
        ));
    }
    if items.len() > DIGEST_LIST_MAX {
        out.push_str(&format!(
            "- … và {} hồ sơ khác\n",
            items.len() - DIGEST_LIST_MAX
        ));
    }
}

/// The digest e-mail; the caller sends nothing when the digest is empty.
pub fn digest(
    name: &str,
    day: Date,
    d: &Digest,
    public_url: Option<&str>,
    signature: &str,
) -> Message {
    let subject = format!(
        "Hồ sơ cần xử lý ngày {}: {} quá hạn, {} sắp đến hạn",
        date_vi(day),
        d.overdue.len(),
        d.soon.len()
    );
    let mut text = format!("Kính gửi {name},\n\n");
    if !d.overdue.is_empty() {
        text.push_str(&format!("Hồ sơ đã quá hạn ({}):\n", d.overdue.len()));
        lines(&mut text, &d.overdue);
        text.push('\n');
    }
    if !d.soon.is_empty() {
        text.push_str(&format!(
            "Hồ sơ sắp đến hạn, đến hết ngày làm việc tiếp theo ({}):\n",
            d.soon.len()
        ));
        lines(&mut text, &d.soon);
        text.push('\n');
    }
    if let Some(u) = public_url {
        text.push_str(&format!(
            "Danh sách hồ sơ: {}/ho-so\n\n",
            u.trim_end_matches('/')
        ));
    }
    text.push_str(&format!(
        "Trân trọng,\n{signature}\n\n(Thư được gửi tự động mỗi ngày làm việc, xin đừng trả lời thư này.)\n"
    ));
    Message { subject, text }
}

/// The apology warning e-mail.
pub fn apology_warning(
    name: &str,
    n: &ApologyNotice,
    public_url: Option<&str>,
    signature: &str,
) -> Message {
    let subject = format!(
        "Hồ sơ {} sắp đến hạn: văn bản xin lỗi chậm nhất ngày {}",
        n.code,
        date_vi(n.cutoff)
    );
    let link = public_url
        .map(|u| {
            format!(
                "\nXem hồ sơ: {}/ho-so/{}\n",
                u.trim_end_matches('/'),
                n.file_id
            )
        })
        .unwrap_or_default();
    let text = format!(
        "Kính gửi {name},\n\nHồ sơ {} ({}) có hạn trả kết quả {}. Nếu không thể trả kết quả đúng hạn, \
         đơn vị phải ban hành văn bản xin lỗi và hẹn lại ngày trả kết quả (mẫu 04) chậm nhất ngày {}, \
         trước hạn ít nhất 01 ngày làm việc.\n{link}\nTrân trọng,\n{signature}\n\n(Thư được gửi tự động, xin đừng trả lời thư này.)\n",
        n.code,
        n.procedure_name,
        moment_vi(n.due),
        date_vi(n.cutoff),
    );
    Message { subject, text }
}
