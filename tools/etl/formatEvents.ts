/**
 * Events of a stack's own format (`datalake:format`), generated deterministically, for the benches
 * (`npm run bench:glue -- --format STACK`) and the engine tests (test/components/queries/
 * genericInput.ts): the format read from `Pulumi.<stack>.yaml` through the stacks' own config
 * validation; JSON objects with every declared field (a web service's values for the names a web
 * service logs, a value of the field's type otherwise) and, when asked, a few keys the format does
 * not declare; and for a text format, each event as the line its pattern splits back into exactly
 * those values.
 */
import { createRandom } from "../../components/network/generator/lines";
import { PROJECT } from "../../components/shared/names";
import type { EventSchema, FieldType, SchemaField } from "../../components/shared/schema";
import { CONFIG_SECTIONS, eventSchemaOf, parseConfig } from "../../stacks/config";
import { readStackConfig } from "../offline/stackConfig";
import { formatTime } from "../verify/source";

/** A stack's format that cannot be read, or that events cannot be generated for: one sentence. */
export class FormatEventsError extends Error {
  override name = "FormatEventsError";
}

/**
 * The event schema of `Pulumi.<stack>.yaml` below `root`, every `datalake:<section>` validated
 * together by the program's config parser (the format's checks read other sections); undefined
 * when the stack sets no `datalake:format` (its events are the hands-on's). Throws the parser's
 * `ConfigError` or the file reader's `StackConfigError`.
 */
export function stackEventSchema(root: string, stack: string): EventSchema | undefined {
  const stackConfig = readStackConfig(root, stack, PROJECT);
  const sections: Record<string, unknown> = {};
  for (const section of Object.keys(CONFIG_SECTIONS)) {
    const value = stackConfig.config[`${PROJECT}:${section}`];
    if (value !== undefined) sections[section] = JSON.parse(value) as unknown;
  }
  const config = parseConfig(sections);
  return config.format === undefined ? undefined : eventSchemaOf(config);
}

/** One generated event: its time and the record the service sent (a text format's: the values its line holds). */
export interface GeneratedEvent {
  readonly eventMs: number;
  readonly record: Record<string, unknown>;
}

/** The events' spread in time and their seed. */
export interface EventWindow {
  /** The instant the events lead up to (the last is at least a minute before). */
  readonly nowMs: number;
  readonly count: number;
  /** Days the events spread over before that minute (a fraction for a short, dense window). */
  readonly days: number;
  readonly seed: number;
  /** Add keys the format does not declare ({@link UNDECLARED_KEYS}) to a JSON format's events. @default false */
  readonly undeclared?: boolean;
}

const METHODS = ["GET", "GET", "GET", "POST", "PUT", "DELETE"];
const PATHS = ["/", "/api/items", "/api/items/42", "/api/cart", "/login", "/health"];
const STATUSES = [200, 200, 200, 201, 204, 301, 400, 404, 500, 503];
const HOSTS = ["web-01", "web-02", "web-03", "worker-01", "worker-02"];
const AGENTS = ["Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5.0", "okhttp/4.12.0", "Go-http-client/2.0"];
const WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];
const UPPER_WORDS = ["INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG"];
const SENTENCES = ["request served", "cache miss for key", "retrying upstream call", "user signed in"];

/**
 * The keys a web service adds to its events beyond a format's fields, skipped where the format
 * declares one: `request_id` and `host` on every event, `client` (an object) on every 4th, `tags`
 * (an array) on every 10th, `retry` (a number) on every 25th.
 */
export const UNDECLARED_KEYS = ["request_id", "host", "client", "tags", "retry"] as const;

type Random = () => number;
type Draw = (random: Random) => string | number | boolean;

const pickOf =
  <T extends string | number>(xs: readonly T[]): Draw =>
  (random) =>
    xs[Math.floor(random() * xs.length)];

/** Values a web service logs under these names, each of the type it suits. */
const WEB_VALUES: Readonly<Record<string, { type: FieldType; draw: Draw }>> = {
  method: { type: "string", draw: pickOf(METHODS) },
  path: { type: "string", draw: pickOf(PATHS) },
  status: { type: "long", draw: pickOf(STATUSES) },
  latency_ms: { type: "double", draw: (r) => Math.round(r() * 20_000) / 10 },
  user_id: { type: "string", draw: (r) => `user-${String(Math.floor(r() * 50)).padStart(3, "0")}` },
};

/**
 * Values of each type for a field no web-service name fits, in order of preference; a text
 * format takes the first whose values its group matches (a word, an upper-case level, a phrase...).
 */
