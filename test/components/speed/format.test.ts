/**
 * The forwarder under a format of the stack's own (pure): the EVENT_SCHEMA variable (its value, its
 * parsing once per cold start, one sentence per bad value, Lambda's 4 KB), a text format's lines
 * parsed into typed fields, a JSON format's documents judged by its own fields, and the markers.
 */
import * as assert from "assert";
import type { CloudWatchLogsDecodedData, Context } from "aws-lambda";
import { gzipSync } from "zlib";
import { createHash } from "crypto";
import { EventSchema, HANDS_ON_SCHEMA } from "../../../components/shared/schema";
import { forwarderEnvironmentProblem, forwarderVariables } from "../../../components/speed/forwarderFunction";
import {
  ENDPOINT_MAX_CHARS,
  FORWARDER_ENV,
  LAMBDA_ENVIRONMENT_MAX_BYTES,
  environmentBytes,
} from "../../../components/speed/forwarder/env";
import {
  HANDS_ON_FORMAT,
  NOT_A_JSON_OBJECT,
  UNMATCHED_LINE,
  eventSchemaVariable,
  forwarderFormat,
  parseEventSchemaVariable,
  typedValue,
} from "../../../components/speed/forwarder/format";
import { handler } from "../../../components/speed/forwarder/handler";
import {
  buildBulk,
  buildBulkBody,
  bulkBodies,
  decodeEvent,
} from "../../../components/speed/forwarder/transform";
import { refusedMember } from "../../../components/speed/mapping";
import { realisticEvent } from "../../../tools/bench/forwarder";
import { hostileMessages } from "../../helpers/hostileLogs";
import { createRandom } from "../../../components/network/generator/lines";
import { ConfigError, parseConfig } from "../../../stacks/config";
import { FUZZ_SCHEMA, TEXT_SCHEMA, WEB_SCHEMA } from "./formats";

const T = Date.UTC(2026, 1, 2, 3, 4, 5, 6);

const payload = (messages: readonly string[]): CloudWatchLogsDecodedData => ({
  messageType: "DATA_MESSAGE",
  owner: "123456789012",
  logGroup: "/ecs/web-service/api",
  logStream: "task-1",
  subscriptionFilters: ["f"],
  logEvents: messages.map((message, i) => ({ id: String(100 + i), timestamp: T, message })),
});

/** The documents (without our `@` fields but `@message`) the transform builds under `schema`. */
function documents(schema: EventSchema, messages: readonly string[]): Record<string, unknown>[] {
  const built = buildBulk(payload(messages), { format: forwarderFormat(schema) });
  assert.strictEqual(built.failures.length, 0);
  const lines = built.body.split("\n");
  assert.strictEqual(lines.pop(), "");
  return lines
    .filter((_l, i) => i % 2 === 1)
    .map((l, i) => {
      const doc = JSON.parse(l) as Record<string, unknown>;
      assert.deepStrictEqual(
        [doc["@id"], doc["@timestamp"], doc["@message"], doc["@log_group"]],
        [String(100 + i), new Date(T).toISOString(), messages[i], "/ecs/web-service/api"],
      );
      for (const k of ["@id", "@timestamp", "@owner", "@log_group", "@log_stream"]) delete doc[k];
      return doc;
    });
}

