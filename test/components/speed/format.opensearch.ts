/**
 * The speed layer under formats of a stack's own (`datalake:format`), judged by a real OpenSearch
 * 2.19.6 node (`npm run test:opensearch`, tools/engines/opensearch.ts): the bootstrap's templates
 * for the example stack's JSON format, for a text format with every field type, for a JSON format
 * with every field type, and for one that declares the hostile generator's keys; the forwarder's
 * bodies of sample events with mistyped values through the handler to the node. Each format has an
 * index family of its own, so the suite shares the node with speed.opensearch.ts.
 *
 * What the node showed once, and these tests keep showing: OpenSearch 2.19 refuses
 * `ignore_malformed` on a boolean field ("unknown parameter [ignore_malformed] on mapper [...] of
 * type [boolean]") and a document whose boolean holds anything but true, false, null, "true",
 * "false", "" or arrays of those; an object in a keyword, long, double or date field is refused
 * even with `ignore_malformed`; an unquoted `[` in a date format starts an optional section.
 */
import * as assert from "assert";
import { gzipSync } from "zlib";
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from "aws-lambda";
import { Client } from "@opensearch-project/opensearch";
import { runBootstrap } from "../../../components/speed/bootstrap/handler";
import { BootstrapSettings, formatSettings } from "../../../components/speed/bootstrap/requests";
import { BulkClient } from "../../../components/speed/forwarder/bulk";
import {
  NOT_A_JSON_OBJECT,
  UNMATCHED_LINE,
  eventSchemaVariable,
  forwarderFormat,
  parseEventSchemaVariable,
} from "../../../components/speed/forwarder/format";
import { createHandler } from "../../../components/speed/forwarder/handler";
import {
  MOVED_KEYS_FIELD,
  MOVED_REASONS_FIELD,
  PARSE_ERROR_FIELD,
  dateFormatOf,
  declaredFieldsOf,
  indexMappingOf,
  refusedMember,
} from "../../../components/speed/mapping";
import { EventSchema } from "../../../components/shared/schema";
import { createRandom } from "../../../components/network/generator/lines";
import {
  LocalNode,
  OPENSEARCH_VERSION,
  openSearchSetup,
  sharedOpenSearch,
  stopSharedOpenSearch,
} from "../../../tools/engines/opensearch";
import { hostileMessages } from "../../helpers/hostileLogs";
import { generateWebEvents } from "../queries/genericInput";
import { FUZZ_SCHEMA, TEXT_SCHEMA, WEB_SCHEMA } from "./formats";

const setup = openSearchSetup();
after(stopSharedOpenSearch);

/** A subscription event as CloudWatch Logs delivers it, one log event per message, `t0 + i` ms. */
function subscriptionEvent(messages: readonly string[], firstId: number, t0: number): CloudWatchLogsEvent {
  const payload: CloudWatchLogsDecodedData = {
    messageType: "DATA_MESSAGE",
    owner: "123456789012",
    logGroup: "/ecs/web-service/api",
    logStream: "task-1",
    subscriptionFilters: ["f"],
    logEvents: messages.map((message, i) => ({ id: String(firstId + i), timestamp: t0 + i, message })),
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString("base64") } };
}

const silent = () => undefined;
/** The UTC day of `ms` as the forwarder names its daily index. */
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, ".");

interface Hit {
  readonly _id: string;
  readonly _ignored?: string[];
  readonly _source: Record<string, any>;
}

