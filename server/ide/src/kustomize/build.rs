//! An overlay built in memory, as `kustomize build` does it (no network, no kustomize
//! binary): resources and components followed transitively, ConfigMap and Secret generators
//! (with `behavior` and the content-hash name suffix), then the built-in transformers in
//! Kustomize's order: strategic-merge patches, patches, namespace, name prefix and suffix,
//! labels, annotations, JSON 6902 patches, replica counts, images; and at the end references
//! to renamed ConfigMaps, Secrets and ServiceAccounts follow their objects.
//!
//! Objects are plain JSON values; each remembers the file it came from and every name it had,
//! so that patches and the checks can match what a kustomization includes. Problems (a missing
//! file, a cycle, a patch with no target) are collected, never fatal.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::refs::{Resolved, resolve};
use super::{Fs, kustomization_in};

/// Kustomizations nested deeper than this are not followed.
const MAX_DEPTH: usize = 32;
/// Objects a build holds at most (a hostile base could hold millions).
const MAX_OBJECTS: usize = 100_000;

/// One object of a build.
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    pub value: Value,
    /// The file it was read from (the kustomization, for generated objects).
    pub file: PathBuf,
    /// Every (kind, name) it had on the way (as written, then renamed).
    pub names: Vec<(String, String)>,
    /// Made by a generator.
    pub generated: bool,
    /// Files of the strategic-merge patches applied to it, in order.
    pub patched_by: Vec<PathBuf>,
    /// A generated object whose name gets the content hash at the end.
    needs_hash: bool,
}

impl Built {
    pub fn kind(&self) -> &str {
        self.value.get("kind").and_then(Value::as_str).unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.value.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("")
    }

    pub fn namespace(&self) -> Option<&str> {
        self.value.pointer("/metadata/namespace").and_then(Value::as_str)
    }

    pub fn api_version(&self) -> &str {
        self.value.get("apiVersion").and_then(Value::as_str).unwrap_or("")
    }

    /// Did it have this name (now or before a rename)?
    pub fn had_name(&self, name: &str) -> bool {
        self.name() == name || self.names.iter().any(|(_, n)| n == name)
    }
}

/// What a build produced.
#[derive(Debug, Clone, Default)]
pub struct Build {
    pub objects: Vec<Built>,
    /// Problems, one line each, with the file they are about.
    pub problems: Vec<(PathBuf, String)>,
    /// Remote resources were left out: the objects are not all known.
    pub incomplete: bool,
}

/// Builds the kustomization in folder `dir` (or the kustomization file `dir` names).
pub fn build(fs: &dyn Fs, dir: &Path) -> Build {
    let dir = if fs.entry(dir) == super::Entry::File { dir.parent().unwrap_or(dir) } else { dir };
    let mut b = Builder { fs, out: Build::default(), stack: Vec::new() };
    let objects = b.kustomization(dir, 0);
    let mut out = b.out;
    out.objects = finish(objects);
    out
}

/// Builds only what a kustomization includes (resources, components, generators), before its
/// own transformers: what its patches, images and replicas may target.
pub fn included(fs: &dyn Fs, dir: &Path) -> Build {
    let mut b = Builder { fs, out: Build::default(), stack: Vec::new() };
    let Some(k) = b.read_kustomization(dir) else { return b.out };
    b.stack.push(dir.to_path_buf());
    let mut objects = Vec::new();
    b.accumulate(dir, &k, &mut objects, 0);
    let mut out = b.out;
    out.objects = objects;
    out
}

struct Builder<'f> {
    fs: &'f dyn Fs,
    out: Build,
    /// Kustomizations being built (for cycles).
    stack: Vec<PathBuf>,
}

/// Reads every YAML document of a text into JSON values (`None` for a file that is no YAML).
fn documents(text: &str) -> Option<Vec<Value>> {
    let mut out = Vec::new();
    for doc in serde_norway::Deserializer::from_str(text) {
        let value = serde_norway::Value::deserialize(doc).ok()?;
        let json: Value = serde_json::to_value(&value).ok()?;
        if !json.is_null() {
            out.push(json);
        }
    }
    Some(out)
}

use serde::Deserialize;

