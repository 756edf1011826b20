/** The event schema's shape in the lake: raw/curated columns, the generic named queries, QuickSight and Redshift. */
import * as assert from "assert";
import { validatedFormat } from "../../helpers/formats";
import {
  athenaNamedQueries,
  eventTimeSql,
  genericNamedQueries,
  namedQueriesFor,
  redshiftExampleQuerySql,
} from "../../../components/batch/queries";
import { quicksightInputColumns } from "../../../components/batch/quicksight";
import { CURATED_COLUMNS, RAW_COLUMNS } from "../../../components/shared/lake";
import {
  EventSchema,
  HANDS_ON_SCHEMA,
  curatedColumnsFor,
  rawColumnsFor,
} from "../../../components/shared/schema";

const WEB: EventSchema = validatedFormat({
  name: "web-service",
  kind: "json",
  fields: [
    { name: "timestamp", type: "timestamp" },
    { name: "method", type: "string" },
    { name: "status", type: "long" },
    { name: "latency_ms", type: "double" },
    { name: "cached", type: "boolean" },
  ],
  timeField: "timestamp",
  timeFormat: "iso8601",
  keywordField: "method",
});

/** The same fields as a text format, the time as ISO 8601 (all strings in the raw table). */
const TEXT: EventSchema = validatedFormat({
  name: "web-text",
  kind: "text",
  pattern: "^(?<ts>\\S+) (?<method>[A-Z]+) (?<status>\\d{3}) (?<latency_ms>[\\d.]+) (?<cached>true|false)$",
  fields: [
    { name: "ts", type: "timestamp" },
    { name: "method", type: "string" },
    { name: "status", type: "long" },
    { name: "latency_ms", type: "double" },
    { name: "cached", type: "boolean" },
  ],
  timeField: "ts",
  timeFormat: "iso8601",
  keywordField: "method",
});

