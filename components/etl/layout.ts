/**
 * Where the ETL job's pieces live and how Glue is told about them: object keys, S3 URIs, the job's
 * arguments, the CloudWatch log groups Glue writes to. Pure functions over plain strings.
 */
import * as fs from "fs";
import * as path from "path";
import {
  CURATED_DATA_PREFIX,
  ETL_SCRIPTS_PREFIX,
  ETL_TEMP_PREFIX,
  QUARANTINE_PREFIX,
  RAW_DATA_PREFIX,
} from "../shared/lake";
import { EventSchema, isHandsOn } from "../shared/schema";

/** Folder of the job's Python code in this repository. */
export const JOBS_DIR = path.join(__dirname, "jobs");

/** The job's code as listed in `jobs/modules.json`: the entry script and the modules it imports. */
export interface JobModules {
  /** The Glue job script (Spark/Glue wiring), the job's `scriptLocation`. */
  readonly script: string;
  /** The modules the script imports, shipped with `--extra-py-files`, in the file's order. */
  readonly extraPyFiles: readonly string[];
}

const PY_FILE = /^[A-Za-z_][A-Za-z0-9_]*\.py$/;

/**
 * Parses `jobs/modules.json`, the one list of the job's code (the Python tests check it against
 * the script's imports, the local run ships the same list, and the program uploads exactly it).
 */
export function parseJobModules(text: string, source = "modules.json"): JobModules {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source} is not JSON (${(err as Error).message}); fix the file.`);
  }
  const d = data as { script?: unknown; extraPyFiles?: unknown };
  const files = Array.isArray(d?.extraPyFiles) ? (d.extraPyFiles as unknown[]) : undefined;
  if (typeof d?.script !== "string" || !PY_FILE.test(d.script) || !files || files.length === 0) {
    throw new Error(
      `${source} must be {"script": "<name>.py", "extraPyFiles": ["<module>.py", ...]} with at least one module.`,
    );
  }
  for (const f of files) {
    if (typeof f !== "string" || !PY_FILE.test(f) || f === d.script) {
      throw new Error(
        `${source}: extraPyFiles entry ${JSON.stringify(f)} is not a module file name (<name>.py, not the script).`,
      );
    }
  }
  if (new Set(files).size !== files.length) throw new Error(`${source}: extraPyFiles lists a module twice.`);
  return { script: d.script, extraPyFiles: files as string[] };
}

/** The job's code, read once from `jobs/modules.json`. */
export const JOB_MODULES: JobModules = parseJobModules(
  fs.readFileSync(path.join(JOBS_DIR, "modules.json"), "utf8"),
  path.join(JOBS_DIR, "modules.json"),
);
/** The Glue job script. */
export const JOB_SCRIPT_FILE = JOB_MODULES.script;

/** One uploaded code file and the stable part of its logical name (`<layer>-<role>`). */
export interface JobCodeFile {
  readonly role: string;
  readonly file: string;
}

/**
 * The code files to upload and their logical-name roles: `script` for the entry script and
 * `<module>-module` for each module, so `transform.py` keeps its existing `etl-transform-module`
 * (no replacement of a deployed object) and new modules get `etl-ledger-module`, `etl-pipeline-module`.
 */
export function jobCodeFiles(m: JobModules): JobCodeFile[] {
  return [
    { role: "script", file: m.script },
    ...m.extraPyFiles.map((file) => ({ role: `${file.replace(/\.py$/, "")}-module`, file })),
  ];
}

/** `s3://bucket/key`. */
export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** Object key of a job code file in the curated bucket. */
export function jobCodeKey(file: string): string {
  return `${ETL_SCRIPTS_PREFIX}${file}`;
}

/** The log groups a job may write to (see {@link jobLogGroupNames}). */
export type JobLogStream = "output" | "error" | "continuous";

/** How a Glue version logs: the job arguments that turn logging on, and the groups it writes to. */
export interface GlueLogging {
  readonly arguments: Readonly<Record<string, string>>;
  readonly streams: readonly JobLogStream[];
}

/**
 * Logging by Glue version (pure; table-tested for every version in GLUE_VERSIONS).
 *
 * - 4.0: the driver's and executors' logs reach CloudWatch while the job runs only with continuous
 *   logging (`--enable-continuous-cloudwatch-log`), which writes to the `logs-v2` group; output and
 *   error get the rest ("Enabling continuous logging for AWS Glue 4.0 and earlier jobs",
 *   https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging-enable.html).
 * - 5.0: "all jobs have real-time logging": system, Spark and GlueLogger logs go to the error
 *   group, stdout/stderr to the output group, and continuous logging and `logs-v2` are gone
 *   ("Logging for AWS Glue jobs", https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html;
 *   "Migrating AWS Glue for Spark jobs to AWS Glue version 5.0", section "Logging behavior changes
 *   in AWS Glue 5.0", https://docs.aws.amazon.com/glue/latest/dg/migrating-version-50.html), so the
 *   argument is not passed and no `logs-v2` group is created or granted.
 */
export function glueLogging(glueVersion: string): GlueLogging {
  switch (glueVersion) {
    case "4.0":
      return {
        arguments: { "--enable-continuous-cloudwatch-log": "true" },
        streams: ["output", "error", "continuous"],
      };
    case "5.0":
      return { arguments: {}, streams: ["output", "error"] };
    default:
      throw new Error(`glueLogging: Glue version "${glueVersion}" is not modelled; use 4.0 or 5.0.`);
  }
}

export interface JobArgumentsInput {
  readonly rawBucketName: string;
  readonly curatedBucketName: string;
  readonly glueVersion: string;
  /** The job's modules (default: jobs/modules.json). */
  readonly modules?: JobModules;
  /** The stack's event schema (default: the hands-on's, which passes no `--event_schema`). */
  readonly eventSchema?: EventSchema;
}

