/**
 * The stack's event format (`datalake:format`) as the forwarder uses it: read once per cold start
 * from its environment ({@link parseEventSchemaVariable}), compiled once ({@link forwarderFormat})
 * into what the per-event work needs: the mapping's top-level names for the fast JSON path, and
 * for a text format the document start of a line (its pattern's fields, typed). Pure; bundled
 * with the handler.
 *
 * Under the hands-on's format (the default, and `EVENT_SCHEMA` unset) nothing here changes a
 * document: the transform keeps its hand-written path for the hands-on's plain lines.
 */
import {
  EventSchema,
  FIELD_NAME_PATTERN,
  FIELD_TYPES,
  FieldType,
  HANDS_ON_SCHEMA,
  isHandsOn,
} from "../../shared/schema";
import {
  IndexMapping,
  MOVED_FIELD,
  MOVED_KEYS_FIELD,
  MOVED_REASONS_FIELD,
  MoveReason,
  PARSE_ERROR_FIELD,
  indexMappingOf,
} from "../mapping";
import { FORWARDER_ENV } from "./env";

/** The hands-on's format: JSON messages, and its plain lines parsed by its own parser. */
export const HANDS_ON_KIND = 0;
/** A JSON format: each message is one JSON object. */
export const JSON_KIND = 1;
/** A text format: each message is one line, split by the format's pattern. */
export const TEXT_KIND = 2;

/** `@parse_error` of a line a text format's pattern does not match (only `@message` holds it). */
export const UNMATCHED_LINE = "the line does not match the format's pattern; only the raw message is indexed";
/** `@parse_error` of a message a JSON format cannot read as an object (only `@message` holds it). */
export const NOT_A_JSON_OBJECT =
  "the message is not a JSON object, which the format's events are; only the raw message is indexed";

/** A top-level name of the mapping, as the fast JSON path compares it: 1 a field, 2 a boolean field. */
export interface MappedName {
  readonly name: string;
  readonly code: 1 | 2;
}

export interface ForwarderFormat {
  readonly kind: typeof HANDS_ON_KIND | typeof JSON_KIND | typeof TEXT_KIND;
  readonly mapping: IndexMapping;
  /** The mapping's top-level names by length: a key is compared only with names of its length. */
  readonly rootsByLength: readonly (readonly MappedName[] | undefined)[];
  /**
   * For a text format: a line's document up to our fields, `{"field":value,...,` (the members it
   * moved included), or `{"@parse_error":...,` when the pattern does not match it.
   */
  readonly lineStart?: (message: string) => string;
}

function rootsByLength(mapping: IndexMapping): MappedName[][] {
  const byLength: MappedName[][] = [];
  for (const name of mapping.roots) {
    (byLength[name.length] ??= []).push({ name, code: mapping.booleans.has(name) ? 2 : 1 });
  }
  return byLength;
}

/** A declared field of a text format, with its key as it is written into a document. */
interface LineField {
  readonly name: string;
  /** `"name":` */
  readonly key: string;
  readonly type: FieldType;
}

/** An integer of up to 16 digits; typed only when it is a safe integer (else the engine parses the text). */
const INTEGER = /^[+-]?\d{1,16}$/;
/** A decimal number as text (no hex, no `Infinity`, no blanks, which `Number()` would also take). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The JSON text of a captured value in its field's type, or `undefined` when the document cannot
 * hold it there (a boolean that is neither `true` nor `false`). Numbers that do not parse stay
 * strings: their fields are mapped with `ignore_malformed`, so the engine keeps them in `_source`.
 */
export function typedValue(type: FieldType, value: string): string | undefined {
  switch (type) {
    case "long": {
      const n = INTEGER.test(value) ? Number(value) : NaN;
      return Number.isSafeInteger(n) ? String(n) : JSON.stringify(value);
    }
    case "double": {
      const n = DECIMAL.test(value) ? Number(value) : NaN;
      return Number.isFinite(n) ? String(n) : JSON.stringify(value);
    }
    case "boolean":
      return value === "true" || value === "false" ? value : undefined;
    case "string":
    case "timestamp":
      return JSON.stringify(value);
  }
}

/** The start of a document with only our fields after it: `{"@parse_error":<reason>,`. */
const parseErrorStart = (reason: string) =>
  `{${JSON.stringify(PARSE_ERROR_FIELD)}:${JSON.stringify(reason)},`;
const UNMATCHED_START = parseErrorStart(UNMATCHED_LINE);
/** The document's start of a message a JSON format cannot read as an object. */
export const NOT_JSON_START = parseErrorStart(NOT_A_JSON_OBJECT);
const MOVED_TYPE: MoveReason = "type";

