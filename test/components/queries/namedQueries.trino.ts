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
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { rawTableDefinition } from "../../../components/batch/catalog";
import { curatedPartitionKeys, curatedStorageDescriptor } from "../../../components/etl/table";
import { CURATED_TABLE_NAME, RAW_TABLE_NAME } from "../../../components/shared/lake";
import { QueryResult, TrinoClient, TrinoQueryError, asStatement } from "../../../tools/trino/client";
import { TRINO_VERSION, ensureTrino, findTrinoJava } from "../../../tools/trino/install";
import { GlueTableSpec, registerGlueTable } from "../../../tools/trino/tables";
import { HIVE_CATALOG, TrinoServer, startTrino } from "../../../tools/trino/server";
import { LakeSample, SAMPLE_BUCKETS, ensureLakeSample } from "../../../tools/etl/sample";
import { SetupError, ensureSparkVenv } from "../../../tools/etl/venv";
import { rawColumnsFor } from "../../../components/shared/schema";
import { Expected, GENERIC, NamedSql, QUERY_SETS, QuerySet, compare } from "./expectations";
import { GenericRow, exampleAppSchema, generateWebEvents, writeGenericLake } from "./genericInput";
import { LakeInput, readLakeInput } from "./lakeInput";

/** The Glue database the queries name; here, a schema of the Hive catalog. */
const DATABASE = "datalake_trino_test";
/** The database of the generic queries' raw table (the example-app format's columns, its own bucket). */
const GENERIC_DATABASE = "datalake_trino_generic";
const GENERIC_BUCKET = "example-app-raw";
/** How many web-service events the generic queries run over, and over how many days. */
const GENERIC_EVENTS = 3000;
const GENERIC_DAYS = 3;

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
        ...rawTableDefinition(GENERIC_BUCKET, RAW_DAYS, undefined, rawColumnsFor(schema)),
      });
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
    it("the raw table reads every generated event, each field in its declared type", async function () {
      ready(this);
      assert.strictEqual(generic.length, GENERIC_EVENTS);
      const r = await client.query(
        `SELECT count(*), count(DISTINCT "user_id"), sum("status"), round(sum("latency_ms"), 1) FROM ${GENERIC_DATABASE}.${RAW_TABLE_NAME}`,
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