function typeDraws(field: SchemaField): Draw[] {
  switch (field.type) {
    case "long":
      return [
        (r) => Math.floor(r() * 100_000),
        (r) => 100 + Math.floor(r() * 900),
        (r) => Math.floor(r() * 10),
      ];
    case "double":
      return [(r) => Math.round(r() * 100_000) / 100, (r) => Math.floor(r() * 1000)];
    case "boolean":
      return [(r) => r() < 0.5];
    case "string":
      return [
        (r) => `${field.name}-${String(Math.floor(r() * 50)).padStart(3, "0")}`,
        pickOf(WORDS),
        pickOf(UPPER_WORDS),
        pickOf(SENTENCES),
        (r) => String(Math.floor(r() * 100_000)),
      ];
    case "timestamp":
      return [];
  }
}

/** A piece of a text format's line: text as written, or the value of a field (its group's source beside it). */
type Piece = { readonly text: string } | { readonly field: string; readonly source: string };

/** The pattern's constructs the line builder does not take, by what starts them. */
function unsupported(schema: EventSchema, what: string): FormatEventsError {
  return new FormatEventsError(
    `Lines of format ${schema.name} cannot be generated: its pattern uses ${what}, which the line builder ` +
      `(tools/etl/formatEvents.ts) does not write; write that part as literal text or character classes, or bench a JSON format.`,
  );
}

/** Index just after the `)` that closes the group opened before `from`, skipping escapes and classes. */
function groupEnd(pattern: string, from: number): number {
  let depth = 1;
  let inClass = false;
  for (let i = from; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i + 1;
  }
  return pattern.length;
}

/** Characters tried first, in order, for a class outside every group (then the class's own). */
const CLASS_CANDIDATES = [" ", "a", "A", "0", "x", "-", "_", ".", "/", ":", "\t"];

/**
 * A text format's pattern as the pieces of one line: outside the named groups each construct
 * written once in its shortest form (a literal as itself, `\s` a space, `x*` nothing, `x{2}` twice,
 * a class one character it takes, an alternation its branch with the most fields), each named
 * group its field's value. Anchors, `\b` and lookarounds write nothing.
 */
export function linePieces(schema: EventSchema): Piece[] {
  const pattern = schema.pattern ?? "";
  type Seq = { pieces: Piece[]; fields: number }[];
  // Parses alternatives from `start` up to the `)` of the enclosing group (or the end).
  const parse = (start: number): { alternatives: Seq; end: number } => {
    const alternatives: Seq = [{ pieces: [], fields: 0 }];
    let i = start;
    while (i < pattern.length && pattern[i] !== ")") {
      const c = pattern[i];
      let atom: { pieces: Piece[]; fields: number };
      if (c === "|") {
        alternatives.push({ pieces: [], fields: 0 });
        i++;
        continue;
      } else if (c === "^" || c === "$") {
        i++;
        continue;
      } else if (c === "(") {
        const named = /^\(\?<([A-Za-z_$][\w$]*)>/.exec(pattern.slice(i));
        if (named) {
          const end = groupEnd(pattern, i + named[0].length);
          const source = pattern.slice(i + named[0].length, end - 1);
          if (/\(\?<[A-Za-z_$]/.test(source)) throw unsupported(schema, "a named group inside another");
          atom = { pieces: [{ field: named[1], source }], fields: 1 };
          i = end;
        } else if (pattern.startsWith("(?:", i)) {
          const inner = parse(i + 3);
          atom = inner.alternatives.reduce((best, a) => (a.fields > best.fields ? a : best));
          i = inner.end + 1;
        } else if (/^\(\?<?[=!]/.test(pattern.slice(i, i + 4))) {
          // A lookaround writes nothing; the finished line is checked against the whole pattern.
          atom = { pieces: [], fields: 0 };
          i = groupEnd(pattern, i + 1);
        } else {
          throw unsupported(schema, `an unnamed group (${pattern.slice(i, i + 3)}...)`);
        }
      } else if (c === "[") {
        const end = classEnd(pattern, i);
        const source = pattern.slice(i, end);
        const cls = new RegExp(`^${source}$`);
        const ch = [...CLASS_CANDIDATES, ...source.slice(1, -1)].find((x) => cls.test(x));
        if (ch === undefined) throw unsupported(schema, `the character class ${source}`);
        atom = { pieces: [{ text: ch }], fields: 0 };
        i = end;
      } else if (c === "\\") {
        const e = escapeText(pattern, i);
        if (e === undefined) throw unsupported(schema, `the escape ${pattern.slice(i, i + 2)}`);
        atom = { pieces: e.text === "" ? [] : [{ text: e.text }], fields: 0 };
        i = e.end;
      } else if (c === ".") {
        atom = { pieces: [{ text: "x" }], fields: 0 };
        i++;
      } else if ("*+?".includes(c)) {
        throw unsupported(schema, `a quantifier (${c}) with nothing before it`);
      } else {
        atom = { pieces: [{ text: c }], fields: 0 };
        i++;
      }
      const q = /^(?:([*+?])|\{(\d+)(?:,(\d*))?\})\??/.exec(pattern.slice(i));
      let times = 1;
      if (q) {
        i += q[0].length;
        const min = q[1] === "+" ? 1 : q[1] ? 0 : Number(q[2]);
        // A group holding a field is written once even where it is optional, so its field appears.
        times = atom.fields > 0 ? Math.max(1, min) : min;
        if (atom.fields > 0 && times > 1) throw unsupported(schema, "a repeated group that holds a field");
      }
      const seq = alternatives[alternatives.length - 1];
      for (let k = 0; k < times; k++) seq.pieces.push(...atom.pieces);
      seq.fields += atom.fields * Math.min(times, 1);
    }
    return { alternatives, end: i };
  };
  const top = parse(0);
  if (top.end < pattern.length) throw unsupported(schema, "an unmatched )");
  return top.alternatives.reduce((best, a) => (a.fields > best.fields ? a : best)).pieces;
}

/** Index just after the `]` that closes the class opened at `start` (a `]` first in it is JavaScript's empty class). */
function classEnd(pattern: string, start: number): number {
  for (let i = start + 1; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "]") return i + 1;
  }
  return pattern.length;
}

/** The text one escape outside a class writes, or undefined for a backreference or a control escape. */
function escapeText(pattern: string, at: number): { text: string; end: number } | undefined {
  const c = pattern[at + 1];
  const simple: Record<string, string> = {
    d: "0",
    D: "x",
    w: "a",
    W: " ",
    s: " ",
    S: "x",
    t: "\t",
    b: "",
    B: "",
  };
  if (c === undefined) return undefined;
  if (c in simple) return { text: simple[c], end: at + 2 };
  const hex = /^\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4}))/.exec(pattern.slice(at));
  if (hex) return { text: String.fromCharCode(parseInt(hex[1] ?? hex[2], 16)), end: at + hex[0].length };
  if (/[0-9cknrfv]/.test(c)) return undefined;
  return { text: c, end: at + 2 };
}

