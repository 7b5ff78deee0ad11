//! The objects of a set of files, and the cross-document rules that read them: duplicate
//! objects, Services and PodDisruptionBudgets that select no pods, Ingress backends, HPA
//! targets, StatefulSet Services, and the ConfigMaps, Secrets, ServiceAccounts and claims pods
//! use.
//!
//! Files see each other only within a deployment unit (see [`crate::analysis::project::units`]):
//! the objects of a kustomization, of a chart, or of one folder tree. Duplicates are only
//! reported within one file or a unit whose files are applied together for certain. Patches
//! are not objects here. A reference is only reported missing when the unit defines objects of
//! that kind (in that namespace): a Secret made by hand in the cluster is no mistake in a
//! repository that keeps no Secrets; ConfigMaps and Secrets a kustomization generates count.

use std::collections::HashMap;
use std::sync::OnceLock;

use kref_corpus::schema::suggest;
use kref_yaml::{File, Node, NodeValue, TextRange, Typed};

use super::context::{
    Cx, at, bool_of, get, int_of, is_null, items, pairs, pod_labels, pod_spec, str_of, text_of,
};
use super::edits::replace;
use super::registry::PssLevel;
use super::{Diagnostic, Related};
use crate::analysis::project::{FileClass, Layout};

/// What other documents need to know about one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    /// Index of the document in its file.
    pub doc: usize,
    /// Index in the List's items, for an item of a List.
    pub item: Option<usize>,
    pub api_version: String,
    pub kind: String,
    pub name: Option<String>,
    pub namespace: Option<String>,
    /// The name's value (or the kind's) in its file.
    pub range: TextRange,
    /// Zero-based line of `range`.
    pub line: u32,
    /// The labels its pods get, for workloads and Pods.
    pub pod_labels: Option<Vec<(String, String)>>,
    /// For Services: the selector, the ports (name, port) and whether it is headless.
    pub service: Option<ServiceFacts>,
    /// `spec.replicas` is written.
    pub replicas: bool,
    /// For Namespaces: `pod-security.kubernetes.io/enforce`.
    pub enforce: Option<PssLevel>,
    /// For HorizontalPodAutoscalers: the target's kind and name.
    pub scale_target: Option<(String, String)>,
    /// A custom resource whose controller may run pods (its spec has pod settings such as
    /// `replicas`, `image`, `podMetadata` or `template`): the labels it carries, which
    /// operators put on the pods they make.
    pub pod_owner: Option<Vec<(String, String)>>,
    /// Holds strategic-merge directives: a partial object, not an object of its own.
    pub partial: bool,
    /// Made by a kustomization's generator, not written in a file.
    pub generated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceFacts {
    pub selector: Vec<(String, String)>,
    pub ports: Vec<(Option<String>, Option<i64>)>,
    pub headless: bool,
}

impl Object {
    fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map_or("", |(g, _)| g)
    }
}

/// Do these objects (of one file) include a CustomResourceDefinition? `kref check` and the
/// language server then use the file as a schema too.
pub fn defines_crd(objects: &[Object]) -> bool {
    objects
        .iter()
        .any(|o| o.kind == "CustomResourceDefinition" && o.api_version.starts_with("apiextensions.k8s.io/"))
}

/// Do two lists of objects tell other files the same, whatever their positions? (An edit that
/// only moves objects needs no new check of the files that refer to them.)
pub fn same_facts(a: &[Object], b: &[Object]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| Object { range: y.range, line: y.line, doc: y.doc, ..x.clone() } == *y)
}

fn owned(pairs: Vec<(&str, &str)>) -> Vec<(String, String)> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Spec keys that say a custom resource's controller runs pods for it.
const POD_SETTINGS: &[&str] = &[
    "replicas",
    "image",
    "podMetadata",
    "podTemplate",
    "template",
    "containers",
    "serviceAccountName",
    "nodeSelector",
    "tolerations",
    "affinity",
    "resources",
];

