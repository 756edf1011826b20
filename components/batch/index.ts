import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { OPS_DEFAULTS } from "../shared/alarms";
import { createBatchAlarms, freshnessThresholdSeconds } from "./alarms";
import { createAthena } from "./athena";
import { createLakeBuckets } from "./buckets";
import { createFirehose } from "./firehose";
import { createLakeKey } from "./key";
import { createQuickSight } from "./quicksight";
import { resolveBatchSettings } from "./settings";
import { createLakeCatalog } from "./tables";
import { createWarehouse } from "./warehouse";
import { EventSchema, HANDS_ON_SCHEMA, rawColumnsFor } from "../shared/schema";

export { freshnessThresholdSeconds } from "./alarms";
export { ATHENA_RESULTS_PREFIX } from "./athena";
export { ABORT_MULTIPART_DAYS } from "./buckets";
export { QUICKSIGHT_DATA_SET_ACTIONS, QUICKSIGHT_DATA_SOURCE_ACTIONS } from "./quicksight";
export { SPECTRUM_SCHEMA } from "./warehouse";

/** Arguments of {@link BatchLayer}. */
export interface BatchLayerArgs {
  /**
   * Name of the generator's IAM role; the layer grants it PutRecord/PutRecordBatch on the stream.
   * @default undefined — no generator, no grant
   */
  readonly generatorRoleName?: pulumi.Input<string>;
  /** VPC of the Redshift workgroup (required when enableWarehouse). */
  readonly vpcId?: pulumi.Input<string>;
  /** Workload subnets of the Redshift workgroup, one per zone, three zones (required when enableWarehouse). */
  readonly subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** VPC CIDR: the only source the Redshift and Glue endpoint security groups admit (required when enableWarehouse). */
  readonly vpcCidrBlock?: pulumi.Input<string>;
  /** Glue database of the lake. @default "datalake_<stack>" (non-identifier characters become _) */
  readonly databaseName?: string;
  /** Days before raw objects move to Standard-IA. @default 30 */
  readonly rawTransitionToIaDays?: number;
  /** Days before raw objects move to Glacier Flexible Retrieval (Athena skips archived objects). @default 90 */
  readonly rawTransitionToArchiveDays?: number;
  /** Days before raw objects expire; also the partition projection's date range. @default 365 */
  readonly rawExpirationDays?: number;
  /**
   * First day (yyyy-MM-dd, UTC) the raw table projects, instead of the whole retention: bounds what
   * a query without a `dt` filter enumerates (projectionDateRange). @default undefined
   */
  readonly projectionStartDate?: string;
  /** Days before curated objects expire. @default 730 */
  readonly curatedExpirationDays?: number;
  /** Days before Athena results expire. @default 7 */
  readonly athenaResultsExpirationDays?: number;
  /** Days before noncurrent versions are deleted, in every bucket. @default 30 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Days before S3 server access logs expire. @default 90 */
  readonly accessLogExpirationDays?: number;
  /** Firehose buffering interval in seconds (0 to 900). @default 60 — the hands-on's */
  readonly firehoseBufferSeconds?: number;
  /** Firehose buffering size in MiB (1 to 128). @default 5 */
  readonly firehoseBufferMiB?: number;
  /** Athena per-query scan cutoff in MiB (at least 10). @default 1024 */
  readonly athenaBytesScannedCutoffMiB?: number;
  /** Retention of the Firehose delivery log group, in days. @default 14 */
  readonly logRetentionDays?: number;
  /** Let `pulumi destroy` delete non-empty buckets and the workgroup's named queries. @default false */
  readonly emptyBucketsOnDestroy?: boolean;
  /** Create Redshift Serverless with the Spectrum schema. @default true */
  readonly enableWarehouse?: boolean;
  /** Base capacity of the Redshift workgroup in RPUs (8 to 1024, steps of 8). @default 8 */
  readonly warehouseBaseCapacityRpu?: number;
  /** Admin user of the namespace (its password is managed in Secrets Manager). @default "admin" */
  readonly warehouseAdminUsername?: string;
  /** Database of the namespace. @default "dev" */
  readonly warehouseDatabaseName?: string;
  /** QuickSight user or group ARN that owns the data source and dataset. @default undefined — no QuickSight */
  readonly quicksightPrincipalArn?: string;
  /** protect + retainOnDelete on the key, buckets, Glue database and Redshift namespace. @default false */
  readonly protectStatefulResources?: boolean;
  /**
   * The operations topic (from `Operations`) the Firehose freshness and throttling alarms notify.
   * @default undefined — no health alarms
   */
  readonly operationsTopicArn?: pulumi.Input<string>;
  /** The freshness alarm fires at this many buffering intervals (at least 1; never below 60 s). @default 2 */
  readonly firehoseFreshnessFactor?: number;
  /**
   * The event schema (`datalake:format`): the raw tables' columns, the named queries, the
   * QuickSight dataset's columns and the Redshift example query follow it. @default HANDS_ON_SCHEMA
   */
  readonly eventSchema?: EventSchema;
}

