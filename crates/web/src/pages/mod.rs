//! Server-rendered HTML pages (askama). Errors show a Vietnamese message.

pub mod account;
pub mod admin;
pub mod admin_catalogue;
pub mod admin_hours;
pub mod board;
pub mod calendar;
pub mod dialogues;
pub mod docs;
pub mod feedback;
pub mod files;
pub mod optout;
pub mod processes;
pub mod public;
pub mod reform_index;
pub mod reform_plan;
pub mod reports;
pub mod surveys;

use crate::ctx::{Ctx, cookie};
use crate::problem::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use motcua_app::{Actor, AppError};
use motcua_domain::catalogue::FieldError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(public::home))
        .route("/thu-tuc", get(public::procedures))
        .route("/thu-tuc/{code}", get(public::procedure))
        .route("/dang-nhap", get(account::login_form).post(account::login))
        .route("/dang-xuat", axum::routing::post(account::logout))
        .route(
            "/dang-ky",
            get(account::register_form).post(account::register),
        )
        .route("/tai-khoan", get(account::dashboard))
        .route(
            "/doi-mat-khau",
            get(account::password_form).post(account::change_password),
        )
        .route("/lich", get(calendar::year_page))
        .route("/lich/them", axum::routing::post(calendar::add_day))
        .route("/lich/xoa", axum::routing::post(calendar::remove_day))
        .route("/thoi-han", get(calendar::deadline_page))
        .route("/static/app.css", get(stylesheet))
        .merge(files::routes())
        .merge(reform_index::routes())
        .route("/ngung-nhan-tin", get(optout::form).post(optout::submit))
        .merge(feedback::routes())
        .merge(surveys::routes())
        .merge(dialogues::routes())
        .route(
            "/quan-tri/don-vi",
            get(admin::units).post(admin::create_unit),
        )
        .route(
            "/quan-tri/nguoi-dung",
            get(admin::users).post(admin::create_user),
        )
        .route("/quan-tri/quy-trinh", get(processes::list))
        .route(
            "/quan-tri/quy-trinh/{code}",
            get(processes::edit).post(processes::save),
        )
        .route(
            "/quan-tri/thu-tuc",
            get(admin_catalogue::list).post(admin_catalogue::create),
        )
        .route(
            "/quan-tri/thu-tuc/{code}",
            get(admin_catalogue::edit).post(admin_catalogue::update),
        )
        .route("/quan-tri/quy-tac", get(admin_catalogue::rules))
        .route(
            "/quan-tri/gio-lam-viec",
            get(admin_hours::show_hours).post(admin_hours::save_hours),
        )
        .route(
            "/bao-cao/ky-bao-cao",
            get(reports::list).post(reports::lock),
        )
        .route("/cong-khai", get(board::public_board))
        .route("/bao-cao", get(board::leader_board))
        .fallback(not_found)
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

/// What every page's layout needs.
pub struct Chrome {
    pub tenant_name: String,
    pub user_name: Option<String>,
    pub csrf: String,
    /// Signed in as staff: the work-list link is shown.
    pub is_staff: bool,
    /// May manage users somewhere: the administration link is shown.
    pub is_admin: bool,
}

