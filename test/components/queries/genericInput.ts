/**
 * The generic named queries' input: the web service's format of the example stack
 * (`datalake:format` of Pulumi.example-app.yaml, read and validated as the stacks read it), and
 * a few thousand of its events generated deterministically, written as Firehose writes them into
 * the raw zone (tools/etl/firehoseObjects.ts). The events are kept in memory, so the expectations
 * (expectations.ts, GENERIC) count them without any SQL engine.
 */
import { createRandom } from "../../../components/network/generator/lines";
import { PROJECT } from "../../../components/shared/names";
import type { EventSchema } from "../../../components/shared/schema";
import { eventSchemaOf, parseConfig } from "../../../stacks/config";
import { FirehoseLayoutWriter } from "../../../tools/etl/firehoseObjects";
import { readStackConfig } from "../../../tools/offline/stackConfig";
import { readLakeInput } from "./lakeInput";

/** The example stack whose `datalake:format` the generic queries are checked with. */
export const GENERIC_EXAMPLE_STACK = "example-app";

/** The event schema of Pulumi.example-app.yaml, through the project's own config validation. */
export function exampleAppSchema(root = process.cwd()): EventSchema {
  const stack = readStackConfig(root, GENERIC_EXAMPLE_STACK, PROJECT);
  // Every datalake:<section> of the file, validated together (the format's checks read other sections).
  const sections: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stack.config)) {
    if (key.startsWith(`${PROJECT}:`)) sections[key.slice(PROJECT.length + 1)] = JSON.parse(value) as unknown;
  }
  const config = parseConfig(sections);
  if (config.format === undefined) {
    throw new Error(
      `Pulumi.${GENERIC_EXAMPLE_STACK}.yaml has no ${PROJECT}:format; the generic queries need one.`,
    );
  }
  return eventSchemaOf(config);
}

/** One generated event: its time and the JSON object the service sent (the schema's fields only). */
export interface GeneratedEvent {
  readonly eventMs: number;
  readonly record: Record<string, unknown>;
}

/** An event as the raw table holds it: partitioned by the object's prefix (Firehose's arrival time, UTC). */
export interface GenericRow extends GeneratedEvent {
  readonly dt: string;
  readonly hour: number;
}

const METHODS = ["GET", "GET", "GET", "POST", "PUT", "DELETE"];
const PATHS = ["/", "/api/items", "/api/items/42", "/api/cart", "/login", "/health"];
const STATUSES = [200, 200, 200, 201, 204, 301, 400, 404, 500, 503];
/** Seconds between an event and its arrival at Firehose (the service's batching). */
const ARRIVAL_DELAY_MS = 5_000;

/**
 * `count` events at distinct whole seconds over the `days` before `nowMs` (the last one a minute
 * before), in time order, each field drawn from a seeded generator. Field values depend on the
 * schema's field names (method, path, status, latency_ms, user_id, and its time field).
 */
export function generateWebEvents(
  schema: EventSchema,
  nowMs: number,
  count = 3000,
  days = 3,
  seed = 20261207,
): GeneratedEvent[] {
  const random = createRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const end = Math.floor(nowMs / 1000) - 60;
  const span = days * 86_400;
  const step = Math.floor(span / count);
  const rows: GeneratedEvent[] = [];
  for (let i = 0; i < count; i++) {
    // Distinct seconds: one slot of `step` seconds per event, a random second within it.
    const second = end - span + i * step + Math.floor(random() * step);
    const eventMs = second * 1000;
    const values: Record<string, unknown> = {
      [schema.timeField]: new Date(eventMs).toISOString().replace(".000Z", "Z"),
      method: pick(METHODS),
      path: pick(PATHS),
      status: pick(STATUSES),
      latency_ms: Math.round(random() * 20_000) / 10,
      user_id: `user-${String(Math.floor(random() * 50)).padStart(3, "0")}`,
    };
    const record: Record<string, unknown> = {};
    for (const f of schema.fields) {
      if (!(f.name in values)) {
        throw new Error(
          `generateWebEvents: no generated value for field ${f.name} of format ${schema.name}.`,
        );
      }
      record[f.name] = values[f.name];
    }
    rows.push({ eventMs, record });
  }
  return rows;
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
