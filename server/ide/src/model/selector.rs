//! Label selectors: `matchLabels` and `matchExpressions` (Deployments, PodDisruptionBudgets,
//! NetworkPolicies) or a plain map (Services, ReplicationControllers), and whether one selects
//! a set of labels.

use kref_yaml::Node;

use super::yaml::{get, items, owned_map, text_of};

/// A label selector: `matchLabels` and `matchExpressions`, or a plain map (Service, RC).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    pub labels: Vec<(String, String)>,
    /// (key, operator, values)
    pub exprs: Vec<(String, String, Vec<String>)>,
}

impl Selector {
    pub fn from_label_selector(node: &Node) -> Selector {
        let mut s = Selector::default();
        if let Some(m) = get(node, "matchLabels") {
            s.labels = owned_map(m);
        }
        for e in get(node, "matchExpressions").map(items).unwrap_or(&[]) {
            let key = get(e, "key").and_then(text_of).unwrap_or("").to_string();
            let op = get(e, "operator").and_then(text_of).unwrap_or("").to_string();
            let values = get(e, "values")
                .map(items)
                .unwrap_or(&[])
                .iter()
                .filter_map(text_of)
                .map(str::to_string)
                .collect();
            s.exprs.push((key, op, values));
        }
        s
    }

    pub fn from_map(node: &Node) -> Selector {
        Selector { labels: owned_map(node), exprs: Vec::new() }
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.exprs.is_empty()
    }

    /// Does the selector select pods with these labels? A value holding a placeholder (on
    /// either side) is not known yet, so it matches any.
    pub fn matches(&self, labels: &[(String, String)]) -> bool {
        let value = |k: &str| labels.iter().find(|(lk, _)| lk == k).map(|(_, v)| v.as_str());
        let unknown = super::super::placeholders::has_placeholder;
        self.labels.iter().all(|(k, v)| value(k).is_some_and(|l| l == v || unknown(l) || unknown(v)))
            && self.exprs.iter().all(|(k, op, values)| match op.as_str() {
                "In" => value(k).is_some_and(|v| values.iter().any(|x| x == v)),
                "NotIn" => value(k).is_none_or(|v| !values.iter().any(|x| x == v)),
                "Exists" => value(k).is_some(),
                "DoesNotExist" => value(k).is_none(),
                _ => false,
            })
    }

    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        for (k, op, values) in &self.exprs {
            parts.push(match op.as_str() {
                "Exists" => k.clone(),
                "DoesNotExist" => format!("!{k}"),
                _ => format!("{k} {} ({})", op.to_ascii_lowercase(), values.join(",")),
            });
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_match_labels() {
        let labels = vec![("app".to_string(), "web".to_string()), ("tier".to_string(), "front".to_string())];
        let file = kref_yaml::parse(
            "matchLabels: {app: web}\nmatchExpressions:\n- {key: tier, operator: In, values: [front, back]}\n- {key: canary, operator: DoesNotExist}\n",
        );
        let s = Selector::from_label_selector(file.documents[0].root.as_ref().unwrap());
        assert!(s.matches(&labels));
        let file = kref_yaml::parse("matchLabels: {app: api}\n");
        assert!(!Selector::from_label_selector(file.documents[0].root.as_ref().unwrap()).matches(&labels));
    }
}