/// The labels a custom resource may pass to the pods its controller makes: its own, and
/// every string map named `labels` in its spec (pod metadata, templates), a few levels deep.
fn owner_labels(root: &Node) -> Option<Vec<(String, String)>> {
    let spec = get(root, "spec")?;
    let runs_pods = pairs(spec).iter().any(|p| POD_SETTINGS.contains(&p.key.text.as_str()));
    if !runs_pods {
        return None;
    }
    let mut labels =
        at(root, &["metadata", "labels"]).map(|l| owned(super::context::string_map(l))).unwrap_or_default();
    let mut stack = vec![(spec, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        for p in pairs(node) {
            if p.key.text == "labels" && p.value.as_mapping().is_some() {
                labels.extend(owned(super::context::string_map(&p.value)));
            } else if depth < 4 && matches!(p.value.value, NodeValue::Mapping(_)) {
                stack.push((&p.value, depth + 1));
            }
        }
    }
    Some(labels)
}

/// The objects of a file (a List's items each count as one).
pub fn objects(file: &File) -> Vec<Object> {
    let index = file.line_index();
    let mut out = Vec::new();
    for obj in crate::analysis::manifest::objects(file) {
        let root = obj.node;
        let Some((kind, kind_range)) = &obj.kind else { continue };
        let api_version = obj.api_version.as_ref().map_or("", |(a, _)| a.as_str());
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let builtin = super::context::is_builtin_group(group);
        let range = at(root, &["metadata", "name"]).map_or(*kind_range, |n| n.range);
        let mut o = Object {
            doc: obj.doc,
            item: obj.item,
            api_version: api_version.to_string(),
            kind: kind.clone(),
            name: obj.name.clone(),
            namespace: obj.namespace.clone().filter(|n| !n.is_empty()),
            range,
            line: index.line_col(range.start, kref_yaml::Encoding::Utf8).line,
            pod_labels: None,
            service: None,
            replicas: at(root, &["spec", "replicas"]).is_some(),
            enforce: None,
            scale_target: None,
            pod_owner: None,
            partial: obj.partial,
            generated: false,
        };
        if !builtin {
            o.pod_owner = owner_labels(root);
        }
        if builtin {
            if super::context::pod_spec_path(kind).is_some() {
                o.pod_labels = Some(
                    pod_labels(root, kind).map(|l| owned(super::context::string_map(l))).unwrap_or_default(),
                );
            }
            match kind.as_str() {
                "Service" => {
                    let spec = get(root, "spec");
                    let selector = spec
                        .and_then(|s| get(s, "selector"))
                        .map(super::context::string_map)
                        .unwrap_or_default();
                    let ports = spec
                        .and_then(|s| get(s, "ports"))
                        .map(items)
                        .unwrap_or(&[])
                        .iter()
                        .map(|p| {
                            (
                                get(p, "name").and_then(text_of).map(str::to_string),
                                get(p, "port").and_then(int_of),
                            )
                        })
                        .collect();
                    let headless = spec.and_then(|s| get(s, "clusterIP")).and_then(text_of) == Some("None");
                    o.service = Some(ServiceFacts { selector: owned(selector), ports, headless });
                }
                "Namespace" => {
                    o.enforce = match at(root, &["metadata", "labels"])
                        .and_then(|l| get(l, "pod-security.kubernetes.io/enforce"))
                        .and_then(text_of)
                    {
                        Some("baseline") => Some(PssLevel::Baseline),
                        Some("restricted") => Some(PssLevel::Restricted),
                        _ => None,
                    };
                }
                "HorizontalPodAutoscaler" => {
                    let target = at(root, &["spec", "scaleTargetRef"]);
                    let k = target.and_then(|t| get(t, "kind")).and_then(text_of);
                    let n = target.and_then(|t| get(t, "name")).and_then(text_of);
                    if let (Some(k), Some(n)) = (k, n) {
                        o.scale_target = Some((k.to_string(), n.to_string()));
                    }
                }
                _ => {}
            }
        }
        out.push(o);
    }
    out
}

/// One file of a workspace.
#[derive(Debug, Clone, Default)]
struct Entry {
    objects: Vec<Object>,
    /// What the project takes the file for (`None`: not known, a manifest).
    class: Option<FileClass>,
    /// The deployment units it belongs to (indexes into [`Workspace::units`]); none: it sees,
    /// and is seen by, the other files of no unit (a workspace without a layout).
    units: Vec<u32>,
}

impl Entry {
    /// Do its objects count for the other files (not patches, tool configs, templates)?
    fn has_objects(&self) -> bool {
        self.class.is_none_or(FileClass::has_objects) && self.class != Some(FileClass::Patch)
    }
}

/// What the cross-document rules know of a unit.
#[derive(Debug, Clone, Default)]
struct UnitFacts {
    /// Its files are applied together for certain: the same object twice collides.
    together: bool,
    /// The ConfigMaps and Secrets its kustomizations generate.
    generated: Vec<Object>,
    /// Some of its files are templates: its objects are not all known.
    incomplete: bool,
}

/// The objects of every file of a workspace, by file key (a path or URI), with the
/// deployment units they belong to.
#[derive(Debug, Default)]
pub struct Workspace {
    files: Vec<(String, Entry)>,
    positions: HashMap<String, usize>,
    units: Vec<UnitFacts>,
    index: OnceLock<Index>,
}

/// (kind, name, namespace as written).
type NameInNamespace = (String, String, Option<String>);

/// Lookups over a set of objects: `(file, object)` positions.
#[derive(Debug, Default)]
struct Index {
    /// (kind, name) → objects.
    by_name: HashMap<(String, String), Vec<(usize, usize)>>,
    /// (kind, name, namespace as written) → objects: what the duplicate check needs, so that
    /// thousands of objects sharing a name across namespaces do not make it quadratic.
    by_name_ns: HashMap<NameInNamespace, Vec<(usize, usize)>>,
    /// kind → objects.
    by_kind: HashMap<String, Vec<(usize, usize)>>,
    /// Objects with pod templates, by namespace (`None` when not written).
    pods: HashMap<Option<String>, Vec<(usize, usize)>>,
    /// Custom resources that may run pods.
    owners: Vec<(usize, usize)>,
}

impl Index {
    fn build<'o>(files: impl Iterator<Item = Option<&'o [Object]>>) -> Index {
        let mut index = Index::default();
        for (f, objects) in files.enumerate() {
            let Some(objects) = objects else { continue };
            for (o, obj) in objects.iter().enumerate() {
                if obj.partial {
                    continue;
                }
                if let Some(name) = &obj.name {
                    index.by_name.entry((obj.kind.clone(), name.clone())).or_default().push((f, o));
                    index
                        .by_name_ns
                        .entry((obj.kind.clone(), name.clone(), obj.namespace.clone()))
                        .or_default()
                        .push((f, o));
                }
                index.by_kind.entry(obj.kind.clone()).or_default().push((f, o));
                if obj.pod_labels.is_some() {
                    index.pods.entry(obj.namespace.clone()).or_default().push((f, o));
                }
                if obj.pod_owner.is_some() {
                    index.owners.push((f, o));
                }
            }
        }
        index
    }

    /// Objects with pod templates whose namespace may be `ns`: those of `ns` and those with
    /// none written (or all, when `ns` is not written).
    fn pods_in<'s>(&'s self, ns: Option<&'s str>) -> Box<dyn Iterator<Item = (usize, usize)> + 's> {
        match ns {
            None => Box::new(self.pods.values().flatten().copied()),
            Some(ns) => Box::new(
                self.pods
                    .get(&Some(ns.to_string()))
                    .into_iter()
                    .chain(self.pods.get(&None))
                    .flatten()
                    .copied(),
            ),
        }
    }
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace::default()
    }

    /// Records (or replaces) the objects of the file `key`.
    pub fn update(&mut self, key: &str, file: &File) {
        self.set(key, objects(file));
    }

    /// Records (or replaces) already extracted objects of the file `key`; its class and units
    /// stay as they were.
    pub fn set(&mut self, key: &str, objects: Vec<Object>) {
        match self.positions.get(key) {
            Some(&i) => self.files[i].1.objects = objects,
            None => {
                self.positions.insert(key.to_string(), self.files.len());
                self.files.push((key.to_string(), Entry { objects, ..Entry::default() }));
            }
        }
        self.index = OnceLock::new();
    }

    /// Takes the classes and deployment units of `layout` (files it does not know keep no
    /// unit). Call again whenever the layout is built anew.
    pub fn apply_layout(&mut self, layout: &Layout) {
        self.units = layout
            .units
            .iter()
            .map(|u| UnitFacts {
                together: u.kind.applied_together(),
                incomplete: u.unreadable > 0,
                generated: u
                    .generated
                    .iter()
                    .map(|g| Object {
                        doc: 0,
                        item: None,
                        api_version: "v1".into(),
                        kind: g.kind.to_string(),
                        name: Some(g.name.clone()),
                        namespace: g.namespace.clone(),
                        range: TextRange::empty(0),
                        line: 0,
                        pod_labels: None,
                        service: None,
                        replicas: false,
                        enforce: None,
                        scale_target: None,
                        pod_owner: None,
                        partial: false,
                        generated: true,
                    })
                    .collect(),
            })
            .collect();
        for (key, entry) in &mut self.files {
            match layout.file(key) {
                Some(placed) => {
                    entry.class = Some(placed.class);
                    entry.units.clone_from(&placed.units);
                }
                None => {
                    entry.class = None;
                    entry.units.clear();
                }
            }
        }
        self.index = OnceLock::new();
    }

    /// Sets the class and units of one file (a document the layout did not know).
    pub fn place(&mut self, key: &str, class: Option<FileClass>, units: Vec<u32>) {
        if let Some(&i) = self.positions.get(key) {
            let entry = &mut self.files[i].1;
            entry.class = class;
            entry.units = units;
            self.index = OnceLock::new();
        }
    }

    /// The class recorded for `key`, if any.
    pub fn class_of(&self, key: &str) -> Option<FileClass> {
        self.positions.get(key).and_then(|&i| self.files[i].1.class)
    }

    /// The units recorded for `key`.
    pub fn units_of(&self, key: &str) -> &[u32] {
        self.positions.get(key).map_or(&[], |&i| self.files[i].1.units.as_slice())
    }

    /// Forgets the file `key`.
    pub fn remove(&mut self, key: &str) {
        if let Some(i) = self.positions.remove(key) {
            self.files.swap_remove(i);
            if let Some((moved, _)) = self.files.get(i) {
                self.positions.insert(moved.clone(), i);
            }
            self.index = OnceLock::new();
        }
    }

    /// The objects recorded for the file `key`.
    pub fn objects_of(&self, key: &str) -> Option<&[Object]> {
        self.positions.get(key).map(|&i| self.files[i].1.objects.as_slice())
    }

    /// The keys of the files recorded.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|(k, _)| k.as_str())
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Number of objects in all files.
    pub fn object_count(&self) -> usize {
        self.files.iter().map(|(_, e)| e.objects.len()).sum()
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            Index::build(self.files.iter().map(|(_, e)| e.has_objects().then_some(e.objects.as_slice())))
        })
    }

    fn get(&self, (f, o): (usize, usize)) -> Option<(&str, &Object)> {
        let (key, entry) = self.files.get(f)?;
        Some((key.as_str(), entry.objects.get(o)?))
    }

    fn units_at(&self, f: usize) -> &[u32] {
        self.files.get(f).map_or(&[], |(_, e)| e.units.as_slice())
    }
}

