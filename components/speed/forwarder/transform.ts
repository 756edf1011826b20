/**
 * Pure transforms of the subscription forwarder: decode a CloudWatch Logs subscription event and
 * turn its log events into an OpenSearch `_bulk` body. No I/O, no clock, no globals: the same
 * input always gives the same output, which is what makes a retried batch idempotent.
 *
 * Each document is what the console's CloudWatch-Logs-to-OpenSearch blueprint builds (the
 * message's JSON object, or the hands-on parser's fields of a plain line, with our `@` fields
 * assigned on it), but it is built as one string, without intermediate objects, and every line
 * is valid JSON without duplicate keys in valid UTF-8. The benchmark (`npm run bench:forwarder`)
 * checks that both give the same bytes and compares them in alternating pairs: on a shared 2-vCPU
 * machine (other jobs running) two runs printed a speed-up per pair of 1.83 / 1.99 / 2.39x and
 * 1.34 / 2.16 / 3.10x (min / median / max, 33 and 31 pairs) for decode + bodies; `--profile` shows the per-event work bounds it (74 % of the
 * time; the fixed base64, gunzip and payload JSON.parse about 21 %).
 *
 * Under a format of the stack's own (`datalake:format`, compiled by format.ts), a JSON format's
 * messages take the same two paths, judged by the format's declared fields, and a text format's
 * lines are split by its pattern into typed fields; an event the format cannot read is indexed
 * with its raw message and `@parse_error`. The hands-on's format keeps the path described above.
 *
 * One event never sinks its batch: an event that cannot become a document is returned as an
 * {@link EventFailure} (the handler records it) and the others are indexed. Documents keep to the
 * mapping policy of ../mapping.ts, so the index templates refuse none for its shape: members the
 * engine would refuse (bad keys, declared fields holding objects, nesting past the depth limit)
 * are moved under `@moved` and named in `@moved_keys`.
 */
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from "aws-lambda";
import { isAscii } from "buffer";
import { gunzipSync } from "zlib";
import { LOG_LINE_REGEX } from "../../shared/logformat";
import { FORWARDER_INDEX_PREFIX } from "../../shared/names";
import {
  IndexMapping,
  MAPPING_DEPTH_LIMIT,
  MOVED_FIELD,
  MOVED_KEYS_FIELD,
  MOVED_REASONS_FIELD,
  MoveReason,
  PARSE_ERROR_FIELD,
  refusedMember,
} from "../mapping";
import {
  ForwarderFormat,
  HANDS_ON_FORMAT,
  HANDS_ON_KIND,
  JSON_KIND,
  MappedName,
  NOT_JSON_START,
  TEXT_KIND,
} from "./format";

/** A payload that can never be indexed (retrying it cannot help); the message says why. */
export class MalformedPayloadError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "MalformedPayloadError";
  }
}

export interface BulkBodyOptions {
  /** Index name prefix; documents go to `<prefix>-YYYY.MM.DD` (UTC day of the event). @default "cwl" */
  readonly indexPrefix?: string;
  /**
   * The stack's event format, compiled (format.ts): its declared fields shape the documents (the
   * mapped names, the typed fields of a text format's lines). @default HANDS_ON_FORMAT
   */
  readonly format?: ForwarderFormat;
}

/** Keys of JSON messages that start with "@" take the slow path, where ours overwrite theirs. */
const RESERVED_FIRST_CHAR = 64; // "@"
const DAY_MS = 86_400_000;
/** 0000-01-01 .. 9999-12-31: the range `toISOString` renders as YYYY-MM-DD. */
const MAX_TIMESTAMP = 253_402_300_799_999;
const INDEX_PREFIX_PATTERN = /^[a-z0-9][a-z0-9_+-]*$/;
/** Up to 15 digits: always a safe integer. */
const DIGITS = /^\d{1,15}$/;
const ALL_DIGITS = /^\d+$/;
const GUNZIP_MIN_CHUNK_BYTES = 64 * 1024;
const GUNZIP_MAX_CHUNK_BYTES = 64 * 1024 * 1024;
/** Keys per object the splice path compares for duplicates (quadratic); objects with more take the slow path. */
const MAX_SPLICED_KEYS = 32;

function describe(value: unknown): string {
  return Array.isArray(value) ? "an array" : value === null ? "null" : typeof value;
}

