//! kref's search index over notes (and, later, schema documents): tantivy schema, building, refresh and search.
