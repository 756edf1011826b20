/**
 * Names and schemas of the lake shared by the BatchLayer (Firehose, Glue raw table, Athena), the
 * EtlLayer (Glue job, curated table) and the tests. Defined once; import them, never retype them.
 */

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
