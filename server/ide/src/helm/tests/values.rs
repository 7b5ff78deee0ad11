//! values.yaml: lookups, documentation comments in three styles, display, size.

use crate::helm::{DocStyle, HelmValue, Lookup, ValuesFile, ValuesPath};

const HELM_DOCS: &str = r#"# Default values for web.

# -- Number of pods to run
replicaCount: 1

image:
  # -- (string) Image repository, without the tag
  repository: nginx
  # -- Image tag.
  # Defaults to the chart's appVersion.
  # @default -- `.Chart.AppVersion`
  tag: ""

# Pull secrets for private registries
# (one name per item)
imagePullSecrets: []

# ingress.enabled -- Create an Ingress
ingress:
  enabled: false
  hosts:
    - host: chart.local
      paths: []

podAnnotations: {}
nodeSelector:
tolerations: []  # taints the pods tolerate

# -- Not a doc for `after` (blank line below)

after: 1
"#;

const BITNAMI: &str = r#"## @section Global parameters
## Global Docker image parameters
## @param global.imageRegistry Global Docker image registry
##
global:
  imageRegistry: ""

## @section Common parameters

## Bitnami NGINX image
## ref: https://hub.docker.com/r/bitnami/nginx/tags/
## @param image.registry [default: REGISTRY_NAME] NGINX image registry
## @param image.repository [default: REPOSITORY_NAME/nginx] NGINX image repository
## @skip image.tag NGINX image tag (immutable tags are recommended)
## @param image.pullSecrets [array] Specify docker-registry secret names as an array
##
image:
  registry: docker.io
  repository: bitnami/nginx
  tag: 1.25.3
  pullSecrets: []
## @param extraEnvVars[0].name Name of the first extra variable
extraEnvVars:
  - name: A
    value: b
"#;

fn doc(file: &ValuesFile, path: &str) -> Option<(String, DocStyle)> {
    let path = ValuesPath::parse(path);
    let key_range = match file.lookup(&path) {
        Lookup::Found { key_range, .. } => key_range?,
        other => panic!("{path} not found: {other:?}"),
    };
    file.doc(&path, key_range).map(|d| (d.text, d.style))
}

#[test]
fn helm_docs_comments() {
    let file = ValuesFile::parse(HELM_DOCS);
    assert_eq!(doc(&file, "replicaCount"), Some(("Number of pods to run".into(), DocStyle::HelmDocs)));
    let path = ValuesPath::parse("image.repository");
    let Lookup::Found { key_range: Some(range), .. } = file.lookup(&path) else { panic!() };
    let repository = file.doc(&path, range).unwrap();
    assert_eq!(repository.text, "Image repository, without the tag");
    assert_eq!(repository.type_hint.as_deref(), Some("string"));
    let path = ValuesPath::parse("image.tag");
    let Lookup::Found { key_range: Some(range), .. } = file.lookup(&path) else { panic!() };
    let tag = file.doc(&path, range).unwrap();
    assert_eq!(tag.text, "Image tag.\nDefaults to the chart's appVersion.");
    assert_eq!(tag.default.as_deref(), Some("`.Chart.AppVersion`"));
    // The older `# path -- text` form, written away from the key.
    assert_eq!(doc(&file, "ingress.enabled"), Some(("Create an Ingress".into(), DocStyle::HelmDocs)));
}

#[test]
fn plain_comments_above_and_after_a_key() {
    let file = ValuesFile::parse(HELM_DOCS);
    assert_eq!(
        doc(&file, "imagePullSecrets"),
        Some(("Pull secrets for private registries\n(one name per item)".into(), DocStyle::Comment))
    );
    assert_eq!(doc(&file, "tolerations"), Some(("taints the pods tolerate".into(), DocStyle::Comment)));
    // A blank line cuts a comment off from the key below it.
    assert_eq!(doc(&file, "after"), None);
    assert_eq!(doc(&file, "podAnnotations"), None);
}