impl Builder<'_> {
    fn problem(&mut self, file: &Path, message: String) {
        self.out.problems.push((file.to_path_buf(), message));
    }

    fn read_kustomization(&mut self, dir: &Path) -> Option<Map<String, Value>> {
        let Some(path) = kustomization_in(self.fs, dir) else {
            self.problem(dir, format!("{} has no kustomization.yaml", dir.display()));
            return None;
        };
        let text = self.fs.read(&path)?;
        let docs = documents(&text);
        match docs.and_then(|d| d.into_iter().next()) {
            Some(Value::Object(m)) => Some(m),
            Some(_) | None if text.trim().is_empty() => Some(Map::new()),
            _ => {
                self.problem(&path, "not a YAML mapping".into());
                None
            }
        }
    }

    /// Builds one kustomization (resources, components, generators, transformers).
    fn kustomization(&mut self, dir: &Path, depth: usize) -> Vec<Built> {
        if depth > MAX_DEPTH {
            self.problem(
                dir,
                format!("kustomizations nested more than {MAX_DEPTH} deep; not followed further"),
            );
            return Vec::new();
        }
        if self.stack.iter().any(|d| d == dir) {
            let chain: Vec<String> = self.stack.iter().map(|d| d.display().to_string()).collect();
            self.problem(dir, format!("cycle of kustomizations: {} → {}", chain.join(" → "), dir.display()));
            return Vec::new();
        }
        let Some(k) = self.read_kustomization(dir) else { return Vec::new() };
        self.stack.push(dir.to_path_buf());
        let mut objects = Vec::new();
        self.accumulate(dir, &k, &mut objects, depth);
        self.transform(dir, &k, &mut objects);
        self.stack.pop();
        objects
    }

    /// Resources, components and generators of `k` into `objects`.
    fn accumulate(&mut self, dir: &Path, k: &Map<String, Value>, objects: &mut Vec<Built>, depth: usize) {
        let list = |key: &str| -> Vec<String> {
            k.get(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default()
        };
        for res in list("resources").into_iter().chain(list("bases")) {
            match resolve(self.fs, dir, &res) {
                Resolved::File(p) => self.read_objects(&p, objects),
                Resolved::Dir(p, Some(_)) => {
                    let sub = self.kustomization(&p, depth + 1);
                    objects.extend(sub);
                }
                Resolved::Dir(p, None) => {
                    self.problem(dir, format!("{} has no kustomization.yaml", p.display()))
                }
                Resolved::Missing(p) => self.problem(dir, format!("{} does not exist", p.display())),
                Resolved::Remote => self.out.incomplete = true,
            }
        }
        for c in list("components") {
            match resolve(self.fs, dir, &c) {
                Resolved::Dir(p, Some(_)) => {
                    if self.stack.contains(&p) || depth > MAX_DEPTH {
                        self.problem(&p, "a component that includes itself".into());
                        continue;
                    }
                    let Some(ck) = self.read_kustomization(&p) else { continue };
                    self.stack.push(p.clone());
                    // A component adds to, and changes, what was built so far.
                    self.accumulate(&p, &ck, objects, depth + 1);
                    self.transform(&p, &ck, objects);
                    self.stack.pop();
                }
                Resolved::Remote => self.out.incomplete = true,
                _ => self.problem(dir, format!("component {c} is not a folder with a kustomization")),
            }
        }
        self.generate(dir, k, objects);
        if objects.len() > MAX_OBJECTS {
            objects.truncate(MAX_OBJECTS);
            self.problem(dir, format!("more than {MAX_OBJECTS} objects; the rest is left out"));
        }
    }

    fn read_objects(&mut self, path: &Path, objects: &mut Vec<Built>) {
        let Some(text) = self.fs.read(path) else {
            self.problem(path, "cannot be read".into());
            return;
        };
        let Some(docs) = documents(&text) else {
            self.problem(path, "not valid YAML".into());
            return;
        };
        for doc in docs {
            let items = match doc.get("items").and_then(Value::as_array) {
                Some(items)
                    if doc.get("kind").and_then(Value::as_str).is_some_and(|k| k.ends_with("List")) =>
                {
                    items.clone()
                }
                _ => vec![doc],
            };
            for value in items {
                if !value.is_object() {
                    continue;
                }
                let mut b = Built {
                    value,
                    file: path.to_path_buf(),
                    names: Vec::new(),
                    generated: false,
                    needs_hash: false,
                    patched_by: Vec::new(),
                };
                b.names.push((b.kind().to_string(), b.name().to_string()));
                objects.push(b);
            }
        }
    }

    fn transform(&mut self, dir: &Path, k: &Map<String, Value>, objects: &mut [Built]) {
        let file = kustomization_in(self.fs, dir).unwrap_or_else(|| dir.to_path_buf());
        // patchesStrategicMerge, then patches.
        for p in k.get("patchesStrategicMerge").and_then(Value::as_array).unwrap_or(&Vec::new()) {
            let Some(s) = p.as_str() else { continue };
            let (docs, source) = if s.contains('\n') || s.contains(": ") {
                (documents(s), file.clone())
            } else {
                match resolve(self.fs, dir, s) {
                    Resolved::File(path) => (self.fs.read(&path).and_then(|t| documents(&t)), path),
                    _ => (None, file.clone()),
                }
            };
            for patch in docs.unwrap_or_default() {
                self.strategic_by_name(&source, &patch, objects);
            }
        }
        for p in k.get("patches").and_then(Value::as_array).unwrap_or(&Vec::new()) {
            let (text, source) =
                match (p.get("patch").and_then(Value::as_str), p.get("path").and_then(Value::as_str)) {
                    (Some(t), _) => (Some(t.to_string()), file.clone()),
                    (None, Some(path)) => match resolve(self.fs, dir, path) {
                        Resolved::File(full) => (self.fs.read(&full), full),
                        _ => (None, file.clone()),
                    },
                    _ => (None, file.clone()),
                };
            let Some(text) = text else { continue };
            let Some(docs) = documents(&text) else {
                self.problem(&file, "a patch that is not valid YAML".into());
                continue;
            };
            let target = p.get("target");
            for patch in docs {
                if patch.is_array() {
                    let Some(target) = target else {
                        self.problem(&file, "a JSON 6902 patch needs a target".into());
                        continue;
                    };
                    let ops = patch.as_array().cloned().unwrap_or_default();
                    for o in objects.iter_mut().filter(|o| selects(target, o)) {
                        if let Err(e) = json6902(&mut o.value, &ops) {
                            self.out.problems.push((file.clone(), e));
                        }
                    }
                } else if let Some(target) = target {
                    for o in objects.iter_mut().filter(|o| selects(target, o)) {
                        strategic_merge(&mut o.value, &patch);
                        o.patched_by.push(source.clone());
                    }
                } else {
                    self.strategic_by_name(&source, &patch, objects);
                }
            }
        }
        if let Some(ns) = k.get("namespace").and_then(Value::as_str).filter(|n| !n.is_empty()) {
            for o in objects.iter_mut() {
                if !is_cluster_scoped(o.kind()) {
                    set(&mut o.value, &["metadata", "namespace"], Value::String(ns.to_string()));
                }
                // Subjects of bindings that name the default ServiceAccount namespace follow.
                if matches!(o.kind(), "RoleBinding" | "ClusterRoleBinding")
                    && let Some(subjects) = o.value.get_mut("subjects").and_then(Value::as_array_mut)
                {
                    for s in subjects {
                        if s.get("kind").and_then(Value::as_str) == Some("ServiceAccount")
                            && s.get("name").and_then(Value::as_str) == Some("default")
                        {
                            s["namespace"] = Value::String(ns.to_string());
                        }
                    }
                }
            }
        }
        let prefix = k.get("namePrefix").and_then(Value::as_str).unwrap_or("");
        let suffix = k.get("nameSuffix").and_then(Value::as_str).unwrap_or("");
        if !prefix.is_empty() || !suffix.is_empty() {
            for o in objects.iter_mut() {
                if matches!(o.kind(), "Namespace" | "CustomResourceDefinition" | "APIService") {
                    continue;
                }
                let new = format!("{prefix}{}{suffix}", o.name());
                set(&mut o.value, &["metadata", "name"], Value::String(new.clone()));
                let kind = o.kind().to_string();
                o.names.push((kind, new));
            }
        }
        let mut labels: Vec<(Map<String, Value>, bool, bool)> = Vec::new();
        if let Some(Value::Object(m)) = k.get("commonLabels") {
            labels.push((m.clone(), true, true));
        }
        for l in k.get("labels").and_then(Value::as_array).unwrap_or(&Vec::new()) {
            if let Some(Value::Object(pairs)) = l.get("pairs") {
                let sel = l.get("includeSelectors").and_then(Value::as_bool).unwrap_or(false);
                let tpl = sel || l.get("includeTemplates").and_then(Value::as_bool).unwrap_or(false);
                labels.push((pairs.clone(), sel, tpl));
            }
        }
        for (pairs, selectors, templates) in &labels {
            for o in objects.iter_mut() {
                add_labels(o, pairs, *selectors, *templates);
            }
        }
        if let Some(Value::Object(m)) = k.get("commonAnnotations") {
            for o in objects.iter_mut() {
                merge_map(&mut o.value, &["metadata", "annotations"], m);
                if let Some(t) = template_path(o.kind()) {
                    let mut path: Vec<&str> = t.to_vec();
                    path.extend(["metadata", "annotations"]);
                    if pointer(&o.value, t).is_some() {
                        merge_map(&mut o.value, &path, m);
                    }
                }
            }
        }
        for p in k.get("patchesJson6902").and_then(Value::as_array).unwrap_or(&Vec::new()) {
            let text = match (p.get("patch").and_then(Value::as_str), p.get("path").and_then(Value::as_str)) {
                (Some(t), _) => Some(t.to_string()),
                (None, Some(path)) => match resolve(self.fs, dir, path) {
                    Resolved::File(full) => self.fs.read(&full),
                    _ => None,
                },
                _ => None,
            };
            let (Some(text), Some(target)) = (text, p.get("target")) else { continue };
            let ops = documents(&text).and_then(|d| d.into_iter().next()).and_then(|v| v.as_array().cloned());
            let Some(ops) = ops else { continue };
            for o in objects.iter_mut().filter(|o| selects(target, o)) {
                if let Err(e) = json6902(&mut o.value, &ops) {
                    self.out.problems.push((file.clone(), e));
                }
            }
        }
        for r in k.get("replicas").and_then(Value::as_array).unwrap_or(&Vec::new()) {
            let (Some(name), Some(count)) = (r.get("name").and_then(Value::as_str), r.get("count")) else {
                continue;
            };
            for o in objects.iter_mut() {
                if o.had_name(name)
                    && matches!(
                        o.kind(),
                        "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController"
                    )
                {
                    set(&mut o.value, &["spec", "replicas"], count.clone());
                }
            }
        }
        for i in k.get("images").and_then(Value::as_array).unwrap_or(&Vec::new()) {
            for o in objects.iter_mut() {
                set_images(&mut o.value, i);
            }
        }
    }

    /// A strategic-merge patch without a target: applied to the object of its kind and name.
    fn strategic_by_name(&mut self, file: &Path, patch: &Value, objects: &mut [Built]) {
        let kind = patch.get("kind").and_then(Value::as_str).unwrap_or("");
        let name = patch.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("");
        let ns = patch.pointer("/metadata/namespace").and_then(Value::as_str);
        let found: Vec<usize> = objects
            .iter()
            .enumerate()
            .filter(|(_, o)| {
                o.kind() == kind && o.had_name(name) && ns.is_none_or(|n| o.namespace() == Some(n))
            })
            .map(|(i, _)| i)
            .collect();
        if found.is_empty() {
            self.problem(file, format!("a patch for {kind} {name} finds no such object"));
        }
        for i in found {
            let keep = objects[i].name().to_string();
            strategic_merge(&mut objects[i].value, patch);
            objects[i].patched_by.push(file.to_path_buf());
            // The patch names the object by any of its names: the current one stays.
            set(&mut objects[i].value, &["metadata", "name"], Value::String(keep));
            if patch.get("$patch").and_then(Value::as_str) == Some("delete") {
                objects[i].value = Value::Null;
            }
        }
    }

    fn generate(&mut self, dir: &Path, k: &Map<String, Value>, objects: &mut Vec<Built>) {
        let file = kustomization_in(self.fs, dir).unwrap_or_else(|| dir.to_path_buf());
        let global = k.get("generatorOptions");
        for (key, kind) in [("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")] {
            for g in k.get(key).and_then(Value::as_array).unwrap_or(&Vec::new()) {
                let Some(name) = g.get("name").and_then(Value::as_str) else { continue };
                let ns = g.get("namespace").and_then(Value::as_str);
                let mut data = Map::new();
                let pairs = self.generator_data(dir, &file, g);
                for (k, v) in pairs {
                    let v = if kind == "Secret" { crate::base64::encode(v.as_bytes()) } else { v };
                    data.insert(k, Value::String(v));
                }
                let options = g.get("options");
                let opt_bool = |key: &str| {
                    options
                        .and_then(|o| o.get(key))
                        .and_then(Value::as_bool)
                        .or_else(|| global.and_then(|o| o.get(key)).and_then(Value::as_bool))
                        .unwrap_or(false)
                };
                let behavior = g.get("behavior").and_then(Value::as_str).unwrap_or("create");
                if behavior == "merge" || behavior == "replace" {
                    let found = objects.iter_mut().find(|o| {
                        o.kind() == kind && o.had_name(name) && (ns.is_none() || o.namespace() == ns)
                    });
                    match found {
                        Some(o) => {
                            if behavior == "replace" {
                                o.value["data"] = Value::Object(data);
                            } else {
                                let entry = o.value.as_object_mut().and_then(|m| {
                                    m.entry("data")
                                        .or_insert_with(|| Value::Object(Map::new()))
                                        .as_object_mut()
                                });
                                if let Some(existing) = entry {
                                    existing.extend(data);
                                }
                            }
                            for (key, path) in [("labels", "labels"), ("annotations", "annotations")] {
                                for src in [global, options].into_iter().flatten() {
                                    if let Some(Value::Object(m)) = src.get(key) {
                                        merge_map(&mut o.value, &["metadata", path], m);
                                    }
                                }
                            }
                            if opt_bool("disableNameSuffixHash") {
                                o.needs_hash = false;
                            }
                        }
                        None => self.problem(
                            &file,
                            format!(
                                "{key} {name} has behavior {behavior}, but no {kind} {name} comes from a base"
                            ),
                        ),
                    }
                    continue;
                }
                let mut value =
                    serde_json::json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name}});
                if let Some(ns) = ns {
                    value["metadata"]["namespace"] = Value::String(ns.to_string());
                }
                if kind == "Secret" {
                    value["type"] =
                        Value::String(g.get("type").and_then(Value::as_str).unwrap_or("Opaque").to_string());
                }
                if !data.is_empty() {
                    value["data"] = Value::Object(data);
                }
                for src in [global, options].into_iter().flatten() {
                    for key in ["labels", "annotations"] {
                        if let Some(Value::Object(m)) = src.get(key) {
                            merge_map(&mut value, &["metadata", key], m);
                        }
                    }
                }
                if opt_bool("immutable") {
                    value["immutable"] = Value::Bool(true);
                }
                objects.push(Built {
                    value,
                    file: file.clone(),
                    names: vec![(kind.to_string(), name.to_string())],
                    generated: true,
                    needs_hash: !opt_bool("disableNameSuffixHash"),
                    patched_by: Vec::new(),
                });
            }
        }
    }

    /// The keys and values of a generator: literals, files, env files, in that order.
    fn generator_data(&mut self, dir: &Path, file: &Path, g: &Value) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let strs = |key: &str| -> Vec<String> {
            g.get(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default()
        };
        let mut envs = strs("envs");
        if let Some(e) = g.get("env").and_then(Value::as_str) {
            envs.push(e.to_string());
        }
        for e in envs {
            let Resolved::File(p) = resolve(self.fs, dir, &e) else {
                self.problem(file, format!("env file {e} does not exist"));
                continue;
            };
            for line in self.fs.read(&p).unwrap_or_default().lines() {
                let line = line.trim_start();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                match line.split_once('=') {
                    Some((k, v)) => out.push((k.trim().to_string(), v.to_string())),
                    None => {
                        // A bare key takes its value from the environment in Kustomize; offline, it is empty.
                        out.push((line.trim().to_string(), String::new()));
                    }
                }
            }
        }
        for l in strs("literals") {
            if let Some((k, v)) = l.split_once('=') {
                let v = v.trim_matches(|c| c == '"' || c == '\'');
                out.push((k.trim().to_string(), v.to_string()));
            }
        }
        for f in strs("files") {
            let (key, path) = match f.split_once('=') {
                Some((k, p)) => (k.to_string(), p.to_string()),
                None => {
                    (Path::new(&f).file_name().and_then(|n| n.to_str()).unwrap_or(&f).to_string(), f.clone())
                }
            };
            match resolve(self.fs, dir, &path) {
                Resolved::File(p) => out.push((key, self.fs.read(&p).unwrap_or_default())),
                _ => self.problem(file, format!("file {path} does not exist")),
            }
        }
        // Later keys win, as Kustomize's merge of sources does.
        let mut seen = HashSet::new();
        let mut deduped: Vec<(String, String)> =
            out.into_iter().rev().filter(|(k, _)| seen.insert(k.clone())).collect();
        deduped.reverse();
        deduped
    }
}

