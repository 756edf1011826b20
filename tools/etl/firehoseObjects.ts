/**
 * The raw zone as Firehose writes it, from the project's generator (components/network/generator/
 * lines.ts): the agent ships each line as a JSON record (the parser's fields, `number` an integer),
 * flushing every 10 s; Firehose buffers 60 s or 5 MiB and writes one gzip object of
 * newline-delimited JSON per buffer under the dt=/hour= prefix of the arrival time in UTC. Used by
 * `npm run bench:scan`, the sizing benches (`bench:glue`, `bench:load`) and the engine tests'
 * sample lake (tools/etl/sample.ts), so all of them lay the lake out the same way.
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import {
  Cadence,
  createRandom,
  eventsForTick,
  formatLine,
  ticksBetween,
} from "../../components/network/generator/lines";
import { agentRecord } from "../../components/network/agent/record";
import { rawFirehosePrefix } from "../../components/shared/lake";

/** Firehose buffering of the BatchLayer's defaults (components/batch/index.ts): 60 s or 5 MiB. */
const BUFFER_MS = 60_000;
const BUFFER_BYTES = 5 * 1024 * 1024;
/** The agent's Firehose output flushes its buffer every 10 s (components/network/agent/render.ts). */
export const AGENT_FLUSH_MS = 10_000;

export { agentRecord };

/** Epoch ms of a line's `[YYYY-MM-DD HH:MM:SS+0900]` timestamp. */
export function lineTime(timestamp: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})([+-]\d{2})(\d{2})$/.exec(timestamp);
  if (!m) throw new Error(`not a log timestamp: ${timestamp}`);
  return Date.parse(`${m[1]}T${m[2]}${m[3]}:${m[4]}`);
}

const pad = (n: number) => String(n).padStart(2, "0");
export function utcParts(ms: number) {
  const d = new Date(ms);
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    hour: pad(d.getUTCHours()),
    stamp: `${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}`,
  };
}

/** The key of the object Firehose writes for a buffer opened at `openedMs` (the n-th object of the stream). */
export function firehoseObjectKey(openedMs: number, n: number, stream: string): string {
  const p = utcParts(openedMs);
  const prefix = rawFirehosePrefix()
    .replace("!{timestamp:yyyy-MM-dd}", p.date)
    .replace("!{timestamp:HH}", p.hour);
  if (prefix.includes("!{")) throw new Error(`firehoseObjectKey: unhandled expression in ${prefix}`);
  return `${prefix}${stream}-1-${p.date}-${p.hour}-${p.stamp}-${String(n).padStart(8, "0")}.gz`;
}

/** Writes one gzip object of lines (each followed by "\n") at `key` below `root`. */
export function writeObject(root: string, key: string, lines: readonly string[]): void {
  fs.mkdirSync(path.dirname(path.join(root, key)), { recursive: true });
  fs.writeFileSync(
    path.join(root, key),
    zlib.gzipSync(Buffer.from(lines.map((l) => `${l}\n`).join(""), "utf8")),
  );
}

export interface FirehoseRun {
  /** Ticks at or after this instant (epoch ms)... */
  readonly fromMs: number;
  /** ...and before this one. */
  readonly toMs: number;
  readonly cadence: Cadence;
  readonly seed: number;
  /** Stream name in the object names. */
  readonly stream?: string;
  /** Number of the first object (object names must not collide between runs into one folder). */
  readonly firstObject?: number;
}

export interface LayoutTotals {
  readonly records: number;
  readonly objects: number;
  /** Bytes of the newline-delimited JSON before compression. */
  readonly jsonBytes: number;
  /** Bytes of the gzip objects. */
  readonly gzipBytes: number;
}

/** Writes records into Firehose objects below `root`, buffering as Firehose does. */
export class FirehoseLayoutWriter {
  private buffer: string[] = [];
  private opened = 0;
  private size = 0;
  private next: number;
  private totals = { records: 0, objects: 0, jsonBytes: 0, gzipBytes: 0 };

  constructor(
    private readonly root: string,
    private readonly bufferMs = BUFFER_MS,
    private readonly bufferBytes = BUFFER_BYTES,
    /** Stream name in the object names, and the number of the first object (names must not collide between runs into one folder). */
    private readonly stream = "bench-stream",
    firstObject = 0,
  ) {
    this.next = firstObject;
  }

  /** Adds one record that arrives at `arrivalMs` (non-decreasing), as a JSON line. */
  add(record: Record<string, unknown>, arrivalMs: number): void {
    this.addLine(JSON.stringify(record), arrivalMs);
  }

  /** Adds one line (without its "\n") that arrives at `arrivalMs` (non-decreasing), as sent. */
  addLine(line: string, arrivalMs: number): void {
    if (this.buffer.length && arrivalMs >= this.opened + this.bufferMs) this.flush();
    if (!this.buffer.length) this.opened = arrivalMs;
    const text = line + "\n";
    this.buffer.push(text);
    this.size += Buffer.byteLength(text);
    this.totals.records++;
    if (this.size >= this.bufferBytes) this.flush();
  }

  /** Writes what is buffered as one object. */
  flush(): void {
    if (!this.buffer.length) return;
    const key = firehoseObjectKey(this.opened, this.next++, this.stream);
    fs.mkdirSync(path.dirname(path.join(this.root, key)), { recursive: true });
    const gzip = zlib.gzipSync(Buffer.from(this.buffer.join(""), "utf8"));
    fs.writeFileSync(path.join(this.root, key), gzip);
    this.totals.objects++;
    this.totals.jsonBytes += this.size;
    this.totals.gzipBytes += gzip.length;
    this.buffer = [];
    this.size = 0;
  }

  /** Flushes and returns the totals. */
  close(): LayoutTotals {
    this.flush();
    return { ...this.totals };
  }
}

/** Writes the Firehose objects of the generator's output over a time window; returns how many lines and objects. */
export function writeFirehoseObjects(root: string, run: FirehoseRun) {
  const random = createRandom(run.seed);
  const writer = new FirehoseLayoutWriter(root, BUFFER_MS, BUFFER_BYTES, run.stream, run.firstObject);
  for (const tick of ticksBetween(run.fromMs - 1, run.toMs - 1, run.cadence)) {
    for (const event of eventsForTick(tick, random)) {
      writer.add(agentRecord(formatLine(event)), tick.at + AGENT_FLUSH_MS);
    }
  }
  const totals = writer.close();
  return { lines: totals.records, objects: totals.objects };
}