/// Namespaces are compatible when they are equal or one is not written (applied with `-n`).
pub(crate) fn ns_compatible(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// The objects one file's checks see: its own (current text) and those of the other files of
/// its deployment units.
pub(crate) struct View<'a> {
    key: Option<&'a str>,
    local: &'a [Object],
    /// Lookups over `local`, built on first use (a file can hold thousands of objects).
    local_index: OnceLock<Index>,
    ws: Option<&'a Workspace>,
    /// This file's position in the workspace, if recorded.
    me: Option<usize>,
    /// The units of this file.
    units: &'a [u32],
}

impl<'a> View<'a> {
    pub fn local(local: &'a [Object]) -> View<'a> {
        View { key: None, local, local_index: OnceLock::new(), ws: None, me: None, units: &[] }
    }

    pub fn new(key: &'a str, local: &'a [Object], ws: &'a Workspace) -> View<'a> {
        let units = ws.units_of(key);
        let me = ws.positions.get(key).copied();
        View { key: Some(key), local, local_index: OnceLock::new(), ws: Some(ws), me, units }
    }

    fn local_index(&self) -> &Index {
        self.local_index.get_or_init(|| Index::build(std::iter::once(Some(self.local))))
    }

    /// Does this file share a unit with the file at `f` of the workspace? Files of no unit
    /// see each other.
    fn visible(&self, ws: &Workspace, f: usize) -> bool {
        let theirs = ws.units_at(f);
        if self.units.is_empty() || theirs.is_empty() {
            return self.units.is_empty() && theirs.is_empty();
        }
        theirs.iter().any(|u| self.units.contains(u))
    }

    /// Are this file and the file at `f` applied together for certain (a unit of kustomize,
    /// Helm or `.kref.yaml`, or a workspace with no units)?
    fn together(&self, ws: &Workspace, f: usize) -> bool {
        let theirs = ws.units_at(f);
        if self.units.is_empty() && theirs.is_empty() {
            return true;
        }
        theirs
            .iter()
            .any(|u| self.units.contains(u) && ws.units.get(*u as usize).is_some_and(|facts| facts.together))
    }

    /// Does a unit of this file hold templates, whose objects kref cannot read?
    fn incomplete(&self) -> bool {
        let Some(ws) = self.ws else { return false };
        self.units.iter().any(|u| ws.units.get(*u as usize).is_some_and(|f| f.incomplete))
    }

    /// This file's object for document `doc` (and List item `item`).
    fn at_doc(&self, doc: usize, item: Option<usize>) -> Option<&'a Object> {
        // Objects come in file order: by document, then by List item.
        let local = self.local;
        let i = local.partition_point(|o| (o.doc, o.item) < (doc, item));
        local.get(i).filter(|o| o.doc == doc && o.item == item)
    }

    fn others(
        &self,
        refs: Option<&'a Vec<(usize, usize)>>,
    ) -> impl Iterator<Item = (Option<&'a str>, &'a Object)> {
        let ws = self.ws;
        let key = self.key;
        let me = self.me;
        refs.into_iter()
            .flatten()
            .filter(move |(f, _)| Some(*f) != me && ws.is_some_and(|ws| self.visible(ws, *f)))
            .filter_map(move |r| ws?.get(*r))
            .filter(move |(k, _)| Some(*k) != key)
            .map(|(k, o)| (Some(k), o))
    }

    /// The objects the units of this file generate (kustomize generators).
    fn generated(&self) -> impl Iterator<Item = (Option<&'a str>, &'a Object)> {
        let ws = self.ws;
        self.units
            .iter()
            .filter_map(move |u| ws?.units.get(*u as usize))
            .flat_map(|facts| facts.generated.iter())
            .map(|o| (None, o))
    }

    fn locals(&self, refs: Option<&Vec<(usize, usize)>>) -> Vec<(Option<&'a str>, &'a Object)> {
        let local = self.local;
        refs.into_iter().flatten().filter_map(|(_, o)| local.get(*o)).map(|o| (None, o)).collect()
    }

    /// Objects of `kind` named `name`, this file's first.
    pub(crate) fn named(&self, kind: &str, name: &str) -> Vec<(Option<&'a str>, &'a Object)> {
        let key = (kind.to_string(), name.to_string());
        let mut out = self.locals(self.local_index().by_name.get(&key));
        if let Some(ws) = self.ws {
            out.extend(self.others(ws.index().by_name.get(&key)));
        }
        out.extend(self.generated().filter(|(_, o)| o.kind == kind && o.name.as_deref() == Some(name)));
        out
    }

    /// Objects of `kind` named `name` whose namespace is written exactly as `ns`, this file's
    /// first, with whether each is applied together with this file for certain.
    fn named_in(&self, kind: &str, name: &str, ns: Option<&str>) -> Vec<(Option<&'a str>, &'a Object, bool)> {
        let key = (kind.to_string(), name.to_string(), ns.map(str::to_string));
        let mut out: Vec<_> = self
            .locals(self.local_index().by_name_ns.get(&key))
            .into_iter()
            .map(|(f, o)| (f, o, true))
            .collect();
        if let Some(ws) = self.ws {
            for r in ws.index().by_name_ns.get(&key).into_iter().flatten() {
                if Some(r.0) == self.me || !self.visible(ws, r.0) {
                    continue;
                }
                if let Some((k, o)) = ws.get(*r)
                    && Some(k) != self.key
                {
                    out.push((Some(k), o, self.together(ws, r.0)));
                }
            }
        }
        out
    }

    /// Objects of `kind` in a namespace compatible with `ns`.
    fn of_kind(&self, kind: &str, ns: Option<&str>) -> Vec<(Option<&'a str>, &'a Object)> {
        let mut out = self.locals(self.local_index().by_kind.get(kind));
        out.retain(|(_, o)| ns_compatible(o.namespace.as_deref(), ns));
        if let Some(ws) = self.ws {
            out.extend(
                self.others(ws.index().by_kind.get(kind))
                    .filter(|(_, o)| ns_compatible(o.namespace.as_deref(), ns)),
            );
        }
        out.extend(
            self.generated().filter(|(_, o)| o.kind == kind && ns_compatible(o.namespace.as_deref(), ns)),
        );
        out
    }

    /// Objects with pod templates in a namespace compatible with `ns`.
    fn pods(&self, ns: Option<&str>) -> Vec<&'a Object> {
        self.pods_in_files(ns).into_iter().map(|(_, o)| o).collect()
    }

