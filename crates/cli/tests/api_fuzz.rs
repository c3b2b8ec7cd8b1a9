//! The JSON API fuzzed by schemathesis (PyPI, installed by scripts/ensure-pytools.sh) from its
//! own OpenAPI document, signed in as the province administrator, on SQLite and PostgreSQL:
//! no request it generates — valid, invalid, or at the edges of every schema — may get a 5xx,
//! an undocumented status or content type, or a body that does not match the document.
//!
//! Budget: `MOTCUA_FUZZ_EXAMPLES` test cases per operation (default 10) and the seed
//! `MOTCUA_FUZZ_SEED` (default 1, so a run is repeatable; set another to explore further).

mod common;

use common::spawn;
use motcua_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;

fn schemathesis() -> PathBuf {
    let st = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.tools/venv/bin/st");
    assert!(
        st.exists(),
        "schemathesis is not installed: run scripts/ensure-pytools.sh"
    );
    st
}

async fn api_holds_to_its_document(backend: Backend) {
    let server = spawn(backend).await;
    let admin = server.login("quantri").await;
    let response = admin
        .post("/api/v1/auth/tokens", json!({ "name": "schemathesis" }))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let token: Value = response.json().await.unwrap();
    let token = token["token"].as_str().unwrap().to_owned();

    let examples = std::env::var("MOTCUA_FUZZ_EXAMPLES").unwrap_or_else(|_| "10".into());
    let seed = std::env::var("MOTCUA_FUZZ_SEED").unwrap_or_else(|_| "1".into());
    let base = server.base.clone();
    // Its own working directory: schemathesis and Hypothesis keep caches of earlier runs there,
    // which would make a run depend on the ones before it instead of only on the seed.
    let workdir = std::env::temp_dir().join(format!(
        "motcua_schemathesis_{}_{backend:?}",
        std::process::id()
    ));
    std::fs::create_dir_all(&workdir).unwrap();
    let dir = workdir.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(schemathesis())
            .current_dir(&dir)
            .arg("run")
            .arg(format!("{base}/api/openapi.json"))
            .args(["-H", &format!("Authorization: Bearer {token}")])
            // What the document promises. Left out: `ignored_auth` (it sends a made-up session
            // cookie beside our valid bearer token and expects a refusal), the checks that
            // schema-valid data is accepted (business rules — an unknown unit code, a date in
            // the past — are not in the schema), and `negative_data_rejection`, which reports
            // an out-of-range `offset` it does not actually send.
            .args([
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,\
                 response_schema_conformance,response_headers_conformance",
            ])
            // Operations that would end the run's own credentials.
            .args([
                "--exclude-path-regex",
                r"^/api/v1/auth/(logout|password|tokens/\{id\})$",
            ])
            .args(["--phases", "examples,coverage,fuzzing"])
            .args([
                "--max-examples",
                &examples,
                "--seed",
                &seed,
                "--workers",
                "1",
            ])
            .args(["--request-timeout", "30", "--output-truncate", "true"])
            .output()
            .expect("run schemathesis")
    })
    .await
    .unwrap();
    let _ = std::fs::remove_dir_all(&workdir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis found problems on {backend:?}:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // It really exercised the API: every operation of the document was tested.
    let tested = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("Tested: "))
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or_else(|| panic!("no 'Tested:' line in:\n{stdout}"));
    let doc: Value = server
        .anonymous()
        .get("/api/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    let operations: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    assert!(
        tested + 3 >= operations && tested > 40,
        "schemathesis tested {tested} of {operations} operations:\n{stdout}"
    );
}

on_both_backends!(fuzzed => api_holds_to_its_document);
