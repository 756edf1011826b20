/**
 * The stack outputs `npm run verify` reads, and how it gets them: `pulumi stack output --json`
 * or a JSON file of the same shape. The names are exports of stacks/index.ts (a test checks it).
 */
import { execFile } from "child_process";
import * as fs from "fs";

/** Outputs every run needs. */
export const REQUIRED_OUTPUTS = [
  "appLogGroupName",
  "opensearchProbeFunctionName",
  "rawBucketName",
  "glueDatabaseName",
  "rawTableName",
  "athenaWorkgroupName",
  "alarmTopicArn",
] as const;
/** Outputs `--etl` needs as well. */
export const ETL_OUTPUTS = ["etlJobName", "curatedTableName"] as const;

/**
 * Where verify writes its marked event: the generator (when the stack has one), else the first
 * subscribed log group, as an event of the stack's format (the `eventFormat` output).
 */
export const SOURCE_OUTPUTS = ["generatorInstanceId", "sourceLogGroupNames", "eventFormat"] as const;

export type OutputName = (typeof REQUIRED_OUTPUTS)[number] | (typeof ETL_OUTPUTS)[number];
export type StackOutputs = Readonly<Record<OutputName, string>> & {
  readonly region: string;
  /** The generator's instance, when the stack has one. */
  readonly generatorInstanceId?: string;
  /** The subscribed log groups (datalake:sources.logGroups). */
  readonly sourceLogGroupNames: readonly string[];
  /** The stack's event schema (the hands-on's for a stack deployed before it was exported). */
  readonly eventFormat: EventSchema;
};

import { EventSchema, HANDS_ON_SCHEMA } from "../../components/shared/schema";

/** A user-caused problem: the message is one sentence, printed as it is, exit code 2. */
import { UsageError, describeIoError } from "../cli";
export { UsageError };

/** The program `Exec` was asked to run is not installed (spawn's ENOENT). */
export class ProgramMissing extends Error {
  override name = "ProgramMissing";
}

/** Runs a program and returns its stdout (the seam the tests replace). */
export type Exec = (file: string, args: string[]) => Promise<string>;

export const execCommand: Exec = (file, args) =>
  new Promise((resolve, reject) =>
    execFile(file, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT")
          reject(new ProgramMissing(`${file} is not installed or not on PATH`));
        else reject(new Error(stderr.trim().split("\n").pop() || err.message));
      } else resolve(stdout);
    }),
  );

/** The region of the stack, from the alarm topic's ARN (`arn:<partition>:sns:<region>:...`). */
export function regionFromArn(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-[a-z]+)+-\d):/.exec(arn)?.[1];
}

/** Checks the raw outputs object and returns the typed outputs verify uses. */
export function parseOutputs(raw: unknown, source: string, etl: boolean): StackOutputs {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new UsageError(`The outputs in ${source} are not a JSON object of output names and values.`);
  }
  const values = raw as Record<string, unknown>;
  const names: OutputName[] = [...REQUIRED_OUTPUTS, ...(etl ? ETL_OUTPUTS : [])];
  const missing = names.filter((n) => typeof values[n] !== "string" || values[n] === "");
  if (missing.length > 0) {
    throw new UsageError(
      `The outputs in ${source} lack ${missing.join(", ")}; run pulumi up with this version of the program first.`,
    );
  }
  const region = regionFromArn(values.alarmTopicArn as string);
  if (!region) {
    throw new UsageError(`The output alarmTopicArn in ${source} is not an ARN with a region.`);
  }
  const out: Record<string, unknown> = { region };
  for (const n of [...REQUIRED_OUTPUTS, ...ETL_OUTPUTS])
    out[n] = typeof values[n] === "string" ? values[n] : "";
  const instance = values.generatorInstanceId;
  if (typeof instance === "string" && /^i-[0-9a-f]+$/.test(instance)) out.generatorInstanceId = instance;
  const groups = values.sourceLogGroupNames;
  out.sourceLogGroupNames = Array.isArray(groups) ? groups.filter((g) => typeof g === "string") : [];
  out.eventFormat = isEventSchema(values.eventFormat) ? values.eventFormat : HANDS_ON_SCHEMA;
  if (out.generatorInstanceId === undefined && (out.sourceLogGroupNames as string[]).length === 0) {
    throw new UsageError(
      `The outputs in ${source} name no generator instance and no subscribed log group, so verify has nowhere to write its marked event; turn datalake:generator.enabled on or list a group in datalake:sources.logGroups.`,
    );
  }
  return out as unknown as StackOutputs;
}

function isEventSchema(v: unknown): v is EventSchema {
  const s = v as EventSchema | undefined;
  return !!s && typeof s === "object" && Array.isArray(s.fields) && typeof s.timeField === "string";
}

/** Reads the outputs from `file`, or from `pulumi stack output --json --stack <stack>`. */
export async function loadOutputs(
  stack: string,
  file: string | undefined,
  etl: boolean,
  exec: Exec = execCommand,
): Promise<StackOutputs> {
  const { raw, source } = await readOutputs(stack, file, exec);
  return parseOutputs(raw, source, etl);
}

/** The outputs as JSON (not yet checked), and where they came from for messages. */
export async function readOutputs(
  stack: string,
  file: string | undefined,
  exec: Exec = execCommand,
): Promise<{ raw: unknown; source: string }> {
  let text: string;
  let source: string;
  if (file !== undefined) {
    source = file;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      throw new UsageError(
        `${describeIoError(err, file, "read")
          .replace(/^cannot read /, "Cannot read the outputs file ")
          .replace(/\.$/, "")}; ` + "write it with pulumi stack output --json --stack <stack> > FILE.",
      );
    }
  } else {
    source = `stack ${stack}`;
    try {
      text = await exec("pulumi", ["stack", "output", "--json", "--stack", stack]);
    } catch (err) {
      if (err instanceof ProgramMissing) {
        throw new UsageError(
          `Cannot read the outputs of stack ${stack}: the Pulumi CLI (pulumi) is not installed or not on PATH; ` +
            "install it (https://www.pulumi.com/docs/install/) or pass --outputs FILE.",
        );
      }
      throw new UsageError(
        `Cannot read the outputs of stack ${stack} (${(err as Error).message}); log in to its backend or pass --outputs FILE.`,
      );
    }
  }
  try {
    return { raw: JSON.parse(text), source };
  } catch {
    throw new UsageError(`The outputs in ${source} are not valid JSON.`);
  }
}