    /// Custom resources that may run pods, in a namespace compatible with `ns`.
    fn pod_owners(&self, ns: Option<&str>) -> Vec<&'a Object> {
        let local = self.local;
        let mut out: Vec<&'a Object> =
            self.local_index().owners.iter().filter_map(|(_, o)| local.get(*o)).collect();
        if let Some(ws) = self.ws {
            out.extend(self.others(Some(&ws.index().owners)).map(|(_, o)| o));
        }
        out.retain(|o| ns_compatible(o.namespace.as_deref(), ns));
        out
    }

    /// [`View::pods`] with the file of each (`None`: this file), this file's first.
    pub(crate) fn pods_in_files(&self, ns: Option<&str>) -> Vec<(Option<&'a str>, &'a Object)> {
        let local = self.local;
        let mut out: Vec<(Option<&'a str>, &'a Object)> = self
            .local_index()
            .pods_in(ns)
            .filter_map(|(_, o)| local.get(o))
            .filter(|o| ns_compatible(o.namespace.as_deref(), ns))
            .map(|o| (None, o))
            .collect();
        if let Some(ws) = self.ws {
            out.extend(
                ws.index()
                    .pods_in(ns)
                    .filter(|(f, _)| Some(*f) != self.me && self.visible(ws, *f))
                    .filter_map(|r| ws.get(r))
                    .filter(|(k, o)| Some(*k) != self.key && ns_compatible(o.namespace.as_deref(), ns))
                    .map(|(k, o)| (Some(k), o)),
            );
        }
        out
    }

    /// The Pod Security level a Namespace of the workspace enforces for `ns`.
    pub fn enforced(&self, ns: Option<&str>) -> Option<PssLevel> {
        let ns = ns?;
        self.named("Namespace", ns).iter().find_map(|(_, o)| o.enforce)
    }

    /// Does a HorizontalPodAutoscaler of the workspace scale `kind`/`name`?
    pub fn targeted_by_hpa(&self, kind: &str, name: Option<&str>, ns: Option<&str>) -> bool {
        let Some(name) = name else { return false };
        self.of_kind("HorizontalPodAutoscaler", ns)
            .iter()
            .any(|(_, o)| o.scale_target.as_ref().is_some_and(|(k, n)| k == kind && n == name))
    }
}