/**
 * Decodes a subscription event: base64, then gunzip, then JSON. Throws {@link MalformedPayloadError}
 * with the reason when any step fails or the result is not a subscription payload.
 */
export function decodeEvent(event: CloudWatchLogsEvent): CloudWatchLogsDecodedData {
  const data = (event as { awslogs?: { data?: unknown } } | null | undefined)?.awslogs?.data;
  if (typeof data !== "string" || data.length === 0) {
    throw new MalformedPayloadError("awslogs.data is missing or not a non-empty string");
  }
  let text: string;
  try {
    const gzip = Buffer.from(data, "base64");
    // One output chunk of the inflated size, which gzip records in its last four bytes (ISIZE,
    // RFC 1952 section 2.3.1): zlib then returns that chunk as it is instead of concatenating a
    // dozen (a ~1 MB batch inflates to ~13 MB, so this saves a copy and 13 MB of peak memory).
    // ISIZE is only a hint (it is the size modulo 2^32 and the sender writes it): bounded, and a
    // wrong one only costs chunks.
    const isize = gzip.length >= 18 ? gzip.readUInt32LE(gzip.length - 4) : 0;
    const raw = gunzipSync(gzip, {
      chunkSize: Math.min(Math.max(isize + 64, GUNZIP_MIN_CHUNK_BYTES), GUNZIP_MAX_CHUNK_BYTES),
    });
    // Log batches are nearly always ASCII, and for ASCII bytes latin1 decoding gives the same string
    // as UTF-8 decoding, several times faster (a copy instead of a UTF-8 validation pass).
    text = isAscii(raw) ? raw.toString("latin1") : raw.toString("utf8");
  } catch (e) {
    throw new MalformedPayloadError(`awslogs.data is not base64-encoded gzip (${(e as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new MalformedPayloadError(`awslogs.data does not hold JSON (${(e as Error).message})`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new MalformedPayloadError(
      `awslogs.data holds ${describe(parsed)}, not a subscription payload object`,
    );
  }
  const p = parsed as Partial<CloudWatchLogsDecodedData>;
  if (typeof p.messageType !== "string") {
    throw new MalformedPayloadError("the payload has no messageType");
  }
  if (p.messageType === "DATA_MESSAGE") {
    for (const key of ["owner", "logGroup", "logStream"] as const) {
      if (typeof p[key] !== "string")
        throw new MalformedPayloadError(`the payload's ${key} is ${describe(p[key])}, not a string`);
    }
    if (!Array.isArray(p.logEvents)) {
      throw new MalformedPayloadError(`the payload's logEvents is ${describe(p.logEvents)}, not an array`);
    }
  }
  return p as CloudWatchLogsDecodedData;
}

/** "00".."59", so the time of day needs no formatting per event. */
const TIME_2 = Array.from({ length: 60 }, (_v, i) => String(i).padStart(2, "0"));
/** The milliseconds and what follows them up to the message: one piece instead of three. */
const MS_TO_MESSAGE = Array.from({ length: 1000 }, (_v, i) => String(i).padStart(3, "0") + 'Z","@message":');

/**
 * The inside of the JSON string literal of an event id (the quotes are in the surrounding pieces):
 * ids are plain digits, which need no escaper.
 */
function idInner(id: string): string {
  return ALL_DIGITS.test(id) ? id : JSON.stringify(id).slice(1, -1);
}

// A single-pass validator of JSON object text, iterative (no recursion, so no nesting depth can
// overflow the stack) and allocation-free apart from the key spans. It lets the common case (the
// agent's one-line JSON records) be spliced into the document as written, instead of JSON.parse +
// JSON.stringify per event, which dominated the time and the garbage. It accepts only text that
// OpenSearch reads exactly as JSON.parse does: one line, no duplicate keys in any object (OpenSearch
// rejects them), no escaped key (`"\u0040timestamp"` is `@timestamp`, `"\u0061"` repeats `a`), no
// lone surrogate (it has no UTF-8 encoding), and no top-level key starting with "@". It also keeps
// to the mapping policy (../mapping.ts): no key the engine refuses at any level, no nesting deeper
// than MAPPING_DEPTH_LIMIT, no top-level key that dots into a mapped field, a scalar for every
// declared field and a literal true, false or null for a declared boolean. Anything else takes
// the slow path, which re-serializes the parsed value with JSON.stringify after moving the
// members the engine would refuse under MOVED_FIELD.

