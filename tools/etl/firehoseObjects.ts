/**
 * The raw zone as Firehose writes it, from the project's generator (components/network/generator/
 * lines.ts): the agent ships each line as a JSON record (the parser's fields, `number` an integer),
 * flushing every 10 s; Firehose buffers 60 s or 5 MiB and writes one gzip object of
 * newline-delimited JSON per buffer under the dt=/hour= prefix of the arrival time in UTC. Used by
 * `npm run bench:scan` and by the engine tests' sample lake (tools/etl/sample.ts).
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
import { parseLogLine } from "../../components/shared/logformat";
import { rawFirehosePrefix } from "../../components/shared/lake";

/** Firehose buffering of the BatchLayer's defaults (components/batch/index.ts): 60 s or 5 MiB. */
const BUFFER_MS = 60_000;
const BUFFER_BYTES = 5 * 1024 * 1024;
/** The agent's Firehose output flushes its buffer every 10 s (components/network/agent/render.ts). */
export const AGENT_FLUSH_MS = 10_000;

/** A record as the agent ships it: the parser's fields, `number` typed as an integer. */
export function agentRecord(line: string): Record<string, string | number> {
  const fields = parseLogLine(line);
  if (!fields) throw new Error(`generated line does not parse: ${line}`);
  return { ...fields, number: Number(fields.number) };
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

/** Writes the Firehose objects of the generator's output over a time window; returns how many lines and objects. */
export function writeFirehoseObjects(root: string, run: FirehoseRun) {
  const random = createRandom(run.seed);
  const stream = run.stream ?? "bench-stream";
  let buffer: string[] = [];
  let opened = 0;
  let size = 0;
  let objects = run.firstObject ?? 0;
  let lines = 0;
  const flush = () => {
    if (!buffer.length) return;
    writeObject(root, firehoseObjectKey(opened, objects, stream), buffer);
    objects++;
    buffer = [];
    size = 0;
  };
  for (const tick of ticksBetween(run.fromMs - 1, run.toMs - 1, run.cadence)) {
    const arrival = tick.at + AGENT_FLUSH_MS;
    if (buffer.length && arrival >= opened + BUFFER_MS) flush();
    if (!buffer.length) opened = arrival;
    for (const event of eventsForTick(tick, random)) {
      const text = JSON.stringify(agentRecord(formatLine(event)));
      buffer.push(text);
      size += Buffer.byteLength(text) + 1;
      lines++;
      if (size >= BUFFER_BYTES) flush();
    }
  }
  flush();
  return { lines, objects: objects - (run.firstObject ?? 0) };
}