/// A label selector: `matchLabels` and `matchExpressions`, or a plain map (Service, RC).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    pub labels: Vec<(String, String)>,
    /// (key, operator, values)
    pub exprs: Vec<(String, String, Vec<String>)>,
}

impl Selector {
    pub fn from_label_selector(node: &Node) -> Selector {
        let mut s = Selector::default();
        if let Some(m) = get(node, "matchLabels") {
            s.labels = owned(super::context::string_map(m));
        }
        for e in get(node, "matchExpressions").map(items).unwrap_or(&[]) {
            let key = get(e, "key").and_then(text_of).unwrap_or("").to_string();
            let op = get(e, "operator").and_then(text_of).unwrap_or("").to_string();
            let values = get(e, "values")
                .map(items)
                .unwrap_or(&[])
                .iter()
                .filter_map(text_of)
                .map(str::to_string)
                .collect();
            s.exprs.push((key, op, values));
        }
        s
    }

    pub fn from_map(node: &Node) -> Selector {
        Selector { labels: owned(super::context::string_map(node)), exprs: Vec::new() }
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.exprs.is_empty()
    }

    /// Does the selector select pods with these labels? A value holding a placeholder (on
    /// either side) is not known yet, so it matches any.
    pub fn matches(&self, labels: &[(String, String)]) -> bool {
        let value = |k: &str| labels.iter().find(|(lk, _)| lk == k).map(|(_, v)| v.as_str());
        let unknown = crate::analysis::placeholders::has_placeholder;
        self.labels.iter().all(|(k, v)| value(k).is_some_and(|l| l == v || unknown(l) || unknown(v)))
            && self.exprs.iter().all(|(k, op, values)| match op.as_str() {
                "In" => value(k).is_some_and(|v| values.iter().any(|x| x == v)),
                "NotIn" => value(k).is_none_or(|v| !values.iter().any(|x| x == v)),
                "Exists" => value(k).is_some(),
                "DoesNotExist" => value(k).is_none(),
                _ => false,
            })
    }

    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        for (k, op, values) in &self.exprs {
            parts.push(match op.as_str() {
                "Exists" => k.clone(),
                "DoesNotExist" => format!("!{k}"),
                _ => format!("{k} {} ({})", op.to_ascii_lowercase(), values.join(",")),
            });
        }
        parts.join(", ")
    }
}

fn where_is(file: Option<&str>, o: &Object) -> String {
    match file {
        None => format!("line {}", o.line + 1),
        Some(f) => format!("{f}:{}", o.line + 1),
    }
}

fn related(file: Option<&str>, o: &Object, message: String) -> Related {
    Related { file: file.map(str::to_string), range: o.range, line: o.line, message }
}

pub(crate) fn check(cx: &mut Cx<'_>, view: &View<'_>) {
    if cx.partial {
        // A patch is part of another object: no duplicate, and what it refers to is checked
        // where the patch is applied.
        return;
    }
    let ns = cx.obj.namespace.as_deref().filter(|n| !n.is_empty());
    if cx.on("duplicate-object") {
        duplicates(cx, view, ns);
    }
    if !cx.builtin() || view.incomplete() {
        // What a unit with templates defines is not all known: nothing is surely missing.
        return;
    }
    match cx.kind {
        "Service" if cx.on("service-selector") => service_selector(cx, view, ns),
        "Ingress" if cx.on("ingress-backend") => ingress(cx, view, ns),
        "HorizontalPodAutoscaler" if cx.on("hpa-target") => hpa(cx, view, ns),
        "PodDisruptionBudget" if cx.on("pdb-selector") => pdb(cx, view, ns),
        "StatefulSet" if cx.on("statefulset-service") => statefulset_service(cx, view, ns),
        _ => {}
    }
    if cx.on("missing-reference") {
        references(cx, view, ns);
    }
}

