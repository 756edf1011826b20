/**
 * Names and schemas of the lake shared by the BatchLayer (Firehose, Glue raw table, Athena), the
 * EtlLayer (Glue job, curated table) and the tests. Defined once; import them, never retype them.
 */
import { PROJECT } from "./names";

/** Object key prefix of the application logs in the raw bucket (Firehose writes below it). */
export const RAW_DATA_PREFIX = "app_logs/";
/** Object key prefix of Firehose's failed deliveries in the raw bucket. */
export const RAW_ERROR_PREFIX = "errors/app_logs/";
/** Object key prefix of the Parquet data in the curated bucket. */
export const CURATED_DATA_PREFIX = "app_logs/";
/** Object key prefix, in the curated bucket, of raw records the ETL job could not parse (with the reason). */
export const QUARANTINE_PREFIX = "quarantine/app_logs/";

/** Glue Data Catalog table of the raw JSON (lab 4). */
export const RAW_TABLE_NAME = "app_logs_raw";
/** Glue Data Catalog table of the curated Parquet (lab 6). */
export const CURATED_TABLE_NAME = "app_logs_curated";

/** Partition keys of both tables, Hive-style in the object keys (`dt=2019-06-20/hour=12/`). */
export const PARTITION_KEYS = ["dt", "hour"] as const;

/** A column of a catalog table. */
export interface LakeColumn {
  readonly name: string;
  /** Hive/Glue type. */
  readonly type: string;
  readonly comment: string;
}

/**
 * Columns of the raw records: the hands-on parser's fields, as the agent ships them (JSON, one
 * object per line; `number` typed as an integer by the agent's parser).
 */
export const RAW_COLUMNS: readonly LakeColumn[] = [
  { name: "timestamp", type: "string", comment: "Event time as written, e.g. 2019-06-20 21:34:56+0900" },
  { name: "alarmlevel", type: "string", comment: "INFO, WARNING, ERROR or CRITICAL" },
  { name: "host", type: "string", comment: "Host name, e.g. prd-web002" },
  { name: "user", type: "string", comment: "User name, e.g. uehara" },
  { name: "number", type: "int", comment: "Request number, e.g. 1001" },
  { name: "text", type: "string", comment: "Message, e.g. This is ERROR." },
];

/**
 * Time zone of the raw zone's partitions. Firehose evaluates `!{timestamp:...}` (the record's
 * approximate arrival time) in its `customTimeZone`, and Athena computes projected `date` values
 * (and `NOW`) in UTC, so both must be UTC for a partition to mean the same hour on both sides.
 */
export const RAW_PARTITION_TIME_ZONE = "UTC";

/** One Hive-style partition level of the raw zone: how Firehose writes it and how Athena projects it. */
export interface RawPartitionLevel {
  /** Partition key (one of {@link PARTITION_KEYS}). */
  readonly key: (typeof PARTITION_KEYS)[number];
  /** Glue column type of the key. */
  readonly type: "string" | "int";
  /** Java DateTimeFormatter pattern Firehose renders into the key (`!{timestamp:<pattern>}`). */
  readonly firehosePattern: string;
  /** Athena partition projection settings of the key (`projection.<key>.<setting>`), without the range of `date` keys. */
  readonly projection: Readonly<Record<string, string>>;
}

/**
 * The raw zone's partition layout, the single source of truth for the Firehose prefix, the Glue
 * table's projection settings and location template, and the tests: `dt=yyyy-MM-dd/hour=HH/`.
 */
export const RAW_PARTITION_LEVELS: readonly RawPartitionLevel[] = [
  {
    key: PARTITION_KEYS[0],
    type: "string",
    firehosePattern: "yyyy-MM-dd",
    projection: { type: "date", format: "yyyy-MM-dd", interval: "1", "interval.unit": "DAYS" },
  },
  {
    key: PARTITION_KEYS[1],
    type: "int",
    firehosePattern: "HH",
    projection: { type: "integer", range: "0,23", interval: "1", digits: "2" },
  },
];

/** Firehose's S3 `prefix` of the raw records: `app_logs/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/`. */
export function rawFirehosePrefix(): string {
  return (
    RAW_DATA_PREFIX + RAW_PARTITION_LEVELS.map((l) => `${l.key}=!{timestamp:${l.firehosePattern}}/`).join("")
  );
}

/**
 * Firehose's `errorOutputPrefix`: failed records go under RAW_ERROR_PREFIX, then the error type
 * (`processing-failed`, `format-conversion-failed`...), then the same time partitions.
 */
export function rawErrorOutputPrefix(): string {
  return (
    RAW_ERROR_PREFIX +
    "!{firehose:error-output-type}/" +
    RAW_PARTITION_LEVELS.map((l) => `${l.key}=!{timestamp:${l.firehosePattern}}/`).join("")
  );
}

