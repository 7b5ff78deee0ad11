//! The built-in schema: kinds and their names, path resolution through arrays, maps and shared
//! types, special types, field search, suggestions and the compact form.

use kref_corpus::schema::{
    FieldType, KindSource, ResolveError, Schema, SchemaSource, TypeRef, builtin_source_bytes,
};

fn schema() -> &'static Schema {
    Schema::builtin()
}

fn ty_of(kind: &str, path: &str) -> String {
    let s = schema();
    let r = s.resolve(kind, path).unwrap_or_else(|e| panic!("{kind}.{path}: {e}"));
    s.display_type(&r.ty)
}

#[test]
fn resolves_nested_paths_through_arrays_maps_and_refs() {
    let s = schema();
    let r = s.resolve("Deployment", "spec.template.spec.containers[].ports[].protocol").unwrap();
    assert_eq!(r.path, "spec.template.spec.containers[].ports[].protocol");
    assert_eq!(r.ty, FieldType::String);
    let names: Vec<&str> = r.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["spec", "template", "spec", "containers", "ports", "protocol"]);
    assert_eq!(r.kind.api_version(), "apps/v1");

    // Without [] and with indexes: the same field.
    for path in
        ["spec.template.spec.containers.ports.protocol", "spec.template.spec.containers[0].ports[1].protocol"]
    {
        let other = s.resolve("deploy", path).unwrap();
        assert_eq!(other.path, r.path, "{path}");
    }
    // A list itself, and a list item.
    assert_eq!(ty_of("Pod", "spec.containers"), "[]Container");
    assert_eq!(ty_of("Pod", "spec.containers[]"), "Container");
    // Maps: the map, then a key of it.
    assert_eq!(ty_of("ConfigMap", "data"), "map[string]string");
    assert_eq!(ty_of("ConfigMap", "data.settings"), "string");
    // A dot ends a map key; keys with dots go in brackets.
    assert!(schema().resolve("ConfigMap", "data.app.properties").is_err());
    assert_eq!(ty_of("ConfigMap", "data[app.properties]"), "string");
    assert_eq!(ty_of("Secret", "data"), "map[string][]byte");
    assert_eq!(ty_of("Pod", "metadata.annotations[kubernetes.io/description]"), "string");
    // PVC access modes: a list of strings with enum values on the field.
    let r = s.resolve("PersistentVolumeClaim", "spec.accessModes[]").unwrap();
    assert_eq!(r.ty, FieldType::String);
    assert_eq!(r.field().unwrap().name, "accessModes");
    assert_eq!(ty_of("pvc", "spec.accessModes"), "[]string");
    // The kind itself.
    let r = s.resolve("Deployment", "").unwrap();
    assert!(r.fields.is_empty());
    assert_eq!(r.object(), Some(r.kind.root));
}

#[test]
fn special_types_are_not_plain_strings_or_objects() {
    assert_eq!(ty_of("Pod", "spec.containers.resources.limits"), "map[string]Quantity");
    assert_eq!(ty_of("Deployment", "spec.strategy.rollingUpdate.maxSurge"), "int-or-string");
    assert_eq!(ty_of("Service", "spec.ports.targetPort"), "int-or-string");
    assert_eq!(ty_of("Pod", "metadata.creationTimestamp"), "Time");
    assert_eq!(ty_of("Event", "eventTime"), "Time");
    assert_eq!(ty_of("ControllerRevision", "data"), "Object");
    assert_eq!(ty_of("PersistentVolumeClaim", "spec.resources.requests"), "map[string]Quantity");
    assert_eq!(ty_of("CustomResourceDefinition", "spec.versions.schema.openAPIV3Schema.default"), "Object");
    let s = schema();
    assert_eq!(s.resolve("Pod", "metadata.creationTimestamp").unwrap().ty, FieldType::DateTime);
    assert_eq!(s.resolve("Pod", "spec.overhead[cpu]").unwrap().ty, FieldType::Quantity);
    assert_eq!(s.resolve("Service", "spec.ports.port").unwrap().ty, FieldType::Integer);
    assert_eq!(s.resolve("Pod", "spec.hostNetwork").unwrap().ty, FieldType::Boolean);
    assert_eq!(
        s.resolve("HorizontalPodAutoscaler", "spec.metrics.resource.target.averageValue").unwrap().ty,
        FieldType::Quantity
    );
}

