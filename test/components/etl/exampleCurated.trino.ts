/**
 * The curated table of a user format on a real Trino (Athena engine version 3 is Trino): the
 * example stack's format (Pulumi.example-app.yaml), its curated table registered from the
 * definition the stack deploys (components/etl/table.ts with curatedColumnsFor of that format) over
 * the Glue job's output on local Spark (formatSample.ts: built by the Spark suite, reused here while
 * the code is unchanged, else built first). The rows, the per-method and per-hour counts must be
 * those TypeScript counted from the generated input, and `attributes` must read back.
 *
 *   npx mocha --timeout 900000 test/components/etl/exampleCurated.trino.ts
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { curatedPartitionKeys, curatedStorageDescriptor } from "../../../components/etl/table";
import { CURATED_TABLE_NAME } from "../../../components/shared/lake";
import { curatedColumnsFor } from "../../../components/shared/schema";
import { SAMPLE_BUCKETS } from "../../../tools/etl/sample";
import { SetupError, ensureSparkVenv } from "../../../tools/etl/venv";
import { TrinoClient, TrinoQueryError } from "../../../tools/trino/client";
import { TRINO_VERSION, ensureTrino, findTrinoJava } from "../../../tools/trino/install";
import { HIVE_CATALOG, TrinoServer, startTrino } from "../../../tools/trino/server";
import { registerGlueTable } from "../../../tools/trino/tables";
import {
  FormatExpectations,
  FormatSample,
  ensureFormatSample,
  formatExpectations,
  formatSampleInput,
} from "./formatSample";

const DATABASE = "datalake_trino_example_curated";

describe(`The example format's curated table on Trino ${TRINO_VERSION}, over the Glue job's output`, function () {
  let setupError: string | undefined;
  let server: TrinoServer | undefined;
  let client: TrinoClient;
  let work: string | undefined;
  let sample: FormatSample;
  let expected: FormatExpectations;
  const table = `${DATABASE}.${CURATED_TABLE_NAME}`;

  before(async function () {
    this.timeout(1_800_000);
    try {
      const javaHome = findTrinoJava();
      const home = await ensureTrino();
      sample = ensureFormatSample(() => ensureSparkVenv());
      const input = formatSampleInput();
      expected = formatExpectations(input);
      work = fs.mkdtempSync(path.join(os.tmpdir(), "trino-example-curated-"));
      // Trino reads (and the metastore writes) below its data root: a copy keeps the cached build pristine.
      fs.cpSync(sample.dir, path.join(work, "root"), { recursive: true });
      server = await startTrino({ home, javaHome, work });
      process.stdout.write(
        `trino: ${TRINO_VERSION} ready in ${(server.startMs / 1000).toFixed(1)} s on 127.0.0.1:${server.port}; ` +
          `format sample of ${expected.total} events in ${sample.objects} objects, ${sample.built ? "built by this suite" : "reused"}\n`,
      );
      client = new TrinoClient(server.url, HIVE_CATALOG);
      await client.query(`CREATE SCHEMA ${HIVE_CATALOG}.${DATABASE}`);
      await registerGlueTable(client, server.metastoreDir, DATABASE, {
        name: CURATED_TABLE_NAME,
        storageDescriptor: curatedStorageDescriptor(SAMPLE_BUCKETS.curated, curatedColumnsFor(input.schema)),
        partitionKeys: curatedPartitionKeys(),
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

  it(`has Java 22+, Trino ${TRINO_VERSION} and the format sample`, () => {
    assert.ok(!setupError, setupError);
  });

  function ready(ctx: Mocha.Context): void {
    if (setupError) ctx.skip();
  }

  const rowsOf = async (sql: string) => (await client.query(sql)).rows;

  it("holds every curated event, each column in its declared type", async function () {
    ready(this);
    const [[count, status, latency, sameTime]] = await rowsOf(
      `SELECT count(*), typeof(max("status")), typeof(max("latency_ms")), count_if("event_time" = "timestamp") FROM ${table}`,
    );
    assert.deepStrictEqual(
      [count, status, latency, sameTime],
      [expected.total, "bigint", "double", expected.total],
    );
  });

  it("counts per method as TypeScript counted them", async function () {
    ready(this);
    const rows = await rowsOf(`SELECT "method", count(*) FROM ${table} GROUP BY 1`);
    assert.deepStrictEqual(Object.fromEntries(rows), expected.perMethod);
  });

  it("counts per dt/hour partition (UTC of the event time) as TypeScript counted them", async function () {
    ready(this);
    const rows = await rowsOf(
      `SELECT "dt", "hour", count(*), count_if(date_format("event_time", '%Y-%m-%d') = "dt" AND hour("event_time") = "hour") FROM ${table} GROUP BY 1, 2`,
    );
    const got = Object.fromEntries(
      rows.map(([dt, hour, n]) => [`dt=${dt}/hour=${String(hour).padStart(2, "0")}`, n]),
    );
    assert.deepStrictEqual(got, expected.perHour);
    for (const [dt, hour, n, inHour] of rows) assert.strictEqual(inHour, n, `dt=${dt}/hour=${hour}`);
  });

  it("reads attributes back: attributes['…'] where the key is present (a missing key fails the query), element_at for any row", async function () {
    ready(this);
    // A subscript of a key a row lacks fails the whole query: filter first, or use element_at.
    await assert.rejects(
      rowsOf(`SELECT count_if("attributes"['tags'] = '["a","b"]') FROM ${table}`),
      (err: unknown) => err instanceof TrinoQueryError && /Key not present in map: tags/.test(err.message),
    );
    const [[tags, tagged]] = await rowsOf(
      `SELECT count(*), count_if("attributes"['tags'] = '["a","b"]') FROM ${table} WHERE contains(map_keys("attributes"), 'tags')`,
    );
    const [[traces, notes, anyTrace]] = await rowsOf(
      `SELECT count(element_at("attributes", 'trace_id')), count_if(element_at("attributes", 'note') = 'null'),
         max(element_at("attributes", 'trace_id')) FROM ${table}`,
    );
    assert.deepStrictEqual(
      [tags, tagged, traces, notes],
      [
        expected.attributeKeys.tags,
        expected.attributeKeys.tags,
        expected.attributeKeys.trace_id,
        expected.attributeKeys.note,
      ],
    );
    assert.match(String(anyTrace), /^t-\d+$/);
    const [[retries]] = await rowsOf(
      `SELECT array_sort(array_agg(DISTINCT "attributes"['retry'])) FROM ${table} WHERE contains(map_keys("attributes"), 'retry')`,
    );
    assert.deepStrictEqual(retries, ["0", "1", "2"]);
  });
});