fn duplicates(cx: &mut Cx<'_>, view: &View<'_>, ns: Option<&str>) {
    let Some(name) = cx.obj.name.as_deref() else { return };
    let here = view.at_doc(cx.index, cx.obj.item);
    let Some(here) = here else { return };
    let group = here.group();
    // Only objects applied together for certain collide: the same file, or one unit of
    // kustomize, Helm or `.kref.yaml`. Files side by side in a folder may be alternatives.
    let first_other = view.named_in(cx.kind, name, ns).into_iter().find(|(file, o, together)| {
        *together
            && !(file.is_none() && o.doc == here.doc && o.item == here.item)
            && o.group() == group
            && o.namespace.as_deref() == ns
            && !o.generated
    });
    if let Some((file, o, _)) = first_other {
        let ns_text = ns.map(|n| format!("{n}/")).unwrap_or_default();
        let at = where_is(file, o);
        cx.emit(
            Diagnostic::new(
                "duplicate-object",
                here.range,
                format!("{} {ns_text}{name} is also defined at {at}; the later one replaces the earlier when applied", cx.kind),
            )
            .related(related(file, o, format!("the other {} {ns_text}{name}", cx.kind))),
        );
    }
}

fn service_selector(cx: &mut Cx<'_>, view: &View<'_>, ns: Option<&str>) {
    let Some(spec) = get(cx.root, "spec") else { return };
    let Some(sel_pair) = spec.pair("selector").filter(|p| !is_null(&p.value)) else { return };
    let selector = Selector::from_map(&sel_pair.value);
    if selector.is_empty() {
        return;
    }
    let pods = view.pods(ns);
    if !selects_nothing(&selector, &pods, view, ns) {
        return;
    }
    // The workload sharing the most selector labels, to say what differs.
    let best = pods
        .iter()
        .max_by_key(|o| {
            let l = o.pod_labels.as_deref().unwrap_or(&[]);
            selector.labels.iter().filter(|(k, v)| l.iter().any(|(lk, lv)| lk == k && lv == v)).count() * 2
                + selector.labels.iter().filter(|(k, _)| l.iter().any(|(lk, _)| lk == k)).count()
        })
        .copied();
    let mut message = format!("selector {} matches no pod template in the workspace", selector.describe());
    let mut fixes = Vec::new();
    if let Some(b) = best {
        let labels = b.pod_labels.as_deref().unwrap_or(&[]);
        let shown: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        message.push_str(&format!(
            "; {} {} has labels {}",
            b.kind,
            b.name.as_deref().unwrap_or("?"),
            if shown.is_empty() { "none".to_string() } else { shown.join(", ") }
        ));
        for p in pairs(&sel_pair.value) {
            if let Some((_, v)) = labels.iter().find(|(k, _)| *k == p.key.text)
                && text_of(&p.value) != Some(v.as_str())
            {
                fixes.push(replace(
                    format!("Select {}={v}", p.key.text),
                    p.value.range,
                    super::edits::yaml_string(v),
                ));
            }
        }
    }
    let fix = (fixes.len() == 1).then(|| fixes.remove(0));
    cx.emit(Diagnostic::new("service-selector", sel_pair.key_range, message).fixes(fix));
}

/// Does a selector surely match no pod of the unit? Only when the unit has pod templates, none
/// matches, one of them comes close (it shares a label key or value with the selector: the
/// selector was meant for it), and no custom resource whose controller runs pods (a
/// Prometheus, a database cluster) may make pods it matches: operators label their pods with
/// the resource's labels and name.
fn selects_nothing(selector: &Selector, pods: &[&Object], view: &View<'_>, ns: Option<&str>) -> bool {
    if pods.is_empty() || pods.iter().any(|o| o.pod_labels.as_ref().is_some_and(|l| selector.matches(l))) {
        return false;
    }
    let keys: Vec<&str> = selector
        .labels
        .iter()
        .map(|(k, _)| k.as_str())
        .chain(selector.exprs.iter().map(|(k, _, _)| k.as_str()))
        .collect();
    let values: Vec<&str> = selector.labels.iter().map(|(_, v)| v.as_str()).collect();
    let near = pods.iter().any(|o| {
        o.pod_labels
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .any(|(k, v)| keys.contains(&k.as_str()) || values.contains(&v.as_str()))
    });
    if !near {
        return false;
    }
    let owned = view.pod_owners(ns).iter().any(|owner| {
        let labels = owner.pod_owner.as_deref().unwrap_or(&[]);
        let name = owner.name.as_deref().unwrap_or("");
        let kind = owner.kind.to_ascii_lowercase();
        selector.labels.iter().all(|(k, v)| {
            labels.iter().any(|(lk, lv)| lk == k && lv == v) || v == name || v.to_ascii_lowercase() == kind
        })
    });
    !owned
}

/// Every backend of an Ingress: (service name node, port node).
pub(crate) fn backends<'n>(root: &'n Node) -> Vec<(&'n Node, Option<&'n Node>)> {
    let mut out = Vec::new();
    let Some(spec) = get(root, "spec") else { return out };
    let mut push = |b: &'n Node| {
        if let Some(svc) = get(b, "service") {
            if let Some(name) = get(svc, "name") {
                let port = get(svc, "port").and_then(|p| get(p, "number").or_else(|| get(p, "name")));
                out.push((name, port));
            }
        } else if let Some(name) = get(b, "serviceName") {
            out.push((name, get(b, "servicePort")));
        }
    };
    for key in ["defaultBackend", "backend"] {
        if let Some(b) = get(spec, key) {
            push(b);
        }
    }
    for rule in get(spec, "rules").map(items).unwrap_or(&[]) {
        for path in at(rule, &["http", "paths"]).map(items).unwrap_or(&[]) {
            if let Some(b) = get(path, "backend") {
                push(b);
            }
        }
    }
    out
}

