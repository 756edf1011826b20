/**
 * `npm run bench:scan [-- --days N --hour HH --out DIR]` (`--help` for the options): the hands-on's scan-size table, with our
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
import { HANDS_ON_CADENCE } from "../../components/network/generator/lines";
import { RAW_DATA_PREFIX } from "../../components/shared/lake";
import { VARIANTS } from "../../components/etl/queries";
import { utcParts, writeFirehoseObjects } from "../etl/firehoseObjects";
import { localPaths, runLocalJob } from "../etl/local";
import { CommandSpec, UsageError, describeIoError, parseCommandLine, runCommand } from "../cli";
import { ROOT, SetupError, ensureSparkVenv } from "../etl/venv";

/** Columns the question reads on the curated table: user, alarmlevel and event_time. */
const QUESTION_COLUMNS = ["user", "alarmlevel", "event_time"];
const DAY_MS = 86_400_000;

function human(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(2)} KB`;
}

function parseHandsOn(text: string): number {
  const [n, unit] = text.split(" ");
  return Number(n) * (unit === "MB" ? 1024 * 1024 : 1024);
}

export const BENCH_SCAN_COMMAND: CommandSpec = {
  command: "npm run bench:scan --",
  summary:
    "The hands-on's scan-size table with our own data and job: generates N days of hands-on logs, stores them as " +
    "Firehose would, runs the Glue job script on local Spark and measures the bytes one hour-scoped question reads " +
    "from raw JSON, Parquet and partitioned Parquet. The first run installs PySpark into .venv-spark/.",
  options: {
    days: { type: "string", value: "N", description: "days of logs to generate, 1 to 31 (default 1)" },
    hour: {
      type: "string",
      value: "HH",
      description: "the hour (UTC) the question asks about, 00 to 23 (default 12)",
    },
    out: {
      type: "string",
      value: "DIR",
      description: `where the data is kept: a new or empty folder, or one an earlier run wrote (default: a new temp folder)`,
    },
  },
  exitCodes:
    "Exit codes: 0 the table was printed; 1 the job or the measurement failed; 2 usage error or a missing " +
    "prerequisite (Java, Python).",
};

/** The file that marks a folder as bench:scan's, so a later run may empty it. */
const OUT_MARKER = ".bench-scan";

/** The output folder, emptied if an earlier run wrote it; any other non-empty folder is refused. */
function outputFolder(out: string | undefined): string {
  if (out === undefined) return fs.mkdtempSync(path.join(os.tmpdir(), "bench-scan-"));
  const dir = path.resolve(out);
  let entries: string[] = [];
  try {
    if (!fs.statSync(dir).isDirectory())
      throw new UsageError(`--out ${out} is not a folder; give a new or empty folder.`);
    entries = fs.readdirSync(dir);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if ((err as NodeJS.ErrnoException).code !== "ENOENT")
      throw new UsageError(describeIoError(err, out, "write"));
  }
  if (entries.length > 0 && !entries.includes(OUT_MARKER)) {
    throw new UsageError(
      `--out ${out} holds files bench:scan did not write; give a new or empty folder (the bench empties it before it writes).`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, OUT_MARKER), "");
  return dir;
}

function main(): number {
  const { values } = parseCommandLine(BENCH_SCAN_COMMAND, process.argv.slice(2));
  const days = Number(values.days ?? "1");
  const hour = (values.hour as string | undefined) ?? "12";
  if (!Number.isInteger(days) || days < 1 || days > 31)
    throw new UsageError(`--days is ${values.days as string}; use 1 to 31.`);
  if (!/^([01]\d|2[0-3])$/.test(hour)) throw new UsageError(`--hour is ${hour}; use 00 to 23.`);
  const out = outputFolder(values.out as string | undefined);
  const python = ensureSparkVenv();
  const start = Date.UTC(2019, 5, 20);
  const rawRoot = path.join(out, "raw");
  const generated = writeFirehoseObjects(rawRoot, {
    fromMs: start,
    toMs: start + days * DAY_MS,
    cadence: HANDS_ON_CADENCE,
    seed: 1,
  });
  process.stdout.write(
    `bench:scan: ${generated.lines} lines in ${generated.objects} Firehose objects under ${rawRoot}\n`,
  );
  const paths = localPaths(rawRoot, path.join(out, "curated"));
  if (runLocalJob(python, paths) !== 0) throw new Error("the local job run failed (see above).");
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
  if (m.status !== 0) throw new Error(`measuring failed: ${m.stderr.trim()}`);
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
  return 0;
}

if (require.main === module) runCommand("bench:scan", main, [SetupError]);
