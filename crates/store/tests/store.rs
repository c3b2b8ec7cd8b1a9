//! Storage behaviour that every backend must share, run on SQLite and PostgreSQL.

use motcua_store::catalogue::{self, ProcedureFilter, ProcedureValues};
use motcua_store::units::{self, NewUnit};
use motcua_store::{Db, StoreError, audit, commit, files, tenants};
use motcua_testkit::{Backend, TestDb, on_both_backends};

async fn open(backend: Backend) -> (TestDb, Db) {
    let test_db = TestDb::new(backend).await;
    let db = Db::connect(&test_db.url, 4).await.expect("connect");
    db.migrate().await.expect("migrate");
    (test_db, db)
}

fn unit<'a>(code: &'a str, name: &'a str, parent: Option<&'a units::Unit>) -> NewUnit<'a> {
    NewUnit {
        parent,
        code,
        name,
        kind: "commune",
        valid_from: None,
        valid_to: None,
    }
}

async fn migrations_are_idempotent_and_tenants_isolated(backend: Backend) {
    let (_guard, db) = open(backend).await;
    db.migrate().await.expect("second migrate is a no-op");
    let mut tx = db.begin().await.unwrap();
    let a = tenants::insert(&mut tx, "a", "Tỉnh A", None, 1)
        .await
        .unwrap();
    let b = tenants::insert(&mut tx, "b", "Tỉnh B", None, 1)
        .await
        .unwrap();
    let root = units::insert(&mut tx, a.id, unit("000.00.00.H01", "UBND tỉnh A", None), 1)
        .await
        .unwrap();
    let child = units::insert(
        &mut tx,
        a.id,
        unit("000.01.00.H01", "Xã Một", Some(&root)),
        1,
    )
    .await
    .unwrap();
    // The same code may exist in another tenant.
    units::insert(&mut tx, b.id, unit("000.00.00.H01", "UBND tỉnh B", None), 1)
        .await
        .unwrap();
    commit(tx).await.unwrap();

    assert_eq!(child.path, format!("/{}/{}/", root.id, child.id));
    let mut conn = db.read_conn().await.unwrap();
    let in_a = units::list(&mut conn, a.id).await.unwrap();
    assert_eq!(
        in_a.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
        ["UBND tỉnh A", "Xã Một"]
    );
    assert!(
        units::by_id(&mut conn, b.id, child.id)
            .await
            .unwrap()
            .is_none(),
        "tenant B cannot see A's unit by id"
    );
    assert_eq!(units::list(&mut conn, b.id).await.unwrap().len(), 1);
}

async fn duplicates_are_reported_and_nothing_half_written(backend: Backend) {
    let (_guard, db) = open(backend).await;
    let mut tx = db.begin().await.unwrap();
    let t = tenants::insert(&mut tx, "a", "Tỉnh A", None, 1)
        .await
        .unwrap();
    units::insert(&mut tx, t.id, unit("000.00.00.H01", "Một", None), 1)
        .await
        .unwrap();
    commit(tx).await.unwrap();

    let mut tx = db.begin().await.unwrap();
    units::insert(&mut tx, t.id, unit("000.02.00.H01", "Hai", None), 1)
        .await
        .unwrap();
    let err = units::insert(&mut tx, t.id, unit("000.00.00.H01", "Trùng", None), 1)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    drop(tx); // rolled back: the first insert of this transaction must vanish too

    let mut conn = db.read_conn().await.unwrap();
    let names: Vec<String> = units::list(&mut conn, t.id)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["Một"]);
}

async fn catalogue_search_is_literal_and_folded(backend: Backend) {
    let (_guard, db) = open(backend).await;
    let mut tx = db.begin().await.unwrap();
    let t = tenants::insert(&mut tx, "a", "Tỉnh A", None, 1)
        .await
        .unwrap();
    let field = catalogue::upsert_field(&mut tx, t.id, "HOTICH", "Hộ tịch", "ho tich")
        .await
        .unwrap();
    for (code, name, folded) in [
        ("1.001193", "Đăng ký khai sinh", "dang ky khai sinh"),
        ("1.000894", "Đăng ký kết hôn", "dang ky ket hon"),
        (
            "9.000001",
            "Thủ tục 100% trực tuyến",
            "thu tuc 100% truc tuyen",
        ),
    ] {
        let v = ProcedureValues {
            code,
            name,
            name_folded: folded,
            field_id: field.id,
            level: "xa",
            time_value: 1,
            time_unit: "working_days",
            fees_json: "[]",
            documents_json: "[]",
            channel_counter: true,
            channel_post: false,
            online: "full",
            online_payment: false,
            result: "",
            legal_basis_json: "[]",
            agency: "",
            valid_from: None,
            valid_to: None,
        };
        catalogue::insert_procedure(&mut tx, t.id, &v, 1)
            .await
            .unwrap();
    }
    commit(tx).await.unwrap();

    let mut conn = db.read_conn().await.unwrap();
    let find = |terms: &[&str]| ProcedureFilter {
        terms: terms.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    let names =
        |rows: Vec<catalogue::ProcedureRow>| rows.into_iter().map(|r| r.name).collect::<Vec<_>>();

    let rows = catalogue::search_procedures(&mut conn, t.id, &find(&["dang", "khai"]), 10, 0)
        .await
        .unwrap();
    assert_eq!(names(rows), ["Đăng ký khai sinh"]);
    let rows = catalogue::search_procedures(&mut conn, t.id, &find(&["1.00"]), 10, 0)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2, "code prefix");
    // An escaped % matches only a literal percent sign, not "anything".
    let rows = catalogue::search_procedures(&mut conn, t.id, &find(&["100\\%"]), 10, 0)
        .await
        .unwrap();
    assert_eq!(names(rows), ["Thủ tục 100% trực tuyến"]);
    let rows = catalogue::search_procedures(&mut conn, t.id, &find(&["\\%"]), 10, 0)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    // SQL metacharacters are data.
    let rows = catalogue::search_procedures(&mut conn, t.id, &find(&["' or 1=1 --"]), 10, 0)
        .await
        .unwrap();
    assert!(rows.is_empty());
    assert_eq!(
        catalogue::count_procedures(&mut conn, t.id, &ProcedureFilter::default())
            .await
            .unwrap(),
        3
    );
    // Another tenant sees none of it.
    assert_eq!(
        catalogue::count_procedures(&mut conn, t.id + 1, &ProcedureFilter::default())
            .await
            .unwrap(),
        0
    );
}

