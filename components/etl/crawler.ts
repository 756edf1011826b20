/**
 * The optional crawler over the curated prefix, as in the hands-on: its own role, log group and
 * policy, and the trigger that starts it after each successful job run. The declared curated table
 * needs no crawler; the crawler's tables are prefixed so they never collide with it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, toJson } from "../shared/iam";
import { CURATED_DATA_PREFIX } from "../shared/lake";
import { crawlerLogGroupName } from "./layout";
import { crawlerRolePolicy } from "./policy";
import { AccountScope, UnitBase } from "./unit";

/**
 * Objects under the table location that are not data, which a crawler must not read as tables:
 * Spark's `_SUCCESS` and `_temporary/` (the job now writes them under glue/temp/; kept for any
 * job that writes in place), EMRFS's `<dir>_$folder$` markers beside the `dt=`/`hour=` folders
 * (and `_runs_$folder$`), hidden files, and the job's run manifests `app_logs/_runs/<run>.json`
 * (ledger.py) and the files a format change moved to `app_logs/_superseded/` (earlier shapes). Glue
 * matches exclude patterns relative to the include path, so the manifests are `_runs/<run>.json`:
 * the first `_runs` pattern below matches them, the second any deeper `_runs` folder ("Include and
 * exclude patterns", https://docs.aws.amazon.com/glue/latest/dg/define-crawler-choose-data-sources.html).
 */
export const CRAWLER_EXCLUSIONS = [
  "**/_SUCCESS",
  "**/_temporary/**",
  "**_$folder$",
  "**/.*",
  "_runs/**",
  "**/_runs/**",
  "_superseded/**",
];

/** Prefix of the crawler's tables, so they never collide with the declared curated table. */
export const CRAWLER_TABLE_PREFIX = "crawled_";

export interface CrawlerInputs extends UnitBase {
  readonly scope: AccountScope;
  readonly keyArn: pulumi.Input<string>;
  readonly databaseName: pulumi.Input<string>;
  readonly curatedBucketName: pulumi.Input<string>;
  readonly curatedBucketArn: pulumi.Input<string>;
  readonly securityConfigurationName: pulumi.Output<string>;
  readonly logRetentionDays: number;
  /** The declared curated table; the crawler is created after it. */
  readonly table: aws.glue.CatalogTable;
  /** Name of the job whose successful runs start the crawler. */
  readonly jobName: pulumi.Output<string>;
}

/** The crawler with its role, log group, policy and follow-up trigger. */
export function curatedCrawler(i: CrawlerInputs): aws.glue.Crawler {
  const role = new aws.iam.Role(
    `${i.name}-crawler-role`,
    {
      description: "Glue crawler over the data lake's curated Parquet.",
      assumeRolePolicy: toJson(assumeRolePolicy("glue.amazonaws.com")),
    },
    { parent: i.parent },
  );
  const logs = new aws.cloudwatch.LogGroup(
    `${i.name}-logs-crawler`,
    {
      name: pulumi
        .all([role.name, i.securityConfigurationName])
        .apply(([r, sc]) => crawlerLogGroupName(r, sc)),
      retentionInDays: i.logRetentionDays,
      kmsKeyId: i.keyArn,
    },
    { parent: i.parent },
  );
  const policy = new aws.iam.RolePolicy(
    `${i.name}-crawler-policy`,
    {
      role: role.id,
      policy: pulumi.jsonStringify(
        pulumi
          .output({
            partition: i.scope.partition,
            region: i.scope.region,
            accountId: i.scope.accountId,
            databaseName: i.databaseName,
            curatedBucketArn: i.curatedBucketArn,
            keyArn: i.keyArn,
            logGroupName: logs.name,
          })
          .apply(crawlerRolePolicy),
      ),
    },
    { parent: i.parent },
  );
  const crawler = new aws.glue.Crawler(
    `${i.name}-crawler`,
    {
      description:
        "Optional crawler over the curated Parquet, as in the hands-on (the declared table needs none).",
      role: role.arn,
      databaseName: i.databaseName,
      tablePrefix: CRAWLER_TABLE_PREFIX,
      s3Targets: [
        {
          path: pulumi.interpolate`s3://${i.curatedBucketName}/${CURATED_DATA_PREFIX}`,
          exclusions: CRAWLER_EXCLUSIONS,
        },
      ],
      recrawlPolicy: { recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" },
      // Incremental crawls require LOG for both behaviours.
      schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior: "LOG" },
      securityConfiguration: i.securityConfigurationName,
    },
    { parent: i.parent, dependsOn: [policy, logs, i.table] },
  );
  // The crawler follows the job: new folders exist only after a successful run.
  new aws.glue.Trigger(
    `${i.name}-crawl-after-job`,
    {
      description: "Crawls the curated prefix after each successful ETL run.",
      type: "CONDITIONAL",
      startOnCreation: true,
      predicate: { conditions: [{ jobName: i.jobName, state: "SUCCEEDED" }] },
      actions: [{ crawlerName: crawler.name }],
    },
    { parent: i.parent },
  );
  return crawler;
}
