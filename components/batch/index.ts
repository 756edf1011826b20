import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, policyDocument, toJson } from "../shared/iam";
import {
  CURATED_DATA_PREFIX,
  ETL_TEMP_EXPIRATION_DAYS,
  ETL_TEMP_PREFIX,
  QUARANTINE_PREFIX,
  RAW_COLUMNS,
  RAW_PARTITION_LEVELS,
  RAW_PARTITION_TIME_ZONE,
  RAW_TABLE_NAME,
  RAW_UNPARTITIONED_TABLE_NAME,
  lakeKeyDirectUserRolePath,
  lakeLogGroupPrefix,
  rawErrorOutputPrefix,
  rawFirehosePrefix,
} from "../shared/lake";
import { PROJECT } from "../shared/names";
import { SecureBucket } from "../shared/secureBucket";
import { rawTableDefinition, rawUnpartitionedTableDefinition } from "./catalog";
import {
  firehoseDeliveryPolicy,
  generatorFirehosePolicy,
  lakeKeyPolicy,
  spectrumPolicy,
} from "./iamDocuments";
import { athenaNamedQueries, createExternalSchemaSql, redshiftExampleQuerySql } from "./queries";

/** Key prefix of Athena query results in the results bucket. */
export const ATHENA_RESULTS_PREFIX = "results/";
/** Redshift external schema over the Glue database. */
export const SPECTRUM_SCHEMA = "lake";
/** Incomplete multipart uploads are aborted after this many days in every bucket. */
export const ABORT_MULTIPART_DAYS = 7;

/** Actions a QuickSight principal gets on the data source (owner). */
export const QUICKSIGHT_DATA_SOURCE_ACTIONS = [
  "quicksight:DeleteDataSource",
  "quicksight:DescribeDataSource",
  "quicksight:DescribeDataSourcePermissions",
  "quicksight:PassDataSource",
  "quicksight:UpdateDataSource",
  "quicksight:UpdateDataSourcePermissions",
];
/** Actions a QuickSight principal gets on the dataset (owner). */
export const QUICKSIGHT_DATA_SET_ACTIONS = [
  "quicksight:CancelIngestion",
  "quicksight:CreateIngestion",
  "quicksight:DeleteDataSet",
  "quicksight:DescribeDataSet",
  "quicksight:DescribeDataSetPermissions",
  "quicksight:DescribeIngestion",
  "quicksight:ListIngestions",
  "quicksight:PassDataSet",
  "quicksight:UpdateDataSet",
  "quicksight:UpdateDataSetPermissions",
];

/** Arguments of {@link BatchLayer}. */
export interface BatchLayerArgs {
  /** Name of the generator's IAM role; the layer grants it PutRecord/PutRecordBatch on the stream. */
  readonly generatorRoleName: pulumi.Input<string>;
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
}

