//! `kref serve` in a real browser: Debian's headless Chromium over WebDriver. What a person does:
//! the box has the focus and `/` brings it back, results appear while typing (the page is not
//! reloaded), a result opens, an explain page leads one field down and back up, a hostile note
//! runs nothing, and the pages read on a phone and in a dark colour scheme. Screenshots of each
//! step land in `target/serve-e2e/` for people to look at.
//!
//! Needs chromium and chromium-driver (Debian packages). `.ci/run` installs them and sets
//! `KREF_REQUIRE_BROWSER_TEST=1`, so that a missing piece fails instead of skipping; without them
//! the test is skipped with a message saying how to install them.

#[path = "support/webdriver.rs"]
mod webdriver;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use fantoccini::Locator;
use serde_json::Value;

use webdriver::{Browser, Group, Step, find_browser};

const STEP: Duration = Duration::from_secs(20);

fn shots_dir() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(&tmp).join("serve-e2e")
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A `kref serve` of a small team's notes in a temporary home; its address.
fn start_server(dir: &Path) -> (Group, String) {
    let notes = dir.join("notes");
    write(
        &notes.join("team/backups.md"),
        "# Nightly backups\n\nOur `CronJob` velero-nightly backs up every namespace.\n\n\
         - `CronJob`: the nightly backup job\n  - `concurrencyPolicy`: always `Forbid` for backups\n\n\
         ## Restore drill\n\nRead the [restore runbook](../ops/restore.md) first.\n",
    );
    write(&notes.join("ops/restore.md"), "# Restoring\n\nScale the app down, then restore the volume.\n");
    write(
        &notes.join("ops/hostile.md"),
        "# Hostile note\n\n<script>window.__pwned = 'script'</script>\n\n\
         <img src=\"nothing.png\" onerror=\"window.__pwned = 'onerror'\">\n\n\
         [click me](javascript:window.__pwned='link')\n\n\
         <a href=\"javascript:window.__pwned='raw'\" onclick=\"window.__pwned='onclick'\">raw link</a>\n",
    );
    let mut command = Command::new(env!("CARGO_BIN_EXE_kref"));
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--notes"])
        .arg(&notes)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("KREF_CACHE_DIR", dir.join("cache"))
        .env_remove("KREF_NOTES")
        .env_remove("KREF_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut group = Group::spawn(&mut command).expect("kref serve starts");
    let stdout = group.child().stdout.take().unwrap();
    let line = BufReader::new(stdout).lines().next().expect("kref serve says where it is").unwrap();
    let url = line.split("http://").nth(1).expect("an address").trim_end_matches('/').to_string();
    (group, format!("http://{url}"))
}

async fn goto(browser: &Browser, url: &str) -> Step<()> {
    browser.client().goto(url).await.map_err(|e| format!("opening {url}: {e}"))
}

async fn current_url(browser: &Browser) -> Step<String> {
    browser.client().current_url().await.map(|u| u.to_string()).map_err(|e| e.to_string())
}

/// Waits until the page's address contains `part`.
async fn wait_url(browser: &Browser, part: &str) -> Step<String> {
    browser
        .wait_for(&format!("an address with {part}"), STEP, || async {
            let url = current_url(browser).await?;
            if url.contains(part) { Ok(Some(url)) } else { Err(url) }
        })
        .await
}

/// Waits until `script` returns something true, and returns it.
async fn wait_js(browser: &Browser, what: &str, script: &str) -> Step<Value> {
    browser
        .wait_for(what, STEP, || async {
            let value = browser.js(script).await?;
            let truthy = !matches!(value, Value::Null | Value::Bool(false)) && value != "";
            if truthy { Ok(Some(value)) } else { Err(value.to_string()) }
        })
        .await
}

async fn click(browser: &Browser, css: &str) -> Step<()> {
    let element = browser.client().find(Locator::Css(css)).await.map_err(|e| format!("{css}: {e}"))?;
    element.click().await.map_err(|e| format!("clicking {css}: {e}"))
}

async fn steps(browser: &Browser, base: &str) -> Step<()> {
    // Home: the box has the focus.
    goto(browser, &format!("{base}/")).await?;
    wait_js(
        browser,
        "the box to have the focus",
        "return document.activeElement && document.activeElement.id === 'q'",
    )
    .await?;
    browser.screenshot("home").await?;
    // `/` brings the focus back from anywhere on the page.
    browser.js("document.activeElement.blur(); return true").await?;
    let body = browser.client().find(Locator::Css("body")).await.map_err(|e| e.to_string())?;
    body.send_keys("/").await.map_err(|e| format!("pressing /: {e}"))?;
    wait_js(
        browser,
        "`/` to focus the box",
        "return document.activeElement.id === 'q' && document.getElementById('q').value === ''",
    )
    .await?;

    // Search as you type: results appear and the address follows, without loading a page.
    browser.js("window.__samePage = true; return true").await?;
    browser.keys("concurrencyPolicy").await?;
    wait_js(
        browser,
        "an answer while typing",
        "return document.querySelector('#results .answer h2') !== null",
    )
    .await?;
    wait_url(browser, "/search?q=concurrencyPolicy").await?;
    let same = browser.js("return window.__samePage === true").await?;
    if same != Value::Bool(true) {
        return Err("typing reloaded the page instead of updating it".into());
    }
    let answer = browser.js("return document.querySelector('#results .answer').innerText").await?;
    if !answer.as_str().unwrap_or("").contains("concurrencyPolicy") {
        return Err(format!("the answer is not about concurrencyPolicy: {answer}"));
    }
    let marks = browser.js("return document.querySelectorAll('#results mark').length").await?;
    if marks.as_u64().unwrap_or(0) == 0 {
        return Err("no highlighted words in the snippets".into());
    }
    browser.screenshot("search-as-you-type").await?;
    // Filters: only the user's notes.
    browser.js("var s = document.getElementById('source'); s.value = 'user'; s.dispatchEvent(new Event('change', {bubbles: true})); return true").await?;
    wait_url(browser, "source=user").await?;
    wait_js(browser, "only the user's notes", "var tags = [...document.querySelectorAll('#results h2 .tag, #results h3 .tag')]; return tags.length > 0 && tags.every(t => t.textContent === 'your notes')").await?;
    browser.screenshot("search-your-notes").await?;

    // Open a result: the first note section of the list.
    click(browser, "#results ol.hits li h3 a[href^='/show/'], #results .answer h2 a[href^='/show/']").await?;
    wait_url(browser, "/show/").await?;
    wait_js(browser, "the section's text", "return document.querySelector('article.section .md') !== null && document.body.innerText.includes('backup')").await?;
    browser.screenshot("result-opened").await?;

    // Explain: one field down, then up again by the breadcrumbs.
    goto(browser, &format!("{base}/explain/deploy.spec.strategy")).await?;
    wait_js(browser, "the explain page", "return document.querySelector('h1') && document.querySelector('h1').innerText.includes('Deployment.spec.strategy')").await?;
    browser.screenshot("explain").await?;
    click(browser, "table.fields a[href='/explain/Deployment.spec.strategy.rollingUpdate']").await?;
    wait_url(browser, "/explain/Deployment.spec.strategy.rollingUpdate").await?;
    wait_js(browser, "the child field's page with its fields", "return document.querySelector('h1').innerText.includes('rollingUpdate') && document.body.innerText.includes('maxSurge')").await?;
    browser.screenshot("explain-child-field").await?;
    click(browser, "nav.crumbs a[href='/explain/Deployment.spec']").await?;
    wait_js(browser, "the breadcrumb's page", "return location.pathname === '/explain/Deployment.spec' && document.querySelector('h1').innerText === 'Deployment.spec'").await?;

    // A hostile note runs nothing, even when its texts are clicked.
    goto(browser, &format!("{base}/search?q=hostile+note&source=user")).await?;
    click(browser, "#results a[href^='/show/']").await?;
    wait_js(browser, "the hostile note", "return document.body.innerText.includes('click me')").await?;
    for text in ["click me", "raw link"] {
        let clicked = browser
            .js(&format!("var el = [...document.querySelectorAll('main *')].find(e => e.childElementCount === 0 && e.textContent.includes({text:?})); if (el) {{ el.click(); }} return !!el"))
            .await?;
        if clicked != Value::Bool(true) {
            return Err(format!("{text:?} is not on the page"));
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let verdict = browser
        .js("return {pwned: window.__pwned === undefined ? null : window.__pwned, scripts: [...document.scripts].map(s => s.src), js_links: [...document.querySelectorAll('a')].filter(a => /^\\s*javascript:/i.test(a.getAttribute('href') || '')).length, handlers: [...document.querySelectorAll('main *')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length, url: location.pathname}")
        .await?;
    if verdict["pwned"] != Value::Null || verdict["js_links"] != 0 || verdict["handlers"] != 0 {
        return Err(format!("the hostile note ran or kept something: {verdict}"));
    }
    let scripts = verdict["scripts"].as_array().cloned().unwrap_or_default();
    if scripts.len() != 1 || !scripts[0].as_str().unwrap_or("").contains("/assets/app.js") {
        return Err(format!("scripts on the page other than kref's own: {verdict}"));
    }
    browser.screenshot("hostile-note").await?;

    // The other pages.
    for (path, name, expect) in [
        ("/kinds", "kinds", "HorizontalPodAutoscaler"),
        ("/rules", "rules", "image-tag"),
        ("/rules/image-tag", "rule", "Image without a pinned tag"),
    ] {
        goto(browser, &format!("{base}{path}")).await?;
        wait_js(
            browser,
            &format!("{path} to show {expect}"),
            &format!("return document.body.innerText.includes({expect:?})"),
        )
        .await?;
        browser.screenshot(name).await?;
    }

    // A phone: nothing wider than the screen.
    browser.client().set_window_size(390, 844).await.map_err(|e| e.to_string())?;
    for (path, name) in
        [("/search?q=rolling+update", "phone-search"), ("/explain/pod.spec.containers", "phone-explain")]
    {
        goto(browser, &format!("{base}{path}")).await?;
        wait_js(browser, "the page", "return document.readyState === 'complete'").await?;
        let widths = browser.js("return [document.documentElement.scrollWidth, window.innerWidth]").await?;
        if widths[0].as_u64() > widths[1].as_u64() {
            let wide = browser
                .js("return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').slice(0, 60))")
                .await?;
            return Err(format!("{path} is wider than a phone: {widths}; too wide: {wide}"));
        }
        browser.screenshot(name).await?;
    }
    Ok(())
}

async fn dark(browser: &Browser, base: &str) -> Step<()> {
    goto(browser, &format!("{base}/explain/cj.spec.concurrencyPolicy")).await?;
    wait_js(browser, "a dark colour scheme", "return matchMedia('(prefers-color-scheme: dark)').matches")
        .await?;
    let background = browser.js("return getComputedStyle(document.body).backgroundColor").await?;
    if background != "rgb(20, 23, 28)" {
        return Err(format!("the dark page's background is {background}"));
    }
    browser.screenshot("dark-explain").await?;
    goto(browser, &format!("{base}/search?q=pod+keeps+restarting")).await?;
    wait_js(browser, "results", "return document.querySelector('#results ol.hits') !== null").await?;
    browser.screenshot("dark-search").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_in_a_real_browser() {
    let required = std::env::var_os("KREF_REQUIRE_BROWSER_TEST").is_some_and(|v| v == "1");
    if let Err(why) = find_browser() {
        assert!(!required, "KREF_REQUIRE_BROWSER_TEST=1 but {why}");
        eprintln!("skipped: {why}; `apt-get install chromium chromium-driver` (or .ci/run) installs them");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mut server, base) = start_server(dir.path());
    let shots = shots_dir();
    let _ = std::fs::remove_dir_all(&shots);

    let browser = Browser::start(&shots).await.unwrap_or_else(|e| panic!("{e}"));
    let result = tokio::time::timeout(Duration::from_secs(240), steps(&browser, &base)).await;
    browser.close().await;
    let night = Browser::start_with(&shots.join("dark"), &["--blink-settings=preferredColorScheme=0"])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let dark_result = tokio::time::timeout(Duration::from_secs(60), dark(&night, &base)).await;
    night.close().await;
    let alive = server.child().try_wait().ok().flatten().is_none();
    server.end();

    match result {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("{e}\n(screenshots in {})", shots.display()),
        Err(_) => panic!("the browser steps took over 4 minutes (screenshots in {})", shots.display()),
    }
    match dark_result {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("dark colour scheme: {e}"),
        Err(_) => panic!("the dark colour scheme steps took over a minute"),
    }
    assert!(alive, "kref serve ended during the test");
}
