/**
 * Pure transforms of the subscription forwarder: decode a CloudWatch Logs subscription event and
 * turn its log events into an OpenSearch `_bulk` body. No I/O, no clock, no globals: the same
 * input always gives the same output, which is what makes a retried batch idempotent.
 *
 * The bulk body is built as one string, without intermediate document objects: this code runs on
 * every log batch, and the benchmark (`npm run bench:forwarder`) holds it to at least twice the
 * speed of the straightforward object-then-JSON.stringify version.
 */
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from "aws-lambda";
import { isAscii } from "buffer";
import { gunzipSync } from "zlib";
import { LOG_LINE_REGEX } from "../../shared/logformat";
import { FORWARDER_INDEX_PREFIX } from "../../shared/names";

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
}

/** Fields the forwarder sets itself; keys of JSON messages with these names are not copied. */
const RESERVED_FIRST_CHAR = 64; // "@"
const DAY_MS = 86_400_000;
/** 0000-01-01 .. 9999-12-31: the range `toISOString` renders as YYYY-MM-DD. */
const MAX_TIMESTAMP = 253_402_300_799_999;
const INDEX_PREFIX_PATTERN = /^[a-z0-9][a-z0-9_+-]*$/;
/** Up to 15 digits: always a safe integer. */
const DIGITS = /^\d{1,15}$/;
const ALL_DIGITS = /^\d+$/;
const GUNZIP_CHUNK_BYTES = 1 << 20;

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
    // Output chunks of 1 MiB instead of zlib's 16 KiB: a ~1 MB batch inflates to ~13 MB, which
    // then takes a dozen chunks to concatenate instead of hundreds.
    const raw = gunzipSync(Buffer.from(data, "base64"), { chunkSize: GUNZIP_CHUNK_BYTES });
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

// A single-pass validator of JSON object text, allocation-free apart from the top-level key spans.
// It lets the common case (the agent's one-line JSON records) be spliced into the document as
// written, instead of JSON.parse + JSON.stringify per event, which dominated the time and the garbage.
/** Start/end offsets of the top-level keys (without quotes) of the object being scanned. */
const keySpans: number[] = [];
const MAX_DEPTH = 32;
const MAX_SPLICED_KEYS = 32;

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isDigit = (c: number) => c >= 48 && c <= 57;

// Each scanner takes the text and the position of what it scans, and returns the position after
// it, or -1 when the text is not (one line of) valid JSON there. Positions are passed in and out
// rather than kept in module variables: locals stay in registers in the per-character loops.

