import * as assert from "assert";
import {
  REGEX_SERDE,
  rawTableDefinition,
  rawUnpartitionedTableDefinition,
} from "../../../components/batch/catalog";
import { javaRegexOf } from "../../../components/shared/javaRegex";
import { EventSchema, HANDS_ON_SCHEMA } from "../../../components/shared/schema";
import {
  evaluateFirehosePrefix,
  fillLocationTemplate,
  formatJavaPattern,
  projectedPartitionValues,
} from "../../../components/batch/partitioning";
import {
  PARTITION_KEYS,
  RAW_DATA_PREFIX,
  RAW_PARTITION_TIME_ZONE,
  rawErrorOutputPrefix,
  rawFirehosePrefix,
  rawLocationTemplate,
  rawProjectionParameters,
} from "../../../components/shared/lake";

const BUCKET = "batch-raw-bucket-1a2b3c4";

describe("raw partition layout (components/shared/lake.ts)", () => {
  it("gives Firehose a Hive-style UTC time prefix under the raw data prefix", () => {
    assert.strictEqual(rawFirehosePrefix(), "app_logs/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/");
    assert.strictEqual(RAW_PARTITION_TIME_ZONE, "UTC");
  });

  it("puts failed records under the error prefix with the error type", () => {
    assert.strictEqual(
      rawErrorOutputPrefix(),
      "errors/app_logs/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/",
    );
  });

  it("gives Athena the matching location template and projection", () => {
    assert.strictEqual(rawLocationTemplate(BUCKET), `s3://${BUCKET}/app_logs/dt=\${dt}/hour=\${hour}/`);
    assert.deepStrictEqual(rawProjectionParameters(90), {
      "projection.enabled": "true",
      "projection.dt.type": "date",
      "projection.dt.format": "yyyy-MM-dd",
      "projection.dt.interval": "1",
      "projection.dt.interval.unit": "DAYS",
      "projection.dt.range": "NOW-90DAYS,NOW",
      "projection.hour.type": "integer",
      "projection.hour.range": "0,23",
      "projection.hour.interval": "1",
      "projection.hour.digits": "2",
    });
  });

  it("rejects a projection range that is not a positive whole number of days", () => {
    assert.throws(() => rawProjectionParameters(0), {
      message: "projectionDateRange: rangeDays is 0; use a whole number of days >= 1.",
    });
  });

  it("projects dt from a fixed start date when one is given (bounded planning, stable across runs)", () => {
    assert.strictEqual(rawProjectionParameters(1827, "2026-12-01")["projection.dt.range"], "2026-12-01,NOW");
    assert.strictEqual(
      rawTableDefinition(BUCKET, 365, "2026-12-01").parameters["projection.dt.range"],
      "2026-12-01,NOW",
    );
    assert.throws(() => rawProjectionParameters(90, "2026-13-01"), {
      message:
        'projectionDateRange: projectionStartDate is "2026-13-01"; use a real date as yyyy-MM-dd (UTC), the first day the stack has data.',
    });
  });
});

describe("formatJavaPattern", () => {
  const t = new Date(Date.UTC(2019, 5, 20, 3, 4, 5));
  const cases: [string, string][] = [
    ["yyyy-MM-dd", "2019-06-20"],
    ["HH", "03"],
    ["yyyy/MM/dd/HH:mm:ss", "2019/06/20/03:04:05"],
  ];
  for (const [pattern, expected] of cases) {
    it(`formats ${pattern} as ${expected}`, () =>
      assert.strictEqual(formatJavaPattern(pattern, t), expected));
  }
  it("rejects pattern letters it does not model", () => {
    assert.throws(() => formatJavaPattern("yyyy-DDD", t), {
      message: 'formatJavaPattern: pattern letter "D" in "yyyy-DDD" is not supported.',
    });
  });
});

describe("a record written at time T lands in the partition the projection computes for T", () => {
  const table = rawTableDefinition(BUCKET, 365);
  const instants = [
    // The hands-on's sample record 2019-06-20 21:34:56+0900 arrives at 12:34:56 UTC.
    new Date(Date.UTC(2019, 5, 20, 12, 34, 56)),
    // Just before and at midnight UTC (JST 08:59 / 09:00): the date flips at UTC midnight on both sides.
    new Date(Date.UTC(2024, 11, 31, 23, 59, 59, 999)),
    new Date(Date.UTC(2025, 0, 1, 0, 0, 0)),
    // Single-digit hour and month, leap day.
    new Date(Date.UTC(2024, 1, 29, 7, 0, 0)),
  ];
  for (const t of instants) {
    it(`at ${t.toISOString()}`, () => {
      const keyPrefix = evaluateFirehosePrefix(rawFirehosePrefix(), t, RAW_PARTITION_TIME_ZONE);
      const values = projectedPartitionValues(PARTITION_KEYS, table.parameters, t);
      const location = fillLocationTemplate(table.parameters["storage.location.template"], values);
      assert.strictEqual(`s3://${BUCKET}/${keyPrefix}`, location);
      // And the partition values a query filters on are the UTC date and zero-padded hour of T.
      assert.deepStrictEqual(values, {
        dt: t.toISOString().slice(0, 10),
        hour: t.toISOString().slice(11, 13),
      });
      assert.ok(location.startsWith(`s3://${BUCKET}/${RAW_DATA_PREFIX}`));
    });
  }

  it("covers every hour of a day with 24 distinct partitions", () => {
    const seen = new Set<string>();
    for (let h = 0; h < 24; h++) {
      const t = new Date(Date.UTC(2024, 5, 1, h, 30));
      const keyPrefix = evaluateFirehosePrefix(rawFirehosePrefix(), t, "UTC");
      assert.strictEqual(
        `s3://${BUCKET}/${keyPrefix}`,
        fillLocationTemplate(
          table.parameters["storage.location.template"],
          projectedPartitionValues(PARTITION_KEYS, table.parameters, t),
        ),
      );
      seen.add(keyPrefix);
    }
    assert.strictEqual(seen.size, 24);
  });
});

