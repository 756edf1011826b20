/**
 * IAM documents of the ETL layer: the job role and the optional crawler role. Least privilege:
 * exact prefixes, our database and its tables, the lake key, the log groups Glue writes to; no
 * wildcard actions and no managed *FullAccess policies. Pure functions over plain strings.
 */
import {
  CURATED_DATA_PREFIX,
  ETL_SCRIPTS_PREFIX,
  ETL_TEMP_PREFIX,
  QUARANTINE_PREFIX,
  RAW_DATA_PREFIX,
} from "../shared/lake";
import { PolicyDocument, policyDocument } from "../shared/iam";
import { logGroupArns } from "./layout";

/** Where the account's Glue Data Catalog, database and tables are. */
export interface CatalogScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly databaseName: string;
}

/** Catalog, database and table ARNs: a Glue catalog call is authorised on all three. */
export function catalogArns(s: CatalogScope): string[] {
  const prefix = `arn:${s.partition}:glue:${s.region}:${s.accountId}`;
  return [`${prefix}:catalog`, `${prefix}:database/${s.databaseName}`, `${prefix}:table/${s.databaseName}/*`];
}

/** A ListBucket condition limiting listing to the given prefixes (and everything below them). */
function prefixCondition(prefixes: string[]) {
  return { StringLike: { "s3:prefix": prefixes.flatMap((p) => [p, `${p}*`]) } };
}

/** Catalog reads the job and Spark's metastore client make. */
export const CATALOG_READ_ACTIONS = [
  "glue:GetDatabase",
  "glue:GetTable",
  "glue:GetTables",
  "glue:GetPartition",
  "glue:GetPartitions",
  "glue:BatchGetPartition",
];

/** What the crawler adds: creating and updating its table and partitions. */
export const CATALOG_WRITE_ACTIONS = [
  "glue:CreateTable",
  "glue:UpdateTable",
  "glue:CreatePartition",
  "glue:BatchCreatePartition",
  "glue:UpdatePartition",
  "glue:BatchUpdatePartition",
];

/** Writing to log groups encrypted by a Glue security configuration (AssociateKmsKey is required). */
export const GLUE_LOG_ACTIONS = [
  "logs:CreateLogGroup",
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "logs:AssociateKmsKey",
];

export interface JobPolicyInput extends CatalogScope {
  readonly rawBucketArn: string;
  readonly curatedBucketArn: string;
  readonly keyArn: string;
  /** The log groups the job writes to (see jobLogGroupNames). */
  readonly logGroupNames: string[];
}

/** The job role's inline policy. */
export function jobRolePolicy(i: JobPolicyInput): PolicyDocument {
  const curatedWritable = [CURATED_DATA_PREFIX, QUARANTINE_PREFIX, ETL_TEMP_PREFIX];
  return policyDocument(
    {
      Sid: "ReadRawLogs",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: `${i.rawBucketArn}/${RAW_DATA_PREFIX}*`,
    },
    {
      Sid: "ListRawLogs",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: i.rawBucketArn,
      Condition: prefixCondition([RAW_DATA_PREFIX]),
    },
    {
      Sid: "ReadJobCode",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: `${i.curatedBucketArn}/${ETL_SCRIPTS_PREFIX}*`,
    },
    {
      Sid: "WriteCuratedQuarantineTemp",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      Resource: curatedWritable.map((p) => `${i.curatedBucketArn}/${p}*`),
    },
    {
      Sid: "ListCuratedQuarantineTempCode",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: i.curatedBucketArn,
      Condition: prefixCondition([...curatedWritable, ETL_SCRIPTS_PREFIX]),
    },
    {
      Sid: "LocateLakeBuckets",
      Effect: "Allow",
      Action: ["s3:GetBucketLocation"],
      Resource: [i.rawBucketArn, i.curatedBucketArn],
    },
    { Sid: "ReadLakeCatalog", Effect: "Allow", Action: CATALOG_READ_ACTIONS, Resource: catalogArns(i) },
    // SSE-KMS reads and writes, and the client-side encryption of job bookmarks (CSE-KMS).
    {
      Sid: "UseLakeKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
      Resource: i.keyArn,
    },
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: GLUE_LOG_ACTIONS,
      Resource: i.logGroupNames.flatMap((n) => logGroupArns(i.partition, i.region, i.accountId, n)),
    },
    // PutMetricData has no resource-level permissions; the namespace condition limits it to Glue's metrics.
    {
      Sid: "PublishGlueMetrics",
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricData"],
      Resource: "*",
      Condition: { StringEquals: { "cloudwatch:namespace": "Glue" } },
    },
  );
}

export interface CrawlerPolicyInput extends CatalogScope {
  readonly curatedBucketArn: string;
  readonly keyArn: string;
  readonly logGroupName: string;
}

/** The crawler role's inline policy: read the curated prefix, maintain tables in our database, its log group. */
export function crawlerRolePolicy(i: CrawlerPolicyInput): PolicyDocument {
  return policyDocument(
    {
      Sid: "ReadCurated",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: `${i.curatedBucketArn}/${CURATED_DATA_PREFIX}*`,
    },
    {
      Sid: "ListCurated",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: i.curatedBucketArn,
      Condition: prefixCondition([CURATED_DATA_PREFIX]),
    },
    {
      Sid: "MaintainLakeCatalog",
      Effect: "Allow",
      Action: [...CATALOG_READ_ACTIONS, ...CATALOG_WRITE_ACTIONS],
      Resource: catalogArns(i),
    },
    { Sid: "UseLakeKey", Effect: "Allow", Action: ["kms:Decrypt"], Resource: i.keyArn },
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: GLUE_LOG_ACTIONS,
      Resource: logGroupArns(i.partition, i.region, i.accountId, i.logGroupName),
    },
  );
}
