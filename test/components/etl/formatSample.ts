/**
 * The example stack's format (Pulumi.example-app.yaml's `datalake:format`) through the Glue job on
 * local Spark: 3,000 generated web-service events over three days (test/components/queries/
 * genericInput.ts), some with keys the format does not declare and values in the other forms a
 * cast accepts, plus lines the job must quarantine, all in Firehose's layout; then the real job
 * script with `--event_schema` (tools/etl/local.py). What the curated table must hold is counted
 * here from the same events, without any engine ({@link formatExpectations}).
 *
 * The Spark suite (job.spark.ts) builds it and checks the job's output; the Trino suite
 * (exampleCurated.trino.ts) registers the curated table over that output, reusing the build while
 * the code it comes from is unchanged (or building it when there is none), as tools/etl/sample.ts
 * does for the hands-on sample. The events are at fixed instants (a fixed "now"), so a build is
 * the same whenever it is made. Kept under `${XDG_CACHE_HOME:-~/.cache}/datalake/format-sample/<id>/`
 * as buckets: `raw/app_logs/…` and `curated/app_logs/…`, `curated/quarantine/app_logs/…`.
 */
import * as fs from "fs";
import * as path from "path";
import { eventSchemaArgument } from "../../../components/etl/layout";
import type { EventSchema } from "../../../components/shared/schema";
import { firehoseObjectKey, writeObject } from "../../../tools/etl/firehoseObjects";
import { localPaths, runLocalJob } from "../../../tools/etl/local";
import { SAMPLE_BUCKETS, fingerprintOf } from "../../../tools/etl/sample";
import { SetupError } from "../../../tools/etl/venv";
import { engineCacheDir } from "../../../tools/trino/install";
import { utcDate } from "../queries/lakeInput";
import {
  GeneratedEvent,
  exampleAppSchema,
  generateWebEvents,
  writeGenericLake,
} from "../queries/genericInput";

export const FORMAT_SAMPLE_CACHE = engineCacheDir("format-sample");
/** The instant the events lead up to (their last is a minute before). */
export const FORMAT_SAMPLE_NOW_MS = Date.UTC(2026, 11, 7, 12, 0, 0);
const EVENTS = 3000;
const DAYS = 3;
const HOUR_MS = 3_600_000;

/** The files whose content decides what a build holds; a change to any of them invalidates it. */
const INPUTS = [
  "components/etl/jobs",
  "tools/etl/local.py",
  "tools/etl/awsglue",
  "tools/etl/firehoseObjects.ts",
  "test/components/etl/formatSample.ts",
  "test/components/queries/genericInput.ts",
  "tools/etl/formatEvents.ts",
  "Pulumi.example-app.yaml",
  "components/shared/lake.ts",
  "components/shared/schema.ts",
  "components/etl/layout.ts",
];

/** A line the job must quarantine, and the reason it must give. */
export interface BadLine {
  readonly line: string;
  readonly reason: string;
}

export interface FormatSampleInput {
  readonly schema: EventSchema;
  /** The events the job must curate, with their instants. */
  readonly good: readonly GeneratedEvent[];
  readonly bad: readonly BadLine[];
}

/**
 * The sample's events: the generated ones, where every 7th carries a `trace_id`, every 11th
 * `tags` (an array), every 13th `retry` (a number), every 17th a `note` of null (keys the format
 * does not declare, for `attributes`); every 19th writes its time with a +09:00 offset and
 * milliseconds, every 23rd its status as text ("404"), a cast the job accepts. Then the bad lines.
 */
export function formatSampleInput(schema: EventSchema = exampleAppSchema()): FormatSampleInput {
  const good = generateWebEvents(schema, FORMAT_SAMPLE_NOW_MS, EVENTS, DAYS).map((e, i) => {
    const record: Record<string, unknown> = { ...e.record };
    if (i % 7 === 0) record.trace_id = `t-${i}`;
    if (i % 11 === 0) record.tags = ["a", "b"];
    if (i % 13 === 0) record.retry = i % 3;
    if (i % 17 === 0) record.note = null;
    if (i % 19 === 0) {
      record[schema.timeField] = new Date(e.eventMs + 9 * HOUR_MS).toISOString().replace("Z", "+09:00");
    }
    if (i % 23 === 0) record.status = String(record.status);
    return { eventMs: e.eventMs, record };
  });
  const t = "2026-12-06T10:00:00Z";
  const bad: BadLine[] = [
    { line: `{"timestamp":"${t}","method":"GET"`, reason: "not_json" },
    { line: "GET /api/items 200 12.5", reason: "not_json" },
    { line: `{"timestamp":"${t}","latency_ms":NaN}`, reason: "not_json" },
    // A raw control character inside a JSON string (the job's line separator, Ctrl-A) is not JSON;
    // the quarantine keeps the line exactly as written.
    { line: `{"timestamp":"${t}","note":"a\u0001b"}\u0001`, reason: "not_json" },
    { line: `["${t}","GET"]`, reason: "not_an_object" },
    { line: `{"method":"GET","path":"/","status":200}`, reason: "missing_time" },
    { line: `{"timestamp":null,"method":"GET"}`, reason: "missing_time" },
    { line: `{"timestamp":"2026-12-06 10:00:00","method":"GET"}`, reason: "bad_timestamp" },
    { line: `{"timestamp":"${t}","status":"two hundred"}`, reason: "bad_long" },
    { line: `{"timestamp":"${t}","status":1e30}`, reason: "bad_long" },
    { line: `{"timestamp":"${t}","latency_ms":"fast"}`, reason: "bad_double" },
    { line: `{"timestamp":"${t}","method":{"verb":"GET"}}`, reason: "bad_string" },
  ];
  return { schema, good, bad };
}

