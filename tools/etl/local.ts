/**
 * `npm run etl:local -- --input DIR --output DIR`: runs the Glue job script on local Spark over a
 * folder in Firehose's layout (`[app_logs/]dt=yyyy-MM-dd/hour=HH/*.gz`) and writes the curated
 * zone below DIR with the lake's prefixes (`app_logs/`, `quarantine/app_logs/`, `glue/temp/`).
 * The job bookmark is kept in `DIR/.bookmarks/`, so a second run over the same input adds nothing.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
  CURATED_DATA_PREFIX,
  ETL_TEMP_PREFIX,
  QUARANTINE_PREFIX,
  RAW_DATA_PREFIX,
} from "../../components/shared/lake";
import { ROOT, SetupError, ensureSparkVenv } from "./venv";

export interface LocalPaths {
  readonly raw: string;
  readonly curated: string;
  readonly quarantine: string;
  readonly temp: string;
  readonly bookmarks: string;
}

/** The job's paths for an input and an output folder (the input may hold `app_logs/` or the dt= folders). */
export function localPaths(input: string, output: string): LocalPaths {
  const nested = path.join(input, RAW_DATA_PREFIX);
  return {
    raw: fs.existsSync(nested) ? nested : input,
    curated: path.join(output, CURATED_DATA_PREFIX),
    quarantine: path.join(output, QUARANTINE_PREFIX),
    temp: path.join(output, ETL_TEMP_PREFIX),
    bookmarks: path.join(output, ".bookmarks"),
  };
}

/** Runs the job once; returns the process status (its output goes to this process's stdout/stderr). */
export function runLocalJob(python: string, p: LocalPaths): number {
  const args = [path.join(ROOT, "tools/etl/local.py")];
  for (const [k, v] of Object.entries(p)) args.push(`--${k}`, v);
  return spawnSync(python, args, { stdio: "inherit" }).status ?? 1;
}

export function parseArgs(argv: string[]): { input: string; output: string } {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const input = get("--input");
  const output = get("--output");
  if (!input || !output) throw new SetupError("usage: npm run etl:local -- --input DIR --output DIR");
  if (!fs.existsSync(input) || !fs.statSync(input).isDirectory()) {
    throw new SetupError(`etl:local: --input ${input} is not a folder; pass a folder of dt=/hour= prefixes.`);
  }
  return { input: path.resolve(input), output: path.resolve(output) };
}

if (require.main === module) {
  try {
    const { input, output } = parseArgs(process.argv.slice(2));
    process.exitCode = runLocalJob(ensureSparkVenv(), localPaths(input, output));
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  }
}