fn ingress(cx: &mut Cx<'_>, view: &View<'_>, ns: Option<&str>) {
    let services = view.of_kind("Service", ns);
    if services.is_empty() {
        return;
    }
    for (name_node, port_node) in backends(cx.root) {
        let Some(name) = str_of(name_node) else { continue };
        let found: Vec<_> = services.iter().filter(|(_, o)| o.name.as_deref() == Some(name)).collect();
        let Some((file, svc)) = found.first() else {
            let names = services.iter().filter_map(|(_, o)| o.name.as_deref());
            let close = suggest(names, name);
            let mut message = format!("no Service named {name} in the workspace");
            if let Some(c) = close.first() {
                message.push_str(&format!("; did you mean {c}?"));
            } else {
                message.push_str("; create it or fix the name");
            }
            let fixes = close.iter().map(|c| replace(format!("Change to {c}"), name_node.range, c.clone()));
            cx.emit(Diagnostic::new("ingress-backend", name_node.range, message).fixes(fixes));
            continue;
        };
        let Some(port_node) = port_node else { continue };
        let Some(facts) = &svc.service else { continue };
        let ok = match super::context::scalar(port_node) {
            Some(Typed::Int(n)) => facts.ports.iter().any(|(_, p)| *p == Some(n)),
            Some(Typed::Str(s)) => facts.ports.iter().any(|(n, _)| n.as_deref() == Some(s)),
            _ => true,
        };
        if !ok {
            let listed: Vec<String> = facts
                .ports
                .iter()
                .map(|(n, p)| match (n, p) {
                    (Some(n), Some(p)) => format!("{n} ({p})"),
                    (None, Some(p)) => p.to_string(),
                    (Some(n), None) => n.clone(),
                    (None, None) => "?".into(),
                })
                .collect();
            let port_text = text_of(port_node).unwrap_or("?");
            let message = format!(
                "Service {name} has no port {port_text}; its ports are {}",
                if listed.is_empty() { "none".to_string() } else { listed.join(", ") }
            );
            let mut d = Diagnostic::new("ingress-backend", port_node.range, message).related(related(
                *file,
                svc,
                format!("Service {name}"),
            ));
            if facts.ports.len() == 1
                && let Some(p) = facts.ports[0].1
            {
                let is_number = matches!(super::context::scalar(port_node), Some(Typed::Int(_)));
                if is_number {
                    d = d.fix(replace(format!("Change to {p}"), port_node.range, p.to_string()));
                }
            }
            cx.emit(d);
        }
    }
}

fn hpa(cx: &mut Cx<'_>, view: &View<'_>, ns: Option<&str>) {
    let Some(target) = at(cx.root, &["spec", "scaleTargetRef"]) else { return };
    let (Some(kind), Some(name_node)) = (get(target, "kind").and_then(text_of), get(target, "name")) else {
        return;
    };
    let Some(name) = text_of(name_node) else { return };
    let candidates = view.of_kind(kind, ns);
    if candidates.is_empty() || candidates.iter().any(|(_, o)| o.name.as_deref() == Some(name)) {
        return;
    }
    let close = suggest(candidates.iter().filter_map(|(_, o)| o.name.as_deref()), name);
    let mut message = format!("the target {kind} {name} is not in the workspace");
    match close.first() {
        Some(c) => message.push_str(&format!("; did you mean {c}?")),
        None => message.push_str("; create it or fix scaleTargetRef"),
    }
    let fixes = close.iter().map(|c| replace(format!("Change to {c}"), name_node.range, c.clone()));
    cx.emit(Diagnostic::new("hpa-target", name_node.range, message).fixes(fixes));
}

fn pdb(cx: &mut Cx<'_>, view: &View<'_>, ns: Option<&str>) {
    let Some(sel_pair) = get(cx.root, "spec").and_then(|s| s.pair("selector")).filter(|p| !is_null(&p.value))
    else {
        return;
    };
    let selector = Selector::from_label_selector(&sel_pair.value);
    if selector.is_empty() {
        return;
    }
    let pods = view.pods(ns);
    if !selects_nothing(&selector, &pods, view, ns) {
        return;
    }
    cx.emit(Diagnostic::new(
        "pdb-selector",
        sel_pair.key_range,
        format!(
            "selector {} matches no pod template in the workspace; the budget protects nothing",
            selector.describe()
        ),
    ));
}

fn statefulset_service(cx: &mut Cx<'_>, view: &View<'_>, ns: Option<&str>) {
    let Some(node) = at(cx.root, &["spec", "serviceName"]) else { return };
    let Some(name) = str_of(node).filter(|n| !n.is_empty()) else { return };
    let services = view.of_kind("Service", ns);
    if services.is_empty() {
        return;
    }
    match services.iter().find(|(_, o)| o.name.as_deref() == Some(name)) {
        None => {
            let close = suggest(services.iter().filter_map(|(_, o)| o.name.as_deref()), name);
            let fixes = close.iter().map(|c| replace(format!("Change to {c}"), node.range, c.clone()));
            cx.emit(
                Diagnostic::new(
                    "statefulset-service",
                    node.range,
                    format!("no Service named {name} in the workspace; create a headless Service (clusterIP: None) for the pods' DNS names"),
                )
                .fixes(fixes),
            );
        }
        Some((file, svc)) if svc.service.as_ref().is_some_and(|s| !s.headless) => {
            cx.emit(
                Diagnostic::new(
                    "statefulset-service",
                    node.range,
                    format!("Service {name} is not headless, so the pods get no stable DNS names; set clusterIP: None on it"),
                )
                .related(related(*file, svc, format!("Service {name}"))),
            );
        }
        Some(_) => {}
    }
}