#[test]
fn recursive_definitions_do_not_loop() {
    let s = schema();
    let deep = "spec.versions[].schema.openAPIV3Schema.properties[spec].properties[replicas].items.properties[x].type";
    let r = s.resolve("crd", deep).unwrap();
    assert_eq!(r.ty, FieldType::String);
    // Breadth-first search through JSONSchemaProps terminates and stays bounded.
    let found = s.find_fields_named("CustomResourceDefinition", "x-kubernetes-int-or-string");
    assert!(!found.is_empty());
    assert!(found.len() < 10_000);
    assert_eq!(found[0].path, "spec.versions[].schema.openAPIV3Schema.x-kubernetes-int-or-string");
}

/// Every kind the seed notes name that is a real built-in kind.
const SEED_KINDS: &[&str] = &[
    "Pod",
    "ReplicaSet",
    "ReplicationController",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Service",
    "Ingress",
    "IngressClass",
    "Endpoints",
    "EndpointSlice",
    "NetworkPolicy",
    "ConfigMap",
    "Secret",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "StorageClass",
    "VolumeAttachment",
    "CSIDriver",
    "CSINode",
    "ServiceAccount",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "Node",
    "Namespace",
    "LimitRange",
    "ResourceQuota",
    "Event",
    "Lease",
    "Binding",
    "HorizontalPodAutoscaler",
    "PriorityClass",
    "PodDisruptionBudget",
    "RuntimeClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "CustomResourceDefinition",
    "APIService",
    "ControllerRevision",
    "TokenReview",
    "SubjectAccessReview",
    "SelfSubjectAccessReview",
    "SelfSubjectRulesReview",
    "FlowSchema",
    "PriorityLevelConfiguration",
];

#[test]
fn every_seed_kind_resolves_with_description_and_fields() {
    let s = schema();
    for name in SEED_KINDS {
        let kind = s.kind(name).unwrap_or_else(|| panic!("{name} is not a built-in kind"));
        assert_eq!(&kind.kind, name);
        assert_eq!(kind.source, KindSource::Builtin);
        assert!(!kind.description.is_empty(), "{name} has no description");
        assert!(!kind.plural.is_empty());
        let fields: Vec<&str> = s.children(kind.root).iter().map(|f| f.name.as_str()).collect();
        for common in ["apiVersion", "kind", "metadata"] {
            assert!(fields.contains(&common), "{name} lacks {common}: {fields:?}");
        }
        assert!(s.kind_for(&kind.api_version(), name).is_some());
    }
    assert!(s.kind_count() >= 100, "only {} kinds", s.kind_count());
}

#[test]
fn short_names_plurals_and_case() {
    let s = schema();
    let cases = [
        ("deploy", "Deployment"),
        ("sts", "StatefulSet"),
        ("pvc", "PersistentVolumeClaim"),
        ("cj", "CronJob"),
        ("svc", "Service"),
        ("ing", "Ingress"),
        ("pv", "PersistentVolume"),
        ("po", "Pod"),
        ("cm", "ConfigMap"),
        ("ns", "Namespace"),
        ("no", "Node"),
        ("ds", "DaemonSet"),
        ("rs", "ReplicaSet"),
        ("hpa", "HorizontalPodAutoscaler"),
        ("pdb", "PodDisruptionBudget"),
        ("sa", "ServiceAccount"),
        ("ep", "Endpoints"),
        ("netpol", "NetworkPolicy"),
        ("sc", "StorageClass"),
        ("crd", "CustomResourceDefinition"),
        ("crds", "CustomResourceDefinition"),
        ("pc", "PriorityClass"),
        ("quota", "ResourceQuota"),
        ("limits", "LimitRange"),
        ("ev", "Event"),
        ("csr", "CertificateSigningRequest"),
        ("rc", "ReplicationController"),
        ("deployments", "Deployment"),
        ("deployment", "Deployment"),
        ("DEPLOY", "Deployment"),
        ("Deployments.apps", "Deployment"),
        ("ingresses", "Ingress"),
        ("endpointslices", "EndpointSlice"),
        ("networkpolicies", "NetworkPolicy"),
        ("vac", "VolumeAttributesClass"),
    ];
    for (name, kind) in cases {
        assert_eq!(s.kind(name).map(|k| k.kind.as_str()), Some(kind), "{name}");
    }
    assert_eq!(s.kind("deploy").unwrap().short_names, ["deploy"]);
}

