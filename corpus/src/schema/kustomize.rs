//! The Kustomize config kinds built in beside the Kubernetes API: `Kustomization`
//! (`kustomize.config.k8s.io/v1beta1`) and `Component` (`kustomize.config.k8s.io/v1alpha1`),
//! written here field by field (the names and types of Kustomize v5's `kustomization.yaml`; the
//! descriptions are ours). Deprecated fields say what replaces them, so hover and the checks can
//! name it.

use super::model::{EnumValue, Field, FieldType, Kind, KindSource, SchemaSource, TypeDef, TypeRef};

/// The API group of the Kustomize config kinds.
pub const KUSTOMIZE_GROUP: &str = "kustomize.config.k8s.io";
/// `apiVersion` of a Kustomization.
pub const KUSTOMIZATION_API_VERSION: &str = "kustomize.config.k8s.io/v1beta1";
/// `apiVersion` of a Component.
pub const COMPONENT_API_VERSION: &str = "kustomize.config.k8s.io/v1alpha1";

/// Builds the type table: types are added in order and referred to by their index plus
/// `offset` (the size of the table they are appended to).
struct Builder {
    types: Vec<TypeDef>,
    offset: u32,
}

fn s() -> FieldType {
    FieldType::String
}

fn list(t: FieldType) -> FieldType {
    FieldType::Array(Box::new(t))
}

fn map(t: FieldType) -> FieldType {
    FieldType::Map(Box::new(t))
}

fn f(name: &str, ty: FieldType, description: &str) -> Field {
    Field::new(name, ty, description)
}

fn deprecated(mut field: Field, reason: &str) -> Field {
    field.deprecated = Some(reason.to_string());
    field
}

fn values(mut field: Field, values: &[(&str, &str)]) -> Field {
    field.enum_values = values
        .iter()
        .map(|(v, note)| EnumValue { value: v.to_string(), note: note.to_string(), deprecated: false })
        .collect();
    field
}

fn default(mut field: Field, value: &str) -> Field {
    field.default = Some(value.to_string());
    field
}

impl Builder {
    fn add(&mut self, name: &str, title: &str, description: &str, mut fields: Vec<Field>) -> FieldType {
        fields.sort_by(|a, b| a.name.cmp(&b.name));
        let mut def = TypeDef::new(format!("io.kustomize.config.v1beta1.{name}"), title);
        def.description = description.to_string();
        def.fields = fields;
        self.types.push(def);
        FieldType::Object(TypeRef(self.offset + self.types.len() as u32 - 1))
    }
}

