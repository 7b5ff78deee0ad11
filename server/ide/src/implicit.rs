//! What a manifest leaves implicit, as inlay hints: the defaults an object relies on (a
//! Deployment's replicas and rollout strategy, a Service's type, a Pod's restart policy, the pull
//! policy an image's tag implies), with the values the schema gives; and quantities in plain
//! units (`512Mi` is 536,870,912 bytes, `250m` is 0.25 CPU).
//!
//! Pure: hints are byte offsets of the file. Nothing is hinted inside a templated value, on a
//! value that does not parse, on a partial object (a patch), or where a template may add keys.

use kref_corpus::Schema;
use kref_corpus::schema::FieldType;
use kref_yaml::{File, Node, NodeValue, TextRange};

use crate::diagnostics::quantity::{Scale, SuffixKind, suffix_scale};
use crate::model::{ObjectAt, containers, get, is_null, pod_spec, text_of};
use crate::placeholders::has_placeholder;
use crate::values::{Hint, HintKind};

/// A default worth showing where the field is left out: the kind, the field's path, and the
/// value another field must have for it to apply (its written value, else its default).
struct Implied {
    kind: &'static str,
    path: &'static [&'static str],
    when: Option<(&'static [&'static str], &'static str)>,
}

const STRATEGY_TYPE: &[&str] = &["spec", "strategy", "type"];

/// The defaults that change what an object does, chosen for that; their values come from the
/// schema (a field the schema gives no default gets no hint).
const IMPLIED: &[Implied] = &[
    Implied { kind: "Deployment", path: &["spec", "replicas"], when: None },
    Implied { kind: "Deployment", path: STRATEGY_TYPE, when: None },
    Implied {
        kind: "Deployment",
        path: &["spec", "strategy", "rollingUpdate", "maxSurge"],
        when: Some((STRATEGY_TYPE, "RollingUpdate")),
    },
    Implied {
        kind: "Deployment",
        path: &["spec", "strategy", "rollingUpdate", "maxUnavailable"],
        when: Some((STRATEGY_TYPE, "RollingUpdate")),
    },
    Implied { kind: "StatefulSet", path: &["spec", "replicas"], when: None },
    Implied { kind: "ReplicaSet", path: &["spec", "replicas"], when: None },
    Implied { kind: "Service", path: &["spec", "type"], when: None },
    Implied { kind: "Pod", path: &["spec", "restartPolicy"], when: None },
];

/// The kinds [`default_hints`] knows defaults of (for the documentation and tests).
pub fn hinted_defaults() -> Vec<String> {
    IMPLIED.iter().map(|i| format!("{}.{}", i.kind, i.path.join("."))).collect()
}

/// Does the mapping hold a key a template fills in (or a merge key)? Then any key may be there.
fn open_ended(node: &Node) -> bool {
    node.as_mapping()
        .is_some_and(|pairs| pairs.iter().any(|p| has_placeholder(&p.key.text) || p.key.text == "<<"))
}

/// Where a default left out at `path` is hinted: the key line of the deepest ancestor written
/// (`None` for the object itself), and the path below it; `None` when the field is written or
/// what is written leaves its presence unknown.
fn missing<'n>(
    root: &'n Node,
    path: &'static [&'static str],
) -> Option<(Option<&'n kref_yaml::Pair>, usize)> {
    let mut node = root;
    let mut anchor = None;
    for (depth, key) in path.iter().enumerate() {
        if node.as_mapping().is_none() || open_ended(node) {
            return None;
        }
        match node.pair(key) {
            Some(p) if !is_null(&p.value) => {
                node = &p.value;
                anchor = Some(p);
            }
            // Left out (or null, which the API server reads as left out).
            _ => return Some((anchor, depth)),
        }
    }
    None
}

/// The value `path` has: as written (`None` when templated), else its default.
fn effective(root: &Node, path: &[&str], default: Option<&str>) -> Option<String> {
    match crate::model::at(root, path) {
        Some(n) => text_of(n).map(str::to_string),
        None => default.map(str::to_string),
    }
}

/// The end of the line holding `offset`, before trailing spaces.
fn line_end(text: &str, offset: usize) -> usize {
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    offset + text[offset..end].trim_end().len()
}

