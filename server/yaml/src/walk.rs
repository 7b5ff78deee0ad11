//! Iteration over every `key: value` pair of a tree with its path, without recursion.

use crate::locate::{Path, Segment};
use crate::model::{Document, Node, NodeValue, Pair};

/// Every pair under a node, depth first in text order, each with the path to its value
/// (`spec.replicas` for the `replicas` pair). Created by [`Document::pairs`] or [`Node::pairs`].
pub struct PairIter<'a> {
    path: Vec<Segment>,
    stack: Vec<(&'a Node, usize)>,
}

impl<'a> Iterator for PairIter<'a> {
    type Item = (Path, &'a Pair);

    fn next(&mut self) -> Option<(Path, &'a Pair)> {
        loop {
            let depth = self.stack.len();
            let (node, next) = self.stack.last_mut()?;
            let node: &'a Node = node;
            let index = *next;
            *next += 1;
            match &node.value {
                NodeValue::Mapping(pairs) if index < pairs.len() => {
                    let pair = &pairs[index];
                    self.path.push(Segment::Key(pair.key.text.clone()));
                    let path = Path(self.path.clone());
                    self.stack.push((&pair.value, 0));
                    return Some((path, pair));
                }
                NodeValue::Sequence(items) if index < items.len() => {
                    self.path.push(Segment::Index(index));
                    self.stack.push((&items[index], 0));
                }
                _ => {
                    self.stack.pop();
                    if depth > 1 {
                        self.path.pop();
                    }
                }
            }
        }
    }
}

impl Node {
    /// Every pair at any depth under this node, with paths relative to it.
    pub fn pairs(&self) -> PairIter<'_> {
        PairIter { path: Vec::new(), stack: vec![(self, 0)] }
    }

    /// Follows a [`Path`] (as [`crate::File::locate`] returns) from this node.
    pub fn at_path(&self, path: &[Segment]) -> Option<&Node> {
        let mut node = self;
        for segment in path {
            node = match (segment, &node.value) {
                (Segment::Key(k), NodeValue::Mapping(_)) => node.get(k)?,
                (Segment::Index(i), NodeValue::Sequence(items)) => items.get(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }
}

impl Document {
    /// Every pair of the document with its path from the root; empty without a root.
    pub fn pairs(&self) -> PairIter<'_> {
        match &self.root {
            Some(root) => root.pairs(),
            None => PairIter { path: Vec::new(), stack: Vec::new() },
        }
    }

    /// Follows a [`Path`] from the root.
    pub fn at_path(&self, path: &[Segment]) -> Option<&Node> {
        self.root.as_ref()?.at_path(path)
    }
}
