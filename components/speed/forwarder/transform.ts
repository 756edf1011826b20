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
    text = gunzipSync(Buffer.from(data, "base64")).toString("utf8");
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

/** "00".."59" and "000".."999", so the time of day needs no formatting per event. */
const TIME_2 = Array.from({ length: 60 }, (_v, i) => String(i).padStart(2, "0"));
const TIME_3 = Array.from({ length: 1000 }, (_v, i) => String(i).padStart(3, "0"));

/** JSON string literal of a value that is usually plain digits (event ids): skip the escaper then. */
function quoteId(id: string): string {
  return ALL_DIGITS.test(id) ? '"' + id + '"' : JSON.stringify(id);
}

// A single-pass validator of JSON object text, allocation-free apart from the top-level key spans.
// It lets the common case (the agent's one-line JSON records) be spliced into the document as
// written, instead of JSON.parse + JSON.stringify per event, which dominated the time and the garbage.
let src = "";
let pos = 0;
/** Start/end offsets of the top-level keys (without quotes) of the object being scanned. */
const keySpans: number[] = [];
const MAX_DEPTH = 32;
const MAX_SPLICED_KEYS = 32;

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isDigit = (c: number) => c >= 48 && c <= 57;

/** Skips spaces and tabs; a line break makes the text unfit for one NDJSON line. */
function skipSpace(): boolean {
  for (;;) {
    const c = src.charCodeAt(pos);
    if (c === 32 || c === 9) pos++;
    else return c !== 10 && c !== 13;
  }
}

function scanString(): boolean {
  pos++;
  for (;;) {
    const c = src.charCodeAt(pos++);
    if (c === 34) return true;
    if (c === 92) {
      const e = src.charCodeAt(pos++);
      if (e === 117) {
        if (!(
          isHex(src.charCodeAt(pos)) &&
          isHex(src.charCodeAt(pos + 1)) &&
          isHex(src.charCodeAt(pos + 2)) &&
          isHex(src.charCodeAt(pos + 3))
        ))
          return false;
        pos += 4;
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
        return false;
      }
    } else if (!(c >= 32)) {
      // Control characters are invalid in JSON strings; NaN means the text ended.
      return false;
    }
  }
}

function scanNumber(): boolean {
  if (src.charCodeAt(pos) === 45) pos++;
  const c = src.charCodeAt(pos);
  if (c === 48) pos++;
  else if (c >= 49 && c <= 57) while (isDigit(src.charCodeAt(pos))) pos++;
  else return false;
  if (src.charCodeAt(pos) === 46) {
    pos++;
    if (!isDigit(src.charCodeAt(pos))) return false;
    while (isDigit(src.charCodeAt(pos))) pos++;
  }
  const e = src.charCodeAt(pos);
  if (e === 101 || e === 69) {
    pos++;
    const sign = src.charCodeAt(pos);
    if (sign === 43 || sign === 45) pos++;
    if (!isDigit(src.charCodeAt(pos))) return false;
    while (isDigit(src.charCodeAt(pos))) pos++;
  }
  return true;
}

function scanLiteral(word: string): boolean {
  if (!src.startsWith(word, pos)) return false;
  pos += word.length;
  return true;
}

function scanValue(depth: number): boolean {
  if (!skipSpace()) return false;
  switch (src.charCodeAt(pos)) {
    case 123:
      return scanObject(depth + 1, false);
    case 91:
      return scanArray(depth + 1);
    case 34:
      return scanString();
    case 116:
      return scanLiteral("true");
    case 102:
      return scanLiteral("false");
    case 110:
      return scanLiteral("null");
    default:
      return scanNumber();
  }
}

function scanArray(depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  pos++;
  if (!skipSpace()) return false;
  if (src.charCodeAt(pos) === 93) {
    pos++;
    return true;
  }
  for (;;) {
    if (!scanValue(depth) || !skipSpace()) return false;
    const c = src.charCodeAt(pos++);
    if (c === 93) return true;
    if (c !== 44) return false;
  }
}