function requireInt(layer: string, arg: string, value: number, min: number, max: number, hint = ""): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(
      `BatchLayer ${layer}: ${arg} is ${value}; use a whole number from ${min} to ${max}${hint}.`,
    );
  }
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

    const stack = pulumi.getStack();
    const databaseName = args.databaseName ?? `${PROJECT}_${stack}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
    const rawTransitionToIaDays = args.rawTransitionToIaDays ?? 30;
    const rawTransitionToArchiveDays = args.rawTransitionToArchiveDays ?? 90;
    const rawExpirationDays = args.rawExpirationDays ?? 365;
    const curatedExpirationDays = args.curatedExpirationDays ?? 730;
    const athenaResultsExpirationDays = args.athenaResultsExpirationDays ?? 7;
    const noncurrentVersionExpirationDays = args.noncurrentVersionExpirationDays ?? 30;
    const accessLogExpirationDays = args.accessLogExpirationDays ?? 90;
    const firehoseBufferSeconds = args.firehoseBufferSeconds ?? 60;
    const firehoseBufferMiB = args.firehoseBufferMiB ?? 5;
    const athenaBytesScannedCutoffMiB = args.athenaBytesScannedCutoffMiB ?? 1024;
    const logRetentionDays = args.logRetentionDays ?? 14;
    const forceDestroy = args.emptyBucketsOnDestroy ?? false;
    const enableWarehouse = args.enableWarehouse ?? true;
    const baseCapacityRpu = args.warehouseBaseCapacityRpu ?? 8;
    const adminUsername = args.warehouseAdminUsername ?? "admin";
    const warehouseDatabaseName = args.warehouseDatabaseName ?? "dev";
    const protect = args.protectStatefulResources ?? false;

    if (!/^[a-z][a-z0-9_]{0,254}$/.test(databaseName)) {
      throw new Error(
        `BatchLayer ${name}: databaseName is "${databaseName}"; use lowercase letters, digits and _ (Athena and Spectrum need that), starting with a letter.`,
      );
    }
    requireInt(
      name,
      "rawTransitionToIaDays",
      rawTransitionToIaDays,
      30,
      36_500,
      " (S3 needs 30 days before Standard-IA)",
    );
    requireInt(
      name,
      "rawTransitionToArchiveDays",
      rawTransitionToArchiveDays,
      rawTransitionToIaDays + 30,
      36_500,
      " (30 days after rawTransitionToIaDays at least)",
    );
    requireInt(
      name,
      "rawExpirationDays",
      rawExpirationDays,
      rawTransitionToArchiveDays + 1,
      36_500,
      " (after rawTransitionToArchiveDays)",
    );
    requireInt(name, "curatedExpirationDays", curatedExpirationDays, 1, 36_500);
    requireInt(name, "athenaResultsExpirationDays", athenaResultsExpirationDays, 1, 3650);
    requireInt(name, "noncurrentVersionExpirationDays", noncurrentVersionExpirationDays, 1, 3650);
    requireInt(name, "accessLogExpirationDays", accessLogExpirationDays, 1, 3650);
    requireInt(name, "firehoseBufferSeconds", firehoseBufferSeconds, 0, 900);
    requireInt(name, "firehoseBufferMiB", firehoseBufferMiB, 1, 128);
    requireInt(
      name,
      "athenaBytesScannedCutoffMiB",
      athenaBytesScannedCutoffMiB,
      10,
      1_073_741_824,
      " (Athena's minimum is 10 MB)",
    );
    requireInt(name, "logRetentionDays", logRetentionDays, 1, 3653);
    if (enableWarehouse) {
      requireInt(name, "warehouseBaseCapacityRpu", baseCapacityRpu, 8, 1024);
      if (baseCapacityRpu % 8 !== 0) {
        throw new Error(
          `BatchLayer ${name}: warehouseBaseCapacityRpu is ${baseCapacityRpu}; use a multiple of 8 from 8 to 1024.`,
        );
      }
      const missing = (["vpcId", "subnetIds", "vpcCidrBlock"] as const).filter((k) => args[k] === undefined);
      if (missing.length) {
        throw new Error(
          `BatchLayer ${name}: enableWarehouse is true but ${missing.join(", ")} is not set; pass the network's values or set enableWarehouse to false.`,
        );
      }
    }

    const region = aws.getRegionOutput({}, { parent: this }).region;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const logGroupPrefix = lakeLogGroupPrefix(stack);

    // --- The lake key -------------------------------------------------------------------------
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `${PROJECT} ${stack}: the data lake (buckets, Firehose, delivery logs, Redshift namespace, admin secret)`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: toJson(
          lakeKeyPolicy({
            partition,
            region,
            accountId,
            // This stack's lake log groups, and Glue's (the ETL layer's KMS-encrypted continuous logs).
            logGroupNamePatterns: [`${logGroupPrefix}*`, "/aws-glue/*"],
            directUserRolePath: lakeKeyDirectUserRolePath(stack),
          }),
        ),
      },
      { parent: this, protect, retainOnDelete: protect },
    );
    new aws.kms.Alias(
      `${name}-key-alias`,
      { name: `alias/${PROJECT}-${stack}-lake`, targetKeyId: key.keyId },
      { parent: this },
    );
    this.keyArn = key.arn;

    // --- Buckets ------------------------------------------------------------------------------
    const bucketOpts = { parent: this };
    const accessLogs = new SecureBucket(
      `${name}-access-logs`,
      {
        // S3 server access logging can only write to a target with SSE-S3 default encryption.
        encryption: "AES256",
        acceptAccessLogsFromAccountId: accountId,
        lifecycle: {
          expirationDays: accessLogExpirationDays,
          noncurrentVersionExpirationDays,
          abortIncompleteMultipartUploadDays: ABORT_MULTIPART_DAYS,
        },
        forceDestroy,
        protect,
      },
      bucketOpts,
    );
    const lakeBucket = (
      role: string,
      lifecycle: ConstructorParameters<typeof SecureBucket>[1]["lifecycle"],
    ) =>
      new SecureBucket(
        `${name}-${role}`,
        {
          encryption: "aws:kms",
          kmsKeyArn: key.arn,
          lifecycle,
          accessLogBucketName: accessLogs.bucketName,
          accessLogPrefix: `${role}/`,
          forceDestroy,
          protect,
        },
        bucketOpts,
      );
    const raw = lakeBucket("raw", {
      transitions: [
        { days: rawTransitionToIaDays, storageClass: "STANDARD_IA" },
        { days: rawTransitionToArchiveDays, storageClass: "GLACIER" },
      ],
      expirationDays: rawExpirationDays,
      noncurrentVersionExpirationDays,
      abortIncompleteMultipartUploadDays: ABORT_MULTIPART_DAYS,
    });
    // The curated bucket also holds the ETL job's scripts, which must never expire: retention
    // applies to the data prefixes only, and the job's scratch space expires within days.
    const curated = lakeBucket("curated", {
      retentionPrefixes: [CURATED_DATA_PREFIX, QUARANTINE_PREFIX],
      shortLivedPrefixes: [{ prefix: ETL_TEMP_PREFIX, expirationDays: ETL_TEMP_EXPIRATION_DAYS }],
      expirationDays: curatedExpirationDays,
      noncurrentVersionExpirationDays,
      abortIncompleteMultipartUploadDays: ABORT_MULTIPART_DAYS,
    });
    const results = lakeBucket("athena-results", {
      expirationDays: athenaResultsExpirationDays,
      noncurrentVersionExpirationDays,
      abortIncompleteMultipartUploadDays: ABORT_MULTIPART_DAYS,
    });
    this.rawBucketName = raw.bucketName;
    this.rawBucketArn = raw.bucketArn;
    this.curatedBucketName = curated.bucketName;
    this.curatedBucketArn = curated.bucketArn;
    this.athenaResultsBucketName = results.bucketName;
    this.athenaResultsBucketArn = results.bucketArn;
    this.accessLogBucketName = accessLogs.bucketName;

    // --- Firehose -----------------------------------------------------------------------------
    const deliveryLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-firehose-logs`,
      { name: `${logGroupPrefix}firehose/${name}`, kmsKeyId: key.arn, retentionInDays: logRetentionDays },
      { parent: this },
    );
    const deliveryLogStream = new aws.cloudwatch.LogStream(
      `${name}-firehose-log-stream`,
      { logGroupName: deliveryLogGroup.name, name: "S3Delivery" },
      { parent: this },
    );
    const firehoseRole = new aws.iam.Role(
      `${name}-firehose-role`,
      {
        description: "Firehose delivery of the application logs into the raw zone",
        // The external id (the account) is the confused-deputy guard Firehose documents.
        assumeRolePolicy: toJson(
          assumeRolePolicy("firehose.amazonaws.com", { StringEquals: { "sts:ExternalId": accountId } }),
        ),
      },
      { parent: this },
    );
    const firehosePolicy = new aws.iam.RolePolicy(
      `${name}-firehose-delivery`,
      {
        role: firehoseRole.id,
        policy: toJson(
          firehoseDeliveryPolicy({
            rawBucketArn: raw.bucketArn,
            keyArn: key.arn,
            region,
            logStreamArn: pulumi.interpolate`${deliveryLogGroup.arn}:log-stream:${deliveryLogStream.name}`,
          }),
        ),
      },
      { parent: this },
    );
    const stream = new aws.kinesis.FirehoseDeliveryStream(
      `${name}-firehose`,
      {
        destination: "extended_s3",
        serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: key.arn },
        extendedS3Configuration: {
          roleArn: firehoseRole.arn,
          bucketArn: raw.bucketArn,
          prefix: rawFirehosePrefix(),
          errorOutputPrefix: rawErrorOutputPrefix(),
          customTimeZone: RAW_PARTITION_TIME_ZONE,
          bufferingInterval: firehoseBufferSeconds,
          bufferingSize: firehoseBufferMiB,
          compressionFormat: "GZIP",
          kmsKeyArn: key.arn,
          cloudwatchLoggingOptions: {
            enabled: true,
            logGroupName: deliveryLogGroup.name,
            logStreamName: deliveryLogStream.name,
          },
        },
      },
      // The role's policy must exist before Firehose validates access to the bucket.
      { parent: this, dependsOn: [firehosePolicy] },
    );
    this.firehoseStreamName = stream.name;
    this.firehoseStreamArn = stream.arn;
    new aws.iam.RolePolicy(
      `${name}-generator-firehose`,
      { role: args.generatorRoleName, policy: toJson(generatorFirehosePolicy(stream.arn)) },
      { parent: this },
    );

    // --- Glue Data Catalog --------------------------------------------------------------------
    const database = new aws.glue.CatalogDatabase(
      `${name}-database`,
      {
        name: databaseName,
        description: `${PROJECT} ${stack}: application logs (raw JSON from Firehose, curated Parquet from the ETL job)`,
      },
      { parent: this, protect, retainOnDelete: protect },
    );
    this.databaseName = database.name;
    const rawDef = raw.bucketName.apply((b) => rawTableDefinition(b, rawExpirationDays));
    const rawTable = new aws.glue.CatalogTable(
      `${name}-raw-table`,
      {
        name: RAW_TABLE_NAME,
        databaseName: database.name,
        description:
          "Application logs as delivered by Firehose (gzip JSON lines), partitions projected from the prefix (UTC)",
        tableType: rawDef.tableType,
        parameters: rawDef.parameters,
        partitionKeys: rawDef.partitionKeys,
        storageDescriptor: rawDef.storageDescriptor,
      },
      { parent: this },
    );
    this.rawTableName = rawTable.name;
    const flatDef = raw.bucketName.apply((b) => rawUnpartitionedTableDefinition(b));
    const rawFlatTable = new aws.glue.CatalogTable(
      `${name}-raw-unpartitioned-table`,
      {
        name: RAW_UNPARTITIONED_TABLE_NAME,
        databaseName: database.name,
        description:
          "The raw logs without partitions, for Redshift Spectrum (which does not use Athena's partition projection)",
        tableType: flatDef.tableType,
        parameters: flatDef.parameters,
        storageDescriptor: flatDef.storageDescriptor,
      },
      { parent: this },
    );

    // --- Athena -------------------------------------------------------------------------------
    const workgroup = new aws.athena.Workgroup(
      `${name}-workgroup`,
      {
        description: `${PROJECT} ${stack}: queries over the lake (enforced settings, KMS-encrypted results)`,
        state: "ENABLED",
        forceDestroy,
        configuration: {
          enforceWorkgroupConfiguration: true,
          publishCloudwatchMetricsEnabled: true,
          bytesScannedCutoffPerQuery: athenaBytesScannedCutoffMiB * 1024 * 1024,
          engineVersion: { selectedEngineVersion: "Athena engine version 3" },
          resultConfiguration: {
            outputLocation: pulumi.interpolate`s3://${results.bucketName}/${ATHENA_RESULTS_PREFIX}`,
            encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: key.arn },
            expectedBucketOwner: accountId,
          },
        },
      },
      { parent: this },
    );
    this.workgroupName = workgroup.name;
    for (const q of athenaNamedQueries(databaseName, RAW_TABLE_NAME)) {
      new aws.athena.NamedQuery(
        `${name}-query-${q.key}`,
        {
          name: q.name,
          description: q.description,
          database: database.name,
          workgroup: workgroup.name,
          query: q.sql,
        },
        { parent: this, dependsOn: [rawTable] },
      );
    }

    // --- Redshift Serverless + Spectrum -------------------------------------------------------
    if (enableWarehouse) {
      const spectrumRole = new aws.iam.Role(
        `${name}-spectrum-role`,
        {
          description: "Redshift Spectrum: read the lake prefixes and the lake's Glue database",
          assumeRolePolicy: toJson(
            policyDocument({
              Effect: "Allow",
              Principal: { Service: ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"] },
              Action: "sts:AssumeRole",
            }),
          ),
        },
        { parent: this },
      );
      const spectrumGrant = new aws.iam.RolePolicy(
        `${name}-spectrum-read`,
        {
          role: spectrumRole.id,
          policy: toJson(
            spectrumPolicy({
              partition,
              region,
              accountId,
              rawBucketArn: raw.bucketArn,
              curatedBucketArn: curated.bucketArn,
              keyArn: key.arn,
              databaseName: database.name,
            }),
          ),
        },
        { parent: this },
      );
      const redshiftSg = new aws.ec2.SecurityGroup(
        `${name}-redshift-sg`,
        {
          vpcId: args.vpcId,
          description: "Redshift Serverless: 5439 from the VPC only; HTTPS out to S3 and the Glue endpoint",
          ingress: [
            {
              description: "Redshift from inside the VPC",
              protocol: "tcp",
              fromPort: 5439,
              toPort: 5439,
              cidrBlocks: [args.vpcCidrBlock!],
            },
          ],
          egress: [
            {
              description: "HTTPS to S3 (gateway endpoint), Glue (interface endpoint) and AWS APIs",
              protocol: "tcp",
              fromPort: 443,
              toPort: 443,
              cidrBlocks: ["0.0.0.0/0"],
            },
          ],
          revokeRulesOnDelete: true,
          tags: { Name: `${name}-redshift` },
        },
        { parent: this },
      );
      // With enhanced VPC routing, Spectrum reaches the Glue Data Catalog through the VPC: the
      // workload subnets have no route out in dev (no NAT), so the catalog needs an interface endpoint.
      const glueEndpointSg = new aws.ec2.SecurityGroup(
        `${name}-glue-endpoint-sg`,
        {
          vpcId: args.vpcId,
          description: "Glue interface endpoint: HTTPS from the VPC only",
          ingress: [
            {
              description: "HTTPS from inside the VPC",
              protocol: "tcp",
              fromPort: 443,
              toPort: 443,
              cidrBlocks: [args.vpcCidrBlock!],
            },
          ],
          egress: [],
          revokeRulesOnDelete: true,
          tags: { Name: `${name}-glue-endpoint` },
        },
        { parent: this },
      );
      const glueEndpoint = new aws.ec2.VpcEndpoint(
        `${name}-glue-endpoint`,
        {
          vpcId: args.vpcId!,
          serviceName: pulumi.interpolate`com.amazonaws.${region}.glue`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: args.subnetIds,
          securityGroupIds: [glueEndpointSg.id],
          tags: { Name: `${name}-glue` },
        },
        { parent: this },
      );
      const warehouseName = `${PROJECT}-${stack}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
      const namespace = new aws.redshiftserverless.Namespace(
        `${name}-namespace`,
        {
          namespaceName: warehouseName,
          dbName: warehouseDatabaseName,
          adminUsername,
          manageAdminPassword: true,
          adminPasswordSecretKmsKeyId: key.arn,
          kmsKeyId: key.arn,
          iamRoles: [spectrumRole.arn],
          defaultIamRoleArn: spectrumRole.arn,
        },
        { parent: this, protect, retainOnDelete: protect, dependsOn: [spectrumGrant] },
      );
      const rsWorkgroup = new aws.redshiftserverless.Workgroup(
        `${name}-redshift-workgroup`,
        {
          workgroupName: warehouseName,
          namespaceName: namespace.namespaceName,
          baseCapacity: baseCapacityRpu,
          publiclyAccessible: false,
          enhancedVpcRouting: true,
          subnetIds: args.subnetIds,
          securityGroupIds: [redshiftSg.id],
        },
        { parent: this, dependsOn: [glueEndpoint] },
      );
      const schemaSql = spectrumRole.arn.apply((arn) =>
        createExternalSchemaSql(SPECTRUM_SCHEMA, databaseName, arn),
      );
      new aws.redshiftdata.Statement(
        `${name}-spectrum-schema`,
        {
          workgroupName: rsWorkgroup.workgroupName,
          database: warehouseDatabaseName,
          secretArn: namespace.adminPasswordSecretArn,
          sql: schemaSql,
        },
        { parent: this, dependsOn: [rawTable, rawFlatTable, spectrumGrant] },
      );
      this.redshiftWorkgroupName = rsWorkgroup.workgroupName;
      this.redshiftEndpoint = rsWorkgroup.endpoints.apply((e) =>
        e.length ? `${e[0].address}:${e[0].port}` : "",
      );
      this.redshiftAdminSecretArn = namespace.adminPasswordSecretArn;
      this.redshiftExampleQuery = redshiftExampleQuerySql(SPECTRUM_SCHEMA, RAW_UNPARTITIONED_TABLE_NAME);
    }

    // --- QuickSight ---------------------------------------------------------------------------
    if (args.quicksightPrincipalArn !== undefined) {
      const principal = args.quicksightPrincipalArn;
      const dataSource = new aws.quicksight.DataSource(
        `${name}-quicksight-source`,
        {
          dataSourceId: `${PROJECT}-${stack}-athena`,
          name: `${PROJECT} ${stack} Athena`,
          type: "ATHENA",
          parameters: { athena: { workGroup: workgroup.name } },
          permissions: [{ principal, actions: QUICKSIGHT_DATA_SOURCE_ACTIONS }],
        },
        { parent: this },
      );
      this.quicksightDataSetId = `${PROJECT}-${stack}-app-logs-raw`;
      const columns = [
        ...RAW_COLUMNS.map((c) => ({ name: c.name, type: c.type })),
        ...RAW_PARTITION_LEVELS.map((l) => ({ name: l.key, type: l.type })),
      ];
      new aws.quicksight.DataSet(
        `${name}-quicksight-dataset`,
        {
          dataSetId: this.quicksightDataSetId,
          name: `${PROJECT} ${stack} app logs (raw)`,
          importMode: "DIRECT_QUERY",
          physicalTableMaps: [
            {
              physicalTableMapId: "applogsraw",
              relationalTable: {
                dataSourceArn: dataSource.arn,
                catalog: "AwsDataCatalog",
                schema: database.name,
                name: rawTable.name,
                inputColumns: columns.map((c) => ({
                  name: c.name,
                  type: c.type === "int" ? "INTEGER" : "STRING",
                })),
              },
            },
          ],
          permissions: [{ principal, actions: QUICKSIGHT_DATA_SET_ACTIONS }],
        },
        { parent: this },
      );
    }

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
