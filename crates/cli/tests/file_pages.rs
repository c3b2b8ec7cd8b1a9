//! File pages over HTTP: counter intake, the printed receipt, work lists, a file's page with
//! its workflow actions (and their errors in Vietnamese), scope between units, and the public
//! status lookup. Real-browser journeys over the same pages are in browser.rs.

mod common;

use common::{Server, Session, spawn};
use motcua_testkit::{Backend, on_both_backends};
use reqwest::{Response, StatusCode, header};

async fn post_form(s: &Session, path: &str, fields: &[(&str, &str)]) -> Response {
    s.client
        .post(format!("{}{path}", s.base))
        .form(fields)
        .send()
        .await
        .unwrap()
}

async fn html(response: Response) -> (StatusCode, String) {
    let status = response.status();
    (status, response.text().await.unwrap())
}

/// The value of the first `<input name=NAME value=…>` on a page.
fn input_value(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no input `{name}`"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

/// Downloads a PDF and returns its text (pdftotext, from scripts/ensure-pdftools.sh).
async fn pdf_text(s: &Session, path: &str) -> String {
    let response = s.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/pdf");
    let pdf = response.bytes().await.unwrap();
    let dir = std::env::temp_dir().join(format!("motcua-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{}.pdf", path.replace('/', "_")));
    std::fs::write(&file, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (scripts/ensure-pdftools.sh)");
    String::from_utf8(out.stdout).unwrap()
}

/// Receives a birth registration at the counter through the page; returns (file id, code).
async fn receive_on_the_page(server: &Server, counter: &Session, phone: &str) -> (i64, String) {
    let (status, found) = html(counter.get("/tiep-nhan?q=khai+sinh").await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        found.contains("/tiep-nhan?thu-tuc=1.001193"),
        "searching without diacritics finds the procedure"
    );
    let (_, form) = html(counter.get("/tiep-nhan?thu-tuc=1.001193").await).await;
    assert!(form.contains("Thành phần hồ sơ đã kiểm tra"));
    assert!(
        form.contains("name=\"documents\""),
        "the document checklist comes from the procedure"
    );
    let csrf = input_value(&form, "csrf_token");
    let (status, page) = html(
        post_form(
            counter,
            "/tiep-nhan",
            &[
                ("csrf_token", &csrf),
                ("procedure_code", "1.001193"),
                ("unit_code", "000.21.20.H48"),
                ("channel", "counter"),
                ("name", "Lò Văn Nộp"),
                ("phone", phone),
                ("documents", "Tờ khai đăng ký khai sinh"),
                ("documents", "Giấy chứng sinh"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{page}");
    assert!(page.contains("Đã tiếp nhận hồ sơ"));
    let code = page
        .split("id=\"ma-ho-so\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_owned();
    assert!(code.starts_with("000.21.20.H48-"), "file code {code}");
    let id: i64 = page
        .split("action=\"/ho-so/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap()
        .parse()
        .unwrap();
    let _ = server;
    (id, code)
}

async fn counter_to_result(backend: Backend) {
    let server = spawn(backend).await;
    let anonymous = server.anonymous();

    // Staff pages send a stranger to sign in, and back afterwards.
    let to_login = anonymous.get("/ho-so").await;
    assert_eq!(to_login.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        to_login.headers()[header::LOCATION],
        "/dang-nhap?next=%2Fho-so"
    );

    let counter = server.login("motcua.chiengle").await;
    let (id, code) = receive_on_the_page(&server, &counter, "0987654321").await;

    // A bad intake keeps what was typed and says what is wrong, in Vietnamese.
    let (status, page) = html(
        post_form(
            &counter,
            "/tiep-nhan",
            &[
                ("csrf_token", &counter.csrf),
                ("procedure_code", "1.001193"),
                ("channel", "counter"),
                ("name", "Lò Văn Sai"),
                ("phone", "12345"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Dữ liệu nhập chưa hợp lệ"), "{page}");
    assert!(
        page.contains("value=\"Lò Văn Sai\""),
        "the name typed stays"
    );
    // A forged form (no session token) is refused and receives nothing.
    let (status, _) = html(
        post_form(
            &counter,
            "/tiep-nhan",
            &[("procedure_code", "1.001193"), ("name", "Giả mạo")],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The receipt prints as a PDF from the page.
    let receipt = post_form(
        &counter,
        &format!("/ho-so/{id}/bien-nhan"),
        &[("csrf_token", &counter.csrf)],
    )
    .await;
    assert_eq!(receipt.status(), StatusCode::OK);
    assert_eq!(receipt.headers()[header::CONTENT_TYPE], "application/pdf");
    assert!(receipt.bytes().await.unwrap().starts_with(b"%PDF-"));

    // The new file is in the unit's work list.
    let (_, list) = html(counter.get("/ho-so").await).await;
    assert!(list.contains(&code), "the work list shows the new file");

    // The leader assigns it to the specialist from the file's page.
    let leader = server.login("lanhdao.chiengle").await;
    let (status, page) = html(leader.get(&format!("/ho-so/{id}")).await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Lò Văn Nộp") && page.contains(&code));
    assert!(
        page.contains("Hoàng Văn Xử (chuyenvien.chiengle)"),
        "the specialist is offered for assignment"
    );
    let version = input_value(&page, "version");
    let assign = post_form(
        &leader,
        &format!("/ho-so/{id}/xu-ly"),
        &[
            ("csrf_token", &leader.csrf),
            ("kind", "assign"),
            ("version", &version),
            ("assignee", "chuyenvien.chiengle"),
        ],
    )
    .await;
    assert_eq!(assign.status(), StatusCode::SEE_OTHER);
    let (_, page) = html(leader.get(&format!("/ho-so/{id}?xong=assign")).await).await;
    assert!(page.contains("Đã thực hiện: Phân công xử lý."));
    assert!(page.contains("Hoàng Văn Xử"), "the assignee is named");

    // Acting on what one saw before a change: a clear conflict, nothing applied.
    let (status, page) = html(
        post_form(
            &leader,
            &format!("/ho-so/{id}/xu-ly"),
            &[
                ("csrf_token", &leader.csrf),
                ("kind", "reassign"),
                ("version", &version),
                ("assignee", "lanhdao.chiengle"),
                ("reason", "Chuyên viên nghỉ phép"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("Dữ liệu đã được người khác thay đổi"));

    // The specialist examines and asks for a supplement; an empty list is refused first.
    let specialist = server.login("chuyenvien.chiengle").await;
    let (_, page) = html(specialist.get("/ho-so?loc=cua-toi").await).await;
    assert!(page.contains(&code), "my queue holds the assigned file");
    let act = |kind: &'static str, extra: Vec<(&'static str, String)>| {
        let specialist = &specialist;
        async move {
            let detail: serde_json::Value = specialist
                .get(&format!("/api/v1/files/{id}"))
                .await
                .json()
                .await
                .unwrap();
            let version = detail["file"]["version"].to_string();
            let mut fields = vec![
                ("csrf_token", specialist.csrf.clone()),
                ("kind", kind.to_owned()),
                ("version", version),
            ];
            fields.extend(extra);
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            html(post_form(specialist, &format!("/ho-so/{id}/xu-ly"), &fields).await).await
        }
    };
    let (status, _) = act("start_examination", vec![]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page) = act("request_supplement", vec![("items", " \n ".into())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Vui lòng nhập các giấy tờ cần bổ sung"));
    let (status, _) = act(
        "request_supplement",
        vec![(
            "items",
            "Bản sao giấy chứng nhận kết hôn\r\nGiấy chứng sinh bản chính".into(),
        )],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The supplement request prints with everything asked for; a refusal does not exist yet.
    let (_, page) = html(specialist.get(&format!("/ho-so/{id}")).await).await;
    assert!(page.contains(&format!("/ho-so/{id}/in/phieu-yeu-cau-bo-sung")));
    assert!(!page.contains("/in/phieu-tu-choi"), "no refusal to print");
    let text = pdf_text(
        &specialist,
        &format!("/ho-so/{id}/in/phieu-yeu-cau-bo-sung"),
    )
    .await;
    assert!(
        text.contains(&code) && text.contains("Bản sao giấy chứng nhận kết hôn"),
        "{text}"
    );
    assert!(
        text.contains("Hoàng Văn Xử"),
        "the officer who asked: {text}"
    );
    let slip = pdf_text(&specialist, &format!("/ho-so/{id}/in/phieu-kiem-soat")).await;
    assert!(
        slip.contains("PHIẾU KIỂM SOÁT") && slip.contains(&code),
        "{slip}"
    );
    let (status, page) = html(
        specialist
            .get(&format!("/ho-so/{id}/in/phieu-tu-choi"))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("Hồ sơ chưa có nội dung để in biểu mẫu này."));
    let (status, _) = html(specialist.get(&format!("/ho-so/{id}/in/khong-co")).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A leader-only action is not offered to the specialist, and refused if forced.
    let (status, page) = act("approve", vec![]).await;
    assert!(
        status == StatusCode::FORBIDDEN || status == StatusCode::CONFLICT,
        "{status}"
    );
    assert!(page.contains("alert"), "the refusal is explained");

    // The applicant follows the file on the public page, from the receipt's QR address.
    let (status, page) = html(anonymous.get(&format!("/tra-cuu?ma={code}")).await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("value=\"{code}\"")),
        "the code is filled in"
    );
    let token = input_value(&page, "csrf_token");
    let (status, page) = html(
        post_form(
            &anonymous,
            "/tra-cuu",
            &[
                ("csrf_token", &token),
                ("code", &code),
                ("secret", "0987654321"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("Chờ bổ sung") || page.contains("bổ sung"),
        "{page}"
    );
    assert!(
        page.contains("Bản sao giấy chứng nhận kết hôn"),
        "what to bring is listed"
    );
    assert!(
        !page.contains("Lò Văn Nộp"),
        "no personal data on the public page"
    );
    let (status, page) = html(
        post_form(
            &anonymous,
            "/tra-cuu",
            &[
                ("csrf_token", &token),
                ("code", &code),
                ("secret", "0900000000"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("Không tìm thấy hồ sơ"));
    let (status, _) = html(
        post_form(
            &anonymous,
            "/tra-cuu",
            &[
                ("csrf_token", "forged"),
                ("code", &code),
                ("secret", "0987654321"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn other_units_see_nothing(backend: Backend) {
    let server = spawn(backend).await;
    let counter = server.login("motcua.chiengle").await;
    let (id, code) = receive_on_the_page(&server, &counter, "0911111111").await;

    // A counter officer of the Department of Justice may not open a commune's file.
    let outsider = server.login("motcua.tuphap").await;
    let (status, page) = html(outsider.get(&format!("/ho-so/{id}")).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("Bạn không có quyền"));
    assert!(!page.contains("Lò Văn Nộp"));
    let (_, list) = html(outsider.get("/ho-so").await).await;
    assert!(
        !list.contains(&code),
        "another unit's list does not show it"
    );
    let (status, _) = html(
        post_form(
            &outsider,
            &format!("/ho-so/{id}/xu-ly"),
            &[
                ("csrf_token", &outsider.csrf),
                ("kind", "withdraw"),
                ("version", "1"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A citizen account is not staff.
    let citizen = server.login("congdan@example.vn").await;
    let (status, _) = html(citizen.get("/ho-so").await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn online_submission_to_receipt(backend: Backend) {
    let server = spawn(backend).await;

    // The procedure page offers online submission; signing in comes first.
    let anonymous = server.anonymous();
    let (_, page) = html(anonymous.get("/thu-tuc/1.001193").await).await;
    assert!(page.contains("/nop-truc-tuyen?thu-tuc=1.001193"));
    let to_login = anonymous.get("/nop-truc-tuyen?thu-tuc=1.001193").await;
    assert_eq!(to_login.status(), StatusCode::SEE_OTHER);

    let citizen = server.login("congdan@example.vn").await;
    let (status, form) = html(citizen.get("/nop-truc-tuyen?thu-tuc=1.001193").await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("value=\"Nguyễn Thị Dân\""),
        "the account's name is filled in"
    );
    assert!(
        !form.contains("000.30.00.H48"),
        "dissolved districts do not receive files"
    );
    // No unit chosen: a Vietnamese error, what was typed kept.
    let (status, page) = html(
        post_form(
            &citizen,
            "/nop-truc-tuyen",
            &[
                ("csrf_token", &citizen.csrf),
                ("procedure_code", "1.001193"),
                ("unit_code", ""),
                ("name", "Nguyễn Thị Dân"),
                ("phone", "0912345678"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("role=\"alert\""), "{page}");
    let submitted = post_form(
        &citizen,
        "/nop-truc-tuyen",
        &[
            ("csrf_token", &citizen.csrf),
            ("procedure_code", "1.001193"),
            ("unit_code", "000.21.20.H48"),
            ("name", "Nguyễn Thị Dân"),
            ("phone", "0912345678"),
            ("documents", "Giấy chứng sinh"),
        ],
    )
    .await;
    assert_eq!(submitted.status(), StatusCode::SEE_OTHER);
    let (_, account) = html(citizen.get("/tai-khoan?da-nop=1").await).await;
    assert!(account.contains("Đã nộp hồ sơ trực tuyến"));
    assert!(account.contains("Chờ tiếp nhận") && account.contains("Thủ tục đăng ký khai sinh"));

    // Staff cannot submit as applicants.
    let counter = server.login("motcua.chiengle").await;
    let (status, _) = html(counter.get("/nop-truc-tuyen?thu-tuc=1.001193").await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The commune's counter sees it waiting and receives it: it gets its code.
    let (_, list) = html(counter.get("/ho-so?loc=truc-tuyen").await).await;
    assert!(
        list.contains("Nguyễn Thị Dân"),
        "waiting online submissions are listed"
    );
    let id: i64 = list
        .split("href=\"/ho-so/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .parse()
        .unwrap();
    let (_, page) = html(counter.get(&format!("/ho-so/{id}")).await).await;
    assert!(
        page.contains("thao-tac-receive"),
        "the counter may receive it"
    );
    let version = input_value(&page, "version");
    let received = post_form(
        &counter,
        &format!("/ho-so/{id}/xu-ly"),
        &[
            ("csrf_token", &counter.csrf),
            ("kind", "receive"),
            ("version", &version),
        ],
    )
    .await;
    assert_eq!(received.status(), StatusCode::SEE_OTHER);
    let mine: serde_json::Value = citizen.get("/api/v1/me/files").await.json().await.unwrap();
    let code = mine[0]["code"]
        .as_str()
        .expect("a code once received")
        .to_owned();
    assert!(code.starts_with("000.21.20.H48-"), "{code}");
    assert_eq!(mine[0]["channel"], "online");
    let (_, account) = html(citizen.get("/tai-khoan").await).await;
    assert!(account.contains(&code), "the citizen sees the code");

    // Another citizen sees none of it.
    let registered = anonymous
        .client
        .post(server.url("/api/v1/auth/register"))
        .json(&serde_json::json!({
            "full_name": "Người Khác", "phone": "0977000111", "password": "mat-khau-khac"
        }))
        .send()
        .await
        .unwrap();
    assert!(registered.status().is_success(), "{}", registered.status());
    let other = server
        .login_with("0977000111", "mat-khau-khac")
        .await
        .expect("the new citizen signs in");
    let theirs: serde_json::Value = other.get("/api/v1/me/files").await.json().await.unwrap();
    assert_eq!(theirs, serde_json::json!([]));
    let detail = other.get(&format!("/api/v1/files/{id}")).await;
    assert_eq!(detail.status(), StatusCode::FORBIDDEN);
}

/// Applies an action through the API with the file's current version.
async fn api_act(s: &Session, id: i64, action: serde_json::Value) {
    let detail: serde_json::Value = s
        .get(&format!("/api/v1/files/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let response = s
        .post(
            &format!("/api/v1/files/{id}/actions"),
            serde_json::json!({ "action": action, "version": detail["file"]["version"] }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{action}");
}

async fn applicant_rates_the_result(backend: Backend) {
    let server = common::spawn_in_working_hours(backend).await;
    let counter = server.login("motcua.chiengle").await;
    let (id, code) = receive_on_the_page(&server, &counter, "0966000111").await;
    let anonymous = server.anonymous();
    let rate = |answers: serde_json::Value| {
        let anonymous = &anonymous;
        let code = code.clone();
        async move {
            anonymous
                .client
                .post(format!("{}/api/v1/lookup/rating", anonymous.base))
                .json(&serde_json::json!({ "code": code, "secret": "0966000111", "answers": answers }))
                .send()
                .await
                .unwrap()
        }
    };
    // Not before the result.
    let (status, problem_code) =
        common::problem(rate(serde_json::json!({ "4": 2, "5": 2, "7": 2 })).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem_code, "evaluation.file_not_finished");

    let leader = server.login("lanhdao.chiengle").await;
    let specialist = server.login("chuyenvien.chiengle").await;
    api_act(
        &leader,
        id,
        serde_json::json!({ "kind": "assign", "assignee": "chuyenvien.chiengle" }),
    )
    .await;
    api_act(
        &specialist,
        id,
        serde_json::json!({ "kind": "start_examination" }),
    )
    .await;
    api_act(
        &specialist,
        id,
        serde_json::json!({ "kind": "submit_for_approval" }),
    )
    .await;
    api_act(&leader, id, serde_json::json!({ "kind": "approve" })).await;
    api_act(
        &counter,
        id,
        serde_json::json!({ "kind": "mark_result_ready" }),
    )
    .await;

    // The lookup page now asks the applicant's questions.
    let (_, page) = html(anonymous.get(&format!("/tra-cuu?ma={code}")).await).await;
    let token = input_value(&page, "csrf_token");
    let (status, page) = html(
        post_form(
            &anonymous,
            "/tra-cuu",
            &[
                ("csrf_token", &token),
                ("code", &code),
                ("secret", "0966000111"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("id=\"danh-gia\""),
        "the rating form is offered"
    );
    let questions: Vec<String> = page
        .split("type=\"radio\" id=\"q")
        .skip(1)
        .filter_map(|s| s.split('-').next().map(str::to_owned))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(
        !questions.is_empty(),
        "the applicant answers some indicators"
    );
    assert!(
        !questions.contains(&"1".to_owned()),
        "the total time is scored by the system, not asked"
    );
    // An incomplete form is refused with a Vietnamese message.
    let (status, page) = html(
        post_form(
            &anonymous,
            "/tra-cuu/danh-gia",
            &[
                ("csrf_token", &token),
                ("code", &code),
                ("secret", "0966000111"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Vui lòng trả lời đủ các câu hỏi đánh giá."));
    let mut fields = vec![
        ("csrf_token".to_owned(), token.clone()),
        ("code".to_owned(), code.clone()),
        ("secret".to_owned(), "0966000111".to_owned()),
    ];
    for q in &questions {
        fields.push((format!("q{q}"), "2".to_owned()));
    }
    let fields_ref: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, page) = html(post_form(&anonymous, "/tra-cuu/danh-gia", &fields_ref).await).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Cảm ơn bạn đã đánh giá"));
    // Same-day procedure finished within the day: the system gives full marks for the times
    // and for no supplement; the applicant gave the best answers; unit indicators are unscored.
    let max_answered = 2 * (3 + questions.len());
    assert!(
        page.contains(&format!(
            "Tổng điểm: <strong>{max_answered}/{max_answered}</strong>"
        )),
        "{}",
        page.split("tong-diem").nth(1).unwrap_or("")
    );
    assert!(!page.contains("id=\"danh-gia\""), "no second form");
    let (status, problem_code) =
        common::problem(rate(serde_json::json!({ "4": 0, "5": 0, "7": 0 })).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem_code, "already_rated");
}

async fn upload(s: &Session, path: &str, parts: Vec<(&str, Vec<u8>)>, kind: &str) -> Response {
    let mut form = reqwest::multipart::Form::new()
        .text("csrf_token", s.csrf.clone())
        .text("kind", kind.to_owned());
    for (name, bytes) in parts {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    }
    s.client
        .post(format!("{}{path}", s.base))
        .header("x-csrf-token", &s.csrf)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

async fn attachments_are_checked_and_scoped(backend: Backend) {
    let server = spawn(backend).await;
    let counter = server.login("motcua.chiengle").await;
    let (id, _code) = receive_on_the_page(&server, &counter, "0933000222").await;

    // A scanned paper, from the file's page; its name loses the path it came with.
    let added = upload(
        &counter,
        &format!("/ho-so/{id}/tai-lieu"),
        vec![("../../giay chung sinh.pdf", PDF.to_vec())],
        "document",
    )
    .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let (_, page) = html(counter.get(&format!("/ho-so/{id}?xong=dinh-kem")).await).await;
    assert!(page.contains("Đã đính kèm tài liệu."));
    assert!(
        page.contains(">giay chung sinh.pdf</a>"),
        "cleaned name listed"
    );
    let list: serde_json::Value = counter
        .get(&format!("/api/v1/files/{id}/attachments"))
        .await
        .json()
        .await
        .unwrap();
    let aid = list[0]["id"].as_i64().unwrap();
    assert_eq!(list[0]["content_type"], "application/pdf");
    let download = counter.get(&format!("/ho-so/{id}/tai-lieu/{aid}")).await;
    assert_eq!(download.status(), StatusCode::OK);
    let disposition = download.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert_eq!(
        download.bytes().await.unwrap().as_ref(),
        PDF,
        "the same bytes come back"
    );

    // An executable named .pdf, an empty file, and a file over the limit are refused, and
    // nothing of them is attached.
    let (status, page) = html(
        upload(
            &counter,
            &format!("/ho-so/{id}/tai-lieu"),
            vec![("to-khai.pdf", b"MZ\x90\x00 not a pdf".to_vec())],
            "document",
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("chỉ nhận PDF, JPEG, PNG, DOCX, XLSX"),
        "{page}"
    );
    let api = upload(
        &counter,
        &format!("/api/v1/files/{id}/attachments"),
        vec![("rong.pdf", Vec::new())],
        "document",
    )
    .await;
    assert_eq!(
        common::problem(api).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let mut big = PDF.to_vec();
    big.resize(server.app.settings.max_attachment_bytes + 1, b' ');
    let api = upload(
        &counter,
        &format!("/api/v1/files/{id}/attachments"),
        vec![("lon.pdf", big)],
        "document",
    )
    .await;
    let (status, code) = common::problem(api).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "attachment_too_large")
    );
    let api = upload(
        &counter,
        &format!("/api/v1/files/{id}/attachments"),
        vec![("x.pdf", PDF.to_vec())],
        "virus",
    )
    .await;
    assert_eq!(
        common::problem(api).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let list: serde_json::Value = counter
        .get(&format!("/api/v1/files/{id}/attachments"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "only the good file is attached"
    );

    // Another unit may neither list, download nor add.
    let outsider = server.login("motcua.tuphap").await;
    assert_eq!(
        outsider
            .get(&format!("/api/v1/files/{id}/attachments"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        outsider
            .get(&format!("/api/v1/files/{id}/attachments/{aid}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let api = upload(
        &outsider,
        &format!("/api/v1/files/{id}/attachments"),
        vec![("x.pdf", PDF.to_vec())],
        "document",
    )
    .await;
    assert_eq!(common::problem(api).await.0, StatusCode::FORBIDDEN);
    // A citizen who does not own the file cannot add to it either.
    let citizen = server.login("congdan@example.vn").await;
    let api = upload(
        &citizen,
        &format!("/api/v1/files/{id}/attachments"),
        vec![("x.pdf", PDF.to_vec())],
        "document",
    )
    .await;
    assert_eq!(common::problem(api).await.0, StatusCode::FORBIDDEN);
    // A forged page form is refused.
    let forged = Session {
        client: counter.client.clone(),
        csrf: "forged".into(),
        base: counter.base.clone(),
    };
    let (status, _) = html(
        upload(
            &forged,
            &format!("/ho-so/{id}/tai-lieu"),
            vec![("x.pdf", PDF.to_vec())],
            "document",
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn leader_assigns_several_files(backend: Backend) {
    let server = spawn(backend).await;
    let counter = server.login("motcua.chiengle").await;
    let (first, _) = receive_on_the_page(&server, &counter, "0944000001").await;
    let (second, _) = receive_on_the_page(&server, &counter, "0944000002").await;
    let leader = server.login("lanhdao.chiengle").await;
    let (_, list) = html(leader.get("/ho-so").await).await;
    assert!(
        list.contains("id=\"phan-cong\""),
        "leaders get the bulk form"
    );
    assert!(
        list.contains(&format!("value=\"{first}:")) && list.contains(&format!("value=\"{second}:"))
    );
    // The counter officer does not.
    let (_, theirs) = html(counter.get("/ho-so").await).await;
    assert!(!theirs.contains("id=\"phan-cong\""));
    let version = |id: i64| {
        list.split(&format!("value=\"{id}:"))
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_owned()
    };
    // The second file was changed after the list was shown: it is skipped, not overwritten.
    api_act(
        &leader,
        second,
        serde_json::json!({ "kind": "assign", "assignee": "lanhdao.chiengle" }),
    )
    .await;
    let first_v = format!("{first}:{}", version(first));
    let second_v = format!("{second}:{}", version(second));
    let done = post_form(
        &leader,
        "/ho-so/phan-cong",
        &[
            ("csrf_token", &leader.csrf),
            ("unit", "000.21.20.H48"),
            ("loc", ""),
            ("assignee", "chuyenvien.chiengle"),
            ("file", &first_v),
            ("file", &second_v),
        ],
    )
    .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let location = done.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(location.contains("da-giao=1&khong-giao=1"), "{location}");
    let (_, page) = html(leader.get(&location).await).await;
    assert!(page.contains("Đã phân công 1 hồ sơ; 1 hồ sơ không phân công được"));
    let detail: serde_json::Value = leader
        .get(&format!("/api/v1/files/{first}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["assignee_name"], "Hoàng Văn Xử");
    let detail: serde_json::Value = leader
        .get(&format!("/api/v1/files/{second}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        detail["assignee_name"], "Quàng Văn Duyệt",
        "the newer assignment stands"
    );
}

async fn todays_appointments(backend: Backend) {
    let server = common::spawn_in_working_hours(backend).await;
    let counter = server.login("motcua.chiengle").await;
    let (id, code) = receive_on_the_page(&server, &counter, "0955000333").await;
    let (_, page) = html(counter.get("/ho-so?loc=hen-tra-hom-nay").await).await;
    assert!(
        !page.contains(&code),
        "a birth registration received now is due later"
    );
    // The appointment the receipt promised falls today (as it does for a file received days ago).
    let today = server
        .app
        .now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .date()
        .to_string();
    let mut tx = server.app.db.begin().await.unwrap();
    sqlx::query("UPDATE files SET appointment_date = $1 WHERE id = $2")
        .bind(&today)
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (_, page) = html(counter.get("/ho-so?loc=hen-tra-hom-nay").await).await;
    assert!(page.contains(&code), "today's appointments list it");
    let bad = counter
        .get("/api/v1/files?unit=000.21.20.H48&appointment=tomorrow")
        .await;
    assert_eq!(
        common::problem(bad).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

on_both_backends! {
    todays_appointments => todays_appointments,
    leader_assigns_several_files => leader_assigns_several_files,
    attachments_are_checked_and_scoped => attachments_are_checked_and_scoped,
    applicant_rates_the_result => applicant_rates_the_result,
    online_submission_to_receipt => online_submission_to_receipt,
    counter_to_result => counter_to_result,
    other_units_see_nothing => other_units_see_nothing,
}