/// Every reference a pod spec makes: (kind, name node); those marked `optional: true` only
/// `with_optional`.
pub(crate) fn pod_references(spec: &Node, with_optional: bool) -> Vec<(&'static str, &Node)> {
    let mut out = Vec::new();
    let optional = |n: &Node| !with_optional && get(n, "optional").and_then(bool_of) == Some(true);
    for key in ["serviceAccountName", "serviceAccount"] {
        if let Some(n) = get(spec, key)
            && text_of(n).is_some_and(|s| s != "default")
        {
            out.push(("ServiceAccount", n));
            break;
        }
    }
    for v in get(spec, "volumes").map(items).unwrap_or(&[]) {
        if let Some(cm) = get(v, "configMap")
            && !optional(cm)
            && let Some(n) = get(cm, "name")
        {
            out.push(("ConfigMap", n));
        }
        if let Some(s) = get(v, "secret")
            && !optional(s)
            && let Some(n) = get(s, "secretName")
        {
            out.push(("Secret", n));
        }
        if let Some(n) = at(v, &["persistentVolumeClaim", "claimName"]) {
            out.push(("PersistentVolumeClaim", n));
        }
        for src in at(v, &["projected", "sources"]).map(items).unwrap_or(&[]) {
            for (key, kind) in [("configMap", "ConfigMap"), ("secret", "Secret")] {
                if let Some(x) = get(src, key)
                    && !optional(x)
                    && let Some(n) = get(x, "name")
                {
                    out.push((kind, n));
                }
            }
        }
    }
    for c in super::context::containers(spec) {
        for e in get(c.node, "env").map(items).unwrap_or(&[]) {
            for (key, kind) in [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")] {
                if let Some(r) = at(e, &["valueFrom", key])
                    && !optional(r)
                    && let Some(n) = get(r, "name")
                {
                    out.push((kind, n));
                }
            }
        }
        for e in get(c.node, "envFrom").map(items).unwrap_or(&[]) {
            for (key, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
                if let Some(r) = get(e, key)
                    && !optional(r)
                    && let Some(n) = get(r, "name")
                {
                    out.push((kind, n));
                }
            }
        }
    }
    out
}

fn references(cx: &mut Cx<'_>, view: &View<'_>, ns: Option<&str>) {
    let Some(spec) = pod_spec(cx) else { return };
    let mut cache: HashMap<&'static str, Vec<String>> = HashMap::new();
    // A StatefulSet's claim templates make the claims its pods' volumes of the same name use.
    let claim_templates = super::context::claim_templates(cx);
    for (kind, node) in pod_references(spec, false) {
        // An empty name is no reference (`serviceAccount: ''` means the default one); a
        // placeholder is filled in later.
        let Some(name) = text_of(node).filter(|n| !n.trim().is_empty()) else { continue };
        if super::context::is_placeholder(node) {
            continue;
        }
        if kind == "ConfigMap" && name == "kube-root-ca.crt" {
            continue;
        }
        if kind == "PersistentVolumeClaim" && claim_templates.contains(&name) {
            continue;
        }
        let names = cache.entry(kind).or_insert_with(|| {
            view.of_kind(kind, ns).iter().filter_map(|(_, o)| o.name.clone()).collect::<Vec<String>>()
        });
        // Claims made from a StatefulSet's volumeClaimTemplates are not separate objects.
        if names.is_empty() || names.iter().any(|n| n == name) {
            continue;
        }
        let close = suggest(names.iter().map(String::as_str), name);
        let mut message = format!("{kind} {name} is not defined in the workspace");
        match close.first() {
            Some(c) => message.push_str(&format!("; did you mean {c}?")),
            None => message.push_str("; create it, fix the name, or mark the reference optional"),
        }
        let fixes = close
            .iter()
            .map(|c| replace(format!("Change to {c}"), node.range, c.clone()))
            .collect::<Vec<_>>();
        cx.emit(Diagnostic::new("missing-reference", node.range, message).fixes(fixes));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_match_labels() {
        let labels = vec![("app".to_string(), "web".to_string()), ("tier".to_string(), "front".to_string())];
        let file = kref_yaml::parse(
            "matchLabels: {app: web}\nmatchExpressions:\n- {key: tier, operator: In, values: [front, back]}\n- {key: canary, operator: DoesNotExist}\n",
        );
        let s = Selector::from_label_selector(file.documents[0].root.as_ref().unwrap());
        assert!(s.matches(&labels));
        let file = kref_yaml::parse("matchLabels: {app: api}\n");
        assert!(!Selector::from_label_selector(file.documents[0].root.as_ref().unwrap()).matches(&labels));
    }

    #[test]
    fn workspace_updates_and_removes() {
        let a = kref_yaml::parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
        let b = kref_yaml::parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
        let mut ws = Workspace::new();
        ws.update("a.yaml", &a);
        ws.update("b.yaml", &b);
        assert_eq!(ws.object_count(), 2);
        let local = objects(&a);
        let view = View::new("a.yaml", &local, &ws);
        assert_eq!(view.of_kind("ConfigMap", None).len(), 2);
        ws.remove("a.yaml");
        assert_eq!(ws.len(), 1);
        let view = View::new("b.yaml", &local, &ws);
        assert_eq!(view.named("ConfigMap", "b").len(), 0, "its own entry is replaced by the local objects");
        assert_eq!(view.named("ConfigMap", "a").len(), 1);
    }
}