/// The objects of the documents that meet `range` (a request for the lines shown reads no
/// other document).
fn objects_in(file: &File, range: TextRange) -> Vec<ObjectAt<'_>> {
    file.documents
        .iter()
        .enumerate()
        .filter(|(_, d)| d.range.start <= range.end && range.start <= d.range.end)
        .flat_map(|(i, d)| crate::model::document_objects(file.text(), i, d))
        .collect()
}

/// Defaults left out, as a tree of keys (rendered as YAML flow: `strategy: {type: X}`).
#[derive(Default)]
struct Tree(Vec<(String, Entry)>);

enum Entry {
    Value(String),
    Tree(Tree),
}

impl Tree {
    fn insert(&mut self, path: &[&str], value: String) {
        let Some((first, rest)) = path.split_first() else { return };
        if rest.is_empty() {
            self.0.push((first.to_string(), Entry::Value(value)));
            return;
        }
        if !self.0.iter().any(|(k, e)| k == first && matches!(e, Entry::Tree(_))) {
            self.0.push((first.to_string(), Entry::Tree(Tree::default())));
        }
        if let Some((_, Entry::Tree(t))) =
            self.0.iter_mut().find(|(k, e)| k == first && matches!(e, Entry::Tree(_)))
        {
            t.insert(rest, value);
        }
    }