/// The Kustomize kinds as a source to add to a schema whose type table has `type_count` types
/// and `ObjectMeta` at `object_meta` (type references are numbered from `type_count`).
pub fn kustomize_source(type_count: u32, object_meta: Option<TypeRef>) -> SchemaSource {
    let mut b = Builder { types: Vec::new(), offset: type_count };
    let metadata = object_meta.map_or(FieldType::FreeForm, FieldType::Object);

    let selector_fields = || {
        vec![
            f("group", s(), "API group of the objects to select (empty for the core group)."),
            f("version", s(), "API version of the objects to select."),
            f("kind", s(), "Kind of the objects to select, such as Deployment."),
            f(
                "name",
                s(),
                "Name of the object to select; a regular expression matched against the whole name.",
            ),
            f("namespace", s(), "Namespace of the objects to select; a regular expression."),
            f(
                "labelSelector",
                s(),
                "A label selector in kubectl's syntax (`app=web,tier!=cache`): only objects whose labels match.",
            ),
            f(
                "annotationSelector",
                s(),
                "An annotation selector in the same syntax as labelSelector: only objects whose annotations match.",
            ),
        ]
    };
    let selector = b.add(
        "Selector",
        "Selector",
        "Which objects a patch or replacement applies to: every field given must match.",
        selector_fields(),
    );
    let patch_options = b.add(
        "PatchOptions",
        "PatchOptions",
        "What a patch may change beyond fields.",
        vec![
            default(f("allowNameChange", FieldType::Boolean, "Let the patch rename its target."), "false"),
            default(
                f("allowKindChange", FieldType::Boolean, "Let the patch change its target's kind."),
                "false",
            ),
        ],
    );
    let patch = b.add(
        "Patch",
        "Patch",
        "One patch: a strategic-merge patch or a JSON 6902 patch (a list of operations), from a file or written inline, applied to the objects `target` selects (or, for a strategic-merge patch without a target, to the object of its own kind and name).",
        vec![
            f("path", s(), "File holding the patch, relative to the kustomization's folder."),
            f(
                "patch",
                s(),
                "The patch written inline, usually as a block string (`patch: |-`): a partial object, or a list of JSON 6902 operations.",
            ),
            f("target", selector.clone(), "The objects the patch applies to. Required for JSON 6902 patches."),
            f("options", patch_options, "Lets the patch change the name or kind of its target."),
        ],
    );
    let json_target = b.add(
        "PatchTarget",
        "PatchTarget",
        "The one object a legacy JSON 6902 patch applies to.",
        vec![
            f("group", s(), "API group of the target."),
            f("version", s(), "API version of the target."),
            f("kind", s(), "Kind of the target."),
            f("name", s(), "Name of the target."),
            f("namespace", s(), "Namespace of the target."),
        ],
    );
    let json_patch = b.add(
        "PatchJson6902",
        "PatchJson6902",
        "A legacy JSON 6902 patch: a target and the file (or inline text) holding the operations.",
        vec![
            f("target", json_target, "The object to patch."),
            f("path", s(), "File holding the operations."),
            f("patch", s(), "The operations written inline."),
        ],
    );
    let label = b.add(
        "Label",
        "Label",
        "Labels to add, and where: metadata always, selectors and pod templates only when asked.",
        vec![
            f("pairs", map(s()), "The labels: name → value."),
            default(
                f(
                    "includeSelectors",
                    FieldType::Boolean,
                    "Also add the labels to selectors (and pod templates). Selectors of Deployments and others cannot change after creation, so turning this on for objects already applied breaks the next apply.",
                ),
                "false",
            ),
            default(
                f(
                    "includeTemplates",
                    FieldType::Boolean,
                    "Also add the labels to pod templates (but not selectors).",
                ),
                "false",
            ),
            f("fields", list(FieldType::FreeForm), "Further field paths to put the labels at (field specs)."),
        ],
    );
    let image = b.add(
        "Image",
        "Image",
        "A change to container images: the containers whose image is `name` get a new name, tag or digest.",
        vec![
            f(
                "name",
                s(),
                "The image to change, as written in the containers (without tag or digest): `nginx`, `ghcr.io/org/app`.",
            ),
            f("newName", s(), "Replaces the image name (registry and repository)."),
            f("newTag", s(), "Replaces the tag. Quote numeric tags (`\"1.20\"`)."),
            f("digest", s(), "Replaces the tag with a digest (`sha256:...`)."),
            f("tagSuffix", s(), "Appended to the tag."),
        ],
    );
    let replica = b.add(
        "Replica",
        "Replica",
        "A replica count for the workloads of a name.",
        vec![
            f(
                "name",
                s(),
                "Name of the Deployment, ReplicaSet or StatefulSet (before any name prefix or suffix).",
            ),
            f("count", FieldType::Integer, "The number of replicas."),
        ],
    );
    let generator_options = b.add(
        "GeneratorOptions",
        "GeneratorOptions",
        "How ConfigMaps and Secrets are generated.",
        vec![
            f("labels", map(s()), "Labels added to the generated objects."),
            f("annotations", map(s()), "Annotations added to the generated objects."),
            default(
                f(
                    "disableNameSuffixHash",
                    FieldType::Boolean,
                    "Keep the plain name: no `-<hash>` suffix. Pods then do not roll when the data changes.",
                ),
                "false",
            ),
            default(f("immutable", FieldType::Boolean, "Mark the generated objects immutable."), "false"),
        ],
    );
    let generator_fields = |options: &FieldType| {
        vec![
            f(
                "name",
                s(),
                "Name of the generated object; a `-<hash>` of its content is appended unless disableNameSuffixHash is set, and references to it are updated.",
            ),
            f("namespace", s(), "Namespace of the generated object."),
            default(
                values(
                    f(
                        "behavior",
                        s(),
                        "What to do with an object of the same name from a base: create a new one, replace it, or merge into it.",
                    ),
                    &[
                        ("create", "A new object; an object of that name from a base is an error."),
                        ("replace", "Replaces the base's object of that name."),
                        (
                            "merge",
                            "Adds keys to the base's object of that name, overriding keys that are set in both.",
                        ),
                    ],
                ),
                "create",
            ),
            f("literals", list(s()), "Key-value pairs written inline, one `KEY=value` per item."),
            f(
                "files",
                list(s()),
                "Files whose contents become values: `path` (key = file name) or `key=path`.",
            ),
            f("envs", list(s()), "Files of `KEY=value` lines (dotenv style); each line is one key."),
            deprecated(f("env", s(), "One dotenv file."), "Use envs instead."),
            f("options", options.clone(), "Generator options for this object alone."),
        ]
    };
    let config_map_args = b.add(
        "ConfigMapArgs",
        "ConfigMapArgs",
        "A ConfigMap to generate from literals, files and dotenv files.",
        generator_fields(&generator_options),
    );
    let mut secret_fields = generator_fields(&generator_options);
    secret_fields.push(default(f("type", s(), "The Secret's type, such as `kubernetes.io/tls`."), "Opaque"));
    let secret_args = b.add(
        "SecretArgs",
        "SecretArgs",
        "A Secret to generate from literals, files and dotenv files (values are base64-encoded for you).",
        secret_fields,
    );
    let legacy_sort = b.add(
        "LegacySortOptions",
        "LegacySortOptions",
        "The order of kinds in the output with the legacy order.",
        vec![
            f("orderFirst", list(s()), "Kinds printed first, in this order."),
            f("orderLast", list(s()), "Kinds printed last, in this order."),
        ],
    );
    let sort_options = b.add(
        "SortOptions",
        "SortOptions",
        "The order of objects in the output.",
        vec![
            values(
                f(
                    "order",
                    s(),
                    "`legacy` (by kind: namespaces and CRDs first) or `fifo` (as they were read).",
                ),
                &[
                    ("legacy", "Sorted by kind, Namespaces and cluster-wide objects first (the default)."),
                    ("fifo", "In the order the resources were read."),
                ],
            ),
            f("legacySortOptions", legacy_sort, "Kinds to put first and last with the legacy order."),
        ],
    );
    let helm_chart = b.add(
        "HelmChart",
        "HelmChart",
        "A Helm chart rendered with `helm template` during the build (needs `--enable-helm`).",
        vec![
            f("name", s(), "The chart's name."),
            f("version", s(), "The chart's version."),
            f("repo", s(), "The chart repository's URL."),
            f("releaseName", s(), "The release name the templates see."),
            f("namespace", s(), "The namespace the templates see."),
            f("valuesFile", s(), "A values file, relative to the kustomization."),
            f("additionalValuesFiles", list(s()), "More values files, merged in order."),
            f("valuesInline", FieldType::FreeForm, "Values written inline."),
            values(
                f("valuesMerge", s(), "How valuesInline combines with the values file."),
                &[
                    ("override", "Inline values override the file's."),
                    ("replace", "Inline values replace the file's."),
                    ("merge", "The file's values override the inline ones."),
                ],
            ),
            f("includeCRDs", FieldType::Boolean, "Also output the chart's CRDs."),
            f("skipHooks", FieldType::Boolean, "Leave hooks out."),
            f("skipTests", FieldType::Boolean, "Leave test templates out."),
            f("apiVersions", list(s()), "Capabilities.APIVersions the templates see."),
            f("kubeVersion", s(), "Capabilities.KubeVersion the templates see."),
            f("nameTemplate", s(), "Template for the release name."),
            f("devel", FieldType::Boolean, "Accept development versions of the chart."),
        ],
    );
    let helm_globals = b.add(
        "HelmGlobals",
        "HelmGlobals",
        "Where Helm keeps charts and its configuration during the build.",
        vec![
            f("chartHome", s(), "Folder of charts (default `charts`)."),
            f("configHome", s(), "Helm's configuration folder."),
        ],
    );
    let field_selector_options = b.add(
        "FieldOptions",
        "FieldOptions",
        "How a replacement reads or writes a part of a value.",
        vec![
            f("delimiter", s(), "Split the value at this string."),
            f("index", FieldType::Integer, "Which part after splitting."),
            values(
                f("encoding", s(), "Encoding of the value."),
                &[("base64", "The value is base64-encoded.")],
            ),
            f("create", FieldType::Boolean, "Create the field at the target when missing."),
        ],
    );
    let mut source_fields = selector_fields();
    source_fields.retain(|f| !f.name.ends_with("Selector"));
    source_fields.push(f("fieldPath", s(), "The field to copy, dotted (default `metadata.name`)."));
    source_fields.push(f("options", field_selector_options.clone(), "Which part of the value to copy."));
    let replacement_source = b.add(
        "SourceSelector",
        "SourceSelector",
        "The object and field a replacement copies from.",
        source_fields,
    );
    let replacement_target = b.add(
        "TargetSelector",
        "TargetSelector",
        "Where a replacement writes.",
        vec![
            f("select", selector.clone(), "The objects to write into."),
            f("reject", list(selector.clone()), "Objects to leave alone among the selected."),
            f(
                "fieldPaths",
                list(s()),
                "The fields to write, dotted (`spec.template.spec.containers.[name=app].image`).",
            ),
            f("options", field_selector_options, "Which part of the value to write."),
        ],
    );
    let replacement = b.add(
        "Replacement",
        "Replacement",
        "Copies a field's value from one object into fields of others (what vars were for), or names a file holding replacements.",
        vec![
            f("path", s(), "File holding replacements."),
            f("source", replacement_source, "Where the value comes from."),
            f("targets", list(replacement_target), "Where it goes."),
        ],
    );
    let var = b.add(
        "Var",
        "Var",
        "A legacy variable: `$(NAME)` in some fields is replaced by a field of an object.",
        vec![
            f("name", s(), "The variable's name, used as `$(NAME)`."),
            f("objref", FieldType::FreeForm, "The object to read (apiVersion, kind, name)."),
            f("fieldref", FieldType::FreeForm, "The field to read (`fieldpath`, default `metadata.name`)."),
        ],
    );
    let build_metadata = values(
        f(
            "buildMetadata",
            list(s()),
            "Annotations and labels the build adds to record where objects came from.",
        ),
        &[
            (
                "originAnnotations",
                "`config.kubernetes.io/origin`: the file (and repository) each object came from.",
            ),
            (
                "transformerAnnotations",
                "`alpha.config.kubernetes.io/transformations`: what changed each object.",
            ),
            ("managedByLabel", "`app.kubernetes.io/managed-by: kustomize-<version>`."),
        ],
    );

    let root_fields = vec![
        f(
            "apiVersion",
            s(),
            "`kustomize.config.k8s.io/v1beta1` for a Kustomization, `kustomize.config.k8s.io/v1alpha1` for a Component; may be left out.",
        ),
        f("kind", s(), "`Kustomization` or `Component`; may be left out (Kustomization)."),
        f("metadata", metadata, "Only `name` is used (by some tools, for display)."),
        f(
            "resources",
            list(s()),
            "What the build starts from: files of objects, folders holding a kustomization (bases), or remote targets (`github.com/org/repo//path?ref=v1`, `https://...`). Relative to this kustomization's folder.",
        ),
        f(
            "components",
            list(s()),
            "Folders of Components: reusable pieces (patches, resources, generators) applied to what resources built, in order.",
        ),
        f(
            "crds",
            list(s()),
            "CRD files that tell kustomize how to merge and name-reference custom resources.",
        ),
        f("namespace", s(), "Sets the namespace of every namespaced object (and of references to them)."),
        f("namePrefix", s(), "Prepended to the name of every object, and to references to them."),
        f("nameSuffix", s(), "Appended to the name of every object, and to references to them."),
        f(
            "labels",
            list(label),
            "Labels to add, each group saying whether selectors and templates get them too.",
        ),
        deprecated(
            f("commonLabels", map(s()), "Labels added to every object, its selectors and its pod templates."),
            "Use labels instead (with includeSelectors: true for the same effect).",
        ),
        f("commonAnnotations", map(s()), "Annotations added to every object (and pod templates)."),
        f(
            "patches",
            list(patch),
            "Patches applied to the objects built: strategic-merge or JSON 6902, by file or inline, to a target or to the object they name.",
        ),
        deprecated(
            f("patchesStrategicMerge", list(s()), "Strategic-merge patches, as files or inline text."),
            "Use patches instead (`- path: file.yaml`).",
        ),
        deprecated(
            f("patchesJson6902", list(json_patch), "JSON 6902 patches with their target."),
            "Use patches instead (same target and path keys).",
        ),
        f("images", list(image), "Changes to container images: new names, tags or digests."),
        f("replicas", list(replica), "Replica counts by workload name."),
        f("configMapGenerator", list(config_map_args), "ConfigMaps to generate."),
        f("secretGenerator", list(secret_args), "Secrets to generate."),
        f("generatorOptions", generator_options, "Options for every generator of this kustomization."),
        f("replacements", list(replacement), "Copies of field values between objects."),
        deprecated(
            f("vars", list(var), "Legacy variables: `$(NAME)` in some fields."),
            "Use replacements instead.",
        ),
        deprecated(f("bases", list(s()), "Kustomizations to build on."), "Use resources instead."),
        f("openapi", map(s()), "The schema used for merges: `path` (a file) or `version`."),
        f("helmCharts", list(helm_chart), "Helm charts to render into the build."),
        f("helmGlobals", helm_globals, "Helm folders for helmCharts."),
        f("helmChartInflationGenerator", list(FieldType::FreeForm), "The older form of helmCharts."),
        build_metadata,
        f("sortOptions", sort_options, "The order of objects in the output."),
        f("generators", list(s()), "Generator plugins: files of their configs, or kustomizations."),
        f("transformers", list(s()), "Transformer plugins: files of their configs, or kustomizations."),
        f("validators", list(s()), "Validator plugins: files of their configs."),
        f("configurations", list(s()), "Files of transformer configurations (extra field specs)."),
        f("inventory", FieldType::FreeForm, "Legacy inventory object settings."),
    ];
    b.add(
        "Kustomization",
        "Kustomization",
        "What `kustomize build` (and `kubectl apply -k`) does in a folder: the objects it starts from and the changes it makes to them.",
        root_fields,
    );
    let root = TypeRef(b.offset + b.types.len() as u32 - 1);
    let kind = |version: &str, kind: &str, plural: &str, description: &str| Kind {
        group: KUSTOMIZE_GROUP.to_string(),
        version: version.to_string(),
        kind: kind.to_string(),
        plural: plural.to_string(),
        short_names: Vec::new(),
        namespaced: false,
        subresource: false,
        description: description.to_string(),
        root,
        source: KindSource::Builtin,
    };
    SchemaSource {
        name: "built-in".to_string(),
        kinds: vec![
            kind(
                "v1beta1",
                "Kustomization",
                "kustomizations",
                "A kustomization.yaml: the resources Kustomize builds from and the changes it makes to them (names, namespace, labels, images, patches, generated ConfigMaps and Secrets). Read by `kustomize build` and `kubectl apply -k`; never sent to the API server.",
            ),
            kind(
                "v1alpha1",
                "Component",
                "components",
                "A kustomization of kind Component: a reusable piece (patches, resources, generators) that kustomizations list under `components` and apply to what they built so far.",
            ),
        ],
        types: b.types,
    }
}

/// Is `group` the Kustomize config group?
pub fn is_kustomize_group(group: &str) -> bool {
    group == KUSTOMIZE_GROUP
}