describe(`formats of a stack's own on a real OpenSearch ${OPENSEARCH_VERSION} node`, function () {
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

  before(async function () {
    this.timeout(600_000);
    node = await sharedOpenSearch(install);
    client = new Client({ node: node.url });
  });
  beforeEach(() => (rejected.length = 0));

  const search = async (index: string, query: Record<string, unknown>, size = 0) => {
    const body = { query, size, track_total_hits: true };
    const res = await client.search({ index, body } as Parameters<Client["search"]>[0]);
    return (res.body as any).hits as { total: { value: number }; hits: Hit[] };
  };
  const count = async (index: string, query: Record<string, unknown>) =>
    (await search(index, query)).total.value;
  const byId = async (index: string, id: string): Promise<Hit> => {
    const hits = await search(index, { term: { "@id": id } }, 1);
    assert.strictEqual(hits.total.value, 1, `document ${id}`);
    return hits.hits[0];
  };

  /**
   * The index template of `prefix` under `schema`, sent by the bootstrap as the deployed Lambda
   * sends it: the settings the SpeedLayer builds (formatSettings), through the invocation's JSON.
   */
  async function bootstrap(prefix: string, schema: EventSchema): Promise<void> {
    const settings: BootstrapSettings = JSON.parse(
      JSON.stringify({
        writerRole: "datalake_writer",
        writerBackendRoles: ["arn:aws:iam::123456789012:role/fwd"],
        indexPrefixes: [prefix],
        retentionDays: 14,
        replicas: 0,
        ismPolicyId: "datalake-retention",
        ...formatSettings(schema),
      } satisfies BootstrapSettings),
    ) as BootstrapSettings;
    const result = await runBootstrap(
      { endpoint: node.url, username: "u", password: "p", settings },
      { log: silent, missingPlugins: "report" },
    );
    assert.deepStrictEqual(
      result.steps.filter((s) => s.outcome === "applied").map((s) => s.step),
      [`PUT /_index_template/${prefix}`],
    );
  }

  /** The forwarder's handler as deployed: the format read from the EVENT_SCHEMA value the SpeedLayer sets. */
  const forwarder = (prefix: string, schema: EventSchema) =>
    createHandler({
      client: client as unknown as BulkClient,
      log,
      indexPrefix: prefix,
      format: forwarderFormat(parseEventSchemaVariable(eventSchemaVariable(schema))),
    });

  /** Sends the messages through the forwarder: every one written, none rejected. */
  async function forward(prefix: string, schema: EventSchema, messages: readonly string[], t0: number) {
    const result = await forwarder(prefix, schema)(subscriptionEvent(messages, 1, t0));
    assert.deepStrictEqual(
      rejected.map((r) => `${r.type}: ${r.reason}`),
      [],
    );
    assert.strictEqual(result.rejected, 0);
    assert.strictEqual(result.written, messages.length);
    const index = `${prefix}-${day(t0)}`;
    await client.indices.refresh({ index });
    assert.strictEqual(await count(index, { match_all: {} }), messages.length);
    return index;
  }

  /** The daily index's `_mapping` holds every declared field of the format with its declared type. */
  async function assertDeclaredMapping(index: string, schema: EventSchema): Promise<void> {
    const mapping = ((await client.indices.getMapping({ index })).body as any)[index].mappings;
    assert.strictEqual(mapping.dynamic, "false");
    for (const [name, field] of Object.entries(declaredFieldsOf(schema))) {
      assert.deepStrictEqual(mapping.properties[name], field, name);
    }
    assert.deepStrictEqual(mapping.properties["@moved"], { type: "object", enabled: false });
  }

  it("shows the engine facts the mapping is built on: no ignore_malformed on booleans, [ ] reserved in date formats", async () => {
    // The typed client has no such parameter at all; the engine's own answer is what counts.
    await assert.rejects(
      client.transport.request({
        method: "PUT",
        path: "/facts-boolean",
        body: { mappings: { properties: { b: { type: "boolean", ignore_malformed: true } } } },
      }),
      (e: Error) =>
        /unknown parameter \[ignore_malformed\] on mapper \[b\] of type \[boolean\]/.test(e.message),
    );
    const ours = dateFormatOf("[%Y-%m-%d %H:%M:%S%z]");
    for (const [index, format, value, parsed] of [
      ["facts-date-unquoted", "[yyyy-MM-dd HH:mm:ssZ]", "[2026-02-02 12:04:05+0900]", false],
      ["facts-date-ours", ours, "[2026-02-02 12:04:05+0900]", true],
      // The offset forms the ETL job also takes, read by the format's second pattern.
      ["facts-date-colon", ours, "[2026-02-02 12:04:05+09:00]", true],
      ["facts-date-z", ours, "[2026-02-02 03:04:05Z]", true],
      ["facts-date-no-offset", ours, "[2026-02-02 03:04:05]", false],
    ] as const) {
      await client.indices.create({
        index,
        body: { mappings: { properties: { t: { type: "date", format, ignore_malformed: true } } } },
      });
      await client.index({ index, id: "1", body: { t: value }, refresh: true });
      const hit = (await search(index, { match_all: {} }, 1)).hits[0];
      assert.deepStrictEqual(hit._ignored, parsed ? undefined : ["t"], `${format} on ${value}`);
      if (parsed) {
        // The same instant, whichever way the offset was written.
        const got = await client.search({
          index,
          body: {
            query: {
              range: {
                t: {
                  gte: "2026-02-02T03:04:05Z",
                  lte: "2026-02-02T03:04:05Z",
                  format: "strict_date_optional_time",
                },
              },
            },
          },
        });
        assert.strictEqual((got.body.hits.total as { value: number }).value, 1, `${value} is 03:04:05Z`);
      }
      await client.indices.delete({ index });
    }
  });

  it("indexes the example stack's JSON format with its types, mistyped values kept or moved, none rejected", async () => {
    const prefix = "webjson";
    await bootstrap(prefix, WEB_SCHEMA);
    const nowMs = Date.UTC(2026, 2, 10, 12);
    const events = generateWebEvents(WEB_SCHEMA, nowMs, 300, 2, 7);
    const records: Record<string, unknown>[] = events.map((e) => e.record);
    const valid = records.length;
    const mistyped: Record<string, unknown>[] = [
      // Document ids are positions + 1: these are valid + 1 .. valid + 5.
      {
        timestamp: "not a time",
        method: "GET",
        path: "/",
        status: "abc",
        latency_ms: "fast",
        user_id: "u-1",
      },
      { timestamp: "2026-03-10T11:00:00Z", method: { verb: "POST" }, path: "/", status: 404, latency_ms: 2 },
      {
        timestamp: 1_773_140_400_000,
        method: "POST",
        path: "/",
        status: 500,
        latency_ms: 3,
        user_id: ["a", "b"],
      },
      {
        timestamp: "2026-03-10T11:00:00Z",
        method: "POST",
        path: { p: 1 },
        status: 401.5,
        latency_ms: "1e999",
      },
      { timestamp: "2026-03-10T11:00:00Z", method: "DELETE", status: "403", latency_ms: true },
    ];
    const messages = [...[...records, ...mistyped].map((r) => JSON.stringify(r)), "GET / 200 (a plain line)"];
    const t0 = Date.UTC(2026, 2, 10, 12);
    const index = await forward(prefix, WEB_SCHEMA, messages, t0);
    await assertDeclaredMapping(index, WEB_SCHEMA);

    // Counted in TypeScript from what was sent: a status that is a number (the engine reads "403"
    // as 403 and truncates 401.5), a method that is the string itself.
    const all = [...records, ...mistyped];
    const status = (r: Record<string, unknown>) =>
      typeof r.status === "number"
        ? Math.trunc(r.status)
        : /^\d+$/.test(String(r.status))
          ? Number(r.status)
          : NaN;
    const clientErrors = all.filter((r) => status(r) >= 400 && status(r) < 500).length;
    const posts = all.filter((r) => r.method === "POST").length;
    assert.ok(clientErrors > 10 && posts > 10, `${clientErrors} 4xx, ${posts} POST`);
    assert.strictEqual(await count(index, { range: { status: { gte: 400, lt: 500 } } }), clientErrors);
    assert.strictEqual(await count(index, { term: { method: "POST" } }), posts);
    // The time field parses as ISO 8601 (strict_date_optional_time): a range over the generated times.
    const from = events[100].eventMs;
    const iso = (r: Record<string, unknown>) =>
      typeof r.timestamp === "string" && /^\d{4}-\d{2}-\d{2}T/.test(r.timestamp)
        ? Date.parse(r.timestamp)
        : NaN;
    const inRange = all.filter((r) => iso(r) >= from).length;
    assert.ok(inRange > 100 && inRange < all.length, `${inRange} in range`);
    assert.strictEqual(
      await count(index, { range: { timestamp: { gte: new Date(from).toISOString() } } }),
      inRange,
    );

    const [bad, object, numberTime, objectPath, stringy] = await Promise.all(
      [1, 2, 3, 4, 5].map((k) => byId(index, String(valid + k))),
    );
    // Malformed numbers and dates are kept in _source and listed in _ignored, not indexed.
    assert.deepStrictEqual(bad._ignored?.sort(), ["latency_ms", "status", "timestamp"]);
    assert.strictEqual(bad._source.status, "abc");
    // An object where the format declares a string is moved, with its reason.
    assert.deepStrictEqual(
      [object._source[MOVED_KEYS_FIELD], object._source[MOVED_REASONS_FIELD], object._source["@moved"]],
      [["method"], ["type"], { method: { verb: "POST" } }],
    );
    assert.deepStrictEqual(
      [numberTime._ignored, numberTime._source.user_id],
      [["timestamp"], ["a", "b"]],
      "epoch milliseconds are no ISO 8601",
    );
    assert.deepStrictEqual(objectPath._source[MOVED_KEYS_FIELD], ["path"]);
    assert.deepStrictEqual(objectPath._ignored, ["latency_ms"]);
    assert.deepStrictEqual(stringy._ignored, ["latency_ms"]);
    assert.strictEqual(await count(index, { term: { [MOVED_REASONS_FIELD]: "type" } }), 2);
    assert.strictEqual(await count(index, { term: { [PARSE_ERROR_FIELD]: NOT_A_JSON_OBJECT } }), 1);
  });

  it("indexes a text format's lines into typed fields, moves a non-boolean, marks a line that does not match", async () => {
    const prefix = "shoptext";
    await bootstrap(prefix, TEXT_SCHEMA);
    const random = createRandom(31);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
    const start = Date.UTC(2026, 3, 1, 0, 0, 0);
    interface Line {
      readonly ms: number;
      readonly method: string;
      readonly status: number;
      readonly cached: boolean;
    }
    const lines: Line[] = Array.from({ length: 400 }, (_v, i) => ({
      ms: start + i * 60_000,
      method: pick(["GET", "GET", "POST", "PUT"]),
      status: pick([200, 201, 304, 400, 404, 500]),
      cached: random() < 0.3,
    }));
    // `[2026-04-01 09:00:00+0900]`: the time as the service writes it, in JST.
    const jst = (ms: number) =>
      `[${new Date(ms + 9 * 3_600_000).toISOString().slice(0, 19).replace("T", " ")}+0900]`;
    const messages = lines.map(
      (l, i) =>
        `${jst(l.ms)} ${pick(["INFO", "WARN"])} ${l.method} ${l.status} ${(random() * 900).toFixed(1)} ${l.cached}` +
        `${i % 3 === 0 ? ` user=${pick(["ann", "bob"])}` : ""} request ${i} served`,
    );
    const mistyped = [
      `${jst(start)} INFO GET abc 1.0 true status not a number`,
      `${jst(start)} INFO GET 200 fast false latency not a number`,
      `${jst(start)} INFO POST 201 2.0 maybe cached not a boolean`,
      `[yesterday] INFO PUT 204 3.0 false time not a time`,
      "a line of another format",
    ];
    const t0 = Date.UTC(2026, 3, 1, 12);
    const index = await forward(prefix, TEXT_SCHEMA, [...messages, ...mistyped], t0);
    await assertDeclaredMapping(index, TEXT_SCHEMA);

    const n = lines.length;
    const expected = {
      clientErrors: lines.filter((l) => l.status >= 400 && l.status < 500).length,
      // The mistyped lines' methods: GET, GET, POST, PUT (the last line has no fields).
      posts: lines.filter((l) => l.method === "POST").length + 1,
      cached: lines.filter((l) => l.cached).length + 1,
      // From the 100th line on, plus the three mistyped lines at `start`, which are earlier: none.
      later: lines.filter((l) => l.ms >= lines[100].ms).length,
    };
    assert.strictEqual(
      await count(index, { range: { status: { gte: 400, lt: 500 } } }),
      expected.clientErrors,
    );
    assert.strictEqual(await count(index, { term: { method: "POST" } }), expected.posts);
    assert.strictEqual(await count(index, { term: { cached: true } }), expected.cached);
    // The bracketed strftime time parses (its Java pattern quotes the brackets): a range in UTC.
    assert.strictEqual(
      await count(index, {
        range: { ts: { gte: new Date(lines[100].ms).toISOString(), format: "strict_date_optional_time" } },
      }),
      expected.later,
    );

    const [badStatus, badLatency, maybe, badTime, other] = await Promise.all(
      [1, 2, 3, 4, 5].map((k) => byId(index, String(n + k))),
    );
    assert.deepStrictEqual([badStatus._ignored, badStatus._source.status], [["status"], "abc"]);
    assert.deepStrictEqual([badLatency._ignored, badLatency._source.latency_ms], [["latency_ms"], "fast"]);
    assert.deepStrictEqual(
      [maybe._source["@moved"], maybe._source[MOVED_KEYS_FIELD], maybe._source[MOVED_REASONS_FIELD]],
      [{ cached: "maybe" }, ["cached"], ["type"]],
    );
    assert.strictEqual(maybe._source.status, 201);
    assert.deepStrictEqual([badTime._ignored, badTime._source.ts], [["ts"], "[yesterday]"]);
    assert.deepStrictEqual(Object.keys(other._source).sort(), [
      "@id",
      "@log_group",
      "@log_stream",
      "@message",
      "@owner",
      "@parse_error",
      "@timestamp",
    ]);
    assert.strictEqual(await count(index, { term: { [PARSE_ERROR_FIELD]: UNMATCHED_LINE } }), 1);
    assert.strictEqual(await count(index, { term: { [MOVED_KEYS_FIELD]: "cached" } }), 1);
  });

  it("takes every kind of JSON value in a field of every type, moving exactly what the mapping policy says", async () => {
    const schema: EventSchema = {
      name: "types-json",
      kind: "json",
      fields: [
        { name: "s", type: "string" },
        { name: "l", type: "long" },
        { name: "d", type: "double" },
        { name: "b", type: "boolean" },
        { name: "t", type: "timestamp" },
      ],
      timeField: "t",
      timeFormat: "%Y-%m-%d %H:%M:%S%z",
    };
    const prefix = "typesjson";
    await bootstrap(prefix, schema);
    const values: unknown[] = [
      true,
      false,
      null,
      12,
      -1.5,
      1e30,
      "12",
      "abc",
      "",
      "true",
      "maybe",
      "2026-02-02 12:04:05+0900",
      [1, 2],
      [[true]],
      [true, "x"],
      { a: 1 },
      [{ a: 1 }],
      "x".repeat(9000),
    ];
    const cases = schema.fields.flatMap((f) => values.map((v) => ({ field: f.name, value: v })));
    const index = await forward(
      prefix,
      schema,
      cases.map((c) => JSON.stringify({ [c.field]: c.value })),
      Date.UTC(2026, 4, 1),
    );
    await assertDeclaredMapping(index, schema);
    const mapping = indexMappingOf(schema);
    const hits = await search(index, { match_all: {} }, cases.length);
    const moved = new Map(hits.hits.map((h) => [Number(h._id) - 1, h._source[MOVED_KEYS_FIELD]]));
    cases.forEach((c, i) => {
      const reason = refusedMember(c.field, c.value, mapping);
      assert.deepStrictEqual(moved.get(i), reason === undefined ? undefined : [c.field], JSON.stringify(c));
    });
    // Indexed as typed: the booleans true (true, "true", [[true]]), the strftime time, the long 12 ("12" too).
    assert.strictEqual(await count(index, { term: { b: true } }), 3);
    // A bound written in the field's own pattern, or in ISO 8601 when the query names that format.
    assert.strictEqual(await count(index, { range: { t: { gte: "2026-02-02 03:04:05+0000" } } }), 1);
    assert.strictEqual(
      await count(index, {
        range: { t: { gte: "2026-02-02T03:04:05Z", format: "strict_date_optional_time" } },
      }),
      1,
    );
    assert.strictEqual(await count(index, { term: { l: 12 } }), 2);
  });

  it("indexes 2,000 generated hostile messages under a format that declares their keys, none rejected", async () => {
    const prefix = "fuzzjson";
    await bootstrap(prefix, FUZZ_SCHEMA);
    const next = hostileMessages(createRandom(29));
    const index = await forward(
      prefix,
      FUZZ_SCHEMA,
      Array.from({ length: 2_000 }, next),
      Date.UTC(2026, 4, 2),
    );
    await assertDeclaredMapping(index, FUZZ_SCHEMA);
    assert.ok((await count(index, { term: { [MOVED_REASONS_FIELD]: "type" } })) > 50);
  });
});
