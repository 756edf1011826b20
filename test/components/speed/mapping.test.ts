import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { CloudWatchLogsDecodedData } from "aws-lambda";
import { indexTemplate } from "../../../components/speed/bootstrap/requests";
import { buildBulk } from "../../../components/speed/forwarder/transform";
import {
  DECLARED_FIELDS,
  HANDS_ON_MAPPING,
  KEYWORD_IGNORE_ABOVE,
  MAPPED_ROOTS,
  MAPPING_DEPTH_LIMIT,
  MOVED_FIELD,
  MOVED_KEYS_FIELD,
  MOVE_REASONS,
  dateFormatOf,
  declaredFieldsOf,
  fieldMapping,
  indexMappingOf,
  isBooleanValue,
  isRefusedKey,
  refusedMember,
  templateMappings,
} from "../../../components/speed/mapping";
import { EventSchema, FieldType, HANDS_ON_SCHEMA } from "../../../components/shared/schema";
import { HOSTILE_CASES } from "../../helpers/hostileLogs";
import { TEXT_SCHEMA, WEB_SCHEMA } from "./formats";

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

/** The hands-on's template body as the bootstrap sent it before formats existed, byte for byte. */
const HANDS_ON_TEMPLATE_JSON =
  '{"index_patterns":["cwl-*"],"priority":100,"template":{"settings":{"number_of_shards":1,"number_of_replicas":0,' +
  '"index.mapping.depth.limit":20,"index.search.slowlog.threshold.query.warn":"5s",' +
  '"index.search.slowlog.threshold.query.info":"2s","index.search.slowlog.threshold.fetch.warn":"1s",' +
  '"index.search.slowlog.threshold.fetch.info":"500ms","index.indexing.slowlog.threshold.index.warn":"5s",' +
  '"index.indexing.slowlog.threshold.index.info":"2s"},"mappings":{"dynamic":false,"properties":{' +
  '"@timestamp":{"type":"date"},"@message":{"type":"text"},"@id":{"type":"keyword","ignore_above":8191},' +
  '"@owner":{"type":"keyword","ignore_above":8191},"@log_group":{"type":"keyword","ignore_above":8191},' +
  '"@log_stream":{"type":"keyword","ignore_above":8191},"@moved_keys":{"type":"keyword","ignore_above":8191},' +
  '"@parse_error":{"type":"keyword","ignore_above":8191},"timestamp":{"type":"keyword","ignore_above":8191},' +
  '"alarmlevel":{"type":"keyword","ignore_above":8191},"host":{"type":"keyword","ignore_above":8191},' +
  '"user":{"type":"keyword","ignore_above":8191},"number":{"type":"long","ignore_malformed":true},' +
  '"text":{"type":"text"},"@moved":{"type":"object","enabled":false}}}}}';

const SETTINGS = {
  writerRole: "w",
  writerBackendRoles: [],
  indexPrefixes: ["cwl"],
  retentionDays: 1,
  replicas: 0,
  ismPolicyId: "p",
} as const;

const keyword = { type: "keyword", ignore_above: KEYWORD_IGNORE_ABOVE };

