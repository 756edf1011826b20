/**
 * The Athena queries that show what the ETL buys: the same question asked of the raw JSON, of the
 * curated Parquet, and of the curated Parquet with a partition filter. The hands-on measured the
 * bytes scanned for the same data: raw JSON 27.01 MB, Parquet 787.93 KB, partitioned Parquet 267.32 KB.
 */
import { CURATED_TABLE_NAME } from "../shared/lake";

/** The three ways of asking, with the hands-on's published scan sizes. */
export const VARIANTS = {
  raw: { label: "raw JSON", handsOnScan: "27.01 MB" },
  parquet: { label: "curated Parquet", handsOnScan: "787.93 KB" },
  partitioned: { label: "curated Parquet, partition filter", handsOnScan: "267.32 KB" },
} as const;
export type Variant = keyof typeof VARIANTS;

/** Joda pattern of the raw `timestamp` string (LOG_TIME_FORMAT `%Y-%m-%d %H:%M:%S%z`) for parse_datetime. */
export const RAW_TIMESTAMP_JODA = "yyyy-MM-dd HH:mm:ssZ";

/** Start of the window every question looks at: yesterday 00:00 UTC (Athena's session zone is UTC). */
const WINDOW_START = "CAST(current_date - INTERVAL '1' DAY AS timestamp)";
/** The same window as a partition filter on `dt` (yyyy-MM-dd strings sort as dates). */
const WINDOW_PARTITIONS = `"dt" >= date_format(current_date - INTERVAL '1' DAY, '%Y-%m-%d')`;

/** The event-time expression of a variant: parsed from the string on raw, the typed column on curated. */
function eventTime(variant: Variant): string {
  return variant === "raw"
    ? `(parse_datetime("timestamp", '${RAW_TIMESTAMP_JODA}') AT TIME ZONE 'UTC')`
    : `"event_time"`;
}

function where(variant: Variant, ...conditions: string[]): string {
  const all = [...conditions, `${eventTime(variant)} >= ${WINDOW_START}`];
  if (variant === "partitioned") all.unshift(WINDOW_PARTITIONS);
  return `WHERE ${all.join("\n  AND ")}`;
}

/** Where a question is asked: the database and the raw table's name (the curated one is ours). */
export interface QueryTarget {
  readonly database: string;
  readonly rawTable: string;
}

function from(t: QueryTarget, variant: Variant): string {
  return `FROM "${t.database}"."${variant === "raw" ? t.rawTable : CURATED_TABLE_NAME}"`;
}

export interface Question {
  /** Stable key, part of the named query's name. */
  readonly key: string;
  readonly title: string;
  sql(target: QueryTarget, variant: Variant): string;
}

/** The questions, each asked three ways. */
export const QUESTIONS: readonly Question[] = [
  {
    key: "errors-by-user",
    title: "ERROR lines per user since yesterday (UTC)",
    sql: (t, v) =>
      [
        `SELECT "user", count(*) AS errors`,
        from(t, v),
        where(v, `"alarmlevel" = 'ERROR'`),
        `GROUP BY "user"`,
        `ORDER BY errors DESC`,
      ].join("\n"),
  },
  {
    key: "levels-by-hour",
    title: "Lines per level and hour since yesterday (UTC)",
    sql: (t, v) =>
      [
        `SELECT date_trunc('hour', ${eventTime(v)}) AS hour_utc, "alarmlevel", count(*) AS lines`,
        from(t, v),
        where(v),
        `GROUP BY 1, 2`,
        `ORDER BY 1, 2`,
      ].join("\n"),
  },
];

export interface NamedQuerySpec {
  /** Unique within the workgroup: `etl-<question>-<variant>`. */
  readonly name: string;
  readonly description: string;
  /** The SQL text, once the database and raw table names are known. */
  query(target: QueryTarget): string;
}

/** Every question in every variant, in a stable order (the count never depends on an output). */
export function namedQuerySpecs(): NamedQuerySpec[] {
  return QUESTIONS.flatMap((q) =>
    (Object.keys(VARIANTS) as Variant[]).map((v) => ({
      name: `etl-${q.key}-${v}`,
      description: `${q.title}, on the ${VARIANTS[v].label} (hands-on scan: ${VARIANTS[v].handsOnScan}). Compare "Data scanned" across the etl-${q.key}-* queries.`,
      query: (t: QueryTarget) => q.sql(t, v) + ";",
    })),
  );
}
