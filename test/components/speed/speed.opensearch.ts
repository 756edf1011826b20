/**
 * The speed layer against a real OpenSearch 2.19.6 node (`npm run test:opensearch`): the
 * bootstrap's index templates and settings, the forwarder's handler end to end over HTTP, the verify
 * probe's search, and every hostile message of the transform's tests, judged by the engine. The
 * node is installed on first use and started once (tools/engines/opensearch.ts), and stopped by the
 * root `after` hook below even when tests fail. A missing Java, javac or Maven fails the first test
 * with one sentence saying what to install.
 *
 * What a real node cannot produce on demand (429/503 storms, connection resets, 413, trickling
 * bodies) stays in forwarder.test.ts and bootstrap.test.ts against loopback fakes.
 */
import * as assert from "assert";
import { gzipSync } from "zlib";
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from "aws-lambda";
import { Client } from "@opensearch-project/opensearch";
import { runBootstrap, BootstrapError } from "../../../components/speed/bootstrap/handler";
import { BootstrapSettings, SLOW_LOG_THRESHOLDS } from "../../../components/speed/bootstrap/requests";
import { BulkClient } from "../../../components/speed/forwarder/bulk";
import { createHandler } from "../../../components/speed/forwarder/handler";
import { createProbe, SearchClient } from "../../../components/speed/probe/handler";
import {
  MOVED_KEYS_FIELD,
  MAPPING_DEPTH_LIMIT,
  KEYWORD_IGNORE_ABOVE,
} from "../../../components/speed/mapping";
import { AGENT_INDEX_PREFIX, FORWARDER_INDEX_PREFIX } from "../../../components/shared/names";
import { parseLogLine } from "../../../components/shared/logformat";
import { createRandom } from "../../../components/network/generator/lines";
import {
  LocalNode,
  OPENSEARCH_VERSION,
  openSearchSetup,
  sharedOpenSearch,
  stopSharedOpenSearch,
} from "../../../tools/engines/opensearch";
import { HOSTILE_CASES, hostileMessages } from "../../helpers/hostileLogs";

const setup = openSearchSetup();
after(stopSharedOpenSearch);

const SETTINGS: BootstrapSettings = {
  writerRole: "datalake_writer",
  writerBackendRoles: ["arn:aws:iam::123456789012:role/fwd"],
  indexPrefixes: [AGENT_INDEX_PREFIX, FORWARDER_INDEX_PREFIX],
  retentionDays: 14,
  replicas: 1,
  ismPolicyId: "datalake-retention",
};

/** A subscription event as CloudWatch Logs delivers it. */
function subscriptionEvent(messages: readonly string[], firstId: number, t0: number): CloudWatchLogsEvent {
  const payload: CloudWatchLogsDecodedData = {
    messageType: "DATA_MESSAGE",
    owner: "123456789012",
    logGroup: "/datalake/test/speed/app",
    logStream: "ip-10-0-0-1",
    subscriptionFilters: ["f"],
    logEvents: messages.map((message, i) => ({ id: String(firstId + i), timestamp: t0 + i, message })),
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString("base64") } };
}

const silent = () => undefined;

