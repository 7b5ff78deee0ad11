//! Generates the built-in schema: walks the schemars schema of every top-level resource type of
//! k8s-openapi (feature `latest`), converts it with the same code as the OpenAPI importer, merges
//! `data/enums.yaml` and the defaults the descriptions state, and writes the compact form to
//! `$OUT_DIR/builtin-schema.bin`, which `src/schema/builtin.rs` embeds.

use std::collections::BTreeMap;

use k8s_openapi::Resource;
use schemars::JsonSchema;
use serde_json::{Value, json};

#[allow(dead_code)]
#[path = "src/schema/convert.rs"]
mod convert;
#[path = "src/schema/defaults.rs"]
mod defaults;
#[allow(dead_code)]
#[path = "src/schema/enums.rs"]
mod enums;
#[allow(dead_code)]
#[path = "src/schema/error.rs"]
mod error;
#[allow(dead_code)]
#[path = "src/schema/model.rs"]
mod model;
#[allow(dead_code)]
#[path = "src/schema/openapi.rs"]
mod openapi;
#[allow(dead_code)]
#[path = "src/schema/shortnames.rs"]
mod shortnames;

/// The Kubernetes release k8s-openapi's `latest` feature selects.
const KUBERNETES_VERSION: &str = "1.37";

trait ScopeName {
    const NAME: &'static str;
}
impl ScopeName for k8s_openapi::NamespaceResourceScope {
    const NAME: &'static str = "namespaced";
}
impl ScopeName for k8s_openapi::ClusterResourceScope {
    const NAME: &'static str = "cluster";
}
impl ScopeName for k8s_openapi::SubResourceScope {
    const NAME: &'static str = "subresource";
}

/// What the Resource trait says about one kind.
struct ResourceInfo {
    definition: String,
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
    scope: &'static str,
}

fn add<T>(generator: &mut schemars::SchemaGenerator, out: &mut Vec<ResourceInfo>)
where
    T: Resource + JsonSchema,
    T::Scope: ScopeName,
{
    generator.subschema_for::<T>();
    out.push(ResourceInfo {
        definition: T::schema_name().into_owned(),
        group: T::GROUP,
        version: T::VERSION,
        kind: T::KIND,
        plural: T::URL_PATH_SEGMENT,
        scope: <T::Scope as ScopeName>::NAME,
    });
}

macro_rules! resources {
    ($generator:expr, $out:expr, [$($($seg:ident)::+,)*]) => {
        $( add::<k8s_openapi::$($seg)::+>($generator, $out); )*
    };
}

