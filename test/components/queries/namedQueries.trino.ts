/**
 * Athena's SQL on a real Trino (`npm run test:trino`; Athena engine version 3 is Trino): every named
 * query the stacks ship runs, as saved, over the Glue job's real output, and returns the rows
 * computed from the generated input without any SQL engine (expectations.ts, lakeInput.ts).
 *
 * - Trino: a pinned release installed into the cache from Maven Central (tools/trino/install.ts),
 *   one node on a free loopback port with its data in a temporary folder, stopped in `after`.
 * - Data: the sample lake (tools/etl/sample.ts): the generator's last nine days as Firehose stores
 *   them, and the Glue job's output on local Spark; the Spark suite builds it just before, this
 *   suite reuses it (or builds it when there is no recent one).
 * - Tables: created from the Glue table definitions the stacks deploy (columns, types, SerDe and
 *   its parameters, partition keys); Athena's partition projection has no Trino equivalent, so the
 *   partitions present are registered instead (tools/trino/tables.ts).
 * - SQL: unchanged; the database the queries name is this suite's schema, and the session's
 *   catalog is the Hive catalog. The one trailing `;` is dropped, as Athena's console does.
 * - Formats: besides the hands-on's lake, the generic queries run over a JSON format's raw table
 *   (Pulumi.example-app.yaml) and a text format's (genericInput.ts ACCESS_LOG_FORMAT), whose raw
 *   table reads the lines with Hive's RegexSerDe and the pattern rewritten for Java's engine
 *   (components/shared/javaRegex.ts); tricky lines show both engines split lines alike.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { rawTableDefinition } from "../../../components/batch/catalog";
import { LOG_LINE_PATTERN } from "../../../components/shared/logformat";
import { EventSchema } from "../../../components/shared/schema";
import { namedGroups } from "../../../components/shared/schemaCheck";
import { javaRegexProblem } from "../../../components/shared/javaRegex";
import { eventTimeSql } from "../../../components/batch/queries";
import { writeObject } from "../../../tools/etl/firehoseObjects";
import { curatedPartitionKeys, curatedStorageDescriptor } from "../../../components/etl/table";
import { CURATED_TABLE_NAME, RAW_TABLE_NAME } from "../../../components/shared/lake";
import { QueryResult, TrinoClient, TrinoQueryError, asStatement } from "../../../tools/trino/client";
import { TRINO_VERSION, ensureTrino, findTrinoJava } from "../../../tools/trino/install";
import { GlueTableSpec, registerGlueTable } from "../../../tools/trino/tables";
import { HIVE_CATALOG, TrinoServer, startTrino } from "../../../tools/trino/server";
import { LakeSample, SAMPLE_BUCKETS, ensureLakeSample } from "../../../tools/etl/sample";
import { SetupError, ensureSparkVenv } from "../../../tools/etl/venv";
import { Expected, GENERIC, NamedSql, QUERY_SETS, QuerySet, TEXT_GENERIC, compare } from "./expectations";
import {
  GenericRow,
  ODD_ACCESS_LINES,
  accessLogSchema,
  exampleAppSchema,
  generateWebEvents,
  writeGenericLake,
  writeTextLake,
} from "./genericInput";
import { LakeInput, readLakeInput } from "./lakeInput";

/** The Glue database the queries name; here, a schema of the Hive catalog. */
const DATABASE = "datalake_trino_test";
/** The database of the generic queries' raw table (the example-app format's columns, its own bucket). */
const GENERIC_DATABASE = "datalake_trino_generic";
const GENERIC_BUCKET = "example-app-raw";
/** How many web-service events the generic queries run over, and over how many days. */
const GENERIC_EVENTS = 3000;
const GENERIC_DAYS = 3;

/** The database and bucket of the text format's raw table (RegexSerDe). */
const TEXT_DATABASE = "datalake_trino_text";
const TEXT_BUCKET = "web-access-raw";
/** The database of the tables that compare the JavaScript and Java readings of tricky lines. */
const REGEX_DATABASE = "datalake_trino_regex";

/** Raw retention of the definition (only its projection range depends on it, which Trino ignores). */
const RAW_DAYS = 30;

/** The lake's tables, from the definitions the stacks give Glue. */
function glueTables(): GlueTableSpec[] {
  return [
    { name: RAW_TABLE_NAME, ...rawTableDefinition(SAMPLE_BUCKETS.raw, RAW_DAYS) },
    {
      name: CURATED_TABLE_NAME,
      storageDescriptor: curatedStorageDescriptor(SAMPLE_BUCKETS.curated),
      partitionKeys: curatedPartitionKeys(),
    },
  ];
}