/// Hash suffixes, references to renamed objects, deleted objects dropped.
fn finish(mut objects: Vec<Built>) -> Vec<Built> {
    objects.retain(|o| !o.value.is_null());
    for o in objects.iter_mut().filter(|o| o.needs_hash) {
        let hash = content_hash(&o.value);
        let new = format!("{}-{hash}", o.name());
        set(&mut o.value, &["metadata", "name"], Value::String(new.clone()));
        let kind = o.kind().to_string();
        o.names.push((kind, new));
    }
    // (kind, any earlier name, namespace) → the final name.
    let renamed: Vec<(String, Vec<String>, Option<String>, String)> = objects
        .iter()
        .filter(|o| o.names.len() > 1)
        .map(|o| {
            (
                o.kind().to_string(),
                o.names.iter().map(|(_, n)| n.clone()).collect(),
                o.namespace().map(str::to_string),
                o.name().to_string(),
            )
        })
        .collect();
    if renamed.is_empty() {
        return objects;
    }
    for o in objects.iter_mut() {
        let ns = o.namespace().map(str::to_string);
        let lookup = |kind: &str, name: &str| -> Option<String> {
            renamed
                .iter()
                .find(|(k, names, n, _)| {
                    k == kind && names.iter().any(|x| x == name) && (n.is_none() || *n == ns)
                })
                .map(|(_, _, _, new)| new.clone())
        };
        rename_refs(&mut o.value, &lookup);
    }
    objects
}