impl Chrome {
    pub fn of(ctx: &Ctx) -> Chrome {
        Chrome {
            tenant_name: ctx.tenant.name.clone(),
            user_name: ctx.actor.as_ref().map(|a| a.display_name.clone()),
            csrf: ctx.csrf.clone().unwrap_or_default(),
            is_staff: ctx
                .actor
                .as_ref()
                .is_some_and(|a| a.can(motcua_domain::permission::Action::ViewFiles)),
            is_admin: ctx
                .actor
                .as_ref()
                .is_some_and(|a| a.can(motcua_domain::permission::Action::ManageUsers)),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    status: u16,
    title: &'a str,
    message: String,
}

/// An error shown as a page.
pub struct PageError {
    pub status: StatusCode,
    pub message: String,
    pub chrome: Option<Chrome>,
}

impl PageError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> PageError {
        PageError {
            status,
            message: message.into(),
            chrome: None,
        }
    }
}

/// The Vietnamese message for an error code.
pub fn message_vi(err: &AppError) -> String {
    match err {
        AppError::Unauthenticated => "Vui lòng đăng nhập để tiếp tục.".into(),
        AppError::BadCredentials => "Tên đăng nhập hoặc mật khẩu không đúng.".into(),
        AppError::TooManyAttempts { retry_after_secs } => format!(
            "Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau {} phút.",
            (retry_after_secs + 59) / 60
        ),
        AppError::Forbidden => "Bạn không có quyền thực hiện thao tác này.".into(),
        AppError::NotFound(_) => "Không tìm thấy nội dung yêu cầu.".into(),
        AppError::Validation(errors) => {
            let details: Vec<String> = errors.iter().map(field_message_vi).collect();
            format!("Dữ liệu nhập chưa hợp lệ: {}", details.join(" "))
        }
        AppError::Conflict {
            code: "account_exists",
            ..
        } => "Đã có tài khoản với thư điện tử hoặc số điện thoại này.".into(),
        AppError::Conflict {
            code: "already_rated",
            ..
        } => "Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.".into(),
        AppError::Conflict {
            code: "report.period_locked",
            ..
        } => "Kỳ này trùng với một kỳ báo cáo đã khóa.".into(),
        AppError::Conflict { .. } => "Dữ liệu đã tồn tại hoặc đang được sử dụng.".into(),
        AppError::Stale => "Dữ liệu đã được người khác thay đổi. Vui lòng tải lại trang.".into(),
        AppError::Rule { message_vi, .. } => message_vi.clone(),
        AppError::Internal(_) => "Hệ thống gặp sự cố. Vui lòng thử lại sau.".into(),
    }
}

fn field_message_vi(e: &FieldError) -> String {
    match e.field.as_str() {
        "password" | "new_password" => "Mật khẩu phải có từ 8 đến 128 ký tự.".into(),
        "current_password" => "Mật khẩu hiện tại không đúng.".into(),
        "email" if e.message.starts_with("give") => {
            "Vui lòng nhập thư điện tử hoặc số điện thoại.".into()
        }
        "email" => "Địa chỉ thư điện tử không hợp lệ.".into(),
        "phone" => "Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0).".into(),
        "full_name" => "Vui lòng nhập họ và tên (tối đa 200 ký tự).".into(),
        "q" => "Từ khóa tìm kiếm quá dài.".into(),
        "answers" => "Vui lòng trả lời đủ các câu hỏi đánh giá.".into(),
        "level" | "online" => "Bộ lọc không hợp lệ.".into(),
        "date" if e.message.contains("already a day off") => "Ngày này đã là ngày nghỉ.".into(),
        "date" if e.message.contains("already a working day") => {
            "Ngày này đã là ngày làm việc.".into()
        }
        "date" if e.message.starts_with("not a holiday") => {
            "Ngày này không phải ngày lễ, nghỉ bù, hoán đổi hay làm bù.".into()
        }
        "date" => "Ngày không hợp lệ (từ 1900 đến 2199).".into(),
        "to" if e.message.contains("not over") => "Chỉ khóa được kỳ báo cáo đã kết thúc.".into(),
        "to" if e.message.contains("months") => "Khoảng thời gian tối đa 36 tháng.".into(),
        "to" if e.message.contains("definition") => {
            "Bộ chỉ số chất lượng phục vụ chỉ áp dụng từ ngày 23/6/2022.".into()
        }
        "unit" if e.message.starts_with("no unit with code") => "Không có đơn vị với mã đã chọn.".into(),
        "field" if e.message.starts_with("no field with code") => {
            "Không có lĩnh vực với mã đã chọn.".into()
        }
        "to" | "from" => "Khoảng thời gian không hợp lệ: nhập ngày đầu và ngày cuối (ngày cuối không trước ngày đầu).".into(),
        "name" => "Vui lòng nhập tên (tối đa 200 ký tự).".into(),
        "username" => "Tên đăng nhập gồm 3–64 chữ cái không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang hoặc @.".into(),
        "display_name" => "Vui lòng nhập họ và tên (tối đa 200 ký tự).".into(),
        "role" => "Vai trò không hợp lệ.".into(),
        "code" => "Mã định danh đơn vị không đúng định dạng (ví dụ 000.22.12.H48).".into(),
        "kind" => "Loại đơn vị không hợp lệ.".into(),
        "parent_code" => "Đơn vị cấp trên không tồn tại.".into(),
        "progress" => "Tiến độ phải là số phần trăm từ 0 đến 100.".into(),
        "title" if e.message.contains("500") => "Vui lòng nhập tên nhiệm vụ (tối đa 500 ký tự).".into(),
        "due_date" | "inspected_on" | "follow_up_due" => "Ngày không hợp lệ.".into(),
        "findings" => "Vui lòng nhập kết quả kiểm tra (tối đa 5000 ký tự).".into(),
        "unit_code" => "Đơn vị không tồn tại.".into(),
        "source" => "Vui lòng nhập văn bản công bố (tối đa 300 ký tự).".into(),
        "processing_time" => "Thời hạn không hợp lệ (tối đa 3650 ngày).".into(),
        "received_at" => "Thời điểm tiếp nhận nằm ngoài phạm vi lịch (1900–2199).".into(),
        "title" => "Vui lòng nhập tiêu đề (tối đa 200 ký tự).".into(),
        "content" => "Vui lòng nhập nội dung (tối đa 5.000 ký tự).".into(),
        "sender.name" => "Vui lòng nhập họ và tên người gửi (tối đa 200 ký tự).".into(),
        "sender.phone" if e.message.starts_with("give") => {
            "Vui lòng nhập số điện thoại hoặc thư điện tử để nhận trả lời.".into()
        }
        "sender.phone" => "Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0).".into(),
        "sender.email" => "Địa chỉ thư điện tử không hợp lệ.".into(),
        "sender.address" => "Địa chỉ quá dài (tối đa 300 ký tự).".into(),
        "subject_ref" => "Vui lòng nhập mã hồ sơ hoặc mã thủ tục (tối đa 64 ký tự).".into(),
        "consent" => "Vui lòng đồng ý với mục đích sử dụng thông tin cá nhân.".into(),
        "challenge" => "Câu trả lời kiểm tra không đúng hoặc đã hết hạn. Vui lòng trả lời câu hỏi mới.".into(),
        "unit_id" => "Cơ quan không tồn tại.".into(),
        "reason" | "question" | "text" => "Vui lòng nhập nội dung (tối đa 5.000 ký tự).".into(),
        "public_question" => "Nội dung công khai quá dài (tối đa 5.000 ký tự).".into(),
        "public_title" => "Tiêu đề công khai quá dài (tối đa 200 ký tự).".into(),
        "show" | "by" => "Bộ lọc không hợp lệ.".into(),
        "working_hours" => "Giờ làm việc không hợp lệ: mỗi ngày ghi các khoảng như «07:00-11:30, 13:30-17:00», giờ bắt đầu trước giờ kết thúc, các khoảng không chồng nhau, trong tuần có ít nhất một ngày làm việc và ngày làm bù có giờ làm việc.".into(),
        "fees" => "Phí, lệ phí không hợp lệ: mỗi dòng «Mô tả | số tiền», số tiền tính bằng đồng.".into(),
        "documents" => "Thành phần hồ sơ không hợp lệ: mỗi dòng «Tên giấy tờ | số bản», số bản là số nguyên.".into(),
        "legal_basis" => "Căn cứ pháp lý không hợp lệ (tối đa 50 văn bản).".into(),
        f if f.starts_with("legal_basis[") => "Mỗi căn cứ pháp lý tối đa 500 ký tự.".into(),
        f if f.starts_with("documents[") && f.ends_with(".copies") => {
            "Số bản của mỗi giấy tờ từ 1 đến 100.".into()
        }
        f if f.starts_with("fees[") && f.ends_with(".amount_vnd") => {
            "Số tiền phí, lệ phí phải từ 0 đến 1.000 tỷ đồng.".into()
        }
        f if f.starts_with("documents[") || f.starts_with("fees[") => {
            "Tên giấy tờ tối đa 1.000 ký tự, mô tả phí, lệ phí tối đa 500 ký tự.".into()
        }
        "valid_from" => "Ngày áp dụng không hợp lệ: từ hôm nay trở đi và không trước ngày áp dụng của phiên bản mới nhất.".into(),
        "asker.name" => "Họ và tên quá dài (tối đa 200 ký tự).".into(),
        "asker.contact" => "Vui lòng nhập số điện thoại (10 chữ số) hoặc địa chỉ thư điện tử hợp lệ.".into(),
        "topic" => "Vui lòng nhập chủ đề hội nghị (tối đa 500 ký tự).".into(),
        "leader" => "Vui lòng nhập người chủ trì (tối đa 200 ký tự).".into(),
        "fields" => "Lĩnh vực không hợp lệ (tối đa 20 lĩnh vực, mỗi lĩnh vực tối đa 200 ký tự).".into(),
        "held_on" | "due_on" => "Ngày không hợp lệ.".into(),
        "answer" => "Vui lòng nhập câu trả lời (tối đa 5.000 ký tự).".into(),
        "owner" => "Vui lòng nhập người hoặc đơn vị thực hiện (tối đa 200 ký tự).".into(),
        "minutes" => "Vui lòng nhập biên bản hội nghị (tối đa 20.000 ký tự).".into(),
        "question_id" => "Câu hỏi không thuộc hội nghị này.".into(),
        other => format!("Trường «{other}» không hợp lệ."),
    }
}

impl From<AppError> for PageError {
    fn from(err: AppError) -> Self {
        if let AppError::Internal(m) = &err {
            tracing::error!(message = %m, "internal error on a page");
        }
        PageError::new(status_of(&err), message_vi(&err))
    }
}

fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
        AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict { .. } | AppError::Stale | AppError::Rule { conflict: true, .. } => {
            StatusCode::CONFLICT
        }
        AppError::Rule {
            conflict: false, ..
        } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<ApiError> for PageError {
    fn from(err: ApiError) -> Self {
        let message = match err.status {
            StatusCode::UNAUTHORIZED => "Phiên đăng nhập không hợp lệ. Vui lòng đăng nhập lại.",
            StatusCode::FORBIDDEN => "Bạn không có quyền thực hiện thao tác này.",
            StatusCode::NOT_FOUND => "Không tìm thấy nội dung yêu cầu.",
            s if s.is_client_error() => "Yêu cầu không hợp lệ.",
            _ => "Hệ thống gặp sự cố. Vui lòng thử lại sau.",
        };
        PageError::new(err.status, message)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let title = match self.status {
            StatusCode::NOT_FOUND => "Không tìm thấy trang",
            StatusCode::FORBIDDEN => "Không có quyền truy cập",
            StatusCode::UNAUTHORIZED => "Cần đăng nhập",
            s if s.is_server_error() => "Lỗi hệ thống",
            _ => "Không thực hiện được yêu cầu",
        };
        let page = ErrorPage {
            chrome: self.chrome.unwrap_or(Chrome {
                tenant_name: String::new(),
                user_name: None,
                csrf: String::new(),
                is_staff: false,
                is_admin: false,
            }),
            status: self.status.as_u16(),
            title,
            message: self.message,
        };
        (self.status, render(&page)).into_response()
    }
}

pub type PageResult = Result<Response, PageError>;

/// An error shown inside the page's chrome (header, signed-in name), not as a bare page.
pub fn with_chrome(e: impl Into<PageError>, ctx: &Ctx) -> PageError {
    let mut e = e.into();
    e.chrome = Some(Chrome::of(ctx));
    e
}

/// Renders a template; a rendering failure is logged and shown as a plain error.
pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Hệ thống gặp sự cố.").into_response()
        }
    }
}

