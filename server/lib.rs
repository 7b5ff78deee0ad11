//! kref: an offline Kubernetes knowledge base and language server.
