/**
 * The generic named queries' input: the web service's format of the example stack
 * (`datalake:format` of Pulumi.example-app.yaml, read and validated as the stacks read it), and
 * a few thousand of its events generated deterministically, written as Firehose writes them into
 * the raw zone (tools/etl/firehoseObjects.ts). The events are kept in memory, so the expectations
 * (expectations.ts, GENERIC) count them without any SQL engine.
 *
 * The same events as an access log's text lines ({@link ACCESS_LOG_FORMAT}, a `text` format read
 * by the raw tables' RegexSerDe), with a few lines its pattern does not match: the expected rows
 * are the lines as the format's JavaScript pattern splits them (expectations.ts, TEXT_GENERIC).
 */
import { PROJECT } from "../../../components/shared/names";
import type { EventSchema } from "../../../components/shared/schema";
import { validatedFormat } from "../../helpers/formats";
import { FirehoseLayoutWriter } from "../../../tools/etl/firehoseObjects";
import { GeneratedEvent, eventLineOf, formatEvents, stackEventSchema } from "../../../tools/etl/formatEvents";
import { readLakeInput, readRawLines } from "./lakeInput";

export type { GeneratedEvent };

/** The example stack whose `datalake:format` the generic queries are checked with. */
export const GENERIC_EXAMPLE_STACK = "example-app";

/** The event schema of Pulumi.example-app.yaml, through the project's own config validation. */
export function exampleAppSchema(root = process.cwd()): EventSchema {
  const schema = stackEventSchema(root, GENERIC_EXAMPLE_STACK);
  if (schema === undefined) {
    throw new Error(
      `Pulumi.${GENERIC_EXAMPLE_STACK}.yaml has no ${PROJECT}:format; the generic queries need one.`,
    );
  }
  return schema;
}

/**
 * A row of the raw table: the record as the table shows it (empty for a row of NULLs), its event
 * time (null when there is none to read) and the partition of its object (Firehose's arrival time, UTC).
 */
export interface GenericRow {
  readonly eventMs: number | null;
  readonly record: Record<string, unknown>;
  readonly dt: string;
  readonly hour: number;
}

/** Seconds between an event and its arrival at Firehose (the service's batching). */
const ARRIVAL_DELAY_MS = 5_000;

/**
 * `count` events at distinct whole seconds over the `days` before `nowMs` (the last one a minute
 * before), in time order (tools/etl/formatEvents.ts): the schema's fields only.
 */
export function generateWebEvents(
  schema: EventSchema,
  nowMs: number,
  count = 3000,
  days = 3,
  seed = 20261207,
): GeneratedEvent[] {
  return [...formatEvents(schema, { nowMs, count, days, seed })];
}

/**
 * Writes the events below `rawBucketDir` as Firehose objects (each arriving a few seconds after its
 * time), then reads them back with the partition of the object each landed in.
 */
export function writeGenericLake(
  rawBucketDir: string,
  schema: EventSchema,
  events: readonly GeneratedEvent[],
): { rows: GenericRow[]; objects: number } {
  const writer = new FirehoseLayoutWriter(rawBucketDir, undefined, undefined, "web-service-stream");
  for (const e of events) writer.add(e.record, e.eventMs + ARRIVAL_DELAY_MS);
  const { objects } = writer.close();
  const rows = readLakeInput(rawBucketDir).raw.map((r) => {
    const record = r.record ?? {};
    return { eventMs: Date.parse(String(record[schema.timeField])), dt: r.dt, hour: r.hour, record };
  });
  return { rows, objects };
}

/**
 * The text format checked on a RegexSerDe raw table: one access-log line per request,
 * `2026-12-07T10:00:00Z GET /api/items 200 12.5 user-007`, the web service's fields in its order.
 */
