/**
 * EtlLayer (hands-on lab 6): a Glue job that turns the raw JSON into Snappy Parquet partitioned by
 * dt/hour, with its security configuration, least-privilege role, encrypted log groups, schedule,
 * the curated table in the catalog, an optional crawler, and the Athena queries that show the
 * scan reduction.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { LOG_RETENTION_DAYS, isLogRetention } from "../shared/retention";
import { assumeRolePolicy, toJson } from "../shared/iam";
import { CURATED_DATA_PREFIX, CURATED_TABLE_NAME, lakeKeyDirectUserRolePath } from "../shared/lake";
import {
  JOBS_DIR,
  JOB_SCRIPT_FILE,
  TRANSFORM_MODULE_FILE,
  crawlerLogGroupName,
  jobArguments,
  jobCodeKey,
  jobLogGroupNames,
  startJobRunCommand,
} from "./layout";
import { crawlerRolePolicy, jobRolePolicy } from "./policy";
import { namedQuerySpecs } from "./queries";
import { curatedPartitionKeys, curatedStorageDescriptor, curatedTableParameters } from "./table";

export const GLUE_VERSIONS = ["4.0", "5.0"] as const;
export const WORKER_TYPES = ["G.1X", "G.2X", "G.4X", "G.8X"] as const;

/** Files Spark and Hadoop leave beside the data, which a crawler must not read as tables. */
export const CRAWLER_EXCLUSIONS = ["**/_SUCCESS", "**/_temporary/**", "**_$folder$", "**/.*"];

/** Prefix of the crawler's tables, so they never collide with the declared curated table. */
export const CRAWLER_TABLE_PREFIX = "crawled_";

const CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;

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
  /** protect + retainOnDelete on the curated table, which other consumers (Spectrum, QuickSight) read. @default false */
  readonly protectStatefulResources?: boolean;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`EtlLayer: ${message}`);
}

export class EtlLayer extends pulumi.ComponentResource {
  /** Name of the Glue job. */
  public readonly jobName: pulumi.Output<string>;
  /** ARN of the job's role. */
  public readonly jobRoleArn: pulumi.Output<string>;
  /** Name of the Glue security configuration (job and crawler). */
  public readonly securityConfigurationName: pulumi.Output<string>;
  /** Name of the curated table in the lake database. */
  public readonly curatedTableName: pulumi.Output<string>;
  /** `s3://` location of the job script. */
  public readonly scriptLocation: pulumi.Output<string>;
  /** The command that starts the job by hand. */
  public readonly startJobRunCommand: pulumi.Output<string>;
  /** Name of the schedule trigger, or undefined when the job runs on demand only. */
  public readonly triggerName: pulumi.Output<string | undefined>;
  /** Name of the crawler, or undefined when it is off. */
  public readonly crawlerName: pulumi.Output<string | undefined>;

