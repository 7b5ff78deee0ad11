//! `kref serve` over real HTTP: every route with its status, content type and security headers;
//! the API answers equal to the CLI's `--json`; notes rendered safely with links between them;
//! freshness without a restart; and bad input (huge, malformed and non-UTF-8 addresses, `..`,
//! other methods and hosts, 1,000 idle connections, a notes folder deleted while serving), after
//! which the server still answers. Requests are written by hand on a socket, so that the bytes
//! are exactly the ones under test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::TestEnv;

/// A running `kref serve`, ended with its process group when dropped.
pub struct Serve {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    lines: mpsc::Receiver<String>,
    /// Every line read so far.
    seen: Vec<String>,
}

impl Serve {
    /// Starts `kref serve --addr 127.0.0.1:0 ARGS` and waits for the line that gives its address.
    pub fn start(env: &TestEnv, args: &[&str]) -> Serve {
        Serve::start_at(env, "127.0.0.1:0", args)
    }

    pub fn start_at(env: &TestEnv, addr: &str, args: &[&str]) -> Serve {
        let mut all = vec!["serve", "--addr", addr];
        all.extend_from_slice(args);
        let mut command = env.command(&all);
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn().expect("kref serve starts");
        let (tx, lines) = mpsc::channel();
        for stream in [
            child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>),
            child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        let mut serve = Serve { child, addr: String::new(), lines, seen: Vec::new() };
        let first = serve.wait_line("the reference is at", Duration::from_secs(120));
        let url = first.split("http://").nth(1).unwrap().trim_end_matches('/').to_string();
        serve.addr = url;
        serve
    }

    /// Waits for an output line (stdout or stderr) containing `needle`; returns it.
    pub fn wait_line(&mut self, needle: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        if let Some(line) = self.seen.iter().find(|l| l.contains(needle)) {
            return line.clone();
        }
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        let status = self.child.try_wait().ok().flatten();
        panic!(
            "no line with {needle:?} from kref serve (exit: {status:?}); it printed:\n{}",
            self.seen.join("\n")
        );
    }

