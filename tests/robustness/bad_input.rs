//! The bad-input matrix: broken, empty, binary, huge and pathologically nested notes; YAML that
//! is deep, explosive, huge or oddly encoded; schema files of the same kinds; config files with
//! wrong types. Each must give a clear message or a sensible empty answer, never a panic or hang.

use std::time::{Duration, Instant};

use kref_yaml::{MAX_DEPTH, parse};

use crate::util::{TestEnv, arg};

/// Markers that a run died instead of answering.
fn assert_no_crash(stderr: &str, when: &str) {
    for bad in ["panicked", "RUST_BACKTRACE", "stack overflow", "fatal runtime error"] {
        assert!(!stderr.contains(bad), "{when}: {stderr}");
    }
}

/// One word nobody else uses, to find a note by.
fn marker(name: &str) -> String {
    format!("zq{}marker", name.chars().filter(char::is_ascii_alphabetic).collect::<String>())
}

#[test]
fn bad_notes_are_skipped_or_indexed_with_messages() {
    let env = TestEnv::new();
    let notes = env.path("notes");
    let write = |name: &str, bytes: Vec<u8>| env.write(&format!("notes/{name}"), bytes);
    let mut invalid = format!("# Latin-1\n\n{} caf", marker("invalid")).into_bytes();
    invalid.extend_from_slice(&[0xE9, b'\n']);
    write("invalid-utf8.md", invalid);
    write("empty.md", Vec::new());
    write("binary.md", b"# bin\n\0\0\x01\x02 zqbinarymarker\n".to_vec());
    // 10 MB in ten sections: indexed, the word at its very end found.
    let mut big = String::with_capacity(10_600_000);
    for part in 0..10 {
        big.push_str(&format!("# Part {part}\n\n"));
        while big.len() < (part + 1) * 1_050_000 {
            big.push_str("pods restart when the node drains and the rollout resumes ");
        }
        big.push_str("\n\n");
    }
    big.push_str(&format!("the last words {}\n", marker("big")));
    write("big.md", big.into_bytes());
    // Over the 16 MiB limit: skipped with a message that names it.
    let mut huge = vec![b'a'; kref_corpus::notes::MAX_NOTE_BYTES + 10];
    huge.extend_from_slice(format!(" {}\n", marker("huge")).as_bytes());
    write("huge.md", huge);
    // 10,000 levels of list nesting on one line, and 1,000 levels by indentation.
    write("deep-inline.md", format!("{}`Pod`: {}\n", "- ".repeat(10_000), marker("deepinline")).into_bytes());
    let indented: String = (0..1_000).map(|i| format!("{}- `Pod` level {i}\n", "  ".repeat(i))).collect();
    write("deep-indent.md", format!("{indented}\n{}\n", marker("deepindent")).into_bytes());
    write("blockquotes.md", format!("{}{}\n", "> - ".repeat(5_000), marker("quotes")).into_bytes());
    write("fine.md", format!("# Fine\n\n{}\n", marker("fine")).into_bytes());

    let started = Instant::now();
    let run = env.run(&["index", "--notes", arg(&notes)]);
    let took = started.elapsed();
    assert_no_crash(&run.stderr, "kref index");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(took < Duration::from_secs(120), "indexing took {took:?}");
    let warned = |name: &str, why: &str| run.stderr.lines().any(|l| l.contains(name) && l.contains(why));
    assert!(warned("invalid-utf8.md", "not valid UTF-8"), "{}", run.stderr);
    assert!(warned("binary.md", "binary"), "{}", run.stderr);
    assert!(warned("huge.md", "too large"), "{}", run.stderr);
    for fine in ["empty.md", "big.md", "fine.md", "deep-inline.md", "deep-indent.md", "blockquotes.md"] {
        assert!(!run.stderr.contains(fine), "{fine} was warned about: {}", run.stderr);
    }
    let found = |name: &str| {
        let run = env.run(&["search", &marker(name), "--json", "--notes", arg(&notes)]);
        assert_no_crash(&run.stderr, name);
        run.code == 0 && run.json()["results"].as_array().is_some_and(|r| !r.is_empty())
    };
    for name in ["big", "fine", "deepinline", "deepindent", "quotes"] {
        assert!(found(name), "{name}: its marker is not found");
    }
    for name in ["invalid", "huge"] {
        assert!(!found(name), "{name}: a skipped note was indexed");
    }
    // `kref show` and the notes check read the same files without dying either.
    let check = env.run(&["index", "--check", "--notes", arg(&notes)]);
    assert_no_crash(&check.stderr, "kref index --check");
    assert!(check.code == 0 || check.code == 1, "{}", check.stderr);
}

