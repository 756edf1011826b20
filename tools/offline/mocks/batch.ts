/**
 * Mocks for the BatchLayer: KMS, S3 (v7 split resources), CloudWatch Logs, Firehose, Glue, Athena,
 * Redshift Serverless, the Redshift Data API and QuickSight. IAM, security groups and VPC
 * endpoints are declared in network.ts; KMS keys and log groups, declared here, serve every layer.
 * A type is declared once: a second declaration throws at startup.
 */
import { TypeMock, defineTypeMocks } from "./registry";

const arn = (partition: string, service: string, region: string, account: string, resource: string) =>
  `arn:${partition}:${service}:${region}:${account}:${resource}`;

/** A UUID-shaped id derived from the deterministic hex. */
const uuid = (hex: (n: number) => string) => {
  const h = hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** S3's split configuration resources use the bucket name as their id. */
const bucketConfig: TypeMock = { id: (_ctx, s) => String(s.bucket) };

const mocks: Record<string, TypeMock> = {
  "aws:kms/key:Key": {
    id: (ctx) => uuid(ctx.hex),
    outputs: (ctx, s) => ({
      arn: arn(ctx.partition, "kms", ctx.region, ctx.accountId, `key/${s.id}`),
      keyId: s.id,
      keyUsage: s.keyUsage ?? "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      isEnabled: true,
      rotationPeriodInDays: s.enableKeyRotation ? 365 : undefined,
    }),
  },
  "aws:kms/alias:Alias": {
    id: (_ctx, s) => String(s.name),
    outputs: (ctx, s) => ({
      arn: arn(ctx.partition, "kms", ctx.region, ctx.accountId, String(s.name)),
      targetKeyArn: arn(ctx.partition, "kms", ctx.region, ctx.accountId, `key/${s.targetKeyId}`),
    }),
  },
  "aws:s3/bucket:Bucket": {
    autoName: "bucket",
    autoNameMaxLength: 63,
    autoNameLowercase: true,
    outputs: (ctx, s) => ({
      arn: `arn:${ctx.partition}:s3:::${s.bucket}`,
      bucketDomainName: `${s.bucket}.s3.amazonaws.com`,
      bucketRegionalDomainName: `${s.bucket}.s3.${ctx.region}.amazonaws.com`,
      hostedZoneId: "Z2M4EHUR26P7ZW",
      region: ctx.region,
    }),
  },
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketConfig,
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketConfig,
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": bucketConfig,
  "aws:s3/bucketVersioning:BucketVersioning": bucketConfig,
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketConfig,
  "aws:s3/bucketPolicy:BucketPolicy": bucketConfig,
  "aws:s3/bucketLogging:BucketLogging": bucketConfig,
  "aws:cloudwatch/logGroup:LogGroup": {
    autoName: "name",
    id: (_ctx, s) => String(s.name),
    outputs: (ctx, s) => ({
      arn: arn(ctx.partition, "logs", ctx.region, ctx.accountId, `log-group:${s.name}`),
    }),
  },
  "aws:cloudwatch/logStream:LogStream": {
    autoName: "name",
    id: (_ctx, s) => String(s.name),
    outputs: (ctx, s) => ({
      arn: arn(
        ctx.partition,
        "logs",
        ctx.region,
        ctx.accountId,
        `log-group:${s.logGroupName}:log-stream:${s.name}`,
      ),
    }),
  },
  "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": {
    autoName: "name",
    autoNameMaxLength: 64,
    id: (ctx, s) => arn(ctx.partition, "firehose", ctx.region, ctx.accountId, `deliverystream/${s.name}`),
    outputs: (ctx, s) => ({
      arn: arn(ctx.partition, "firehose", ctx.region, ctx.accountId, `deliverystream/${s.name}`),
      versionId: "1",
      destinationId: "destinationId-000000000001",
    }),
  },
  "aws:glue/catalogDatabase:CatalogDatabase": {
    autoName: "name",
    autoNameLowercase: true,
    id: (ctx, s) => `${ctx.accountId}:${s.name}`,
    outputs: (ctx, s) => ({
      arn: arn(ctx.partition, "glue", ctx.region, ctx.accountId, `database/${s.name}`),
      catalogId: ctx.accountId,
    }),
  },
  "aws:glue/catalogTable:CatalogTable": {
    autoName: "name",
    autoNameLowercase: true,
    id: (ctx, s) => `${ctx.accountId}:${s.databaseName}:${s.name}`,
    outputs: (ctx, s) => ({
      arn: arn(ctx.partition, "glue", ctx.region, ctx.accountId, `table/${s.databaseName}/${s.name}`),
      catalogId: ctx.accountId,
    }),
  },
  "aws:athena/workgroup:Workgroup": {
    autoName: "name",
    id: (_ctx, s) => String(s.name),
    outputs: (ctx, s) => ({
      arn: arn(ctx.partition, "athena", ctx.region, ctx.accountId, `workgroup/${s.name}`),
    }),
  },
  "aws:athena/namedQuery:NamedQuery": {
    id: (ctx) => uuid(ctx.hex),
  },
  "aws:redshiftserverless/namespace:Namespace": {
    id: (_ctx, s) => String(s.namespaceName),
    outputs: (ctx, s) => {
      const namespaceId = uuid(ctx.hex);
      // adminUsername is a secret input: mocks see it wrapped.
      const admin =
        typeof s.adminUsername === "object" && s.adminUsername !== null
          ? s.adminUsername.value
          : s.adminUsername;
      return {
        arn: arn(ctx.partition, "redshift-serverless", ctx.region, ctx.accountId, `namespace/${namespaceId}`),
        namespaceId,
        adminPasswordSecretArn: s.manageAdminPassword
          ? arn(
              ctx.partition,
              "secretsmanager",
              ctx.region,
              ctx.accountId,
              `secret:redshift!${s.namespaceName}-${admin}-${ctx.hex(6)}`,
            )
          : "",
      };
    },
  },
  "aws:redshiftserverless/workgroup:Workgroup": {
    id: (_ctx, s) => String(s.workgroupName),
    outputs: (ctx, s) => {
      const workgroupId = uuid(ctx.hex);
      return {
        arn: arn(ctx.partition, "redshift-serverless", ctx.region, ctx.accountId, `workgroup/${workgroupId}`),
        workgroupId,
        port: s.port ?? 5439,
        endpoints: [
          {
            address: `${s.workgroupName}.${ctx.accountId}.${ctx.region}.redshift-serverless.amazonaws.com`,
            port: s.port ?? 5439,
            vpcEndpoints: [],
          },
        ],
      };
    },
  },
  "aws:redshiftdata/statement:Statement": {
    id: (ctx) => uuid(ctx.hex),
  },
  "aws:quicksight/dataSource:DataSource": {
    id: (ctx, s) => `${ctx.accountId},${s.dataSourceId}`,
    outputs: (ctx, s) => ({
      arn: arn(ctx.partition, "quicksight", ctx.region, ctx.accountId, `datasource/${s.dataSourceId}`),
      awsAccountId: ctx.accountId,
    }),
  },
  "aws:quicksight/dataSet:DataSet": {
    id: (ctx, s) => `${ctx.accountId},${s.dataSetId}`,
    outputs: (ctx, s) => ({
      arn: arn(ctx.partition, "quicksight", ctx.region, ctx.accountId, `dataset/${s.dataSetId}`),
      awsAccountId: ctx.accountId,
    }),
  },
};

defineTypeMocks(mocks);