/// Every type that implements `k8s_openapi::Resource` in k8s-openapi 0.29 with `latest`
/// (`grep -rn "impl crate::Resource for" src/v1_37`).
fn all_resources(generator: &mut schemars::SchemaGenerator) -> Vec<ResourceInfo> {
    let mut out = Vec::new();
    resources!(
        generator,
        &mut out,
        [
            api::admissionregistration::v1::MutatingAdmissionPolicy,
            api::admissionregistration::v1::MutatingAdmissionPolicyBinding,
            api::admissionregistration::v1::MutatingWebhookConfiguration,
            api::admissionregistration::v1::ValidatingAdmissionPolicy,
            api::admissionregistration::v1::ValidatingAdmissionPolicyBinding,
            api::admissionregistration::v1::ValidatingWebhookConfiguration,
            api::admissionregistration::v1alpha1::MutatingAdmissionPolicy,
            api::admissionregistration::v1alpha1::MutatingAdmissionPolicyBinding,
            api::admissionregistration::v1beta1::MutatingAdmissionPolicy,
            api::admissionregistration::v1beta1::MutatingAdmissionPolicyBinding,
            api::apiserverinternal::v1alpha1::StorageVersion,
            api::apps::v1::ControllerRevision,
            api::apps::v1::DaemonSet,
            api::apps::v1::Deployment,
            api::apps::v1::ReplicaSet,
            api::apps::v1::StatefulSet,
            api::authentication::v1::SelfSubjectReview,
            api::authentication::v1::TokenRequest,
            api::authentication::v1::TokenReview,
            api::authorization::v1::LocalSubjectAccessReview,
            api::authorization::v1::SelfSubjectAccessReview,
            api::authorization::v1::SelfSubjectRulesReview,
            api::authorization::v1::SubjectAccessReview,
            api::autoscaling::v1::HorizontalPodAutoscaler,
            api::autoscaling::v1::Scale,
            api::autoscaling::v2::HorizontalPodAutoscaler,
            api::batch::v1::CronJob,
            api::batch::v1::Job,
            api::certificates::v1::CertificateSigningRequest,
            api::certificates::v1::ClusterTrustBundle,
            api::certificates::v1::PodCertificateRequest,
            api::certificates::v1beta1::ClusterTrustBundle,
            api::certificates::v1beta1::PodCertificateRequest,
            api::coordination::v1::Lease,
            api::coordination::v1alpha2::LeaseCandidate,
            api::coordination::v1beta1::LeaseCandidate,
            api::core::v1::Binding,
            api::core::v1::ComponentStatus,
            api::core::v1::ConfigMap,
            api::core::v1::Endpoints,
            api::core::v1::Event,
            api::core::v1::LimitRange,
            api::core::v1::Namespace,
            api::core::v1::Node,
            api::core::v1::PersistentVolume,
            api::core::v1::PersistentVolumeClaim,
            api::core::v1::Pod,
            api::core::v1::PodTemplate,
            api::core::v1::ReplicationController,
            api::core::v1::ResourceQuota,
            api::core::v1::Secret,
            api::core::v1::Service,
            api::core::v1::ServiceAccount,
            api::discovery::v1::EndpointSlice,
            api::events::v1::Event,
            api::flowcontrol::v1::FlowSchema,
            api::flowcontrol::v1::PriorityLevelConfiguration,
            api::lifecycle::v1alpha1::Eviction,
            api::lifecycle::v1alpha1::EvictionRequest,
            api::networking::v1::IPAddress,
            api::networking::v1::Ingress,
            api::networking::v1::IngressClass,
            api::networking::v1::NetworkPolicy,
            api::networking::v1::ServiceCIDR,
            api::node::v1::RuntimeClass,
            api::policy::v1::Eviction,
            api::policy::v1::PodDisruptionBudget,
            api::rbac::v1::ClusterRole,
            api::rbac::v1::ClusterRoleBinding,
            api::rbac::v1::Role,
            api::rbac::v1::RoleBinding,
            api::resource::v1::DeviceClass,
            api::resource::v1::DeviceTaintRule,
            api::resource::v1::ResourceClaim,
            api::resource::v1::ResourceClaimTemplate,
            api::resource::v1::ResourceSlice,
            api::resource::v1alpha3::DeviceTaintRule,
            api::resource::v1alpha3::ResourcePoolStatusRequest,
            api::resource::v1beta1::DeviceClass,
            api::resource::v1beta1::ResourceClaim,
            api::resource::v1beta1::ResourceClaimTemplate,
            api::resource::v1beta1::ResourceSlice,
            api::resource::v1beta2::DeviceClass,
            api::resource::v1beta2::DeviceTaintRule,
            api::resource::v1beta2::ResourceClaim,
            api::resource::v1beta2::ResourceClaimTemplate,
            api::resource::v1beta2::ResourceSlice,
            api::scheduling::v1::PriorityClass,
            api::scheduling::v1alpha3::CompositePodGroup,
            api::scheduling::v1alpha3::PodGroup,
            api::scheduling::v1alpha3::Workload,
            api::scheduling::v1beta1::PodGroup,
            api::scheduling::v1beta1::Workload,
            api::storage::v1::CSIDriver,
            api::storage::v1::CSINode,
            api::storage::v1::CSIStorageCapacity,
            api::storage::v1::StorageClass,
            api::storage::v1::VolumeAttachment,
            api::storage::v1::VolumeAttributesClass,
            api::storagemigration::v1::StorageVersionMigration,
            api::storagemigration::v1beta1::StorageVersionMigration,
            apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition,
            apimachinery::pkg::apis::meta::v1::APIGroup,
            apimachinery::pkg::apis::meta::v1::APIGroupList,
            apimachinery::pkg::apis::meta::v1::APIResourceList,
            apimachinery::pkg::apis::meta::v1::APIVersions,
            apimachinery::pkg::apis::meta::v1::Status,
            kube_aggregator::pkg::apis::apiregistration::v1::APIService,
        ]
    );
    out
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=data/enums.yaml");
    // The notes are embedded by `include_dir!`, which cannot tell cargo about new files itself.
    println!("cargo::rerun-if-changed=notes");
    for file in ["convert", "defaults", "enums", "error", "model", "openapi", "shortnames"] {
        println!("cargo::rerun-if-changed=src/schema/{file}.rs");
    }
    println!("cargo::rustc-env=KREF_BUILTIN_KUBERNETES_VERSION={KUBERNETES_VERSION}");

    let mut generator =
        schemars::generate::SchemaSettings::draft07().with(|s| s.transforms.clear()).into_generator();
    let resources = all_resources(&mut generator);
    let mut definitions = generator.take_definitions(false);

    for r in &resources {
        let Some(def) = definitions.get_mut(&r.definition).and_then(Value::as_object_mut) else {
            continue;
        };
        def.insert(
            "x-kubernetes-group-version-kind".into(),
            json!([{ "group": r.group, "version": r.version, "kind": r.kind }]),
        );
        // k8s-openapi lists `metadata` as required because its Rust field is not optional; the
        // API does not require it (it is defaulted), so the schema should not say so.
        if let Some(Value::Array(required)) = def.get_mut("required") {
            required.retain(|f| f != "metadata");
        }
    }
    let doc = json!({
        "swagger": "2.0",
        "info": { "title": "Kubernetes", "version": format!("v{KUBERNETES_VERSION}") },
        "definitions": Value::Object(definitions),
    });
    let parsed = match openapi::parse_openapi("built-in", &doc) {
        Ok(p) => p,
        Err(e) => panic!("converting the k8s-openapi schemas failed: {e}"),
    };
    let mut source = parsed.source;
    let by_gvk: BTreeMap<(&str, &str, &str), &ResourceInfo> =
        resources.iter().map(|r| ((r.group, r.version, r.kind), r)).collect();
    for kind in &mut source.kinds {
        kind.source = model::KindSource::Builtin;
        if let Some(r) = by_gvk.get(&(kind.group.as_str(), kind.version.as_str(), kind.kind.as_str())) {
            kind.plural = r.plural.to_string();
            kind.namespaced = r.scope == "namespaced";
            kind.subresource = r.scope == "subresource";
            kind.short_names =
                shortnames::short_names(r.group, r.plural).iter().map(|s| s.to_string()).collect();
        }
    }
    source.name = "built-in".into();

    let enums_text = std::fs::read_to_string("data/enums.yaml").unwrap_or_default();
    match enums::parse_table(&enums_text) {
        Ok(table) => {
            for key in enums::apply_table(&table, &mut source) {
                println!("cargo::warning=data/enums.yaml: {key} matches no field of the built-in schema");
            }
        }
        Err(e) => println!("cargo::warning=data/enums.yaml is not valid: {e}"),
    }
    // Then the defaults the descriptions state, for fields the table gives none.
    defaults::apply_described_defaults(&mut source);

    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let path = std::path::Path::new(&out_dir).join("builtin-schema.bin");
    if let Err(e) = std::fs::write(&path, source.to_bytes()) {
        panic!("writing {}: {e}", path.display());
    }
    write_concepts(&out_dir);
}