/// Rewrites the references of an object (pod templates, Ingress backends, bindings) through
/// `lookup(kind, name)`.
fn rename_refs(value: &mut Value, lookup: &dyn Fn(&str, &str) -> Option<String>) {
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("").to_string();
    let fix = |v: &mut Value, kind: &str| {
        if let Some(name) = v.as_str()
            && let Some(new) = lookup(kind, name)
        {
            *v = Value::String(new);
        }
    };
    if let Some(path) = pod_spec_path(&kind)
        && let Some(spec) = pointer_mut(value, path)
    {
        if let Some(v) = spec.get_mut("serviceAccountName") {
            fix(v, "ServiceAccount");
        }
        for v in spec.get_mut("volumes").and_then(Value::as_array_mut).into_iter().flatten() {
            if let Some(n) = v.pointer_mut("/configMap/name") {
                fix(n, "ConfigMap");
            }
            if let Some(n) = v.pointer_mut("/secret/secretName") {
                fix(n, "Secret");
            }
            if let Some(n) = v.pointer_mut("/persistentVolumeClaim/claimName") {
                fix(n, "PersistentVolumeClaim");
            }
            for s in v.pointer_mut("/projected/sources").and_then(Value::as_array_mut).into_iter().flatten() {
                if let Some(n) = s.pointer_mut("/configMap/name") {
                    fix(n, "ConfigMap");
                }
                if let Some(n) = s.pointer_mut("/secret/name") {
                    fix(n, "Secret");
                }
            }
        }
        for s in spec.get_mut("imagePullSecrets").and_then(Value::as_array_mut).into_iter().flatten() {
            if let Some(n) = s.get_mut("name") {
                fix(n, "Secret");
            }
        }
        for key in ["containers", "initContainers"] {
            for c in spec.get_mut(key).and_then(Value::as_array_mut).into_iter().flatten() {
                for e in c.get_mut("env").and_then(Value::as_array_mut).into_iter().flatten() {
                    if let Some(n) = e.pointer_mut("/valueFrom/configMapKeyRef/name") {
                        fix(n, "ConfigMap");
                    }
                    if let Some(n) = e.pointer_mut("/valueFrom/secretKeyRef/name") {
                        fix(n, "Secret");
                    }
                }
                for e in c.get_mut("envFrom").and_then(Value::as_array_mut).into_iter().flatten() {
                    if let Some(n) = e.pointer_mut("/configMapRef/name") {
                        fix(n, "ConfigMap");
                    }
                    if let Some(n) = e.pointer_mut("/secretRef/name") {
                        fix(n, "Secret");
                    }
                }
            }
        }
    }
    if kind == "Ingress" {
        if let Some(n) = value.pointer_mut("/spec/defaultBackend/service/name") {
            fix(n, "Service");
        }
        for rule in value.pointer_mut("/spec/rules").and_then(Value::as_array_mut).into_iter().flatten() {
            for p in rule.pointer_mut("/http/paths").and_then(Value::as_array_mut).into_iter().flatten() {
                if let Some(n) = p.pointer_mut("/backend/service/name") {
                    fix(n, "Service");
                }
            }
        }
        for t in value.pointer_mut("/spec/tls").and_then(Value::as_array_mut).into_iter().flatten() {
            if let Some(n) = t.get_mut("secretName") {
                fix(n, "Secret");
            }
        }
    }
    if matches!(kind.as_str(), "RoleBinding" | "ClusterRoleBinding") {
        let role_kind = value.pointer("/roleRef/kind").and_then(Value::as_str).unwrap_or("").to_string();
        if let Some(n) = value.pointer_mut("/roleRef/name") {
            fix(n, &role_kind);
        }
        for s in value.get_mut("subjects").and_then(Value::as_array_mut).into_iter().flatten() {
            if s.get("kind").and_then(Value::as_str) == Some("ServiceAccount")
                && let Some(n) = s.get_mut("name")
            {
                fix(n, "ServiceAccount");
            }
        }
    }
    if kind == "StatefulSet"
        && let Some(n) = value.pointer_mut("/spec/serviceName")
    {
        fix(n, "Service");
    }
    if kind == "HorizontalPodAutoscaler" {
        let target =
            value.pointer("/spec/scaleTargetRef/kind").and_then(Value::as_str).unwrap_or("").to_string();
        if let Some(n) = value.pointer_mut("/spec/scaleTargetRef/name") {
            fix(n, &target);
        }
    }
}