/** Start/end offsets of the keys (without quotes) of the objects open during the scan. */
const keySpans: number[] = [];
/** Per open container: the index in `keySpans` where its keys start, or -1 for an array. */
const open: number[] = [];

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isDigit = (c: number) => c >= 48 && c <= 57;

// Each scanner takes the text and the position of what it scans, and returns the position after
// it, or -1 when the text is not (one line of) spliceable JSON there. Positions are passed in and
// out rather than kept in module variables: locals stay in registers in the per-character loops.

/** Skips spaces and tabs; -1 at a line break, which makes the text unfit for one NDJSON line. */
function skipSpace(s: string, p: number): number {
  for (;;) {
    const c = s.charCodeAt(p);
    if (c === 32 || c === 9) p++;
    else return c === 10 || c === 13 ? -1 : p;
  }
}

/** A string literal (a value's: keys have {@link scanKey}). */
function scanString(s: string, p: number): number {
  p++;
  for (;;) {
    const c = s.charCodeAt(p++);
    if (c === 34) return p;
    if (c === 92) {
      const e = s.charCodeAt(p++);
      if (e === 117) {
        if (!(
          isHex(s.charCodeAt(p)) &&
          isHex(s.charCodeAt(p + 1)) &&
          isHex(s.charCodeAt(p + 2)) &&
          isHex(s.charCodeAt(p + 3))
        ))
          return -1;
        p += 4;
      } else if (!(
        e === 34 ||
        e === 92 ||
        e === 47 ||
        e === 98 ||
        e === 102 ||
        e === 110 ||
        e === 114 ||
        e === 116
      )) {
        return -1;
      }
    } else if (c >= 0xd800) {
      if (c <= 0xdbff) {
        // A high surrogate must be followed by a low one: the pair is one code point.
        const low = s.charCodeAt(p);
        if (!(low >= 0xdc00 && low <= 0xdfff)) return -1;
        p++;
      } else if (c <= 0xdfff) {
        return -1;
      }
    } else if (!(c >= 32)) {
      // Control characters are invalid in JSON strings; NaN means the text ended.
      return -1;
    }
  }
}

/** Position of the first "." of the key {@link scanKey} scanned last, or -1. */
let keyFirstDot = -1;
/** Whether that key has two dots in a row. */
let keyDoubleDot = false;

/**
 * A key's string literal: like {@link scanString} without escapes (an escaped key may repeat or be
 * ours), noting its dots on the way for the key checks (addKey, mapsInto), so they need no pass of
 * their own.
 */
function scanKey(s: string, p: number): number {
  p++;
  keyFirstDot = -1;
  keyDoubleDot = false;
  let prevDot = false;
  for (;;) {
    const c = s.charCodeAt(p++);
    if (c === 34) return p;
    if (c === 46) {
      if (prevDot) keyDoubleDot = true;
      else if (keyFirstDot < 0) keyFirstDot = p - 1;
      prevDot = true;
      continue;
    }
    prevDot = false;
    if (c === 92) return -1;
    if (c >= 0xd800) {
      if (c <= 0xdbff) {
        const low = s.charCodeAt(p);
        if (!(low >= 0xdc00 && low <= 0xdfff)) return -1;
        p++;
      } else if (c <= 0xdfff) {
        return -1;
      }
    } else if (!(c >= 32)) {
      return -1;
    }
  }
}

function scanNumber(s: string, p: number): number {
  if (s.charCodeAt(p) === 45) p++;
  const c = s.charCodeAt(p);
  if (c === 48) p++;
  else if (c >= 49 && c <= 57) while (isDigit(s.charCodeAt(p))) p++;
  else return -1;
  if (s.charCodeAt(p) === 46) {
    p++;
    if (!isDigit(s.charCodeAt(p))) return -1;
    while (isDigit(s.charCodeAt(p))) p++;
  }
  const e = s.charCodeAt(p);
  if (e === 101 || e === 69) {
    p++;
    const sign = s.charCodeAt(p);
    if (sign === 43 || sign === 45) p++;
    if (!isDigit(s.charCodeAt(p))) return -1;
    while (isDigit(s.charCodeAt(p))) p++;
  }
  return p;
}

function scanLiteral(s: string, p: number, word: string): number {
  return s.startsWith(word, p) ? p + word.length : -1;
}

/** Whether s[a, a + len) and s[b, b + len) are the same text (without slicing either). */
function sameText(s: string, a: number, b: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (s.charCodeAt(a + k) !== s.charCodeAt(b + k)) return false;
  return true;
}

