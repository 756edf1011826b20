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

/** A ListBucket condition limiting listing to the given prefixes (and everything below them), and exact prefixes. */
function prefixCondition(prefixes: string[], exact: string[] = []) {
  return { StringLike: { "s3:prefix": [...prefixes.flatMap((p) => [p, `${p}*`]), ...exact] } };
}

/** The suffix of the empty objects Glue's S3 file system (EMRFS) writes to stand for a directory. */
export const FOLDER_MARKER_SUFFIX = "_$folder$";

/**
 * The directories above and at a key prefix, as keys without the trailing slash:
 * `quarantine/app_logs/` gives `quarantine`, `quarantine/app_logs`. Hadoop file systems look a
 * directory up by its path, not by the prefix: a HEAD of exactly these keys.
 */
export function directoryKeys(prefix: string): string[] {
  if (!/^[^/]+(\/[^/]+)*\/$/.test(prefix)) {
    throw new Error(
      `directoryKeys: prefix is "${prefix}"; use a key prefix such as "app_logs/" (no leading slash, one trailing slash).`,
    );
  }
  const parts = prefix.slice(0, -1).split("/");
  return parts.map((_, n) => parts.slice(0, n + 1).join("/"));
}

/** The keys a Hadoop file system touches for the directories at and above some prefixes. */
export interface DirectoryGrants {
  /** The directory keys themselves (`app_logs`, `glue/temp`), which it HEADs (s3:GetObject). */
  readonly probe: string[];
  /** `<dir>_$folder$` for each: HEAD, written when it creates the directory, deleted with it. */
  readonly markers: string[];
  /** `<dir>/` of the directories above the prefixes, which it lists (one key) to see they exist. */
  readonly listExact: string[];
}

/** The directory keys, markers and exact list prefixes at and above `prefixes` (pure, table-tested). */
export function directoryGrants(prefixes: readonly string[]): DirectoryGrants {
  const dirs = [...new Set(prefixes.flatMap(directoryKeys))];
  const listed = new Set(prefixes);
  return {
    probe: dirs,
    markers: dirs.map((d) => `${d}${FOLDER_MARKER_SUFFIX}`),
    listExact: dirs.map((d) => `${d}/`).filter((p) => !listed.has(p)),
  };
}

/** Catalog reads the crawler makes (to compare what it finds with its tables). */
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

/**
 * The job role's inline policy. The S3 grants follow the calls the job really makes (Glue's S3
 * file system under Spark, and pipeline.py's Hadoop FileSystem calls), on exactly the keys they
 * touch.
 *
 * Why more than `<prefix>*`: a Hadoop file system models S3 as directories. Before Spark writes
 * an output path it asks whether the path exists, and `mkdirs` walks every parent directory
 * (pipeline.py moves the staged files into `app_logs/dt=.../hour=.../` with `mkdirs` + `rename`,
 * and Spark's committer makes `<output>/_temporary/0`). Each lookup of a directory `d` is a HEAD
 * of the key `d` without the slash, a HEAD of `d_$folder$`, and a one-key LIST of the prefix `d/`
 * (Hadoop's NativeS3FileSystem `getFileStatus`/`mkdirs`, from which EMRFS descends; S3A does the
 * HEAD of `d` and the LIST of `d/`: "Controlling the S3A Directory Marker Behavior",
 * https://hadoop.apache.org/docs/stable/hadoop-aws/tools/hadoop-aws/directory_markers.html).
 * When a directory does not exist yet, EMRFS creates it by writing the empty object `d_$folder$`
 * ("This behavior occurs only when the Amazon EMR File System (EMRFS) tries to create a folder
 * with an s3:// or s3n:// prefix", https://repost.aws/knowledge-center/emr-s3-empty-files; Glue
 * jobs writing `s3://` paths leave the same markers), and deletes it with the directory. The
 * keys `app_logs`, `quarantine`, `quarantine/app_logs`, `glue`, `glue/temp` and their `_$folder$`
 * twins are outside `app_logs/*`, `quarantine/app_logs/*` and `glue/temp/*`, so they are granted
 * by name: a HEAD needs s3:GetObject, and S3 answers a HEAD of a missing key with 404 rather than
 * 403 only to a caller that may list the bucket (HeadObject, "Permissions",
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
 *
 * Uncertain: EMRFS is not open source, so its exact probe sequence on Glue 4.0/5.0 is inferred
 * from the Hadoop code it derives from and from the markers it is documented to write; these
 * grants cover both that sequence and S3A's. Whether a prefix-conditioned s3:ListBucket counts as
 * "may list" for the 404-versus-403 rule of a HEAD (which carries no `s3:prefix`) is not
 * documented; if a first run fails with a 403 on a directory key, that is the place to look.
 */
export function jobRolePolicy(i: JobPolicyInput): PolicyDocument {
  const curatedWritable = [CURATED_DATA_PREFIX, QUARANTINE_PREFIX, ETL_TEMP_PREFIX];
  const curatedDirs = directoryGrants(curatedWritable);
  const rawDirs = directoryGrants([RAW_DATA_PREFIX]);
  const curated = (keys: string[]) => keys.map((k) => `${i.curatedBucketArn}/${k}`);
  const raw = (keys: string[]) => keys.map((k) => `${i.rawBucketArn}/${k}`);
  return policyDocument(
    // The reader: Glue's S3 source looks the input path up as a directory, lists the raw prefix
    // recursively (the bookmark filters that list) and reads each new object.
    {
      Sid: "ReadRawLogs",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: `${i.rawBucketArn}/${RAW_DATA_PREFIX}*`,
    },
    {
      Sid: "ProbeRawDirectory",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: raw([...rawDirs.probe, ...rawDirs.markers]),
    },
    {
      Sid: "ListRawLogs",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: i.rawBucketArn,
      Condition: prefixCondition([RAW_DATA_PREFIX], rawDirs.listExact),
    },
    {
      Sid: "ReadJobCode",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: `${i.curatedBucketArn}/${ETL_SCRIPTS_PREFIX}*`,
    },
    // Parquet staged under glue/temp/ and moved (copy + delete) into app_logs/; run manifests in
    // app_logs/_runs/; quarantine. The retraction of an uncommitted run deletes its files, its
    // quarantine folder and its manifest (pipeline.py `retract`), and the staging folder is
    // deleted after the commit: DeleteObject on all three prefixes.
    {
      Sid: "WriteCuratedQuarantineTemp",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      Resource: curatedWritable.map((p) => `${i.curatedBucketArn}/${p}*`),
    },
    {
      Sid: "ProbeCuratedDirectories",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: curated(curatedDirs.probe),
    },
    {
      Sid: "MaintainCuratedFolderMarkers",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: curated(curatedDirs.markers),
    },
    // Listing: the manifests (app_logs/_runs/), the staged files (glue/temp/), recursive deletes,
    // the directory lookups above (exactly `quarantine/` and `glue/`), and the job's code.
    {
      Sid: "ListCuratedQuarantineTempCode",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: i.curatedBucketArn,
      Condition: prefixCondition([...curatedWritable, ETL_SCRIPTS_PREFIX], curatedDirs.listExact),
    },
    {
      Sid: "LocateLakeBuckets",
      Effect: "Allow",
      Action: ["s3:GetBucketLocation"],
      Resource: [i.rawBucketArn, i.curatedBucketArn],
    },
    // No catalog grant: the job runs without `--enable-glue-datacatalog` and the script reads and
    // writes S3 paths only (from_options, Hadoop FileSystem), so it makes no Glue catalog call.
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