    pub fn get(&self, target: &str) -> Reply {
        self.raw(
            format!("GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr).as_bytes(),
        )
    }

    /// Sends `request` as it is and reads the answer to the end.
    pub fn raw(&self, request: &[u8]) -> Reply {
        let mut stream = TcpStream::connect(&self.addr).expect("connects");
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        stream.write_all(request).unwrap();
        let mut bytes = Vec::new();
        // A server may close while a huge request is still being written: what it said counts.
        let _ = stream.read_to_end(&mut bytes);
        Reply::parse(&bytes)
    }

    pub fn alive(&mut self) -> bool {
        self.child.try_wait().ok().flatten().is_none()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    fn parse(bytes: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(bytes);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no HTTP status in {:?}", &text[..text.len().min(200)]));
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Reply { status, headers, body: body.to_string() }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// The notes of a small team: two folders linking to each other, and one note that tries to run
/// things in the reader's browser.
pub fn team_notes(env: &TestEnv) -> String {
    env.write(
        "notes/team/backups.md",
        "# Nightly backups\n\nOur `CronJob` named velero-nightly backs up every namespace.\n\n\
         - `CronJob`: the nightly backup job\n  - `concurrencyPolicy`: always `Forbid` for backups, two runs would fight over the bucket\n\n\
         ## Restore drill\n\nRead the [restore runbook](../ops/restore.md#first-steps) before you start.\n",
    );
    env.write(
        "notes/ops/restore.md",
        "# Restoring\n\nIntro.\n\n## First steps\n\nScale the app down, then follow [the backups note](../team/backups.md).\n",
    );
    env.write(
        "notes/ops/evil.md",
        "# Hostile note\n\n<script>window.__pwned = 'script'</script>\n\n\
         <img src=\"x\" onerror=\"window.__pwned = 'onerror'\">\n\n\
         [click me](javascript:window.__pwned='link')\n\n\
         <a href=\"javascript:window.__pwned='raw link'\">raw link</a>\n",
    );
    env.path("notes").to_str().unwrap().to_string()
}

/// A CustomResourceDefinition of our own.
const GIZMO_CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gizmos.tools.example
spec:
  group: tools.example
  names: {kind: Gizmo, plural: gizmos, singular: gizmo, shortNames: [gz]}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              description: What the gizmo does.
              properties:
                speed:
                  type: string
                  description: How fast it turns.
                  enum: [slow, fast]
";

fn assert_secure(reply: &Reply, what: &str) {
    let csp = reply.header("content-security-policy").unwrap_or_else(|| panic!("{what}: no CSP"));
    for part in ["default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"] {
        assert!(csp.contains(part), "{what}: CSP without {part}: {csp}");
    }
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"), "{what}");
    assert_eq!(reply.header("x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(reply.header("referrer-policy"), Some("no-referrer"), "{what}");
}

fn page(serve: &Serve, target: &str, status: u16) -> Reply {
    let reply = serve.get(target);
    assert_eq!(reply.status, status, "{target}: {}", &reply.body[..reply.body.len().min(600)]);
    assert_secure(&reply, target);
    if reply.status != 303 {
        assert!(
            reply.header("content-type").is_some_and(|t| t.starts_with("text/html")
                || t.starts_with("application/json")
                || t.starts_with("text/")),
            "{target}: {:?}",
            reply.header("content-type")
        );
    }
    reply
}

#[test]
fn every_page_and_its_headers() {
    let env = TestEnv::new();
    let notes = team_notes(&env);
    let crd = env.write("crds/gizmo.yaml", GIZMO_CRD);
    assert_eq!(env.run(&["import", crd.to_str().unwrap()]).code, 0);
    let serve = Serve::start(&env, &["--notes", &notes]);

    let home = page(&serve, "/", 200);
    assert!(home.body.contains("id=\"q\"") && home.body.contains("autofocus"), "{}", home.body);
    assert!(
        home.body.contains("3 yours") || home.body.contains("(3 yours)"),
        "the footer counts the user's notes: {}",
        home.body
    );
    assert_eq!(home.header("content-type"), Some("text/html; charset=utf-8"));
    // Assets are ours, embedded; no page names another host.
    for marker in ["http://", "https://", "//fonts", "cdn"] {
        assert!(
            !home.body.replace(&format!("http://{}", serve.addr), "").contains(marker),
            "{marker} in the home page"
        );
    }

    // Search: the answer first, highlighted snippets, the user's notes tagged.
    let search = page(&serve, "/search?q=concurrencyPolicy", 200);
    let answer = search.body.find("class=\"answer\"").expect("an answer first");
    assert!(answer < search.body.find("class=\"hits\"").unwrap());
    assert!(search.body.contains("<mark>concurrencyPolicy</mark>"), "{}", search.body);
    assert!(search.body.contains("your notes"), "{}", search.body);
    assert!(search.body.contains("value=\"concurrencyPolicy\""), "the box keeps the query");
    // Filters by kind and source.
    let mine = page(&serve, "/search?q=backup&source=user", 200);
    assert!(mine.body.contains("Nightly backups") && !mine.body.contains("builtin:"), "{}", mine.body);
    let kind = page(&serve, "/search?q=rolling+update&kind=StatefulSet", 200);
    assert!(kind.body.contains("StatefulSet") && !kind.body.contains(">Deployment ›"), "{}", kind.body);
    // Did you mean.
    let typo = page(&serve, "/search?q=nmespce", 200);
    assert!(
        typo.body.contains("Did you mean") && typo.body.contains("href=\"/search?q=namespace\""),
        "{}",
        typo.body
    );
    // An empty search is the home page.
    assert!(page(&serve, "/search?q=", 200).body.contains("autofocus"));

    // Explain: kinds, plurals and short names; type, default, values with notes, the user's note
    // first, fields one level down, breadcrumbs up.
    let explain = page(&serve, "/explain/cj.spec.concurrencyPolicy", 200);
    for part in [
        "CronJob.spec.concurrencyPolicy",
        "Allowed values",
        "<code>Forbid</code>",
        "default <code>Allow</code>",
        "your notes",
        "two runs would fight",
        "href=\"/explain/CronJob.spec\"",
    ] {
        assert!(explain.body.contains(part), "{part} missing: {}", explain.body);
    }
    let notes_part = explain.body.split("<h2>Notes</h2>").nth(1).unwrap();
    let theirs = notes_part.find("class=\"tag user\"").unwrap();
    let ours = notes_part.find("class=\"tag\">kref</span>").expect("a built-in note about it too");
    assert!(theirs < ours, "the user's note comes first: {notes_part}");
    let kind = page(&serve, "/explain/deployments", 200);
    assert!(
        kind.body.contains("href=\"/explain/Deployment.spec\"") && kind.body.contains("namespaced"),
        "{}",
        kind.body
    );
    assert!(
        page(&serve, "/explain/deploy.spec.strategy", 200)
            .body
            .contains("href=\"/explain/Deployment.spec.strategy.rollingUpdate\"")
    );
    let hpa = page(&serve, "/explain/hpa?api_version=autoscaling/v1", 200);
    assert!(
        hpa.body.contains("autoscaling/v1") && hpa.body.contains("?api_version=autoscaling/v1"),
        "links keep the version: {}",
        hpa.body
    );
    // A field named without its path moves to where it is.
    let moved = page(&serve, "/explain/cronjob.concurrencyPolicy", 303);
    assert_eq!(moved.header("location"), Some("/explain/CronJob.spec.concurrencyPolicy"));
    let unknown = page(&serve, "/explain/deplyment", 404);
    assert!(unknown.body.contains("href=\"/explain/Deployment\""), "did you mean: {}", unknown.body);
    let field = page(&serve, "/explain/deploy.spec.replica", 404);
    assert!(field.body.contains("Deployment.spec.replicas"), "{}", field.body);
    assert_eq!(
        page(&serve, "/explain?resource=deploy.spec", 303).header("location"),
        Some("/explain/deploy.spec")
    );

    // Kinds by group, built-in and imported.
    let kinds = page(&serve, "/kinds", 200);
    for part in [
        "id=\"g-core\"",
        "id=\"g-apps\"",
        "href=\"/explain/Deployment\"",
        "href=\"/explain/HorizontalPodAutoscaler?api_version=autoscaling/v1\"",
        "id=\"g-tools.example\"",
        "imported: gizmo.yaml",
    ] {
        assert!(kinds.body.contains(part), "{part} missing");
    }
    let gizmo = page(&serve, "/explain/gz.spec.speed", 200);
    assert!(
        gizmo.body.contains("How fast it turns") && gizmo.body.contains("imported from gizmo.yaml"),
        "{}",
        gizmo.body
    );

    // Show: a note section rendered, links between notes rewritten to their pages.
    let backups = page(&serve, "/search?q=restore+drill&source=user", 200);
    assert!(backups.body.contains("Restore drill"), "{}", backups.body);
    let drill_id = format!("{}/team/backups.md%23nightly-backups-restore-drill", notes);
    let drill = page(&serve, &format!("/show/{drill_id}"), 200);
    assert!(drill.body.contains("<h2>Restore drill</h2>"), "{}", drill.body);
    let link = format!("href=\"/show/{notes}/ops/restore.md%23restoring-first-steps\"");
    assert!(drill.body.contains(&link), "{link} not in {}", drill.body);
    assert!(drill.body.contains("In this note"), "the note's other sections");
    let first_steps = page(&serve, &format!("/show/{notes}/ops/restore.md%23restoring-first-steps"), 200);
    assert!(
        first_steps.body.contains(&format!("href=\"/show/{notes}/team/backups.md%23nightly-backups\"")),
        "{}",
        first_steps.body
    );
    let builtin = page(&serve, "/show/builtin:workloads/cronjob.md%23cronjob-example", 200);
    assert!(builtin.body.contains("<pre><code"), "{}", builtin.body);
    let schema = page(&serve, "/show/schema:field:CronJob.spec.concurrencyPolicy", 200);
    assert!(schema.body.contains("Forbid"), "{}", schema.body);
    let gone = page(&serve, "/show/no-such-section", 404);
    assert!(gone.body.contains("href=\"/search?q=no-such-section\""), "{}", gone.body);

    // The hostile note: nothing of it runs, its text stays.
    let evil = page(&serve, &format!("/show/{notes}/ops/evil.md"), 200);
    let main = evil.body.split("<main>").nth(1).unwrap();
    for bad in ["<script", "onerror", "javascript:", "__pwned"] {
        assert!(!main.contains(bad), "{bad} reached the page: {main}");
    }
    assert!(main.contains("click me") && main.contains("raw link"), "{main}");

    // Rules.
    let rules = page(&serve, "/rules", 200);
    assert!(rules.body.contains("href=\"/rules/image-tag\""), "{}", rules.body);
    let rule = page(&serve, "/rules/image-tag", 200);
    assert!(
        rule.body.contains("Image without a pinned tag") && !rule.body.contains("tags: ["),
        "the note without its front matter: {}",
        rule.body
    );
    assert!(rule.body.contains("latest-tag"), "kube-linter's name");
    let close = page(&serve, "/rules/image-tags", 404);
    assert!(close.body.contains("href=\"/rules/image-tag\""), "{}", close.body);

    // Assets: embedded, typed, kept when their digest matches.
    let css = serve.get("/assets/app.css");
    assert_eq!((css.status, css.header("content-type")), (200, Some("text/css; charset=utf-8")));
    let versioned =
        home.body.split("href=\"/assets/app.css").nth(1).unwrap().split('"').next().unwrap().to_string();
    let kept = serve.get(&format!("/assets/app.css{versioned}"));
    assert!(kept.header("cache-control").unwrap().contains("immutable"));
    assert_eq!(serve.get("/assets/app.js").header("content-type"), Some("text/javascript; charset=utf-8"));
    assert_eq!(page(&serve, "/robots.txt", 200).body, "User-agent: *\nDisallow: /\n");
    assert_eq!(page(&serve, "/no/such/page", 404).header("content-type"), Some("text/html; charset=utf-8"));
    // HEAD works like GET, without a body.
    let head = serve
        .raw(format!("HEAD /kinds HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", serve.addr).as_bytes());
    assert_eq!((head.status, head.body.as_str()), (200, ""));
}

#[test]
fn the_api_answers_what_the_cli_prints() {
    let env = TestEnv::new();
    let notes = team_notes(&env);
    let serve = Serve::start(&env, &["--notes", &notes]);
    let cli = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--json", "--notes", &notes]);
        let run = env.run(&all);
        assert!(run.code == 0, "{all:?}: {}", run.stderr);
        run.json()
    };
    let api = |target: &str| {
        let reply = serve.get(target);
        assert_eq!(reply.status, 200, "{target}: {}", reply.body);
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert_secure(&reply, target);
        reply.json()
    };
    assert_eq!(
        api("/api/search?q=backup+jobs&limit=3&source=user"),
        cli(&["search", "backup jobs", "-n", "3", "--source", "user"])
    );
    assert_eq!(api("/api/search?q=concurrencyPolicy"), cli(&["search", "concurrencyPolicy"]));
    assert_eq!(api("/api/search?q=nightly&kind=CronJob"), cli(&["search", "nightly", "--kind", "CronJob"]));
    assert_eq!(
        api("/api/explain?resource=cj.spec.concurrencyPolicy"),
        cli(&["explain", "cj.spec.concurrencyPolicy"])
    );
    assert_eq!(
        api("/api/explain?resource=hpa&api_version=autoscaling/v1"),
        cli(&["explain", "hpa", "--api-version", "autoscaling/v1"])
    );
    assert_eq!(api("/api/show?id=CrashLoopBackOff"), cli(&["show", "CrashLoopBackOff"]));
    assert_eq!(
        api("/api/show?id=schema:kind:apps/v1/Deployment"),
        cli(&["show", "schema:kind:apps/v1/Deployment"])
    );
    let kinds = api("/api/kinds");
    assert!(kinds["count"].as_u64().unwrap() > 100 && kinds["groups"][0]["group"] == "");
    assert!(
        api("/api/rules")
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "image-tag" && r["note"] == "builtin:rules/image-tag.md")
    );

    // Errors are JSON with a 4xx status and say what to send.
    for (target, status, says) in [
        ("/api/search", 400, "`q` is missing"),
        ("/api/search?q=x&source=web", 400, "source"),
        ("/api/search?q=x&limit=lots", 400, "limit"),
        ("/api/explain?resource=deplyment", 404, "did you mean Deployment"),
        ("/api/explain", 400, "`resource` is missing"),
        ("/api/show?id=nothing-at-all", 404, "no section"),
        ("/api/show?id=%zz", 400, "%"),
    ] {
        let reply = serve.get(target);
        assert_eq!(reply.status, status, "{target}: {}", reply.body);
        assert!(reply.json()["error"].as_str().unwrap().contains(says), "{target}: {}", reply.body);
    }
}

#[test]
fn notes_change_while_serving() {
    let env = TestEnv::new();
    let notes = team_notes(&env);
    let serve = Serve::start(&env, &["--notes", &notes, "--refresh", "0.2"]);
    let eventually = |what: &str, check: &dyn Fn() -> bool| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !check() {
            assert!(Instant::now() < deadline, "never saw: {what}");
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    let finds = |q: &str| {
        serve.get(&format!("/api/search?q={q}&source=user")).json()["results"].as_array().unwrap().len()
    };
    assert_eq!(finds("zebrafish"), 0);
    // Added.
    env.write("notes/ops/aquarium.md", "# Aquarium\n\nThe zebrafish service runs in the `fish` namespace.\n");
    eventually("an added note", &|| finds("zebrafish") > 0);
    let id = format!("{notes}/ops/aquarium.md");
    assert_eq!(serve.get(&format!("/show/{id}")).status, 200);
    // Edited.
    env.write("notes/ops/aquarium.md", "# Aquarium\n\nThe clownfish service runs in the `fish` namespace.\n");
    eventually("an edited note", &|| finds("clownfish") > 0 && finds("zebrafish") == 0);
    // Explain shows notes added since the start.
    env.write(
        "notes/ops/pods.md",
        "# Pods\n\n- `Pod`: our pods\n  - `restartPolicy`: ask the platform team before changing it\n",
    );
    eventually("a note on explain pages", &|| {
        serve.get("/explain/pod.spec.restartPolicy").body.contains("ask the platform team")
    });
    // A schema imported meanwhile.
    assert_eq!(serve.get("/explain/gizmo").status, 404);
    let crd = env.write("crds/gizmo.yaml", GIZMO_CRD);
    assert_eq!(env.run(&["import", crd.to_str().unwrap()]).code, 0);
    eventually("an imported kind", &|| serve.get("/explain/gizmo").status == 200);
    // Removed.
    std::fs::remove_file(env.path("notes/ops/aquarium.md")).unwrap();
    eventually("a removed note", &|| {
        finds("clownfish") == 0 && serve.get(&format!("/show/{id}")).status == 404
    });
}

#[test]
fn bad_input_gets_4xx_and_the_server_keeps_serving() {
    let env = TestEnv::new();
    let notes = team_notes(&env);
    let mut serve = Serve::start(&env, &["--notes", &notes, "--refresh", "0.2"]);
    let host = serve.addr.clone();
    let request = |target: &[u8]| {
        let mut bytes = b"GET ".to_vec();
        bytes.extend_from_slice(target);
        bytes.extend_from_slice(format!(" HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes());
        bytes
    };
    // A 200 KB query: refused with a page, not read into a search.
    let huge = serve.raw(&request(format!("/search?q={}", "kubernetes+".repeat(200 * 1024 / 11)).as_bytes()));
    assert!(matches!(huge.status, 414 | 431), "{}", huge.status);
    let huge = serve.raw(&request(format!("/api/search?q={}", "a".repeat(5000)).as_bytes()));
    assert_eq!(huge.status, 414);
    let long = serve.raw(&request(format!("/search?q={}", "word+".repeat(200)).as_bytes()));
    assert_eq!(long.status, 414, "a search over 500 characters: {}", long.body);
    assert!(long.body.contains("too long"), "{}", long.body);
    assert_eq!(serve.raw(&request(format!("/show/{}", "x".repeat(3000)).as_bytes())).status, 414);
    // Invalid percent-encoding, and bytes that are not UTF-8 (encoded and raw), in paths and queries.
    for target in [
        &b"/show/%zz"[..],
        b"/show/%e2%82",
        b"/explain/%ff",
        b"/search?q=%ff%fe",
        b"/search?q=%",
        b"/rules/%c3%28",
        b"/api/explain?resource=%80",
    ] {
        let reply = serve.raw(&request(target));
        assert_eq!(reply.status, 400, "{}: {}", String::from_utf8_lossy(target), reply.body);
        assert!(
            reply.body.contains("address") || reply.body.contains("error"),
            "a clear message: {}",
            reply.body
        );
    }
    for target in [&b"/show/\xff\xfe"[..], b"/search?q=\xc3\x28", b"/explain/caf\xe9"] {
        let reply = serve.raw(&request(target));
        assert!((400..500).contains(&reply.status), "{}: {}", String::from_utf8_lossy(target), reply.status);
    }
    // `..` never reaches the file system: ids and names are looked up in memory.
    for target in [
        "/show/../../../../etc/passwd",
        "/show/..%2F..%2F..%2Fetc%2Fpasswd",
        "/assets/../../Cargo.toml",
        "/assets/..%2FCargo.toml",
        "/explain/../../etc",
        "/rules/../rules/image-tag",
    ] {
        let reply = serve.raw(&request(target.as_bytes()));
        assert_eq!(reply.status, 404, "{target}");
        assert!(!reply.body.contains("root:"), "{target}");
    }
    // Read-only; other hosts are refused by a loopback server (DNS rebinding).
    let post = serve.raw(
        format!(
            "POST /search?q=x HTTP/1.1\r\nHost: {host}\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc"
        )
        .as_bytes(),
    );
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    for method in ["PUT", "DELETE", "PATCH"] {
        let reply = serve.raw(
            format!("{method} /show/x HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        );
        assert_eq!(reply.status, 405, "{method}");
    }
    let rebound = serve.raw(b"GET / HTTP/1.1\r\nHost: attacker.example:7777\r\nConnection: close\r\n\r\n");
    assert_eq!(rebound.status, 421);
    assert_secure(&rebound, "421");
    let named = serve.raw(b"GET / HTTP/1.1\r\nHost: localhost:7777\r\nConnection: close\r\n\r\n");
    assert_eq!(named.status, 200);
    // Garbage instead of HTTP.
    let garbage = serve.raw(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello\r\n\r\n");
    assert!(garbage.status == 400 || garbage.body.is_empty(), "{}", garbage.status);

    // 1,000 idle connections: the server still answers at once.
    let idle: Vec<TcpStream> =
        (0..1000).map(|_| TcpStream::connect(&serve.addr).expect("an idle connection")).collect();
    let started = Instant::now();
    let reply = serve.get("/search?q=rolling+update");
    assert_eq!(reply.status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?} beside 1,000 idle connections",
        started.elapsed()
    );
    drop(idle);

    // The notes folder deleted while serving: pages still answer, and say what happened.
    std::fs::remove_dir_all(env.path("notes")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let home = serve.get("/");
        assert_eq!(home.status, 200);
        if home.body.contains("does not exist") {
            break;
        }
        assert!(Instant::now() < deadline, "the missing folder is never mentioned: {}", home.body);
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(serve.get("/search?q=backup&source=user").status, 200);
    assert_eq!(serve.get("/explain/cj.spec.concurrencyPolicy").status, 200);
    assert!(serve.alive(), "kref serve ended");
    assert_eq!(serve.get("/api/search?q=pod").status, 200);
}

#[test]
fn binding_beyond_loopback_says_so() {
    let env = TestEnv::new();
    let mut serve = Serve::start_at(&env, "0.0.0.0:0", &[]);
    serve.wait_line("reachable from the network", Duration::from_secs(10));
    // Any host name reaches it (that is the point), still read-only.
    let port = serve.addr.rsplit(':').next().unwrap().to_string();
    serve.addr = format!("127.0.0.1:{port}");
    let reply = serve.raw(b"GET /kinds HTTP/1.1\r\nHost: kref.team.internal\r\nConnection: close\r\n\r\n");
    assert_eq!(reply.status, 200);
}

#[test]
fn export_writes_every_search_document() {
    let env = TestEnv::new();
    let notes = team_notes(&env);
    let run = env.run(&["export", "--format", "ndjson", "--notes", &notes]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let docs: Vec<Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // What the index holds, once per id (a field shared by several API versions of a kind is
    // one document per version in the index, under one id).
    let index = env.run(&["index", "--notes", &notes]);
    let count: usize =
        index.stdout.split(" documents").next().unwrap().rsplit(' ').next().unwrap().parse().unwrap();
    assert!(docs.len() <= count && docs.len() * 10 > count * 9, "{} of {count}", docs.len());
    let ids: std::collections::HashSet<&str> = docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), docs.len(), "ids are unique");
    for key in ["id", "type", "title", "breadcrumb", "kinds", "text", "source", "path", "line"] {
        assert!(docs.iter().all(|d| d.get(key).is_some()), "{key} missing");
    }
    let mine = docs.iter().find(|d| d["title"] == "Restore drill").expect("the user's section");
    assert_eq!(mine["source"], "user");
    assert!(mine["path"].as_str().unwrap().ends_with("team/backups.md"));
    assert!(mine["text"].as_str().unwrap().contains("restore runbook"));
    assert!(
        docs.iter()
            .any(|d| d["type"] == "schema" && d["id"] == "schema:field:CronJob.spec.concurrencyPolicy")
    );
    assert!(docs.iter().any(|d| d["source"] == "builtin" && d["type"] == "entry"));
    // Every id opens with `kref show` (sections and entries) or is a schema document.
    let search = env.run(&["search", "restore drill", "--json", "--notes", &notes]);
    let first = search.json()["results"][0]["id"].as_str().unwrap().to_string();
    assert!(ids.contains(first.as_str()), "{first} not exported");
}