async fn audit_chains_hand_out_consecutive_slots(backend: Backend) {
    let (_guard, db) = open(backend).await;
    let mut tx = db.begin().await.unwrap();
    let t = tenants::insert(&mut tx, "a", "Tỉnh A", None, 1)
        .await
        .unwrap();
    audit::create_chains(&mut tx, t.id).await.unwrap();
    audit::create_chains(&mut tx, t.id).await.unwrap();
    commit(tx).await.unwrap();
    // Three records appended one after another take slots 1, 2, 3, each linked to the one
    // before by `link_hash`, starting from the genesis hash; the head ends at the third.
    let mut prev = audit::GENESIS.to_owned();
    for i in 1..=3 {
        let content = format!("{i:064}");
        let mut tx = db.begin().await.unwrap();
        let seq = audit::append(
            &mut tx,
            t.id,
            &audit::Entry {
                content: audit::Content {
                    chain: 5,
                    at: 10,
                    actor_id: None,
                    action: "x",
                    entity_type: "unit",
                    entity_id: "1",
                    before_json: None,
                    after_json: Some("{}"),
                },
                content_hash: &content,
            },
        )
        .await
        .unwrap();
        commit(tx).await.unwrap();
        assert_eq!(seq, i);
        let mut conn = db.read_conn().await.unwrap();
        let record = audit::chain_page(&mut conn, t.id, 5, i - 1, 10)
            .await
            .unwrap()
            .remove(0);
        assert_eq!((record.seq, &record.prev_hash), (i, &prev));
        assert_eq!(record.hash, audit::link_hash(&prev, i, &content));
        assert_ne!(record.hash, prev);
        prev = record.hash;
    }
    let mut conn = db.read_conn().await.unwrap();
    assert_eq!(
        audit::head(&mut conn, t.id, 5).await.unwrap(),
        Some((3, prev))
    );
    // Other chains did not move.
    assert_eq!(
        audit::head(&mut conn, t.id, 4).await.unwrap(),
        Some((0, audit::GENESIS.to_owned()))
    );
}

on_both_backends! {
    migrations_and_tenants => migrations_are_idempotent_and_tenants_isolated,
    duplicates => duplicates_are_reported_and_nothing_half_written,
    catalogue_search => catalogue_search_is_literal_and_folded,
    audit_chains => audit_chains_hand_out_consecutive_slots,
}

/// Many intakes at once on one unit and day: every number is issued exactly once, and a
/// rolled-back intake gives its number back instead of leaving a hole.
async fn file_code_numbers_are_unique_under_concurrency(backend: Backend) {
    let (_guard, db) = open(backend).await;
    let mut tx = db.begin().await.unwrap();
    let t = tenants::insert(&mut tx, "a", "Tỉnh A", None, 1)
        .await
        .unwrap();
    let u = units::insert(&mut tx, t.id, unit("000.00.00.H01", "UBND", None), 1)
        .await
        .unwrap();
    commit(tx).await.unwrap();

    let mut tx = db.begin().await.unwrap();
    assert_eq!(
        files::next_code_seq(&mut tx, t.id, u.id, "2026-11-23")
            .await
            .unwrap(),
        1
    );
    drop(tx); // rolled back

    let mut tasks = Vec::new();
    for _ in 0..40 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = db.begin().await.unwrap();
            let seq = files::next_code_seq(&mut tx, t.id, u.id, "2026-11-23")
                .await
                .unwrap();
            commit(tx).await.unwrap();
            seq
        }));
    }
    let mut seqs = Vec::new();
    for task in tasks {
        seqs.push(task.await.unwrap());
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=40).collect::<Vec<i64>>());
    // Another day, another unit: numbering starts again.
    let mut tx = db.begin().await.unwrap();
    assert_eq!(
        files::next_code_seq(&mut tx, t.id, u.id, "2026-11-24")
            .await
            .unwrap(),
        1
    );
    commit(tx).await.unwrap();
}

on_both_backends! {
    file_codes => file_code_numbers_are_unique_under_concurrency,
}
