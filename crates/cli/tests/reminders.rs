//! Reminders, chat lookup, attachment clean-up and opt-out, with real processes: `motcua serve`
//! for the API and webhook, `motcua worker` for the jobs, aiosmtpd as the SMTP server and a
//! fake Zalo/SMS gateway.

mod common;
mod jobs_support;

use common::problem;
use jobs_support::*;
use motcua_app::{App, Db, Settings, SystemClock, demo, tenancy};
use motcua_testkit::{Backend, TestDb, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

const APP_ID: &str = "3608465249";
const OA_SECRET: &str = "oa-secret-key";

async fn seeded(backend: Backend, with_files: bool) -> (TestDb, App, i64) {
    let test_db = TestDb::new(backend).await;
    let db = Db::connect(&test_db.url, 4).await.expect("connect");
    db.migrate().await.expect("migrate");
    let app = App::new(db, Settings::default(), Arc::new(SystemClock));
    if with_files {
        demo::seed_with_files(&app).await.expect("seed demo files");
    } else {
        demo::seed(&app).await.expect("seed demo data");
    }
    let tenant = tenancy::resolve(&app, None, Some(demo::TENANT_CODE))
        .await
        .unwrap()
        .id;
    (test_db, app, tenant)
}

fn config(
    dir: &Path,
    smtp_port: u16,
    gw_base: &str,
    channels: &str,
    timeout: u32,
) -> std::path::PathBuf {
    let path = dir.join("motcua.toml");
    let att = dir.join("files");
    std::fs::write(
        &path,
        format!(
            "default_tenant = \"{t}\"\npublic_url = \"https://motcua.sonla.gov.vn\"\nattachments_dir = \"{att}\"\n\
             [jobs]\nlease_seconds = 5\npoll_millis = 100\nbackoff_seconds = 1\nmax_attempts = 3\nattachments_grace_hours = 1\n\
             [notify]\nsmtp_url = \"smtp://127.0.0.1:{smtp_port}\"\n\
             sms_gateway_url = \"{gw_base}/sms\"\nzalo_gateway_url = \"{gw_base}/zalo\"\n\
             gateway_token = \"gw-secret\"\ntimeout_seconds = {timeout}\npublic_url = \"https://motcua.sonla.gov.vn\"\ndigest_hour = 0\n\
             reminders_on_working_days_only = false\n\
             [notify.tenants.{t}]\nchannels = [{channels}]\n\
             email_from = \"Một cửa Sơn La <motcua@sonla.gov.vn>\"\nsignature = \"UBND phường Chiềng Lề\"\nzalo_oa_id = \"4318\"\n\
             [chat.zalo.{t}]\napp_id = \"{APP_ID}\"\noa_secret_key = \"{OA_SECRET}\"\n",
            t = demo::TENANT_CODE,
            att = att.display(),
        ),
    )
    .unwrap();
    path
}

fn base_of(line: &str) -> String {
    line.strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned()
}

async fn get(who: &(reqwest::Client, String), url: String) -> Value {
    let r = who.0.get(url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// Codes in a work list.
async fn codes(who: &(reqwest::Client, String), url: String) -> Vec<(String, String)> {
    get(who, url).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap_or_default().to_owned(),
                i["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn mails_to(maildir: &Path, address: &str) -> Vec<Value> {
    mails(maildir)
        .into_iter()
        .filter(|m| m["to"].as_str().unwrap_or_default().contains(address))
        .collect()
}

/// Codes listed in a digest section (lines `- CODE – …`).
fn listed(body: &str) -> BTreeSet<String> {
    body.lines()
        .filter_map(|l| l.strip_prefix("- "))
        .filter_map(|l| l.split(" – ").next())
        .filter(|c| !c.starts_with('…'))
        .map(str::to_owned)
        .collect()
}

fn set_old(path: &Path) {
    let old = SystemTime::now() - Duration::from_secs(2 * 3600);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(old)
        .unwrap();
}

fn zalo_event(msg_id: &str, text: &str) -> (String, String) {
    // Sent now: events outside the replay window are refused.
    let timestamp = jiff::Timestamp::now().as_millisecond().to_string();
    let body = json!({
        "app_id": APP_ID, "sender": { "id": "2468458835" }, "recipient": { "id": "4318" },
        "user_id_by_app": "5521772797", "event_name": "user_send_text",
        "message": { "text": text, "msg_id": msg_id }, "timestamp": timestamp
    })
    .to_string();
    let zalo = motcua_app::chat::Zalo {
        app_id: APP_ID.into(),
        oa_secret_key: OA_SECRET.into(),
    };
    let mac = zalo.mac(body.as_bytes(), &timestamp);
    (body, format!("mac={mac}"))
}

async fn webhook(base: &str, body: &str, signature: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/api/v1/chat/zalo"))
        .header("content-type", "application/json")
        .header("x-zevent-signature", signature)
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

async fn staff_reminders_chat_lookup_and_attachment_cleanup(backend: Backend) {
    let (db, app, tenant) = seeded(backend, true).await;
    let reader = app.db.reader().clone();
    let dir = temp_dir("reminders");
    let maildir = dir.join("maildir");
    let (_sink, smtp_port) = smtp_sink(&maildir);
    let (gw, gw_base) = gateway().await;
    // No applicant channel: the demo's hundreds of files must not message their applicants.
    let config = config(&dir, smtp_port, &gw_base, "", 1);
    let (mut serve, line) = start(
        &db,
        &config,
        &["serve", "--no-jobs", "--bind", "127.0.0.1:0"],
        &dir.join("serve.log"),
    );
    let base = base_of(&line);
    let admin = login(&base, "quantri").await;
    let leader = login(&base, "lanhdao.chiengle").await;
    let specialist = login(&base, "chuyenvien.chiengle").await;
    let counter = login(&base, "motcua.chiengle").await;

    // A specialist with nothing due: no digest for them.
    let r = post(
        &admin,
        format!("{base}/api/v1/users"),
        json!({ "username": "chuyenvien.tuphap", "display_name": "Lường Văn Rảnh",
                "email": "ranh@sonla.gov.vn", "password": "mot-mat-khau-dai", "unit_code": "000.00.12.H48",
                "role": "specialist" }),
    )
    .await;
    assert!(r.status().is_success(), "{}", r.status());

    // A file received now, with a scanned document (a referenced blob).
    let receipt: Value = post(
        &counter,
        format!("{base}/api/v1/files"),
        json!({ "procedure_code": "1.001193", "channel": "counter",
                "applicant": { "name": "Lò Văn Hỏi", "phone": "0987 654 321" },
                "documents": ["Tờ khai đăng ký khai sinh"] }),
    )
    .await
    .json()
    .await
    .unwrap();
    let code = receipt["code"].as_str().unwrap().to_owned();
    let pin = receipt["pin"].as_str().unwrap().to_owned();
    let file_id = receipt["file_id"].as_i64().unwrap();
    let pdf = b"%PDF-1.4\n% to ky khai sinh\n%%EOF\n".to_vec();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(pdf.clone()).file_name("to-khai.pdf"),
    );
    let r = counter
        .0
        .post(format!("{base}/api/v1/files/{file_id}/attachments"))
        .header("x-csrf-token", &counter.1)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let attached: Value = r.json().await.unwrap();
    let attached = if attached.is_array() {
        attached[0].clone()
    } else {
        attached
    };
    let sha = attached["sha256"].as_str().unwrap().to_owned();
    let att = dir.join("files");
    let referenced = att.join(&sha[..2]).join(&sha);
    set_old(&referenced);
    // An old blob nobody refers to, a fresh one (an upload about to commit), a crash leftover.
    let orphan_old = att.join("ab").join("ab".repeat(32));
    let orphan_fresh = att.join("cd").join("cd".repeat(32));
    let leftover = att.join("ab").join(format!(".{}.999.tmp", "ab".repeat(32)));
    for p in [&orphan_old, &orphan_fresh, &leftover] {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b"%PDF-1.4 orphan").unwrap();
    }
    set_old(&orphan_old);
    set_old(&leftover);

    // What the work lists say is overdue and due soon, to compare with the digests.
    let unit = "000.21.20.H48";
    let overdue = codes(
        &leader,
        format!("{base}/api/v1/files?unit={unit}&due=overdue&per_page=200"),
    )
    .await;
    let soon: Vec<(String, String)> = codes(
        &leader,
        format!("{base}/api/v1/files?unit={unit}&due=soon&per_page=200"),
    )
    .await
    .into_iter()
    .filter(|c| !overdue.contains(c))
    .collect();
    assert!(
        !overdue.is_empty() && !soon.is_empty(),
        "the demo has overdue and due-soon files"
    );
    let mine_overdue = codes(
        &specialist,
        format!("{base}/api/v1/files?mine=true&due=overdue&per_page=200"),
    )
    .await;
    let mine_soon: Vec<(String, String)> = codes(
        &specialist,
        format!("{base}/api/v1/files?mine=true&due=soon&per_page=200"),
    )
    .await
    .into_iter()
    .filter(|c| !mine_overdue.contains(c))
    .collect();

    let (mut worker, _) = start(&db, &config, &["worker"], &dir.join("worker.log"));

    // The attachment clean-up ran once: only the old unreferenced blob and the leftover went.
    wait_until("the attachment clean-up", 60, async || {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM jobs WHERE tenant_id = $1 AND kind = 'attachments.cleanup' AND state = 'done'",
        )
        .bind(tenant)
        .fetch_one(&reader)
        .await
        .unwrap();
        (n == 1).then_some(())
    })
    .await;
    assert!(!orphan_old.exists(), "an old unreferenced blob is deleted");
    assert!(!leftover.exists(), "a crash leftover is deleted");
    assert!(
        orphan_fresh.exists(),
        "a fresh blob (upload in progress) is kept"
    );
    assert!(referenced.exists(), "a referenced blob is never deleted");
    let id = attached["id"].as_i64().unwrap();
    let r = counter
        .0
        .get(format!("{base}/api/v1/files/{file_id}/attachments/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);

    // The leader's digest lists exactly the unit's overdue and due-soon files.
    let digest = wait_until("the leader's digest", 60, async || {
        mails_to(&maildir, "lanhdao.chiengle@demo.motcua.vn")
            .into_iter()
            .find(|m| {
                m["subject"]
                    .as_str()
                    .unwrap()
                    .starts_with("Hồ sơ cần xử lý ngày")
            })
    })
    .await;
    let subject = digest["subject"].as_str().unwrap();
    assert!(
        subject.ends_with(&format!(
            "{} quá hạn, {} sắp đến hạn",
            overdue.len(),
            soon.len()
        )),
        "{subject}"
    );
    let body = digest["body"].as_str().unwrap();
    assert!(body.starts_with("Kính gửi Quàng Văn Duyệt,"), "{body}");
    assert!(
        body.contains(&format!("Hồ sơ đã quá hạn ({}):", overdue.len())),
        "{body}"
    );
    assert!(body.contains("https://motcua.sonla.gov.vn/ho-so"), "{body}");
    let expected: BTreeSet<String> = overdue.iter().chain(&soon).map(|c| c.0.clone()).collect();
    let got = listed(body);
    assert!(
        !got.is_empty() && got.is_subset(&expected),
        "{got:?} ⊄ {expected:?}"
    );
    if expected.len() <= 30 {
        assert_eq!(got, expected);
    }
    // The specialist's digest: their own files.
    if !mine_overdue.is_empty() || !mine_soon.is_empty() {
        let d = wait_until("the specialist's digest", 60, async || {
            mails_to(&maildir, "chuyenvien.chiengle@demo.motcua.vn")
                .into_iter()
                .find(|m| {
                    m["subject"]
                        .as_str()
                        .unwrap()
                        .starts_with("Hồ sơ cần xử lý ngày")
                })
        })
        .await;
        let mine: BTreeSet<String> = mine_overdue
            .iter()
            .chain(&mine_soon)
            .map(|c| c.0.clone())
            .collect();
        assert_eq!(listed(d["body"].as_str().unwrap()), mine);
    }

    // Apology warnings: to the leader, for due-soon files still in processing, each naming
    // the cut-off (a working day before the deadline).
    let in_processing = [
        "received",
        "at_agency",
        "assigned",
        "under_examination",
        "at_other_agency",
        "awaiting_approval",
    ];
    let needing: Vec<&String> = soon
        .iter()
        .filter(|(_, s)| in_processing.contains(&s.as_str()))
        .map(|(c, _)| c)
        .collect();
    assert!(
        !needing.is_empty(),
        "the demo has due-soon files in processing"
    );
    wait_until("every digest and warning to be sent", 90, async || {
        let (left,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM jobs WHERE tenant_id = $1
               AND kind IN ('reminders.daily', 'digest.send', 'apology.warn') AND state <> 'done'",
        )
        .bind(tenant)
        .fetch_one(&reader)
        .await
        .unwrap();
        let (warned,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM jobs WHERE tenant_id = $1 AND kind = 'apology.warn'",
        )
        .bind(tenant)
        .fetch_one(&reader)
        .await
        .unwrap();
        (left == 0 && warned > 0).then_some(())
    })
    .await;
    let warnings: Vec<Value> = mails_to(&maildir, "lanhdao.chiengle@demo.motcua.vn")
        .into_iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .unwrap()
                .contains("văn bản xin lỗi chậm nhất ngày")
        })
        .collect();
    for c in &needing {
        let w = warnings
            .iter()
            .find(|m| {
                m["subject"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("Hồ sơ {c} sắp đến hạn"))
            })
            .unwrap_or_else(|| panic!("no apology warning for {c}"));
        let body = w["body"].as_str().unwrap();
        assert!(
            body.contains("(mẫu 04)") && body.contains("trước hạn ít nhất 01 ngày làm việc"),
            "{body}"
        );
    }
    // The work list marks the same files.
    let soon_rows = get(
        &leader,
        format!("{base}/api/v1/files?unit={unit}&due=soon&per_page=200"),
    )
    .await;
    for row in soon_rows["items"].as_array().unwrap() {
        let c = row["code"].as_str().unwrap().to_owned();
        if needing.contains(&&c) {
            assert_eq!(row["apology_needed"], true, "{row}");
        }
        if row["urgency"] == "overdue" {
            assert_eq!(row["apology_needed"], false, "{row}");
        }
    }
    // Nobody with nothing due hears anything.
    assert!(mails_to(&maildir, "ranh@sonla.gov.vn").is_empty());

    // A restarted worker (or a second instance) sends nothing again today.
    let sent = mails(&maildir).len();
    worker.kill_hard();
    let metrics_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let metrics_addr = format!("127.0.0.1:{metrics_port}");
    let (mut worker, _) = start(
        &db,
        &config,
        &["worker", "--metrics-addr", &metrics_addr],
        &dir.join("worker2.log"),
    );

    // Chat lookup through the Zalo OA webhook.
    let (body, _) = zalo_event("m1", "dang ky khai sinh");
    let r = webhook(&base, &body, "mac=0000").await;
    assert_eq!(
        problem(r).await,
        (StatusCode::UNAUTHORIZED, "invalid_signature".into())
    );
    // The gateway is slow at first: the reply times out (1 s) and is retried with the same
    // idempotency key, so a gateway that keeps keys delivers it once.
    gw.slow.store(true, Ordering::SeqCst);
    for (id, text) in [
        ("m1", "tìm thủ tục dang ky khai sinh".to_owned()),
        ("m2", code.clone()),
        ("m3", format!("Tra cứu hồ sơ {code} mã {pin}")),
    ] {
        let (body, sig) = zalo_event(id, &text);
        let r = webhook(&base, &body, &sig).await;
        assert_eq!(r.status(), StatusCode::OK);
        let ack: Value = r.json().await.unwrap();
        assert_eq!(ack["replied"], true);
        if id == "m1" {
            wait_until("a timed-out attempt", 30, async || {
                let row: Option<(i64, Option<String>)> = sqlx::query_as(
                    "SELECT attempts, last_error FROM jobs WHERE tenant_id = $1 AND idempotency_key = 'chat:zalo:m1'",
                )
                .bind(tenant)
                .fetch_optional(&reader)
                .await
                .unwrap();
                row.filter(|(_, e)| e.as_deref() == Some("zalo gateway timed out"))
                    .map(|_| ())
            })
            .await;
            gw.slow.store(false, Ordering::SeqCst);
        }
    }
    // Zalo re-delivers a message it thinks we missed: answered once.
    let (body, sig) = zalo_event("m3", &format!("Tra cứu hồ sơ {code} mã {pin}"));
    let ack: Value = webhook(&base, &body, &sig).await.json().await.unwrap();
    assert_eq!(ack["replied"], false);
    wait_until("every chat reply to be done", 60, async || {
        let (left,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM jobs WHERE tenant_id = $1 AND kind = 'chat.reply' AND state <> 'done'",
        )
        .bind(tenant)
        .fetch_one(&reader)
        .await
        .unwrap();
        (left == 0).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(3000)).await;
    let replies = gw.accepted("/zalo");
    // Every request carried its job's key; one distinct key per message, same text per key.
    let keys: BTreeSet<String> = replies.iter().map(|(k, _)| k.clone().unwrap()).collect();
    assert_eq!(
        keys,
        ["chat:zalo:m1", "chat:zalo:m2", "chat:zalo:m3"]
            .map(String::from)
            .into(),
    );
    for (k, v) in &replies {
        assert_eq!(k.as_deref(), v["reference"].as_str());
        assert!(
            replies
                .iter()
                .filter(|(k2, _)| k2 == k)
                .all(|(_, v2)| v2["text"] == v["text"])
        );
    }
    let (m1_attempts,): (i64,) = sqlx::query_as(
        "SELECT attempts FROM jobs WHERE tenant_id = $1 AND idempotency_key = 'chat:zalo:m1'",
    )
    .bind(tenant)
    .fetch_one(&reader)
    .await
    .unwrap();
    assert!(m1_attempts >= 2, "{m1_attempts}");
    // m2 and m3 went out on their first attempt: exactly one request each.
    for k in ["chat:zalo:m2", "chat:zalo:m3"] {
        assert_eq!(
            replies
                .iter()
                .filter(|(k2, _)| k2.as_deref() == Some(k))
                .count(),
            1
        );
    }

    // The worker's metrics: the retry and the replies.
    let metrics = reqwest::get(format!("http://{metrics_addr}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("motcua_job_runs_total{kind=\"chat.reply\",outcome=\"retry\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("motcua_job_runs_total{kind=\"chat.reply\",outcome=\"done\"} 3"),
        "{metrics}"
    );
    assert!(
        metrics.contains("motcua_jobs{state=\"dead\"} 0"),
        "{metrics}"
    );
    let text_of = |needle: &str| {
        replies
            .iter()
            .map(|(_, v)| v["text"].as_str().unwrap().to_owned())
            .find(|t| t.contains(needle))
            .unwrap_or_else(|| panic!("no reply with {needle}: {replies:?}"))
    };
    for (_, v) in &replies {
        assert_eq!(v["to"], "2468458835");
        assert_eq!(v["sender"], "4318");
        assert_eq!(v["channel"], "zalo");
    }
    let found = text_of("Tìm thấy");
    assert!(
        found.contains("Thủ tục đăng ký khai sinh (1.001193"),
        "{found}"
    );
    assert!(
        found.contains("https://motcua.sonla.gov.vn/thu-tuc/1.001193"),
        "{found}"
    );
    let ask = text_of("vui lòng gửi kèm mã tra cứu");
    assert!(ask.contains(&code), "{ask}");
    let status = text_of(&format!("Hồ sơ {code} (Thủ tục đăng ký khai sinh): "));
    assert!(status.contains("Ngày hẹn trả kết quả: "), "{status}");
    assert!(
        !status.contains("Lò Văn Hỏi") && !status.contains("0987"),
        "{status}"
    );

    assert_eq!(mails(&maildir).len(), sent, "nothing was e-mailed twice");
    assert!(worker.terminate().success());
    assert!(serve.terminate().success());
    let logs = std::fs::read_to_string(dir.join("worker.log")).unwrap();
    for secret in ["lanhdao.chiengle@", "Quàng Văn Duyệt", "Lò Văn Hỏi"] {
        assert!(!logs.contains(secret), "`{secret}` in the logs");
    }
    app.db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

async fn applicants_can_stop_a_channel(backend: Backend) {
    let (db, app, _) = seeded(backend, false).await;
    let dir = temp_dir("optout");
    let maildir = dir.join("maildir");
    let (_sink, smtp_port) = smtp_sink(&maildir);
    let (gw, gw_base) = gateway().await;
    let config = config(&dir, smtp_port, &gw_base, "\"email\", \"sms\"", 5);
    let (mut serve, line) = start(
        &db,
        &config,
        &["serve", "--bind", "127.0.0.1:0"],
        &dir.join("serve.log"),
    );
    let base = base_of(&line);
    let counter = login(&base, "motcua.chiengle").await;
    let receive = || {
        post(
            &counter,
            format!("{base}/api/v1/files"),
            json!({ "procedure_code": "1.001193", "channel": "counter",
                    "applicant": { "name": "Lò Thị Mai", "phone": "0912 345 678", "email": "mai@example.vn" },
                    "documents": ["Tờ khai"] }),
        )
    };
    let first: Value = receive().await.json().await.unwrap();
    let code = first["code"].as_str().unwrap().to_owned();
    wait_until("the first e-mail and SMS", 30, async || {
        (mails_to(&maildir, "mai@example.vn").len() == 1 && gw.accepted("/sms").len() == 1)
            .then_some(())
    })
    .await;
    let sms = &gw.accepted("/sms")[0].1;
    assert!(
        sms["text"]
            .as_str()
            .unwrap()
            .ends_with("Ngừng nhận tin: https://motcua.sonla.gov.vn/ngung-nhan-tin"),
        "{sms}"
    );

    // The applicant stops SMS, proving the contact with the file code and their phone.
    let anon = reqwest::Client::new();
    let r = anon
        .post(format!("{base}/api/v1/notifications/opt-out"))
        .json(&json!({ "code": code, "secret": "0900000000", "channels": ["sms"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, StatusCode::NOT_FOUND);
    let r = anon
        .post(format!("{base}/api/v1/notifications/opt-out"))
        .json(&json!({ "code": code, "secret": "0912345678", "channels": ["fax"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed".into())
    );
    let r: Value = anon
        .post(format!("{base}/api/v1/notifications/opt-out"))
        .json(&json!({ "code": code, "secret": "0912345678", "channels": ["sms"] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["stopped"], json!(["sms"]));

    // The page the messages link to does the same, in Vietnamese.
    let browser = common::client();
    let html = browser
        .get(format!("{base}/ngung-nhan-tin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Ngừng nhận tin nhắn về hồ sơ"), "{html}");
    let token = html
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .unwrap()
        .to_owned();
    let page = |secret: &'static str, token: String| {
        browser
            .post(format!("{base}/ngung-nhan-tin"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("code", code.as_str()),
                ("secret", secret),
                ("channel", "zalo"),
            ])
            .send()
    };
    let r = page("0900000000", token.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("Không tìm thấy hồ sơ"));
    let r = page("0912 345 678", token).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("Đã ngừng gửi tin nhắn Zalo"), "{html}");

    // Their next file: e-mail yes, SMS no.
    let second: Value = receive().await.json().await.unwrap();
    let second_code = second["code"].as_str().unwrap().to_owned();
    wait_until("the second e-mail", 30, async || {
        (mails_to(&maildir, "mai@example.vn").len() == 2).then_some(())
    })
    .await;
    wait_until("the second file's jobs", 30, async || {
        let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE state <> 'done'")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        (left == 0).then_some(())
    })
    .await;
    assert_eq!(gw.accepted("/sms").len(), 1, "no SMS after the opt-out");
    assert!(
        mails(&maildir)
            .iter()
            .any(|m| m["subject"] == format!("Hồ sơ {second_code} đã được tiếp nhận"))
    );
    let stored: Vec<(String, String)> =
        sqlx::query_as("SELECT contact_hash, channel FROM notify_optouts ORDER BY channel")
            .fetch_all(app.db.reader())
            .await
            .unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(
        (stored[0].1.as_str(), stored[1].1.as_str()),
        ("sms", "zalo")
    );
    assert_eq!(stored[0].0, stored[1].0, "one contact, hashed: {stored:?}");
    assert!(!stored[0].0.contains("0912"));
    assert!(serve.terminate().success());
    app.db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

on_both_backends!(
    staff_reminders_chat_and_cleanup => staff_reminders_chat_lookup_and_attachment_cleanup,
    opt_out => applicants_can_stop_a_channel,
);
