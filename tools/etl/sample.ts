/**
 * The engine tests' sample lake: nine days of the generator's logs up to now, as Firehose stores
 * them in the raw bucket, plus a few lines the lake must survive (unreadable JSON, a level the job
 * quarantines), and the Glue job's output over them on local Spark (curated Parquet, quarantine).
 * The named queries look at windows relative to the current time (today, the last hour, since
 * yesterday), so the sample is recent: the Spark suite builds it, the Trino suite that runs right
 * after reuses it, and either builds it again when it is older than {@link SAMPLE_MAX_AGE_MS} or
 * when the job, the generator or the lake layout changed since.
 *
 * Kept under `${XDG_CACHE_HOME:-~/.cache}/datalake/lake-sample/<id>/`, laid out as buckets:
 * `raw/app_logs/dt=…/hour=…/*.gz` and `curated/app_logs/…`, `curated/quarantine/app_logs/…`, so a
 * Glue location `s3://<bucket>/<key>` with the bucket names of {@link SAMPLE_BUCKETS} is the
 * folder `<id>/<bucket>/<key>`. A new build goes to a new folder and `latest.json` is replaced
 * atomically, so two runs never read a half-built sample.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { HANDS_ON_CADENCE, formatTimestamp } from "../../components/network/generator/lines";
import { engineCacheDir } from "../trino/install";
import {
  AGENT_FLUSH_MS,
  agentRecord,
  firehoseObjectKey,
  writeFirehoseObjects,
  writeObject,
} from "./firehoseObjects";
import { localPaths, runLocalJob } from "./local";
import { ROOT, SetupError } from "./venv";

export const SAMPLE_CACHE = engineCacheDir("lake-sample");
/** Bucket names the sample's folders stand for (raw zone, curated zone). */
export const SAMPLE_BUCKETS = { raw: "raw", curated: "curated" } as const;
/** A sample older than this no longer has data in the queries' "last hour" window worth testing. */
export const SAMPLE_MAX_AGE_MS = 30 * 60_000;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Days of history: more than the longest window a named query looks at (7 days). */
const HISTORY_DAYS = 9;
/** The last hours at the hands-on's cadence (10 lines every 2 minutes, 300 ERROR lines every 10). */
const RECENT_HOURS = 3;
/**
 * Before that, a sparser cadence keeps the sample small (few objects and partitions for Spark to
 * write): 12 lines every 3 hours, 20 ERROR lines every 6 hours.
 */
const HISTORY_CADENCE = {
  linesPerInterval: 12,
  intervalSeconds: 10800,
  burstLines: 20,
  burstIntervalSeconds: 21600,
};
const STREAM = "datalake-sample-app-logs";

/** The files whose content decides what a sample holds; a change to any of them invalidates it. */
const INPUTS = [
  "components/etl/jobs",
  "tools/etl/local.py",
  "tools/etl/sample.ts",
  "tools/etl/firehoseObjects.ts",
  "components/network/generator/lines.ts",
  "components/shared/lake.ts",
  "components/shared/logformat.ts",
];

export interface LakeSample {
  /** The folder holding one folder per bucket. */
  readonly dir: string;
  /** When the input was generated (epoch ms): its last events are just before this. */
  readonly generatedAt: number;
  readonly lines: number;
  readonly objects: number;
  /** Whether this call built it (false: reused a build of the Spark suite or an earlier run). */
  readonly built: boolean;
}

/** A digest of the files (and folders, recursively) a built sample depends on, below the project root. */
export function fingerprintOf(inputs: readonly string[]): string {
  const hash = createHash("sha256");
  const add = (rel: string) => {
    const abs = path.join(ROOT, rel);
    if (fs.statSync(abs).isDirectory()) {
      for (const e of fs.readdirSync(abs).sort()) {
        if (e === "__pycache__" || e.startsWith(".")) continue;
        add(path.join(rel, e));
      }
    } else {
      hash.update(rel).update("\0").update(fs.readFileSync(abs)).update("\0");
    }
  };
  for (const rel of inputs) add(rel);
  return hash.digest("hex");
}

function fingerprint(): string {
  return fingerprintOf(INPUTS);
}

