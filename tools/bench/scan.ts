/**
 * `npm run bench:scan [-- --days N --hour HH --out DIR]`: the hands-on's scan-size table, with our
 * own data and job. Generates N days (default 1) of hands-on logs at the hands-on cadence with the
 * project's generator (components/network/generator/lines.ts), stores them as Firehose would
 * (gzip objects of newline-delimited JSON, one per 60 s buffer or 5 MiB, under the dt=/hour=
 * prefix of the arrival time in UTC), runs the Glue job script on local Spark, and measures the
 * bytes read by one hour-scoped question, "ERROR lines per user in hour HH (UTC)", from the objects
 * and the Parquet footers (tools/bench/scan_measure.py).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  HANDS_ON_CADENCE,
  createRandom,
  eventsForTick,
  formatLine,
  ticksBetween,
} from "../../components/network/generator/lines";
import { RAW_DATA_PREFIX } from "../../components/shared/lake";
import { VARIANTS } from "../../components/etl/queries";
import { localPaths, runLocalJob } from "../etl/local";
import { ROOT, SetupError, ensureSparkVenv } from "../etl/venv";
import { AGENT_FLUSH_MS, FirehoseLayoutWriter, agentRecord, utcParts } from "./firehoseLayout";

/** Firehose buffering of the BatchLayer's defaults (components/batch/index.ts): 60 s or 5 MiB. */
const BUFFER_MS = 60_000;
const BUFFER_BYTES = 5 * 1024 * 1024;
/** Columns the question reads on the curated table: user, alarmlevel and event_time. */
const QUESTION_COLUMNS = ["user", "alarmlevel", "event_time"];
const DAY_MS = 86_400_000;

/** Writes the Firehose objects for `days` days from `startMs`; returns how many lines and objects. */
export function writeFirehoseObjects(root: string, startMs: number, days: number, seed = 1) {
  const random = createRandom(seed);
  const writer = new FirehoseLayoutWriter(root, BUFFER_MS, BUFFER_BYTES);
  for (const tick of ticksBetween(startMs - 1, startMs + days * DAY_MS - 1, HANDS_ON_CADENCE)) {
    for (const event of eventsForTick(tick, random)) {
      writer.add(agentRecord(formatLine(event)), tick.at + AGENT_FLUSH_MS);
    }
  }
  const totals = writer.close();
  return { lines: totals.records, objects: totals.objects };
}

function human(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(2)} KB`;
}

function parseHandsOn(text: string): number {
  const [n, unit] = text.split(" ");
  return Number(n) * (unit === "MB" ? 1024 * 1024 : 1024);
}

function main() {
  const argv = process.argv.slice(2);
  const get = (flag: string, fallback: string) =>
    argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : fallback;
  const days = Number(get("--days", "1"));
  const hour = get("--hour", "12");
  if (!Number.isInteger(days) || days < 1 || days > 31)
    throw new SetupError(`bench:scan: --days is ${days}; use 1 to 31.`);
  if (!/^([01]\d|2[0-3])$/.test(hour)) throw new SetupError(`bench:scan: --hour is ${hour}; use 00 to 23.`);
  const out = path.resolve(get("--out", fs.mkdtempSync(path.join(os.tmpdir(), "bench-scan-"))));
  const python = ensureSparkVenv();
  const start = Date.UTC(2019, 5, 20);
  const rawRoot = path.join(out, "raw");
  fs.rmSync(out, { recursive: true, force: true });
  const generated = writeFirehoseObjects(rawRoot, start, days);
  process.stdout.write(
    `bench:scan: ${generated.lines} lines in ${generated.objects} Firehose objects under ${rawRoot}\n`,
  );
  const paths = localPaths(rawRoot, path.join(out, "curated"));
  if (runLocalJob(python, paths) !== 0)
    throw new SetupError("bench:scan: the local job run failed (see above).");
  const dt = utcParts(start + (days - 1) * DAY_MS).date;
  const m = spawnSync(
    python,
    [
      path.join(ROOT, "tools/bench/scan_measure.py"),
      "--raw",
      path.join(rawRoot, RAW_DATA_PREFIX),
      "--curated",
      paths.curated,
      "--dt",
      dt,
      "--hour",
      hour,
      "--columns",
      QUESTION_COLUMNS.join(","),
    ],
    { encoding: "utf8" },
  );
  if (m.status !== 0) throw new SetupError(`bench:scan: measuring failed: ${m.stderr.trim()}`);
  const r = JSON.parse(m.stdout) as Record<string, number>;
  const rows: [string, number, string][] = [
    [
      `${VARIANTS.raw.label}, no partition filter (${r.rawObjects} objects)`,
      r.rawAll,
      VARIANTS.raw.handsOnScan,
    ],
    [`raw JSON, dt/hour filter (${r.rawHourObjects} objects)`, r.rawHour, "-"],
    [
      `${VARIANTS.parquet.label}, no partition filter (${r.parquetFiles} files, ${r.parquetRows} rows)`,
      r.parquetAll,
      VARIANTS.parquet.handsOnScan,
    ],
    [
      `${VARIANTS.partitioned.label} dt=${dt}/hour=${hour} (${r.partitionedFiles} files, ${r.partitionedRows} rows)`,
      r.partitioned,
      VARIANTS.partitioned.handsOnScan,
    ],
  ];
  process.stdout.write(
    `\nQuestion: ERROR lines per user in hour ${hour} UTC of ${dt}; Parquet columns read: ${QUESTION_COLUMNS.join(", ")}\n`,
  );
  process.stdout.write(`${"variant".padEnd(80)} ${"ours".padStart(11)} ${"hands-on".padStart(11)}\n`);
  for (const [label, bytes, handsOn] of rows) {
    process.stdout.write(`${label.padEnd(80)} ${human(bytes).padStart(11)} ${handsOn.padStart(11)}\n`);
  }
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
  const h = (k: keyof typeof VARIANTS) => parseHandsOn(VARIANTS[k].handsOnScan);
  process.stdout.write(
    `\nraw (no filter) / Parquet (no filter): ours ${ratio(r.rawAll, r.parquetAll)}, hands-on ${ratio(h("raw"), h("parquet"))}\n` +
      `raw (no filter) / partitioned Parquet: ours ${ratio(r.rawAll, r.partitioned)}, hands-on ${ratio(h("raw"), h("partitioned"))}\n` +
      `raw (dt/hour filter) / partitioned Parquet: ours ${ratio(r.rawHour, r.partitioned)}\n` +
      `(Parquet files on disk: ${human(r.parquetFileBytes)} in all; output kept in ${out})\n`,
  );
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  }
}
