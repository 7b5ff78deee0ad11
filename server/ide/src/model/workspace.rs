//! The workspace: what each file's objects tell the other files ([`Object`]: names, pod
//! labels, Service ports and selectors, HPA targets, Pod Security levels, pod-running custom
//! resources), recorded per file key with the file's class and deployment units
//! ([`Workspace`]), and the objects one file sees ([`View`]): its own and those of the files
//! it shares a unit with.
//!
//! Files see each other only within a deployment unit (see [`super::project::units`]): the
//! objects of a kustomization, of a chart, or of one folder tree. Patches are not objects
//! here; ConfigMaps and Secrets a kustomization generates are.

use std::collections::HashMap;
use std::sync::OnceLock;

use kref_yaml::{File, Node, NodeValue, TextRange};

use super::object::is_builtin_group;
use super::pod::{PssLevel, pod_labels, pod_spec_path};
use super::project::{FileClass, Layout};
use super::yaml::{at, get, int_of, items, owned_map, pairs, text_of};

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
    /// The API group of its apiVersion (empty for the core group).
    pub fn group(&self) -> &str {
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
    let mut labels = at(root, &["metadata", "labels"]).map(owned_map).unwrap_or_default();
    let mut stack = vec![(spec, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        for p in pairs(node) {
            if p.key.text == "labels" && p.value.as_mapping().is_some() {
                labels.extend(owned_map(&p.value));
            } else if depth < 4 && matches!(p.value.value, NodeValue::Mapping(_)) {
                stack.push((&p.value, depth + 1));
            }
        }
    }
    Some(labels)
}

impl Object {
    /// The objects of a file (a List's items each count as one).
    pub fn of_file(file: &File) -> Vec<Object> {
        of_file(file)
    }
}

fn of_file(file: &File) -> Vec<Object> {
    let index = file.line_index();
    let mut out = Vec::new();
    for obj in super::object::objects(file) {
        let root = obj.node;
        let Some((kind, kind_range)) = &obj.kind else { continue };
        let api_version = obj.api_version.as_ref().map_or("", |(a, _)| a.as_str());
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let builtin = is_builtin_group(group);
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
            if pod_spec_path(kind).is_some() {
                o.pod_labels = Some(pod_labels(root, kind).map(owned_map).unwrap_or_default());
            }
            match kind.as_str() {
                "Service" => {
                    let spec = get(root, "spec");
                    let selector = spec.and_then(|s| get(s, "selector")).map(owned_map).unwrap_or_default();
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
                    o.service = Some(ServiceFacts { selector, ports, headless });
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
    /// For a Kustomize unit: its kustomization file (the overlay that nothing includes).
    kustomization: Option<String>,
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

/// (kind, namespace as written).
type KindInNamespace = (String, Option<String>);

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
    /// (kind, namespace as written) → objects: a lookup in one namespace reads only its
    /// objects and those with none written, not every object of the kind.
    by_kind_ns: HashMap<KindInNamespace, Vec<(usize, usize)>>,
    /// Objects with pod templates, by namespace (`None` when not written).
    pods: HashMap<Option<String>, Vec<(usize, usize)>>,
    /// All objects with pod templates, in (file, object) order.
    all_pods: Vec<(usize, usize)>,
    /// Custom resources that may run pods.
    owners: Vec<(usize, usize)>,
    /// The same, by namespace (`None` when not written).
    owners_ns: HashMap<Option<String>, Vec<(usize, usize)>>,
}

/// Positions of two lists in (file, object) order, merged in that order: the order a
/// filter over the whole kind would give.
fn merged(a: &[(usize, usize)], b: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
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
                index.by_kind_ns.entry((obj.kind.clone(), obj.namespace.clone())).or_default().push((f, o));
                if obj.pod_labels.is_some() {
                    index.pods.entry(obj.namespace.clone()).or_default().push((f, o));
                    index.all_pods.push((f, o));
                }
                if obj.pod_owner.is_some() {
                    index.owners.push((f, o));
                    index.owners_ns.entry(obj.namespace.clone()).or_default().push((f, o));
                }
            }
        }
        index
    }

    /// Objects of `kind` whose namespace may be `ns` (see [`ns_compatible`]), in (file,
    /// object) order: those of `ns` and those with none written (all, when `ns` is not
    /// written).
    fn kind_in(&self, kind: &str, ns: Option<&str>) -> Vec<(usize, usize)> {
        let Some(ns) = ns else {
            return self.by_kind.get(kind).cloned().unwrap_or_default();
        };
        let list = |ns: Option<&str>| {
            self.by_kind_ns.get(&(kind.to_string(), ns.map(str::to_string))).map_or(&[][..], Vec::as_slice)
        };
        merged(list(Some(ns)), list(None))
    }

    /// Custom resources that may run pods whose namespace may be `ns`, in (file, object)
    /// order.
    fn owners_in(&self, ns: Option<&str>) -> Vec<(usize, usize)> {
        let Some(ns) = ns else { return self.owners.clone() };
        let list = |ns: Option<String>| self.owners_ns.get(&ns).map_or(&[][..], Vec::as_slice);
        merged(list(Some(ns.to_string())), list(None))
    }

    /// Objects with pod templates whose namespace may be `ns`: those of `ns` and those with
    /// none written (or all, when `ns` is not written).
    fn pods_in<'s>(&'s self, ns: Option<&'s str>) -> Box<dyn Iterator<Item = (usize, usize)> + 's> {
        match ns {
            // In file order: the order of a map's values changes from run to run, and which
            // workload a message names must not.
            None => Box::new(self.all_pods.iter().copied()),
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
        self.set(key, Object::of_file(file));
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
                kustomization: (u.kind == super::project::UnitKind::Kustomize).then(|| u.name.clone()),
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

    /// The kustomization files of the Kustomize units `key` belongs to: the overlays (or lone
    /// bases) it is built into.
    pub fn overlays_of(&self, key: &str) -> Vec<&str> {
        self.units_of(key)
            .iter()
            .filter_map(|u| self.units.get(*u as usize)?.kustomization.as_deref())
            .collect()
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
pub fn ns_compatible(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// The objects one file's checks see: its own (current text) and those of the other files of
/// its deployment units.
pub struct View<'a> {
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
    pub fn incomplete(&self) -> bool {
        let Some(ws) = self.ws else { return false };
        self.units.iter().any(|u| ws.units.get(*u as usize).is_some_and(|f| f.incomplete))
    }

    /// This file's object for document `doc` (and List item `item`).
    pub fn at_doc(&self, doc: usize, item: Option<usize>) -> Option<&'a Object> {
        // Objects come in file order: by document, then by List item.
        let local = self.local;
        let i = local.partition_point(|o| (o.doc, o.item) < (doc, item));
        local.get(i).filter(|o| o.doc == doc && o.item == item)
    }

    fn others<'r>(
        &'r self,
        refs: impl IntoIterator<Item = &'r (usize, usize)> + 'r,
    ) -> impl Iterator<Item = (Option<&'a str>, &'a Object)> + 'r {
        let ws = self.ws;
        let key = self.key;
        let me = self.me;
        refs.into_iter()
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

    fn locals<'r>(
        &self,
        refs: impl IntoIterator<Item = &'r (usize, usize)>,
    ) -> Vec<(Option<&'a str>, &'a Object)> {
        let local = self.local;
        refs.into_iter().filter_map(|(_, o)| local.get(*o)).map(|o| (None, o)).collect()
    }

    /// Objects of `kind` named `name`, this file's first.
    pub fn named(&self, kind: &str, name: &str) -> Vec<(Option<&'a str>, &'a Object)> {
        let key = (kind.to_string(), name.to_string());
        let mut out = self.locals(self.local_index().by_name.get(&key).into_iter().flatten());
        if let Some(ws) = self.ws {
            out.extend(self.others(ws.index().by_name.get(&key).into_iter().flatten()));
        }
        out.extend(self.generated().filter(|(_, o)| o.kind == kind && o.name.as_deref() == Some(name)));
        out
    }

    /// Objects of `kind` named `name` whose namespace is written exactly as `ns`, this file's
    /// first, with whether each is applied together with this file for certain.
    pub fn named_in(
        &self,
        kind: &str,
        name: &str,
        ns: Option<&str>,
    ) -> Vec<(Option<&'a str>, &'a Object, bool)> {
        let key = (kind.to_string(), name.to_string(), ns.map(str::to_string));
        let mut out: Vec<_> = self
            .locals(self.local_index().by_name_ns.get(&key).into_iter().flatten())
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

    /// Objects of `kind` in a namespace compatible with `ns`: read from the (kind,
    /// namespace) index, not filtered out of every object of the kind.
    pub fn of_kind(&self, kind: &str, ns: Option<&str>) -> Vec<(Option<&'a str>, &'a Object)> {
        let mut out = self.locals(&self.local_index().kind_in(kind, ns));
        if let Some(ws) = self.ws {
            out.extend(self.others(&ws.index().kind_in(kind, ns)));
        }
        out.extend(
            self.generated().filter(|(_, o)| o.kind == kind && ns_compatible(o.namespace.as_deref(), ns)),
        );
        out
    }

    /// Objects with pod templates in a namespace compatible with `ns`.
    pub fn pods(&self, ns: Option<&str>) -> Vec<&'a Object> {
        self.pods_in_files(ns).into_iter().map(|(_, o)| o).collect()
    }

    /// Custom resources that may run pods, in a namespace compatible with `ns`.
    pub fn pod_owners(&self, ns: Option<&str>) -> Vec<&'a Object> {
        let local = self.local;
        let mut out: Vec<&'a Object> =
            self.local_index().owners_in(ns).iter().filter_map(|(_, o)| local.get(*o)).collect();
        if let Some(ws) = self.ws {
            out.extend(self.others(&ws.index().owners_in(ns)).map(|(_, o)| o));
        }
        out
    }

    /// [`View::pods`] with the file of each (`None`: this file), this file's first.
    pub fn pods_in_files(&self, ns: Option<&str>) -> Vec<(Option<&'a str>, &'a Object)> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_updates_and_removes() {
        let a = kref_yaml::parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
        let b = kref_yaml::parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
        let mut ws = Workspace::new();
        ws.update("a.yaml", &a);
        ws.update("b.yaml", &b);
        assert_eq!(ws.object_count(), 2);
        let local = Object::of_file(&a);
        let view = View::new("a.yaml", &local, &ws);
        assert_eq!(view.of_kind("ConfigMap", None).len(), 2);
        ws.remove("a.yaml");
        assert_eq!(ws.len(), 1);
        let view = View::new("b.yaml", &local, &ws);
        assert_eq!(view.named("ConfigMap", "b").len(), 0, "its own entry is replaced by the local objects");
        assert_eq!(view.named("ConfigMap", "a").len(), 1);
    }

    /// The lookups as they were before the (kind, namespace) index: every object of the kind,
    /// filtered.
    fn of_kind_by_scan<'a>(
        view: &View<'a>,
        kind: &str,
        ns: Option<&str>,
    ) -> Vec<(Option<&'a str>, &'a Object)> {
        let mut out = view.locals(view.local_index().by_kind.get(kind).into_iter().flatten());
        out.retain(|(_, o)| ns_compatible(o.namespace.as_deref(), ns));
        if let Some(ws) = view.ws {
            out.extend(
                view.others(ws.index().by_kind.get(kind).into_iter().flatten())
                    .filter(|(_, o)| ns_compatible(o.namespace.as_deref(), ns)),
            );
        }
        out.extend(
            view.generated().filter(|(_, o)| o.kind == kind && ns_compatible(o.namespace.as_deref(), ns)),
        );
        out
    }

    fn pod_owners_by_scan<'a>(view: &View<'a>, ns: Option<&str>) -> Vec<&'a Object> {
        let local = view.local;
        let mut out: Vec<&'a Object> =
            view.local_index().owners.iter().filter_map(|(_, o)| local.get(*o)).collect();
        if let Some(ws) = view.ws {
            out.extend(view.others(&ws.index().owners).map(|(_, o)| o));
        }
        out.retain(|o| ns_compatible(o.namespace.as_deref(), ns));
        out
    }

    /// Files of three namespaces (and none written), ConfigMaps, Services and custom resources
    /// that run pods, in two units and none.
    fn mixed_workspace() -> Vec<(String, File)> {
        (0..9)
            .map(|f| {
                let docs: Vec<String> = (0..12)
                    .map(|d| {
                        let ns = match (f + d) % 4 {
                            3 => String::new(),
                            n => format!("  namespace: team-{n}\n"),
                        };
                        let kind = ["ConfigMap", "Service", "Secret"][d % 3];
                        if d % 5 == 4 {
                            format!(
                                "apiVersion: example.com/v1\nkind: Db\nmetadata:\n  name: db-{f}-{d}\n{ns}  labels: {{app: db}}\nspec:\n  replicas: 2\n"
                            )
                        } else {
                            format!("apiVersion: v1\nkind: {kind}\nmetadata:\n  name: o-{}\n{ns}", (f * 7 + d) % 10)
                        }
                    })
                    .collect();
                (format!("f{f}.yaml"), kref_yaml::parse(&docs.join("---\n")))
            })
            .collect()
    }

    #[test]
    fn indexed_lookups_return_what_a_scan_of_the_kind_returns_in_the_same_order() {
        let files = mixed_workspace();
        let mut ws = Workspace::new();
        for (i, (key, file)) in files.iter().enumerate() {
            ws.update(key, file);
            // Three files in unit 0, three in unit 1, three in none.
            let units = match i % 3 {
                0 => vec![0],
                1 => vec![1],
                _ => vec![],
            };
            ws.place(key, None, units);
        }
        let namespaces = [None, Some("team-0"), Some("team-1"), Some("team-2"), Some("elsewhere"), Some("")];
        let mut compared = 0;
        for (key, file) in &files {
            let local = Object::of_file(file);
            for view in [View::new(key, &local, &ws), View::local(&local)] {
                for kind in ["ConfigMap", "Service", "Secret", "Db", "Deployment"] {
                    for ns in namespaces {
                        let want = of_kind_by_scan(&view, kind, ns);
                        let got = view.of_kind(kind, ns);
                        let ids = |v: &[(Option<&str>, &Object)]| {
                            v.iter().map(|(f, o)| (f.map(str::to_string), o.doc)).collect::<Vec<_>>()
                        };
                        assert_eq!(ids(&got), ids(&want), "{key}: {kind} in {ns:?}");
                        compared += want.len();
                    }
                }
                for ns in namespaces {
                    let docs =
                        |v: Vec<&Object>| v.iter().map(|o| (o.name.clone(), o.doc)).collect::<Vec<_>>();
                    assert_eq!(
                        docs(view.pod_owners(ns)),
                        docs(pod_owners_by_scan(&view, ns)),
                        "{key}: owners in {ns:?}"
                    );
                }
            }
        }
        assert!(compared > 500, "the lookups found objects to compare: {compared}");
    }
}
