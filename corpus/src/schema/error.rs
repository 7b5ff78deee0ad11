//! Errors of the schema importers: each says what is wrong and what to do about it.
//!
//! Also compiled into `build.rs`.

/// Why an OpenAPI document or CRD manifest could not be imported.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json { line: usize, column: usize, message: String },
    #[error("invalid YAML ({}): {message}", yaml_position(.document, .line, .column))]
    Yaml {
        /// 1-based index of the YAML document in the file.
        document: usize,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
    #[error(
        "not an OpenAPI document or CRD manifest ({hint}); kref imports `kubectl get --raw /openapi/v2` \
         output, OpenAPI v3 documents (`/openapi/v3/apis/<group>/<version>`) and \
         apiextensions.k8s.io/v1 CustomResourceDefinition manifests"
    )]
    NotOpenApi { hint: String },
    #[error(
        "unsupported OpenAPI version {version:?}; kref reads Swagger 2.0 (`/openapi/v2`) and OpenAPI 3.x \
         (`/openapi/v3/...`) documents"
    )]
    UnsupportedVersion { version: String },
    #[error(
        "CustomResourceDefinition {name}: version {version} has no schema.openAPIV3Schema, so its fields \
         are unknown; add a structural schema under spec.versions[].schema.openAPIV3Schema"
    )]
    CrdWithoutSchema { name: String, version: String },
    #[error(
        "CustomResourceDefinition {name} uses apiextensions.k8s.io/v1beta1, which was removed in Kubernetes \
         1.22; convert it to apiextensions.k8s.io/v1: list every version under spec.versions[] (each with \
         served, storage and schema.openAPIV3Schema, moved from spec.validation), set spec.scope, rename \
         additionalPrinterColumns[].JSONPath to jsonPath, and drop preserveUnknownFields: true \
         (`kubectl get crd NAME -o yaml` on a cluster ≥ 1.16 prints the v1 form)"
    )]
    CrdV1beta1 { name: String },
    #[error("{context}: {message}")]
    Invalid { context: String, message: String },
    #[error("no kinds found: {hint}")]
    NoKinds { hint: String },
}

fn yaml_position(document: &usize, line: &Option<usize>, column: &Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("document {document}, line {l}, column {c}"),
        (Some(l), None) => format!("document {document}, line {l}"),
        _ => format!("document {document}"),
    }
}

impl ImportError {
    pub(crate) fn invalid(context: impl Into<String>, message: impl Into<String>) -> ImportError {
        ImportError::Invalid { context: context.into(), message: message.into() }
    }

    pub(crate) fn from_json(e: &serde_json::Error) -> ImportError {
        ImportError::Json { line: e.line(), column: e.column(), message: strip_position(&e.to_string()) }
    }
}

/// serde_json appends " at line L column C" to its messages; the error carries them already.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
