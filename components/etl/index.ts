/**
 * EtlLayer (hands-on lab 6): a Glue job that turns the raw JSON into Snappy Parquet partitioned by
 * dt/hour, with its security configuration, least-privilege role, encrypted log groups, schedule,
 * the curated table in the catalog, an optional crawler, and the Athena queries that show the
 * scan reduction. Each concern is a unit in its own module (see unit.ts for why they are functions);
 * this constructor resolves the arguments and wires the units in dependency order.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { jobFailureRule } from "./alarms";
import { EtlLayerArgs, etlSettings } from "./args";
import { comparisonQueries, curatedTable } from "./catalog";
import { HANDS_ON_SCHEMA, curatedColumnsFor, isHandsOn } from "../shared/schema";
import { curatedCrawler } from "./crawler";
import { glueJob, jobLogGroups, scheduleTrigger, securityConfiguration } from "./job";
import { startJobRunCommand } from "./layout";
import { jobPolicy, jobRole } from "./role";
import { jobScripts } from "./scripts";
import { AccountScope } from "./unit";

export type { EtlLayerArgs } from "./args";
export { GLUE_VERSIONS, WORKER_TYPES } from "./args";
export { GLUE_FAILURE_STATES, glueJobFailurePattern } from "./alarms";
export { CRAWLER_EXCLUSIONS, CRAWLER_TABLE_PREFIX } from "./crawler";

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
  /** Name of the EventBridge rule that reports failed runs, or undefined without an operations topic. */
  public readonly failureRuleName: pulumi.Output<string | undefined>;

  constructor(name: string, args: EtlLayerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("datalake:etl:EtlLayer", name, {}, opts);

    // Defaults and validation first, so a bad argument fails before anything is registered.
    const settings = etlSettings(args);
    const eventSchema = args.eventSchema ?? HANDS_ON_SCHEMA;
    const unit = { parent: this, name };
    const scope: AccountScope = {
      region: aws.getRegionOutput({}, { parent: this }).region,
      accountId: aws.getCallerIdentityOutput({}, { parent: this }).accountId,
      partition: aws.getPartitionOutput({}, { parent: this }).partition,
    };

    // The job: security configuration, role, log groups, policy, code, then the job that needs them all.
    const security = securityConfiguration({ ...unit, keyArn: args.keyArn });
    const { role, rolePath } = jobRole(unit);
    const logGroups = jobLogGroups({
      ...unit,
      securityConfigurationName: security.name,
      roleName: role.name,
      rolePath,
      keyArn: args.keyArn,
      retentionDays: settings.logRetentionDays,
      glueVersion: settings.glueVersion,
    });
    const policy = jobPolicy({
      ...unit,
      role,
      scope,
      databaseName: args.databaseName,
      rawBucketArn: args.rawBucketArn,
      curatedBucketArn: args.curatedBucketArn,
      keyArn: args.keyArn,
      logGroupNames: logGroups.map((g) => g.name),
    });
    const scripts = jobScripts({ ...unit, curatedBucketName: args.curatedBucketName, keyArn: args.keyArn });
    const job = glueJob({
      ...unit,
      settings,
      roleArn: role.arn,
      scriptLocation: scripts.scriptLocation,
      rawBucketName: args.rawBucketName,
      curatedBucketName: args.curatedBucketName,
      securityConfigurationName: security.name,
      eventSchema,
      dependsOn: [policy, ...logGroups, ...scripts.objects],
    });
    const trigger =
      settings.schedule === undefined
        ? undefined
        : scheduleTrigger({ ...unit, schedule: settings.schedule, jobName: job.name });

    const failureRule =
      args.operationsTopicArn === undefined
        ? undefined
        : jobFailureRule({
            ...unit,
            stack: pulumi.getStack(),
            topicArn: args.operationsTopicArn,
            jobName: job.name,
          });

    // The catalog side: the curated table, the optional crawler over it, the comparison queries.
    const table = curatedTable({
      ...unit,
      databaseName: args.databaseName,
      curatedBucketName: args.curatedBucketName,
      projectionRangeDays: settings.projectionRangeDays,
      projectionStartDate: settings.projectionStartDate,
      protect: settings.protect,
      columns: curatedColumnsFor(eventSchema),
    });
    const crawler = settings.enableCrawler
      ? curatedCrawler({
          ...unit,
          scope,
          keyArn: args.keyArn,
          databaseName: args.databaseName,
          curatedBucketName: args.curatedBucketName,
          curatedBucketArn: args.curatedBucketArn,
          securityConfigurationName: security.name,
          logRetentionDays: settings.logRetentionDays,
          table,
          jobName: job.name,
        })
      : undefined;
    if (isHandsOn(eventSchema)) {
      comparisonQueries({
        ...unit,
        workgroupName: args.workgroupName,
        databaseName: args.databaseName,
        rawTableName: args.rawTableName,
        table,
      });
    }

    this.jobName = job.name;
    this.jobRoleArn = role.arn;
    this.securityConfigurationName = security.name;
    this.curatedTableName = table.name;
    this.scriptLocation = scripts.scriptLocation;
    this.startJobRunCommand = pulumi
      .all([job.name, scope.region])
      .apply(([j, r]) => startJobRunCommand(j, r));
    this.triggerName = trigger ? trigger.name : pulumi.output(undefined);
    this.crawlerName = crawler ? crawler.name : pulumi.output(undefined);
    this.failureRuleName = failureRule ? failureRule.name : pulumi.output(undefined);
    this.registerOutputs({
      jobName: this.jobName,
      jobRoleArn: this.jobRoleArn,
      securityConfigurationName: this.securityConfigurationName,
      curatedTableName: this.curatedTableName,
      scriptLocation: this.scriptLocation,
      startJobRunCommand: this.startJobRunCommand,
      triggerName: this.triggerName,
      crawlerName: this.crawlerName,
      failureRuleName: this.failureRuleName,
    });
  }
}
