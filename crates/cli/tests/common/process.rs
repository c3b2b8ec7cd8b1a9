//! Real `motcua` processes for the tests that need more than one: started on a test database,
//! killed (SIGKILL) when dropped so a failing test leaves nothing running.

use motcua_app::{App, Db, Settings, SystemClock, demo, tenancy};
use motcua_testkit::{Backend, TestDb};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed (SIGKILL) when dropped.
pub struct Proc {
    pub child: Child,
}

impl Proc {
    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    pub fn kill_hard(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then the exit status (graceful shutdown).
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        unsafe {
            libc::kill(self.pid(), libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "process ignored SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill_hard();
    }
}

/// A fresh directory of the test's own under the system's temporary directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "motcua_{name}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts `motcua ARGS…` on the test database and returns it with the first line it printed
/// on stdout (`listening on http://…` for serve, `worker … started` for worker).
pub fn start(db: &TestDb, config: &Path, args: &[&str], stderr: &Path) -> (Proc, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .args(["--database-url", &db.url, "--config"])
        .arg(config)
        .env("MOTCUA_LOG", "info,sqlx=warn")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(stderr).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (Proc { child }, line.trim().to_owned())
}

/// A fresh database with the demo province, and the demo tenant's id.
pub async fn seeded(backend: Backend) -> (TestDb, App, i64) {
    let test_db = TestDb::new(backend).await;
    let db = Db::connect(&test_db.url, 4).await.expect("connect");
    db.migrate().await.expect("migrate");
    let app = App::new(db, Settings::default(), std::sync::Arc::new(SystemClock));
    demo::seed(&app).await.expect("seed demo data");
    let tenant = tenancy::resolve(&app, None, Some(demo::TENANT_CODE))
        .await
        .unwrap()
        .id;
    (test_db, app, tenant)
}

/// Polls `probe` every 50 ms until it gives a value, failing after `secs` seconds.
pub async fn wait_until<T>(what: &str, secs: u64, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
