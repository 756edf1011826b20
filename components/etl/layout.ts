/**
 * Where the ETL job's pieces live and how Glue is told about them: object keys, S3 URIs, the job's
 * arguments, the CloudWatch log groups Glue writes to. Pure functions over plain strings.
 */
import * as path from "path";
import {
  CURATED_DATA_PREFIX,
  ETL_SCRIPTS_PREFIX,
  ETL_TEMP_PREFIX,
  QUARANTINE_PREFIX,
  RAW_DATA_PREFIX,
} from "../shared/lake";

/** Folder of the job's Python code in this repository. */
export const JOBS_DIR = path.join(__dirname, "jobs");
/** The Glue job script (Spark/Glue wiring). */
export const JOB_SCRIPT_FILE = "app_logs_to_parquet.py";
/** The pure transform module the script imports, shipped with `--extra-py-files`. */
export const TRANSFORM_MODULE_FILE = "transform.py";

/** `s3://bucket/key`. */
export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** Object key of a job code file in the curated bucket. */
export function jobCodeKey(file: string): string {
  return `${ETL_SCRIPTS_PREFIX}${file}`;
}

export interface JobArgumentsInput {
  readonly rawBucketName: string;
  readonly curatedBucketName: string;
}

/**
 * The job's `defaultArguments`: Glue's special parameters (bookmarks, metrics, continuous logging,
 * the Data Catalog as Spark's metastore, the temp dir, the pure module) and the script's own
 * (`--raw_path`, `--curated_path`, `--quarantine_path`, read by getResolvedOptions).
 */
export function jobArguments(i: JobArgumentsInput): Record<string, string> {
  return {
    "--job-language": "python",
    "--job-bookmark-option": "job-bookmark-enable",
    "--enable-metrics": "true",
    "--enable-continuous-cloudwatch-log": "true",
    "--enable-glue-datacatalog": "true",
    "--TempDir": s3Uri(i.curatedBucketName, ETL_TEMP_PREFIX),
    "--extra-py-files": s3Uri(i.curatedBucketName, jobCodeKey(TRANSFORM_MODULE_FILE)),
    "--raw_path": s3Uri(i.rawBucketName, RAW_DATA_PREFIX),
    "--curated_path": s3Uri(i.curatedBucketName, CURATED_DATA_PREFIX),
    "--quarantine_path": s3Uri(i.curatedBucketName, QUARANTINE_PREFIX),
  };
}

/** The log groups a Glue job writes to when its security configuration encrypts CloudWatch Logs. */
export interface JobLogGroupNames {
  /** Driver/executor stdout. */
  readonly output: string;
  /** Driver/executor stderr and Glue's own messages. */
  readonly error: string;
  /** Continuous logging (`--enable-continuous-cloudwatch-log`, Glue 4.0 and earlier). */
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
