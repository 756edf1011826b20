/**
 * Log lines stored as the BatchLayer's Firehose stream stores them: each line parsed into the
 * record the agent ships (the parser's fields, `number` typed as an integer, components/network/
 * agent/render.ts), one JSON object per line, buffered until the buffering interval or size is
 * reached (counted from the first record's arrival), then written as one gzip object under the
 * dt=/hour= prefix of the arrival time in UTC (components/shared/lake.ts rawFirehosePrefix).
 * Used by the scan bench and the sizing benches, so both lay the lake out the same way.
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { agentRecord } from "../../components/network/agent/record";
import { rawFirehosePrefix } from "../../components/shared/lake";

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
  private totals = { records: 0, objects: 0, jsonBytes: 0, gzipBytes: 0 };

  constructor(
    private readonly root: string,
    private readonly bufferMs: number,
    private readonly bufferBytes: number,
  ) {}

  /** Adds one record that arrives at `arrivalMs` (non-decreasing). */
  add(record: Record<string, unknown>, arrivalMs: number): void {
    if (this.buffer.length && arrivalMs >= this.opened + this.bufferMs) this.flush();
    if (!this.buffer.length) this.opened = arrivalMs;
    const text = JSON.stringify(record) + "\n";
    this.buffer.push(text);
    this.size += Buffer.byteLength(text);
    this.totals.records++;
    if (this.size >= this.bufferBytes) this.flush();
  }

  /** Writes what is buffered as one object. */
  flush(): void {
    if (!this.buffer.length) return;
    const p = utcParts(this.opened);
    const prefix = rawFirehosePrefix()
      .replace("!{timestamp:yyyy-MM-dd}", p.date)
      .replace("!{timestamp:HH}", p.hour);
    const key = `${prefix}bench-stream-1-${p.date}-${p.hour}-${p.stamp}-${String(this.totals.objects).padStart(8, "0")}.gz`;
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