describe("forwarder format: the EVENT_SCHEMA variable", () => {
  it("is unset for the hands-on's format and the compact JSON of any other, read back unchanged", () => {
    assert.strictEqual(eventSchemaVariable(HANDS_ON_SCHEMA), undefined);
    assert.strictEqual(parseEventSchemaVariable(undefined), HANDS_ON_SCHEMA);
    assert.strictEqual(parseEventSchemaVariable(""), HANDS_ON_SCHEMA);
    for (const schema of [WEB_SCHEMA, TEXT_SCHEMA, FUZZ_SCHEMA]) {
      const value = eventSchemaVariable(schema)!;
      // Compact: JSON.stringify without indentation, one line.
      assert.strictEqual(value, JSON.stringify(schema));
      assert.deepStrictEqual(parseEventSchemaVariable(value), schema);
    }
  });

  const fix =
    "it holds datalake:format as JSON, written by the SpeedLayer: run pulumi up for the stack instead of editing the function's environment.";
  const text = JSON.parse(JSON.stringify(TEXT_SCHEMA)) as Record<string, unknown>;
  const bad: [string, string, string][] = [
    ["not JSON", "{name:", "is not JSON (Expected property name or '}' in JSON at position 1"],
    ["an array", "[]", "holds an array, not a format object"],
    ["no kind", JSON.stringify({ ...text, kind: "xml" }), 'has kind "xml", not "json" or "text"'],
    ["no fields", JSON.stringify({ ...text, fields: [] }), "has no fields"],
    [
      "a bad field name",
      JSON.stringify({ ...text, fields: [{ name: "Ts", type: "timestamp" }] }),
      "has a fields[0] whose name is not a field name (/^[a-z][a-z0-9_]{0,127}$/)",
    ],
    [
      "a bad type",
      JSON.stringify({ ...text, fields: [{ name: "ts", type: "date" }] }),
      'has a field ts of type "date", not one of string, long, double, boolean, timestamp',
    ],
    ["no pattern", JSON.stringify({ ...text, pattern: undefined }), "is a text format without a pattern"],
    [
      "a pattern that does not compile",
      JSON.stringify({ ...text, pattern: "(?<ts>" }),
      "has a pattern that does not compile (Invalid regular expression: /(?<ts>/: Unterminated group)",
    ],
  ];
  for (const [title, value, problem] of bad) {
    it(`refuses a value that is ${title}, in one sentence`, () => {
      assert.throws(
        () => parseEventSchemaVariable(value),
        (e: Error) => e.message.startsWith(`forwarder: EVENT_SCHEMA ${problem}`) && e.message.endsWith(fix),
      );
    });
  }

  it("fails the Lambda entry at its cold start, before any request, when the variable is bad", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      [FORWARDER_ENV.endpoint]: "http://127.0.0.1:9",
      AWS_REGION: "ap-northeast-1",
      [FORWARDER_ENV.eventSchema]: '{"kind":"text"}',
    });
    try {
      const event = { awslogs: { data: gzipSync(JSON.stringify(payload(["x"]))).toString("base64") } };
      await assert.rejects(handler(event, {} as Context), {
        message: `forwarder: EVENT_SCHEMA has no name; ${fix}`,
      });
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  it("fits the example formats in Lambda's 4 KB with the longest endpoint, and measures as Lambda does", () => {
    // Lambda measures the variables as one JSON object: a quote inside a value counts twice.
    assert.strictEqual(environmentBytes({ A: '"' }), '{"A":"\\""}'.length);
    for (const schema of [HANDS_ON_SCHEMA, WEB_SCHEMA, TEXT_SCHEMA, FUZZ_SCHEMA]) {
      assert.strictEqual(forwarderEnvironmentProblem("t3.small.search", schema), undefined, schema.name);
    }
    const web = forwarderVariables("x".repeat(ENDPOINT_MAX_CHARS), "t3.small.search", WEB_SCHEMA);
    assert.strictEqual(web[FORWARDER_ENV.eventSchema], JSON.stringify(WEB_SCHEMA));
    assert.ok(environmentBytes(web) < 1000, `${environmentBytes(web)} bytes`);
  });

  it("refuses a format one byte over Lambda's 4 KB with one sentence, and takes it at exactly 4 KB", () => {
    const sized = (nameChars: number): EventSchema => ({ ...WEB_SCHEMA, name: "n".repeat(nameChars) });
    const bytes = (s: EventSchema) =>
      environmentBytes(forwarderVariables("x".repeat(ENDPOINT_MAX_CHARS), "t3.small.search", s));
    const fits = LAMBDA_ENVIRONMENT_MAX_BYTES - bytes(sized(0));
    assert.strictEqual(bytes(sized(fits)), LAMBDA_ENVIRONMENT_MAX_BYTES);
    assert.strictEqual(forwarderEnvironmentProblem("t3.small.search", sized(fits)), undefined);
    const over = sized(fits + 1);
    const schemaBytes = environmentBytes({ EVENT_SCHEMA: JSON.stringify(over) });
    assert.strictEqual(
      forwarderEnvironmentProblem("t3.small.search", over),
      `is ${schemaBytes} bytes as the forwarder's EVENT_SCHEMA variable, which brings the function's environment ` +
        `to 4097 bytes (with the longest endpoint), over Lambda's 4096 bytes for all of a function's variables ` +
        `(https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html): shorten the format's name, ` +
        `field names or pattern by 1 byte`,
    );
  });
});

