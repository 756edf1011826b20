/**
 * The Glue job itself: its security configuration, the log groups it writes to, the job, and the
 * optional schedule that starts it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EventSchema } from "../shared/schema";
import { EtlSettings } from "./args";
import { glueLogging, jobArguments, jobLogGroupNames } from "./layout";
import { UnitBase } from "./unit";

export interface SecurityInputs extends UnitBase {
  readonly keyArn: pulumi.Input<string>;
}

/** One security configuration for the job and the crawler: everything Glue writes is under the lake key. */
export function securityConfiguration(i: SecurityInputs): aws.glue.SecurityConfiguration {
  return new aws.glue.SecurityConfiguration(
    `${i.name}-security`,
    {
      encryptionConfiguration: {
        s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: i.keyArn },
        cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: i.keyArn },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: i.keyArn },
      },
    },
    { parent: i.parent },
  );
}

export interface JobLogInputs extends UnitBase {
  readonly securityConfigurationName: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;
  /** The job role's path, which Glue puts into the group names. */
  readonly rolePath: string;
  readonly keyArn: pulumi.Input<string>;
  readonly retentionDays: number;
  /** The job's Glue version, which decides the groups it writes to (glueLogging). */
  readonly glueVersion: string;
}

/**
 * The log groups the job's Glue version writes to: output and error, and on Glue 4.0 the
 * continuous-logging group. Glue would create these groups itself, without retention; creating
 * them first sets retention and the key. Their names include the role's path, which Glue takes
 * from the role's ARN.
 */
export function jobLogGroups(i: JobLogInputs): aws.cloudwatch.LogGroup[] {
  const logNames = pulumi
    .all([i.securityConfigurationName, i.roleName])
    .apply(([sc, r]) => jobLogGroupNames(sc, r, i.rolePath));
  return glueLogging(i.glueVersion).streams.map(
    (stream) =>
      new aws.cloudwatch.LogGroup(
        `${i.name}-logs-${stream}`,
        { name: logNames[stream], retentionInDays: i.retentionDays, kmsKeyId: i.keyArn },
        { parent: i.parent },
      ),
  );
}

export interface GlueJobInputs extends UnitBase {
  readonly settings: EtlSettings;
  readonly roleArn: pulumi.Output<string>;
  readonly scriptLocation: pulumi.Output<string>;
  readonly rawBucketName: pulumi.Input<string>;
  readonly curatedBucketName: pulumi.Input<string>;
  readonly securityConfigurationName: pulumi.Output<string>;
  /** The stack's event schema: a format other than the hands-on's reaches the script as `--event_schema`. */
  readonly eventSchema: EventSchema;
  /** What must exist before the first run: the role's policy, the log groups and the uploaded code. */
  readonly dependsOn: pulumi.Resource[];
}

/** The bookmarked Spark job that turns the raw JSON into curated Parquet. */
export function glueJob(i: GlueJobInputs): aws.glue.Job {
  return new aws.glue.Job(
    `${i.name}-job`,
    {
      description: "Raw application-log JSON to curated Snappy Parquet partitioned by dt/hour (bookmarked).",
      roleArn: i.roleArn,
      glueVersion: i.settings.glueVersion,
      workerType: i.settings.workerType,
      numberOfWorkers: i.settings.numberOfWorkers,
      timeout: i.settings.timeoutMinutes,
      maxRetries: 0,
      // Bookmarks track one run at a time; a second concurrent run would process the same objects.
      executionProperty: { maxConcurrentRuns: 1 },
      command: { name: "glueetl", scriptLocation: i.scriptLocation, pythonVersion: "3" },
      defaultArguments: pulumi.all([i.rawBucketName, i.curatedBucketName]).apply(([raw, cur]) =>
        jobArguments({
          rawBucketName: raw,
          curatedBucketName: cur,
          glueVersion: i.settings.glueVersion,
          eventSchema: i.eventSchema,
        }),
      ),
      securityConfiguration: i.securityConfigurationName,
    },
    { parent: i.parent, dependsOn: i.dependsOn },
  );
}

export interface ScheduleInputs extends UnitBase {
  /** Glue cron expression, already checked by etlSettings. */
  readonly schedule: string;
  readonly jobName: pulumi.Output<string>;
}

/** The trigger that runs the job on the stack's schedule. */
export function scheduleTrigger(i: ScheduleInputs): aws.glue.Trigger {
  return new aws.glue.Trigger(
    `${i.name}-schedule`,
    {
      description: "Runs the ETL job on the stack's schedule.",
      type: "SCHEDULED",
      schedule: i.schedule,
      startOnCreation: true,
      actions: [{ jobName: i.jobName }],
    },
    { parent: i.parent },
  );
}
