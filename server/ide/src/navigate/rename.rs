//! Rename a ConfigMap, Secret, Service, ServiceAccount or PersistentVolumeClaim and every
//! reference to it in the files that see it. What cannot be renamed safely is refused with the
//! reason: another kind, a templated name, a name written in a way kref does not rewrite, a
//! file with a YAML error that mentions the name (a reference the parser missed would be left
//! behind), a reference that writes no namespace while objects of that name live in several.
//! A new name is checked against the rule of the kind (DNS-1035 label for Services, DNS-1123
//! subdomain for the others).
//!
//! Pure: the edits are the spans to replace; the caller turns them into a workspace edit.

use crate::diagnostics::names::{label_problem, subdomain_problem};
use crate::model::ns_compatible;

use super::index::{Role, Span};
use super::references::{Files, Hit, Subject, references, subject_at};

/// The kinds whose names kref renames.
pub const RENAMABLE: &[&str] = &["ConfigMap", "Secret", "Service", "ServiceAccount", "PersistentVolumeClaim"];

/// A name that may be renamed: what it names and where the cursor's name is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamable {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub span: Span,
}

/// Can the name at `offset` of `files[0]` be renamed? `Err` says why not.
pub fn prepare(files: &Files<'_>, offset: usize) -> Result<Renamable, String> {
    let (_, here) = files.first().ok_or("no file")?;
    let (kind, name, namespace, span) = match subject_at(here, offset) {
        Some(Subject::Name { kind, name, namespace, span, .. }) => (kind, name, namespace, span),
        Some(Subject::Label { .. } | Subject::Selector { .. }) => {
            return Err("kref does not rename labels or selectors: only the names of ConfigMaps, Secrets, \
                        Services, ServiceAccounts and PersistentVolumeClaims"
                .into());
        }
        None if here.placeholders.iter().any(|r| r.start <= offset && offset <= r.end) => {
            return Err("this value is templated: a template computes it, so kref cannot rename it here; \
                        rename it where the template's value is set"
                .into());
        }
        None => {
            return Err("put the cursor on the name of a ConfigMap, Secret, Service, ServiceAccount or \
                        PersistentVolumeClaim (where it is declared or referred to)"
                .into());
        }
    };
    if !RENAMABLE.contains(&kind.as_str()) {
        return Err(format!(
            "kref does not rename {kind} names: only ConfigMaps, Secrets, Services, ServiceAccounts and \
             PersistentVolumeClaims"
        ));
    }
    let site = here.names.iter().find(|s| s.span == span);
    if site.is_some_and(|s| s.templated) {
        return Err(format!(
            "{name:?} is templated: a template computes this name, so kref cannot rename it here; rename it \
             where the template's value is set"
        ));
    }
    if site.is_some_and(|s| s.host) && !super::references::declared(files, &kind, &name, namespace.as_deref())
    {
        return Err(format!(
            "no Service {name} is defined in the files this one sees: kref renames a host only with its Service"
        ));
    }
    if site.is_some_and(|s| s.unusual) {
        return Err(format!("{name:?} is written with escapes or as a block scalar: rename it by hand"));
    }
    for (file, nav) in files {
        if let Some(b) = &nav.broken
            && mentions(&b.text, &name)
        {
            return Err(format!(
                "{file} has a YAML error at line {} ({}) and mentions {name}: fix it first, so that no \
                 reference there is left behind",
                b.line + 1,
                b.message
            ));
        }
    }
    ambiguity(files, &kind, &name, namespace.as_deref())?;
    Ok(Renamable { kind, name, namespace, span })
}

/// Every place to rewrite to rename the name at `offset` of `files[0]` to `new_name` (none when
/// the name does not change), or why not.
pub fn rename<'a>(files: &Files<'a>, offset: usize, new_name: &str) -> Result<Vec<Hit<'a>>, String> {
    let r = prepare(files, offset)?;
    if let Some(problem) = name_problem(&r.kind, new_name) {
        return Err(problem);
    }
    if new_name == r.name {
        return Ok(Vec::new());
    }
    let subject = Subject::Name {
        kind: r.kind,
        name: r.name,
        namespace: r.namespace,
        role: Role::Reference,
        span: r.span,
    };
    Ok(references(&subject, files, true))
}

/// Why `name` cannot name an object of `kind`, with the rule it breaks.
pub fn name_problem(kind: &str, name: &str) -> Option<String> {
    if kind == "Service" {
        let problem = label_problem(name, true)?;
        Some(format!(
            "{name:?} is not a valid Service name: it {problem} (a DNS-1035 label: at most 63 lower-case \
             letters, digits and '-', starting with a letter and ending with a letter or digit)"
        ))
    } else {
        let problem = subdomain_problem(name, 253)?;
        Some(format!(
            "{name:?} is not a valid {kind} name: it {problem} (a DNS-1123 subdomain: at most 253 lower-case \
             letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit)"
        ))
    }
}