#[test]
fn preferred_versions() {
    let s = schema();
    assert_eq!(s.kind("hpa").unwrap().api_version(), "autoscaling/v2");
    assert_eq!(s.kind("Event").unwrap().api_version(), "v1");
    assert_eq!(s.kind("ResourceClaim").unwrap().api_version(), "resource.k8s.io/v1");
    let all: Vec<String> =
        s.kinds_named("horizontalpodautoscalers").iter().map(|k| k.api_version()).collect();
    assert_eq!(all, ["autoscaling/v2", "autoscaling/v1"]);
    assert_eq!(s.kind_in("autoscaling/v1", "hpa").unwrap().version, "v1");
    assert_eq!(s.kind_for("events.k8s.io/v1", "Event").unwrap().group, "events.k8s.io");
    assert!(s.kind_for("extensions/v1beta1", "Deployment").is_none());
    assert!(s.kind_for("apps/v1", "deployment").is_none(), "kind_for is exact, as the API server is");
}

#[test]
fn scope_and_subresources() {
    let s = schema();
    assert!(s.kind("Pod").unwrap().namespaced);
    assert!(!s.kind("Node").unwrap().namespaced);
    assert!(!s.kind("ClusterRole").unwrap().namespaced);
    assert!(!s.kind("crd").unwrap().namespaced);
    assert!(s.kind("Scale").unwrap().subresource);
    assert_eq!(s.kind("Deployment").unwrap().plural, "deployments");
}

#[test]
fn required_read_only_and_deprecated_fields() {
    let s = schema();
    let field = |kind: &str, path: &str| s.resolve(kind, path).unwrap().field().unwrap().clone();
    assert!(field("Pod", "spec.containers").required);
    assert!(field("Pod", "spec.containers.name").required);
    assert!(!field("Pod", "spec.containers.image").required);
    assert!(field("Deployment", "spec.selector").required);
    assert!(!field("Deployment", "metadata").required, "k8s-openapi's required metadata is dropped");
    assert!(field("Deployment", "status").read_only);
    assert!(field("Pod", "metadata.uid").read_only);
    assert!(!field("Pod", "spec.nodeName").read_only);
    assert!(field("Pod", "spec.serviceAccount").deprecated.is_some());
    assert!(field("Pod", "spec.serviceAccountName").deprecated.is_none());
    assert!(field("Pod", "spec.containers.image").description.contains("Container image name"));
}

#[test]
fn finds_fields_by_name_and_suffix() {
    let s = schema();
    let paths = |kind: &str, name: &str| -> Vec<String> {
        s.find_fields_named(kind, name).into_iter().map(|f| f.path).collect()
    };
    assert_eq!(paths("Deployment", "maxSurge"), ["spec.strategy.rollingUpdate.maxSurge"]);
    assert_eq!(paths("DaemonSet", "rollingUpdate.maxSurge"), ["spec.updateStrategy.rollingUpdate.maxSurge"]);
    assert_eq!(paths("Deployment", "strategy"), ["spec.strategy"]);
    let protocols = paths("Pod", "protocol");
    assert!(protocols.contains(&"spec.containers[].ports[].protocol".to_string()), "{protocols:?}");
    assert!(protocols.contains(&"spec.initContainers[].ports[].protocol".to_string()));
    // Shallowest first.
    let images = paths("Deployment", "image");
    assert_eq!(images[0], "spec.template.spec.containers[].image");
    assert!(paths("Deployment", "noSuchField").is_empty());
    assert!(paths("NoSuchKind", "maxSurge").is_empty());
    // Every path found resolves back to the same field.
    for found in s.find_fields_named("StatefulSet", "name") {
        let r = s.resolve("StatefulSet", &found.path).unwrap_or_else(|e| panic!("{}: {e}", found.path));
        assert_eq!(r.field().unwrap().name, "name");
    }
}