/// One concept of `notes/concepts.yaml`, with the fields of `src/concepts.rs`'s `Concept` in the
/// same order (postcard encodes by position).
#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct ConceptData {
    concept: String,
    phrasings: Vec<String>,
    answers: Vec<String>,
    #[serde(default)]
    words: Vec<String>,
}

/// The concept layer, parsed here once so that searches decode a compact blob instead of YAML
/// (1.4 ms in every `kref search` otherwise). A broken file becomes an empty list and a warning;
/// `tests/concepts.rs` then fails with the parse error.
fn write_concepts(out_dir: &str) {
    let text = std::fs::read_to_string("notes/concepts.yaml").unwrap_or_default();
    let concepts: Vec<ConceptData> = serde_norway::from_str(&text).unwrap_or_else(|e| {
        println!("cargo::warning=notes/concepts.yaml is not valid: {e}");
        Vec::new()
    });
    // What every search needs, apart, so that a search does not decode the whole layer: the
    // groups of interchangeable words, and the phrasings answered by whole folders (intents).
    let words: Vec<&Vec<String>> = concepts.iter().map(|c| &c.words).filter(|w| !w.is_empty()).collect();
    let folders: Vec<(&str, &Vec<String>)> = concepts
        .iter()
        .flat_map(|c| c.answers.iter().filter(|a| a.ends_with('/')).map(move |a| (a.as_str(), &c.phrasings)))
        .collect();
    let blobs = [
        ("concepts.bin", postcard::to_allocvec(&concepts)),
        ("concept-words.bin", postcard::to_allocvec(&words)),
        ("concept-folders.bin", postcard::to_allocvec(&folders)),
    ];
    for (name, bytes) in blobs {
        let path = std::path::Path::new(out_dir).join(name);
        if let Err(e) = std::fs::write(&path, bytes.unwrap_or_default()) {
            panic!("writing {}: {e}", path.display());
        }
    }
}
