//! The Kubernetes objects of a parsed file: a document's root, or each item of a `List`
//! (`kind: List` or `<Kind>List`, as kubectl accepts them), with the kind, apiVersion, name and
//! namespace of each. The checks, the cross-document rules, hover and completion all read
//! objects through here, so an item of a `ConfigMapList` is a ConfigMap everywhere.

use kref_yaml::{Document, File, Location, Node, Segment, TextRange};

use super::project::classify::{has_directive_in, is_list};

/// Items of one List read at most (a hostile file could hold millions).
pub const MAX_LIST_ITEMS: usize = 100_000;

/// One object of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectAt<'f> {
    /// Index of the document in the file.
    pub doc: usize,
    /// Index in the List's `items`, for an item.
    pub item: Option<usize>,
    pub node: &'f Node,
    /// The document's range, or the item's.
    pub range: TextRange,
    /// The `kind` and the range of its value; for an item that leaves it out, the List's kind
    /// less `List` (`ConfigMapList` → `ConfigMap`) and the List's kind range.
    pub kind: Option<(String, TextRange)>,
    pub api_version: Option<(String, TextRange)>,
    /// The item names no kind or apiVersion of its own: the List's stand in.
    pub implied: bool,
    pub name: Option<String>,
    pub namespace: Option<String>,
    /// Holds strategic-merge directives (`$patch`, ...): a partial object.
    pub partial: bool,
}

impl ObjectAt<'_> {
    /// The kind (empty when absent).
    pub fn kind_name(&self) -> &str {
        self.kind.as_ref().map_or("", |(k, _)| k.as_str())
    }

    /// The apiVersion (empty when absent).
    pub fn api_version_name(&self) -> &str {
        self.api_version.as_ref().map_or("", |(a, _)| a.as_str())
    }

    /// The API group of its apiVersion (empty for the core group).
    pub fn group(&self) -> &str {
        group_of(self.api_version_name())
    }

    /// Is it a built-in kind (not a custom resource of the same name)?
    pub fn is_builtin(&self) -> bool {
        is_builtin_group(self.group())
    }
}

/// The API group of an apiVersion (`apps/v1` → `apps`; `v1` → the core group, empty).
pub fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// The API groups built into Kubernetes whose kinds have the special rules (pod templates,
/// Services, ...). Kinds of the same name in other groups (CRDs) do not get them.
pub fn is_builtin_group(group: &str) -> bool {
    !group.contains('.') || group.ends_with(".k8s.io")
}

/// The `kind`/`apiVersion` pairs of a mapping as (value, value range).
fn scalar_pair(node: &Node, key: &str) -> Option<(String, TextRange)> {
    let p = node.pair(key)?;
    let text = p.value.as_str()?;
    Some((text.to_string(), p.value.range))
}

fn meta(node: &Node, key: &str) -> Option<String> {
    node.get("metadata").and_then(|m| m.get(key)).and_then(Node::as_str).map(str::to_string)
}

/// A document as one object (a List's own wrapper, or any document that is no List); `None`
/// when its root is not a mapping.
pub fn whole_document<'f>(text: &str, index: usize, doc: &'f Document) -> Option<ObjectAt<'f>> {
    let root = doc.root.as_ref().filter(|r| r.as_mapping().is_some())?;
    Some(ObjectAt {
        doc: index,
        item: None,
        node: root,
        range: doc.range,
        kind: doc.kind.clone(),
        api_version: doc.api_version.clone(),
        implied: false,
        name: doc.name.clone(),
        namespace: doc.namespace.clone(),
        partial: has_directive_in(text, root),
    })
}

/// The objects of a document: its root, or the items of a List.
pub fn document_objects<'f>(text: &str, index: usize, doc: &'f Document) -> Vec<ObjectAt<'f>> {
    let Some(whole) = whole_document(text, index, doc) else { return Vec::new() };
    let root = whole.node;
    let Some((list_kind, list_range)) = &doc.kind else { return vec![whole] };
    if !is_list(list_kind, root) {
        return vec![whole];
    }
    let item_kind = list_kind.strip_suffix("List").filter(|k| !k.is_empty());
    let mut out = Vec::new();
    for (i, item) in
        root.get("items").and_then(Node::as_sequence).unwrap_or(&[]).iter().take(MAX_LIST_ITEMS).enumerate()
    {
        if item.as_mapping().is_none() {
            continue;
        }
        let own_kind = scalar_pair(item, "kind");
        let own_api = scalar_pair(item, "apiVersion");
        let typed_list = list_kind != "List";
        if !typed_list && !is_object_item(item) {
            // Not an object at all: the List itself is reported (see `not_objects`).
            continue;
        }
        let implied = typed_list && (own_kind.is_none() || own_api.is_none());
        out.push(ObjectAt {
            doc: index,
            item: Some(i),
            node: item,
            range: item.range,
            kind: own_kind.or_else(|| {
                typed_list
                    .then(|| (item_kind.unwrap_or_default().to_string(), *list_range))
                    .filter(|(k, _)| !k.is_empty())
            }),
            api_version: own_api.or_else(|| if typed_list { doc.api_version.clone() } else { None }),
            implied,
            name: meta(item, "name"),
            namespace: meta(item, "namespace"),
            partial: has_directive_in(text, item),
        });
    }
    out
}

