//! Odd input never makes a check fail: every fixture cut short at many places and mangled
//! with random edits runs without an internal error.

use super::*;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SNIPPETS: &[&str] = &[
    "\n",
    " ",
    "  ",
    "- ",
    ": ",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    "#",
    "&a ",
    "*a",
    "!!str ",
    "<<: ",
    "---\n",
    "\t",
    "é",
    "null",
    "~",
    "-1",
    "99999999999999999999",
    "1e400",
    "0x",
    "spec:",
    "containers:",
    "- name: x\n",
    "yes",
    "{{ x }}",
    "kind: Deployment\n",
    "apiVersion: apps/v1\n",
    "matchLabels: {",
    "ports: [",
    "replicas: '3'",
];

fn all_fixtures() -> Vec<String> {
    let mut out = Vec::new();
    for dir in ["rules", "broken", "valid"] {
        let Ok(entries) = std::fs::read_dir(fixtures().join(dir)) else { continue };
        for e in entries {
            let path = e.unwrap().path();
            if let Ok(text) = std::fs::read_to_string(&path)
                && text.len() < 200_000
            {
                out.push(text);
            }
        }
    }
    out
}

fn assert_clean(text: &str) {
    let file = kref_yaml::parse(text);
    let report = analyze(&file, kb(), &RuleConfig::strict(KubeVersion::new(1, 33)));
    assert!(!report.notes.iter().any(|n| n.contains("internal error")), "{:?} on:\n{text}", report.notes);
    for d in &report.diagnostics {
        assert!(d.range.start <= d.range.end && d.range.end <= text.len(), "{d:?}");
        for f in &d.fixes {
            // Fixes apply to the text they were made for.
            let _ = apply_edits(text, &f.edits);
        }
    }
}

#[test]
fn truncated_fixtures_never_fail_a_check() {
    for text in all_fixtures() {
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                assert_clean(&text[..cut]);
            }
            cut += 37;
        }
    }
}

#[test]
fn randomly_edited_fixtures_never_fail_a_check() {
    let mut rng = Rng(0x5eed_1234_abcd_9876);
    let fixtures = all_fixtures();
    for round in 0..1500 {
        let base = &fixtures[round % fixtures.len()];
        let mut text = base.clone();
        for _ in 0..1 + rng.below(4) {
            let mut at = rng.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match rng.below(3) {
                0 => text.insert_str(at, SNIPPETS[rng.below(SNIPPETS.len())]),
                1 => {
                    let mut end = (at + rng.below(12)).min(text.len());
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    text.replace_range(at..end, "");
                }
                _ => {
                    let mut end = (at + rng.below(40)).min(text.len());
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    let piece = text[at..end].to_string();
                    let mut to = rng.below(text.len() + 1);
                    while !text.is_char_boundary(to) {
                        to -= 1;
                    }
                    text.insert_str(to, &piece);
                }
            }
        }
        assert_clean(&text);
    }
}

#[test]
fn deep_and_odd_documents() {
    let deep = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: {}{}\n",
        "[".repeat(300),
        "]".repeat(300)
    );
    assert_clean(&deep);
    let mut nested = String::from("apiVersion: apps/v1\nkind: Deployment\nspec:\n");
    for i in 0..200 {
        nested.push_str(&format!("{}k{i}:\n", "  ".repeat(i + 1)));
    }
    assert_clean(&nested);
    for odd in [
        "",
        "---",
        "kind: Pod",
        "apiVersion: v1",
        "kind: [Pod]",
        "kind: {a: b}\napiVersion: 5",
        "metadata: 3\nspec: 4",
        "apiVersion: v1\nkind: Pod\nspec: [1, 2]",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: [x]}\nspec:\n  containers: 5",
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  selector: 3\n  template: *a",
        "- a\n- b",
        "apiVersion: v1\nkind: Service\nspec:\n  ports: [{port: x, nodePort: [1]}, 3]",
    ] {
        assert_clean(odd);
    }
}