describe(`speed layer on a real OpenSearch ${OPENSEARCH_VERSION} node`, function () {
  this.timeout(600_000);
  it("has Java, javac and Maven, and OpenSearch installed", () => {
    assert.ok(setup.install, setup.error);
  });
  if (!setup.install) return;
  const install = setup.install;
  let node: LocalNode;
  let client: Client;
  const rejected: Record<string, unknown>[] = [];
  const log = (_level: "info" | "error", record: Record<string, unknown>) => {
    if (record.outcome === "rejected") rejected.push(record);
  };
  const search = async (index: string, query: Record<string, unknown>, size = 10) => {
    // The client refuses a response holding a "__proto__" key (one hostile message has one).
    const body = { query, size, track_total_hits: true, _source: { excludes: ["__proto__"] } };
    const res = await client.search({ index, body } as Parameters<Client["search"]>[0]);
    return (res.body as any).hits as { total: { value: number }; hits: { _id: string; _source: any }[] };
  };

  before(async function () {
    this.timeout(600_000);
    node = await sharedOpenSearch(install);
    process.stderr.write(`opensearch: node ready in ${(node.startMs / 1000).toFixed(1)} s at ${node.url}\n`);
    client = new Client({ node: node.url });
  });
  beforeEach(() => (rejected.length = 0));

  describe("bootstrap", () => {
    it("fails loudly on a node without the security and ISM plugins by default", async () => {
      await assert.rejects(
        runBootstrap(
          { endpoint: node.url, username: "u", password: "p", settings: SETTINGS },
          { log: silent },
        ),
        (err: Error) =>
          err instanceof BootstrapError &&
          err.status === 400 &&
          /PUT \/_plugins\/_security\/api\/roles\/datalake_writer failed with HTTP 400: .*no handler found/.test(
            err.message,
          ),
      );
    });

    it("applies both index templates and reports the plugin steps the node cannot run", async () => {
      const result = await runBootstrap(
        { endpoint: node.url, username: "u", password: "p", settings: SETTINGS },
        { log: silent, missingPlugins: "report" },
      );
      assert.deepStrictEqual(
        result.steps.map((s) => `${s.outcome} ${s.step}`),
        [
          "unavailable PUT /_plugins/_security/api/roles/datalake_writer",
          "unavailable PUT /_plugins/_security/api/rolesmapping/datalake_writer",
          "applied PUT /_index_template/testappec2log",
          "applied PUT /_index_template/cwl",
          "unavailable PUT /_plugins/_ism/policies/datalake-retention",
          "unavailable POST /_plugins/_ism/add/testappec2log-*,cwl-*",
        ],
      );
      for (const s of result.steps.filter((x) => x.outcome === "unavailable")) {
        assert.match(s.reason!, /no handler found for uri/);
      }
    });

    it("gives a new daily index of each family the template's replicas, slow logs, depth limit and mapping", async () => {
      for (const prefix of SETTINGS.indexPrefixes) {
        const index = `${prefix}-2026.01.01`;
        await client.index({ index, id: "settings", body: { host: "h" }, refresh: true });
        const settings = ((await client.indices.getSettings({ index, flat_settings: true })).body as any)[
          index
        ].settings;
        assert.strictEqual(settings["index.number_of_replicas"], String(SETTINGS.replicas));
        assert.strictEqual(settings["index.number_of_shards"], "1");
        assert.strictEqual(settings["index.mapping.depth.limit"], String(MAPPING_DEPTH_LIMIT));
        for (const [k, v] of Object.entries(SLOW_LOG_THRESHOLDS)) assert.strictEqual(settings[k], v, k);
        const mapping = ((await client.indices.getMapping({ index })).body as any)[index].mappings;
        assert.strictEqual(mapping.dynamic, "false");
        assert.deepStrictEqual(mapping.properties.host, {
          type: "keyword",
          ignore_above: KEYWORD_IGNORE_ABOVE,
        });
        assert.deepStrictEqual(mapping.properties["@moved"], { type: "object", enabled: false });
      }
    });
  });

  describe("forwarder handler over HTTP", () => {
    const T0 = Date.UTC(2026, 1, 2, 3, 4, 5);
    const handler = () => createHandler({ client: client as unknown as BulkClient, log });

    it("writes a batch of hands-on JSON lines, searchable by every declared field", async () => {
      const messages = Array.from({ length: 50 }, (_v, i) =>
        JSON.stringify({
          timestamp: "2026-02-02 12:04:05+0900",
          alarmlevel: i % 2 ? "ERROR" : "INFO",
          host: `prd-web00${i % 5}`,
          user: "imai",
          number: 1000 + i,
          text: `This is ${i % 2 ? "ERROR" : "INFO"}.`,
        }),
      );
      const result = await handler()(subscriptionEvent(messages, 1_000, T0));
      assert.deepStrictEqual(result, { written: 50, requests: 1, rejected: 0 });
      await client.indices.refresh({ index: "cwl-2026.02.02" });
      assert.strictEqual((await search("cwl-2026.02.02", { term: { alarmlevel: "ERROR" } })).total.value, 25);
      assert.strictEqual((await search("cwl-2026.02.02", { term: { host: "prd-web003" } })).total.value, 10);
      assert.strictEqual(
        (await search("cwl-2026.02.02", { range: { number: { gte: 1040 } } })).total.value,
        10,
      );
      assert.strictEqual((await search("cwl-2026.02.02", { match: { text: "error" } })).total.value, 25);
      assert.strictEqual((await search("cwl-2026.02.02", { term: { "@id": "1007" } })).total.value, 1);
      // A retried batch overwrites under the same _id instead of duplicating.
      await handler()(subscriptionEvent(messages, 1_000, T0));
      await client.indices.refresh({ index: "cwl-2026.02.02" });
      assert.strictEqual((await search("cwl-2026.02.02", { match_all: {} })).total.value, 50);
    });

    it("records a document the engine rejects with the engine's reason and writes the others", async () => {
      // An index someone made strict: the engine refuses documents with unmapped fields.
      await client.indices.create({
        index: "cwl-2026.03.01",
        body: { mappings: { dynamic: "strict", properties: { "@timestamp": { type: "date" } } } },
      });
      const event = subscriptionEvent(['{"user":"a","extra":1}'], 2_000, Date.UTC(2026, 2, 1));
      const ok = subscriptionEvent(['{"user":"b"}'], 2_100, Date.UTC(2026, 2, 2));
      assert.deepStrictEqual(await handler()(event), { written: 0, requests: 1, rejected: 1 });
      assert.deepStrictEqual(await handler()(ok), { written: 1, requests: 1, rejected: 0 });
      assert.strictEqual(rejected.length, 1);
      assert.strictEqual(rejected[0].status, 400);
      assert.strictEqual(rejected[0].type, "strict_dynamic_mapping_exception");
      assert.match(String(rejected[0].reason), /mapping set to strict, dynamic introduction of \[/);
      assert.strictEqual(rejected[0].message, '{"user":"a","extra":1}');
    });

    it("retries documents the engine answers 429 (a read-only-allow-delete block) until the block is lifted", async () => {
      const index = "cwl-2026.04.01";
      await client.index({ index, id: "first", body: { user: "x" }, refresh: true });
      await client.indices.putSettings({ index, body: { "index.blocks.read_only_allow_delete": true } });
      const lift = setTimeout(() => {
        void client.indices.putSettings({ index, body: { "index.blocks.read_only_allow_delete": null } });
      }, 1_500);
      try {
        const h = createHandler({
          client: client as unknown as BulkClient,
          log,
          send: { baseDelayMs: 200, maxDelayMs: 1000, budgetMs: 60_000 },
        });
        const result = await h(subscriptionEvent(['{"user":"blocked"}'], 3_000, Date.UTC(2026, 3, 1)));
        assert.strictEqual(result.written, 1);
        assert.ok(result.requests >= 2, `${result.requests} requests`);
        assert.strictEqual(result.rejected, 0);
      } finally {
        clearTimeout(lift);
        await client.indices.putSettings({ index, body: { "index.blocks.read_only_allow_delete": null } });
      }
    });
  });

  describe("mapping policy: every hostile message is indexed", () => {
    const T0 = Date.UTC(2026, 5, 1);
    const index = "cwl-2026.06.01";

    it("indexes each named hostile case, none rejected, searchable by @id, user and @moved_keys", async () => {
      const messages = HOSTILE_CASES.map((c) => c.message);
      const result = await createHandler({ client: client as unknown as BulkClient, log })(
        subscriptionEvent(messages, 10_000, T0),
      );
      assert.deepStrictEqual(rejected, []);
      assert.strictEqual(result.written, HOSTILE_CASES.length);
      await client.indices.refresh({ index });
      for (let i = 0; i < HOSTILE_CASES.length; i++) {
        const c = HOSTILE_CASES[i];
        const hits = await search(index, { term: { "@id": String(10_000 + i) } });
        assert.strictEqual(hits.total.value, 1, c.title);
        const doc = hits.hits[0]._source;
        assert.deepStrictEqual(doc[MOVED_KEYS_FIELD], c.moved.length > 0 ? c.moved : undefined, c.title);
        assert.strictEqual(doc["@log_group"], "/datalake/test/speed/app");
      }
      // Declared fields of documents with refused members stay searchable.
      assert.strictEqual((await search(index, { term: { user: "conflict" } })).total.value, 4);
      assert.strictEqual((await search(index, { term: { [MOVED_KEYS_FIELD]: "host" } })).total.value, 2);
      assert.strictEqual((await search(index, { term: { [MOVED_KEYS_FIELD]: "" } })).total.value, 1);
      // A long keyword is kept but not indexed as a term; the rest of its document is.
      const long = await search(index, { term: { user: "longhost" } });
      assert.strictEqual(long.total.value, 1);
      assert.strictEqual(long.hits[0]._source.host.length, 40_000);
      const longHost = { bool: { must: [{ term: { user: "longhost" } }, { exists: { field: "host" } }] } };
      assert.strictEqual((await search(index, longHost)).total.value, 0, "the long host is not a term");
      // Unindexed keys are still found by full-text search on the raw message.
      assert.strictEqual((await search(index, { match_phrase: { "@message": "id-1199" } })).total.value, 1);
      const raw = await search(index, { term: { user: "p5000" } });
      assert.strictEqual(raw.total.value, 0, "the 5,000-deep message is indexed raw, without its members");
      assert.strictEqual(
        (await search(index, { exists: { field: "@parse_error" } })).total.value,
        1,
        "the 5,000-deep message carries @parse_error",
      );
    });

    it("indexes the agent's document of a hands-on line with a 40,000-character host (testappec2log-*)", async () => {
      const index = `${AGENT_INDEX_PREFIX}-2026.06.04`;
      const line = `[2026-06-04 09:00:00+0900] ERROR ${"h".repeat(40_000)} agentuser 7 [long host]`;
      const fields = parseLogLine(line)!;
      // What fluentd's OpenSearch output sends: the parsed fields, `number` typed, and `@timestamp`.
      const res = await client.bulk({
        body: [
          { index: { _index: index, _id: "long-host" } },
          { ...fields, number: Number(fields.number), "@timestamp": "2026-06-04T00:00:00Z" },
        ],
        refresh: true,
      });
      assert.strictEqual((res.body as any).errors, false, JSON.stringify((res.body as any).items));
      const hits = await search(index, { term: { user: "agentuser" } });
      assert.strictEqual(hits.total.value, 1);
      assert.strictEqual(hits.hits[0]._source.host.length, 40_000);
    });

    it("keeps the field count of a daily index flat under 2,000 distinct id-keys", async () => {
      const messages = Array.from({ length: 200 }, (_v, i) =>
        JSON.stringify({
          user: "ids",
          ...Object.fromEntries(Array.from({ length: 10 }, (_w, k) => [`req-${i * 10 + k}`, k])),
        }),
      );
      const result = await createHandler({ client: client as unknown as BulkClient, log })(
        subscriptionEvent(messages, 20_000, Date.UTC(2026, 5, 2)),
      );
      assert.strictEqual(result.written, 200);
      const mapping = ((await client.indices.getMapping({ index: "cwl-2026.06.02" })).body as any)[
        "cwl-2026.06.02"
      ].mappings;
      assert.ok(!("req-0" in mapping.properties), "no field was added for a key");
    });

    it("indexes 2,000 generated hostile messages (the transform's fuzz generator) without a rejection", async () => {
      const next = hostileMessages(createRandom(19));
      const messages = Array.from({ length: 2_000 }, next);
      const result = await createHandler({ client: client as unknown as BulkClient, log })(
        subscriptionEvent(messages, 30_000, Date.UTC(2026, 5, 3)),
      );
      assert.deepStrictEqual(
        rejected.map((r) => `${r.type}: ${r.reason}`),
        [],
      );
      assert.strictEqual(result.written, 2_000);
    });
  });

  describe("verify probe", () => {
    it("finds the marker written by the forwarder (cwl-*) and by the agent (testappec2log-*)", async () => {
      const marker = "verify-real-engine-0001";
      await createHandler({ client: client as unknown as BulkClient, log })(
        subscriptionEvent(
          [JSON.stringify({ user: "v", text: `verify ${marker}` })],
          40_000,
          Date.UTC(2026, 6, 1),
        ),
      );
      // The agent's documents: the parsed hands-on line with its time (as fluentd's OpenSearch output sends).
      await client.index({
        index: `${AGENT_INDEX_PREFIX}-2026.07.01`,
        id: "agent-1",
        body: {
          "@timestamp": "2026-07-01T00:00:00Z",
          alarmlevel: "INFO",
          host: "h",
          user: "v",
          number: 1,
          text: `verify ${marker}`,
        },
        refresh: true,
      });
      await client.indices.refresh({ index: `${FORWARDER_INDEX_PREFIX}-*` });
      const original = console.log;
      console.log = silent;
      try {
        const probe = createProbe(client as unknown as SearchClient);
        const result = await probe({ marker });
        assert.deepStrictEqual(
          result.hits.map((h) => [h.indexPattern, h.found, h.index]),
          [
            ["testappec2log-*", true, "testappec2log-2026.07.01"],
            ["cwl-*", true, "cwl-2026.07.01"],
          ],
        );
        const miss = await probe({ marker: "verify-not-written-0002" });
        assert.deepStrictEqual(
          miss.hits.map((h) => h.found),
          [false, false],
        );
      } finally {
        console.log = original;
      }
    });
  });
});