/**
 * Labs 4 and 5: the encrypted lake on S3 fed by Firehose, its Glue catalog with partition
 * projection, the Athena workgroup with the hands-on's queries, Redshift Serverless querying the
 * lake through Spectrum, and (optionally) QuickSight on Athena. One customer-managed key encrypts
 * every bucket, the stream, the delivery logs and the namespace.
 */
export class BatchLayer extends pulumi.ComponentResource {
  /** ARN of the lake's customer-managed KMS key. */
  public readonly keyArn: pulumi.Output<string>;
  public readonly rawBucketName: pulumi.Output<string>;
  public readonly rawBucketArn: pulumi.Output<string>;
  public readonly curatedBucketName: pulumi.Output<string>;
  public readonly curatedBucketArn: pulumi.Output<string>;
  public readonly athenaResultsBucketName: pulumi.Output<string>;
  public readonly athenaResultsBucketArn: pulumi.Output<string>;
  public readonly accessLogBucketName: pulumi.Output<string>;
  /** Glue database of the lake. */
  public readonly databaseName: pulumi.Output<string>;
  /** Projected raw table (Athena). */
  public readonly rawTableName: pulumi.Output<string>;
  /** Athena workgroup (enforced configuration). */
  public readonly workgroupName: pulumi.Output<string>;
  public readonly firehoseStreamName: pulumi.Output<string>;
  public readonly firehoseStreamArn: pulumi.Output<string>;
  /** Seconds of Firehose DataFreshness that raise the freshness alarm (the dashboard draws it). */
  public readonly firehoseFreshnessThresholdSeconds: number;
  /** Redshift Serverless workgroup, when the warehouse is enabled. */
  public readonly redshiftWorkgroupName?: pulumi.Output<string>;
  /** `host:port` of the Redshift workgroup (VPC-only), when the warehouse is enabled. */
  public readonly redshiftEndpoint?: pulumi.Output<string>;
  /** ARN of the Secrets Manager secret holding the Redshift admin password, when the warehouse is enabled. */
  public readonly redshiftAdminSecretArn?: pulumi.Output<string>;
  /** Example Redshift query over the Spectrum schema, when the warehouse is enabled. */
  public readonly redshiftExampleQuery?: string;
  /** QuickSight dataset id, when QuickSight is configured. */
  public readonly quicksightDataSetId?: string;

