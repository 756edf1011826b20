/**
 * The EtlLayer's arguments, their defaults and their validation. Pure: the constructor resolves
 * the arguments here before it registers anything, so a bad value fails as one sentence naming the
 * argument, the value and the fix, and no half-built layer is left behind.
 */
import type { EventSchema } from "../shared/schema";
import * as pulumi from "@pulumi/pulumi";
import { projectionDateRange } from "../shared/lake";
import { LOG_RETENTION_DAYS, isLogRetention } from "../shared/retention";
import { GLUE_JOB_ARGUMENTS_MAX_BYTES, jobArguments, jobArgumentsBytes } from "./layout";

export const GLUE_VERSIONS = ["4.0", "5.0"] as const;
export const WORKER_TYPES = ["G.1X", "G.2X", "G.4X", "G.8X"] as const;

const CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;
/** The longest S3 bucket name (63 characters), standing in for the buckets' names, unknown at this point. */
const LONGEST_BUCKET_NAME = "b".repeat(63);

export interface EtlLayerArgs {
  /** ARN of the lake's KMS key (S3 data, job bookmarks, CloudWatch Logs). */
  readonly keyArn: pulumi.Input<string>;
  /** Raw bucket (Firehose's JSON under RAW_DATA_PREFIX). */
  readonly rawBucketName: pulumi.Input<string>;
  readonly rawBucketArn: pulumi.Input<string>;
  /** Curated bucket: the Parquet, the quarantine, the job's code and temp dir. */
  readonly curatedBucketName: pulumi.Input<string>;
  readonly curatedBucketArn: pulumi.Input<string>;
  /** Glue database of the lake; the curated table is created in it. */
  readonly databaseName: pulumi.Input<string>;
  /** Name of the raw table in that database (the raw side of the comparison queries). */
  readonly rawTableName: pulumi.Input<string>;
  /** Athena workgroup that holds the named queries. */
  readonly workgroupName: pulumi.Input<string>;
  /** Glue version of the job. @default "5.0" */
  readonly glueVersion?: (typeof GLUE_VERSIONS)[number];
  /** Glue worker type. @default "G.1X" */
  readonly workerType?: (typeof WORKER_TYPES)[number];
  /** Number of workers, 2 to 299. @default 2 */
  readonly numberOfWorkers?: number;
  /** Job timeout in minutes, 1 to 2880. @default 30 */
  readonly timeoutMinutes?: number;
  /** Glue cron expression of the schedule trigger. @default undefined — no trigger, the job runs on demand only */
  readonly schedule?: string;
  /** Also create a crawler over the curated prefix, started after each successful job run (its tables are prefixed `crawled_`). @default false */
  readonly enableCrawler?: boolean;
  /** Retention of the job's (and crawler's) log groups, in days CloudWatch Logs accepts. @default 14 */
  readonly logRetentionDays?: number;
  /** Days of dt partitions the curated table projects, back from today (the curated data's lifetime). @default 730 */
  readonly projectionRangeDays?: number;
  /**
   * First day (yyyy-MM-dd, UTC) the curated table projects: `projection.dt.range` becomes
   * `<date>,NOW` instead of `NOW-<projectionRangeDays>DAYS,NOW`, which bounds what a query without
   * a `dt` filter enumerates (see projectionDateRange). @default undefined — the whole lifetime
   */
  readonly projectionStartDate?: string;
  /** protect + retainOnDelete on the curated table, which other consumers (Spectrum, QuickSight) read. @default false */
  readonly protectStatefulResources?: boolean;
  /**
   * The operations topic (from `Operations`) that an EventBridge rule notifies when a job run ends
   * FAILED, TIMEOUT or ERROR. @default undefined — no failure rule
   */
  readonly operationsTopicArn?: pulumi.Input<string>;
  /**
   * The event schema (`datalake:format`): the curated table's columns follow it, and a format
   * other than the hands-on's reaches the job as `--event_schema`, which curates by it; the raw-
   * versus-curated comparison queries are the hands-on's, so only its format has them.
   * @default HANDS_ON_SCHEMA
   */
  readonly eventSchema?: EventSchema;
}

