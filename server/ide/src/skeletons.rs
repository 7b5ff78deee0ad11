//! Resource skeletons offered in an empty document: the smallest useful manifest of common kinds.
//!
//! Bodies are snippets (`${1:name}` tab stops). Indentation is written with one tab per level so
//! it can follow the document's own step; the content of a list item continues two spaces after
//! its dash (`\t\t- name: x` then `\t\t  image: y`), which stays valid YAML for any step.

/// One skeleton: the kind it creates, its apiVersion and its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Skeleton {
    pub kind: &'static str,
    pub api_version: &'static str,
    /// Snippet text with tab indentation; see the module docs.
    pub body: &'static str,
}

impl Skeleton {
    /// The body with each tab replaced by `unit` spaces.
    pub fn render(&self, unit: usize) -> String {
        self.body.replace('\t', &" ".repeat(unit.max(1)))
    }
}

/// Every skeleton, in the order they are offered.
pub const SKELETONS: &[Skeleton] = &[
    Skeleton {
        kind: "Deployment",
        api_version: "apps/v1",
        body: "apiVersion: apps/v1
kind: Deployment
metadata:
\tname: ${1:app}
\tlabels:
\t\tapp: ${1:app}
spec:
\treplicas: ${2:2}
\tselector:
\t\tmatchLabels:
\t\t\tapp: ${1:app}
\ttemplate:
\t\tmetadata:
\t\t\tlabels:
\t\t\t\tapp: ${1:app}
\t\tspec:
\t\t\tcontainers:
\t\t\t\t- name: ${1:app}
\t\t\t\t  image: ${3:registry.example.com/app:1.0.0}
\t\t\t\t  ports:
\t\t\t\t  \t- containerPort: ${4:8080}
\t\t\t\t  resources:
\t\t\t\t  \trequests:
\t\t\t\t  \t\tcpu: ${5:100m}
\t\t\t\t  \t\tmemory: ${6:128Mi}$0",
    },
    Skeleton {
        kind: "Service",
        api_version: "v1",
        body: "apiVersion: v1
kind: Service
metadata:
\tname: ${1:app}
spec:
\ttype: ${2:ClusterIP}
\tselector:
\t\tapp: ${1:app}
\tports:
\t\t- name: ${3:http}
\t\t  port: ${4:80}
\t\t  targetPort: ${5:8080}$0",
    },
    Skeleton {
        kind: "Ingress",
        api_version: "networking.k8s.io/v1",
        body: "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
\tname: ${1:app}
spec:
\tingressClassName: ${2:nginx}
\trules:
\t\t- host: ${3:app.example.com}
\t\t  http:
\t\t  \tpaths:
\t\t  \t\t- path: ${4:/}
\t\t  \t\t  pathType: ${5:Prefix}
\t\t  \t\t  backend:
\t\t  \t\t  \tservice:
\t\t  \t\t  \t\tname: ${6:app}
\t\t  \t\t  \t\tport:
\t\t  \t\t  \t\t\tnumber: ${7:80}$0",
    },
    Skeleton {
        kind: "ConfigMap",
        api_version: "v1",
        body: "apiVersion: v1
kind: ConfigMap
metadata:
\tname: ${1:app-config}
data:
\t${2:key}: ${3:value}$0",
    },
    Skeleton {
        kind: "Secret",
        api_version: "v1",
        body: "apiVersion: v1
kind: Secret
metadata:
\tname: ${1:app-secret}
type: ${2:Opaque}
stringData:
\t${3:key}: ${4:value}$0",
    },
    Skeleton {
        kind: "Job",
        api_version: "batch/v1",
        body: "apiVersion: batch/v1
kind: Job
metadata:
\tname: ${1:task}
spec:
\tbackoffLimit: ${2:3}
\ttemplate:
\t\tspec:
\t\t\trestartPolicy: ${3:Never}
\t\t\tcontainers:
\t\t\t\t- name: ${1:task}
\t\t\t\t  image: ${4:registry.example.com/task:1.0.0}
\t\t\t\t  command: [${5:\"./run\"}]$0",
    },
    Skeleton {
        kind: "CronJob",
        api_version: "batch/v1",
        body: "apiVersion: batch/v1
kind: CronJob
metadata:
\tname: ${1:task}
spec:
\tschedule: \"${2:0 3 * * *}\"
\tconcurrencyPolicy: ${3:Forbid}
\tjobTemplate:
\t\tspec:
\t\t\ttemplate:
\t\t\t\tspec:
\t\t\t\t\trestartPolicy: ${4:OnFailure}
\t\t\t\t\tcontainers:
\t\t\t\t\t\t- name: ${1:task}
\t\t\t\t\t\t  image: ${5:registry.example.com/task:1.0.0}$0",
    },
    Skeleton {
        kind: "StatefulSet",
        api_version: "apps/v1",
        body: "apiVersion: apps/v1
kind: StatefulSet
metadata:
\tname: ${1:db}
spec:
\tserviceName: ${1:db}
\treplicas: ${2:3}
\tselector:
\t\tmatchLabels:
\t\t\tapp: ${1:db}
\ttemplate:
\t\tmetadata:
\t\t\tlabels:
\t\t\t\tapp: ${1:db}
\t\tspec:
\t\t\tcontainers:
\t\t\t\t- name: ${1:db}
\t\t\t\t  image: ${3:registry.example.com/db:1.0.0}
\t\t\t\t  volumeMounts:
\t\t\t\t  \t- name: data
\t\t\t\t  \t  mountPath: ${4:/var/lib/data}
\tvolumeClaimTemplates:
\t\t- metadata:
\t\t  \tname: data
\t\t  spec:
\t\t  \taccessModes: [ReadWriteOnce]
\t\t  \tresources:
\t\t  \t\trequests:
\t\t  \t\t\tstorage: ${5:10Gi}$0",
    },
    Skeleton {
        kind: "DaemonSet",
        api_version: "apps/v1",
        body: "apiVersion: apps/v1
kind: DaemonSet
metadata:
\tname: ${1:agent}
spec:
\tselector:
\t\tmatchLabels:
\t\t\tapp: ${1:agent}
\ttemplate:
\t\tmetadata:
\t\t\tlabels:
\t\t\t\tapp: ${1:agent}
\t\tspec:
\t\t\tcontainers:
\t\t\t\t- name: ${1:agent}
\t\t\t\t  image: ${2:registry.example.com/agent:1.0.0}$0",
    },
    Skeleton {
        kind: "PersistentVolumeClaim",
        api_version: "v1",
        body: "apiVersion: v1
kind: PersistentVolumeClaim
metadata:
\tname: ${1:data}
spec:
\taccessModes:
\t\t- ${2:ReadWriteOnce}
\tresources:
\t\trequests:
\t\t\tstorage: ${3:10Gi}$0",
    },
    Skeleton {
        kind: "HorizontalPodAutoscaler",
        api_version: "autoscaling/v2",
        body: "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
\tname: ${1:app}
spec:
\tscaleTargetRef:
\t\tapiVersion: apps/v1
\t\tkind: Deployment
\t\tname: ${1:app}
\tminReplicas: ${2:2}
\tmaxReplicas: ${3:10}
\tmetrics:
\t\t- type: Resource
\t\t  resource:
\t\t  \tname: cpu
\t\t  \ttarget:
\t\t  \t\ttype: Utilization
\t\t  \t\taverageUtilization: ${4:70}$0",
    },
    Skeleton {
        kind: "PodDisruptionBudget",
        api_version: "policy/v1",
        body: "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
\tname: ${1:app}
spec:
\tminAvailable: ${2:1}
\tselector:
\t\tmatchLabels:
\t\t\tapp: ${1:app}$0",
    },
    Skeleton {
        kind: "NetworkPolicy",
        api_version: "networking.k8s.io/v1",
        body: "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
\tname: ${1:allow-from-frontend}
spec:
\tpodSelector:
\t\tmatchLabels:
\t\t\tapp: ${2:app}
\tpolicyTypes: [Ingress]
\tingress:
\t\t- from:
\t\t  \t- podSelector:
\t\t  \t  \tmatchLabels:
\t\t  \t  \t\tapp: ${3:frontend}
\t\t  ports:
\t\t  \t- protocol: TCP
\t\t  \t  port: ${4:8080}$0",
    },
    Skeleton {
        kind: "ServiceAccount",
        api_version: "v1",
        body: "apiVersion: v1
kind: ServiceAccount
metadata:
\tname: ${1:app}$0",
    },
    Skeleton {
        kind: "Role",
        api_version: "rbac.authorization.k8s.io/v1",
        body: "apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
\tname: ${1:reader}
rules:
\t- apiGroups: [\"${2}\"]
\t  resources: [${3:pods}]
\t  verbs: [${4:get, list, watch}]$0",
    },
    Skeleton {
        kind: "RoleBinding",
        api_version: "rbac.authorization.k8s.io/v1",
        body: "apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
\tname: ${1:reader}
subjects:
\t- kind: ServiceAccount
\t  name: ${2:app}
roleRef:
\tapiGroup: rbac.authorization.k8s.io
\tkind: Role
\tname: ${1:reader}$0",
    },
];

/// A snippet as plain text: tab stops replaced by their placeholder text (or nothing), escapes
/// removed. For editors that do not take snippets.
pub fn snippet_to_text(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len());
    let mut chars = snippet.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                // `${N:text}` or `${N}`: skip the number, keep the text.
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                if chars.peek() == Some(&':') {
                    chars.next();
                }
                let mut depth = 1;
                for c in chars.by_ref() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    out.push(c);
                }
            }
            '$' if chars.peek().is_some_and(char::is_ascii_digit) => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_become_text() {
        assert_eq!(snippet_to_text("name: ${1:app}\nport: ${2}$0"), "name: app\nport: ");
        assert_eq!(snippet_to_text("a: \\$HOME"), "a: $HOME");
    }

    #[test]
    fn every_kind_of_the_issue_has_a_skeleton() {
        let wanted = [
            "Deployment",
            "Service",
            "Ingress",
            "ConfigMap",
            "Secret",
            "Job",
            "CronJob",
            "StatefulSet",
            "DaemonSet",
            "PersistentVolumeClaim",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
            "NetworkPolicy",
            "ServiceAccount",
            "Role",
            "RoleBinding",
        ];
        let have: Vec<&str> = SKELETONS.iter().map(|s| s.kind).collect();
        assert_eq!(have, wanted);
    }
}