    fn render(&self) -> String {
        self.0
            .iter()
            .map(|(k, e)| match e {
                Entry::Value(v) => format!("{k}: {v}"),
                Entry::Tree(t) => format!("{k}: {{{}}}", t.render()),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Hints for the defaults the objects of `file` rely on, placed at the end of the key line of
/// the deepest field written (the `kind:` line when none is), and for the pull policy each
/// container's image implies (after the image). `patch` says the file is a patch: its objects
/// are partial, and their missing fields come from what they patch.
pub fn default_hints(file: &File, schema: &Schema, range: TextRange, patch: bool) -> Vec<Hint> {
    let text = file.text();
    let mut out = Vec::new();
    if patch {
        return out;
    }
    for obj in objects_in(file, range) {
        // Every hint of an object lies inside it.
        if obj.partial || !obj.is_builtin() || obj.range.end < range.start || obj.range.start > range.end {
            continue;
        }
        let (Some((kind, kind_range)), Some((api_version, _))) = (&obj.kind, &obj.api_version) else {
            continue;
        };
        let Some(kind_def) = schema.kind_for(api_version, kind) else { continue };
        let root = obj.node;
        // A workload or Pod whose containers are missing or name no image is a fragment, such
        // as a patch not known as one: what it leaves out comes from elsewhere.
        let whole = match kind.as_str() {
            "Deployment" | "StatefulSet" | "ReplicaSet" | "Pod" => pod_spec(&obj).is_some_and(|spec| {
                let all = containers(spec);
                all.iter().any(|c| c.list == "containers")
                    && all.iter().all(|c| c.node.pair("image").is_some())
            }),
            _ => true,
        };
        if !whole {
            continue;
        }
        // Per anchor (the key line's offset): the defaults left out below it and their paths.
        let mut groups: Vec<(usize, Tree, Vec<String>)> = Vec::new();
        for implied in IMPLIED.iter().filter(|i| i.kind == kind) {
            let dotted = implied.path.join(".");
            let Some(default) =
                schema.resolve_in(kind_def, &dotted).ok().and_then(|r| r.field()?.default.clone())
            else {
                continue;
            };
            if let Some((path, value)) = implied.when {
                let fallback = schema
                    .resolve_in(kind_def, &path.join("."))
                    .ok()
                    .and_then(|r| r.field()?.default.clone());
                if effective(root, path, fallback.as_deref()).as_deref() != Some(value) {
                    continue;
                }
            }
            let Some((anchor, depth)) = missing(root, implied.path) else { continue };
            let at = line_end(text, anchor.map_or(kind_range.start, |p| p.key_range.start));
            let i = match groups.iter().position(|g| g.0 == at) {
                Some(i) => i,
                None => {
                    groups.push((at, Tree::default(), Vec::new()));
                    groups.len() - 1
                }
            };
            groups[i].1.insert(&implied.path[depth..], default.clone());
            groups[i].2.push(format!("{dotted}: {default}"));
        }
        for (at, tree, full) in groups {
            out.push(Hint {
                offset: at,
                label: format!("default {}", tree.render()),
                tooltip: Some(format!(
                    "Left out here, so the API server sets {} (unless a patch or an overlay sets it first).",
                    full.join(", ")
                )),
                kind: HintKind::Default,
            });
        }
        pull_policies(&obj, &mut out);
    }
    out.retain(|h| range.start <= h.offset && h.offset <= range.end);
    out.sort_by_key(|h| h.offset);
    out
}

/// The pull policy the API server gives each container that leaves `imagePullPolicy` out:
/// Always for an image tagged `latest` or not tagged, IfNotPresent for any other tag or a digest.
fn pull_policies(obj: &ObjectAt<'_>, out: &mut Vec<Hint>) {
    let Some(spec) = pod_spec(obj) else { return };
    for c in containers(spec) {
        if open_ended(c.node) || c.node.pair("imagePullPolicy").is_some_and(|p| !is_null(&p.value)) {
            continue;
        }
        let Some(image) = get(c.node, "image") else { continue };
        let (Some(written), Some(scalar)) = (text_of(image), image.as_scalar()) else { continue };
        let Some(why) = implied_pull_policy(written.trim()) else { continue };
        out.push(Hint {
            offset: scalar.raw_range.end,
            label: format!("default imagePullPolicy: {why}"),
            tooltip: Some(
                "imagePullPolicy is left out: the API server picks it from the image's tag (Always for \
                 :latest or no tag, IfNotPresent otherwise)."
                    .into(),
            ),
            kind: HintKind::Default,
        });
    }
}

/// The pull policy an image reference implies, with why (`None` for an empty reference).
pub fn implied_pull_policy(image: &str) -> Option<&'static str> {
    if image.is_empty() || image.contains(char::is_whitespace) {
        return None;
    }
    if image.contains('@') {
        return Some("IfNotPresent (digest)");
    }
    // The tag is after the last `:` of the last path part (a registry's port comes before a `/`).
    let last = image.rsplit('/').next().unwrap_or(image);
    Some(match last.rsplit_once(':') {
        None => "Always (no tag)",
        Some((_, "latest")) => "Always (:latest)",
        Some(_) => "IfNotPresent",
    })
}

/// Hints for the quantities of `file` the schema types as quantities, in plain units: bytes for
/// memory and storage, CPUs for `cpu`. Written after the value; none for a value that does not
/// parse, that is templated, or that is already in plain units.
pub fn quantity_hints(file: &File, schema: &Schema, range: TextRange) -> Vec<Hint> {
    let mut out = Vec::new();
    for obj in objects_in(file, range) {
        if obj.range.end < range.start || obj.range.start > range.end {
            continue;
        }
        let (Some((kind, _)), Some((api_version, _))) = (&obj.kind, &obj.api_version) else { continue };
        let Some(kind_def) = schema.kind_for(api_version, kind) else { continue };
        walk(schema, &FieldType::Object(kind_def.root), obj.node, "", range, &mut out, 0);
    }
    out.sort_by_key(|h| h.offset);
    out
}

/// Deepest nesting followed (manifests are far shallower; this bounds pathological input).
const MAX_DEPTH: usize = 64;

fn walk(
    schema: &Schema,
    ty: &FieldType,
    node: &Node,
    name: &str,
    range: TextRange,
    out: &mut Vec<Hint>,
    depth: usize,
) {
    if depth > MAX_DEPTH || node.range.end < range.start || node.range.start > range.end {
        return;
    }
    match (ty, &node.value) {
        (FieldType::Object(t), NodeValue::Mapping(pairs)) => {
            let Some(def) = schema.type_def(*t) else { return };
            for p in pairs {
                if let Some(f) = def.field(&p.key.text) {
                    walk(schema, &f.ty, &p.value, &f.name, range, out, depth + 1);
                }
            }
        }
        (FieldType::Map(inner), NodeValue::Mapping(pairs)) => {
            for p in pairs {
                walk(schema, inner, &p.value, &p.key.text, range, out, depth + 1);
            }
        }
        (FieldType::Array(inner), NodeValue::Sequence(items)) => {
            for item in items {
                walk(schema, inner, item, name, range, out, depth + 1);
            }
        }
        (FieldType::Quantity, NodeValue::Scalar(s)) => {
            if s.raw_range.end < range.start || s.raw_range.end > range.end || has_placeholder(&s.text) {
                return;
            }
            if let Some(label) = plain_units(name, s.text.trim()) {
                out.push(Hint { offset: s.raw_range.end, label, tooltip: None, kind: HintKind::Quantity });
            }
        }
        _ => {}
    }
}

/// What a quantity counts, from the resource (or field) it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Bytes,
    Cpu,
}

fn unit_of(name: &str) -> Option<Unit> {
    // ResourceQuota keys: `requests.memory`, `limits.cpu`, `gold.storageclass.storage.k8s.io/requests.storage`.
    let resource = ["requests.", "limits."]
        .iter()
        .find_map(|p| name.rfind(p).map(|i| &name[i + p.len()..]))
        .unwrap_or(name);
    if crate::diagnostics::quantity::is_bytes(resource)
        || matches!(resource, "sizeLimit" | "capacity" | "maximumVolumeSize")
    {
        Some(Unit::Bytes)
    } else if resource == "cpu" {
        Some(Unit::Cpu)
    } else {
        None
    }
}

/// An exact decimal: `digits` with the point `scale` places from the right (`250`, 3 → 0.250).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    digits: u128,
    scale: u32,
}

impl Decimal {
    fn is_integer(&self) -> bool {
        self.scale == 0
    }