/** The optional arguments with their defaults applied, checked. */
export interface EtlSettings {
  readonly glueVersion: (typeof GLUE_VERSIONS)[number];
  readonly workerType: (typeof WORKER_TYPES)[number];
  readonly numberOfWorkers: number;
  readonly timeoutMinutes: number;
  readonly schedule: string | undefined;
  readonly enableCrawler: boolean;
  readonly logRetentionDays: number;
  readonly projectionRangeDays: number;
  readonly projectionStartDate: string | undefined;
  /** protect + retainOnDelete for the curated table. */
  readonly protect: boolean;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`EtlLayer: ${message}`);
}

/** Applies the defaults and rejects the first invalid value with a sentence that says how to fix it. */
export function etlSettings(args: EtlLayerArgs): EtlSettings {
  const glueVersion = args.glueVersion ?? "5.0";
  const workerType = args.workerType ?? "G.1X";
  const numberOfWorkers = args.numberOfWorkers ?? 2;
  const timeoutMinutes = args.timeoutMinutes ?? 30;
  const enableCrawler = args.enableCrawler ?? false;
  const logRetentionDays = args.logRetentionDays ?? 14;
  const projectionRangeDays = args.projectionRangeDays ?? 730;
  const protect = args.protectStatefulResources ?? false;

  check(
    GLUE_VERSIONS.includes(glueVersion),
    `glueVersion is "${glueVersion}"; use one of ${GLUE_VERSIONS.join(", ")}.`,
  );
  check(
    WORKER_TYPES.includes(workerType),
    `workerType is "${workerType}"; use one of ${WORKER_TYPES.join(", ")}.`,
  );
  check(
    Number.isInteger(numberOfWorkers) && numberOfWorkers >= 2 && numberOfWorkers <= 299,
    `numberOfWorkers is ${numberOfWorkers}; use a whole number from 2 to 299.`,
  );
  check(
    Number.isInteger(timeoutMinutes) && timeoutMinutes >= 1 && timeoutMinutes <= 2880,
    `timeoutMinutes is ${timeoutMinutes}; use a whole number of minutes from 1 to 2880.`,
  );
  check(
    args.schedule === undefined || CRON.test(args.schedule),
    `schedule is "${args.schedule}"; use a Glue cron expression with six fields such as cron(15 * * * ? *), or leave it unset to run on demand.`,
  );
  check(
    isLogRetention(logRetentionDays),
    `logRetentionDays is ${logRetentionDays}; use one of ${LOG_RETENTION_DAYS.join(", ")}.`,
  );
  check(
    Number.isInteger(projectionRangeDays) && projectionRangeDays >= 1,
    `projectionRangeDays is ${projectionRangeDays}; use a whole number of days >= 1.`,
  );
  if (args.eventSchema !== undefined) {
    const bytes = jobArgumentsBytes(
      jobArguments({
        rawBucketName: LONGEST_BUCKET_NAME,
        curatedBucketName: LONGEST_BUCKET_NAME,
        glueVersion,
        eventSchema: args.eventSchema,
      }),
    );
    check(
      bytes <= GLUE_JOB_ARGUMENTS_MAX_BYTES,
      `eventSchema (datalake:format "${args.eventSchema.name}") makes the Glue job's arguments ${bytes} bytes, more than the ${GLUE_JOB_ARGUMENTS_MAX_BYTES} Glue accepts; shorten the format's timeFormat, pattern or field names.`,
    );
  }
  if (args.projectionStartDate !== undefined) {
    try {
      projectionDateRange(projectionRangeDays, args.projectionStartDate);
    } catch {
      check(
        false,
        `projectionStartDate is "${args.projectionStartDate}"; use a real date as yyyy-MM-dd (UTC), the first day the stack has data, or leave it unset.`,
      );
    }
  }

  return {
    glueVersion,
    workerType,
    numberOfWorkers,
    timeoutMinutes,
    schedule: args.schedule,
    enableCrawler,
    logRetentionDays,
    projectionRangeDays,
    projectionStartDate: args.projectionStartDate,
    protect,
  };
}
