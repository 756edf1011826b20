/**
 * The mapping policy of the speed layer's log indices (both families): which fields are indexed,
 * and what happens to everything else. One place for the facts that the index templates (the
 * bootstrap sends them), the forwarder's transform and docs/speed.md state, so they cannot drift.
 *
 * The rules, each checked against a real OpenSearch 2.19 node by test/components/speed/*.opensearch.ts:
 * - Only the declared fields are indexed: ours (`@`) and the event format's ({@link declaredFieldsOf};
 *   {@link DECLARED_FIELDS} for the hands-on's). The mapping is `dynamic: false`: any other key is kept
 *   in `_source` (returned with every hit) but not indexed, so no log line can add fields, and an
 *   application that uses ids as keys cannot reach `index.mapping.total_fields.limit`. Such keys are
 *   still found by full-text search on `@message`, which holds the raw message.
 * - Keyword values longer than {@link KEYWORD_IGNORE_ABOVE} characters are kept in `_source` and
 *   `@message` but not indexed as terms (`ignore_above`): Lucene refuses a term over 32,766 bytes.
 * - Numbers and dates of a format are mapped with `ignore_malformed`: a value that does not parse
 *   (`"abc"` for a long) is kept in `_source` and listed in the hit's `_ignored`, not indexed.
 *   Booleans cannot be (OpenSearch 2.19 refuses `ignore_malformed` on a boolean field).
 * - A top-level member the engine would refuse is moved, unchanged, under {@link MOVED_FIELD} (an
 *   object with `enabled: false`, which the engine stores without parsing) and its key is listed in
 *   {@link MOVED_KEYS_FIELD} (a keyword, so `@moved_keys:host` finds those documents); under a format
 *   other than the hands-on's, {@link MOVED_REASONS_FIELD} says why, one of {@link MOVE_REASONS} per
 *   key: a key that is empty, only dots, starts or ends with a dot or has two dots in a row (here or
 *   in any object below it); a value of a declared field that is an object (or an array holding
 *   one), or of a declared boolean that is not a boolean ({@link isBooleanValue}); a key that dots
 *   into a declared field (`host.name` while `host` is a keyword); and a value nesting deeper than
 *   {@link MAPPING_DEPTH_LIMIT} levels counting the document itself (the engine refuses arrays
 *   nested beyond `index.mapping.depth.limit`, which the templates set to the same number).
 */
import { EventSchema, FieldType, isHandsOn, strftimeToJava } from "../shared/schema";

/** An OpenSearch field mapping of a declared field. */
export type DeclaredField =
  | { readonly type: "date"; readonly format?: string; readonly ignore_malformed?: true }
  | { readonly type: "text" }
  | { readonly type: "keyword"; readonly ignore_above: number }
  | { readonly type: "long" | "double"; readonly ignore_malformed: true }
  | { readonly type: "boolean" };

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

/**
 * Why only the raw message of a document is indexed (JSON nested beyond what the engine parses, an
 * event the format cannot read).
 */
export const PARSE_ERROR_FIELD = "@parse_error";

/**
 * Why each moved member was moved, in the order of {@link MOVED_KEYS_FIELD} (formats other than
 * the hands-on's: the hands-on's templates stay as they were).
 */
export const MOVED_REASONS_FIELD = "@moved_reasons";

/** The values of {@link MOVED_REASONS_FIELD}, and what each means (docs/speed.md lists them). */
export const MOVE_REASONS = {
  key: "its key, or a key below it, is empty, only dots, starts or ends with a dot, or has two dots in a row",
  dotted: "its key dots into a declared field",
  type: 'it is a declared field holding a value the field\'s type cannot take: an object (or an array holding one), or for a boolean anything but true, false, null, "true", "false" and arrays of them',
  depth: `its value nests deeper than ${MAPPING_DEPTH_LIMIT} levels counting the document`,
  reserved: "it is the message's own @moved, @moved_keys or @moved_reasons",
} as const;
export type MoveReason = keyof typeof MOVE_REASONS;

const keyword = { type: "keyword", ignore_above: KEYWORD_IGNORE_ABOVE } as const;

/** Our fields (set by the forwarder), declared in every format's mapping. */
const OUR_FIELDS: Readonly<Record<string, DeclaredField>> = {
  "@timestamp": { type: "date" },
  "@message": { type: "text" },
  "@id": keyword,
  "@owner": keyword,
  "@log_group": keyword,
  "@log_stream": keyword,
  [MOVED_KEYS_FIELD]: keyword,
  [PARSE_ERROR_FIELD]: keyword,
};

/**
 * The indexed fields of both index families under the hands-on's format: ours (`@`, set by the
 * forwarder) and the hands-on log line's (the agent's parser and the forwarder's). Everything else
 * is kept but not indexed.
 */
export const DECLARED_FIELDS: Readonly<Record<string, DeclaredField>> = {
  ...OUR_FIELDS,
  timestamp: keyword,
  alarmlevel: keyword,
  host: keyword,
  user: keyword,
  // A malformed number must not reject the whole document (and fail its batch).
  number: { type: "long", ignore_malformed: true },
  text: { type: "text" },
};

/**
 * The date `format` of a format's time fields: ISO 8601 as OpenSearch's strict parser reads it,
 * epoch milliseconds, or the Java pattern of a strftime pattern (checked on a real node). `%z` is
 * read both as `+0900` (Java's `Z`) and as `+09:00` or `Z` (`XXX`), the forms the ETL job takes.
 */
