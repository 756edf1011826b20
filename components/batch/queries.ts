/**
 * SQL of the hands-on's queries (pure, tested): Athena named queries over the raw table, and the
 * Redshift statements over the Spectrum schema.
 */

import { EventSchema, HANDS_ON_SCHEMA, isHandsOn, strftimeToJava } from "../shared/schema";

/** Quotes an identifier for Athena/Trino and Redshift (both use double quotes). */
export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new Error(
      `quoteIdent: ${JSON.stringify(name)} is not a plain identifier; use letters, digits and _.`,
    );
  }
  return `"${name}"`;
}

function table(database: string, tableName: string): string {
  return `${quoteIdent(database)}.${quoteIdent(tableName)}`;
}

/** Joda pattern (Trino `parse_datetime`) of the records' `timestamp` field, e.g. 2019-06-20 21:34:56+0900. */
export const EVENT_TIME_PATTERN = "yyyy-MM-dd HH:mm:ssZ";

/** A named query of the workgroup. */
export interface NamedQuerySql {
  /** Stable key (child resource names). */
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly sql: string;
}

/** The hands-on's Athena queries (lab 4) over the projected raw table. */
export function athenaNamedQueries(database: string, rawTable: string): NamedQuerySql[] {
  const t = table(database, rawTable);
  return [
    {
      key: "preview",
      name: "01 Preview raw app logs",
      description: "The hands-on's first look at the data: ten rows of today's (UTC) partitions.",
      sql: [
        "SELECT *",
        `FROM ${t}`,
        "WHERE \"dt\" = date_format(current_timestamp AT TIME ZONE 'UTC', '%Y-%m-%d')",
        "LIMIT 10;",
      ].join("\n"),
    },
    {
      key: "count-by-level",
      name: "02 Count by alarm level",
      description: "Events per alarm level over the last 7 days (partition-pruned).",
      sql: [
        'SELECT "alarmlevel", count(*) AS events',
        `FROM ${t}`,
        "WHERE \"dt\" >= date_format(current_timestamp AT TIME ZONE 'UTC' - INTERVAL '7' DAY, '%Y-%m-%d')",
        'GROUP BY "alarmlevel"',
        "ORDER BY events DESC;",
      ].join("\n"),
    },
    {
      key: "errors-per-host",
      name: "03 ERROR events per host, last hour",
      description:
        "ERROR events per host whose event time is within the last hour (the burst shows up here).",
      sql: [
        'SELECT "host", count(*) AS errors',
        `FROM ${t}`,
        "WHERE \"alarmlevel\" = 'ERROR'",
        "  AND \"dt\" >= date_format(current_timestamp AT TIME ZONE 'UTC' - INTERVAL '1' DAY, '%Y-%m-%d')",
        `  AND parse_datetime("timestamp", '${EVENT_TIME_PATTERN}') >= current_timestamp - INTERVAL '1' HOUR`,
        'GROUP BY "host"',
        "ORDER BY errors DESC;",
      ].join("\n"),
    },
    {
      key: "per-user-day",
      name: "04 Events per user, one day (scan comparison)",
      description:
        "Events per user over yesterday (UTC); compare 'Data scanned' with the same query on the curated Parquet table.",
      sql: [
        'SELECT "user", count(*) AS events',
        `FROM ${t}`,
        "WHERE \"dt\" = date_format(current_timestamp AT TIME ZONE 'UTC' - INTERVAL '1' DAY, '%Y-%m-%d')",
        'GROUP BY "user"',
        "ORDER BY events DESC;",
      ].join("\n"),
    },
  ];
}

/** How many events the generic "latest events" query returns. */
export const LATEST_EVENTS_LIMIT = 100;

/**
 * The Athena/Trino expression of a schema's event time, from the raw column as written:
 * `from_iso8601_timestamp` for ISO 8601, `from_unixtime(ms / 1000e0)` for epoch milliseconds (the
 * raw columns of a format are strings, so the milliseconds are cast to `bigint` first), and
 * `parse_datetime` with the Joda form of a strftime pattern. Wrapped in `try`, so a time that does
 * not parse is NULL instead of failing the whole query: the raw zone holds every line as sent,
 * and one bad line must not hide the rest (the ETL job quarantines it).
 */
export function eventTimeSql(schema: EventSchema): string {
  const col = quoteIdent(schema.timeField);
  if (schema.timeFormat === "iso8601") return `try(from_iso8601_timestamp(${col}))`;
  if (schema.timeFormat === "epoch_ms") {
    return `try(from_unixtime(CAST(${col} AS bigint) / 1000e0))`;
  }
  return `try(parse_datetime(${col}, '${strftimeToJava(schema.timeFormat).replace(/'/g, "''")}'))`;
}

/**
 * The small generic set of named queries for any schema, over the projected raw table: events per
 * hour (of arrival, the partitions) over the last day, events per value of the keyword field over
 * the last 7 days (when the schema names one), and the latest events by event time. A line the
 * raw table cannot read (malformed JSON, or a line a text format's pattern does not match) is a
 * row of NULLs: the first counts it in the hour it arrived, the second under a NULL value, the
 * third leaves it out with every row whose time does not parse.
 */
