/**
 * SQL of the hands-on's queries (pure, tested): Athena named queries over the raw table, and the
 * Redshift statements over the Spectrum schema.
 */

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
export function redshiftExampleQuerySql(schema: string, unpartitionedTable: string): string {
  return [
    'SELECT "alarmlevel", "host", count(*) AS events',
    `FROM ${quoteIdent(schema)}.${quoteIdent(unpartitionedTable)}`,
    'GROUP BY "alarmlevel", "host"',
    "ORDER BY events DESC;",
  ].join("\n");
}