  constructor(name: string, args: EtlLayerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("datalake:etl:EtlLayer", name, {}, opts);

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

    const region = aws.getRegionOutput({}, { parent: this }).region;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;

    // One security configuration for the job and the crawler: everything Glue writes is under the lake key.
    const security = new aws.glue.SecurityConfiguration(
      `${name}-security`,
      {
        encryptionConfiguration: {
          s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: args.keyArn },
          cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: args.keyArn },
          jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: args.keyArn },
        },
      },
      { parent: this },
    );

    // Under the lake key's direct-user path: job-bookmark encryption (CSE-KMS) calls KMS directly.
    const rolePath = lakeKeyDirectUserRolePath(pulumi.getStack());
    const role = new aws.iam.Role(
      `${name}-job-role`,
      {
        description: "Glue ETL job of the data lake: raw JSON to curated Parquet.",
        path: rolePath,
        assumeRolePolicy: toJson(assumeRolePolicy("glue.amazonaws.com")),
      },
      { parent: this },
    );

    // Glue would create these groups itself, without retention; creating them first sets retention and the key.
    // Their names include the role's path, which Glue takes from the role's ARN.
    const logNames = pulumi
      .all([security.name, role.name])
      .apply(([sc, r]) => jobLogGroupNames(sc, r, rolePath));
    const logGroups = (["output", "error", "continuous"] as const).map(
      (stream) =>
        new aws.cloudwatch.LogGroup(
          `${name}-logs-${stream}`,
          { name: logNames[stream], retentionInDays: logRetentionDays, kmsKeyId: args.keyArn },
          { parent: this },
        ),
    );

    const policy = new aws.iam.RolePolicy(
      `${name}-job-policy`,
      {
        role: role.id,
        policy: pulumi.jsonStringify(
          pulumi
            .output({
              partition,
              region,
              accountId,
              databaseName: args.databaseName,
              rawBucketArn: args.rawBucketArn,
              curatedBucketArn: args.curatedBucketArn,
              keyArn: args.keyArn,
              logGroupNames: logGroups.map((g) => g.name),
            })
            .apply(jobRolePolicy),
        ),
      },
      { parent: this },
    );

    // The job's code, uploaded by the program: the Spark wiring and the pure module it imports.
    const code = [
      { role: "script", file: JOB_SCRIPT_FILE },
      { role: "transform-module", file: TRANSFORM_MODULE_FILE },
    ].map(
      (c) =>
        new aws.s3.BucketObjectv2(
          `${name}-${c.role}`,
          {
            bucket: args.curatedBucketName,
            key: jobCodeKey(c.file),
            source: new pulumi.asset.FileAsset(path.join(JOBS_DIR, c.file)),
            contentType: "text/x-python",
            serverSideEncryption: "aws:kms",
            kmsKeyId: args.keyArn,
            bucketKeyEnabled: true,
          },
          { parent: this },
        ),
    );

    const scriptLocation = pulumi.interpolate`s3://${args.curatedBucketName}/${jobCodeKey(JOB_SCRIPT_FILE)}`;
    const job = new aws.glue.Job(
      `${name}-job`,
      {
        description:
          "Raw application-log JSON to curated Snappy Parquet partitioned by dt/hour (bookmarked).",
        roleArn: role.arn,
        glueVersion,
        workerType,
        numberOfWorkers,
        timeout: timeoutMinutes,
        maxRetries: 0,
        // Bookmarks track one run at a time; a second concurrent run would process the same objects.
        executionProperty: { maxConcurrentRuns: 1 },
        command: { name: "glueetl", scriptLocation, pythonVersion: "3" },
        defaultArguments: pulumi
          .all([args.rawBucketName, args.curatedBucketName])
          .apply(([raw, cur]) => jobArguments({ rawBucketName: raw, curatedBucketName: cur })),
        securityConfiguration: security.name,
      },
      { parent: this, dependsOn: [policy, ...logGroups, ...code] },
    );

    let trigger: aws.glue.Trigger | undefined;
    if (args.schedule !== undefined) {
      trigger = new aws.glue.Trigger(
        `${name}-schedule`,
        {
          description: "Runs the ETL job on the stack's schedule.",
          type: "SCHEDULED",
          schedule: args.schedule,
          startOnCreation: true,
          actions: [{ jobName: job.name }],
        },
        { parent: this },
      );
    }

    const table = new aws.glue.CatalogTable(
      `${name}-curated-table`,
      {
        name: CURATED_TABLE_NAME,
        databaseName: args.databaseName,
        description:
          "Application logs as Snappy Parquet, typed, partitioned by UTC dt/hour (written by the ETL job).",
        tableType: "EXTERNAL_TABLE",
        parameters: pulumi
          .output(args.curatedBucketName)
          .apply((b) => curatedTableParameters(b, projectionRangeDays)),
        storageDescriptor: pulumi.output(args.curatedBucketName).apply((b) => curatedStorageDescriptor(b)),
        partitionKeys: curatedPartitionKeys(),
      },
      { parent: this, protect, retainOnDelete: protect },
    );

    let crawler: aws.glue.Crawler | undefined;
    if (enableCrawler) {
      const crawlerRole = new aws.iam.Role(
        `${name}-crawler-role`,
        {
          description: "Glue crawler over the data lake's curated Parquet.",
          assumeRolePolicy: toJson(assumeRolePolicy("glue.amazonaws.com")),
        },
        { parent: this },
      );
      const crawlerLogs = new aws.cloudwatch.LogGroup(
        `${name}-logs-crawler`,
        {
          name: pulumi.all([crawlerRole.name, security.name]).apply(([r, sc]) => crawlerLogGroupName(r, sc)),
          retentionInDays: logRetentionDays,
          kmsKeyId: args.keyArn,
        },
        { parent: this },
      );
      const crawlerPolicy = new aws.iam.RolePolicy(
        `${name}-crawler-policy`,
        {
          role: crawlerRole.id,
          policy: pulumi.jsonStringify(
            pulumi
              .output({
                partition,
                region,
                accountId,
                databaseName: args.databaseName,
                curatedBucketArn: args.curatedBucketArn,
                keyArn: args.keyArn,
                logGroupName: crawlerLogs.name,
              })
              .apply(crawlerRolePolicy),
          ),
        },
        { parent: this },
      );
      crawler = new aws.glue.Crawler(
        `${name}-crawler`,
        {
          description:
            "Optional crawler over the curated Parquet, as in the hands-on (the declared table needs none).",
          role: crawlerRole.arn,
          databaseName: args.databaseName,
          tablePrefix: CRAWLER_TABLE_PREFIX,
          s3Targets: [
            {
              path: pulumi.interpolate`s3://${args.curatedBucketName}/${CURATED_DATA_PREFIX}`,
              exclusions: CRAWLER_EXCLUSIONS,
            },
          ],
          recrawlPolicy: { recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" },
          // Incremental crawls require LOG for both behaviours.
          schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior: "LOG" },
          securityConfiguration: security.name,
        },
        { parent: this, dependsOn: [crawlerPolicy, crawlerLogs, table] },
      );
      // The crawler follows the job: new folders exist only after a successful run.
      new aws.glue.Trigger(
        `${name}-crawl-after-job`,
        {
          description: "Crawls the curated prefix after each successful ETL run.",
          type: "CONDITIONAL",
          startOnCreation: true,
          predicate: { conditions: [{ jobName: job.name, state: "SUCCEEDED" }] },
          actions: [{ crawlerName: crawler.name }],
        },
        { parent: this },
      );
    }

    for (const spec of namedQuerySpecs()) {
      new aws.athena.NamedQuery(
        `${name}-query-${spec.name}`,
        {
          name: spec.name,
          description: spec.description,
          workgroup: args.workgroupName,
          database: args.databaseName,
          query: pulumi
            .all([args.databaseName, args.rawTableName])
            .apply(([database, rawTable]) => spec.query({ database, rawTable })),
        },
        { parent: this, dependsOn: [table] },
      );
    }

    this.jobName = job.name;
    this.jobRoleArn = role.arn;
    this.securityConfigurationName = security.name;
    this.curatedTableName = table.name;
    this.scriptLocation = scriptLocation;
    this.startJobRunCommand = pulumi.all([job.name, region]).apply(([j, r]) => startJobRunCommand(j, r));
    this.triggerName = trigger ? trigger.name : pulumi.output(undefined);
    this.crawlerName = crawler ? crawler.name : pulumi.output(undefined);
    this.registerOutputs({
      jobName: this.jobName,
      jobRoleArn: this.jobRoleArn,
      securityConfigurationName: this.securityConfigurationName,
      curatedTableName: this.curatedTableName,
      scriptLocation: this.scriptLocation,
      startJobRunCommand: this.startJobRunCommand,
      triggerName: this.triggerName,
      crawlerName: this.crawlerName,
    });
  }
}