/**
 * Records the key at [start, end) of the innermost object; false if it repeats, is one too many, or
 * is a key the engine refuses (empty, a dot at either end or two in a row: see isRefusedKey).
 */
function addKey(s: string, start: number, end: number): boolean {
  const base = open[open.length - 1];
  if (keySpans.length - base >= MAX_SPLICED_KEYS * 2) return false;
  if (open.length === 1 && s.charCodeAt(start) === RESERVED_FIRST_CHAR) return false;
  const len = end - start;
  if (len === 0 || keyDoubleDot || s.charCodeAt(start) === 46 || s.charCodeAt(end - 1) === 46) return false;
  for (let k = base; k < keySpans.length; k += 2) {
    if (keySpans[k + 1] - keySpans[k] === len && sameText(s, keySpans[k], start, len)) return false;
  }
  keySpans.push(start, end);
  return true;
}

/**
 * Scans the JSON object that starts at `p` (a "{"). Returns the position after its closing "}",
 * or -1 when it is not spliceable. `topKeys` receives the number of its own keys. `roots` are the
 * format's mapped names by length (ForwarderFormat.rootsByLength).
 */
function scanObject(s: string, p: number, roots: RootsByLength): number {
  keySpans.length = 0;
  open.length = 0;
  open.push(0);
  topKeys = 0;
  p = skipSpace(s, p + 1);
  if (p < 0) return -1;
  if (s.charCodeAt(p) === 125) return p + 1;
  // At the top of the loop: the start of a member (in an object) or an element (in an array).
  for (;;) {
    if (open[open.length - 1] >= 0) {
      p = skipSpace(s, p);
      if (p < 0 || s.charCodeAt(p) !== 34) return -1;
      const keyStart = p + 1;
      p = scanKey(s, p);
      if (p < 0 || !addKey(s, keyStart, p - 1)) return -1;
      if (open.length === 1) {
        topKeys++;
        mapped = mapsInto(s, keyStart, p - 1, roots);
        if (mapped < 0) return -1;
      }
      p = skipSpace(s, p);
      if (p < 0 || s.charCodeAt(p++) !== 58) return -1;
    }
    p = skipSpace(s, p);
    if (p < 0) return -1;
    const c = s.charCodeAt(p);
    // A declared boolean takes a literal true, false or null here; the slow path checks the rest.
    if (mapped === 2 && open.length === 1 && c !== 116 && c !== 102 && c !== 110) return -1;
    if (c === 123 || c === 91) {
      // A declared field holds scalars; the slow path sorts out arrays and objects.
      if (mapped > 0 && open.length === 1) return -1;
      open.push(c === 123 ? keySpans.length : -1);
      if (open.length > MAPPING_DEPTH_LIMIT) return -1;
      p = skipSpace(s, p + 1);
      if (p < 0) return -1;
      if (s.charCodeAt(p) !== (c === 123 ? 125 : 93)) continue;
      p++;
      const base = open.pop()!;
      if (base >= 0) keySpans.length = base;
    } else if (c === 34) p = scanString(s, p);
    else if (c === 116) p = scanLiteral(s, p, "true");
    else if (c === 102) p = scanLiteral(s, p, "false");
    else if (c === 110) p = scanLiteral(s, p, "null");
    else p = scanNumber(s, p);
    if (p < 0) return -1;
    // After a value: a comma continues the container, a closing bracket ends it.
    for (;;) {
      p = skipSpace(s, p);
      if (p < 0) return -1;
      const d = s.charCodeAt(p++);
      if (d === 44) break;
      const base = open[open.length - 1];
      if (d !== (base >= 0 ? 125 : 93)) return -1;
      open.pop();
      if (open.length === 0) return p;
      if (base >= 0) keySpans.length = base;
    }
  }
}
let topKeys = 0;
/**
 * For the current top-level member: 1 when its key is a mapped field, 2 a mapped boolean, 0 when
 * it is not mapped.
 */
let mapped = 0;

/** The mapped top-level names by length: a key is compared only with names of its length. */
type RootsByLength = ForwarderFormat["rootsByLength"];

/**
 * Whether the top-level key at [start, end) is a mapped field (1, or 2 for a boolean), dots into
 * one (-1: the engine would expand it into an object under a non-object field), or neither (0). No
 * slice: this runs for every top-level key of the fast path. Reads the dots {@link scanKey} noted
 * of this key.
 */