#[test]
fn unknown_names_get_suggestions() {
    let s = schema();
    match s.resolve("Deploymnet", "spec") {
        Err(ResolveError::UnknownKind { suggestions, .. }) => {
            assert_eq!(suggestions.first().map(String::as_str), Some("Deployment"))
        }
        other => panic!("{other:?}"),
    }
    let err = s.resolve("Deployment", "spec.template.spec.contaners").unwrap_err();
    assert_eq!(
        err.to_string(),
        "Deployment has no field \"contaners\" at spec.template.spec; did you mean containers?"
    );
    match s.resolve("Deployment", "spec.replicas.foo") {
        Err(ResolveError::NotAnObject { ty, .. }) => assert_eq!(ty, "integer"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(s.resolve("Pod", "spec..x"), Err(ResolveError::BadPath { .. })));
    let policy = s.resolve("CronJob", "spec.concurrencyPolicy").unwrap();
    assert_eq!(Schema::suggest_values(policy.field().unwrap(), "Forbidd"), ["Forbid"]);
    assert_eq!(Schema::suggest_values(policy.field().unwrap(), "allow"), ["Allow"]);
}

#[test]
fn resolve_dotted_like_kubectl_explain() {
    let s = schema();
    let r = s.resolve_dotted("deploy.spec.replicas").unwrap();
    assert_eq!(r.kind.kind, "Deployment");
    assert_eq!(r.path, "spec.replicas");
    assert_eq!(s.resolve_dotted("pods").unwrap().kind.kind, "Pod");
}

#[test]
fn shared_types_are_shared() {
    let s = schema();
    let in_pod = s.resolve("Pod", "spec.containers[]").unwrap().object().unwrap();
    let in_deploy = s.resolve("Deployment", "spec.template.spec.containers[]").unwrap().object().unwrap();
    assert_eq!(in_pod, in_deploy);
    assert_eq!(s.type_named("io.k8s.api.core.v1.Container"), Some(in_pod));
    assert!(s.type_count() < 2000, "the graph should hold one node per definition, not per path");
    assert!(s.children(TypeRef(u32::MAX)).is_empty());
}

#[test]
fn compact_form_round_trips() {
    let decoded = SchemaSource::from_bytes(builtin_source_bytes()).unwrap();
    // The built-in schema adds the two Kustomize config kinds to the blob's.
    assert_eq!(decoded.kinds.len() + 2, schema().kind_count());
    assert!(schema().kind_for("kustomize.config.k8s.io/v1beta1", "Kustomization").is_some());
    assert!(schema().kind_for("kustomize.config.k8s.io/v1alpha1", "Component").is_some());
    assert_eq!(SchemaSource::from_bytes(&decoded.to_bytes()).unwrap(), decoded);
    assert!(SchemaSource::from_bytes(b"not a schema").is_err());
    let bytes = decoded.to_bytes();
    assert!(SchemaSource::from_bytes(&bytes[..bytes.len() / 2]).is_err());
}

#[test]
fn defaults_come_from_the_table_and_from_what_descriptions_state() {
    let s = schema();
    let default = |kind: &str, path: &str| {
        let r = s.resolve(kind, path).unwrap_or_else(|e| panic!("{kind}.{path}: {e}"));
        r.field().and_then(|f| f.default.clone())
    };
    for (kind, path, want) in [
        ("Deployment", "spec.replicas", "1"),
        ("Deployment", "spec.revisionHistoryLimit", "10"),
        ("Deployment", "spec.progressDeadlineSeconds", "600"),
        ("Deployment", "spec.strategy.rollingUpdate.maxSurge", "25%"),
        ("Deployment", "spec.strategy.type", "RollingUpdate"),
        ("Pod", "spec.terminationGracePeriodSeconds", "30"),
        ("Pod", "spec.containers[].livenessProbe.periodSeconds", "10"),
        ("Pod", "spec.containers[].terminationMessagePath", "/dev/termination-log"),
        ("CronJob", "spec.successfulJobsHistoryLimit", "3"),
        ("Job", "spec.backoffLimit", "6"),
        ("Pod", "spec.containers[].stdin", "false"),
    ] {
        assert_eq!(default(kind, path).as_deref(), Some(want), "{kind}.{path}");
    }
    // Conditional defaults are not defaults.
    assert_eq!(default("Pod", "spec.containers[].imagePullPolicy"), None);
}
