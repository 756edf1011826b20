/**
 * The mapping policy of the speed layer's log indices (both families): which fields are indexed,
 * and what happens to everything else. One place for the facts that the index templates (the
 * bootstrap sends them), the forwarder's transform and docs/speed.md state, so they cannot drift.
 *
 * The rules, each checked against a real OpenSearch 2.19 node by test/components/speed/*.opensearch.ts:
 * - Only {@link DECLARED_FIELDS} are indexed. The mapping is `dynamic: false`: any other key is kept
 *   in `_source` (returned with every hit) but not indexed, so no log line can add fields, and an
 *   application that uses ids as keys cannot reach `index.mapping.total_fields.limit`. Such keys are
 *   still found by full-text search on `@message`, which holds the raw message.
 * - Keyword values longer than {@link KEYWORD_IGNORE_ABOVE} characters are kept in `_source` and
 *   `@message` but not indexed as terms (`ignore_above`): Lucene refuses a term over 32,766 bytes.
 * - A top-level member the engine would refuse is moved, unchanged, under {@link MOVED_FIELD} (an
 *   object with `enabled: false`, which the engine stores without parsing) and its key is listed in
 *   {@link MOVED_KEYS_FIELD} (a keyword, so `@moved_keys:host` finds those documents): a key that is
 *   empty, only dots, starts or ends with a dot or has two dots in a row (here or in any object
 *   below it); a value of a declared field that is an object (or an array holding one); a key that
 *   dots into a declared field (`host.name` while `host` is a keyword); and a value nesting deeper
 *   than {@link MAPPING_DEPTH_LIMIT} levels counting the document itself (the engine refuses arrays
 *   nested beyond `index.mapping.depth.limit`, which the templates set to the same number).
 */

/** An OpenSearch field mapping of a declared field. */
export type DeclaredField =
  | { readonly type: "date" }
  | { readonly type: "text" }
  | { readonly type: "keyword"; readonly ignore_above: number }
  | { readonly type: "long"; readonly ignore_malformed: true };

/**
 * Longest keyword value indexed, in characters: 8,191 characters of at most 4 UTF-8 bytes each stay
 * under Lucene's 32,766-byte term limit whatever the text.
 */
export const KEYWORD_IGNORE_ABOVE = 8191;

/** `index.mapping.depth.limit` of the templates (OpenSearch's default), and the transform's limit. */
export const MAPPING_DEPTH_LIMIT = 20;

/** Where members the engine would refuse are kept, unparsed. */
export const MOVED_FIELD = "@moved";
/** The keys of the moved members, a searchable keyword. */
export const MOVED_KEYS_FIELD = "@moved_keys";

const keyword = { type: "keyword", ignore_above: KEYWORD_IGNORE_ABOVE } as const;

/**
 * The indexed fields of both index families: ours (`@`, set by the forwarder) and the hands-on
 * log line's (the agent's parser and the forwarder's). Everything else is kept but not indexed.
 */
export const DECLARED_FIELDS: Readonly<Record<string, DeclaredField>> = {
  "@timestamp": { type: "date" },
  "@message": { type: "text" },
  "@id": keyword,
  "@owner": keyword,
  "@log_group": keyword,
  "@log_stream": keyword,
  [MOVED_KEYS_FIELD]: keyword,
  // Why only the raw message of a document is indexed (JSON nested beyond what the engine parses).
  "@parse_error": keyword,
  timestamp: keyword,
  alarmlevel: keyword,
  host: keyword,
  user: keyword,
  // A malformed number must not reject the whole document (and fail its batch).
  number: { type: "long", ignore_malformed: true },
  text: { type: "text" },
};

/** The `mappings` of the index templates. */
export function templateMappings() {
  return {
    dynamic: false,
    properties: { ...DECLARED_FIELDS, [MOVED_FIELD]: { type: "object", enabled: false } },
  };
}

/**
 * Whether OpenSearch refuses `key` as a field name in a document: empty, only dots, or a dot at
 * either end or twice in a row (its dotted-path expansion would be ambiguous).
 */
export function isRefusedKey(key: string): boolean {
  const n = key.length;
  if (n === 0 || key.charCodeAt(0) === 46 || key.charCodeAt(n - 1) === 46) return true;
  return key.includes("..");
}

/** The top-level names the mapping defines: the declared fields and {@link MOVED_FIELD}. */
export const MAPPED_ROOTS: ReadonlySet<string> = new Set([...Object.keys(DECLARED_FIELDS), MOVED_FIELD]);

/** Whether the top-level `key` is, or dots into, a mapped field (`host`, `host.name`, `@moved.x`). */
export function mappedRoot(key: string): string | undefined {
  const dot = key.indexOf(".");
  const root = dot < 0 ? key : key.slice(0, dot);
  return MAPPED_ROOTS.has(root) ? root : undefined;
}

/**
 * Why the top-level member `key: value` cannot be indexed as it is, or `undefined` when it can.
 * `value` is what JSON.parse returned for it.
 */
export function refusedMember(key: string, value: unknown): string | undefined {
  if (isRefusedKey(key)) return "key";
  const root = mappedRoot(key);
  if (root !== undefined && root !== key) return "dotted";
  // The document is level 1, the member's value level 2.
  const problem = inspect(value, 2);
  if (problem !== undefined) return problem;
  if (root !== undefined && holdsObject(value)) return "type";
  return undefined;
}

function holdsObject(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsObject);
  return value !== null && typeof value === "object";
}

/** "depth" or "key" when `value` (at `level`) nests too deep or holds a refused key, iteratively. */
function inspect(value: unknown, level: number): string | undefined {
  const stack: [unknown, number][] = [[value, level]];
  while (stack.length > 0) {
    const [v, l] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (l > MAPPING_DEPTH_LIMIT) return "depth";
    if (Array.isArray(v)) {
      for (const e of v) stack.push([e, l + 1]);
    } else {
      for (const [k, e] of Object.entries(v)) {
        if (isRefusedKey(k)) return "key";
        stack.push([e, l + 1]);
      }
    }
  }
  return undefined;
}
