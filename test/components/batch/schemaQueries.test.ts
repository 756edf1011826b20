/** The event schema's shape in the lake: raw/curated columns, the generic named queries, QuickSight and Redshift. */
import * as assert from "assert";
import { parseConfig, eventSchemaOf } from "../../../stacks/config";
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

const WEB: EventSchema = eventSchemaOf(
  parseConfig({
    generator: { enabled: false },
    sources: { logGroups: ["/ecs/web/api"] },
    format: {
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
    },
  }),
);

describe("event schema in the lake", () => {
  it("the hands-on's format keeps its columns, queries and example query exactly", () => {
    assert.strictEqual(rawColumnsFor(HANDS_ON_SCHEMA), RAW_COLUMNS);
    assert.strictEqual(curatedColumnsFor(HANDS_ON_SCHEMA), CURATED_COLUMNS);
    assert.deepStrictEqual(namedQueriesFor("db", "t", HANDS_ON_SCHEMA), athenaNamedQueries("db", "t"));
    assert.match(redshiftExampleQuerySql("s", "t"), /^SELECT "alarmlevel", "host", count\(\*\) AS events/);
  });

  it("a JSON schema: raw columns as written, curated columns typed, event_time first, undeclared keys last", () => {
    assert.deepStrictEqual(
      rawColumnsFor(WEB).map((c) => `${c.name}:${c.type}`),
      ["timestamp:string", "method:string", "status:bigint", "latency_ms:double", "cached:boolean"],
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
    assert.match(q[2].sql, /^SELECT from_iso8601_timestamp\("timestamp"\) AS event_time, \*\n/);
    assert.match(q[2].sql, /ORDER BY event_time DESC\nLIMIT 100;$/);
    const noKeyword = genericNamedQueries("d", "t", { ...WEB, keywordField: undefined });
    assert.deepStrictEqual(
      noKeyword.map((x) => x.key),
      ["events-per-hour", "latest-events"],
    );
  });

  it("event time expressions for each time format", () => {
    assert.strictEqual(
      eventTimeSql({ ...WEB, timeFormat: "epoch_ms" }),
      'from_unixtime("timestamp" / 1000e0)',
    );
    assert.strictEqual(
      eventTimeSql({ ...WEB, timeFormat: "%Y-%m-%dT%H:%M:%S%z" }),
      "parse_datetime(\"timestamp\", 'yyyy-MM-dd''T''HH:mm:ssZ')",
    );
    assert.strictEqual(
      eventTimeSql(HANDS_ON_SCHEMA),
      "parse_datetime(\"timestamp\", 'yyyy-MM-dd HH:mm:ssZ')",
    );
  });

  it("QuickSight columns follow the schema's types; the hands-on's are unchanged", () => {
    assert.deepStrictEqual(quicksightInputColumns(rawColumnsFor(WEB)), [
      { name: "timestamp", type: "STRING" },
      { name: "method", type: "STRING" },
      { name: "status", type: "INTEGER" },
      { name: "latency_ms", type: "DECIMAL" },
      { name: "cached", type: "BOOLEAN" },
      { name: "dt", type: "STRING" },
      { name: "hour", type: "INTEGER" },
    ]);
    assert.deepStrictEqual(quicksightInputColumns(), quicksightInputColumns(RAW_COLUMNS));
  });

  it("the Redshift example query counts the keyword field of any schema", () => {
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