/** The job argument that carries a user's format (`datalake:format`) to the script. */
export const EVENT_SCHEMA_ARGUMENT = "--event_schema";

/**
 * A format as the job reads it from {@link EVENT_SCHEMA_ARGUMENT}: compact JSON of the schema,
 * its keys in one order (components/etl/jobs/transform.py parse_event_schema reads it).
 */
export function eventSchemaArgument(schema: EventSchema): string {
  return JSON.stringify({
    name: schema.name,
    kind: schema.kind,
    ...(schema.pattern === undefined ? {} : { pattern: schema.pattern }),
    fields: schema.fields.map((f) => ({ name: f.name, type: f.type })),
    timeField: schema.timeField,
    timeFormat: schema.timeFormat,
    ...(schema.keywordField === undefined ? {} : { keywordField: schema.keywordField }),
  });
}

/**
 * The most a job's arguments may hold: "Job arguments have a maximum size limit of 260KB. A
 * validation check will raise an error if the argument size is greater than 260KB" ("Using job
 * parameters in AWS Glue jobs",
 * https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html). Counted
 * here as 260,000 bytes of UTF-8 over every name and value, the strictest reading of "260KB".
 */
export const GLUE_JOB_ARGUMENTS_MAX_BYTES = 260_000;

/** Bytes of a job's arguments as {@link GLUE_JOB_ARGUMENTS_MAX_BYTES} counts them. */
export function jobArgumentsBytes(args: Readonly<Record<string, string>>): number {
  return Object.entries(args).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
}

/**
 * The job's `defaultArguments`: Glue's special parameters (bookmarks, metrics, the version's
 * logging, the temp dir, the modules) and the script's own (`--raw_path`, `--curated_path`,
 * `--quarantine_path`, read by getResolvedOptions; `--event_schema` only for a format that is not
 * the hands-on's, so a hands-on stack's job is what it always was). No `--enable-glue-datacatalog`:
 * the script reads S3 with `from_options` and writes files, it never asks Spark's metastore for a
 * table. `--extra-py-files` is a comma-separated list of S3 paths ("Using job parameters in AWS Glue
 * jobs", https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html).
 */
export function jobArguments(i: JobArgumentsInput): Record<string, string> {
  const modules = i.modules ?? JOB_MODULES;
  const schema = i.eventSchema;
  return {
    "--job-language": "python",
    "--job-bookmark-option": "job-bookmark-enable",
    "--enable-metrics": "true",
    ...glueLogging(i.glueVersion).arguments,
    "--TempDir": s3Uri(i.curatedBucketName, ETL_TEMP_PREFIX),
    "--extra-py-files": modules.extraPyFiles.map((f) => s3Uri(i.curatedBucketName, jobCodeKey(f))).join(","),
    "--raw_path": s3Uri(i.rawBucketName, RAW_DATA_PREFIX),
    "--curated_path": s3Uri(i.curatedBucketName, CURATED_DATA_PREFIX),
    "--quarantine_path": s3Uri(i.curatedBucketName, QUARANTINE_PREFIX),
    ...(schema === undefined || isHandsOn(schema)
      ? {}
      : { [EVENT_SCHEMA_ARGUMENT]: eventSchemaArgument(schema) }),
  };
}

/** The log groups a Glue job writes to when its security configuration encrypts CloudWatch Logs. */
export interface JobLogGroupNames {
  /** Driver/executor stdout. */
  readonly output: string;
  /** Driver/executor stderr and Glue's own messages. */
  readonly error: string;
  /** Continuous logging (`--enable-continuous-cloudwatch-log`, Glue 4.0 only; see {@link glueLogging}). */
  readonly continuous: string;
}

/**
 * With CloudWatch encryption in the security configuration, Glue does not use `/aws-glue/jobs/output`,
 * `/error` and `/logs-v2`: it writes to groups named after the security configuration and, for
 * output/error, the job role's ARN resource (`role<path><name>`), so that the encrypted and plain
 * groups never mix. The role's IAM path is part of the name: a role under
 * `/datalake/dev/lake-key-users/` writes to `/aws-glue/jobs/<sc>-role/datalake/dev/lake-key-users/<name>/output`
 * (as a crawler role under `/service-role/` writes to `/aws-glue/crawlers-role/service-role/<name>-<sc>`).
 */
export function jobLogGroupNames(
  securityConfigurationName: string,
  roleName: string,
  rolePath: string,
): JobLogGroupNames {
  if (!rolePath.startsWith("/") || !rolePath.endsWith("/")) {
    throw new Error(`jobLogGroupNames: rolePath is "${rolePath}"; an IAM path starts and ends with "/".`);
  }
  const base = `/aws-glue/jobs/${securityConfigurationName}-role${rolePath}${roleName}`;
  return {
    output: `${base}/output`,
    error: `${base}/error`,
    continuous: `/aws-glue/jobs/logs-v2-${securityConfigurationName}`,
  };
}

/** The log group of a crawler with an encrypting security configuration (role path `/`). */
export function crawlerLogGroupName(roleName: string, securityConfigurationName: string): string {
  return `/aws-glue/crawlers-role/${roleName}-${securityConfigurationName}`;
}

/** The ARN of a log group and of its streams (`:*`), as IAM resources. */
export function logGroupArns(partition: string, region: string, accountId: string, name: string): string[] {
  const arn = `arn:${partition}:logs:${region}:${accountId}:log-group:${name}`;
  return [arn, `${arn}:*`];
}

/** The command that starts the job by hand. */
export function startJobRunCommand(jobName: string, region: string): string {
  return `aws glue start-job-run --job-name ${jobName} --region ${region}`;
}
