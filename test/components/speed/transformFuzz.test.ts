import * as assert from "assert";
import type { CloudWatchLogsDecodedData } from "aws-lambda";
import { createRandom } from "../../../components/network/generator/lines";
import { buildBulk } from "../../../components/speed/forwarder/transform";
import { refusedMember, MOVED_FIELD } from "../../../components/speed/mapping";
import { hostileMessages } from "../../helpers/hostileLogs";

/**
 * A strict reader of one NDJSON line: JSON.parse's grammar, but it fails on a duplicate key in any
 * object (OpenSearch rejects those) and returns the parsed value. Iterative over a token stack is
 * not needed here: the generated messages nest at most a few hundred levels... except the deep
 * ones, which are checked separately.
 */
function strictParse(line: string): unknown {
  let p = 0;
  const ws = () => {
    while (line[p] === " " || line[p] === "\t" || line[p] === "\n" || line[p] === "\r") p++;
  };
  const str = (): string => {
    const start = p;
    p++;
    while (line[p] !== '"') {
      if (line[p] === "\\") p++;
      if (p >= line.length) throw new Error("unterminated string");
      p++;
    }
    p++;
    return JSON.parse(line.slice(start, p)) as string;
  };
  const value = (depth: number): unknown => {
    if (depth > 2000) throw new Error("too deep for the checker");
    ws();
    const c = line[p];
    if (c === "{") {
      p++;
      const out: Record<string, unknown> = {};
      const seen = new Set<string>();
      ws();
      if (line[p] === "}") {
        p++;
        return out;
      }
      for (;;) {
        ws();
        const k = str();
        if (seen.has(k)) throw new Error(`duplicate key ${JSON.stringify(k)}`);
        seen.add(k);
        ws();
        if (line[p++] !== ":") throw new Error("expected :");
        Object.defineProperty(out, k, { value: value(depth + 1), enumerable: true });
        ws();
        const d = line[p++];
        if (d === "}") return out;
        if (d !== ",") throw new Error("expected , or }");
      }
    }
    if (c === "[") {
      p++;
      const out: unknown[] = [];
      ws();
      if (line[p] === "]") {
        p++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1));
        ws();
        const d = line[p++];
        if (d === "]") return out;
        if (d !== ",") throw new Error("expected , or ]");
      }
    }
    if (c === '"') return str();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(line.slice(p, p + 400));
    if (!m) throw new Error(`unexpected ${JSON.stringify(line.slice(p, p + 10))}`);
    p += m[0].length;
    return JSON.parse(m[0]);
  };
  const v = value(0);
  ws();
  if (p !== line.length) throw new Error("trailing text");
  return v;
}

/** Valid UTF-8 means: no lone surrogate (every other JS string encodes). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const OURS = ["@id", "@timestamp", "@message", "@owner", "@log_group", "@log_stream"];

describe("forwarder transform: every document is valid (fuzz, 20,000 payloads)", function () {
  this.timeout(60_000);
  const random = createRandom(15);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]) => items[int(items.length)];
  const message = hostileMessages(random);

  it("parses each line strictly, with our @ fields winning and the message kept", () => {
    let documents = 0;
    for (let i = 0; i < 20_000; i++) {
      const events = Array.from({ length: 1 + int(3) }, (_v, k) => ({
        id: pick(["3", "id\ud800", 'q"'] as const) + k,
        timestamp: Date.UTC(2026, 0, 1) + int(1e9),
        message: message(),
      }));
      const data: CloudWatchLogsDecodedData = {
        messageType: "DATA_MESSAGE",
        owner: "123456789012",
        logGroup: pick(["/g", "/g\ud800"]),
        logStream: "s",
        subscriptionFilters: ["f"],
        logEvents: events,
      };
      const built = buildBulk(data);
      assert.strictEqual(built.failures.length, 0);
      assert.ok(!LONE_SURROGATE.test(built.body), `lone surrogate in ${JSON.stringify(built.body)}`);
      const lines = built.body.split("\n");
      assert.strictEqual(lines.pop(), "");
      assert.strictEqual(lines.length, 2 * events.length);
      for (let k = 0; k < events.length; k++) {
        const action = strictParse(lines[2 * k]) as { index: { _id: string } };
        const doc = strictParse(lines[2 * k + 1]) as Record<string, unknown>;
        const e = events[k];
        // A lone surrogate travels as a \\u escape (ASCII) and reads back unchanged.
        assert.strictEqual(action.index._id, e.id);
        assert.strictEqual(doc["@message"], e.message);
        assert.strictEqual(doc["@id"], action.index._id);
        assert.strictEqual(doc["@timestamp"], new Date(e.timestamp).toISOString());
        assert.strictEqual(doc["@owner"], "123456789012");
        for (const key of OURS) assert.ok(key in doc, `${key} missing`);
        // The mapping policy: every member left in place is one the engine takes as it is.
        for (const [key, value] of Object.entries(doc)) {
          if (key !== MOVED_FIELD)
            assert.strictEqual(refusedMember(key, value), undefined, `${key} in ${lines[2 * k + 1]}`);
        }
        documents++;
      }
    }
    assert.ok(documents > 30_000);
  });

  it("indexes a message nested 5,000 deep with a key of ours as its raw text and the reason", () => {
    const deep = '{"@x":1,"a":' + "[".repeat(5000) + "]".repeat(5000) + "}";
    const built = buildBulk({
      messageType: "DATA_MESSAGE",
      owner: "o",
      logGroup: "g",
      logStream: "s",
      subscriptionFilters: [],
      logEvents: [
        { id: "1", timestamp: 0, message: deep },
        { id: "2", timestamp: 0, message: '{"b":2}' },
      ],
    });
    const [, doc1, , doc2] = built.body.split("\n").map((l) => (l ? JSON.parse(l) : l));
    assert.strictEqual(doc1["@message"], deep);
    assert.strictEqual(
      doc1["@parse_error"],
      "the message is JSON nested deeper than 1000 levels, which OpenSearch rejects; only the raw message is indexed",
    );
    assert.deepStrictEqual(doc2.b, 2);
  });

  it("serializes a message nested 1,000 deep (OpenSearch's limit) and keeps one nested 1,001 deep raw", () => {
    const nested = (depth: number) => '{"@x":1,"a":' + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
    const built = buildBulk({
      messageType: "DATA_MESSAGE",
      owner: "o",
      logGroup: "g",
      logStream: "s",
      subscriptionFilters: [],
      logEvents: [
        { id: "1", timestamp: 0, message: nested(1000) },
        { id: "2", timestamp: 0, message: nested(1001) },
      ],
    });
    const [, doc1, , doc2] = built.body.split("\n").map((l) => (l ? JSON.parse(l) : l));
    assert.strictEqual(doc1["@x"], 1);
    assert.strictEqual(doc1["@parse_error"], undefined);
    assert.strictEqual(doc2["@x"], undefined);
    assert.strictEqual(doc2["@message"], nested(1001));
    assert.match(doc2["@parse_error"], /^the message is JSON nested deeper than 1000 levels/);
  });
});
