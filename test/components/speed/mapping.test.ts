import * as assert from "assert";
import type { CloudWatchLogsDecodedData } from "aws-lambda";
import { indexTemplate } from "../../../components/speed/bootstrap/requests";
import { buildBulk } from "../../../components/speed/forwarder/transform";
import {
  DECLARED_FIELDS,
  KEYWORD_IGNORE_ABOVE,
  MAPPING_DEPTH_LIMIT,
  MOVED_FIELD,
  MOVED_KEYS_FIELD,
  isRefusedKey,
  refusedMember,
} from "../../../components/speed/mapping";
import { HOSTILE_CASES } from "../../helpers/hostileLogs";

/** The document the transform builds for one message. */
function documentOf(message: string): Record<string, unknown> {
  const data: CloudWatchLogsDecodedData = {
    messageType: "DATA_MESSAGE",
    owner: "123456789012",
    logGroup: "/g",
    logStream: "s",
    subscriptionFilters: [],
    logEvents: [{ id: "1", timestamp: Date.UTC(2026, 0, 1), message }],
  };
  const built = buildBulk(data);
  assert.strictEqual(built.failures.length, 0);
  return JSON.parse(built.body.split("\n")[1]) as Record<string, unknown>;
}

describe("mapping policy (pure)", () => {
  it("keeps keyword values under Lucene's 32,766-byte term limit whatever their UTF-8", () => {
    assert.ok(KEYWORD_IGNORE_ABOVE * 4 <= 32_766);
    for (const [name, field] of Object.entries(DECLARED_FIELDS)) {
      if (field.type === "keyword") assert.strictEqual(field.ignore_above, KEYWORD_IGNORE_ABOVE, name);
    }
  });

  it("sends the transform's depth limit as the templates' index.mapping.depth.limit, with dynamic: false", () => {
    const t = indexTemplate("cwl", {
      writerRole: "w",
      writerBackendRoles: [],
      indexPrefixes: ["cwl"],
      retentionDays: 1,
      replicas: 0,
      ismPolicyId: "p",
    });
    assert.strictEqual(t.template.settings["index.mapping.depth.limit"], MAPPING_DEPTH_LIMIT);
    assert.strictEqual(t.template.mappings.dynamic, false);
    assert.deepStrictEqual(t.template.mappings.properties[MOVED_FIELD], { type: "object", enabled: false });
  });

  const keys: [string, boolean][] = [
    ["", true],
    [".", true],
    ["..", true],
    [".a", true],
    ["a.", true],
    ["a..b", true],
    ["a.b", false],
    [" ", false],
    ["é", false],
  ];
  for (const [key, refused] of keys) {
    it(`${refused ? "refuses" : "accepts"} the key ${JSON.stringify(key)}`, () => {
      assert.strictEqual(isRefusedKey(key), refused);
    });
  }

  it("says why a member is refused: key, dotted, type, depth", () => {
    assert.strictEqual(refusedMember("", 1), "key");
    assert.strictEqual(refusedMember("host.name", "h"), "dotted");
    assert.strictEqual(refusedMember("host", { a: 1 }), "type");
    assert.strictEqual(refusedMember("number", [1, [{ a: 1 }]]), "type");
    assert.strictEqual(refusedMember("host", ["a", ["b"]]), undefined);
    assert.strictEqual(refusedMember("a", { b: { "": 1 } }), "key");
    // The document is level 1: a member's value may nest 19 more levels, not 20.
    const nested = (n: number): unknown => (n === 0 ? 1 : [nested(n - 1)]);
    assert.strictEqual(refusedMember("a", nested(MAPPING_DEPTH_LIMIT - 1)), undefined);
    assert.strictEqual(refusedMember("a", nested(MAPPING_DEPTH_LIMIT)), "depth");
    assert.strictEqual(refusedMember("constructor", { a: 1 }), undefined);
  });

  for (const c of HOSTILE_CASES) {
    it(`moves ${JSON.stringify(c.moved)} aside for ${c.title}`, () => {
      const doc = documentOf(c.message);
      assert.deepStrictEqual(doc[MOVED_KEYS_FIELD], c.moved.length > 0 ? c.moved : undefined);
      const moved = (doc[MOVED_FIELD] ?? {}) as Record<string, unknown>;
      const original = JSON.parse(c.message.startsWith("{") ? c.message : "{}") as Record<string, unknown>;
      for (const key of c.moved) assert.deepStrictEqual(moved[key], original[key], key);
      for (const [key, value] of Object.entries(doc)) {
        if (key !== MOVED_FIELD) assert.strictEqual(refusedMember(key, value), undefined, key);
      }
      assert.strictEqual(doc["@message"], c.message);
    });
  }
});