function scanObject(depth: number, topLevel: boolean): boolean {
  if (depth > MAX_DEPTH) return false;
  pos++;
  if (!skipSpace()) return false;
  if (src.charCodeAt(pos) === 125) {
    pos++;
    return true;
  }
  for (;;) {
    if (!skipSpace() || src.charCodeAt(pos) !== 34) return false;
    const keyStart = pos + 1;
    if (!scanString()) return false;
    if (topLevel) {
      // Keys of ours ("@...") and duplicate keys (OpenSearch rejects them) take the slow path.
      const keyEnd = pos - 1;
      if (src.charCodeAt(keyStart) === RESERVED_FIRST_CHAR || keySpans.length >= MAX_SPLICED_KEYS * 2)
        return false;
      const len = keyEnd - keyStart;
      for (let k = 0; k < keySpans.length; k += 2) {
        if (keySpans[k + 1] - keySpans[k] === len && src.startsWith(src.slice(keyStart, keyEnd), keySpans[k]))
          return false;
      }
      keySpans.push(keyStart, keyEnd);
    }
    if (!skipSpace() || src.charCodeAt(pos++) !== 58) return false;
    if (!scanValue(depth) || !skipSpace()) return false;
    const c = src.charCodeAt(pos++);
    if (c === 125) return true;
    if (c !== 44) return false;
  }
}

/**
 * The members of `message` as `,<members>` when it is one line of a valid JSON object whose keys
 * are unique and none starts with "@"; `undefined` when it must take the slow path.
 */
function spliceableMembers(message: string): string | undefined {
  src = message;
  pos = 0;
  keySpans.length = 0;
  const ok = scanObject(1, true) && skipSpace() && pos === message.length;
  src = "";
  if (!ok) return undefined;
  const open = message.indexOf("{") + 1;
  const close = message.lastIndexOf("}");
  return keySpans.length === 0 ? "" : "," + message.slice(open, close);
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

/**
 * The fields parsed from a message: the keys of a JSON object message, or the hands-on parser's
 * fields of a plain log line; `""` when neither applies. Rendered as `,"key":value...`.
 */
function parsedFields(message: string): string {
  let first = message.charCodeAt(0);
  if (first === 32 || first === 9 || first === 10 || first === 13) first = message.trimStart().charCodeAt(0);
  if (first === 123 /* { */) {
    return spliceableMembers(message) ?? parsedJsonMembers(message);
  }
  if (first === 91 /* [ */) {
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
  return "";
}

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

  const parts: string[] = new Array(data.logEvents.length * 18);
  let n = 0;
  let day = NaN;
  let dayIso = "";
  let action = "";
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
    const d = Math.floor(ts / DAY_MS);
    if (d !== day) {
      // Events of one batch share a day or two: the date part and the action prefix are cached.
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
        '","_id":';
    }
    let ms = ts - d * DAY_MS;
    const h = Math.floor(ms / 3_600_000);
    ms -= h * 3_600_000;
    const mi = Math.floor(ms / 60_000);
    ms -= mi * 60_000;
    const s = Math.floor(ms / 1000);
    ms = Math.floor(ms - s * 1000);
    const id = quoteId(e.id);
    parts[n++] = action;
    parts[n++] = id;
    parts[n++] = '}}\n{"@id":';
    parts[n++] = id;
    parts[n++] = ',"@timestamp":"';
    parts[n++] = dayIso;
    parts[n++] = TIME_2[h];
    parts[n++] = ":";
    parts[n++] = TIME_2[mi];
    parts[n++] = ":";
    parts[n++] = TIME_2[s];
    parts[n++] = ".";
    parts[n++] = TIME_3[ms];
    parts[n++] = 'Z","@message":';
    parts[n++] = JSON.stringify(e.message);
    parts[n++] = tail;
    parts[n++] = parsedFields(e.message);
    parts[n++] = "}\n";
  }
  // Pieces are joined once at the end: concatenating them event by event built millions of
  // intermediate rope nodes, and the garbage collector then dominated the time.
  return parts.join("");
}