/** What the curated table and the quarantine must hold, counted from the input. */
export interface FormatExpectations {
  readonly total: number;
  /** Rows per `dt=…/hour=…` (UTC of the event time). */
  readonly perHour: Record<string, number>;
  readonly perMethod: Record<string, number>;
  /** Rows whose `attributes` hold each undeclared key. */
  readonly attributeKeys: Record<string, number>;
  /** The event instants (epoch ms), sorted. */
  readonly eventMs: number[];
  readonly quarantine: Record<string, number>;
}

export function partitionOf(eventMs: number): string {
  return `dt=${utcDate(eventMs)}/hour=${String(new Date(eventMs).getUTCHours()).padStart(2, "0")}`;
}

function tally(keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}

export function formatExpectations(input: FormatSampleInput): FormatExpectations {
  const declared = new Set(input.schema.fields.map((f) => f.name));
  return {
    total: input.good.length,
    perHour: tally(input.good.map((e) => partitionOf(e.eventMs))),
    perMethod: tally(input.good.map((e) => String(e.record.method))),
    attributeKeys: tally(input.good.flatMap((e) => Object.keys(e.record).filter((k) => !declared.has(k)))),
    eventMs: input.good.map((e) => e.eventMs).sort((a, b) => a - b),
    quarantine: tally(input.bad.map((b) => b.reason)),
  };
}

export interface FormatSample {
  /** The folder holding one folder per bucket. */
  readonly dir: string;
  /** Raw objects written (the events' and the bad lines'). */
  readonly objects: number;
  /** Milliseconds the job took on local Spark (its process, Spark's start included), when built here. */
  readonly jobMs?: number;
  /** Whether this call built it (false: reused an earlier build). */
  readonly built: boolean;
}

/** The job's paths in a sample folder (as `npm run etl:local` lays them out). */
export function formatSamplePaths(dir: string) {
  return localPaths(path.join(dir, SAMPLE_BUCKETS.raw), path.join(dir, SAMPLE_BUCKETS.curated));
}

function fingerprint(): string {
  return fingerprintOf(INPUTS);
}

interface Manifest {
  readonly id: string;
  readonly fingerprint: string;
  readonly objects: number;
}

/** Writes the input below `<dir>/raw/` and runs the job once (`python`: the Spark venv's). */
export function buildFormatSample(python: string): FormatSample {
  fs.mkdirSync(FORMAT_SAMPLE_CACHE, { recursive: true });
  const id = `${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}`;
  const dir = path.join(FORMAT_SAMPLE_CACHE, id);
  const rawBucket = path.join(dir, SAMPLE_BUCKETS.raw);
  const input = formatSampleInput();
  const written = writeGenericLake(rawBucket, input.schema, input.good);
  // The bad lines arrive together, a minute before the end, in an object of their own stream.
  writeObject(
    rawBucket,
    firehoseObjectKey(FORMAT_SAMPLE_NOW_MS - 60_000, 0, "web-service-bad"),
    input.bad.map((b) => b.line),
  );
  const started = Date.now();
  const status = runLocalJob(python, formatSamplePaths(dir), eventSchemaArgument(input.schema));
  const jobMs = Date.now() - started;
  if (status !== 0) {
    throw new SetupError(
      `the Glue job on local Spark failed over the format sample in ${dir} (see its output above).`,
    );
  }
  const manifest: Manifest = { id, fingerprint: fingerprint(), objects: written.objects + 1 };
  const tmp = path.join(FORMAT_SAMPLE_CACHE, `latest.json.${process.pid}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(manifest, null, 1));
  fs.renameSync(tmp, path.join(FORMAT_SAMPLE_CACHE, "latest.json"));
  prune(id);
  return { dir, objects: manifest.objects, jobMs, built: true };
}

/** Removes builds older than a day (never the current one). */
function prune(keep: string): void {
  for (const e of fs.readdirSync(FORMAT_SAMPLE_CACHE)) {
    const abs = path.join(FORMAT_SAMPLE_CACHE, e);
    if (e === keep || !fs.statSync(abs).isDirectory()) continue;
    if (Date.now() - fs.statSync(abs).mtimeMs > 24 * HOUR_MS)
      fs.rmSync(abs, { recursive: true, force: true });
  }
}

/** The latest build if it comes from today's code; otherwise undefined. */
export function freshFormatSample(): FormatSample | undefined {
  let m: Manifest;
  try {
    m = JSON.parse(fs.readFileSync(path.join(FORMAT_SAMPLE_CACHE, "latest.json"), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
  const dir = path.join(FORMAT_SAMPLE_CACHE, m.id);
  if (m.fingerprint !== fingerprint() || !fs.existsSync(dir)) return undefined;
  return { dir, objects: m.objects, built: false };
}

/** The build of today's code, making one first when there is none (`python()` gives the Spark venv's python). */
export function ensureFormatSample(python: () => string): FormatSample {
  return freshFormatSample() ?? buildFormatSample(python());
}