/** Skips spaces and tabs; -1 at a line break, which makes the text unfit for one NDJSON line. */
function skipSpace(s: string, p: number): number {
  for (;;) {
    const c = s.charCodeAt(p);
    if (c === 32 || c === 9) p++;
    else return c === 10 || c === 13 ? -1 : p;
  }
}

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
    } else if (!(c >= 32)) {
      // Control characters are invalid in JSON strings; NaN means the text ended.
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

function scanValue(s: string, p: number, depth: number): number {
  p = skipSpace(s, p);
  if (p < 0) return -1;
  switch (s.charCodeAt(p)) {
    case 123:
      return scanObject(s, p, depth + 1, false);
    case 91:
      return scanArray(s, p, depth + 1);
    case 34:
      return scanString(s, p);
    case 116:
      return scanLiteral(s, p, "true");
    case 102:
      return scanLiteral(s, p, "false");
    case 110:
      return scanLiteral(s, p, "null");
    default:
      return scanNumber(s, p);
  }
}

function scanArray(s: string, p: number, depth: number): number {
  if (depth > MAX_DEPTH) return -1;
  p = skipSpace(s, p + 1);
  if (p < 0) return -1;
  if (s.charCodeAt(p) === 93) return p + 1;
  for (;;) {
    p = scanValue(s, p, depth);
    if (p < 0) return -1;
    p = skipSpace(s, p);
    if (p < 0) return -1;
    const c = s.charCodeAt(p++);
    if (c === 93) return p;
    if (c !== 44) return -1;
  }
}

function scanObject(s: string, p: number, depth: number, topLevel: boolean): number {
  if (depth > MAX_DEPTH) return -1;
  p = skipSpace(s, p + 1);
  if (p < 0) return -1;
  if (s.charCodeAt(p) === 125) return p + 1;
  for (;;) {
    p = skipSpace(s, p);
    if (p < 0 || s.charCodeAt(p) !== 34) return -1;
    const keyStart = p + 1;
    p = scanString(s, p);
    if (p < 0) return -1;
    if (topLevel) {
      // Keys of ours ("@...") and duplicate keys (OpenSearch rejects them) take the slow path.
      const keyEnd = p - 1;
      if (s.charCodeAt(keyStart) === RESERVED_FIRST_CHAR || keySpans.length >= MAX_SPLICED_KEYS * 2)
        return -1;
      const len = keyEnd - keyStart;
      for (let k = 0; k < keySpans.length; k += 2) {
        if (keySpans[k + 1] - keySpans[k] === len && s.startsWith(s.slice(keyStart, keyEnd), keySpans[k]))
          return -1;
      }
      keySpans.push(keyStart, keyEnd);
    }
    p = skipSpace(s, p);
    if (p < 0 || s.charCodeAt(p++) !== 58) return -1;
    p = scanValue(s, p, depth);
    if (p < 0) return -1;
    p = skipSpace(s, p);
    if (p < 0) return -1;
    const c = s.charCodeAt(p++);
    if (c === 125) return p;
    if (c !== 44) return -1;
  }
}

/** The slow path for JSON messages: parse, drop keys of ours, serialize. `""` when not an object. */
function parsedJsonMembers(message: string): string {
  let obj: unknown;
  try {
    obj = JSON.parse(message);
  } catch {
    return "";
  }
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return "";
  const record = obj as Record<string, unknown>;
  let out = "";
  for (const k in record) {
    if (k.charCodeAt(0) !== RESERVED_FIRST_CHAR && record[k] !== undefined) {
      out += "," + JSON.stringify(k) + ":" + JSON.stringify(record[k]);
    }
  }
  return out;
}

/** The hands-on parser's fields of a plain log line as `,"key":value...`; `""` when it does not match. */
function logLineFields(message: string): string {
  const g = LOG_LINE_REGEX.exec(message)?.groups;
  if (!g) return "";
  // The agent types `number` as an integer; do the same so both index families map alike.
  const num = DIGITS.test(g.number) ? String(Number(g.number)) : JSON.stringify(g.number);
  return (
    ',"timestamp":' +
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
    JSON.stringify(g.text)
  );
}

/**
 * Writes the end of a document into `parts` from index `n`: the batch's `tail` (`,"@owner":...`, or
 * `tailComma`, the same with a comma, before spliced members),
 * the fields parsed from the message (the keys of a JSON object message, or the hands-on parser's
 * fields of a plain log line) and the closing `}\n`. Returns the next free index.
 */
function putFields(parts: string[], n: number, message: string, tail: string, tailComma: string): number {
  let first = message.charCodeAt(0);
  if (first === 32 || first === 9 || first === 10 || first === 13) first = message.trimStart().charCodeAt(0);
  let fields = "";
  if (first === 123 /* { */) {
    // One line of a valid JSON object with unique keys, none starting with "@": spliced as written.
    // The scan starts at 0 like a "{" there (a leading blank fails it: the slow path handles that).
    keySpans.length = 0;
    const end = scanObject(message, 0, 1, true);
    if (end >= 0 && skipSpace(message, end) === message.length) {
      if (keySpans.length > 0) {
        const open = message.indexOf("{") + 1;
        const close = message.lastIndexOf("}");
        parts[n++] = tailComma;
        // A message that ends with its "}" lends it to the document: one slice, no "}\n" piece.
        if (close === message.length - 1) {
          parts[n++] = message.slice(open);
          parts[n++] = "\n";
        } else {
          parts[n++] = message.slice(open, close);
          parts[n++] = "}\n";
        }
        return n;
      }
    } else {
      fields = parsedJsonMembers(message);
    }
  } else if (first === 91 /* [ */) {
    fields = logLineFields(message);
  }
  parts[n++] = tail;
  parts[n++] = fields;
  parts[n++] = "}\n";
  return n;
}

/**
 * Events per intermediate join. The pieces of a whole batch (~10 per event) held in one array all
 * survive every young-generation collection until the final join, and copying them around took
 * a third of the time; joined every few hundred events they die young, and the chunk strings
 * (~0.3 MB) go straight to the large-object space. The price is one more copy of the body.
 */
const EVENTS_PER_CHUNK = 512;

/**
 * The NDJSON `_bulk` body for a decoded payload: per log event one `index` action (index
 * `<prefix>-YYYY.MM.DD` from the event's UTC timestamp, `_id` = the event id, so a retried batch
 * overwrites instead of duplicating) and one document with `@id`, `@timestamp`, `@message`,
 * `@owner`, `@log_group`, `@log_stream` and the parsed fields. `""` for a `CONTROL_MESSAGE`.
 * Throws {@link MalformedPayloadError} for an event without a string id/message or a valid timestamp.
 */
export function buildBulkBody(data: CloudWatchLogsDecodedData, options: BulkBodyOptions = {}): string {
  if (data.messageType === "CONTROL_MESSAGE") return "";
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
  // Constant per batch: serialize once.
  const tail =
    ',"@owner":' +
    JSON.stringify(data.owner) +
    ',"@log_group":' +
    JSON.stringify(data.logGroup) +
    ',"@log_stream":' +
    JSON.stringify(data.logStream);
  const tailComma = tail + ",";

  const chunks: string[] = [];
  const parts: string[] = [];
  let n = 0;
  let day = NaN;
  let dayIso = "";
  let action = "";
  let second = NaN;
  let timestampToSecond = "";
  const events = data.logEvents;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const ts = e?.timestamp;
    if (
      typeof e?.id !== "string" ||
      typeof e.message !== "string" ||
      typeof ts !== "number" ||
      !(ts >= 0 && ts <= MAX_TIMESTAMP)
    ) {
      throw new MalformedPayloadError(
        `logEvents[${i}] needs a string id, a string message and a timestamp in epoch milliseconds`,
      );
    }
    if (i % EVENTS_PER_CHUNK === 0 && n > 0) {
      parts.length = n;
      chunks.push(parts.join(""));
      n = 0;
    }
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
      timestampToSecond = '","@timestamp":"' + dayIso + TIME_2[h] + ":" + TIME_2[mi] + ":" + TIME_2[s] + ".";
    }
    const id = idInner(e.id);
    parts[n++] = action;
    parts[n++] = id;
    parts[n++] = '"}}\n{"@id":"';
    parts[n++] = id;
    parts[n++] = timestampToSecond;
    parts[n++] = MS_TO_MESSAGE[Math.floor(ts - sec * 1000)];
    parts[n++] = JSON.stringify(e.message);
    n = putFields(parts, n, e.message, tail, tailComma);
  }
  parts.length = n;
  chunks.push(parts.join(""));
  // Pieces are joined, not concatenated: concatenating them event by event built millions of
  // intermediate rope nodes, and the garbage collector then dominated the time.
  return chunks.join("");
}
