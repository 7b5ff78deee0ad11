//! The Kubernetes API schema model: kinds, the field type graph, enum facts and API lifecycle.