export const ACCESS_LOG_FORMAT = {
  name: "web-access",
  kind: "text",
  pattern:
    "^(?<timestamp>\\S+) (?<method>[A-Z]+) (?<path>\\S+) (?<status>\\d{3}) (?<latency_ms>\\d+(?:\\.\\d+)?) (?<user_id>\\S+)$",
  fields: [
    { name: "timestamp", type: "timestamp" },
    { name: "method", type: "string" },
    { name: "path", type: "string" },
    { name: "status", type: "long" },
    { name: "latency_ms", type: "double" },
    { name: "user_id", type: "string" },
  ],
  timeField: "timestamp",
  timeFormat: "iso8601",
  keywordField: "method",
} as const;

/** {@link ACCESS_LOG_FORMAT} through the project's config validation, in a stack without the generator. */
export function accessLogSchema(): EventSchema {
  return validatedFormat(ACCESS_LOG_FORMAT);
}

/**
 * Lines of an access-log raw zone the format's pattern does not match (each a row of NULLs), and
 * one it matches whose time does not parse: what a mixed raw zone and a careless sender produce.
 */
export const ODD_ACCESS_LINES: readonly { readonly line: string; readonly why: string }[] = [
  { line: "GET /api/items 200", why: "fields missing" },
  { line: "2026-12-07T10:00:00Z GET /api/items 200 12.5 user-001 extra", why: "a field too many" },
  {
    line: '{"timestamp":"2026-12-07T10:00:00Z","method":"GET","path":"/","status":200,"latency_ms":1.5,"user_id":"u1"}',
    why: "a JSON record (a producer sending the JSON format)",
  },
  {
    line: "[2026-12-07 19:00:00+0900] ERROR prd-web002 uehara 1001 [This is ERROR.]",
    why: "a hands-on line",
  },
  {
    line: "2026-12-07T10:00:00Z\u00a0x GET /api/items 200 12.5 user-002",
    why: "a no-break space, which JavaScript's \\S refuses (Java's would take it)",
  },
  { line: "2026-12-07T10:00:00Z get /api/items 200 12.5 user-003", why: "a lowercase method" },
  { line: "yesterday GET /api/items 200 12.5 user-004", why: "matched, but its time does not parse" },
];

/** Epoch ms of an ISO 8601 UTC time as the generator writes it (`…T10:00:00Z`), or null. */
function isoMs(value: unknown): number | null {
  return typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)
    ? Date.parse(value)
    : null;
}

/**
 * Writes the events as access-log lines, and the odd lines (arriving every 13 minutes from two
 * hours before `nowMs`, so within the last day), below `rawBucketDir` as Firehose objects, then
 * reads every line back with its partition and splits it with the format's JavaScript pattern,
 * as `RegExp.exec` does: the rows the raw table must show.
 */
export function writeTextLake(
  rawBucketDir: string,
  schema: EventSchema,
  events: readonly GeneratedEvent[],
  odd: readonly string[],
  nowMs: number,
): { rows: GenericRow[]; objects: number; unmatched: number } {
  if (schema.kind !== "text" || schema.pattern === undefined) {
    throw new Error(`writeTextLake: format ${schema.name} is not a text format.`);
  }
  const lineOf = eventLineOf(schema);
  const arrivals = [
    ...events.map((e) => ({ line: lineOf(e.record), at: e.eventMs + ARRIVAL_DELAY_MS })),
    ...odd.map((line, i) => ({ line, at: nowMs - 2 * 3_600_000 - i * 13 * 60_000 })),
  ].sort((a, b) => a.at - b.at);
  const writer = new FirehoseLayoutWriter(rawBucketDir, undefined, undefined, "web-access-stream");
  for (const a of arrivals) writer.addLine(a.line, a.at);
  const { objects } = writer.close();
  const re = new RegExp(schema.pattern);
  let unmatched = 0;
  const rows = readRawLines(rawBucketDir).map(({ dt, hour, line }) => {
    const groups = re.exec(line)?.groups;
    if (!groups) unmatched++;
    const record: Record<string, unknown> = groups
      ? Object.fromEntries(schema.fields.map((f) => [f.name, groups[f.name] ?? null]))
      : {};
    return { eventMs: isoMs(record[schema.timeField]), record, dt, hour };
  });
  return { rows, objects, unmatched };
}