/// Parses in a thread with a 2 MiB stack (like a tokio worker) so deep recursion shows.
fn parse_small_stack(text: String) -> (kref_yaml::File, Duration) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let started = Instant::now();
            let file = parse(&text);
            for offset in [0, text.len() / 3, text.len() / 2, text.len()] {
                let _ = file.locate(offset);
            }
            (file, started.elapsed())
        })
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn yaml_deep_flow_nesting() {
    let text = format!("a: {}{}\nb: 1\n", "[".repeat(20_000), "]".repeat(20_000));
    let (file, took) = parse_small_stack(text);
    assert!(file.errors.iter().any(|e| e.code.as_str() == "too-deep"), "{:?}", file.errors);
    assert!(took < Duration::from_secs(10), "{took:?}");
    // The key after the deep value is still there.
    assert!(file.documents[0].root.as_ref().unwrap().get("b").is_some());
    let (file, _) = parse_small_stack(format!("{}x", "{a: ".repeat(20_000)));
    assert!(file.errors.iter().any(|e| e.code.as_str() == "too-deep"));
    let (file, _) = parse_small_stack((0..5_000).map(|i| format!("{}-\n", "  ".repeat(i))).collect());
    assert!(!file.documents.is_empty());
    assert!(file.errors.iter().any(|e| e.code.as_str() == "too-deep"), "5,000 block levels > {MAX_DEPTH}");
}

#[test]
fn yaml_alias_bomb_is_not_expanded() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..40 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let (file, took) = parse_small_stack(text.clone());
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!(file.documents[0].root.as_ref().unwrap().as_mapping().unwrap().len(), 40);
    crate::invariants::yaml_model(text.as_bytes());
}

#[test]
fn yaml_20_megabyte_documents() {
    let item = "  - name: web\n    image: nginx:1.27\n    ports:\n      - containerPort: 80\n";
    let mut one = String::from("apiVersion: v1\nkind: List\nitems:\n");
    while one.len() < 20_000_000 {
        one.push_str(item);
    }
    let (file, took) = parse_small_stack(one);
    assert!(file.errors.is_empty(), "{:?}", &file.errors[..1]);
    assert!(took < Duration::from_secs(60), "a 20 MB document took {took:?}");
    let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n---\n";
    let stream = doc.repeat(20_000_000 / doc.len());
    let (file, took) = parse_small_stack(stream);
    assert!(file.documents.len() > 200_000);
    assert!(took < Duration::from_secs(60), "a 20 MB stream took {took:?}");
}

#[test]
fn yaml_crlf_bom_and_tabs() {
    let file = parse("\u{feff}apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: web\r\n");
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let doc = &file.documents[0];
    assert_eq!(doc.kind.as_ref().map(|k| k.0.as_str()), Some("Pod"));
    let name = doc.root.as_ref().unwrap().at(&["metadata", "name"]).unwrap();
    assert_eq!(name.as_str(), Some("web"), "CRLF leaked into a value");
    let text = "kind: Pod\r\nspec:\r\n  containers:\r\n  - name: a\r\n";
    let offset = text.find("name").unwrap() + 2;
    let loc = parse(text).locate(offset);
    assert_eq!(loc.path.to_string(), "spec.containers[0].name");
    let tabs = parse("spec:\n\treplicas: 3\n");
    assert!(tabs.errors.iter().any(|e| e.code.as_str() == "tab-indent"), "{:?}", tabs.errors);
    for text in ["\u{feff}", "\u{feff}\u{feff}a: b", "\r", "\r\n\r\n", "\t", "a:\tb\n", "a: b\r"] {
        crate::invariants::yaml_model(text.as_bytes());
    }
}