/** A value's text in a line. */
const asText = (v: unknown) => String(v);

/**
 * Builds each event of `schema`: for a JSON format the object the service sends, for a text
 * format the values its line holds (the fields of its pattern's written branch). A text format's
 * field takes the first kind of value its group matches; none matching is a {@link FormatEventsError}.
 */
function recordBuilder(
  schema: EventSchema,
): (eventMs: number, web: Record<string, unknown>, random: Random) => Record<string, unknown> {
  const text = schema.kind === "text";
  const pieces = text ? linePieces(schema) : undefined;
  const sources = new Map(
    (pieces ?? []).flatMap((p) => ("field" in p ? [[p.field, p.source] as const] : [])),
  );
  const fields = text ? schema.fields.filter((f) => sources.has(f.name)) : schema.fields;
  const time = (ms: number) => {
    const t = formatTime(ms, schema.timeFormat);
    return typeof t === "string" && schema.timeFormat === "iso8601" ? t.replace(".000Z", "Z") : t;
  };
  const plan = fields.map((f) => {
    if (f.type === "timestamp") {
      if (
        text &&
        !new RegExp(`^(?:${sources.get(f.name)})$`).test(asText(time(Date.UTC(2026, 0, 2, 3, 4, 5, 6))))
      ) {
        throw new FormatEventsError(
          `Lines of format ${schema.name} cannot be generated: a time written as ${schema.timeFormat} does not match the group of field ${f.name} (${sources.get(f.name)}); fix the group or the timeFormat.`,
        );
      }
      return { field: f, web: false, draw: undefined };
    }
    const web = WEB_VALUES[f.name]?.type === f.type;
    const draws = [...(web ? [WEB_VALUES[f.name].draw] : []), ...typeDraws(f)];
    if (!text) return { field: f, web, draw: draws[0] };
    const group = new RegExp(`^(?:${sources.get(f.name)})$`);
    const sample = createRandom(1);
    const fits = draws.findIndex((d) =>
      Array.from({ length: 50 }, () => d(sample)).every((v) => group.test(asText(v))),
    );
    if (fits < 0) {
      throw new FormatEventsError(
        `Lines of format ${schema.name} cannot be generated: no ${f.type} value the line builder writes matches the group of field ${f.name} (${sources.get(f.name)}); bench a JSON format, or widen that group.`,
      );
    }
    return { field: f, web: web && fits === 0, draw: draws[fits] };
  });
  return (eventMs, web, random) => {
    const record: Record<string, unknown> = {};
    for (const p of plan) {
      if (p.field.name === schema.timeField) record[p.field.name] = time(eventMs);
      else if (p.field.type === "timestamp")
        record[p.field.name] = time(eventMs - Math.floor(random() * 3600) * 1000);
      else if (p.web) record[p.field.name] = web[p.field.name];
      else record[p.field.name] = p.draw!(random);
    }
    return record;
  };
}

