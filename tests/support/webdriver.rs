//! A real browser for tests that check what a person sees: Debian's headless Chromium driven over
//! WebDriver (chromedriver, through the `fantoccini` client), started offline with a fresh
//! profile, with screenshots saved under a folder people can open. Shared by the browser tests
//! (`#[path = "support/webdriver.rs"] mod webdriver;`).

#![allow(dead_code)] // each test uses the part it needs

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::Value;

/// Chromium's flags: headless, and nothing that reaches for the network on its own.
pub const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--window-size=1400,900",
];

/// A step's result: the error says what was awaited and what was seen instead.
pub type Step<T> = Result<T, String>;

/// Chromium and chromedriver from `KREF_TEST_CHROMIUM` / `KREF_TEST_CHROMEDRIVER`, else Debian's.
pub fn find_browser() -> Result<(PathBuf, PathBuf), String> {
    let chromium = std::env::var_os("KREF_TEST_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let driver = std::env::var_os("KREF_TEST_CHROMEDRIVER")
        .map_or_else(|| PathBuf::from("/usr/bin/chromedriver"), PathBuf::from);
    for (what, path) in [("chromium", &chromium), ("chromedriver", &driver)] {
        if !path.is_file() {
            return Err(format!(
                "{what} not found at {} (apt-get install chromium chromium-driver)",
                path.display()
            ));
        }
    }
    Ok((chromium, driver))
}

/// A free TCP port on the loopback interface.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// A process started as the leader of its own process group, ended with the whole group (a
/// browser's or an editor's helpers included), once.
pub struct Group {
    child: Child,
    ended: bool,
}

impl Group {
    /// Starts `command` in a new process group.
    pub fn spawn(command: &mut Command) -> std::io::Result<Group> {
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(command, 0);
        Ok(Group { child: command.spawn()?, ended: false })
    }

    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Kills every process of the group, then reaps the leader. The leader is reaped only after,
    /// so its id (the group's) cannot have been reused when the group is signalled.
    pub fn end(&mut self) {
        if self.ended {
            return;
        }
        self.ended = true;
        // `--`: without it, procps's kill reads "-PID" as an option.
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", self.child.id())])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.end();
    }
}

/// One Chromium session. Dropping it ends chromedriver and the browser.
pub struct Browser {
    client: Option<Client>,
    driver: Group,
    _profile: tempfile::TempDir,
    shots: PathBuf,
    shot_count: AtomicUsize,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a fresh profile; screenshots go to `shots`.
    pub async fn start(shots: &Path) -> Step<Browser> {
        Browser::start_with(shots, &[]).await
    }

    /// [`Browser::start`] with more Chromium flags (`--blink-settings=preferredColorScheme=0`
    /// for a dark colour scheme, say).
    pub async fn start_with(shots: &Path, extra_flags: &[&str]) -> Step<Browser> {
        let (chromium, driver_bin) = find_browser()?;
        let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
        let port = free_port();
        let mut command = Command::new(&driver_bin);
        command
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let driver =
            Group::spawn(&mut command).map_err(|e| format!("starting {}: {e}", driver_bin.display()))?;
        let mut browser = Browser {
            client: None,
            driver,
            _profile: profile,
            shots: shots.to_path_buf(),
            shot_count: AtomicUsize::new(0),
        };

        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| (*s).to_owned()).collect();
        args.push(format!("--user-data-dir={}", browser._profile.path().display()));
        args.extend(extra_flags.iter().map(|f| (*f).to_owned()));
        let caps = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": args },
        });
        let serde_json::Value::Object(caps) = caps else { unreachable!() };
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector).capabilities(caps.clone()).connect(&url).await {
                Ok(client) => break client,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => return Err(format!("no WebDriver session from {}: {e}", driver_bin.display())),
            }
        };
        browser.client = Some(client);
        std::fs::create_dir_all(shots).map_err(|e| format!("creating {}: {e}", shots.display()))?;
        Ok(browser)
    }

    pub fn client(&self) -> &Client {
        self.client.as_ref().expect("a session")
    }

    /// Saves a screenshot of the whole window as `NN-name.png`; returns its path.
    pub async fn screenshot(&self, name: &str) -> Step<PathBuf> {
        let n = self.shot_count.fetch_add(1, Ordering::SeqCst) + 1;
        let path = self.shots.join(format!("{n:02}-{name}.png"));
        let png = self.client().screenshot().await.map_err(|e| format!("screenshot {name}: {e}"))?;
        std::fs::write(&path, png).map_err(|e| format!("writing {}: {e}", path.display()))?;
        Ok(path)
    }

    /// Runs JavaScript in the page and returns its value.
    pub async fn js(&self, script: &str) -> Step<Value> {
        self.client().execute(script, Vec::new()).await.map_err(|e| format!("script failed: {e}\n{script}"))
    }

    /// Types into whatever has the keyboard focus (WebDriver keys such as `Key::Enter` are chars).
    pub async fn keys(&self, text: &str) -> Step<()> {
        let focused = self.client().active_element().await.map_err(|e| format!("no focused element: {e}"))?;
        focused.send_keys(text).await.map_err(|e| format!("typing {text:?}: {e}"))
    }

    /// Polls `probe` every 100 ms until it returns `Some`, for at most `limit`. The error names
    /// `what` and the last value `probe` saw (its `Err`), to say what the page showed instead.
    pub async fn wait_for<T, F, Fut>(&self, what: &str, limit: Duration, mut probe: F) -> Step<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<Option<T>, String>>,
    {
        let deadline = Instant::now() + limit;
        let mut last = String::new();
        loop {
            match probe().await {
                Ok(Some(value)) => return Ok(value),
                Ok(None) => {}
                Err(seen) => last = seen,
            }
            if Instant::now() >= deadline {
                return Err(format!("timed out after {limit:?} waiting for {what}; last seen: {last}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Visible elements matching a CSS selector.
    pub async fn visible(&self, css: &str) -> Step<Vec<Element>> {
        let all = self.client().find_all(Locator::Css(css)).await.map_err(|e| format!("{css}: {e}"))?;
        let mut shown = Vec::new();
        for element in all {
            if element.is_displayed().await.unwrap_or(false) {
                shown.push(element);
            }
        }
        Ok(shown)
    }

    /// The text of the document in an iframe (found by `frame_css`) and the iframes nested in it,
    /// following the first nested frame each time (how VS Code's webviews are built).
    pub async fn frame_text(&self, frame_css: &str, depth: usize) -> Step<String> {
        let client = self.client();
        let frames = self.visible(frame_css).await?;
        let Some(frame) = frames.into_iter().next() else { return Ok(String::new()) };
        frame.enter_frame().await.map_err(|e| format!("entering {frame_css}: {e}"))?;
        let mut entered = 1;
        let mut text = Ok(String::new());
        for _ in 0..depth {
            match client.find(Locator::Css("iframe")).await {
                Ok(inner) if inner.enter_frame().await.is_ok() => entered += 1,
                _ => break,
            }
        }
        if let Ok(body) =
            client.execute("return document.body ? document.body.innerText : ''", Vec::new()).await
        {
            text = Ok(body.as_str().unwrap_or_default().to_owned());
        }
        for _ in 0..entered {
            let _ = client.enter_parent_frame().await;
        }
        text
    }

    /// Ends the session (Chromium quits) and chromedriver.
    pub async fn close(mut self) {
        if let Some(client) = self.client.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        }
        // Chromium runs in chromedriver's process group: ending the group ends the browser too
        // (also when the browser is dropped without `close`, through `Group`'s drop).
        self.driver.end();
    }
}