/** Athena's `storage.location.template` of the raw table: `s3://<bucket>/app_logs/dt=${dt}/hour=${hour}/`. */
export function rawLocationTemplate(bucketName: string): string {
  return (
    `s3://${bucketName}/${RAW_DATA_PREFIX}` +
    RAW_PARTITION_LEVELS.map((l) => `${l.key}=\${${l.key}}/`).join("")
  );
}

/**
 * The `projection.dt.range` of a lake table (raw and curated share it; pure).
 *
 * Athena computes every `dt` in the range for a query with no `dt` filter (the comparison
 * queries omit it on purpose), times 24 hours: `NOW-1827DAYS,NOW` is 43,848 partitions for prod,
 * nearly all of them empty for years. Athena's advice is a range that "matches your data as
 * closely as possible": "you have no data for dates before the Firehose delivery stream was
 * created, you can use the date of creation as the start", with `NOW` as the end; a fixed start
 * and `NOW` may be mixed ("How to use the date type",
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection-kinesis-firehose-example-using-the-date-type.html;
 * "Supported types for partition projection", date type `range`,
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html).
 *
 * - `startDate` (yyyy-MM-dd, the stack's first day of data): `<startDate>,NOW`. It is a fixed
 *   string, so the table does not change on each `pulumi up` (a start computed from the clock
 *   would), and it grows by one day a day until the data's lifetime is reached.
 * - no start: `NOW-<rangeDays>DAYS,NOW`, the whole lifetime (never hides data, costs the most).
 */
export function projectionDateRange(rangeDays: number, startDate?: string): string {
  if (!Number.isInteger(rangeDays) || rangeDays < 1) {
    throw new Error(`projectionDateRange: rangeDays is ${rangeDays}; use a whole number of days >= 1.`);
  }
  if (startDate === undefined) return `NOW-${rangeDays}DAYS,NOW`;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(startDate);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !d || d.toISOString().slice(0, 10) !== startDate) {
    throw new Error(
      `projectionDateRange: projectionStartDate is "${startDate}"; use a real date as yyyy-MM-dd (UTC), the first day the stack has data.`,
    );
  }
  return `${startDate},NOW`;
}

/**
 * Athena partition projection parameters of the raw table. `date` keys get the range of
 * {@link projectionDateRange}: from `startDate`, or the raw zone's retention (nothing older exists).
 */
export function rawProjectionParameters(rangeDays: number, startDate?: string): Record<string, string> {
  const range = projectionDateRange(rangeDays, startDate);
  const params: Record<string, string> = { "projection.enabled": "true" };
  for (const level of RAW_PARTITION_LEVELS) {
    for (const [setting, value] of Object.entries(level.projection)) {
      params[`projection.${level.key}.${setting}`] = value;
    }
    if (level.projection.type === "date") params[`projection.${level.key}.range`] = range;
  }
  return params;
}

/**
 * Glue table over the same raw objects without partitions, for Redshift Spectrum: Athena's
 * partition projection is Athena-only, and Spectrum would see no partitions on the projected table.
 */
export const RAW_UNPARTITIONED_TABLE_NAME = "app_logs_raw_unpartitioned";

/**
 * Prefix of the CloudWatch log groups of one stack's lake (`/datalake/<stack>/`). The lake key lets
 * CloudWatch Logs encrypt log groups under it (and Glue's `/aws-glue/` groups).
 */
export function lakeLogGroupPrefix(stack: string): string {
  return `/${PROJECT}/${stack}/`;
}

/**
 * IAM path of the roles that may call KMS with the lake key directly, not only through a service
 * (the Glue job: its job-bookmark encryption is client-side CSE-KMS). The key policy admits roles
 * under this path by `aws:PrincipalArn`, so the key need not know role names created after it.
 */
export function lakeKeyDirectUserRolePath(stack: string): string {
  return `/${PROJECT}/${stack}/lake-key-users/`;
}

/**
 * Columns of the curated Parquet (written by the Glue job in components/etl/jobs/): the event time
 * as a real timestamp (UTC), then every raw field unchanged. The partition keys follow the raw
 * layout ({@link RAW_PARTITION_LEVELS}), derived from `event_time` in UTC.
 */
export const CURATED_COLUMNS: readonly LakeColumn[] = [
  {
    name: "event_time",
    type: "timestamp",
    comment: "Event time in UTC, parsed from timestamp (+0900 offset applied)",
  },
  ...RAW_COLUMNS,
];

/** Object key prefix, in the curated bucket, of the ETL job's code (script and modules); never expire it. */
export const ETL_SCRIPTS_PREFIX = "glue/scripts/";
/** Object key prefix, in the curated bucket, of the ETL job's `--TempDir` (scratch; safe to expire after a few days). */
export const ETL_TEMP_PREFIX = "glue/temp/";
/** Days the ETL job's temporary data is kept. */
export const ETL_TEMP_EXPIRATION_DAYS = 7;