function lineStartOf(schema: EventSchema): (message: string) => string {
  const regex = new RegExp(schema.pattern!);
  const fields: LineField[] = schema.fields.map((f) => ({
    name: f.name,
    key: `${JSON.stringify(f.name)}:`,
    type: f.type,
  }));
  return (message) => {
    // The lake reads each event as a line without its line break, so the pattern is run on the
    // message without one final `\n` or `\r\n` too (a runtime's log events often end in one).
    const end = message.endsWith("\r\n") ? -2 : message.endsWith("\n") ? -1 : 0;
    const groups = regex.exec(end === 0 ? message : message.slice(0, end))?.groups;
    if (groups === undefined) return UNMATCHED_START;
    let out = "{";
    let moved = "";
    let keys = "";
    let reasons = "";
    for (const f of fields) {
      const value = groups[f.name];
      // A group that took no part in the match: the line has no such field.
      if (value === undefined) continue;
      const typed = typedValue(f.type, value);
      if (typed !== undefined) {
        out += f.key + typed + ",";
      } else {
        const sep = moved === "" ? "" : ",";
        moved += sep + f.key + JSON.stringify(value);
        keys += sep + JSON.stringify(f.name);
        reasons += sep + JSON.stringify(MOVED_TYPE);
      }
    }
    if (moved !== "") {
      out +=
        `${JSON.stringify(MOVED_FIELD)}:{${moved}},` +
        `${JSON.stringify(MOVED_KEYS_FIELD)}:[${keys}],` +
        `${JSON.stringify(MOVED_REASONS_FIELD)}:[${reasons}],`;
    }
    return out;
  };
}

/** The forwarder's form of a format: compile once, use for every batch. */
export function forwarderFormat(schema: EventSchema): ForwarderFormat {
  const mapping = indexMappingOf(schema);
  const roots = rootsByLength(mapping);
  if (isHandsOn(schema)) return { kind: HANDS_ON_KIND, mapping, rootsByLength: roots };
  if (schema.kind === "json") return { kind: JSON_KIND, mapping, rootsByLength: roots };
  return { kind: TEXT_KIND, mapping, rootsByLength: roots, lineStart: lineStartOf(schema) };
}

/** The hands-on's format, the transform's default. */
export const HANDS_ON_FORMAT: ForwarderFormat = forwarderFormat(HANDS_ON_SCHEMA);

/**
 * The value of `EVENT_SCHEMA` for a format: its compact JSON, or `undefined` for the hands-on's,
 * which the forwarder assumes when the variable is unset (so the hands-on stacks' function
 * configuration does not change).
 */
export function eventSchemaVariable(schema: EventSchema): string | undefined {
  return isHandsOn(schema) ? undefined : JSON.stringify(schema);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** What is wrong with the shape of a parsed `EVENT_SCHEMA`, as the end of a sentence, or `undefined`. */
function shapeProblem(v: unknown): string | undefined {
  if (!isObject(v)) return `holds ${Array.isArray(v) ? "an array" : JSON.stringify(v)}, not a format object`;
  if (typeof v.name !== "string") return "has no name";
  if (v.kind !== "json" && v.kind !== "text")
    return `has kind ${JSON.stringify(v.kind)}, not "json" or "text"`;
  if (!Array.isArray(v.fields) || v.fields.length === 0) return "has no fields";
  for (let i = 0; i < v.fields.length; i++) {
    const f: unknown = v.fields[i];
    if (!isObject(f) || typeof f.name !== "string" || !FIELD_NAME_PATTERN.test(f.name)) {
      return `has a fields[${i}] whose name is not a field name (${FIELD_NAME_PATTERN})`;
    }
    if (!(FIELD_TYPES as readonly unknown[]).includes(f.type)) {
      return `has a field ${f.name} of type ${JSON.stringify(f.type)}, not one of ${FIELD_TYPES.join(", ")}`;
    }
  }
  if (typeof v.timeField !== "string") return "has no timeField";
  if (typeof v.timeFormat !== "string") return "has no timeFormat";
  if (v.kind === "text") {
    if (typeof v.pattern !== "string") return "is a text format without a pattern";
    try {
      new RegExp(v.pattern);
    } catch (e) {
      return `has a pattern that does not compile (${(e as Error).message})`;
    }
  }
  return undefined;
}

/**
 * The format in `EVENT_SCHEMA` (the hands-on's when unset or empty). Throws one sentence when the
 * value is not a format: the SpeedLayer writes it from `datalake:format`, so the fix is to deploy
 * the stack again rather than to edit the function's environment.
 */
export function parseEventSchemaVariable(value: string | undefined): EventSchema {
  if (value === undefined || value === "") return HANDS_ON_SCHEMA;
  const fix =
    "it holds datalake:format as JSON, written by the SpeedLayer: " +
    "run pulumi up for the stack instead of editing the function's environment";
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    throw new Error(`forwarder: ${FORWARDER_ENV.eventSchema} is not JSON (${(e as Error).message}); ${fix}.`);
  }
  const problem = shapeProblem(parsed);
  if (problem !== undefined) throw new Error(`forwarder: ${FORWARDER_ENV.eventSchema} ${problem}; ${fix}.`);
  return parsed as EventSchema;
}