    /// Drops trailing zeros after the point.
    fn normal(mut self) -> Decimal {
        while self.scale > 0 && self.digits.is_multiple_of(10) {
            self.digits /= 10;
            self.scale -= 1;
        }
        self
    }

    fn as_f64(&self) -> f64 {
        let v = self.digits as f64 / 10f64.powi(self.scale as i32);
        if self.negative { -v } else { v }
    }

    /// With `,` between thousands in the whole part.
    fn display(&self) -> String {
        let text = self.digits.to_string();
        let scale = self.scale as usize;
        let (whole, frac) =
            if text.len() > scale { text.split_at(text.len() - scale) } else { ("0", text.as_str()) };
        let frac = if frac.len() < scale {
            format!("{}{frac}", "0".repeat(scale - frac.len()))
        } else {
            frac.to_string()
        };
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let sign = if self.negative { "-" } else { "" };
        if frac.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped}.{frac}") }
    }
}

/// The exact value of a quantity as Kubernetes reads it, or `None` when it does not parse (or
/// is too large to write out).
fn exact(text: &str) -> Option<(Decimal, SuffixKind)> {
    let b = text.as_bytes();
    let mut i = 0;
    let negative = b.first() == Some(&b'-');
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let mut digits: u128 = 0;
    let mut scale: i64 = 0;
    let mut seen = 0;
    let mut point = false;
    while i < b.len() {
        match b[i] {
            d @ b'0'..=b'9' => {
                digits = digits.checked_mul(10)?.checked_add(u128::from(d - b'0'))?;
                seen += 1;
                if point {
                    scale += 1;
                }
            }
            b'.' if !point => point = true,
            _ => break,
        }
        i += 1;
    }
    if seen == 0 {
        return None;
    }
    let Scale { multiplier, exponent, kind } = suffix_scale(&text[i..])?;
    let mut digits = digits.checked_mul(multiplier)?;
    let mut scale = scale - exponent;
    while scale < 0 {
        digits = digits.checked_mul(10)?;
        scale += 1;
    }
    let scale = u32::try_from(scale).ok().filter(|s| *s <= 36)?;
    Some((Decimal { negative, digits, scale }.normal(), kind))
}

/// `value` in the largest unit of `units` (factor, name) it reaches, with one decimal; `=` when
/// that is exact, `≈` when rounded.
fn readable(value: f64, base: f64, units: &[&str]) -> String {
    let mut v = value;
    let mut unit = units[0];
    for u in &units[1..] {
        if v.abs() < base {
            break;
        }
        v /= base;
        unit = u;
    }
    let rounded = (v * 10.0).round() / 10.0;
    let shown = if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded:.1}") };
    let sign = if (rounded - v).abs() < 1e-9 { "=" } else { "≈" };
    format!("{sign} {shown} {unit}")
}

const BINARY: [&str; 7] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
const DECIMAL: [&str; 7] = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"];