describe("event schema in the lake", () => {
  it("the hands-on's format keeps its columns, queries and example query exactly", () => {
    assert.strictEqual(rawColumnsFor(HANDS_ON_SCHEMA), RAW_COLUMNS);
    assert.strictEqual(curatedColumnsFor(HANDS_ON_SCHEMA), CURATED_COLUMNS);
    assert.deepStrictEqual(namedQueriesFor("db", "t", HANDS_ON_SCHEMA), athenaNamedQueries("db", "t"));
    assert.match(redshiftExampleQuerySql("s", "t"), /^SELECT "alarmlevel", "host", count\(\*\) AS events/);
  });

  it("a JSON schema: raw columns as written, curated columns typed, event_time first, undeclared keys last", () => {
    // Raw values stay text: one value a typed column could not take would fail the whole query.
    assert.deepStrictEqual(
      rawColumnsFor(WEB).map((c) => `${c.name}:${c.type}`),
      ["timestamp:string", "method:string", "status:string", "latency_ms:string", "cached:string"],
    );
    assert.deepStrictEqual(
      curatedColumnsFor(WEB).map((c) => `${c.name}:${c.type}`),
      [
        "event_time:timestamp",
        "timestamp:timestamp",
        "method:string",
        "status:bigint",
        "latency_ms:double",
        "cached:boolean",
        "attributes:map<string,string>",
      ],
    );
    // A text format has exactly its groups: no key is undeclared.
    const text: EventSchema = {
      ...WEB,
      kind: "text",
      pattern: String.raw`^(?<timestamp>\S+) (?<method>\S+) (?<status>\d+) (?<latency_ms>\S+) (?<cached>\S+)$`,
    };
    assert.deepStrictEqual(
      curatedColumnsFor(text).map((c) => c.name),
      ["event_time", "timestamp", "method", "status", "latency_ms", "cached"],
    );
  });

  it("the generic named queries: per hour, per keyword value, latest events by event time", () => {
    const q = genericNamedQueries("datalake_dev", "app_logs_raw", WEB);
    assert.deepStrictEqual(
      q.map((x) => x.key),
      ["events-per-hour", "events-per-keyword", "latest-events"],
    );
    assert.strictEqual(
      q[1].sql,
      [
        'SELECT "method", count(*) AS events',
        'FROM "datalake_dev"."app_logs_raw"',
        "WHERE \"dt\" >= date_format(current_timestamp AT TIME ZONE 'UTC' - INTERVAL '7' DAY, '%Y-%m-%d')",
        'GROUP BY "method"',
        "ORDER BY events DESC;",
      ].join("\n"),
    );
    assert.strictEqual(
      q[2].sql,
      [
        'SELECT try(from_iso8601_timestamp("timestamp")) AS event_time, *',
        'FROM "datalake_dev"."app_logs_raw"',
        "WHERE \"dt\" >= date_format(current_timestamp AT TIME ZONE 'UTC' - INTERVAL '1' DAY, '%Y-%m-%d')",
        '  AND try(from_iso8601_timestamp("timestamp")) IS NOT NULL',
        "ORDER BY event_time DESC",
        "LIMIT 100;",
      ].join("\n"),
    );
    const noKeyword = genericNamedQueries("d", "t", { ...WEB, keywordField: undefined });
    assert.deepStrictEqual(
      noKeyword.map((x) => x.key),
      ["events-per-hour", "latest-events"],
    );
  });

  it("event time expressions for each time format, NULL instead of an error for a time that does not parse", () => {
    assert.strictEqual(eventTimeSql(WEB), 'try(from_iso8601_timestamp("timestamp"))');
    assert.strictEqual(
      eventTimeSql({ ...WEB, timeFormat: "epoch_ms" }),
      'try(from_unixtime(CAST("timestamp" AS bigint) / 1000e0))',
    );
    assert.strictEqual(
      eventTimeSql({ ...WEB, timeFormat: "%Y-%m-%dT%H:%M:%S%z" }),
      "try(parse_datetime(\"timestamp\", 'yyyy-MM-dd''T''HH:mm:ssZ'))",
    );
    assert.strictEqual(
      eventTimeSql(HANDS_ON_SCHEMA),
      "try(parse_datetime(\"timestamp\", 'yyyy-MM-dd HH:mm:ssZ'))",
    );
  });

  it("a text format's milliseconds are a string in the raw table, cast before the division", () => {
    assert.strictEqual(
      eventTimeSql({ ...TEXT, timeFormat: "epoch_ms" }),
      'try(from_unixtime(CAST("ts" AS bigint) / 1000e0))',
    );
    assert.strictEqual(eventTimeSql(TEXT), 'try(from_iso8601_timestamp("ts"))');
  });

  it("a text format: every raw column a string, the curated ones typed", () => {
    assert.deepStrictEqual(
      rawColumnsFor(TEXT).map((c) => `${c.name}:${c.type}:${c.comment}`),
      [
        "ts:string:Event time as written (iso8601)",
        "method:string:string field, as written in the line",
        "status:string:long field, as written in the line",
        "latency_ms:string:double field, as written in the line",
        "cached:string:boolean field, as written in the line",
      ],
    );
    assert.deepStrictEqual(
      curatedColumnsFor(TEXT).map((c) => `${c.name}:${c.type}`),
      [
        "event_time:timestamp",
        "ts:timestamp",
        "method:string",
        "status:bigint",
        "latency_ms:double",
        "cached:boolean",
      ],
    );
  });

  it("a text format's generic queries read only string columns: the keyword as is, the time through eventTimeSql", () => {
    const q = namedQueriesFor("d", "t", TEXT);
    assert.deepStrictEqual(
      q.map((x) => x.key),
      ["events-per-hour", "events-per-keyword", "latest-events"],
    );
    assert.match(q[1].sql, /^SELECT "method", count\(\*\) AS events\n/);
    assert.ok(q[2].sql.startsWith(`SELECT ${eventTimeSql(TEXT)} AS event_time, *\n`));
    assert.ok(q[2].sql.includes(`  AND ${eventTimeSql(TEXT)} IS NOT NULL\n`));
  });

  it("QuickSight reads a JSON format's raw fields as strings; the hands-on's columns are unchanged", () => {
    assert.deepStrictEqual(quicksightInputColumns(rawColumnsFor(WEB)), [
      { name: "timestamp", type: "STRING" },
      { name: "method", type: "STRING" },
      { name: "status", type: "STRING" },
      { name: "latency_ms", type: "STRING" },
      { name: "cached", type: "STRING" },
      { name: "dt", type: "STRING" },
      { name: "hour", type: "INTEGER" },
    ]);
    assert.deepStrictEqual(quicksightInputColumns(), quicksightInputColumns(RAW_COLUMNS));
  });

  it("QuickSight reads every column of a text format's raw table as a string", () => {
    assert.deepStrictEqual(quicksightInputColumns(rawColumnsFor(TEXT)), [
      { name: "ts", type: "STRING" },
      { name: "method", type: "STRING" },
      { name: "status", type: "STRING" },
      { name: "latency_ms", type: "STRING" },
      { name: "cached", type: "STRING" },
      { name: "dt", type: "STRING" },
      { name: "hour", type: "INTEGER" },
    ]);
  });

  it("the Redshift example query counts the keyword field of any schema", () => {
    assert.strictEqual(
      redshiftExampleQuerySql("lake", "app_logs_raw_all", TEXT),
      'SELECT "method", count(*) AS events\nFROM "lake"."app_logs_raw_all"\nGROUP BY "method"\nORDER BY events DESC;',
    );
    assert.strictEqual(
      redshiftExampleQuerySql("datalake", "app_logs_raw_all", WEB),
      'SELECT "method", count(*) AS events\nFROM "datalake"."app_logs_raw_all"\nGROUP BY "method"\nORDER BY events DESC;',
    );
    assert.strictEqual(
      redshiftExampleQuerySql("datalake", "t", { ...WEB, keywordField: undefined }),
      'SELECT count(*) AS events\nFROM "datalake"."t";',
    );
  });
});
