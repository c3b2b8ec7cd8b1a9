//! A headless Chromium driven through chromedriver (WebDriver), one of each per test.
//!
//! chromedriver runs on a port of its own in its own process group; the group (chromedriver
//! and every browser process it started) is killed when the [`Browser`] is dropped, also when
//! the test panics. Every wait is explicit and bounded by [`WAIT`]; a wait that times out saves
//! a screenshot named `failed-…` and panics with what the page showed instead.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Chromium's Vietnamese locale (Debian's chromium-l10n): without it the browser falls back to
/// American English, and date fields expect mm/dd/yyyy.
const VIETNAMESE: &str = "/usr/lib/chromium/locales/vi.pak";

/// The longest wait for anything the browser should do: generous, for a busy 2-core machine.
pub const WAIT: Duration = Duration::from_secs(20);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(100);

const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
    "--lang=vi",
];

/// Fails (never skips) when the browser is not installed.
fn require_browser() {
    for path in [CHROMIUM, CHROMEDRIVER, VIETNAMESE] {
        assert!(
            Path::new(path).exists(),
            "{path} is missing: run scripts/ensure-browser.sh to install Debian's chromium, \
             chromium-driver and chromium-l10n (the browser tests need them)"
        );
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A directory that is removed with everything in it when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "{prefix}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).expect("create a temporary directory");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A chromedriver process, leader of its own process group.
struct Chromedriver {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Chromedriver {
    /// Starts chromedriver on a free port and waits until it accepts sessions.
    async fn start(scratch: &Path) -> Chromedriver {
        let log = scratch.join("chromedriver.log");
        // Another process may take the port between our probe and chromedriver's bind: try again.
        for _ in 0..3 {
            let port = free_port();
            let log_file = std::fs::File::create(&log).expect("create chromedriver log");
            let child = {
                use std::os::unix::process::CommandExt;
                Command::new(CHROMEDRIVER)
                    .arg(format!("--port={port}"))
                    // A Vietnamese user's browser: Chromium on Linux takes its locale from the
                    // environment (date fields then read "16:10 20/11/2026").
                    .env("LANGUAGE", "vi")
                    .stdin(Stdio::null())
                    .stdout(log_file.try_clone().expect("log file handle"))
                    .stderr(log_file)
                    .process_group(0)
                    .spawn()
                    .unwrap_or_else(|e| {
                        panic!("cannot start {CHROMEDRIVER}: {e}; run scripts/ensure-browser.sh")
                    })
            };
            let mut driver = Chromedriver {
                child,
                port,
                log: log.clone(),
            };
            if driver.wait_ready().await {
                return driver;
            }
            drop(driver);
        }
        panic!(
            "chromedriver did not start; its log:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn wait_ready(&mut self) -> bool {
        let status = format!("{}/status", self.url());
        let http = reqwest::Client::new();
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if let Ok(response) = http.get(&status).send().await
                && let Ok(body) = response.json::<Value>().await
                && body["value"]["ready"] == json!(true)
            {
                return true;
            }
            tokio::time::sleep(POLL).await;
        }
        false
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The group's id is chromedriver's pid (process_group(0)); the browser processes it
        // started are in it too, so none outlives the test.
        if let Ok(pgid) = libc::pid_t::try_from(self.child.id()) {
            // SAFETY: kill(2) with a negative pid signals the process group we created.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// Where screenshots go: `<cargo target dir>/test-output/screenshots/<test>/`.
fn screenshot_dir(test: &str) -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .to_path_buf();
    let dir = target.join("test-output").join("screenshots").join(test);
    // Pictures of an earlier run would be mistaken for this one's.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the screenshot directory");
    dir
}

/// One browser session on the app at `base`.
pub struct Browser {
    client: Client,
    base: String,
    screenshots: PathBuf,
    step: u32,
    // Dropped in this order: the browser processes, then their profile directory.
    _driver: Chromedriver,
    _scratch: TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a fresh profile; screenshots go under
    /// the directory named `test`.
    pub async fn start(test: &str, base: &str) -> Browser {
        require_browser();
        let scratch = TempDir::new("motcua-browser");
        let profile = scratch.0.join("profile");
        let driver = Chromedriver::start(&scratch.0).await;
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| (*s).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let capabilities: Capabilities = serde_json::from_value(json!({
            "browserName": "chrome",
            // A page that never finishes loading fails the test within a minute, not five.
            "timeouts": { "pageLoad": 60_000, "script": 30_000 },
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": args,
                "prefs": { "intl.accept_languages": "vi-VN,vi" },
            },
        }))
        .expect("capabilities are a JSON object");
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "cannot open a Chromium session ({e}); chromedriver log:\n{}",
                    std::fs::read_to_string(&driver.log).unwrap_or_default()
                )
            });
        Browser {
            client,
            base: base.to_owned(),
            screenshots: screenshot_dir(test),
            step: 0,
            _driver: driver,
            _scratch: scratch,
        }
    }

    /// Ends the session cleanly (the browser quits); the drop then stops chromedriver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens a path of the app and waits until the page has loaded.
    pub async fn open(&mut self, path: &str) {
        let url = format!("{}{path}", self.base);
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
        self.wait_loaded().await;
    }

    /// The path and query of the page shown.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current URL");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    async fn wait_loaded(&mut self) {
        self.wait_until("the page to finish loading", async |b: &Browser| {
            Ok(b.client
                .execute("return document.readyState", vec![])
                .await?
                == json!("complete"))
        })
        .await;
    }

    /// Saves a PNG of the viewport as `NN-step.png`.
    pub async fn screenshot(&mut self, step: &str) {
        self.step += 1;
        let png = self.client.screenshot().await.expect("take a screenshot");
        let file = self
            .screenshots
            .join(format!("{:02}-{step}.png", self.step));
        std::fs::write(&file, png).unwrap_or_else(|e| panic!("write {}: {e}", file.display()));
    }

    /// Polls `ready` until it says true, for at most [`WAIT`]. Elements that are missing or
    /// replaced while the page changes count as "not yet".
    pub async fn wait_until<F>(&mut self, what: &str, mut ready: F)
    where
        F: AsyncFnMut(&Browser) -> Result<bool, CmdError>,
    {
        let deadline = Instant::now() + WAIT;
        loop {
            match ready(self).await {
                Ok(true) => return,
                Ok(false) => {}
                Err(e) if page_changing(&e) => {}
                Err(e) => self.fail(&format!("waiting for {what}: {e}")).await,
            }
            if Instant::now() >= deadline {
                self.fail(&format!("timed out after {WAIT:?} waiting for {what}"))
                    .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits for an element matching `css` and returns it.
    pub async fn find(&mut self, css: &str) -> Element {
        let mut found = None;
        self.wait_until(&format!("an element `{css}`"), async |b: &Browser| match b
            .client
            .find(Locator::Css(css))
            .await
        {
            Ok(e) => {
                found = Some(e);
                Ok(true)
            }
            Err(e) => Err(e),
        })
        .await;
        found.expect("found")
    }

    /// Waits until the element matching `css` shows text containing `needle`; returns its text.
    pub async fn wait_text(&mut self, css: &str, needle: &str) -> String {
        let mut seen = String::new();
        self.wait_until(
            &format!("`{css}` to show «{needle}»"),
            async |b: &Browser| {
                seen = b.client.find(Locator::Css(css)).await?.text().await?;
                Ok(seen.contains(needle))
            },
        )
        .await;
        seen
    }

    /// Waits until the browser shows the page at `path` (path and query) and it has loaded.
    pub async fn wait_path(&mut self, path: &str) {
        self.wait_until(&format!("the page {path}"), async |b: &Browser| {
            Ok(b.path().await == path)
        })
        .await;
        self.wait_loaded().await;
    }

    /// The visible text of the first element matching `css` (waiting for it).
    pub async fn text(&mut self, css: &str) -> String {
        let mut seen = String::new();
        self.wait_until(&format!("the text of `{css}`"), async |b: &Browser| {
            seen = b.client.find(Locator::Css(css)).await?.text().await?;
            Ok(true)
        })
        .await;
        seen
    }

    /// Types on the keyboard into whatever has the focus, as a person would (keys may be
    /// [`fantoccini::key::Key`] characters such as Tab or Enter).
    pub async fn keys(&self, text: &str) {
        let mut keyboard = KeyActions::new("keyboard".into());
        for c in text.chars() {
            keyboard = keyboard
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        self.client
            .perform_actions(keyboard)
            .await
            .unwrap_or_else(|e| panic!("type {text:?}: {e}"));
        self.client.release_actions().await.expect("release keys");
    }

    /// The `id` of the focused element ("" for none).
    pub async fn focused_id(&self) -> String {
        self.js(
            "return document.activeElement && document.activeElement.id || ''",
            vec![],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// Presses Tab until the element with `id` has the focus: it must be reachable with the
    /// keyboard alone.
    pub async fn tab_to(&mut self, id: &str) {
        for _ in 0..30 {
            if self.focused_id().await == id {
                return;
            }
            self.keys(&char::from(fantoccini::key::Key::Tab).to_string())
                .await;
        }
        self.fail(&format!("#{id} is not reached with the Tab key"))
            .await;
    }

    /// Saves a screenshot of the failure and panics with what the page shows.
    async fn fail(&mut self, message: &str) -> ! {
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let shown = self
            .client
            .execute(
                "return document.body ? document.body.innerText : ''",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        // Best effort: the browser may be what failed.
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(self.screenshots.join("failed.png"), png);
        }
        panic!(
            "{message}\nat {url}; screenshots in {}\npage text:\n{shown}",
            self.screenshots.display()
        );
    }
}

/// An element missing or replaced while the page changes. Chromium sometimes reports a
/// replaced element as an "unknown error" (`Node with given id does not belong to the
/// document`) instead of a stale reference: a CI run failed on it with the text already shown.
fn page_changing(e: &CmdError) -> bool {
    e.is_no_such_element()
        || e.is_stale_element_reference()
        || e.to_string().contains("does not belong to the document")
}
