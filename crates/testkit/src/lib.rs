//! A fresh database per test, on SQLite (a temporary file) or PostgreSQL (a new database on
//! the server at `MOTCUA_TEST_POSTGRES`, default `postgres://postgres@127.0.0.1:5432/postgres`),
//! dropped when the test ends, even if it panics.
//!
//! PostgreSQL tests fail, not skip, when the server is unreachable: `.ci/run` starts it.

use sqlx::{Connection, Executor};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database that exists for the life of the value.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    sqlite_file: Option<PathBuf>,
    pg_name: Option<String>,
    /// A directory of the test's own (attachments…), removed with it.
    scratch: PathBuf,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub fn postgres_admin_url() -> String {
    std::env::var("MOTCUA_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        sqlx::any::install_default_drivers();
        let suffix = unique_suffix();
        let scratch = std::env::temp_dir().join(format!("motcua_scratch_{suffix}"));
        match backend {
            Backend::Sqlite => {
                let file = std::env::temp_dir().join(format!("motcua_test_{suffix}.db"));
                TestDb {
                    url: format!("sqlite://{}", file.display()),
                    backend,
                    sqlite_file: Some(file),
                    pg_name: None,
                    scratch,
                }
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let name = format!("motcua_test_{suffix}");
                let mut conn = sqlx::AnyConnection::connect(&admin)
                    .await
                    .unwrap_or_else(|e| {
                        panic!("PostgreSQL at {admin} is needed for this test: {e}")
                    });
                conn.execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create test database");
                let _ = conn.close().await;
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                TestDb {
                    url: format!("{base}/{name}"),
                    backend,
                    sqlite_file: None,
                    pg_name: Some(name),
                    scratch,
                }
            }
        }
    }
}

impl TestDb {
    /// A directory for this test only, e.g. the attachment store; removed when the test ends.
    pub fn scratch_dir(&self, name: &str) -> PathBuf {
        self.scratch.join(name)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.scratch);
        if let Some(file) = self.sqlite_file.take() {
            for ext in ["", "-wal", "-shm"] {
                let mut p = file.clone().into_os_string();
                p.push(ext);
                let _ = std::fs::remove_file(p);
            }
        }
        if let Some(name) = self.pg_name.take() {
            // Drop may run inside a runtime; do the async work on a thread of its own.
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async {
                    if let Ok(mut conn) = sqlx::AnyConnection::connect(&postgres_admin_url()).await
                    {
                        let _ = conn
                            .execute(
                                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
                            )
                            .await;
                        let _ = conn.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// Defines `mod $name { sqlite, postgres }`: the async test function `$body(Backend)` run on each.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident => $body:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$body($crate::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$body($crate::Backend::Postgres).await
                }
            }
        )*
    };
}
