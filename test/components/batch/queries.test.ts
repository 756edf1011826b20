import * as assert from "assert";
import {
  athenaNamedQueries,
  createExternalSchemaSql,
  quoteIdent,
  redshiftExampleQuerySql,
} from "../../../components/batch/queries";

describe("athenaNamedQueries", () => {
  const queries = athenaNamedQueries("datalake_dev", "app_logs_raw");

  it("reproduces the hands-on's four queries, with stable keys", () => {
    assert.deepStrictEqual(
      queries.map((q) => q.key),
      ["preview", "count-by-level", "errors-per-host", "per-user-day"],
    );
  });

  it("previews ten rows of today's partitions", () => {
    assert.strictEqual(
      queries[0].sql,
      'SELECT *\nFROM "datalake_dev"."app_logs_raw"\nWHERE "dt" = date_format(current_timestamp AT TIME ZONE \'UTC\', \'%Y-%m-%d\')\nLIMIT 10;',
    );
  });

  it("counts ERROR events per host within the last hour of event time", () => {
    assert.strictEqual(
      queries[2].sql,
      [
        'SELECT "host", count(*) AS errors',
        'FROM "datalake_dev"."app_logs_raw"',
        "WHERE \"alarmlevel\" = 'ERROR'",
        "  AND \"dt\" >= date_format(current_timestamp AT TIME ZONE 'UTC' - INTERVAL '1' DAY, '%Y-%m-%d')",
        "  AND parse_datetime(\"timestamp\", 'yyyy-MM-dd HH:mm:ssZ') >= current_timestamp - INTERVAL '1' HOUR",
        'GROUP BY "host"',
        "ORDER BY errors DESC;",
      ].join("\n"),
    );
  });

  it("counts per user over exactly one day partition (the scan comparison)", () => {
    assert.match(queries[3].sql, /^SELECT "user", count\(\*\) AS events\n/);
    assert.match(
      queries[3].sql,
      /WHERE "dt" = date_format\(current_timestamp AT TIME ZONE 'UTC' - INTERVAL '1' DAY, '%Y-%m-%d'\)\n/,
    );
  });

  it("filters every query on the dt partition so projection prunes the scan", () => {
    for (const q of queries) assert.match(q.sql, /"dt" (=|>=) /, q.key);
  });
});

describe("quoteIdent", () => {
  it("quotes plain identifiers and rejects anything else", () => {
    assert.strictEqual(quoteIdent("user"), '"user"');
    assert.throws(() => quoteIdent('a"; DROP'), {
      message: 'quoteIdent: "a\\"; DROP" is not a plain identifier; use letters, digits and _.',
    });
  });
});

describe("createExternalSchemaSql", () => {
  it("creates the Spectrum schema over the Glue database with the role", () => {
    assert.strictEqual(
      createExternalSchemaSql(
        "lake",
        "datalake_dev",
        "arn:aws:iam::123456789012:role/batch-spectrum-role-1a2b3c4",
      ),
      "CREATE EXTERNAL SCHEMA IF NOT EXISTS \"lake\"\nFROM DATA CATALOG DATABASE 'datalake_dev'\nIAM_ROLE 'arn:aws:iam::123456789012:role/batch-spectrum-role-1a2b3c4';",
    );
  });

  it("rejects a role ARN that is not one", () => {
    assert.throws(() => createExternalSchemaSql("lake", "db", "x' ; DROP"), {
      message: 'createExternalSchemaSql: roleArn "x\' ; DROP" is not an IAM role ARN.',
    });
  });
});

describe("redshiftExampleQuerySql", () => {
  it("counts events per level and host through the Spectrum schema", () => {
    assert.strictEqual(
      redshiftExampleQuerySql("lake", "app_logs_raw_unpartitioned"),
      'SELECT "alarmlevel", "host", count(*) AS events\nFROM "lake"."app_logs_raw_unpartitioned"\nGROUP BY "alarmlevel", "host"\nORDER BY events DESC;',
    );
  });
});