/// The content hash Kustomize appends to generated names: SHA-256 of the JSON of kind, data
/// (and type for Secrets) and an empty name (Kustomize v5 hashes the content alone, so the
/// overlays' prefixes and suffixes leave it unchanged), its first ten hex digits with 0, 1, 3,
/// a, e spelled g, h, k, m, t.
pub fn content_hash(value: &Value) -> String {
    use sha2::Digest;
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
    let mut m = BTreeMap::new();
    m.insert("kind", value.get("kind").cloned().unwrap_or(Value::Null));
    m.insert("name", Value::String(String::new()));
    let data = value.get("data").cloned().unwrap_or(Value::Object(Map::new()));
    m.insert("data", sorted(&data));
    if let Some(b) = value.get("binaryData") {
        m.insert("binaryData", sorted(b));
    }
    if kind == "Secret" {
        m.insert("type", value.get("type").cloned().unwrap_or(Value::String("Opaque".into())));
    }
    let json = go_json(&serde_json::to_string(&m).unwrap_or_default());
    let digest = sha2::Sha256::digest(json.as_bytes());
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    hex.chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

/// A JSON value with object keys sorted (as Go's encoder writes maps).
fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let b: BTreeMap<&String, Value> = m.iter().map(|(k, v)| (k, sorted(v))).collect();
            Value::Object(b.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// Go's `json.Marshal` escapes `<`, `>` and `&` (and U+2028/9) inside strings.
fn go_json(s: &str) -> String {
    s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// Does a patch target (a selector) select the object?
pub fn selects(target: &Value, o: &Built) -> bool {
    let field = |k: &str| target.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    let (group, version) = match o.api_version().split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", o.api_version()),
    };
    if field("kind").is_some_and(|k| !regex_match(k, o.kind())) {
        return false;
    }
    if field("group").is_some_and(|g| !regex_match(g, group)) {
        return false;
    }
    if field("version").is_some_and(|v| !regex_match(v, version)) {
        return false;
    }
    if let Some(n) = field("name")
        && !regex_match(n, o.name())
        && !o.names.iter().any(|(_, old)| regex_match(n, old))
    {
        return false;
    }
    if let Some(ns) = field("namespace")
        && !regex_match(ns, o.namespace().unwrap_or("default"))
    {
        return false;
    }
    if let Some(sel) = field("labelSelector")
        && !label_selector_matches(sel, o.value.pointer("/metadata/labels"))
    {
        return false;
    }
    if let Some(sel) = field("annotationSelector")
        && !label_selector_matches(sel, o.value.pointer("/metadata/annotations"))
    {
        return false;
    }
    true
}

/// Kustomize matches selector fields as anchored regular expressions.
fn regex_match(pattern: &str, text: &str) -> bool {
    if pattern == text {
        return true;
    }
    if !pattern.contains(['*', '.', '[', '(', '|', '+', '?', '^', '$']) {
        return false;
    }
    regex::Regex::new(&format!("^(?:{pattern})$")).is_ok_and(|r| r.is_match(text))
}

/// `a=b,c!=d,e,!f,g in (x,y)`: the common forms of a label selector.
fn label_selector_matches(selector: &str, labels: Option<&Value>) -> bool {
    let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in selector.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&selector[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&selector[start..]);
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).all(|p| {
        if let Some((k, v)) = p.split_once("!=") {
            get(k.trim()) != Some(v.trim())
        } else if let Some((k, v)) = p.split_once("==").or_else(|| p.split_once('=')) {
            get(k.trim()) == Some(v.trim())
        } else if let Some((k, set)) = p.split_once(" notin ") {
            let set: Vec<&str> = set.trim().trim_matches(['(', ')']).split(',').map(str::trim).collect();
            get(k.trim()).is_none_or(|v| !set.contains(&v))
        } else if let Some((k, set)) = p.split_once(" in ") {
            let set: Vec<&str> = set.trim().trim_matches(['(', ')']).split(',').map(str::trim).collect();
            get(k.trim()).is_some_and(|v| set.contains(&v))
        } else if let Some(k) = p.strip_prefix('!') {
            get(k.trim()).is_none()
        } else {
            get(p).is_some()
        }
    })
}

fn is_cluster_scoped(kind: &str) -> bool {
    // Unknown kinds (custom resources) are taken as namespaced, as Kustomize does without
    // their CRD.
    kref_corpus::schema::Schema::builtin()
        .kinds_named(kind)
        .into_iter()
        .find(|k| k.kind == kind)
        .is_some_and(|k| !k.namespaced)
}

/// Where a kind keeps its pod spec.
fn pod_spec_path(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pod" => &["spec"],
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "ReplicationController" => {
            &["spec", "template", "spec"]
        }
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return None,
    })
}

/// Where a kind keeps its pod template.
fn template_path(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "ReplicationController" => {
            &["spec", "template"]
        }
        "CronJob" => &["spec", "jobTemplate", "spec", "template"],
        _ => return None,
    })
}

fn pointer<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

fn pointer_mut<'v>(v: &'v mut Value, path: &[&str]) -> Option<&'v mut Value> {
    path.iter().try_fold(v, |v, k| v.get_mut(*k))
}

/// Sets `path` to `value`, creating objects on the way.
fn set(v: &mut Value, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut cur = v;
    for k in parents {
        if !cur.get(*k).is_some_and(Value::is_object) {
            if let Some(m) = cur.as_object_mut() {
                m.insert(k.to_string(), Value::Object(Map::new()));
            } else {
                return;
            }
        }
        let Some(next) = cur.get_mut(*k) else { return };
        cur = next;
    }
    if let Some(m) = cur.as_object_mut() {
        m.insert(last.to_string(), value);
    }
}

