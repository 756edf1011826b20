/**
 * The sample lake's input read back from the Firehose objects on disk, and what the tables hold
 * according to the lake's documented rules, computed here without any SQL engine:
 * - the raw table (OpenX JSON SerDe with `ignore.malformed.json`): one row per line; a line that is
 *   not a JSON object is a row of NULLs (the OpenX SerDe's documented behaviour); the partition is
 *   the object's `dt=`/`hour=` prefix (Firehose's arrival time in UTC);
 * - the curated table: the records the job keeps (a known level, a parseable time, an integer
 *   number, every field present), partitioned by the event time in UTC.
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { LOG_LEVELS, parseLogTimestamp } from "../../../components/shared/logformat";
import { RAW_COLUMNS, RAW_DATA_PREFIX, RAW_PARTITION_LEVELS } from "../../../components/shared/lake";

export type RawRecord = Record<string, unknown>;

export interface RawRow {
  readonly dt: string;
  readonly hour: number;
  /** The parsed JSON object, or null for a line the SerDe cannot read as one. */
  readonly record: RawRecord | null;
}

export interface CuratedRow {
  readonly eventMs: number;
  readonly dt: string;
  readonly hour: number;
  readonly record: RawRecord;
}

export interface LakeInput {
  readonly raw: RawRow[];
  readonly curated: CuratedRow[];
  /** Lines that are not JSON objects (rows of NULLs in the raw table). */
  readonly unreadable: number;
}

export const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const utcHourStart = (ms: number) =>
  `${new Date(ms).toISOString().slice(0, 13).replace("T", " ")}:00:00`;
export const startOfUtcDay = (ms: number) => Math.floor(ms / 86_400_000) * 86_400_000;

function partitionOf(rel: string): { dt: string; hour: number } {
  const values: Record<string, string> = {};
  for (const segment of rel.split(path.sep)) {
    const m = /^([^=]+)=(.*)$/.exec(segment);
    if (m) values[m[1]] = m[2];
  }
  const [dtKey, hourKey] = RAW_PARTITION_LEVELS.map((l) => l.key);
  if (values[dtKey] === undefined || values[hourKey] === undefined) throw new Error(`no partition in ${rel}`);
  return { dt: values[dtKey], hour: Number(values[hourKey]) };
}

function filesBelow(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesBelow(abs));
    else if (e.name.endsWith(".gz")) out.push(abs);
  }
  return out.sort();
}

/** What the job keeps: every raw column present, a known level, a parseable time and an int number. */
function eventTimeIfValid(r: RawRecord): number | undefined {
  if (!RAW_COLUMNS.every((c) => c.name in r)) return undefined;
  if (!(LOG_LEVELS as readonly unknown[]).includes(r.alarmlevel)) return undefined;
  const n = Number(r.number);
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) return undefined;
  return typeof r.timestamp === "string" ? parseLogTimestamp(r.timestamp) : undefined;
}

/** One line of the raw zone, as sent, with the partition of the object it is in. */
export interface RawLine {
  readonly dt: string;
  readonly hour: number;
  readonly line: string;
}

/** Every line of every object below `<rawBucket>/app_logs/`, object by object. */
export function readRawLines(rawBucket: string): RawLine[] {
  const base = path.join(rawBucket, RAW_DATA_PREFIX);
  const lines: RawLine[] = [];
  for (const file of filesBelow(base)) {
    const { dt, hour } = partitionOf(path.relative(base, file));
    for (const line of zlib.gunzipSync(fs.readFileSync(file)).toString("utf8").split("\n")) {
      if (line) lines.push({ dt, hour, line });
    }
  }
  return lines;
}

/** Reads every object below `<rawBucket>/app_logs/`. */
export function readLakeInput(rawBucket: string): LakeInput {
  const raw: RawRow[] = [];
  const curated: CuratedRow[] = [];
  let unreadable = 0;
  for (const { dt, hour, line } of readRawLines(rawBucket)) {
    let record: RawRecord | null = null;
    try {
      const v: unknown = JSON.parse(line);
      if (v && typeof v === "object" && !Array.isArray(v)) record = v as RawRecord;
    } catch {
      // not JSON
    }
    if (!record) unreadable++;
    raw.push({ dt, hour, record });
    const eventMs = record ? eventTimeIfValid(record) : undefined;
    if (record && eventMs !== undefined) {
      curated.push({ eventMs, dt: utcDate(eventMs), hour: new Date(eventMs).getUTCHours(), record });
    }
  }
  return { raw, curated, unreadable };
}

/** The event time of a raw row (null for rows of NULLs and unparseable times). */
export function rawEventMs(r: RawRow): number | null {
  const t = r.record?.timestamp;
  return typeof t === "string" ? (parseLogTimestamp(t) ?? null) : null;
}

/** A raw column's value as the table shows it (null when absent). */
export function field(r: RawRecord | null, name: string): unknown {
  return r && r[name] !== undefined ? r[name] : null;
}