function mapsInto(s: string, start: number, end: number, roots: RootsByLength): number {
  const rootEnd = keyFirstDot < 0 ? end : keyFirstDot;
  const names: readonly MappedName[] | undefined = roots[rootEnd - start];
  if (names === undefined) return 0;
  for (const { name, code } of names) {
    let k = 0;
    while (k < name.length && s.charCodeAt(start + k) === name.charCodeAt(k)) k++;
    if (k === name.length) return rootEnd === end ? code : -1;
  }
  return 0;
}

/**
 * Deepest nesting of objects and arrays a document may have: OpenSearch's JSON parser rejects
 * deeper documents (`XContentConstraints.DEFAULT_MAX_DEPTH` in OpenSearch's libs/core: the system
 * property `opensearch.xcontent.depth.max`, 1,000 unless set, Jackson's StreamReadConstraints default).
 * It also keeps JSON.stringify far from exhausting the stack (about 4,500 levels here, fewer on a
 * deeper call stack) and the cost of a deep message bounded: overflowing the stack took ~10 ms
 * per 10 KB message, and the depth at which it happened depended on the caller.
 */
export const MAX_JSON_DEPTH = 1000;

/** Whether the JSON text `s` nests objects and arrays deeper than `limit` (strings are skipped). */
function nestsDeeperThan(s: string, limit: number): boolean {
  let depth = 0;
  for (let p = 0; p < s.length; p++) {
    const c = s.charCodeAt(p);
    if (c === 34) {
      for (p++; p < s.length; p++) {
        const d = s.charCodeAt(p);
        if (d === 92) p++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > limit) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/**
 * The slow path for JSON messages, the blueprint's way: parse, assign our `@` fields on the object
 * (ours win) after moving the members the engine would refuse under `@moved`, serialize.
 * `undefined` when the message is not a JSON object. A message nested
 * deeper than {@link MAX_JSON_DEPTH}, or one JSON.stringify cannot serialize, gives a document
 * with the raw message and the reason instead of failing the batch.
 */
function slowJsonDocument(message: string, fields: OurFields, mapping: IndexMapping): string | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return undefined;
  let problem: string;
  if (nestsDeeperThan(message, MAX_JSON_DEPTH)) {
    problem = `the message is JSON nested deeper than ${MAX_JSON_DEPTH} levels, which OpenSearch rejects; only the raw message is indexed`;
  } else {
    const record = obj as Record<string, unknown>;
    moveRefusedMembers(record, mapping);
    record["@id"] = fields.id;
    record["@timestamp"] = fields.timestamp;
    record["@message"] = message;
    record["@owner"] = fields.owner;
    record["@log_group"] = fields.logGroup;
    record["@log_stream"] = fields.logStream;
    try {
      return JSON.stringify(record) + "\n";
    } catch (e) {
      problem = `the message is JSON that cannot be re-serialized (${(e as Error).message}); only the raw message is indexed`;
    }
  }
  return (
    JSON.stringify({
      "@id": fields.id,
      "@timestamp": fields.timestamp,
      "@message": message,
      "@owner": fields.owner,
      "@log_group": fields.logGroup,
      "@log_stream": fields.logStream,
      [PARSE_ERROR_FIELD]: problem,
    }) + "\n"
  );
}

/** Our fields: a message's members of the same name are replaced. */
const OUR_FIELDS = new Set(["@id", "@timestamp", "@message", "@owner", "@log_group", "@log_stream"]);

/**
 * Moves the members of a parsed message that the engine would refuse under `mapping` (see
 * ../mapping.ts), and a message's own {@link MOVED_FIELD} and {@link MOVED_KEYS_FIELD} (and
 * {@link MOVED_REASONS_FIELD} where the mapping has it), under {@link MOVED_FIELD}, and lists their
 * keys in {@link MOVED_KEYS_FIELD} (and why in {@link MOVED_REASONS_FIELD}).
 */
function moveRefusedMembers(record: Record<string, unknown>, mapping: IndexMapping): void {
  let moved: Record<string, unknown> | undefined;
  let keys: string[] | undefined;
  let reasons: MoveReason[] | undefined;
  for (const key of Object.keys(record)) {
    if (OUR_FIELDS.has(key)) continue;
    const value = record[key];
    const why: MoveReason | undefined =
      key === MOVED_FIELD || key === MOVED_KEYS_FIELD || (mapping.reasons && key === MOVED_REASONS_FIELD)
        ? "reserved"
        : refusedMember(key, value, mapping);
    if (why === undefined) continue;
    // No prototype: a key "__proto__" is then an ordinary member.
    moved ??= Object.create(null) as Record<string, unknown>;
    keys ??= [];
    moved[key] = value;
    keys.push(key);
    reasons ??= [];
    reasons.push(why);
    delete record[key];
  }
  if (moved !== undefined) {
    record[MOVED_FIELD] = moved;
    record[MOVED_KEYS_FIELD] = keys;
    if (mapping.reasons) record[MOVED_REASONS_FIELD] = reasons;
  }
}

interface OurFields {
  readonly id: string;
  readonly timestamp: string;
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
}

/** The hands-on parser's fields of a plain log line as `{"key":value,...,`; `"{"` when it does not match. */
function logLineFields(message: string): string {
  const g = LOG_LINE_REGEX.exec(message)?.groups;
  if (!g) return "{";
  // The agent types `number` as an integer; do the same so both index families map alike.
  const num = DIGITS.test(g.number) ? String(Number(g.number)) : JSON.stringify(g.number);
  return (
    '{"timestamp":' +
    JSON.stringify(g.timestamp) +
    ',"alarmlevel":' +
    JSON.stringify(g.alarmlevel) +
    ',"host":' +
    JSON.stringify(g.host) +
    ',"user":' +
    JSON.stringify(g.user) +
    ',"number":' +
    num +
    ',"text":' +
    JSON.stringify(g.text) +
    ","
  );
}

/**
 * Pieces per intermediate join. Pieces held in one array until a body of several MiB is joined
 * survive young-generation collections and are copied around; joined every few thousand they die
 * young, and the joined strings (~0.3 MB) go straight to the large-object space.
 */
const PIECES_PER_CHUNK = 4096;

/** An event that could not become a document; the handler records it where it can be replayed. */
export interface EventFailure {
  /** Position in `logEvents`. */
  readonly index: number;
  /** The event id, when it is a string. */
  readonly id?: string;
  readonly timestamp?: unknown;
  /** The message, when it is a string. */
  readonly message?: string;
  readonly reason: string;
}

export interface BulkBuild {
  /** NDJSON `_bulk` body: two lines (action, document) per document; `""` when there are none. */
  readonly body: string;
  readonly documents: number;
  readonly failures: readonly EventFailure[];
}

export interface BulkBodiesOptions extends BulkBodyOptions {
  /**
   * Largest body in UTF-16 code units (`string.length`), which is the UTF-8 size for ASCII and a
   * lower bound otherwise (the sender measures bytes exactly and splits what is still too large).
   * An item longer than this gets a body of its own. @default Infinity — one body
   */
  readonly maxChars?: number;
  /**
   * Clear each event from `logEvents` once its body is returned, so the decoded batch is released
   * while the bodies are sent one at a time (the handler's memory bound). @default false
   */
  readonly releaseEvents?: boolean;
}

/** The `_bulk` bodies of one payload, built one at a time (see {@link bulkBodies}). */
export interface BulkBodies {
  /** The next body (whole items only), or `undefined` when every event has been used. */
  next(): string | undefined;
  /** Documents in the bodies returned so far. */
  readonly documents: number;
  /** Events that could not become documents, so far. */
  readonly failures: readonly EventFailure[];
}

/** Validates the payload's type and the prefix; `undefined` for a `CONTROL_MESSAGE`. */
function checkedPrefix(data: CloudWatchLogsDecodedData, options: BulkBodyOptions): string | undefined {
  if (data.messageType === "CONTROL_MESSAGE") return undefined;
  if (data.messageType !== "DATA_MESSAGE") {
    throw new MalformedPayloadError(
      `messageType ${JSON.stringify(data.messageType)} is neither DATA_MESSAGE nor CONTROL_MESSAGE`,
    );
  }
  const prefix = options.indexPrefix ?? FORWARDER_INDEX_PREFIX;
  if (!INDEX_PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `buildBulkBody: indexPrefix ${JSON.stringify(prefix)} must be lower-case letters, digits, _, + or -, starting with a letter or digit`,
    );
  }
  return prefix;
}

/**
 * The builder behind {@link bulkBodies}. Its loop state lives in fields between bodies and in
 * locals within one (locals stay in registers in the per-event loop).
 */
class BodyBuilder implements BulkBodies {
  documents = 0;
  readonly failures: EventFailure[] = [];
  private next_ = 0;
  private day = NaN;
  private dayIso = "";
  private action = "";
  private second = NaN;
  private timestampToSecond = "";
  /** The pieces of the item that did not fit in the previous body. */
  private carry: string[] = [];
  private carryChars = 0;
  /** Constant per batch: serialized once. */
  private readonly tail: string;

  constructor(
    private readonly data: CloudWatchLogsDecodedData,
    private readonly prefix: string,
    private readonly maxChars: number,
    private readonly release: boolean,
    private readonly format: ForwarderFormat,
  ) {
    this.tail =
      ',"@owner":' +
      JSON.stringify(data.owner) +
      ',"@log_group":' +
      JSON.stringify(data.logGroup) +
      ',"@log_stream":' +
      JSON.stringify(data.logStream) +
      "}\n";
  }

  next(): string | undefined {
    const data = this.data;
    const events = data.logEvents;
    const from = this.next_;
    if (from >= events.length && this.carry.length === 0) return undefined;
    const { prefix, maxChars, tail, failures, format } = this;
    const { kind, rootsByLength: roots } = format;
    const chunks: string[] = [];
    const parts = this.carry;
    let n = parts.length;
    let chars = this.carryChars;
    this.carry = [];
    this.carryChars = 0;
    // A carried item is the first document of this body.
    let documents = this.documents + (n > 0 ? 1 : 0);
    let { day, dayIso, action, second, timestampToSecond } = this;
    let i = from;
    for (; i < events.length; i++) {
      const e = events[i];
      const ts = e?.timestamp;
      const message = e?.message;
      if (
        typeof e?.id !== "string" ||
        typeof message !== "string" ||
        typeof ts !== "number" ||
        !(ts >= 0 && ts <= MAX_TIMESTAMP)
      ) {
        failures.push({
          index: i,
          id: typeof e?.id === "string" ? e.id : undefined,
          timestamp: ts,
          message: typeof message === "string" ? message : undefined,
          reason: `logEvents[${i}] needs a string id, a string message and a timestamp in epoch milliseconds from 0 to ${MAX_TIMESTAMP}`,
        });
        continue;
      }
      if (n >= PIECES_PER_CHUNK) {
        parts.length = n;
        chunks.push(parts.join(""));
        n = 0;
      }
      const itemStart = n;
      const charsStart = chars;
      documents++;
      const sec = Math.floor(ts / 1000);
      if (sec !== second) {
        // Events of one batch are a few milliseconds apart: the action prefix is cached per day and
        // the `@timestamp` up to the seconds per second.
        second = sec;
        const d = Math.floor(ts / DAY_MS);
        if (d !== day) {
          day = d;
          dayIso = new Date(d * DAY_MS).toISOString().slice(0, 11);
          action =
            '{"index":{"_index":"' +
            prefix +
            "-" +
            dayIso.slice(0, 4) +
            "." +
            dayIso.slice(5, 7) +
            "." +
            dayIso.slice(8, 10) +
            '","_id":"';
        }
        let s = sec - d * 86_400;
        const h = Math.floor(s / 3600);
        s -= h * 3600;
        const mi = Math.floor(s / 60);
        s -= mi * 60;
        timestampToSecond =
          '","@timestamp":"' + dayIso + TIME_2[h] + ":" + TIME_2[mi] + ":" + TIME_2[s] + ".";
      }
      const id = idInner(e.id);
      parts[n++] = action;
      parts[n++] = id;
      parts[n++] = '"}}\n';
      // The document's start: the message's members (or the parser's fields) and then `"@id":"`,
      // as two pieces, so no concatenated string has to be flattened by the join.
      let start = "";
      let idKey = '{"@id":"';
      let whole: string | undefined;
      let first = message.charCodeAt(0);
      if (first === 32 || first === 9 || first === 10 || first === 13)
        first = message.trimStart().charCodeAt(0);
      if (first === 123 /* { */ && kind !== TEXT_KIND) {
        const open = message.indexOf("{");
        const end = skipSpace(message, 0) === open ? scanObject(message, open, roots) : -1;
        if (end >= 0 && skipSpace(message, end) === message.length) {
          // One line of spliceable JSON: its members as written, then ours.
          if (topKeys > 0) {
            start = message.slice(open, end - 1);
            idKey = ',"@id":"';
          }
        } else {
          const ms = Math.floor(ts - sec * 1000);
          whole = slowJsonDocument(
            message,
            {
              id: e.id,
              timestamp: timestampToSecond.slice(16) + MS_TO_MESSAGE[ms].slice(0, 4),
              owner: data.owner,
              logGroup: data.logGroup,
              logStream: data.logStream,
            },
            format.mapping,
          );
          if (whole === undefined && kind === JSON_KIND) {
            start = NOT_JSON_START;
            idKey = '"@id":"';
          }
        }
      } else if (kind === HANDS_ON_KIND) {
        if (first === 91 /* [ */) {
          start = logLineFields(message);
          idKey = '"@id":"';
        }
      } else {
        // A text format's line, or a JSON format's message that is no JSON object.
        start = kind === TEXT_KIND ? format.lineStart!(message) : NOT_JSON_START;
        idKey = '"@id":"';
      }
      if (whole !== undefined) {
        parts[n++] = whole;
        chars += action.length + id.length + 4 + whole.length;
      } else {
        const ms = MS_TO_MESSAGE[Math.floor(ts - sec * 1000)];
        const quoted = JSON.stringify(message);
        parts[n++] = start;
        parts[n++] = idKey;
        parts[n++] = id;
        parts[n++] = timestampToSecond;
        parts[n++] = ms;
        parts[n++] = quoted;
        parts[n++] = tail;
        chars +=
          action.length +
          2 * id.length +
          4 +
          start.length +
          idKey.length +
          timestampToSecond.length +
          ms.length +
          quoted.length +
          tail.length;
      }
      if (chars > maxChars && (itemStart > 0 || chunks.length > 0)) {
        // The item does not fit: it starts the next body.
        this.carry = parts.slice(itemStart, n);
        this.carryChars = chars - charsStart;
        documents--;
        n = itemStart;
        i++;
        break;
      }
    }
    parts.length = n;
    chunks.push(parts.join(""));
    Object.assign(this, { day, dayIso, action, second, timestampToSecond });
    this.next_ = i;
    // The carried item's pieces hold what they need of its event: every event before `i` is done.
    if (this.release) events.fill(undefined as never, from, i);
    const body = chunks.length === 1 ? chunks[0] : chunks.join("");
    if (body === "") return this.next();
    this.documents = documents;
    return body;
  }
}

/**
 * The NDJSON `_bulk` bodies for a decoded payload, one per call of `next()`, each of whole items
 * and at most `maxChars` long: per log event one `index` action (index `<prefix>-YYYY.MM.DD` from
 * the event's UTC timestamp, `_id` = the event id, so a retried batch overwrites instead of
 * duplicating) and one document: the members of a JSON object message (or the hands-on parser's
 * fields of a plain log line; under a text format, the line's typed fields), then `@id`,
 * `@timestamp`, `@message`, `@owner`, `@log_group` and `@log_stream`. Nothing for a
 * `CONTROL_MESSAGE`. An event without a string id and message and a timestamp in range becomes
 * an {@link EventFailure}. The bodies joined are the same bytes whatever `maxChars` is.
 */
export function bulkBodies(data: CloudWatchLogsDecodedData, options: BulkBodiesOptions = {}): BulkBodies {
  const prefix = checkedPrefix(data, options);
  if (prefix === undefined) return { next: () => undefined, documents: 0, failures: [] };
  const maxChars = options.maxChars ?? Infinity;
  if (!(maxChars > 0)) throw new Error(`bulkBodies: maxChars is ${maxChars}; use a positive number`);
  return new BodyBuilder(
    data,
    prefix,
    maxChars,
    options.releaseEvents ?? false,
    options.format ?? HANDS_ON_FORMAT,
  );
}

/** All of a payload's documents in one body (the tests and the fuzz check read whole bodies). */
export function buildBulk(data: CloudWatchLogsDecodedData, options: BulkBodyOptions = {}): BulkBuild {
  const bodies = bulkBodies(data, options);
  const body = bodies.next() ?? "";
  return { body, documents: bodies.documents, failures: bodies.failures };
}

/** {@link buildBulk}'s body alone (the benchmark and the tests compare bodies). */
export function buildBulkBody(data: CloudWatchLogsDecodedData, options: BulkBodyOptions = {}): string {
  return buildBulk(data, options).body;
}