export function dateFormatOf(timeFormat: string): string {
  if (timeFormat === "iso8601") return "strict_date_optional_time";
  if (timeFormat === "epoch_ms") return "epoch_millis";
  return `${strftimeToJava(timeFormat)}||${strftimeToJava(timeFormat, "XXX")}`;
}

/**
 * The mapping of a declared field of a format. Numbers and dates take `ignore_malformed`, so a
 * value that does not parse costs the field, not the document; a boolean cannot (the transform
 * moves what is not a boolean, see {@link refusedMember}).
 */
export function fieldMapping(type: FieldType, timeFormat: string): DeclaredField {
  switch (type) {
    case "string":
      return keyword;
    case "long":
      return { type: "long", ignore_malformed: true };
    case "double":
      return { type: "double", ignore_malformed: true };
    case "boolean":
      return { type: "boolean" };
    case "timestamp":
      return { type: "date", format: dateFormatOf(timeFormat), ignore_malformed: true };
  }
}

/**
 * The indexed fields under a format: {@link DECLARED_FIELDS} for the hands-on's (its templates stay
 * byte for byte what they were); else ours, {@link MOVED_REASONS_FIELD} and the format's fields.
 */
export function declaredFieldsOf(schema: EventSchema): Readonly<Record<string, DeclaredField>> {
  if (isHandsOn(schema)) return DECLARED_FIELDS;
  return {
    ...OUR_FIELDS,
    [MOVED_REASONS_FIELD]: keyword,
    ...Object.fromEntries(schema.fields.map((f) => [f.name, fieldMapping(f.type, schema.timeFormat)])),
  };
}

/** The `mappings` of the index templates (the hands-on's declared fields unless others are given). */
export function templateMappings(fields: Readonly<Record<string, DeclaredField>> = DECLARED_FIELDS) {
  return {
    dynamic: false,
    properties: { ...fields, [MOVED_FIELD]: { type: "object", enabled: false } },
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

/** What the transform needs of a format's mapping: its top-level names and how to treat them. */
export interface IndexMapping {
  /** The top-level names the mapping defines: the declared fields and {@link MOVED_FIELD}. */
  readonly roots: ReadonlySet<string>;
  /** The declared booleans: OpenSearch has no `ignore_malformed` for them, so other values are moved. */
  readonly booleans: ReadonlySet<string>;
  /** Whether documents say why members moved ({@link MOVED_REASONS_FIELD}). */
  readonly reasons: boolean;
}

/** The top-level names the hands-on's mapping defines: the declared fields and {@link MOVED_FIELD}. */
export const MAPPED_ROOTS: ReadonlySet<string> = new Set([...Object.keys(DECLARED_FIELDS), MOVED_FIELD]);

/** The hands-on's mapping: no booleans, no reasons. */
export const HANDS_ON_MAPPING: IndexMapping = { roots: MAPPED_ROOTS, booleans: new Set(), reasons: false };

/** The mapping of a format ({@link HANDS_ON_MAPPING} for the hands-on's). */
export function indexMappingOf(schema: EventSchema): IndexMapping {
  if (isHandsOn(schema)) return HANDS_ON_MAPPING;
  return {
    roots: new Set([...Object.keys(declaredFieldsOf(schema)), MOVED_FIELD]),
    booleans: new Set(schema.fields.filter((f) => f.type === "boolean").map((f) => f.name)),
    reasons: true,
  };
}

/** Whether the top-level `key` is, or dots into, a mapped field (`host`, `host.name`, `@moved.x`). */
export function mappedRoot(key: string, roots: ReadonlySet<string> = MAPPED_ROOTS): string | undefined {
  const dot = key.indexOf(".");
  const root = dot < 0 ? key : key.slice(0, dot);
  return roots.has(root) ? root : undefined;
}

/**
 * What a boolean field takes without refusing the document (tried on OpenSearch 2.19): true, false,
 * null, the strings "true" and "false", and arrays of those. The engine also reads `""` as false;
 * it is moved instead, since it is no boolean.
 */
export function isBooleanValue(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(isBooleanValue);
  return value === true || value === false || value === null || value === "true" || value === "false";
}

/**
 * Why the top-level member `key: value` cannot be indexed as it is, or `undefined` when it can.
 * `value` is what JSON.parse returned for it.
 */
export function refusedMember(
  key: string,
  value: unknown,
  mapping: IndexMapping = HANDS_ON_MAPPING,
): MoveReason | undefined {
  if (isRefusedKey(key)) return "key";
  const root = mappedRoot(key, mapping.roots);
  if (root !== undefined && root !== key) return "dotted";
  // The document is level 1, the member's value level 2.
  const problem = inspect(value, 2);
  if (problem !== undefined) return problem;
  if (root !== undefined && holdsObject(value)) return "type";
  if (root !== undefined && mapping.booleans.has(root) && !isBooleanValue(value)) return "type";
  return undefined;
}

function holdsObject(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsObject);
  return value !== null && typeof value === "object";
}

/** "depth" or "key" when `value` (at `level`) nests too deep or holds a refused key, iteratively. */
function inspect(value: unknown, level: number): "depth" | "key" | undefined {
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
