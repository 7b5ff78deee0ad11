//! Tests of the Helm module: scanner, YAML with holes, references, values, Chart.yaml,
//! values.schema.json, versions, chart layout, and the fixture charts.

mod chart_yaml;
mod charts;
mod holes;
mod props;
mod refs;
mod scan;
mod schema;
mod values;
