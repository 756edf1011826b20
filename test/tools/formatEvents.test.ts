import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { HANDS_ON_SCHEMA, EventSchema } from "../../components/shared/schema";
import { parseLogLine, parseLogTimestamp } from "../../components/shared/logformat";
import {
  FormatEventsError,
  UNDECLARED_KEYS,
  eventLineOf,
  formatEvents,
  linePieces,
  stackEventSchema,
} from "../../tools/etl/formatEvents";
import { accessLogSchema } from "../components/queries/genericInput";
import { DOCS_TEXT_FORMAT, validatedFormat } from "../helpers/formats";

const ROOT = path.join(__dirname, "..", "..");
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

const webSchema = () => {
  const s = stackEventSchema(ROOT, "example-app");
  assert.ok(s);
  return s;
};

describe("events of a stack's own format (tools/etl/formatEvents.ts)", () => {
  it("reads a stack's format through the config parser; a stack without one has none", () => {
    const web = webSchema();
    assert.strictEqual(web.name, "web-service");
    assert.strictEqual(web.kind, "json");
    assert.deepStrictEqual(
      web.fields.map((f) => `${f.name}:${f.type}`),
      [
        "timestamp:timestamp",
        "method:string",
        "path:string",
        "status:long",
        "latency_ms:double",
        "user_id:string",
      ],
    );
    assert.strictEqual(stackEventSchema(ROOT, "dev"), undefined);
    assert.strictEqual(stackEventSchema(ROOT, "prod"), undefined);
  });

  it("JSON: every declared field in its type, undeclared keys when asked, in time order, the same on every run", () => {
    const web = webSchema();
    const window = { nowMs: NOW, count: 2000, days: 2000 / 583.3 / 86_400, seed: 1, undeclared: true };
    const events = [...formatEvents(web, window)];
    assert.deepStrictEqual([...formatEvents(web, window)], events);
    assert.strictEqual(events.length, 2000);
    for (let i = 1; i < events.length; i++) assert.ok(events[i].eventMs >= events[i - 1].eventMs);
    // A dense window: milliseconds, all within the window that ends a minute before NOW.
    assert.ok(events.every((e) => e.eventMs <= NOW - 60_000 && e.eventMs >= NOW - 60_000 - 3_500));
    assert.ok(events.some((e) => e.eventMs % 1000 !== 0));
    for (const { eventMs, record } of events) {
      assert.strictEqual(Date.parse(record.timestamp as string), eventMs);
      assert.strictEqual(typeof record.method, "string");
      assert.strictEqual(typeof record.path, "string");
      assert.ok(Number.isInteger(record.status));
      assert.strictEqual(typeof record.latency_ms, "number");
      assert.match(record.user_id as string, /^user-\d{3}$/);
      assert.match(record.request_id as string, /^[0-9a-f]{16}$/);
      assert.strictEqual(typeof record.host, "string");
      for (const key of Object.keys(record)) {
        assert.ok(
          web.fields.some((f) => f.name === key) || (UNDECLARED_KEYS as readonly string[]).includes(key),
          key,
        );
      }
    }
    const count = (key: string) => events.filter((e) => key in e.record).length;
    assert.deepStrictEqual(
      UNDECLARED_KEYS.map((k) => [k, count(k)]),
      [
        ["request_id", 2000],
        ["host", 2000],
        ["client", 500],
        ["tags", 200],
        ["retry", 80],
      ],
    );
    // Without undeclared keys, only the fields; whole seconds when each event has a second or more.
    const sparse = [...formatEvents(web, { nowMs: NOW, count: 100, days: 1, seed: 7 })];
    assert.ok(sparse.every((e) => Object.keys(e.record).length === web.fields.length));
    assert.ok(sparse.every((e) => e.eventMs % 1000 === 0 && !(e.record.timestamp as string).includes(".")));
  });

  it("an undeclared key the format declares stays the declared field", () => {
    const withHost = validatedFormat({
      name: "with-host",
      kind: "json",
      fields: [
        { name: "ts", type: "timestamp" },
        { name: "host", type: "long" },
        { name: "ok", type: "boolean" },
      ],
      timeField: "ts",
      timeFormat: "epoch_ms",
    });
    for (const { eventMs, record } of formatEvents(withHost, {
      nowMs: NOW,
      count: 50,
      days: 1,
      seed: 3,
      undeclared: true,
    })) {
      assert.strictEqual(record.ts, eventMs);
      assert.ok(Number.isInteger(record.host));
      assert.strictEqual(typeof record.ok, "boolean");
    }
  });

  it("text: the line its pattern splits back into the event's values", () => {
    const access = accessLogSchema();
    const [first] = formatEvents(access, { nowMs: NOW, count: 10, days: 1, seed: 5 });
    const r = first.record;
    assert.strictEqual(
      eventLineOf(access)(r),
      `${r.timestamp} ${r.method} ${r.path} ${r.status} ${r.latency_ms} ${r.user_id}`,
    );
    // A level of capitals and a message that runs to the end; a strftime time with its offset.
    const text = validatedFormat(DOCS_TEXT_FORMAT);
    const lines = [...formatEvents(text, { nowMs: NOW, count: 200, days: 1, seed: 9 })].map((e) =>
      eventLineOf(text)(e.record),
    );
    for (const line of lines) assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000 [A-Z]+ \d{3} \S/);
    // The hands-on's own pattern (lazy spaces, brackets, a number before a greedy message): its parser reads the values back.
    for (const e of formatEvents(HANDS_ON_SCHEMA, { nowMs: NOW, count: 20, days: 1, seed: 2 })) {
      const line = eventLineOf(HANDS_ON_SCHEMA)(e.record);
      assert.deepStrictEqual(
        parseLogLine(line),
        Object.fromEntries(Object.entries(e.record).map(([k, v]) => [k, String(v)])),
      );
      assert.strictEqual(parseLogTimestamp(e.record.timestamp as string), e.eventMs);
    }
  });

  it("writes each construct outside the groups in its shortest form, an optional field's branch included", () => {
    const schema = (pattern: string): EventSchema => ({
      name: "p",
      kind: "text",
      pattern,
      fields: [],
      timeField: "t",
      timeFormat: "iso8601",
    });
    const written = (pattern: string) =>
      linePieces(schema(pattern))
        .map((p) => ("field" in p ? `<${p.field}>` : p.text))
        .join("");
    const table: [string, string][] = [
      [String.raw`^(?<a>\S+) \[(?<b>[^\]]+)\] x*y+z{2}$`, "<a> [<b>] yzz"],
      [String.raw`^(?<a>\d+)\s+-\t(?:(?<b>\d+)|-)$`, "<a> -\t<b>"],
      [String.raw`(?<a>.)[,;]\.\x41\u00e9\b(?<b>.*)`, "<a>,.Aé<b>"],
      [String.raw`(?<a>\w+)(?:-x|-(?<b>\w+))?$`, "<a>-<b>"],
      [String.raw`(?<a>\w+)(?= )(?<! ) (?!x)(?<=\s)(?<b>\w+)`, "<a> <b>"],
    ];
    for (const [pattern, line] of table) assert.strictEqual(written(pattern), line, pattern);
    const refused: [string, RegExp][] = [
      [String.raw`(?<a>\w+)(x)`, /uses an unnamed group \(\(x\)\.\.\.\)/],
      [String.raw`(?<a>\w)\1`, /uses the escape \\1/],
      [String.raw`(?:(?<a>\w),){2}`, /a repeated group that holds a field/],
    ];
    for (const [pattern, message] of refused) {
      assert.throws(
        () => linePieces(schema(pattern)),
        (e: Error) =>
          e instanceof FormatEventsError &&
          message.test(e.message) &&
          /^Lines of format p cannot be generated: .*; write that part as literal text or character classes, or bench a JSON format\.$/.test(
            e.message,
          ),
      );
    }
  });

  it("refuses, in one sentence, a group no value it writes matches", () => {
    const seven = validatedFormat({
      name: "seven",
      kind: "text",
      pattern: String.raw`^(?<ts>\S+) (?<code>[a-z]{7})$`,
      fields: [
        { name: "ts", type: "timestamp" },
        { name: "code", type: "string" },
      ],
      timeField: "ts",
      timeFormat: "iso8601",
    });
    assert.throws(
      () => formatEvents(seven, { nowMs: NOW, count: 1, days: 1, seed: 1 }).next(),
      (e: Error) =>
        e instanceof FormatEventsError &&
        e.message ===
          "Lines of format seven cannot be generated: no string value the line builder writes matches the group of field code ([a-z]{7}); bench a JSON format, or widen that group.",
    );
  });
  it("refuses a line its pattern does not split back into the values it was built from", () => {
    const run: EventSchema = {
      name: "run-on",
      kind: "text",
      pattern: String.raw`^(?<a>\d+)\.?(?<b>\d+)$`,
      fields: [
        { name: "a", type: "long" },
        { name: "b", type: "long" },
      ],
      timeField: "t",
      timeFormat: "iso8601",
    };
    const [e] = formatEvents(run, { nowMs: NOW, count: 1, days: 1, seed: 1 });
    assert.throws(
      () => eventLineOf(run)(e.record),
      (err: Error) =>
        err instanceof FormatEventsError &&
        err.message ===
          `Lines of format run-on cannot be generated: its pattern does not split the built line "${e.record.a}${e.record.b}" back into its values (field a); bench a JSON format, or write the pattern's separators as literal text.`,
    );
  });
});

describe("npm run bench:glue --format (input errors, before any work)", function () {
  this.timeout(120_000);
  const bench = (args: string[]) =>
    spawnSync(process.execPath, ["-r", "esbuild-register", "tools/bench/glue.ts", ...args], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });

  const cases: [string, string][] = [
    [
      "dev",
      "Pulumi.dev.yaml declares no datalake:format of its own (its events are the hands-on's); run npm run bench:glue without --format, or name a stack that sets one, such as example-app.",
    ],
    ["../dev", '--format "../dev" is not a stack name; name a stack such as example-app.'],
    [
      "no-such-stack",
      `--format no-such-stack: no stack file ${path.join(ROOT, "Pulumi.no-such-stack.yaml")}; stacks here: dev, example-app, prod; name one of those stacks.`,
    ],
  ];
  for (const [stack, sentence] of cases) {
    it(`--format ${stack}: one sentence, exit 2`, () => {
      const r = bench(["--format", stack]);
      assert.strictEqual(r.status, 2, r.stderr);
      assert.strictEqual(r.stderr, `${sentence}\n`);
      assert.strictEqual(r.stdout, "");
    });
  }
});