  constructor(name: string, args: BatchLayerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("datalake:batch:BatchLayer", name, {}, opts);

    // Defaults and validation: a bad argument throws before any child resource is registered.
    const stack = pulumi.getStack();
    const s = resolveBatchSettings(name, stack, args);
    const { forceDestroy, protect } = s;
    const freshnessFactor = args.firehoseFreshnessFactor ?? OPS_DEFAULTS.firehoseFreshnessFactor;
    this.firehoseFreshnessThresholdSeconds = freshnessThresholdSeconds(
      s.firehoseBufferSeconds,
      freshnessFactor,
    );

    const region = aws.getRegionOutput({}, { parent: this }).region;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    // Every unit parents its resources to this layer under `${name}-<role>`, as one constructor
    // did, so the URNs are the same as before the split (functions, not child components).
    const scope = { parent: this, name, stack };
    const awsScope = { partition, region, accountId };
    const eventSchema = args.eventSchema ?? HANDS_ON_SCHEMA;
    const rawColumns = rawColumnsFor(eventSchema);

    const { keyArn } = createLakeKey({ ...scope, ...awsScope, protect });
    const buckets = createLakeBuckets({
      ...scope,
      accountId,
      keyArn,
      rawTransitionToIaDays: s.rawTransitionToIaDays,
      rawTransitionToArchiveDays: s.rawTransitionToArchiveDays,
      rawExpirationDays: s.rawExpirationDays,
      curatedExpirationDays: s.curatedExpirationDays,
      athenaResultsExpirationDays: s.athenaResultsExpirationDays,
      noncurrentVersionExpirationDays: s.noncurrentVersionExpirationDays,
      accessLogExpirationDays: s.accessLogExpirationDays,
      forceDestroy,
      protect,
    });
    const firehose = createFirehose({
      ...scope,
      region,
      accountId,
      keyArn,
      rawBucketArn: buckets.raw.bucketArn,
      generatorRoleName: args.generatorRoleName,
      bufferSeconds: s.firehoseBufferSeconds,
      bufferMiB: s.firehoseBufferMiB,
      logRetentionDays: s.logRetentionDays,
    });
    if (args.operationsTopicArn !== undefined) {
      createBatchAlarms({
        ...scope,
        topicArn: args.operationsTopicArn,
        streamName: firehose.streamName,
        bufferSeconds: s.firehoseBufferSeconds,
        freshnessFactor,
      });
    }
    const catalog = createLakeCatalog({
      ...scope,
      databaseName: s.databaseName,
      rawBucketName: buckets.raw.bucketName,
      rawExpirationDays: s.rawExpirationDays,
      projectionStartDate: args.projectionStartDate,
      protect,
      eventSchema,
    });
    const athena = createAthena({
      ...scope,
      accountId,
      keyArn,
      resultsBucketName: buckets.results.bucketName,
      databaseName: s.databaseName,
      catalog,
      bytesScannedCutoffMiB: s.athenaBytesScannedCutoffMiB,
      eventSchema,
    });
    if (s.warehouse) {
      const warehouse = createWarehouse({
        ...scope,
        ...awsScope,
        settings: s.warehouse,
        keyArn,
        rawBucketArn: buckets.raw.bucketArn,
        curatedBucketArn: buckets.curated.bucketArn,
        lakeDatabaseName: s.databaseName,
        catalog,
        protect,
        eventSchema,
      });
      this.redshiftWorkgroupName = warehouse.workgroupName;
      this.redshiftEndpoint = warehouse.endpoint;
      this.redshiftAdminSecretArn = warehouse.adminSecretArn;
      this.redshiftExampleQuery = warehouse.exampleQuery;
    }
    if (s.quicksightPrincipalArn !== undefined) {
      const quicksight = createQuickSight({
        ...scope,
        principalArn: s.quicksightPrincipalArn,
        workgroupName: athena.workgroupName,
        catalog,
        rawColumns,
      });
      this.quicksightDataSetId = quicksight.dataSetId;
    }

    this.keyArn = keyArn;
    this.rawBucketName = buckets.raw.bucketName;
    this.rawBucketArn = buckets.raw.bucketArn;
    this.curatedBucketName = buckets.curated.bucketName;
    this.curatedBucketArn = buckets.curated.bucketArn;
    this.athenaResultsBucketName = buckets.results.bucketName;
    this.athenaResultsBucketArn = buckets.results.bucketArn;
    this.accessLogBucketName = buckets.accessLogs.bucketName;
    this.databaseName = catalog.database.name;
    this.rawTableName = catalog.rawTable.name;
    this.workgroupName = athena.workgroupName;
    this.firehoseStreamName = firehose.streamName;
    this.firehoseStreamArn = firehose.streamArn;

    this.registerOutputs({
      keyArn: this.keyArn,
      rawBucketName: this.rawBucketName,
      rawBucketArn: this.rawBucketArn,
      curatedBucketName: this.curatedBucketName,
      curatedBucketArn: this.curatedBucketArn,
      athenaResultsBucketName: this.athenaResultsBucketName,
      athenaResultsBucketArn: this.athenaResultsBucketArn,
      accessLogBucketName: this.accessLogBucketName,
      databaseName: this.databaseName,
      rawTableName: this.rawTableName,
      workgroupName: this.workgroupName,
      firehoseStreamName: this.firehoseStreamName,
      firehoseStreamArn: this.firehoseStreamArn,
      redshiftWorkgroupName: this.redshiftWorkgroupName,
      redshiftEndpoint: this.redshiftEndpoint,
    });
  }
}
