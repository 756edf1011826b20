import * as assert from "assert";
import { gzipSync } from "zlib";
import type { CloudWatchLogsDecodedData } from "aws-lambda";
import {
  MalformedPayloadError,
  buildBulk,
  buildBulkBody,
  bulkBodies,
  decodeEvent,
} from "../../../components/speed/forwarder/transform";
import { baseline, realisticEvent } from "../../../tools/bench/forwarder";

const encode = (value: unknown) => ({
  awslogs: {
    data: gzipSync(Buffer.from(typeof value === "string" ? value : JSON.stringify(value))).toString("base64"),
  },
});

const payload = (messages: string[], timestamps?: number[]): CloudWatchLogsDecodedData => ({
  messageType: "DATA_MESSAGE",
  owner: "123456789012",
  logGroup: "/datalake/test/speed/app",
  logStream: "host-1",
  subscriptionFilters: ["f"],
  logEvents: messages.map((message, i) => ({
    id: `3${i}`,
    timestamp: timestamps?.[i] ?? Date.UTC(2019, 5, 20, 12, 34, 56, 789),
    message,
  })),
});

const ndjson = (body: string) =>
  body
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe("forwarder transform: decodeEvent", () => {
  it("decodes base64 + gzip + JSON", () => {
    const p = payload(["x"]);
    assert.deepStrictEqual(decodeEvent(encode(p)), p);
  });

  const bad: [string, unknown, RegExp][] = [
    ["no awslogs", {}, /^awslogs\.data is missing or not a non-empty string$/],
    [
      "not gzip",
      { awslogs: { data: Buffer.from("hello").toString("base64") } },
      /^awslogs\.data is not base64-encoded gzip/,
    ],
    ["not JSON", encode("{nope"), /^awslogs\.data does not hold JSON/],
    ["an array", encode([1]), /^awslogs\.data holds an array, not a subscription payload object$/],
    ["no messageType", encode({ logEvents: [] }), /^the payload has no messageType$/],
    [
      "logEvents not an array",
      encode({ ...payload([]), logEvents: "x" }),
      /^the payload's logEvents is string, not an array$/,
    ],
    [
      "logGroup missing",
      encode({ ...payload([]), logGroup: undefined }),
      /^the payload's logGroup is undefined, not a string$/,
    ],
  ];
  for (const [title, event, message] of bad) {
    it(`rejects a payload with ${title}`, () => {
      assert.throws(
        () => decodeEvent(event as never),
        (e: unknown) => e instanceof MalformedPayloadError && message.test((e as Error).message),
      );
    });
  }
});