/// The hint for quantity `text` of resource `name`, or `None` when it says nothing new.
fn plain_units(name: &str, text: &str) -> Option<String> {
    let unit = unit_of(name)?;
    let (value, suffix) = exact(text)?;
    if value.digits == 0 {
        return None;
    }
    match unit {
        Unit::Cpu => (suffix != SuffixKind::None || !value.is_integer() && text.contains(['e', 'E']))
            .then(|| format!("= {} CPU", value.display())),
        Unit::Bytes => {
            let bytes = value.as_f64();
            match suffix {
                SuffixKind::None if text.contains(['e', 'E']) || !value.is_integer() => {
                    Some(format!("= {} bytes", value.display()))
                }
                SuffixKind::None if bytes.abs() < 1024.0 => None,
                SuffixKind::None => Some(readable(bytes, 1024.0, &BINARY)),
                _ if !value.is_integer() || bytes.abs() < 1000.0 => {
                    Some(format!("= {} bytes", value.display()))
                }
                SuffixKind::Binary => {
                    Some(format!("= {} bytes {}", value.display(), readable(bytes, 1000.0, &DECIMAL)))
                }
                SuffixKind::Decimal => {
                    Some(format!("= {} bytes {}", value.display(), readable(bytes, 1024.0, &BINARY)))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> &'static Schema {
        Schema::builtin()
    }

    /// (line, column, label) of each hint.
    fn places(text: &str, hints: &[Hint]) -> Vec<(usize, usize, String)> {
        hints
            .iter()
            .map(|h| {
                let before = &text[..h.offset];
                let line = before.matches('\n').count();
                let col = h.offset - before.rfind('\n').map_or(0, |i| i + 1);
                (line, col, h.label.clone())
            })
            .collect()
    }

    fn defaults(text: &str) -> Vec<(usize, usize, String)> {
        let file = kref_yaml::parse(text);
        places(text, &default_hints(&file, schema(), TextRange::new(0, text.len()), false))
    }

    fn quantities(text: &str) -> Vec<(usize, usize, String)> {
        let file = kref_yaml::parse(text);
        places(text, &quantity_hints(&file, schema(), TextRange::new(0, text.len())))
    }

    const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
        - name: tools
          image: registry.local:5000/tools
          imagePullPolicy: Never
        - name: edge
          image: \"nginx\"
        - name: pinned
          image: nginx@sha256:0123
        - name: late
          image: nginx:latest
";

    #[test]
    fn a_deployment_relies_on_one_replica_and_a_rolling_update_of_25_percent() {
        assert_eq!(
            defaults(DEPLOYMENT),
            [
                (
                    4,
                    5,
                    "default replicas: 1, strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, \
                     maxUnavailable: 25%}}"
                        .to_string()
                ),
                (13, 27, "default imagePullPolicy: IfNotPresent".to_string()),
                (18, 24, "default imagePullPolicy: Always (no tag)".to_string()),
                (20, 34, "default imagePullPolicy: IfNotPresent (digest)".to_string()),
                (22, 29, "default imagePullPolicy: Always (:latest)".to_string()),
            ]
        );
        // Written fields are not hinted; a Recreate strategy has no rolling update.
        let text = DEPLOYMENT.replace(
            "spec:\n  selector",
            "spec:\n  replicas: 3\n  strategy:\n    type: Recreate\n  selector",
        );
        assert_eq!(defaults(&text)[0].2, "default imagePullPolicy: IfNotPresent");
        // A written RollingUpdate with one limit: the other, on the rollingUpdate line.
        let text = DEPLOYMENT.replace(
            "spec:\n  selector",
            "spec:\n  replicas: 3\n  strategy:\n    rollingUpdate:\n      maxSurge: 1\n  selector",
        );
        assert_eq!(
            defaults(&text)[..2],
            [
                (6, 11, "default type: RollingUpdate".to_string()),
                (7, 18, "default maxUnavailable: 25%".to_string())
            ]
        );
        // A templated strategy type: unknown, so no rolling update defaults.
        let text = DEPLOYMENT.replace(
            "spec:\n  selector",
            "spec:\n  replicas: 3\n  strategy:\n    type: ${STRATEGY}\n  selector",
        );
        assert_eq!(defaults(&text)[0].2, "default imagePullPolicy: IfNotPresent");
    }

    #[test]
    fn services_pods_and_what_is_not_hinted() {
        let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:  # the spec\n  ports: [{port: 80}]\n";
        assert_eq!(defaults(service), [(4, 17, "default type: ClusterIP".to_string())]);
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: 'busybox:1.36'}\n";
        assert_eq!(
            defaults(pod),
            [
                (3, 5, "default restartPolicy: Always".to_string()),
                (5, 37, "default imagePullPolicy: IfNotPresent".to_string())
            ]
        );
        // A patch, a partial object, a mapping a template adds keys to, a templated image, an
        // unknown apiVersion: nothing.
        let file = kref_yaml::parse(service);
        assert_eq!(default_hints(&file, schema(), TextRange::new(0, service.len()), true), []);
        assert_eq!(defaults(&service.replace("spec:  # the spec\n", "spec:\n  $patch: replace\n")), []);
        assert_eq!(defaults(&service.replace("spec:  # the spec\n", "spec:\n  ${EXTRA}: x\n")), []);
        assert_eq!(
            defaults(
                &pod.replace("'busybox:1.36'", "'{{ .Values.image }}'")
                    .replace("kind: Pod", "kind: ReplicaSet")
            ),
            []
        );
        assert_eq!(defaults(&service.replace("apiVersion: v1", "apiVersion: example.com/v1")), []);
        let fragment =
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  minReadySeconds: 5\n";
        assert_eq!(defaults(fragment), []);
        let fragment = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      resources: {}\n";
        assert_eq!(defaults(fragment), []);
        // Only the range asked for.
        let file = kref_yaml::parse(DEPLOYMENT);
        let from = DEPLOYMENT.find("name: tools").unwrap();
        assert_eq!(default_hints(&file, schema(), TextRange::new(from, DEPLOYMENT.len()), false).len(), 3);
    }

    #[test]
    fn quantities_in_plain_units() {
        let pod = "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: app:1
      resources:
        requests: {cpu: 250m, memory: 512Mi, nvidia.com/gpu: 1}
        limits:
          cpu: \"1500m\"
          memory: 1G
          ephemeral-storage: 2
          hugepages-2Mi: 1073741824
  volumes:
    - name: scratch
      emptyDir: {sizeLimit: 128m}
    - name: cache
      emptyDir:
        sizeLimit: ${SIZE}
    - name: bad
      emptyDir: {sizeLimit: 1GB}
";
        assert_eq!(
            quantities(pod),
            [
                (8, 28, "= 0.25 CPU".to_string()),
                (8, 43, "= 536,870,912 bytes ≈ 536.9 MB".to_string()),
                (10, 22, "= 1.5 CPU".to_string()),
                (11, 20, "= 1,000,000,000 bytes ≈ 953.7 MiB".to_string()),
                (13, 35, "= 1 GiB".to_string()),
                (16, 32, "= 0.128 bytes".to_string()),
            ]
        );
    }

    #[test]
    fn exact_values() {
        let show = |t: &str| exact(t).map(|(d, _)| d.display());
        assert_eq!(show("512Mi").as_deref(), Some("536,870,912"));
        assert_eq!(show("1.5Gi").as_deref(), Some("1,610,612,736"));
        assert_eq!(show("100u").as_deref(), Some("0.0001"));
        assert_eq!(show("1e3").as_deref(), Some("1,000"));
        assert_eq!(show("2.5e-3").as_deref(), Some("0.0025"));
        assert_eq!(show("8Ei").as_deref(), Some("9,223,372,036,854,775,808"));
        assert_eq!(show("1GB"), None);
        assert_eq!(show("Mi"), None);
        assert_eq!(show("1e999"), None);
        assert_eq!(plain_units("requests.memory", "1Gi").as_deref(), Some("= 1,073,741,824 bytes ≈ 1.1 GB"));
        assert_eq!(plain_units("count/pods", "10"), None);
        assert_eq!(plain_units("cpu", "2"), None);
        assert_eq!(plain_units("memory", "512"), None);
        assert_eq!(plain_units("memory", "64Ki").as_deref(), Some("= 65,536 bytes ≈ 65.5 kB"));
    }

    #[test]
    fn nothing_inside_what_a_helm_template_fills_in() {
        let template = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  {{- with .Values.strategy }}
  strategy:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  template:
    spec:
      containers:
        - name: app
          image: \"{{ .Values.image }}\"
          resources:
            limits:
              memory: {{ .Values.memory }}
              cpu: 500m
        - name: side
          image: busybox:1.36
          {{- include \"extra\" . | nindent 10 }}
";
        let parsed = crate::helm::TemplateFile::parse(template);
        let file = crate::diagnostics::helm::template_yaml(&parsed);
        let all = TextRange::new(0, template.len());
        assert_eq!(places(template, &default_hints(&file, schema(), all, false)), []);
        assert_eq!(
            places(template, &quantity_hints(&file, schema(), all)),
            [(18, 23, "= 0.5 CPU".to_string())]
        );
    }
}