/**
 * How many UTC days before today each generic query reads (it reads those days' partitions and
 * today's): the sizing model prices and checks them from this.
 */
export const GENERIC_QUERY_DAYS_BACK = {
  "events-per-hour": 1,
  "events-per-keyword": 7,
  "latest-events": 1,
} as const;

export function genericNamedQueries(
  database: string,
  rawTable: string,
  schema: EventSchema,
): NamedQuerySql[] {
  const t = table(database, rawTable);
  const since = (days: number) =>
    `"dt" >= date_format(current_timestamp AT TIME ZONE 'UTC' - INTERVAL '${days}' DAY, '%Y-%m-%d')`;
  const queries: NamedQuerySql[] = [
    {
      key: "events-per-hour",
      name: "01 Events per hour",
      description: "Events per hour of arrival (UTC partitions) over the last day.",
      sql: [
        'SELECT "dt", "hour", count(*) AS events',
        `FROM ${t}`,
        `WHERE ${since(GENERIC_QUERY_DAYS_BACK["events-per-hour"])}`,
        'GROUP BY "dt", "hour"',
        'ORDER BY "dt", "hour";',
      ].join("\n"),
    },
  ];
  if (schema.keywordField !== undefined) {
    const k = quoteIdent(schema.keywordField);
    queries.push({
      key: "events-per-keyword",
      name: `02 Events per ${schema.keywordField}`,
      description: `Events per value of ${schema.keywordField} over the last ${GENERIC_QUERY_DAYS_BACK["events-per-keyword"]} days (partition-pruned).`,
      sql: [
        `SELECT ${k}, count(*) AS events`,
        `FROM ${t}`,
        `WHERE ${since(GENERIC_QUERY_DAYS_BACK["events-per-keyword"])}`,
        `GROUP BY ${k}`,
        "ORDER BY events DESC;",
      ].join("\n"),
    });
  }
  queries.push({
    key: "latest-events",
    name: `03 Latest ${LATEST_EVENTS_LIMIT} events`,
    description: `The ${LATEST_EVENTS_LIMIT} most recent events by ${schema.timeField}, from the last day's partitions (rows without a readable time left out).`,
    sql: [
      `SELECT ${eventTimeSql(schema)} AS event_time, *`,
      `FROM ${t}`,
      `WHERE ${since(GENERIC_QUERY_DAYS_BACK["latest-events"])}`,
      `  AND ${eventTimeSql(schema)} IS NOT NULL`,
      "ORDER BY event_time DESC",
      `LIMIT ${LATEST_EVENTS_LIMIT};`,
    ].join("\n"),
  });
  return queries;
}

/** The named queries of a schema: the hands-on's set for the hands-on's format, the generic set otherwise. */
export function namedQueriesFor(database: string, rawTable: string, schema: EventSchema): NamedQuerySql[] {
  return isHandsOn(schema)
    ? athenaNamedQueries(database, rawTable)
    : genericNamedQueries(database, rawTable, schema);
}

/** Creates the Spectrum schema over the Glue database (run at deploy time through the Data API). */
export function createExternalSchemaSql(schema: string, database: string, roleArn: string): string {
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(roleArn)) {
    throw new Error(`createExternalSchemaSql: roleArn ${JSON.stringify(roleArn)} is not an IAM role ARN.`);
  }
  return (
    `CREATE EXTERNAL SCHEMA IF NOT EXISTS ${quoteIdent(schema)}\n` +
    `FROM DATA CATALOG DATABASE '${database.replace(/'/g, "''")}'\n` +
    `IAM_ROLE '${roleArn}';`
  );
}

/**
 * The example Redshift query (lab 5): events per level and host, through Spectrum. It scans the
 * whole raw zone (the Spectrum table has no partitions). Spectrum ignores partition projection, so
 * the projected tables (raw and curated) show no rows through the external schema.
 */
export function redshiftExampleQuerySql(
  schema: string,
  unpartitionedTable: string,
  event: EventSchema = HANDS_ON_SCHEMA,
): string {
  if (!isHandsOn(event)) {
    // Any schema: events per value of its keyword field, or the row count without one.
    const k = event.keywordField === undefined ? undefined : quoteIdent(event.keywordField);
    return [
      k ? `SELECT ${k}, count(*) AS events` : "SELECT count(*) AS events",
      `FROM ${quoteIdent(schema)}.${quoteIdent(unpartitionedTable)}`,
      ...(k ? [`GROUP BY ${k}`, "ORDER BY events DESC;"] : [";"]),
    ]
      .join("\n")
      .replace("\n;", ";");
  }
  return [
    'SELECT "alarmlevel", "host", count(*) AS events',
    `FROM ${quoteIdent(schema)}.${quoteIdent(unpartitionedTable)}`,
    'GROUP BY "alarmlevel", "host"',
    "ORDER BY events DESC;",
  ].join("\n");
}