describe("mapping policy under a format (pure)", () => {
  it("keeps the hands-on's template byte for byte: no declaredFields, the same JSON as before formats", () => {
    assert.strictEqual(JSON.stringify(indexTemplate("cwl", SETTINGS)), HANDS_ON_TEMPLATE_JSON);
    assert.strictEqual(declaredFieldsOf(HANDS_ON_SCHEMA), DECLARED_FIELDS);
    assert.strictEqual(
      JSON.stringify(templateMappings(declaredFieldsOf(HANDS_ON_SCHEMA))),
      JSON.stringify(JSON.parse(HANDS_ON_TEMPLATE_JSON).template.mappings),
    );
    assert.strictEqual(indexMappingOf(HANDS_ON_SCHEMA), HANDS_ON_MAPPING);
    assert.deepStrictEqual(
      [...HANDS_ON_MAPPING.roots],
      [...Object.keys(JSON.parse(HANDS_ON_TEMPLATE_JSON).template.mappings.properties)],
    );
    assert.strictEqual(HANDS_ON_MAPPING.roots, MAPPED_ROOTS);
  });

  const types: [FieldType, string, Record<string, unknown>][] = [
    ["string", "iso8601", keyword],
    ["long", "iso8601", { type: "long", ignore_malformed: true }],
    ["double", "iso8601", { type: "double", ignore_malformed: true }],
    // OpenSearch 2.19 refuses ignore_malformed on a boolean (speed/*.opensearch.ts).
    ["boolean", "iso8601", { type: "boolean" }],
    ["timestamp", "iso8601", { type: "date", format: "strict_date_optional_time", ignore_malformed: true }],
    ["timestamp", "epoch_ms", { type: "date", format: "epoch_millis", ignore_malformed: true }],
    [
      "timestamp",
      "%Y-%m-%d %H:%M:%S%z",
      { type: "date", format: "yyyy-MM-dd HH:mm:ssZ||yyyy-MM-dd HH:mm:ssXXX", ignore_malformed: true },
    ],
    [
      "timestamp",
      "[%d/%m/%Y:%H:%M:%S.%L %z]",
      {
        type: "date",
        format: "'['dd/MM/yyyy:HH:mm:ss.SSS Z']'||'['dd/MM/yyyy:HH:mm:ss.SSS XXX']'",
        ignore_malformed: true,
      },
    ],
  ];
  for (const [type, timeFormat, expected] of types) {
    it(`maps a ${type} field${type === "timestamp" ? ` written as ${timeFormat}` : ""} to ${JSON.stringify(expected)}`, () => {
      assert.deepStrictEqual(fieldMapping(type, timeFormat), expected);
    });
  }

  it("quotes the strftime literals DateTimeFormatter reserves, so [ and ] are text, not an optional section", () => {
    assert.strictEqual(
      dateFormatOf("{%Y#%m}%d %H:%M:%S%z"),
      "'{'yyyy'#'MM'}'dd HH:mm:ssZ||'{'yyyy'#'MM'}'dd HH:mm:ssXXX",
    );
    assert.strictEqual(
      dateFormatOf("%Y-%m-%dT%H:%M:%S%z"),
      "yyyy-MM-dd'T'HH:mm:ssZ||yyyy-MM-dd'T'HH:mm:ssXXX",
    );
  });

  it("declares ours, @moved_reasons and the format's fields for the example-app format, in that order", () => {
    assert.deepStrictEqual(Object.entries(declaredFieldsOf(WEB_SCHEMA)), [
      ["@timestamp", { type: "date" }],
      ["@message", { type: "text" }],
      ["@id", keyword],
      ["@owner", keyword],
      ["@log_group", keyword],
      ["@log_stream", keyword],
      ["@moved_keys", keyword],
      ["@parse_error", keyword],
      ["@moved_reasons", keyword],
      ["timestamp", { type: "date", format: "strict_date_optional_time", ignore_malformed: true }],
      ["method", keyword],
      ["path", keyword],
      ["status", { type: "long", ignore_malformed: true }],
      ["latency_ms", { type: "double", ignore_malformed: true }],
      ["user_id", keyword],
    ]);
    const m = indexMappingOf(WEB_SCHEMA);
    assert.deepStrictEqual([...m.roots], [...Object.keys(declaredFieldsOf(WEB_SCHEMA)), MOVED_FIELD]);
    assert.deepStrictEqual([...m.booleans], []);
    assert.strictEqual(m.reasons, true);
    // The hands-on's fields are not the format's: they are kept, not indexed.
    assert.ok(!m.roots.has("host"));
    assert.deepStrictEqual([...indexMappingOf(TEXT_SCHEMA).booleans], ["cached"]);
  });

  const booleans: [unknown, boolean][] = [
    [true, true],
    [false, true],
    [null, true],
    ["true", true],
    ["false", true],
    [[true, [false, null, "true"]], true],
    [[], true],
    // OpenSearch takes "" as false; it is no boolean, so it is moved.
    ["", false],
    ["TRUE", false],
    ["maybe", false],
    [0, false],
    [1.5, false],
    [[true, "x"], false],
    [{ a: true }, false],
  ];
  for (const [value, ok] of booleans) {
    it(`${ok ? "keeps" : "moves"} ${JSON.stringify(value)} in a declared boolean`, () => {
      assert.strictEqual(isBooleanValue(value), ok);
      assert.strictEqual(
        refusedMember("cached", value, indexMappingOf(TEXT_SCHEMA)),
        ok ? undefined : "type",
      );
    });
  }

  it("judges members by the format's roots: declared objects and dotted keys moved, other keys kept", () => {
    const web = indexMappingOf(WEB_SCHEMA);
    assert.strictEqual(refusedMember("method", { verb: "GET" }, web), "type");
    assert.strictEqual(refusedMember("status.code", 200, web), "dotted");
    assert.strictEqual(refusedMember("status", "abc", web), undefined);
    assert.strictEqual(refusedMember("latency_ms", "fast", web), undefined);
    assert.strictEqual(refusedMember("timestamp", true, web), undefined);
    assert.strictEqual(refusedMember("host", { name: "h" }, web), undefined);
    assert.strictEqual(refusedMember("host", { name: "h" }), "type");
  });

  it("names every reason of @moved_reasons in docs/speed.md", () => {
    const docs = fs.readFileSync(path.join(__dirname, "../../../docs/speed.md"), "utf8");
    const paragraph = docs.slice(
      docs.indexOf("- **`@moved_reasons`**"),
      docs.indexOf("- **`@parse_error`**"),
    );
    for (const reason of Object.keys(MOVE_REASONS)) assert.ok(paragraph.includes(`\`${reason}\` (`), reason);
  });

  it("builds a date field for every timestamp field of a format (its timeFormat)", () => {
    const schema: EventSchema = {
      ...WEB_SCHEMA,
      fields: [...WEB_SCHEMA.fields, { name: "ended", type: "timestamp" }],
      timeFormat: "epoch_ms",
    };
    assert.deepStrictEqual(declaredFieldsOf(schema).ended, declaredFieldsOf(schema).timestamp);
    assert.deepStrictEqual(declaredFieldsOf(schema).ended, {
      type: "date",
      format: "epoch_millis",
      ignore_malformed: true,
    });
  });
});
