// Deciding, from a YAML file's text alone, whether it looks like a Kubernetes manifest.
//
// The extension uses this only to decide when to start the server (so that editing a
// docker-compose file or a CI workflow never spawns a process). Once the server runs, it sees
// every YAML document and decides per YAML document (`---`) itself.

/** A top-level `apiVersion:` key (optionally quoted), as the first thing on its line. */
const API_VERSION = /^(["']?)apiVersion\1\s*:/;
/** A top-level `kind:` key (optionally quoted). */
const KIND = /^(["']?)kind\1\s*:/;
/** A flow mapping on one line: `{"apiVersion": "v1", "kind": "Pod", ...}` (JSON is YAML too). */
const FLOW_START = /^\s*\{/;
const FLOW_API_VERSION = /[{,\s"']apiVersion["']?\s*:/;
const FLOW_KIND = /[{,\s"']kind["']?\s*:/;
/** A document separator (`---`) or end marker (`...`), optionally followed by content. */
const SEPARATOR = /^(---|\.\.\.)(\s|$)/;

/**
 * True when one YAML document of `text` has both a top-level `apiVersion:` and a top-level
 * `kind:` key. Keys must start in column 0, so nested keys (a Helm values file that mentions
 * `apiVersion:` under some other key) do not count, and the two keys must be in the same
 * document.
 *
 * `maxChars` bounds the work on very large files: only that much of the text is looked at.
 */
export function looksLikeManifest(text: string, maxChars = 2_000_000): boolean {
  const limit = Math.min(text.length, maxChars);
  let apiVersion = false;
  let kind = false;
  let start = 0;
  while (start < limit) {
    let end = text.indexOf('\n', start);
    if (end < 0 || end > limit) {
      end = limit;
    }
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;

    if (SEPARATOR.test(line)) {
      apiVersion = false;
      kind = false;
      // `--- {apiVersion: v1, kind: Pod}` or `--- !!map` can carry content after the marker.
      const rest = line.slice(3).trim();
      if (isFlowManifest(rest)) {
        return true;
      }
      continue;
    }
    if (API_VERSION.test(line)) {
      apiVersion = true;
    } else if (KIND.test(line)) {
      kind = true;
    } else if (isFlowManifest(line)) {
      return true;
    }
    if (apiVersion && kind) {
      return true;
    }
  }
  return false;
}

function isFlowManifest(line: string): boolean {
  return FLOW_START.test(line) && FLOW_API_VERSION.test(line) && FLOW_KIND.test(line);
}