async fn not_found(ctx: Result<Ctx, ApiError>) -> PageError {
    let mut err = PageError::new(
        StatusCode::NOT_FOUND,
        "Trang bạn tìm không tồn tại hoặc đã được chuyển đi.",
    );
    err.chrome = ctx.ok().map(|c| Chrome::of(&c));
    err
}

/// The page shown when a form's token is missing or stale (CSRF).
pub fn expired_form() -> PageError {
    PageError::new(
        StatusCode::FORBIDDEN,
        "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.",
    )
}

/// Adds the anonymous form cookie to a response when a new one was made.
pub fn with_form_cookie(mut response: Response, set: Option<String>) -> Response {
    if let Some(cookie) = set
        && let Ok(v) = cookie.parse()
    {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// Fields of a URL-encoded form, repeated names kept (check-box lists).
pub(crate) struct FormData(Vec<(String, String)>);

impl FormData {
    pub(crate) fn parse(body: &Bytes) -> FormData {
        FormData(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub(crate) fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub(crate) fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name).trim().to_owned()).filter(|v| !v.is_empty())
    }

    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    /// One item per non-empty line of a text area.
    pub(crate) fn lines(&self, name: &str) -> Vec<String> {
        self.get(name)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// The signed-in user whose form carries the session's CSRF token.
pub fn form_actor<'a>(ctx: &'a Ctx, token: &str) -> Result<&'a Actor, PageError> {
    let actor = ctx
        .actor
        .as_ref()
        .ok_or_else(|| with_chrome(AppError::Unauthenticated, ctx))?;
    if !motcua_app::auth::csrf_ok(ctx.csrf.as_deref().unwrap_or(""), Some(token)) {
        return Err(with_chrome(expired_form(), ctx));
    }
    Ok(actor)
}

/// The signed-in user if `allowed` says so; otherwise a 403 page saying `refusal`, or, for a
/// stranger, a redirect to sign in and come back to `back_to`.
pub fn signed_in<'a>(
    ctx: &'a Ctx,
    back_to: &str,
    allowed: impl Fn(&Actor) -> bool,
    refusal: &str,
) -> Result<&'a Actor, Box<Response>> {
    match &ctx.actor {
        Some(a) if allowed(a) => Ok(a),
        Some(_) => Err(Box::new(
            PageError {
                status: StatusCode::FORBIDDEN,
                message: refusal.to_owned(),
                chrome: Some(Chrome::of(ctx)),
            }
            .into_response(),
        )),
        None => Err(Box::new(
            axum::response::Redirect::to(&format!("/dang-nhap?next={}", public::encode(back_to)))
                .into_response(),
        )),
    }
}

/// Cookie of the double-submit CSRF token used by forms shown before sign-in.
pub const FORM_CSRF_COOKIE: &str = "motcua_form";

/// The form token for an anonymous form: the existing cookie's, or a new one to set.
pub fn anonymous_form_token(headers: &HeaderMap, secure: bool) -> (String, Option<String>) {
    if let Some(existing) = cookie(headers, FORM_CSRF_COOKIE).filter(|v| v.len() == 64) {
        return (existing.to_owned(), None);
    }
    let token = motcua_app::secret::random_token();
    let secure = if secure { "; Secure" } else { "" };
    let set = format!("{FORM_CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}");
    (token, Some(set))
}

/// Checks an anonymous form's token against its cookie.
pub fn anonymous_form_ok(headers: &HeaderMap, submitted: &str) -> bool {
    cookie(headers, FORM_CSRF_COOKIE).is_some_and(|c| motcua_app::auth::csrf_ok(c, Some(submitted)))
}