fn merge_map(v: &mut Value, path: &[&str], add: &Map<String, Value>) {
    if pointer(v, path).is_none_or(|m| !m.is_object()) {
        set(v, path, Value::Object(Map::new()));
    }
    if let Some(m) = pointer_mut(v, path).and_then(Value::as_object_mut) {
        for (k, val) in add {
            m.insert(k.clone(), val.clone());
        }
    }
}

/// Labels on metadata, and where asked on selectors and pod templates (the field specs of
/// Kustomize's commonLabels for the built-in kinds).
fn add_labels(o: &mut Built, pairs: &Map<String, Value>, selectors: bool, templates: bool) {
    let kind = o.kind().to_string();
    merge_map(&mut o.value, &["metadata", "labels"], pairs);
    let v = &mut o.value;
    if templates && let Some(t) = template_path(&kind) {
        let mut path = t.to_vec();
        path.extend(["metadata", "labels"]);
        merge_map(v, &path, pairs);
    }
    if !selectors {
        return;
    }
    match kind.as_str() {
        "Service" | "ReplicationController" => merge_map(v, &["spec", "selector"], pairs),
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => {
            merge_map(v, &["spec", "selector", "matchLabels"], pairs)
        }
        "Job" | "CronJob" => {
            // Kustomize labels a Job's selector only when it has one.
            let path: &[&str] = if kind == "Job" {
                &["spec", "selector"]
            } else {
                &["spec", "jobTemplate", "spec", "selector"]
            };
            if pointer(v, path).is_some() {
                let mut p = path.to_vec();
                p.push("matchLabels");
                merge_map(v, &p, pairs);
            }
        }
        "PodDisruptionBudget" if pointer(v, &["spec", "selector"]).is_some() => {
            merge_map(v, &["spec", "selector", "matchLabels"], pairs)
        }
        "NetworkPolicy" => {
            merge_map(v, &["spec", "podSelector", "matchLabels"], pairs);
        }
        _ => {}
    }
}

/// An `images` entry applied to every container image of an object.
fn set_images(v: &mut Value, image: &Value) {
    let Some(name) = image.get("name").and_then(Value::as_str) else { return };
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or("").to_string();
    let Some(path) = pod_spec_path(&kind) else { return };
    let Some(spec) = pointer_mut(v, path) else { return };
    for key in ["containers", "initContainers"] {
        for c in spec.get_mut(key).and_then(Value::as_array_mut).into_iter().flatten() {
            let Some(current) = c.get("image").and_then(Value::as_str) else { continue };
            if let Some(new) = new_image(current, image, name) {
                c["image"] = Value::String(new);
            }
        }
    }
}

/// Splits an image into name, tag and digest (`registry:5000/app:1.2@sha256:..`).
pub fn split_image(image: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[slash..].rfind(':') {
        Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..]), digest),
        None => (rest, None, digest),
    }
}

fn new_image(current: &str, image: &Value, name: &str) -> Option<String> {
    let (cur_name, tag, digest) = split_image(current);
    if cur_name != name {
        return None;
    }
    let get = |k: &str| {
        image
            .get(k)
            .and_then(|v| v.as_str().map(str::to_string).or_else(|| v.as_i64().map(|n| n.to_string())))
    };
    let new_name = get("newName").unwrap_or_else(|| cur_name.to_string());
    let mut out = new_name;
    if let Some(d) = get("digest") {
        out.push('@');
        out.push_str(&d);
        return Some(out);
    }
    let tag = get("newTag").or_else(|| tag.map(str::to_string));
    let tag = match (tag, get("tagSuffix")) {
        (Some(t), Some(s)) => Some(format!("{t}{s}")),
        (t, _) => t,
    };
    if let Some(t) = tag {
        out.push(':');
        out.push_str(&t);
    }
    if get("newTag").is_none()
        && let Some(d) = digest
    {
        out.push('@');
        out.push_str(d);
    }
    Some(out)
}

/// List fields merged by a key rather than replaced (the strategic-merge keys of the built-in
/// schema for the lists people patch).
fn merge_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "containers" | "initContainers" | "ephemeralContainers" | "volumes" | "env" | "imagePullSecrets" => {
            "name"
        }
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "ports" => "containerPort",
        "tolerations" | "hostAliases" => return None,
        "topologySpreadConstraints" => "topologyKey",
        _ => return None,
    })
}

/// A strategic-merge patch applied to `target`: maps merge key by key, `null` deletes, lists
/// with a merge key merge item by item, other lists are replaced; `$patch: replace|delete`.
pub fn strategic_merge(target: &mut Value, patch: &Value) {
    merge_value(target, patch, None);
}

fn merge_value(target: &mut Value, patch: &Value, field: Option<&str>) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            match p.get("$patch").and_then(Value::as_str) {
                Some("replace") => {
                    let mut m = p.clone();
                    m.remove("$patch");
                    *t = m;
                    return;
                }
                Some("delete") => {
                    t.clear();
                    return;
                }
                _ => {}
            }
            for (k, v) in p {
                if k.starts_with('$') {
                    continue;
                }
                if v.is_null() {
                    t.remove(k);
                    continue;
                }
                match t.get_mut(k) {
                    Some(existing) => merge_value(existing, v, Some(k)),
                    None => {
                        let mut v = v.clone();
                        strip_directives(&mut v);
                        t.insert(k.clone(), v);
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(p)) => {
            let key = field.and_then(merge_key);
            let Some(key) =
                key.filter(|k| p.iter().all(|i| i.get(*k).is_some() || i.get("$patch").is_some()))
            else {
                let mut p = Value::Array(p.clone());
                strip_directives(&mut p);
                *t = p.as_array().cloned().unwrap_or_default();
                return;
            };
            // Kustomize writes the patch's items first, in the patch's order (merged into the
            // items they name), then the other items as they were.
            let mut merged = Vec::with_capacity(t.len() + p.len());
            let mut used = vec![false; t.len()];
            for item in p {
                let id = item.get(key);
                let pos = t.iter().position(|x| id.is_some() && x.get(key) == id);
                let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
                if let Some(i) = pos {
                    used[i] = true;
                }
                match (pos, delete) {
                    (_, true) => {}
                    (Some(i), false) => {
                        let mut v = t[i].clone();
                        merge_value(&mut v, item, None);
                        merged.push(v);
                    }
                    (None, false) => {
                        let mut v = item.clone();
                        strip_directives(&mut v);
                        merged.push(v);
                    }
                }
            }
            merged.extend(t.iter().zip(&used).filter(|(_, u)| !**u).map(|(v, _)| v.clone()));
            *t = merged;
        }
        (t, p) => {
            let mut p = p.clone();
            strip_directives(&mut p);
            *t = p;
        }
    }
}

fn strip_directives(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, _| !k.starts_with('$'));
            m.values_mut().for_each(strip_directives);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_directives),
        _ => {}
    }
}