/// Does a `kind: List` item look like an object (`kind`, `apiVersion` or `metadata`)?
fn is_object_item(item: &Node) -> bool {
    item.pair("kind").is_some() || item.pair("apiVersion").is_some() || item.pair("metadata").is_some()
}

/// The items of a `kind: List` that are no objects at all (no `kind`, `apiVersion` or
/// `metadata`).
pub fn not_objects(root: &Node) -> Vec<&Node> {
    root.get("items")
        .and_then(Node::as_sequence)
        .unwrap_or(&[])
        .iter()
        .filter(|i| i.as_mapping().is_none() || !is_object_item(i))
        .collect()
}

/// Every object of a file, in order.
pub fn objects(file: &File) -> Vec<ObjectAt<'_>> {
    file.documents.iter().enumerate().flat_map(|(i, d)| document_objects(file.text(), i, d)).collect()
}

/// A location inside an item of a List, seen from the item: its kind and apiVersion (or the
/// List's), and the path below the item. Any other location is returned as it is.
pub fn item_location(file: &File, mut loc: Location) -> Location {
    let Some(doc) = file.documents.get(loc.document) else { return loc };
    let (Some(kind), Some(root)) = (loc.kind.as_deref(), doc.root.as_ref()) else { return loc };
    if !is_list(kind, root) {
        return loc;
    }
    let [Segment::Key(items), Segment::Index(i), ..] = loc.path.0.as_slice() else { return loc };
    if items != "items" {
        return loc;
    }
    let i = *i;
    let Some(object) =
        document_objects(file.text(), loc.document, doc).into_iter().find(|o| o.item == Some(i))
    else {
        // A new item being typed: the List's kind tells what it is.
        let implied = kind.strip_suffix("List").filter(|k| !k.is_empty());
        loc.kind = implied.map(str::to_string);
        loc.path.0.drain(..2);
        return loc;
    };
    loc.kind = object.kind.map(|(k, _)| k);
    loc.api_version = object.api_version.map(|(a, _)| a);
    loc.path.0.drain(..2);
    loc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_of_lists_are_objects_of_their_own_kind() {
        let text = "apiVersion: v1
kind: ConfigMapList
items:
- metadata: {name: a}
  data: {x: '1'}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: b, namespace: n}
---
apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
- just text
---
apiVersion: v1
kind: Service
metadata: {name: s}
";
        let file = kref_yaml::parse(text);
        let all = objects(&file);
        type Summary<'s> = (usize, Option<usize>, Option<&'s str>, Option<&'s str>, Option<&'s str>, bool);
        let summary: Vec<Summary<'_>> = all
            .iter()
            .map(|o| {
                (
                    o.doc,
                    o.item,
                    o.kind.as_ref().map(|k| k.0.as_str()),
                    o.api_version.as_ref().map(|a| a.0.as_str()),
                    o.name.as_deref(),
                    o.implied,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (0, Some(0), Some("ConfigMap"), Some("v1"), Some("a"), true),
                (0, Some(1), Some("ConfigMap"), Some("v1"), Some("b"), false),
                (1, Some(0), Some("Deployment"), Some("apps/v1"), Some("web"), false),
                (2, None, Some("Service"), Some("v1"), Some("s"), false),
            ]
        );
        assert_eq!(all[1].namespace.as_deref(), Some("n"));
    }

    #[test]
    fn a_location_in_an_item_is_seen_from_the_item() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  spec:\n    replicas: 2\n";
        let file = kref_yaml::parse(text);
        let offset = text.find("replicas").unwrap();
        let loc = item_location(&file, file.locate(offset));
        assert_eq!(loc.kind.as_deref(), Some("Deployment"));
        assert_eq!(loc.api_version.as_deref(), Some("apps/v1"));
        assert_eq!(loc.path.0, [Segment::Key("spec".into()), Segment::Key("replicas".into())]);
    }
}