/// Does `text` hold `name` as a whole word of a name (not inside a longer name)?
fn mentions(text: &str, name: &str) -> bool {
    let part = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_';
    text.match_indices(name).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(part)
            && !text[i + name.len()..].chars().next().is_some_and(part)
    })
}

/// Refuses when objects of this name live in several namespaces and a place that would be
/// rewritten writes no namespace (it may mean either).
fn ambiguity(files: &Files<'_>, kind: &str, name: &str, ns: Option<&str>) -> Result<(), String> {
    let mut namespaces: Vec<&str> = Vec::new();
    let mut unwritten: Option<(&str, u32)> = None;
    for (file, nav) in files {
        for s in nav.names.iter().filter(|s| s.kind == kind && s.name == name) {
            match s.namespace.as_deref() {
                Some(n) if s.role == Role::Declaration && !namespaces.contains(&n) => namespaces.push(n),
                None if ns_compatible(None, ns) && unwritten.is_none() => {
                    unwritten = Some((file, s.span.start.line))
                }
                _ => {}
            }
        }
    }
    match (namespaces.as_slice(), unwritten) {
        ([a, b, ..], Some((file, line))) => Err(format!(
            "{kind} {name} is defined in namespaces {a} and {b}, and {file}:{} names it without a \
             namespace: kref cannot tell which one it means",
            line + 1
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::index::index_file;
    use super::*;

    const APP: &str = "apiVersion: apps/v1
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
      serviceAccountName: deployer
      containers:
        - name: web
          image: nginx:1.27
          envFrom:
            - configMapRef:
                name: settings
            - secretRef: {name: '{{ .Values.secret }}'}
";

    const CONFIG: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: 'settings'
data: {mode: fast}
";

    fn at(text: &str, needle: &str) -> usize {
        text.find(needle).unwrap() + 1
    }

    #[test]
    fn renames_every_reference_and_the_declaration() {
        let (app, config) = (index_file(&kref_yaml::parse(APP)), index_file(&kref_yaml::parse(CONFIG)));
        let files = [("app.yaml", &app), ("config.yaml", &config)];
        let hits = rename(&files, at(APP, "settings"), "config").unwrap();
        let places: Vec<_> = hits.iter().map(|h| (h.file, h.span.start.line, h.span.start.utf8)).collect();
        assert_eq!(places, [("app.yaml", 17, 22), ("config.yaml", 3, 9)]);
        // The same name: nothing to do.
        assert_eq!(rename(&files, at(APP, "settings"), "settings").unwrap(), []);
    }

    #[test]
    fn refuses_what_cannot_be_renamed_safely_with_the_reason() {
        let (app, config) = (index_file(&kref_yaml::parse(APP)), index_file(&kref_yaml::parse(CONFIG)));
        let files = [("app.yaml", &app), ("config.yaml", &config)];
        let why = |offset| prepare(&files, offset).unwrap_err();
        assert!(
            why(at(APP, "web\nspec")).contains("kref does not rename Deployment names"),
            "{}",
            why(at(APP, "web\nspec"))
        );
        assert_eq!(
            why(at(APP, "{{ .Values")),
            "\"{{ .Values.secret }}\" is templated: a template computes this name, so kref cannot rename it \
             here; rename it where the template's value is set"
        );
        // Unquoted, `{{ }}` is no name to YAML (a flow mapping): still templated, not "no name".
        let raw = index_file(&kref_yaml::parse("kind: Pod\nspec:\n  serviceAccountName: {{ .Values.sa }}\n"));
        let files = [("raw.yaml", &raw)];
        assert_eq!(
            prepare(&files, 38).unwrap_err(),
            "this value is templated: a template computes it, so kref cannot rename it here; rename it where \
             the template's value is set"
        );
        let files = [("app.yaml", &app), ("config.yaml", &config)];
        let why = |offset| prepare(&files, offset).unwrap_err();
        assert!(why(at(APP, "app: web}\n  template")).contains("labels or selectors"));
        assert!(why(at(APP, "image")).contains("put the cursor on the name"));
        let bad = rename(&files, at(APP, "settings"), "Settings").unwrap_err();
        assert!(bad.contains("has upper-case letters") && bad.contains("DNS-1123 subdomain"), "{bad}");
        let deployer = at(APP, "deployer");
        assert!(rename(&files, deployer, "ci.bot").is_ok());
        // A Service name is a DNS-1035 label.
        assert!(name_problem("Service", "9web").unwrap().contains("does not start with a letter"));
        assert!(name_problem("Service", "web.api").unwrap().contains("contains '.'"));

        // A file with a YAML error that mentions the name.
        let broken =
            index_file(&kref_yaml::parse("kind: Pod\nspec: {volumes: [configMap: {name: settings}\n"));
        let files = [("app.yaml", &app), ("config.yaml", &config), ("broken.yaml", &broken)];
        let why = prepare(&files, at(APP, "settings")).unwrap_err();
        assert!(why.starts_with("broken.yaml has a YAML error at line"), "{why}");
        // ... one that does not is no obstacle ("settings-old" is another name).
        let other = index_file(&kref_yaml::parse("kind: Pod\nspec: {volumes: [settings-old\n"));
        let files = [("app.yaml", &app), ("config.yaml", &config), ("other.yaml", &other)];
        assert!(prepare(&files, at(APP, "settings")).is_ok());
    }

    #[test]
    fn a_reference_without_namespace_to_a_name_of_two_namespaces_is_refused() {
        let two = format!(
            "{}  namespace: a\n---\n{}  namespace: b\n",
            CONFIG.replace("data: {mode: fast}\n", ""),
            CONFIG.replace("data: {mode: fast}\n", "")
        );
        let (app, config) = (index_file(&kref_yaml::parse(APP)), index_file(&kref_yaml::parse(&two)));
        let files = [("app.yaml", &app), ("config.yaml", &config)];
        let why = prepare(&files, at(APP, "settings")).unwrap_err();
        assert_eq!(
            why,
            "ConfigMap settings is defined in namespaces a and b, and app.yaml:18 names it without a namespace: \
             kref cannot tell which one it means"
        );
    }

    const SHOP: &str = "apiVersion: v1
kind: Service
metadata:
  name: redis-cart
  namespace: shop
spec:
  selector: {app: redis}
  ports: [{port: 6379}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: cart
          image: cart:1
          args: [\"--cache=redis://redis-cart.shop.svc.cluster.local:6379/0\", \"--name=redis-cart\"]
          env:
            - name: REDIS_ADDR
              value: redis-cart:6379
            - name: MODE
              value: redis-cart
            - name: OLD
              value: redis-cart-old:6379
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: proxy
  namespace: shop
data:
  nginx.conf: |
    location / {
      proxy_pass http://redis-cart:6379;
    }
---
apiVersion: v1
kind: Pod
metadata:
  name: elsewhere
  namespace: other
spec:
  containers:
    - name: a
      image: a:1
      env: [{name: CACHE_HOST, value: redis-cart}]
";

    #[test]
    fn services_named_as_hosts_are_references_and_renamed_in_place() {
        let shop = index_file(&kref_yaml::parse(SHOP));
        let files = [("shop.yaml", &shop)];
        let service = at(SHOP, "redis-cart\n  namespace");
        let subject = subject_at(&shop, service).unwrap();
        let hits = references(&subject, &files, false);
        let places: Vec<(u32, u32, &str)> = hits
            .iter()
            .map(|h| (h.span.start.line, h.span.start.utf8, &SHOP[h.span.range.start..h.span.range.end]))
            .collect();
        // The URL's and the address's host, the proxy's upstream; not the plain word under MODE,
        // not the flag that is no address, not another name, not the Pod of namespace other.
        assert_eq!(places, [(20, 34, "redis-cart"), (23, 21, "redis-cart"), (37, 24, "redis-cart")]);
        // From a host: the same places and the Service.
        let from_host = subject_at(&shop, at(SHOP, "redis-cart:6379\n")).unwrap();
        assert_eq!(references(&from_host, &files, true).len(), 4);
        // Rename edits exactly the Service's part of each host.
        let hits = rename(&files, at(SHOP, "redis-cart:6379\n"), "cache").unwrap();
        let mut renamed = SHOP.to_string();
        let mut spans: Vec<_> = hits.iter().map(|h| h.span.range).collect();
        spans.sort_by_key(|r| std::cmp::Reverse(r.start));
        for r in spans {
            renamed.replace_range(r.start..r.end, "cache");
        }
        assert!(renamed.contains("name: cache\n  namespace: shop"));
        assert!(renamed.contains("redis://cache.shop.svc.cluster.local:6379/0"));
        assert!(renamed.contains("value: cache:6379\n"));
        assert!(renamed.contains("proxy_pass http://cache:6379;"));
        assert!(renamed.contains("value: redis-cart\n") && renamed.contains("redis-cart-old:6379"));
        assert!(renamed.contains("{name: CACHE_HOST, value: redis-cart}"));
        // A host naming no Service defined here: not renamed, with why.
        let alone = index_file(&kref_yaml::parse(&SHOP[SHOP.find("apiVersion: apps/v1").unwrap()..]));
        let files = [("alone.yaml", &alone)];
        let text = &SHOP[SHOP.find("apiVersion: apps/v1").unwrap()..];
        assert_eq!(
            prepare(&files, at(text, "redis-cart:6379\n")).unwrap_err(),
            "no Service redis-cart is defined in the files this one sees: kref renames a host only with its Service"
        );
    }
}