/// A JSON 6902 patch (RFC 6902) applied to `target`; an error names the operation that failed.
pub fn json6902(target: &mut Value, ops: &[Value]) -> Result<(), String> {
    for (i, op) in ops.iter().enumerate() {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
        let path = op.get("path").and_then(Value::as_str).unwrap_or("");
        let fail = |why: &str| format!("JSON patch operation {} ({kind} {path}): {why}", i + 1);
        let value = op.get("value").cloned();
        match kind {
            "add" => add(target, path, value.ok_or_else(|| fail("no value"))?).map_err(|e| fail(&e))?,
            "remove" => {
                remove(target, path).map_err(|e| fail(&e))?;
            }
            "replace" => {
                let value = value.ok_or_else(|| fail("no value"))?;
                match target.pointer_mut(path) {
                    Some(slot) => *slot = value,
                    // Kustomize's JSON patch library sets a key missing from an object that
                    // exists (a list index must exist).
                    None => {
                        let (parent, key) = parent_and_key(path).map_err(|e| fail(&e))?;
                        match target.pointer_mut(parent) {
                            Some(Value::Object(m)) => {
                                m.insert(key, value);
                            }
                            _ => return Err(fail("no such path")),
                        }
                    }
                }
            }
            "move" | "copy" => {
                let from = op.get("from").and_then(Value::as_str).ok_or_else(|| fail("no from"))?;
                let v = if kind == "move" {
                    remove(target, from).map_err(|e| fail(&e))?
                } else {
                    target.pointer(from).cloned().ok_or_else(|| fail("no such from path"))?
                };
                add(target, path, v).map_err(|e| fail(&e))?;
            }
            "test" => {
                if target.pointer(path) != value.as_ref() {
                    return Err(fail("the test failed"));
                }
            }
            other => return Err(fail(&format!("unknown op {other:?}"))),
        }
    }
    Ok(())
}

fn parent_and_key(path: &str) -> Result<(&str, String), String> {
    let i = path.rfind('/').ok_or("the path does not start with /")?;
    Ok((&path[..i], path[i + 1..].replace("~1", "/").replace("~0", "~")))
}

fn add(target: &mut Value, path: &str, value: Value) -> Result<(), String> {
    if path.is_empty() {
        *target = value;
        return Ok(());
    }
    let (parent, key) = parent_and_key(path)?;
    if target.pointer(parent).is_none() {
        // Kustomize creates the missing objects on the way of an `add`.
        let mut cur = &mut *target;
        for part in parent.split('/').skip(1) {
            let part = part.replace("~1", "/").replace("~0", "~");
            let Value::Object(m) = cur else { return Err("no such parent".into()) };
            cur = m.entry(part).or_insert_with(|| Value::Object(Map::new()));
        }
    }
    let slot = target.pointer_mut(parent).ok_or("no such parent")?;
    match slot {
        Value::Object(m) => {
            m.insert(key, value);
        }
        Value::Array(a) => {
            if key == "-" {
                a.push(value);
            } else {
                let i: usize = key.parse().map_err(|_| format!("{key:?} is not an index"))?;
                if i > a.len() {
                    return Err(format!("index {i} is out of range (the list has {} items)", a.len()));
                }
                a.insert(i, value);
            }
        }
        _ => return Err("the parent is not an object or list".into()),
    }
    Ok(())
}

fn remove(target: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, key) = parent_and_key(path)?;
    let slot = target.pointer_mut(parent).ok_or("no such parent")?;
    match slot {
        Value::Object(m) => m.remove(&key).ok_or_else(|| format!("no key {key:?}")),
        Value::Array(a) => {
            let i: usize = key.parse().map_err(|_| format!("{key:?} is not an index"))?;
            if i >= a.len() {
                return Err(format!("index {i} is out of range (the list has {} items)", a.len()));
            }
            Ok(a.remove(i))
        }
        _ => Err("the parent is not an object or list".into()),
    }
}

/// Kinds Kustomize's default (legacy) order puts first, in this order.
const ORDER_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];

/// Kinds it puts last.
const ORDER_LAST: &[&str] = &["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

/// The objects as YAML documents, in Kustomize's default order (kinds as above, then by kind,
/// namespace and name).
pub fn render(objects: &[Built]) -> String {
    render_order(objects).0
}

/// [`render`], with the index of the object each document is.
pub fn render_order(objects: &[Built]) -> (String, Vec<usize>) {
    let rank =
        |k: &str| match (ORDER_FIRST.iter().position(|x| *x == k), ORDER_LAST.iter().position(|x| *x == k)) {
            (Some(i), _) => i,
            (None, Some(i)) => 1000 + i,
            _ => 500,
        };
    let mut sorted: Vec<(usize, &Built)> = objects.iter().enumerate().collect();
    sorted.sort_by(|(_, a), (_, b)| {
        (rank(a.kind()), a.kind(), a.namespace().unwrap_or(""), a.name()).cmp(&(
            rank(b.kind()),
            b.kind(),
            b.namespace().unwrap_or(""),
            b.name(),
        ))
    });
    let mut out = String::new();
    for (i, (_, o)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        emit(&mut out, &o.value, 0, false);
    }
    (out, sorted.iter().map(|(i, _)| *i).collect())
}

/// Writes a value as block YAML at `indent`; `inline` when the first line continues a `- `.
fn emit(out: &mut String, v: &Value, indent: usize, inline: bool) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (i, (k, val)) in m.iter().enumerate() {
                if i > 0 || !inline {
                    out.push_str(&pad);
                }
                out.push_str(&scalar_text(k, indent));
                out.push(':');
                match val {
                    Value::Object(c) if !c.is_empty() => {
                        out.push('\n');
                        emit(out, val, indent + 2, false);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push('\n');
                        emit(out, val, indent, false);
                    }
                    _ => {
                        out.push(' ');
                        out.push_str(&leaf(val, indent + 2));
                        out.push('\n');
                    }
                }
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for item in a {
                out.push_str(&pad);
                out.push_str("- ");
                match item {
                    Value::Object(c) if !c.is_empty() => emit(out, item, indent + 2, true),
                    Value::Array(c) if !c.is_empty() => {
                        out.push('\n');
                        emit(out, item, indent + 2, false);
                    }
                    _ => {
                        out.push_str(&leaf(item, indent + 2));
                        out.push('\n');
                    }
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&leaf(other, indent));
            out.push('\n');
        }
    }
}

/// A scalar or empty collection on one line (multi-line strings as `|` blocks).
fn leaf(v: &Value, indent: usize) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => scalar_text(s, indent),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