describe("rawTableDefinition", () => {
  it("declares the JSON SerDe, the hands-on's columns, dt/hour partition keys and the external table parameters", () => {
    const def = rawTableDefinition(BUCKET, 365);
    assert.strictEqual(def.tableType, "EXTERNAL_TABLE");
    assert.deepStrictEqual(
      def.partitionKeys.map((k) => [k.name, k.type]),
      [
        ["dt", "string"],
        ["hour", "int"],
      ],
    );
    assert.deepStrictEqual(
      (def.storageDescriptor.columns as { name: string; type: string }[]).map((c) => [c.name, c.type]),
      [
        ["timestamp", "string"],
        ["alarmlevel", "string"],
        ["host", "string"],
        ["user", "string"],
        ["number", "int"],
        ["text", "string"],
      ],
    );
    assert.deepStrictEqual(def.storageDescriptor.serDeInfo, {
      name: "json",
      serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
      parameters: { "ignore.malformed.json": "true", "serialization.format": "1" },
    });
    assert.strictEqual(def.storageDescriptor.location, `s3://${BUCKET}/app_logs/`);
    const { EXTERNAL, classification, compressionType } = def.parameters as Record<string, string>;
    assert.deepStrictEqual(
      { EXTERNAL, classification, compressionType },
      { EXTERNAL: "TRUE", classification: "json", compressionType: "gzip" },
    );
    assert.strictEqual(def.parameters["projection.dt.range"], "NOW-365DAYS,NOW");
  });
});

describe("rawTableDefinition of a text format (Hive's RegexSerDe)", () => {
  const TEXT: EventSchema = {
    name: "web-access",
    kind: "text",
    pattern:
      "^(?<timestamp>\\S+) (?<method>[A-Z]+) (?<status>\\d{3}) (?<latency_ms>\\d+(?:\\.\\d+)?) (?<user_id>\\S+)$",
    fields: [
      { name: "timestamp", type: "timestamp" },
      { name: "method", type: "string" },
      { name: "status", type: "long" },
      { name: "latency_ms", type: "double" },
      { name: "user_id", type: "string" },
    ],
    timeField: "timestamp",
    timeFormat: "iso8601",
    keywordField: "method",
  };

  for (const [which, def] of [
    ["projected", rawTableDefinition(BUCKET, 365, undefined, TEXT)],
    ["unpartitioned", rawUnpartitionedTableDefinition(BUCKET, TEXT)],
  ] as const) {
    it(`the ${which} table reads the lines with the pattern in Java's syntax, every column a string`, () => {
      assert.deepStrictEqual(def.storageDescriptor.serDeInfo, {
        name: "regex",
        serializationLibrary: REGEX_SERDE,
        parameters: {
          "input.regex": javaRegexOf(TEXT.pattern as string, [
            "timestamp",
            "method",
            "status",
            "latency_ms",
            "user_id",
          ]),
          "serialization.format": "1",
        },
      });
      assert.strictEqual(REGEX_SERDE, "org.apache.hadoop.hive.serde2.RegexSerDe");
      assert.deepStrictEqual(
        (def.storageDescriptor.columns as { name: string; type: string }[]).map((c) => [c.name, c.type]),
        [
          ["timestamp", "string"],
          ["method", "string"],
          ["status", "string"],
          ["latency_ms", "string"],
          ["user_id", "string"],
        ],
      );
      assert.strictEqual(def.storageDescriptor.location, `s3://${BUCKET}/app_logs/`);
      assert.strictEqual(def.storageDescriptor.inputFormat, "org.apache.hadoop.mapred.TextInputFormat");
      assert.strictEqual(def.storageDescriptor.compressed, true);
      const { EXTERNAL, classification, compressionType, typeOfData } = def.parameters as Record<
        string,
        string
      >;
      assert.deepStrictEqual(
        { EXTERNAL, classification, compressionType, typeOfData },
        { EXTERNAL: "TRUE", classification: undefined, compressionType: "gzip", typeOfData: "file" },
      );
    });
  }

  it("keeps the projection and partition keys of the JSON table", () => {
    const json = rawTableDefinition(BUCKET, 365);
    const text = rawTableDefinition(BUCKET, 365, undefined, TEXT);
    assert.deepStrictEqual(text.partitionKeys, json.partitionKeys);
    const { classification, ...jsonRest } = json.parameters;
    assert.strictEqual(classification, "json");
    assert.deepStrictEqual(text.parameters, jsonRest);
  });

  it("the hands-on's format stays on the JSON SerDe (its agent ships JSON records), whatever its kind", () => {
    assert.strictEqual(HANDS_ON_SCHEMA.kind, "text");
    assert.deepStrictEqual(
      rawTableDefinition(BUCKET, 365, undefined, HANDS_ON_SCHEMA),
      rawTableDefinition(BUCKET, 365),
    );
    assert.deepStrictEqual(
      rawUnpartitionedTableDefinition(BUCKET, HANDS_ON_SCHEMA),
      rawUnpartitionedTableDefinition(BUCKET),
    );
  });
});
