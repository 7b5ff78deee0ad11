//! A document walked along its kind's schema: every field the schema knows, with the type
//! that holds it. Rules about labels, selectors and annotations use it to fire where the
//! schema puts those fields (an `ObjectMeta`'s labels, a `LabelSelector`'s matchLabels), never
//! because some key happens to be called `labels` (a CRD's schema has properties of that name).

use kref_corpus::schema::{Field, FieldType, Schema, TypeDef, TypeRef};
use kref_yaml::{Node, NodeValue, Pair};

/// Nodes visited at most per document.
const MAX_STEPS: usize = 500_000;

/// Calls `f(type, field, pair)` for each field of the document at `root` (of type `t`) that
/// the schema knows, depth first.
pub(crate) fn visit_fields<'a>(
    schema: &'a Schema,
    root: &'a Node,
    t: TypeRef,
    f: &mut dyn FnMut(&'a TypeDef, &'a Field, &'a Pair),
) {
    let mut steps = 0usize;
    object(schema, root, t, f, &mut steps);
}

fn object<'a>(
    schema: &'a Schema,
    node: &'a Node,
    t: TypeRef,
    f: &mut dyn FnMut(&'a TypeDef, &'a Field, &'a Pair),
    steps: &mut usize,
) {
    let Some(def) = schema.type_def(t) else { return };
    let NodeValue::Mapping(pairs) = &node.value else { return };
    for p in pairs {
        *steps += 1;
        if *steps > MAX_STEPS {
            return;
        }
        if let Some(field) = def.field(&p.key.text) {
            f(def, field, p);
            value(schema, &p.value, &field.ty, f, steps);
        }
    }
}

fn value<'a>(
    schema: &'a Schema,
    node: &'a Node,
    ty: &'a FieldType,
    f: &mut dyn FnMut(&'a TypeDef, &'a Field, &'a Pair),
    steps: &mut usize,
) {
    match (ty, &node.value) {
        (FieldType::Object(t), _) => object(schema, node, *t, f, steps),
        (FieldType::Array(inner), NodeValue::Sequence(items)) => {
            for item in items {
                value(schema, item, inner, f, steps);
            }
        }
        (FieldType::Map(inner), NodeValue::Mapping(pairs)) => {
            for p in pairs {
                value(schema, &p.value, inner, f, steps);
            }
        }
        (FieldType::Union(alts), NodeValue::Mapping(pairs)) => {
            // The object alternative that knows the most of the keys.
            let best = alts
                .iter()
                .filter_map(|a| match a {
                    FieldType::Object(t) => schema.type_def(*t).map(|d| (*t, d)),
                    _ => None,
                })
                .max_by_key(|(_, d)| pairs.iter().filter(|p| d.field(&p.key.text).is_some()).count());
            if let Some((t, _)) = best {
                object(schema, node, t, f, steps);
            }
        }
        _ => {}
    }
}

/// Is `def` the definition named `name` (`meta.v1.ObjectMeta` matches the full name's end)?
pub(crate) fn is_type(def: &TypeDef, name: &str) -> bool {
    def.name.ends_with(name) && def.name[..def.name.len() - name.len()].ends_with('.')
}