#[test]
fn bad_schema_files_get_clear_errors() {
    let env = TestEnv::new();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.yaml", Vec::new()),
        ("binary.json", vec![0, 159, 146, 150, 0xff]),
        ("deep.json", format!("{}{}", "[".repeat(20_000), "]".repeat(20_000)).into_bytes()),
        ("deep.yaml", format!("a: {}{}", "[".repeat(20_000), "]".repeat(20_000)).into_bytes()),
        ("bomb.yaml", {
            let mut t = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
            for i in 1..30 {
                t.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 9].join(", ")));
            }
            t.into_bytes()
        }),
        ("pod.yaml", b"apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n".to_vec()),
        ("swagger.json", br#"{"swagger": "2.0", "definitions": 5}"#.to_vec()),
        (
            "crd.yaml",
            b"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec: 7\n".to_vec(),
        ),
    ];
    for (name, bytes) in cases {
        let path = env.write(&format!("schemas/{name}"), bytes);
        let started = Instant::now();
        let run = env.run(&["import", arg(&path)]);
        assert_no_crash(&run.stderr, name);
        assert_eq!(run.code, 2, "{name}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(name), "{name}: the message does not name the file: {}", run.stderr);
        assert!(started.elapsed() < Duration::from_secs(30), "{name}: {:?}", started.elapsed());
    }
    let dir = env.path("schemas");
    let run = env.run(&["import", arg(&dir)]);
    assert_no_crash(&run.stderr, "a folder");
    assert_ne!(run.code, 0);
    // Nothing bad was stored: search and explain still work.
    let run = env.run(&["explain", "Pod.spec.containers"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn config_files_with_wrong_types_name_the_file() {
    let cases: &[(&str, &[u8])] = &[
        ("notes: 5\n", b""),
        ("notes: {a: b}\n", b""),
        ("schemas: yes\n", b""),
        ("kubernetesVersion: [1, 2]\n", b""),
        ("kubernetesVersion: {major: 1}\n", b""),
        ("noets: [a]\n", b""),
        ("- just\n- a list\n", b""),
        ("notes: [\n", b""),
        ("", b"\xff\xfe\x00n\x00o"),
        ("", b"notes: [a]\n\x00\x00"),
    ];
    for (text, bytes) in cases {
        let env = TestEnv::new();
        let contents = if bytes.is_empty() { text.as_bytes() } else { bytes };
        let config = env.write("work/.kref.yaml", contents);
        let run = env.run(&["search", "pod"]);
        let when = format!("{:?}", String::from_utf8_lossy(contents));
        assert_no_crash(&run.stderr, &when);
        assert_eq!(run.code, 2, "{when}: {}", run.stderr);
        assert!(run.stderr.contains(&config.display().to_string()), "{when}: {}", run.stderr);
        // The same file as the user config (KREF_CONFIG).
        let moved = env.write("elsewhere/config.yaml", contents);
        std::fs::remove_file(&config).unwrap();
        let run = env.command(&["search", "pod"]).env("KREF_CONFIG", &moved).output().unwrap();
        let run = crate::util::to_run(run);
        assert_eq!(run.code, 2, "KREF_CONFIG {when}: {}", run.stderr);
        assert!(run.stderr.contains("config.yaml"), "{when}: {}", run.stderr);
    }
    // A folder where the config file should be.
    let env = TestEnv::new();
    std::fs::create_dir_all(env.path("cfgdir")).unwrap();
    let run = env.command(&["search", "pod"]).env("KREF_CONFIG", env.path("cfgdir")).output().unwrap();
    let run = crate::util::to_run(run);
    assert_no_crash(&run.stderr, "KREF_CONFIG is a folder");
    assert!(run.code == 0 || run.code == 2, "{}", run.stderr);
}

#[test]
fn odd_command_lines_answer_cleanly() {
    let env = TestEnv::new();
    let cases: &[(&[&str], &[i32])] = &[
        (&["search", ""], &[1, 2]),
        (&["search", "   "], &[1, 2]),
        (&["search", "--limit", "0", "pod"], &[0, 1]),
        (&["search", "--limit", "99999999999999999999", "pod"], &[2]),
        (&["search", "\u{1}\u{7f}"], &[1, 2]),
        (&["search", "((((\"", "--kind", "''"], &[0, 1, 2]),
        (&["show", ""], &[1, 2]),
        (&["show", "no such section anywhere"], &[1]),
        (&["explain", ""], &[1, 2]),
        (&["explain", "Pod.spec.[0].x"], &[1, 2]),
        (&["explain", "....."], &[1, 2]),
        (&["import", "/nonexistent/file.yaml"], &[2]),
    ];
    for (args, codes) in cases {
        let run = env.run(args);
        assert_no_crash(&run.stderr, &format!("{args:?}"));
        assert!(codes.contains(&run.code), "{args:?}: exit {} {}", run.code, run.stderr);
        if run.code == 2 {
            assert!(!run.stderr.trim().is_empty(), "{args:?}: an error with no message");
        }
    }
}

/// The YAML matrix through `kref check`: problems reported (exit 0 or 1), text that is not UTF-8
/// refused with a message naming the file (exit 2), each in bounded time.
#[test]
fn kref_check_on_the_yaml_matrix() {
    let env = TestEnv::new();
    let bomb: String = (1..40).fold(String::from("  a0: &a0 [x, x, x, x, x, x, x, x, x]\n"), |mut t, i| {
        t.push_str(&format!("  a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 9].join(", ")));
        t
    });
    let item = "  - name: web\n    image: nginx:1.27\n    ports:\n      - containerPort: 80\n";
    let mut huge = String::from("apiVersion: v1\nkind: List\nitems:\n");
    while huge.len() < 20_000_000 {
        huge.push_str(item);
    }
    let cases: Vec<(&str, Vec<u8>, &[i32])> = vec![
        ("empty.yaml", Vec::new(), &[0]),
        (
            "deep-flow.yaml",
            format!("apiVersion: v1\nkind: Pod\nspec: {}{}\n", "[".repeat(20_000), "]".repeat(20_000))
                .into_bytes(),
            &[1],
        ),
        (
            "deep-block.yaml",
            format!(
                "apiVersion: v1\nkind: Pod\nspec:\n{}",
                (0..3_000).map(|i| format!("{}k{i}:\n", "  ".repeat(i + 1))).collect::<String>()
            )
            .into_bytes(),
            &[1],
        ),
        (
            "alias-bomb.yaml",
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n{bomb}").into_bytes(),
            &[0, 1],
        ),
        (
            "crlf-bom-tabs.yaml",
            b"\xef\xbb\xbfapiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n\tname: x\r\n".to_vec(),
            &[1],
        ),
        ("huge.yaml", huge.into_bytes(), &[0, 1]),
        ("latin1.yaml", b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: caf\xe9\n".to_vec(), &[2]),
        ("binary.yaml", (0..3000u32).map(|i| (i * 7919 % 256) as u8).collect(), &[2]),
    ];
    for (name, bytes, codes) in cases {
        let path = env.write(&format!("manifests/{name}"), bytes);
        let started = Instant::now();
        let run = env.run(&["check", arg(&path)]);
        let took = started.elapsed();
        assert_no_crash(&run.stderr, name);
        assert!(codes.contains(&run.code), "{name}: exit {} {}{}", run.code, run.stdout, run.stderr);
        if run.code == 2 {
            assert!(run.stderr.contains(name), "{name}: {}", run.stderr);
        }
        assert!(took < Duration::from_secs(60), "{name}: kref check took {took:?}");
    }
    // A whole folder of them at once, and the same through stdin.
    let run = env.run(&["check", arg(&env.path("manifests"))]);
    assert_no_crash(&run.stderr, "the folder");
    assert!(run.code == 1 || run.code == 2, "{}", run.stderr);
    let mut child = env
        .command(&["check", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"kind: Pod\n\0\x01\xff").unwrap();
    let run = crate::util::to_run(child.wait_with_output().unwrap());
    assert_no_crash(&run.stderr, "stdin");
    assert!([0, 1, 2].contains(&run.code), "{}", run.stderr);
}

/// The same name in many namespaces (one ConfigMap per team, say) made `duplicate-object`
/// quadratic: 10,000 documents (1 MB) took 11 s and 40,000 took 160 s in a release build.
#[test]
fn kref_check_is_linear_in_documents_with_one_name() {
    let env = TestEnv::new();
    let text: String = (0..10_000)
        .map(|i| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n  namespace: team{i}\ndata:\n  a: b\n---\n"))
        .collect();
    let path = env.write("many.yaml", text);
    let started = Instant::now();
    let run = env.run(&["check", arg(&path)]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
}