describe("forwarder transform: buildBulkBody", () => {
  it("returns an empty body for a CONTROL_MESSAGE", () => {
    assert.strictEqual(buildBulkBody({ ...payload([]), messageType: "CONTROL_MESSAGE" }), "");
  });

  it("builds action + document per event with the JSON message's keys", () => {
    const msg = JSON.stringify({
      timestamp: "2019-06-20 21:34:56+0900",
      alarmlevel: "ERROR",
      host: "prd-db02",
      user: "uehara",
      number: 1001,
      text: "This is ERROR.",
    });
    const body = buildBulkBody(payload([msg]));
    assert.ok(body.endsWith("\n"));
    assert.deepStrictEqual(ndjson(body), [
      { index: { _index: "cwl-2019.06.20", _id: "30" } },
      {
        "@id": "30",
        "@timestamp": "2019-06-20T12:34:56.789Z",
        "@message": msg,
        "@owner": "123456789012",
        "@log_group": "/datalake/test/speed/app",
        "@log_stream": "host-1",
        timestamp: "2019-06-20 21:34:56+0900",
        alarmlevel: "ERROR",
        host: "prd-db02",
        user: "uehara",
        number: 1001,
        text: "This is ERROR.",
      },
    ]);
  });

  it("parses a plain hands-on line with the hands-on parser's field names", () => {
    const line = "[2019-06-20 21:34:56+0900] WARNING prd-web002 uchida 1002 [This is Warning.]";
    const [, doc] = ndjson(buildBulkBody(payload([line])));
    assert.deepStrictEqual(
      {
        timestamp: doc.timestamp,
        alarmlevel: doc.alarmlevel,
        host: doc.host,
        user: doc.user,
        number: doc.number,
        text: doc.text,
      },
      {
        timestamp: "2019-06-20 21:34:56+0900",
        alarmlevel: "WARNING",
        host: "prd-web002",
        user: "uchida",
        number: 1002,
        text: "This is Warning.",
      },
    );
  });

  const table: [string, string, Record<string, unknown>][] = [
    ["free text", "just text", {}],
    ["a JSON array", "[1,2]", {}],
    ["invalid JSON", '{"a":', {}],
    ["pretty JSON (line breaks)", '{\n  "a": 1\n}', { a: 1 }],
    ["a key of ours", '{"@timestamp":"x","b":2}', { b: 2 }],
    ["duplicate keys (last wins)", '{"a":1,"a":2}', { a: 2 }],
    [
      "nested values and escapes",
      '{"a":{"b":[1,"\\u00e9",null,true]},"c":"q\\"t"}',
      { a: { b: [1, "é", null, true] }, c: 'q"t' },
    ],
    ["an empty object", "{}", {}],
  ];
  for (const [title, message, fields] of table) {
    it(`copies the right fields for ${title}`, () => {
      const [, doc] = ndjson(buildBulkBody(payload([message])));
      const extra = Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith("@")));
      assert.deepStrictEqual(extra, fields);
      assert.strictEqual(doc["@message"], message);
      assert.strictEqual(doc["@timestamp"], "2019-06-20T12:34:56.789Z");
    });
  }

  it("names the index from each event's UTC day and honours indexPrefix", () => {
    const body = buildBulkBody(
      payload(["a", "b"], [Date.UTC(2019, 11, 31, 23, 59, 59, 999), Date.UTC(2020, 0, 1)]),
      { indexPrefix: "logs" },
    );
    const lines = ndjson(body);
    assert.deepStrictEqual(
      [lines[0].index._index, lines[2].index._index],
      ["logs-2019.12.31", "logs-2020.01.01"],
    );
    assert.deepStrictEqual(
      [lines[1]["@timestamp"], lines[3]["@timestamp"]],
      ["2019-12-31T23:59:59.999Z", "2020-01-01T00:00:00.000Z"],
    );
  });

  it("turns an event without a valid timestamp into a failure and indexes the others", () => {
    const built = buildBulk(payload(["a", "b"], [Number.NaN, Date.UTC(2020, 0, 1)]));
    assert.strictEqual(built.documents, 1);
    assert.deepStrictEqual(
      ndjson(built.body).map((l) => l.index?._id ?? l["@id"]),
      ["31", "31"],
    );
    assert.strictEqual(built.failures.length, 1);
    assert.deepStrictEqual(
      { ...built.failures[0], reason: undefined },
      {
        index: 0,
        id: "30",
        timestamp: Number.NaN,
        message: "a",
        reason: undefined,
      },
    );
    assert.match(built.failures[0].reason, /^logEvents\[0\] needs a string id/);
  });

  it("rejects a bad prefix", () => {
    assert.throws(
      () => buildBulkBody(payload(["a"]), { indexPrefix: "Bad Prefix" }),
      /indexPrefix "Bad Prefix" must be lower-case/,
    );
  });

  it("gives the same body as the straightforward implementation on the benchmark event", () => {
    const { event } = realisticEvent(50_000);
    assert.strictEqual(buildBulkBody(decodeEvent(event)), baseline(event));
  });

  it("splits into bodies of whole items up to maxChars, the same bytes joined, an oversize item alone", () => {
    const messages = Array.from({ length: 40 }, (_v, i) =>
      i === 7
        ? JSON.stringify({ big: "x".repeat(5_000) })
        : JSON.stringify({ n: i, text: "y".repeat(i * 10) }),
    );
    messages[3] = "not a document without a timestamp";
    const data = payload(
      messages,
      messages.map((_m, i) => (i === 3 ? Number.NaN : Date.UTC(2026, 0, 1, 0, 0, i))),
    );
    const whole = buildBulk(data);
    const bodies = bulkBodies(data, { maxChars: 2_000, releaseEvents: true });
    const out: string[] = [];
    for (let b = bodies.next(); b !== undefined; b = bodies.next()) out.push(b);
    assert.strictEqual(out.join(""), whole.body);
    assert.strictEqual(bodies.documents, 39);
    assert.deepStrictEqual(
      bodies.failures.map((f) => f.index),
      [3],
    );
    const items = out.map((b) => b.split("\n").length / 2 - 0.5);
    assert.strictEqual(
      items.reduce((a, b) => a + b, 0),
      39,
    );
    for (const b of out) {
      assert.ok(b.endsWith("\n"));
      // Only a body of one item may be longer than the limit: the 5,000-character message.
      if (b.length > 2_000) assert.ok(b.includes('"big"') && b.split("\n").length === 3, b.slice(0, 80));
    }
    assert.ok(out.length > 5);
    assert.ok(
      data.logEvents.every((e) => e === undefined),
      "every event is released",
    );
  });
});