/// A string as YAML: plain when every reader (YAML 1.1 too) reads it back as this string,
/// a literal block for multi-line text, else double-quoted.
fn scalar_text(s: &str, indent: usize) -> String {
    if s.contains('\n')
        && !s.contains(['\r', '\t'])
        && !s.starts_with(' ')
        && !s.lines().any(|l| l.ends_with(' '))
    {
        let chomp = if s.ends_with("\n\n") {
            "+"
        } else if s.ends_with('\n') {
            ""
        } else {
            "-"
        };
        let pad = " ".repeat(indent);
        let mut out = format!("|{chomp}");
        for line in s.trim_end_matches('\n').split('\n') {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&pad);
                out.push_str(line);
            }
        }
        if chomp == "+" {
            for _ in 0..s.len() - s.trim_end_matches('\n').len() - 1 {
                out.push('\n');
            }
        }
        return out;
    }
    let lower = s.to_ascii_lowercase();
    let special = matches!(
        lower.as_str(),
        "" | "~"
            | "null"
            | "true"
            | "false"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "y"
            | "n"
            | ".inf"
            | "-.inf"
            | ".nan"
    );
    let numeric = s.parse::<f64>().is_ok()
        || s.starts_with("0x")
        || s.starts_with("0o")
        || (s.contains(':') && s.split(':').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())));
    let plain = !special
        && !numeric
        && !s.starts_with([
            ' ', '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@',
            '`',
        ])
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with([' ', ':'])
        && !s.chars().any(char::is_control);
    if plain { s.to_string() } else { serde_json::to_string(s).unwrap_or_default() }
}

#[cfg(test)]
mod tests {
    use super::super::MemFs;
    use super::*;

    #[test]
    fn json_patches_say_what_failed() {
        let mut v = serde_json::json!({"spec": {"containers": [{"name": "a"}]}, "metadata": {}});
        let ops: Vec<Value> = serde_json::from_str(
            r#"[{"op": "add", "path": "/metadata/annotations/a~1b", "value": "x"},
                {"op": "replace", "path": "/spec/containers/0/name", "value": "b"}]"#,
        )
        .unwrap();
        json6902(&mut v, &ops).unwrap();
        assert_eq!(v["metadata"]["annotations"]["a/b"], "x");
        assert_eq!(v["spec"]["containers"][0]["name"], "b");
        let bad: Vec<Value> =
            serde_json::from_str(r#"[{"op": "remove", "path": "/spec/containers/5"}]"#).unwrap();
        assert_eq!(
            json6902(&mut v, &bad).unwrap_err(),
            "JSON patch operation 1 (remove /spec/containers/5): index 5 is out of range (the list has 1 items)"
        );
        let unknown: Vec<Value> = serde_json::from_str(r#"[{"op": "merge", "path": "/x"}]"#).unwrap();
        assert!(json6902(&mut v, &unknown).unwrap_err().contains("unknown op \"merge\""));
        // As kustomize (v5.5) does: `replace` sets a key missing from an object that exists,
        // but not a list item or below a missing object.
        let replace: Vec<Value> =
            serde_json::from_str(r#"[{"op": "replace", "path": "/spec/paused", "value": true}]"#).unwrap();
        json6902(&mut v, &replace).unwrap();
        assert_eq!(v["spec"]["paused"], true);
        for path in ["/spec/containers/1", "/spec/strategy/type"] {
            let op = serde_json::json!([{"op": "replace", "path": path, "value": "x"}]);
            let err = json6902(&mut v, op.as_array().unwrap()).unwrap_err();
            assert_eq!(err, format!("JSON patch operation 1 (replace {path}): no such path"));
        }
    }

    #[test]
    fn strategic_merge_uses_merge_keys_and_directives() {
        let mut base = serde_json::json!({"spec": {"containers": [
            {"name": "a", "image": "x", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
            {"name": "b", "image": "y"}
        ], "volumes": [{"name": "v"}]}});
        let patch = serde_json::json!({"spec": {"containers": [
            {"name": "a", "env": [{"name": "B", "value": "3"}, {"name": "C", "value": "4"}]},
            {"name": "b", "$patch": "delete"}
        ], "volumes": null}});
        strategic_merge(&mut base, &patch);
        assert_eq!(
            base,
            serde_json::json!({"spec": {"containers": [
                {"name": "a", "image": "x", "env": [{"name": "B", "value": "3"}, {"name": "C", "value": "4"}, {"name": "A", "value": "1"}]}
            ]}})
        );
    }

    #[test]
    fn a_big_base_and_a_cycle_end_quickly() {
        let mut big = String::new();
        for i in 0..10_000 {
            big.push_str(&format!(
                "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\ndata: {{a: b}}\n"
            ));
        }
        let fs = MemFs::new([
            ("/b/kustomization.yaml", "resources: [all.yaml]\nnamePrefix: x-\ncommonLabels: {a: b}\n"),
            ("/b/all.yaml", big.as_str()),
            ("/o/kustomization.yaml", "resources: [../b, ../o2]\n"),
            ("/o2/kustomization.yaml", "resources: [../o]\n"),
        ]);
        let start = std::time::Instant::now();
        let built = build(&fs, Path::new("/b"));
        assert_eq!(built.objects.len(), 10_000);
        assert_eq!(built.objects[9_999].name(), "x-c9999");
        assert!(start.elapsed().as_secs() < 20);
        let looped = build(&fs, Path::new("/o"));
        assert!(
            looped.problems.iter().any(|(_, p)| p.starts_with("cycle of kustomizations")),
            "{:?}",
            looped.problems
        );
    }

    #[test]
    fn images_keep_or_replace_tags_and_digests() {
        let image = serde_json::json!({"name": "nginx", "newTag": "1.27"});
        assert_eq!(new_image("nginx:1.25", &image, "nginx").as_deref(), Some("nginx:1.27"));
        assert_eq!(new_image("nginx", &image, "nginx").as_deref(), Some("nginx:1.27"));
        assert_eq!(new_image("docker.io/nginx:1.25", &image, "nginx"), None);
        let digest = serde_json::json!({"name": "r:5000/app", "digest": "sha256:abc"});
        assert_eq!(
            new_image("r:5000/app:1", &digest, "r:5000/app").as_deref(),
            Some("r:5000/app@sha256:abc")
        );
        assert_eq!(split_image("r:5000/app:1@sha256:x"), ("r:5000/app", Some("1"), Some("sha256:x")));
    }

    #[test]
    fn generated_names_hash_the_content_as_kustomize_does() {
        // `configMapGenerator: [{name: a, literals: [x=y]}]` is `a-6gc9d749f7` in kustomize v5.
        let cm = serde_json::json!({"kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"x": "y"}});
        assert_eq!(content_hash(&cm), "6gc9d749f7");
    }
}