interface Checked {
  readonly expected: Expected;
  readonly result: QueryResult;
  readonly problems: string[];
}

/**
 * Runs a query and compares it with the expectation at the instant it ran. The windows move with
 * the clock: when the expectation differs between just before and just after the query (an event
 * crossed a window's edge meanwhile), the query runs again.
 */
async function runChecked(
  client: TrinoClient,
  sql: string,
  expect: (now: number) => Expected,
): Promise<Checked> {
  for (let attempt = 1; ; attempt++) {
    const before = Date.now();
    const result = await client.query(asStatement(sql));
    const after = Date.now();
    const expected = expect(before);
    if (JSON.stringify(expected) === JSON.stringify(expect(after)) || attempt === 3) {
      return { expected, result, problems: compare(expected, result) };
    }
  }
}

describe(`Athena's named queries on Trino ${TRINO_VERSION}, over the Glue job's output`, function () {
  let setupError: string | undefined;
  let server: TrinoServer | undefined;
  let client: TrinoClient;
  let sample: LakeSample;
  let input: LakeInput;
  let generic: GenericRow[];
  let text: { rows: GenericRow[]; unmatched: number };
  let work: string | undefined;

  before(async function () {
    this.timeout(1_800_000);
    try {
      const javaHome = findTrinoJava();
      const installStarted = Date.now();
      const home = await ensureTrino();
      const installMs = Date.now() - installStarted;
      sample = ensureLakeSample(() => ensureSparkVenv());
      input = readLakeInput(path.join(sample.dir, SAMPLE_BUCKETS.raw));
      work = fs.mkdtempSync(path.join(os.tmpdir(), "trino-test-"));
      // Trino reads (and the metastore writes) below its data root: a copy keeps the cached sample pristine.
      fs.cpSync(sample.dir, path.join(work, "root"), { recursive: true });
      server = await startTrino({ home, javaHome, work });
      process.stdout.write(
        `trino: ${TRINO_VERSION} ready in ${(server.startMs / 1000).toFixed(1)} s on 127.0.0.1:${server.port} (install check ${(installMs / 1000).toFixed(1)} s); ` +
          `sample of ${sample.lines} lines in ${sample.objects} objects, ${Math.round((Date.now() - sample.generatedAt) / 60_000)} min old, ${sample.built ? "built by this suite" : "reused"}\n`,
      );
      client = new TrinoClient(server.url, HIVE_CATALOG);
      await client.query(`CREATE SCHEMA ${HIVE_CATALOG}.${DATABASE}`);
      for (const t of glueTables()) await registerGlueTable(client, server.metastoreDir, DATABASE, t);
      // The example-app format's raw table, from the definition the stacks give Glue for that schema.
      const schema = exampleAppSchema();
      const written = writeGenericLake(
        path.join(work, "root", GENERIC_BUCKET),
        schema,
        generateWebEvents(schema, Date.now(), GENERIC_EVENTS, GENERIC_DAYS),
      );
      generic = written.rows;
      process.stdout.write(
        `trino: ${generic.length} ${schema.name} events over ${GENERIC_DAYS} days in ${written.objects} objects\n`,
      );
      await client.query(`CREATE SCHEMA ${HIVE_CATALOG}.${GENERIC_DATABASE}`);
      await registerGlueTable(client, server.metastoreDir, GENERIC_DATABASE, {
        name: RAW_TABLE_NAME,
        ...rawTableDefinition(GENERIC_BUCKET, RAW_DAYS, undefined, schema),
      });
      // The same events as an access log's lines, with lines its pattern does not match.
      const textSchema = accessLogSchema();
      const now = Date.now();
      const textWritten = writeTextLake(
        path.join(work, "root", TEXT_BUCKET),
        textSchema,
        generateWebEvents(textSchema, now, GENERIC_EVENTS, GENERIC_DAYS),
        ODD_ACCESS_LINES.map((o) => o.line),
        now,
      );
      text = textWritten;
      process.stdout.write(
        `trino: ${text.rows.length} ${textSchema.name} lines (${text.unmatched} its pattern does not match) in ${textWritten.objects} objects\n`,
      );
      await client.query(`CREATE SCHEMA ${HIVE_CATALOG}.${TEXT_DATABASE}`);
      await registerGlueTable(client, server.metastoreDir, TEXT_DATABASE, {
        name: RAW_TABLE_NAME,
        ...rawTableDefinition(TEXT_BUCKET, RAW_DAYS, undefined, textSchema),
      });
      await client.query(`CREATE SCHEMA ${HIVE_CATALOG}.${REGEX_DATABASE}`);
    } catch (err) {
      if (!(err instanceof SetupError)) throw err;
      setupError = err.message;
    }
  });

  after(async function () {
    this.timeout(60_000);
    await server?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it(`has Java 22+, Trino ${TRINO_VERSION} and the sample lake`, () => {
    assert.ok(!setupError, setupError);
  });

  function ready(ctx: Mocha.Context): void {
    if (setupError) ctx.skip();
  }

  it("the raw table reads every line (a line that is not JSON is a row of NULLs) and the curated table every valid record", async function () {
    ready(this);
    const count = async (table: string, where = "") =>
      Number((await client.query(`SELECT count(*) FROM ${DATABASE}.${table} ${where}`)).rows[0][0]);
    assert.ok(input.unreadable > 0, "the sample has no unreadable line to prove ignore.malformed.json with");
    assert.strictEqual(await count(RAW_TABLE_NAME), input.raw.length);
    assert.strictEqual(await count(RAW_TABLE_NAME, `WHERE "timestamp" IS NULL`), input.unreadable);
    assert.strictEqual(await count(CURATED_TABLE_NAME), input.curated.length);
    assert.ok(
      input.curated.length < input.raw.length - input.unreadable,
      "the sample has no record the job quarantines",
    );
  });

  it("without the SerDe parameters mirrored from the Glue table, one unreadable line fails the raw table", async function () {
    ready(this);
    const [raw] = glueTables();
    const bare = {
      ...raw,
      name: `${RAW_TABLE_NAME}_without_serde_parameters`,
      storageDescriptor: {
        ...raw.storageDescriptor,
        serDeInfo: { ...(raw.storageDescriptor.serDeInfo as object), parameters: {} },
      },
    };
    await registerGlueTable(client, server!.metastoreDir, DATABASE, bare);
    // count(*) alone parses no line; reading a column does.
    await assert.rejects(
      client.query(`SELECT "alarmlevel", count(*) FROM ${DATABASE}.${bare.name} GROUP BY 1`),
      (err: unknown) => err instanceof TrinoQueryError && /Failed to read file/.test(err.message),
    );
  });

  it("Trino's protocol takes one statement without the trailing ';' the saved queries end with", async function () {
    ready(this);
    const [first] = QUERY_SETS[0].queries(DATABASE, RAW_TABLE_NAME);
    assert.match(first.sql, /;$/);
    await assert.rejects(
      client.query(first.sql),
      (err: unknown) => err instanceof TrinoQueryError && err.errorName === "SYNTAX_ERROR",
    );
  });

  /**
   * One test per query of `set` over `database`: it runs unchanged and its rows equal those the
   * set's expectation computes from the input (`inputOf`, read when the test runs: the input is
   * built in the suite's `before`).
   */
  function itMatchesTheInput<I>(set: QuerySet<I>, database: string, inputOf: () => I): void {
    for (const q of set.queries(database, RAW_TABLE_NAME)) {
      it(`${q.name}: runs unchanged and returns the rows computed from the input`, async function () {
        ready(this);
        const expect = set.expect[q.id];
        assert.ok(expect, `no expectation for ${q.id} in ${set.title}: add one to expectations.ts`);
        const checked = await runChecked(client, q.sql, (now) => expect(inputOf(), now));
        assert.ok(
          checked.expected.rows.length > 0,
          `the input gives no rows for ${q.name}; the check would prove nothing`,
        );
        assert.deepStrictEqual(checked.problems, [], `${q.name}:\n${q.sql}\n${checked.problems.join("\n")}`);
        process.stdout.write(
          `trino: ${q.name}: ${checked.result.rows.length} rows match (${checked.expected.rows.length} computed from the input)\n`,
        );
      });
    }
  }

  for (const set of QUERY_SETS) {
    describe(set.title, () => itMatchesTheInput(set, DATABASE, () => input));
  }

  describe(GENERIC.title, () => {
    it("the raw table reads every generated event, each field as written, cast where a query computes", async function () {
      ready(this);
      assert.strictEqual(generic.length, GENERIC_EVENTS);
      const r = await client.query(
        `SELECT count(*), count(DISTINCT "user_id"), sum(CAST("status" AS bigint)), round(sum(CAST("latency_ms" AS double)), 1) FROM ${GENERIC_DATABASE}.${RAW_TABLE_NAME}`,
      );
      const field = (name: string) => generic.map((g) => g.record[name]);
      assert.deepStrictEqual(r.rows[0], [
        GENERIC_EVENTS,
        new Set(field("user_id")).size,
        field("status").reduce((a: number, b) => a + (b as number), 0),
        Math.round(field("latency_ms").reduce((a: number, b) => a + (b as number), 0) * 10) / 10,
      ]);
    });

    itMatchesTheInput(GENERIC, GENERIC_DATABASE, () => generic);
  });

  describe(TEXT_GENERIC.title, () => {
    const schema = accessLogSchema();
    const columns = schema.fields.map((f) => f.name);
    const table = `${TEXT_DATABASE}.${RAW_TABLE_NAME}`;

    it("the raw table is Hive's RegexSerDe with every field a varchar column", async function () {
      ready(this);
      const r = await client.query(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '${TEXT_DATABASE}' AND table_name = '${RAW_TABLE_NAME}' ORDER BY ordinal_position`,
      );
      assert.deepStrictEqual(r.rows, [
        ...columns.map((c) => [c, "varchar"]),
        ["dt", "varchar"],
        ["hour", "integer"],
      ]);
      const ddl = String((await client.query(`SHOW CREATE TABLE ${table}`)).rows[0][0]);
      assert.match(ddl, /format = 'REGEX'/);
    });

    it("reads every line as the format's JavaScript pattern splits it; a line it does not match is a row of NULLs", async function () {
      ready(this);
      const r = await client.query(
        `SELECT ${columns.map((c) => `"${c}"`).join(", ")}, "dt", "hour" FROM ${table}`,
      );
      const expected = text.rows.map((row) => [
        ...columns.map((c) => row.record[c] ?? null),
        row.dt,
        row.hour,
      ]);
      assert.deepStrictEqual(
        compare({ rows: expected }, r),
        [],
        "the raw table's rows differ from the lines split in JavaScript",
      );
      // The odd lines: all but the one with an unparseable time are rows of NULLs, in their partition.
      assert.strictEqual(text.unmatched, ODD_ACCESS_LINES.length - 1);
      const nulls = await client.query(
        `SELECT count(*), count(${columns.map((c) => `"${c}"`).join(") + count(")}) FROM ${table} WHERE "timestamp" IS NULL`,
      );
      assert.deepStrictEqual(nulls.rows[0], [text.unmatched, 0]);
      process.stdout.write(
        `trino: ${r.rows.length} rows of the text table equal the lines split in JavaScript; ${text.unmatched} rows of NULLs\n`,
      );
    });

    it("a matched line whose time does not parse has no event time, and fails no query", async function () {
      ready(this);
      const bad = text.rows.filter(
        (row) => row.eventMs === null && row.record[schema.timeField] !== undefined,
      );
      assert.deepStrictEqual(
        bad.map((row) => row.record[schema.timeField]),
        ["yesterday"],
      );
      const r = await client.query(
        `SELECT "timestamp", try(from_iso8601_timestamp("timestamp")) FROM ${table} WHERE "timestamp" = 'yesterday'`,
      );
      assert.deepStrictEqual(r.rows, [["yesterday", null]]);
    });

    itMatchesTheInput(TEXT_GENERIC, TEXT_DATABASE, () => text.rows);
  });

  describe("JavaScript patterns and their Java form read tricky lines alike (Hive's RegexSerDe on Trino)", () => {
    /**
     * Each pattern with lines where JavaScript and Java read the same syntax differently: Unicode
     * spaces and line separators, a search that is not anchored, word boundaries next to a
     * non-ASCII letter, characters JavaScript takes literally, and long repetitions. The
     * hands-on's parser (lookaheads) runs on its lines too.
     */
    const long = "ab".repeat(20_000);
    const cases: { readonly pattern: string; readonly lines: readonly string[] }[] = [
      {
        pattern: "^(?<a>\\S+)\\s(?<b>.+)$",
        lines: [
          "a\u00a0b c",
          "x\ufeffy z",
          "p q\u2028",
          "p q\u0085",
          "k\u2028l m",
          "\u{1f600} x",
          " lead",
          "tab\tsep",
        ],
      },
      { pattern: "(?<a>\\d+)", lines: ["ab12cd34", "12", "none"] },
      { pattern: "(?<a>[a-z]+)$", lines: ["x\u2028", "x\u0085", "x", "1x"] },
      { pattern: "(?<a>\\bfoo\\b)", lines: ["a foo b", "afoo", "\u00e9foo", "foo_", "\u00e9foo\u00e9"] },
      { pattern: "(?<a>a{)(?<b>}])", lines: ["a{}]", "a{"] },
      { pattern: "(?<a>[\\s\\S-z&[^]+)", lines: ["a-b&[^z", " \u00a0\u2028x"] },
      { pattern: "(?<a>[^]*)", lines: ["a\u2028\u0085b"] },
      { pattern: "(?<a>[\\d-z]+)", lines: ["1-z", "a"] },
      { pattern: "(?<a>[\\v\\b\\0])", lines: ["\u000b", "\u0008", "\u0000", "v"] },
      { pattern: "(?<a>.)(?<b>.)", lines: ["ab", "\u0085b", "\u2028b"] },
      { pattern: "(?<a>\\uD83D\\uDE00|\\u00e9)", lines: ["x\u{1f600}y", "\u00e9", "e"] },
      { pattern: "(?<a>x)(?<b>(?:ab)*)$", lines: [`x${long}`, "x"] },
      {
        pattern: LOG_LINE_PATTERN,
        lines: [
          "[2019-06-20 21:34:56+0900] ERROR prd-web002 uehara 1001 [This is ERROR.]",
          "[2019-06-20 21:34:56+0900] INFO  prd-web002   uehara 1001 [a [b] c]",
          `[2019-06-20 21:34:56+0900] INFO prd-web002 uehara 1001 [${long}]`,
          "not a log line",
        ],
      },
    ];
    const HOUR_DIR = "dt=2026-12-07/hour=10";

    /** Registers the raw table of `schema` over one object per line; returns each line's fields by object key. */
    /** Registers the raw table of `schema` (optionally with another `input.regex`) over one object per line. */
    async function registerLines(
      name: string,
      schema: EventSchema,
      lines: readonly string[],
      serdeRegex?: string,
    ): Promise<string> {
      const bucket = `regex-${name}`;
      lines.forEach((line, i) =>
        writeObject(path.join(work!, "root", bucket), `app_logs/${HOUR_DIR}/${objectOf(i)}`, [line]),
      );
      const def = rawTableDefinition(bucket, RAW_DAYS, undefined, schema);
      const serde = def.storageDescriptor.serDeInfo as { parameters: Record<string, string> };
      if (serdeRegex !== undefined) serde.parameters = { ...serde.parameters, "input.regex": serdeRegex };
      await registerGlueTable(client, server!.metastoreDir, REGEX_DATABASE, { name, ...def });
      return `${REGEX_DATABASE}.${name}`;
    }
    const objectOf = (i: number) => `line-${String(i).padStart(3, "0")}.gz`;

    /** `select` over each line's object, by object name. */
    async function readEach(table: string, select: string): Promise<Map<string, unknown[]>> {
      const r = await client.query(`SELECT "$path", ${select} FROM ${table}`);
      return new Map(r.rows.map(([p, ...values]) => [path.basename(String(p)), values]));
    }

    /** Each line's fields as the raw table of `schema` reads them, by object name. */
    async function readThrough(
      name: string,
      schema: EventSchema,
      lines: readonly string[],
      serdeRegex?: string,
    ): Promise<Map<string, unknown[]>> {
      const table = await registerLines(name, schema, lines, serdeRegex);
      return readEach(table, schema.fields.map((f) => `"${f.name}"`).join(", "));
    }

    const textSchemaOf = (i: number, pattern: string): EventSchema => ({
      name: `edge-${i}`,
      kind: "text",
      pattern,
      fields: namedGroups(pattern).map((name) => ({ name, type: "string" })),
      timeField: namedGroups(pattern)[0],
      timeFormat: "iso8601",
    });

    /** The fields as JavaScript's RegExp.exec splits each line (the pattern's meaning the config checks). */
    const jsFields = (schema: EventSchema, line: string) => {
      const groups = new RegExp(schema.pattern as string).exec(line)?.groups;
      return schema.fields.map((f) => (groups ? (groups[f.name] ?? null) : null));
    };

    it("every line gives the same fields (or a row of NULLs) in both engines", async function () {
      ready(this);
      const differences: string[] = [];
      for (const [i, c] of cases.entries()) {
        const schema = textSchemaOf(i, c.pattern);
        const read = await readThrough(`edge_${i}`, schema, c.lines);
        c.lines.forEach((line, j) => {
          const js = jsFields(schema, line);
          const java = read.get(objectOf(j));
          if (JSON.stringify(java) !== JSON.stringify(js))
            differences.push(
              `${c.pattern} on ${JSON.stringify(line.slice(0, 60))}: JavaScript ${JSON.stringify(js)}, Java ${JSON.stringify(java)?.slice(0, 120)}`,
            );
        });
      }
      assert.deepStrictEqual(differences, []);
      process.stdout.write(
        `trino: ${cases.reduce((n, c) => n + c.lines.length, 0)} tricky lines over ${cases.length} patterns read alike by JavaScript and the RegexSerDe\n`,
      );
    });

    it("with the names dropped but the pattern otherwise as written, Java reads some of them differently or refuses the pattern", async function () {
      ready(this);
      const naive: string[] = [];
      for (const [i, c] of cases.entries()) {
        const schema = textSchemaOf(i, c.pattern);
        const asWritten = c.pattern.replace(/\(\?<([a-z][a-z0-9_]*)>/g, "(");
        try {
          const read = await readThrough(`naive_${i}`, schema, c.lines, asWritten);
          const differing = c.lines.filter(
            (line, j) => JSON.stringify(read.get(objectOf(j))) !== JSON.stringify(jsFields(schema, line)),
          );
          if (differing.length)
            naive.push(`${c.pattern}: ${differing.length} of ${c.lines.length} lines differ`);
        } catch (err) {
          if (!(err instanceof TrinoQueryError)) throw err;
          naive.push(`${c.pattern}: refused (${err.message.slice(0, 60)})`);
        }
      }
      for (const p of [
        "^(?<a>\\S+)\\s(?<b>.+)$",
        "(?<a>\\d+)",
        "(?<a>[a-z]+)$",
        "(?<a>.)(?<b>.)",
        "(?<a>a{)(?<b>}])",
      ]) {
        assert.ok(
          naive.some((n) => n.startsWith(`${p}:`)),
          `${p} read alike without its rewriting; the case proves nothing:\n${naive.join("\n")}`,
        );
      }
      process.stdout.write(`trino: without the rewriting:\n  ${naive.join("\n  ")}\n`);
    });

    it("eventTimeSql reads a text table's string columns in every time format; a time that does not parse is NULL", async function () {
      ready(this);
      const formats: {
        readonly timeFormat: string;
        readonly time: string;
        readonly lines: readonly [string, string | null][];
      }[] = [
        {
          timeFormat: "iso8601",
          time: "[^ ]+",
          lines: [
            ["2026-12-07T10:00:00Z", "2026-12-07 10:00:00"],
            ["2026-12-07T19:00:00+09:00", "2026-12-07 10:00:00"],
            ["yesterday", null],
          ],
        },
        {
          timeFormat: "epoch_ms",
          time: "[^ ]+",
          lines: [
            ["1796637600000", "2026-12-07 10:00:00"],
            ["17966376e5", null],
          ],
        },
        {
          timeFormat: "%Y-%m-%d %H:%M:%S%z",
          time: "[^ ]+ [^ ]+",
          lines: [
            ["2026-12-07 19:00:00+0900", "2026-12-07 10:00:00"],
            ["2026-13-45 99:00:00+0900", null],
          ],
        },
      ];
      for (const [i, f] of formats.entries()) {
        const schema: EventSchema = {
          name: `time-${i}`,
          kind: "text",
          pattern: `^(?<ts>${f.time}) (?<msg>[a-z]+)$`,
          fields: [
            { name: "ts", type: "timestamp" },
            { name: "msg", type: "string" },
          ],
          timeField: "ts",
          timeFormat: f.timeFormat,
        };
        const table = await registerLines(
          `time_${i}`,
          schema,
          f.lines.map(([t]) => `${t} event`),
        );
        // The instant in epoch seconds: from_iso8601_timestamp keeps the written offset as its zone.
        const read = await readEach(table, `"ts", to_unixtime(${eventTimeSql(schema)})`);
        const got = f.lines.map((_, j) => read.get(objectOf(j)));
        const want = f.lines.map(([ts, utc]) => [
          ts,
          utc === null ? null : Date.parse(`${utc.replace(" ", "T")}Z`) / 1000,
        ]);
        assert.deepStrictEqual(got, want, `${f.timeFormat}: ${eventTimeSql(schema)}`);
      }
    });

    it("a group of varying width repeated over a long line overflows Java's stack and fails the query (what javaRegexOf refuses)", async function () {
      ready(this);
      const pattern = "^(?<a>x(?:a|b)*)$";
      assert.match(javaRegexProblem(pattern, ["a"]) ?? "", /one call deeper per repetition/);
      // The table of an accepted pattern with the same single column, reading with the refused one.
      const schema = textSchemaOf(99, "^(?<a>x[ab]*)$");
      const [shortLine, longLine] = [`x${"ab".repeat(100)}`, `x${"ab".repeat(20_000)}`];
      const refused = "^(x(?:a|b)*)$";
      const longTable = await registerLines("overflow", schema, [longLine], refused);
      await assert.rejects(
        client.query(`SELECT "a" FROM ${longTable}`),
        (err: unknown) =>
          err instanceof TrinoQueryError && err.failureType === "java.lang.StackOverflowError",
      );
      const shortTable = await registerLines("overflow_short", schema, [shortLine], refused);
      assert.deepStrictEqual((await client.query(`SELECT "a" FROM ${shortTable}`)).rows, [[shortLine]]);
      // The accepted form, a repeated class, reads the long line.
      const accepted = await registerLines("overflow_class", schema, [longLine]);
      assert.deepStrictEqual((await client.query(`SELECT length("a") FROM ${accepted}`)).rows, [
        [longLine.length],
      ]);
    });

    it("a JSON format's raw table takes any value in any field as its text, and matches keys as written", async function () {
      ready(this);
      const schema = exampleAppSchema();
      const t = "2026-12-07T10:00:00Z";
      const lines = [
        // Values the declared types cannot take: with typed columns the SerDe failed the query.
        `{"timestamp":"${t}","method":"GET","path":"/a","status":"n/a","latency_ms":"fast","user_id":"u1"}`,
        `{"timestamp":"${t}","method":"GET","path":"/a","status":200.5,"latency_ms":true,"user_id":7}`,
        // A key in another case is not the field (the forwarder and the job read it so too).
        `{"timestamp":"${t}","Method":"POST","method":"GET","path":"/a","status":201,"latency_ms":1,"user_id":"u3"}`,
      ];
      const table = await registerLines("json_any_value", schema, lines);
      const read = await readEach(table, '"method", "status", "latency_ms", "user_id"');
      assert.deepStrictEqual(
        [0, 1, 2].map((i) => read.get(objectOf(i))),
        [
          ["GET", "n/a", "fast", "u1"],
          ["GET", "200.5", "true", "7"],
          ["GET", "201", "1", "u3"],
        ],
      );
      // Cast where a query computes: what does not parse is NULL, and no row fails the query.
      const sum = await client.query(`SELECT sum(try_cast("status" AS bigint)) FROM ${table}`);
      assert.deepStrictEqual(sum.rows, [[201]]);
    });
  });

  describe("a wrong date_format pattern runs without error and is caught by the comparison", () => {
    const original = QUERY_SETS[0]
      .queries(DATABASE, RAW_TABLE_NAME)
      .find((q) => q.id === "per-user-day") as NamedSql;
    // A Joda/Java pattern where date_format expects MySQL's %-specifiers: valid SQL, wrong partitions.
    const broken = original.sql.replace(`'%Y-%m-%d'`, `'yyyy-MM-dd'`);

    it("the copy differs from the shipped query only in its pattern", () => {
      assert.notStrictEqual(broken, original.sql);
      assert.strictEqual(broken.replace(`'yyyy-MM-dd'`, `'%Y-%m-%d'`), original.sql);
    });

    it("the broken copy runs without error but its rows do not match the input's counts", async function () {
      ready(this);
      const expect = QUERY_SETS[0].expect[original.id];
      const checked = await runChecked(client, broken, (now) => expect(input, now));
      assert.ok(checked.problems.length > 0, "the comparison did not notice the broken pattern");
      assert.match(checked.problems.join("\n"), /^missing \d+ expected rows/);
      process.stdout.write(
        `trino: broken pattern 'yyyy-MM-dd' in ${original.name}: ${checked.problems.join("; ")}\n`,
      );
    });
  });
});