#[test]
fn bitnami_param_lines() {
    let file = ValuesFile::parse(BITNAMI);
    assert_eq!(
        doc(&file, "global.imageRegistry"),
        Some(("Global Docker image registry".into(), DocStyle::Bitnami))
    );
    let path = ValuesPath::parse("image.registry");
    let Lookup::Found { key_range: Some(range), .. } = file.lookup(&path) else { panic!() };
    let registry = file.doc(&path, range).unwrap();
    assert_eq!(registry.text, "NGINX image registry");
    assert_eq!(registry.default.as_deref(), Some("REGISTRY_NAME"));
    let path = ValuesPath::parse("image.pullSecrets");
    let Lookup::Found { key_range: Some(range), .. } = file.lookup(&path) else { panic!() };
    assert_eq!(file.doc(&path, range).unwrap().type_hint.as_deref(), Some("array"));
    // The block above `image` is its plain documentation, directives left out.
    assert_eq!(
        doc(&file, "image"),
        Some((
            "Bitnami NGINX image\nref: https://hub.docker.com/r/bitnami/nginx/tags/".into(),
            DocStyle::Comment
        ))
    );
    // List items: `[0]` in a @param path names the items' keys.
    assert_eq!(
        doc(&file, "extraEnvVars[*].name"),
        Some(("Name of the first extra variable".into(), DocStyle::Bitnami))
    );
}

#[test]
fn lookups_tell_found_open_missing_and_scalar() {
    let file = ValuesFile::parse(HELM_DOCS);
    let look = |p: &str| file.lookup(&ValuesPath::parse(p));
    assert!(matches!(look("image.tag"), Lookup::Found { .. }));
    assert!(matches!(look("ingress.hosts[*].host"), Lookup::Found { .. }));
    // Empty maps, empty lists and nulls leave their content open.
    assert!(matches!(look("podAnnotations.foo"), Lookup::Open { .. }));
    assert!(matches!(look("nodeSelector.disktype"), Lookup::Open { .. }));
    assert!(matches!(look("ingress.hosts[*].paths[*].path"), Lookup::Open { .. }));
    match look("image.tga") {
        Lookup::Missing { parent, missing, suggestion } => {
            assert_eq!(parent.to_string(), "image");
            assert_eq!(missing, "tga");
            assert_eq!(suggestion.as_deref(), Some("tag"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(look("replicaCount.x"), Lookup::ThroughScalar { .. }));
    assert!(matches!(look("nothing"), Lookup::Missing { .. }));
}

#[test]
fn children_display_and_keys_under_the_cursor() {
    let file = ValuesFile::parse(HELM_DOCS);
    let keys: Vec<String> = file.children(&ValuesPath::parse("image")).into_iter().map(|e| e.key).collect();
    assert_eq!(keys, vec!["repository", "tag"]);
    let top: Vec<String> = file.children(&ValuesPath::default()).into_iter().map(|e| e.key).collect();
    assert_eq!(top[0], "replicaCount");
    let items: Vec<String> =
        file.children(&ValuesPath::parse("ingress.hosts")).into_iter().map(|e| e.key).collect();
    assert_eq!(items, vec!["host", "paths"]);
    let entries = file.children(&ValuesPath::default());
    assert_eq!(entries[0].typed, HelmValue::Int(1));

    let Lookup::Found { node, .. } = file.lookup(&ValuesPath::parse("ingress")) else { panic!() };
    assert_eq!(file.display(node, 10), "enabled: false\nhosts:\n  - host: chart.local\n    paths: []");
    assert_eq!(file.display(node, 2), "enabled: false\nhosts:\n...");

    let offset = HELM_DOCS.find("repository: nginx").unwrap() + 2;
    let (path, range) = file.key_at(offset).unwrap();
    assert_eq!(path.to_string(), "image.repository");
    assert_eq!(&HELM_DOCS[range.start..range.end], "repository");
}

#[test]
fn a_five_megabyte_values_file() {
    let mut text = String::with_capacity(5_200_000);
    let mut i = 0;
    while text.len() < 5_000_000 {
        text.push_str(&format!("# -- Section {i}\nsection{i}:\n  ## @param section{i}.name The name\n  name: item-{i}\n  list:\n    - a: 1\n      b: \"two\"\n"));
        i += 1;
    }
    let started = std::time::Instant::now();
    let file = ValuesFile::parse(&text);
    let last = format!("section{}.name", i - 1);
    let path = ValuesPath::parse(&last);
    let Lookup::Found { key_range: Some(range), .. } = file.lookup(&path) else { panic!("{last} not found") };
    assert_eq!(file.doc(&path, range).unwrap().text, "The name");
    assert!(started.elapsed().as_secs() < 20, "took {:?}", started.elapsed());
}