/** Adds the {@link UNDECLARED_KEYS} the `i`-th event carries, except those the format declares. */
function addUndeclared(
  schema: EventSchema,
  record: Record<string, unknown>,
  i: number,
  random: Random,
): void {
  const declared = new Set(schema.fields.map((f) => f.name));
  const extra: Record<string, unknown> = {
    request_id: [random(), random()]
      .map((x) =>
        Math.floor(x * 2 ** 32)
          .toString(16)
          .padStart(8, "0"),
      )
      .join(""),
    host: pickOf(HOSTS)(random),
  };
  if (i % 4 === 0) {
    extra.client = {
      ip: `10.0.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`,
      agent: pickOf(AGENTS)(random),
    };
  }
  if (i % 10 === 0) extra.tags = ["beta", i % 20 === 0 ? "mobile" : "web"];
  if (i % 25 === 0) extra.retry = 1 + Math.floor(random() * 3);
  for (const [k, v] of Object.entries(extra)) if (!declared.has(k)) record[k] = v;
}

/**
 * `count` events of `schema` over the `days` before a minute before `nowMs`, in time order, one
 * per equal slot at a random instant within it (whole seconds while a slot is a second or
 * longer, milliseconds in a denser window), each value drawn from one seeded generator. One at
 * a time, so a million events take no more memory than one.
 */
export function* formatEvents(
  schema: EventSchema,
  window: EventWindow,
): Generator<GeneratedEvent, void, undefined> {
  const { nowMs, count, days, seed } = window;
  const random = createRandom(seed);
  const build = recordBuilder(schema);
  const endSecond = Math.floor(nowMs / 1000) - 60;
  const span = days * 86_400;
  const stepSeconds = Math.floor(span / count);
  const [unit, step, startMs] =
    stepSeconds >= 1
      ? [1000, stepSeconds, (endSecond - span) * 1000]
      : [1, Math.floor((span * 1000) / count), endSecond * 1000 - Math.round(span * 1000)];
  if (step < 1) {
    throw new FormatEventsError(
      `${count} events do not fit in ${days} days at one per millisecond; spread them over more days.`,
    );
  }
  for (let i = 0; i < count; i++) {
    // One slot of `step` units per event, a random instant within it.
    const eventMs = startMs + (i * step + Math.floor(random() * step)) * unit;
    // Drawn for every event in this order whichever fields the format declares, so a format's
    // events stay the same when another format gains a field.
    const web: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(WEB_VALUES)) web[name] = v.draw(random);
    const record = build(eventMs, web, random);
    if (window.undeclared && schema.kind === "json") addUndeclared(schema, record, i, random);
    yield { eventMs, record };
  }
}

/**
 * The line an event of `schema` is sent as: a JSON format's object as JSON, a text format's values
 * written into its pattern ({@link linePieces}). A text line is checked against the pattern as
 * JavaScript runs it: every group must capture exactly its value, or the line is refused.
 */
export function eventLineOf(schema: EventSchema): (record: Record<string, unknown>) => string {
  if (schema.kind === "json") return (record) => JSON.stringify(record);
  const pieces = linePieces(schema);
  const re = new RegExp(schema.pattern ?? "");
  return (record) => {
    const line = pieces.map((p) => ("field" in p ? asText(record[p.field]) : p.text)).join("");
    const groups = re.exec(line)?.groups;
    const wrong = pieces.find((p) => "field" in p && groups?.[p.field] !== asText(record[p.field]));
    if (!groups || wrong) {
      throw new FormatEventsError(
        `Lines of format ${schema.name} cannot be generated: its pattern does not split the built line ${JSON.stringify(line)} back into its values` +
          `${wrong && "field" in wrong ? ` (field ${wrong.field})` : ""}; bench a JSON format, or write the pattern's separators as literal text.`,
      );
    }
    return line;
  };
}
