//! The object model: what manifests mean, read once here and used by diagnostics, go to
//! definition, hover and completion alike (rust-analyzer's `ide-db`). Plain data and pure
//! functions over [`kref_yaml`] nodes; no IO, no protocol, nothing from the features above it.
//!
//! # The API
//!
//! **Values** ([`yaml`]): read a node as the API server does. [`at`]`(node, &["spec",
//! "replicas"])` and [`get`] skip absent and `null` values; [`str_of`] (a YAML string),
//! [`text_of`] (any scalar's text), [`int_of`], [`bool_of`] and [`scalar`]
//! (`kref_yaml::Typed`: YAML 1.1 typing, the one copy in `kref_yaml`) give `None` for a value
//! holding a template placeholder ([`is_placeholder`]); [`items`], [`pairs`] and
//! [`string_map`] walk collections.
//!
//! **Objects** ([`object`]): [`objects`]`(file)` is every Kubernetes object of a parsed file
//! as an [`ObjectAt`] (a document's root, or each item of a `List`/`<Kind>List`, with its
//! kind, apiVersion, name and namespace, the List's kind standing in for items that omit
//! theirs); [`ObjectAt::is_builtin`] tells a built-in kind from a custom resource of the same
//! name. [`item_location`] sees a cursor inside a List item from the item.
//!
//! **Paths** ([`path`]): [`schema_path`] (a YAML path as `spec.containers[].ports`),
//! [`path_keys`] and [`canonical_keys`] (the field keys of a path, map keys and indexes left
//! out: what note entries are matched against).
//!
//! **Pods** ([`pod`]): one table of where kinds keep pods. [`pod_spec`]`(&obj)` is the pod
//! spec of a Pod, a workload's template, a CronJob's job template, in a document or a List
//! item; [`pod_spec_path`], [`pod_labels`], [`containers`] ([`ContainerAt`]: regular, init,
//! ephemeral, sidecar), [`claim_templates`]. [`template_at`]`(kind, keys)` says which
//! embedded template (`Pod` or `Job`) a path lies in, for the notes about it.
//!
//! **References** ([`refs`], [`selector`]): [`references`]`(&obj)` lists what an object
//! names ([`Ref`] with a [`Target`]: an object by kind and name, or the pods a [`Selector`]
//! matches); [`pod_references`] and [`backends`] are the pieces the cross-document rules use.
//!
//! **Workspace** ([`workspace`]): [`Object::of_file`] extracts what other files need to know
//! of each object (owned data: name, namespace, pod labels, Service facts, HPA target,
//! enforced [`PssLevel`], pod-running custom resources). A [`Workspace`] records them per
//! file key (a path or URI) with the file's class and deployment units; a [`View`] is what one
//! file sees: its own objects from its current text and those of the files sharing a unit
//! with it ([`View::named`], [`View::of_kind`], [`View::pods`], ...).
//!
//! **Project** ([`project`]): what a file is ([`FileClass`], read once into [`FileFacts`]),
//! where it sits in a Helm chart ([`FileRole`], shared with the Helm module), what
//! kustomizations refer to, and the deployment units a [`Layout`] groups files into. Callers
//! read files and pass paths and parsed text in.

pub mod object;
pub mod path;
pub mod pod;
pub mod project;
pub mod refs;
pub mod selector;
pub mod workspace;
pub mod yaml;

pub use object::{ObjectAt, document_objects, group_of, is_builtin_group, item_location, objects};
pub use path::{canonical_keys, path_keys, schema_path};
pub use pod::{
    ContainerAt, Embedded, PodSpecPath, PssLevel, TemplateKind, claim_templates, containers, embedded,
    pod_labels, pod_spec, pod_spec_path, template_at, template_metadata,
};
pub use project::chart::{FileRole, role};
pub use project::{FileClass, FileFacts, Layout};
pub use refs::{Ref, Target, backends, named_references, pod_references, references};
pub use selector::Selector;
pub use workspace::{Object, ServiceFacts, View, Workspace, defines_crd, ns_compatible, same_facts};
pub use yaml::{
    at, bool_of, get, int_of, is_null, is_placeholder, items, owned_map, pairs, scalar, str_of, string_map,
    text_of,
};