/** The lines of the sample that are not the generator's: what Firehose would deliver from a misbehaving client. */
export function oddLines(atMs: number): string[] {
  const debug = agentRecord(`[${formatTimestamp(atMs)}] DEBUG prd-web001 uehara 1234 [Debugging.]`);
  return [
    `{"timestamp":"${formatTimestamp(atMs)}","alarmlevel":"ERROR","host":"prd-web001"`,
    `"just a string"`,
    JSON.stringify(debug),
  ];
}

function writeInput(rawBucket: string, now: number) {
  const recentFrom = Math.floor((now - RECENT_HOURS * HOUR_MS) / HOUR_MS) * HOUR_MS;
  const historyFrom = Math.floor((now - HISTORY_DAYS * DAY_MS) / DAY_MS) * DAY_MS;
  const history = writeFirehoseObjects(rawBucket, {
    fromMs: historyFrom,
    toMs: recentFrom,
    cadence: HISTORY_CADENCE,
    seed: 1,
    stream: STREAM,
  });
  const recent = writeFirehoseObjects(rawBucket, {
    fromMs: recentFrom,
    toMs: now - AGENT_FLUSH_MS,
    cadence: HANDS_ON_CADENCE,
    seed: 2,
    stream: STREAM,
    firstObject: history.objects,
  });
  const oddAt = Math.floor((now - 30 * 60_000) / 1000) * 1000;
  const odd = oddLines(oddAt);
  writeObject(
    rawBucket,
    firehoseObjectKey(oddAt + AGENT_FLUSH_MS, history.objects + recent.objects, STREAM),
    odd,
  );
  return { lines: history.lines + recent.lines + odd.length, objects: history.objects + recent.objects + 1 };
}

interface Manifest {
  readonly id: string;
  readonly generatedAt: number;
  readonly fingerprint: string;
  readonly lines: number;
  readonly objects: number;
}

function readLatest(): Manifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(SAMPLE_CACHE, "latest.json"), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

/** Builds a new sample with the job on local Spark (`python`: the venv's, tools/etl/venv.ts). */
export function buildLakeSample(python: string, now = Date.now()): LakeSample {
  fs.mkdirSync(SAMPLE_CACHE, { recursive: true });
  const id = `${new Date(now).toISOString().replace(/[:.]/g, "-")}-${process.pid}`;
  const dir = path.join(SAMPLE_CACHE, id);
  const rawBucket = path.join(dir, SAMPLE_BUCKETS.raw);
  const written = writeInput(rawBucket, now);
  const status = runLocalJob(python, localPaths(rawBucket, path.join(dir, SAMPLE_BUCKETS.curated)));
  if (status !== 0)
    throw new SetupError(
      `the Glue job on local Spark failed over the sample in ${dir} (see its output above).`,
    );
  const manifest: Manifest = { id, generatedAt: now, fingerprint: fingerprint(), ...written };
  const tmp = path.join(SAMPLE_CACHE, `latest.json.${process.pid}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(manifest, null, 1));
  fs.renameSync(tmp, path.join(SAMPLE_CACHE, "latest.json"));
  prune(id, now);
  return { dir, generatedAt: now, lines: written.lines, objects: written.objects, built: true };
}

/** Removes builds older than a day (never the current one). */
function prune(keep: string, now: number): void {
  for (const e of fs.readdirSync(SAMPLE_CACHE)) {
    const abs = path.join(SAMPLE_CACHE, e);
    if (e === keep || !fs.statSync(abs).isDirectory()) continue;
    if (now - fs.statSync(abs).mtimeMs > DAY_MS) fs.rmSync(abs, { recursive: true, force: true });
  }
}

/** The latest sample if it is recent, of today (UTC) and built from today's code; otherwise undefined. */
export function freshLakeSample(now = Date.now()): LakeSample | undefined {
  const m = readLatest();
  if (!m || now - m.generatedAt > SAMPLE_MAX_AGE_MS || m.fingerprint !== fingerprint()) return undefined;
  // The queries look at today's partitions (UTC): a sample from before midnight has none.
  if (new Date(m.generatedAt).toISOString().slice(0, 10) !== new Date(now).toISOString().slice(0, 10))
    return undefined;
  const dir = path.join(SAMPLE_CACHE, m.id);
  if (!fs.existsSync(dir)) return undefined;
  return { dir, generatedAt: m.generatedAt, lines: m.lines, objects: m.objects, built: false };
}

/** The fresh sample, building one first when there is none (`python()` gives the Spark venv's python). */
export function ensureLakeSample(python: () => string): LakeSample {
  return freshLakeSample() ?? buildLakeSample(python());
}