describe("forwarder format: the stack's config check", () => {
  it("refuses a format too large for the forwarder's environment before anything is built", () => {
    const huge = {
      ...WEB_SCHEMA,
      fields: [
        ...WEB_SCHEMA.fields,
        ...Array.from({ length: 50 }, (_v, i) => ({ name: `field_${i}_${"x".repeat(40)}`, type: "string" })),
      ],
    };
    const sources = {
      generator: { enabled: false },
      sources: { logGroups: ["/ecs/web/api"] },
      workload: { eventsPerSecond: 10 },
    };
    assert.throws(
      () => parseConfig({ ...sources, format: huge }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.problems.length === 1 &&
        /^datalake:format is .*: is \d+ bytes as the forwarder's EVENT_SCHEMA variable, .* shorten the format's name, field names or pattern by \d+ bytes$/.test(
          e.problems[0],
        ),
    );
    assert.doesNotThrow(() => parseConfig({ ...sources, format: WEB_SCHEMA }));
  });
});

describe("forwarder format: typed values of a text format's fields", () => {
  const cases: [Parameters<typeof typedValue>[0], string, string | undefined][] = [
    ["long", "200", "200"],
    ["long", "-007", "-7"],
    ["long", "+5", "5"],
    // Beyond 2^53 the text goes as it is: the engine parses a long exactly, JavaScript would round.
    ["long", "9007199254740993", '"9007199254740993"'],
    ["long", "abc", '"abc"'],
    ["long", "1.5", '"1.5"'],
    ["long", "", '""'],
    ["double", "12.5", "12.5"],
    ["double", ".5", "0.5"],
    ["double", "1e3", "1000"],
    ["double", "-2.50E-3", "-0.0025"],
    ["double", "fast", '"fast"'],
    ["double", "Infinity", '"Infinity"'],
    ["double", "0x10", '"0x10"'],
    ["double", "1e999", '"1e999"'],
    ["boolean", "true", "true"],
    ["boolean", "false", "false"],
    ["boolean", "maybe", undefined],
    ["boolean", "TRUE", undefined],
    ["boolean", "", undefined],
    ["string", 'a "q"', '"a \\"q\\""'],
    ["timestamp", "[2026-02-02 12:04:05+0900]", '"[2026-02-02 12:04:05+0900]"'],
  ];
  for (const [type, value, json] of cases) {
    it(`writes the ${type} ${JSON.stringify(value)} as ${json ?? "nothing (moved)"}`, () => {
      assert.strictEqual(typedValue(type, value), json);
    });
  }
});

describe("forwarder format: a text format's lines", () => {
  it("parses a matching line into its typed fields, then ours", () => {
    const line = "[2026-02-02 12:04:05+0900] INFO GET 200 12.5 true user=ann served /cart";
    assert.deepStrictEqual(documents(TEXT_SCHEMA, [line]), [
      {
        ts: "[2026-02-02 12:04:05+0900]",
        level: "INFO",
        method: "GET",
        status: 200,
        latency_ms: 12.5,
        cached: true,
        user: "ann",
        msg: "served /cart",
        "@message": line,
      },
    ]);
    // The fields come first, as written, and ours after them.
    const body = buildBulkBody(payload([line]), { format: forwarderFormat(TEXT_SCHEMA) });
    assert.ok(
      body.split("\n")[1].startsWith('{"ts":"[2026-02-02 12:04:05+0900]","level":"INFO","method":"GET",'),
    );
  });

  it("leaves out a group that took no part, keeps numbers that do not parse, moves a non-boolean with its reason", () => {
    const line = "[yesterday] WARN POST abc fast maybe late";
    assert.deepStrictEqual(documents(TEXT_SCHEMA, [line]), [
      {
        ts: "[yesterday]",
        level: "WARN",
        method: "POST",
        status: "abc",
        latency_ms: "fast",
        msg: "late",
        "@moved": { cached: "maybe" },
        "@moved_keys": ["cached"],
        "@moved_reasons": ["type"],
        "@message": line,
      },
    ]);
  });

  it("reads a message ending in one line break as the lake reads its line (without it), and keeps the message whole", () => {
    const line = "[2026-02-02 12:04:05+0900] INFO GET 200 12.5 true served /cart";
    for (const end of ["\n", "\r\n"]) {
      const [doc] = documents(TEXT_SCHEMA, [line + end]);
      assert.deepStrictEqual(
        [doc.msg, doc["@message"], doc["@parse_error"]],
        ["served /cart", line + end, undefined],
      );
    }
    // Two line breaks leave an empty last line, which the pattern's `$` does not reach past.
    assert.strictEqual(documents(TEXT_SCHEMA, [line + "\n\n"])[0]["@parse_error"], UNMATCHED_LINE);
  });

  it("indexes a line the pattern does not match with @message and @parse_error only", () => {
    const lines = ["not a line of this format", '{"ts":"[2026-02-02 12:04:05+0900]","status":200}', ""];
    assert.deepStrictEqual(
      documents(TEXT_SCHEMA, lines),
      lines.map((l) => ({ "@parse_error": UNMATCHED_LINE, "@message": l })),
    );
  });
});

describe("forwarder format: a JSON format's documents", () => {
  it("splices a message of the format as written and moves what its fields cannot take, with reasons", () => {
    const ok = JSON.stringify({
      timestamp: "2026-02-02T03:04:05Z",
      method: "GET",
      status: 200,
      latency_ms: 1.5,
    });
    const mistyped = JSON.stringify({
      timestamp: "yesterday",
      method: { verb: "GET" },
      status: "abc",
      latency_ms: "fast",
      "status.code": 1,
      "@moved_reasons": ["x"],
      // Not a field of this format: kept as it is (unindexed), even an object.
      host: { name: "h" },
    });
    const [a, b] = documents(WEB_SCHEMA, [ok, mistyped]);
    assert.deepStrictEqual(a, { ...JSON.parse(ok), "@message": ok });
    assert.deepStrictEqual(b, {
      timestamp: "yesterday",
      status: "abc",
      latency_ms: "fast",
      host: { name: "h" },
      "@moved": { method: { verb: "GET" }, "status.code": 1, "@moved_reasons": ["x"] },
      "@moved_keys": ["method", "status.code", "@moved_reasons"],
      "@moved_reasons": ["type", "dotted", "reserved"],
      "@message": mistyped,
    });
  });

  it("moves a declared boolean's non-boolean values on the slow path and splices true, false and null", () => {
    const messages = [
      '{"a":true,"b":1}',
      '{"a":null}',
      '{"a":"true"}',
      '{"a":"maybe"}',
      '{"a":1}',
      '{"a":[true,"x"]}',
      '{"number":""}',
    ];
    const docs = documents(FUZZ_SCHEMA, messages);
    assert.deepStrictEqual(
      docs.map((d) => [d.a, d["@moved_keys"], d["@moved_reasons"]]),
      [
        [true, undefined, undefined],
        [null, undefined, undefined],
        ["true", undefined, undefined],
        [undefined, ["a"], ["type"]],
        [undefined, ["a"], ["type"]],
        [undefined, ["a"], ["type"]],
        [undefined, ["number"], ["type"]],
      ],
    );
    // The spliced ones are the message's own text.
    const body = buildBulkBody(payload(messages.slice(0, 2)), { format: forwarderFormat(FUZZ_SCHEMA) });
    assert.ok(body.split("\n")[1].startsWith('{"a":true,"b":1,"@id":"100",'));
  });

  it("marks a message that is not a JSON object with @parse_error, plain lines included", () => {
    const messages = ["[2026-02-02 12:04:05+0900] INFO h u 1 [t]", "plain", "{broken", "[1,2]", "42"];
    assert.deepStrictEqual(
      documents(WEB_SCHEMA, messages),
      messages.map((m) => ({ "@parse_error": NOT_A_JSON_OBJECT, "@message": m })),
    );
  });

  it("leaves only members the format's mapping takes in place (fuzz, 5,000 hostile payloads)", () => {
    const random = createRandom(23);
    const next = hostileMessages(random);
    const format = forwarderFormat(FUZZ_SCHEMA);
    let moved = 0;
    for (let i = 0; i < 5_000; i++) {
      const messages = [next(), next()];
      const body = buildBulkBody(payload(messages), { format });
      for (const line of body.split("\n").filter((_l, k) => k % 2 === 1 && _l !== "")) {
        const doc = JSON.parse(line) as Record<string, unknown>;
        for (const [key, value] of Object.entries(doc)) {
          if (key !== "@moved")
            assert.strictEqual(refusedMember(key, value, format.mapping), undefined, line);
        }
        const keys = doc["@moved_keys"] as string[] | undefined;
        assert.strictEqual((doc["@moved_reasons"] as string[] | undefined)?.length, keys?.length, line);
        if (keys) moved++;
      }
    }
    assert.ok(moved > 1_000, `${moved} documents with moved members`);
  });
});

describe("forwarder format: the hands-on's path is unchanged", () => {
  it("gives the bytes the transform gave before formats existed (SHA-256 recorded from that release)", () => {
    const sha = (s: string) => createHash("sha256").update(s).digest("hex");
    assert.strictEqual(
      sha(buildBulkBody(decodeEvent(realisticEvent(100_000).event))),
      "a1ca0a53425c6be96d573bfd3586c5c395d107c28cacf25e65a19e2ea5b3bc60",
    );
    const next = hostileMessages(createRandom(20261207));
    const logEvents = Array.from({ length: 2000 }, (_v, i) => ({
      id: String(i),
      timestamp: 1796117400000 + i,
      message: next(),
    }));
    const data: CloudWatchLogsDecodedData = {
      messageType: "DATA_MESSAGE",
      owner: "123456789012",
      logGroup: "/datalake/dev/app",
      logStream: "i-1",
      subscriptionFilters: ["f"],
      logEvents,
    };
    assert.strictEqual(
      sha(buildBulkBody(data)),
      "2a86aa3fc66f12a465b3dcf1c2ee3eb170bf2df436ecbb6640728017062dcbe7",
    );
  });

  it("gives the same bytes with the hands-on's format passed explicitly, parsed from JSON, or left out", () => {
    const { event } = realisticEvent(100_000);
    const data = () => decodeEvent(event);
    const base = buildBulkBody(data());
    assert.strictEqual(buildBulkBody(data(), { format: HANDS_ON_FORMAT }), base);
    const parsed = forwarderFormat(parseEventSchemaVariable(JSON.stringify(HANDS_ON_SCHEMA)));
    assert.strictEqual(buildBulkBody(data(), { format: parsed }), base);
    const bodies = bulkBodies(data(), { format: parsed, maxChars: 50_000 });
    let joined = "";
    for (let b = bodies.next(); b !== undefined; b = bodies.next()) joined += b;
    assert.strictEqual(joined, base);
  });
});
