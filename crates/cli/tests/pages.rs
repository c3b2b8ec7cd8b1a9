//! Pages over HTTP: Vietnamese content, search without diacritics, the sign-in form with its
//! CSRF token, error pages and security headers. (Real-browser journeys come with the pages issue.)

mod common;

use common::spawn;
use motcua_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;

fn form_token(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("form has a csrf_token") + marker.len();
    html[start..start + 64].to_owned()
}

async fn public_pages_and_sign_in(backend: Backend) {
    let server = spawn(backend).await;
    let browser = server.anonymous();

    let home = browser.get("/").await;
    assert_eq!(home.status(), StatusCode::OK);
    let csp = home.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(home.headers()["x-content-type-options"], "nosniff");
    let html = home.text().await.unwrap();
    assert!(
        html.contains("Tìm thủ tục") && html.contains("Hộ tịch"),
        "home lists fields"
    );

    let results = browser
        .get("/thu-tuc?q=dang+ky+khai+sinh")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        results.contains("Thủ tục đăng ký khai sinh"),
        "search without diacritics"
    );
    let detail = browser.get("/thu-tuc/1.001193").await.text().await.unwrap();
    assert!(detail.contains("Thành phần hồ sơ") && detail.contains("1.001193"));

    let missing = browser.get("/khong-co-trang-nay").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("Không tìm thấy trang")
    );
    let missing_procedure = browser.get("/thu-tuc/9.999999").await;
    assert_eq!(missing_procedure.status(), StatusCode::NOT_FOUND);

    // Scripts in data are shown, never run.
    let escaped = browser
        .get("/thu-tuc?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await
        .text()
        .await
        .unwrap();
    assert!(!escaped.contains("<script>alert(1)</script>"));
    assert!(escaped.contains("&#60;script&#62;") || escaped.contains("&lt;script&gt;"));

    // Sign-in needs the form's token; a forged form is refused.
    let forged = browser
        .client
        .post(server.url("/dang-nhap"))
        .form(&[
            ("csrf_token", "0".repeat(64).as_str()),
            ("login", "quantri"),
            ("password", "motcua-demo"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(forged.text().await.unwrap().contains("Biểu mẫu đã hết hạn"));

    let form = browser.get("/dang-nhap").await.text().await.unwrap();
    let token = form_token(&form);
    let wrong = browser
        .client
        .post(server.url("/dang-nhap"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("login", "quantri"),
            ("password", "sai"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Tên đăng nhập hoặc mật khẩu không đúng")
    );

    let signed_in = browser
        .client
        .post(server.url("/dang-nhap"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("login", "quantri"),
            ("password", "motcua-demo"),
            ("next", "//evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        signed_in.headers()["location"],
        "/tai-khoan",
        "no open redirect"
    );
    let account = browser.get("/tai-khoan").await.text().await.unwrap();
    assert!(account.contains("Xin chào, Nguyễn Văn Quản") && account.contains("Quản trị hệ thống"));

    // Signing out needs the session's token too.
    let logout_token = form_token(&account);
    let out = browser
        .client
        .post(server.url("/dang-xuat"))
        .form(&[("csrf_token", logout_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = browser.get("/tai-khoan").await;
    assert_eq!(
        after.status(),
        StatusCode::SEE_OTHER,
        "signed out: sent to the sign-in page"
    );
}

on_both_backends! {
    public_pages => public_pages_and_sign_in,
}
