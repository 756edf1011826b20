/**
 * `npm run etl:local -- --input DIR --output DIR [--help]`: runs the Glue job script on local Spark over a
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
import { CommandSpec, UsageError, parseCommandLine, runCommand } from "../cli";
import { JAVA_MAJOR, PYTHON_VERSION, ROOT, SetupError, ensureSparkVenv } from "./venv";

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

/**
 * Runs the job once; returns the process status (its output goes to this process's stdout/stderr).
 * `eventSchema`: the job's `--event_schema` (components/etl/layout.ts eventSchemaArgument) for a
 * format other than the hands-on's.
 */
export function runLocalJob(python: string, p: LocalPaths, eventSchema?: string): number {
  const args = [path.join(ROOT, "tools/etl/local.py")];
  for (const [k, v] of Object.entries(p)) args.push(`--${k}`, v);
  if (eventSchema !== undefined) args.push("--event_schema", eventSchema);
  return spawnSync(python, args, { stdio: "inherit" }).status ?? 1;
}

export const ETL_LOCAL_COMMAND: CommandSpec = {
  command: "npm run etl:local --",
  summary:
    "Runs the Glue job script on local Spark over a folder in Firehose's layout ([app_logs/]dt=yyyy-MM-dd/hour=HH/*.gz) " +
    "and writes the curated zone below the output folder with the lake's prefixes; the job bookmark is kept in " +
    "<output>/.bookmarks/, so a second run over the same input adds nothing. The first run installs PySpark into .venv-spark/.",
  options: {
    input: {
      type: "string",
      value: "DIR",
      description: "the folder of raw Firehose objects",
      required: true,
    },
    output: {
      type: "string",
      value: "DIR",
      description: "where the curated zone is written",
      required: true,
    },
  },
  exitCodes:
    "Exit codes: 0 the job ran; 1 the job failed; 2 usage error, a missing input folder or a missing " +
    `prerequisite (Java ${JAVA_MAJOR}, Python ${PYTHON_VERSION}).`,
};

export function parseArgs(argv: readonly string[]): { input: string; output: string } {
  const { values } = parseCommandLine(ETL_LOCAL_COMMAND, argv);
  const input = values.input as string;
  const output = values.output as string;
  if (!fs.existsSync(input) || !fs.statSync(input).isDirectory()) {
    throw new UsageError(`--input ${input} is not a folder; pass a folder of dt=/hour= prefixes.`);
  }
  return { input: path.resolve(input), output: path.resolve(output) };
}

if (require.main === module) {
  runCommand(
    "etl:local",
    () => {
      const { input, output } = parseArgs(process.argv.slice(2));
      return runLocalJob(ensureSparkVenv(), localPaths(input, output));
    },
    [SetupError],
  );
}
