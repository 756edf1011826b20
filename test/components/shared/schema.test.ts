/**
 * The event schema (`datalake:format`): the hands-on default, the JSON web-service example, one
 * sentence per bad setting, recheck's rejection of patterns that backtrack catastrophically, and
 * the linear-time guarantee of accepted patterns on adversarial 256 KB lines.
 */
import * as assert from "assert";
import { ConfigError, eventSchemaOf, parseConfig } from "../../../stacks/config";
import { LOG_FIELDS, LOG_LINE_PATTERN } from "../../../components/shared/logformat";
import {
  EventSchema,
  HANDS_ON_SCHEMA,
  isHandsOn,
  rawColumnsOf,
  strftimeToJava,
} from "../../../components/shared/schema";
import { namedGroups, redosProblem } from "../../../components/shared/schemaCheck";
import { javaRegexProblem } from "../../../components/shared/javaRegex";
import { exampleAppSchema } from "../queries/genericInput";
import { DOCS_TEXT_FORMAT, WITHOUT_GENERATOR, validatedFormat } from "../../helpers/formats";
import { adversarialLines } from "../../../tools/bench/adversarial";
import { BENCH_FORMATS, bestTimes } from "../../../tools/bench/patterns";

/** The example stack's JSON web-service format (Pulumi.example-app.yaml), as written there. */
const WEB: Record<string, unknown> & EventSchema = { ...exampleAppSchema() };
const TEXT = DOCS_TEXT_FORMAT;
const sources = WITHOUT_GENERATOR;

function problemsOf(format: Record<string, unknown>, extra: Record<string, unknown> = sources): string[] {
  try {
    parseConfig({ ...extra, format });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err.problems;
  }
  assert.fail("expected the format to be rejected");
}

describe("event schema: defaults and the example", () => {
  it("is the hands-on's when datalake:format is unset, built from logformat.ts", () => {
    const s = eventSchemaOf(parseConfig({}));
    assert.strictEqual(s, HANDS_ON_SCHEMA);
    assert.ok(isHandsOn(s));
    assert.deepStrictEqual(
      s.fields.map((f) => f.name),
      [...LOG_FIELDS],
    );
    assert.strictEqual(s.pattern, LOG_LINE_PATTERN);
    assert.strictEqual(strftimeToJava(s.timeFormat), "yyyy-MM-dd HH:mm:ssZ");
  });

  it("accepts the JSON web-service format and a text format, typed as declared", () => {
    const web = eventSchemaOf(parseConfig({ ...sources, format: WEB }));
    assert.ok(!isHandsOn(web));
    assert.deepStrictEqual(
      rawColumnsOf(web).map((c) => `${c.name}:${c.type}`),
      [
        "timestamp:string",
        "method:string",
        "path:string",
        "status:string",
        "latency_ms:string",
        "user_id:string",
      ],
    );
    const text = eventSchemaOf(parseConfig({ ...sources, format: TEXT }));
    assert.strictEqual(strftimeToJava(text.timeFormat), "yyyy-MM-dd'T'HH:mm:ssZ");
  });

  it("namedGroups skips escaped parentheses, character classes and lookbehinds", () => {
    assert.deepStrictEqual(namedGroups("(?<a>x)\\(?<b>[(?<c>](?<=q)(?<!r)(?<d>)"), ["a", "d"]);
  });
});

describe("event schema: one sentence for each bad setting", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      "an unknown type",
      { ...WEB, fields: [...WEB.fields.slice(0, 5), { name: "user_id", type: "int" }] },
      `datalake:format.fields.5.type is "int": Invalid enum value. Expected 'string' | 'long' | 'double' | 'boolean' | 'timestamp', received 'int'`,
    ],
    [
      "a duplicate field",
      { ...WEB, fields: [...WEB.fields, { name: "status", type: "string" }] },
      'datalake:format.fields.6.name is "status": is declared twice; declare each field once',
    ],
    [
      "a time field that is not declared",
      { ...WEB, timeField: "time" },
      'datalake:format.timeField is "time": names no declared field; declare it in format.fields with type timestamp, or name one of timestamp, method, path, status, latency_ms, user_id',
    ],
    [
      "a time field that is not a timestamp",
      { ...WEB, timeField: "status" },
      'datalake:format.timeField is "status": names a field of type long; declare that field with type timestamp',
    ],
    [
      "a field name OpenSearch or Glue cannot take",
      { ...WEB, fields: [...WEB.fields, { name: "User.Name", type: "string" }] },
      'datalake:format.fields.6.name is "User.Name": must start with a lowercase letter and use a-z, 0-9 and _ (at most 128), the names both OpenSearch fields and Glue columns take; rename the field',
    ],
    [
      "a reserved field name",
      { ...WEB, fields: [...WEB.fields, { name: "dt", type: "string" }] },
      'datalake:format.fields.6.name is "dt": is reserved for the lake (dt, hour, event_time, attributes: partition keys, the curated event time and the map of undeclared keys); rename the field',
    ],
    [
      "a regex whose groups do not match the fields",
      { ...TEXT, pattern: "^(?<ts>[^ ]+) (?<lvl>[A-Z]+) (?<status>\\d{3}) (?<msg>.*)$" },
      'datalake:format.pattern is "^(?<ts>[^ ]+) (?<lvl>[A-Z]+) (?<status>\\\\d{3}) (?<msg>.*)$": has no named group for the field(s) level and has named group(s) lvl that no field declares; give each declared field exactly one (?<name>...) group',
    ],
    [
      "an unnamed capturing group (the raw table's RegexSerDe would make it a column)",
      { ...TEXT, pattern: "^(?<ts>[^ ]+) (?<level>[A-Z]+) (?<status>\\d{3}) (?<msg>.*)( \\[x\\])?$" },
      'datalake:format.pattern is "^(?<ts>[^ ]+) (?<level>[A-Z]+) (?<status>\\\\d{3}) (?<msg>.*)( \\\\[x\\\\])?$": has an unnamed capturing group ( at character 59; the raw table\'s RegexSerDe makes every capturing group a column, so write it as a non-capturing group (?:...)',
    ],
    [
      "named groups in another order than the fields",
      { ...TEXT, pattern: "^(?<level>[A-Z]+) (?<ts>[^ ]+) (?<status>\\d{3}) (?<msg>.*)$" },
      "datalake:format.pattern is \"^(?<level>[A-Z]+) (?<ts>[^ ]+) (?<status>\\\\d{3}) (?<msg>.*)$\": has its groups in the order level, ts, status, msg but format.fields declares ts, level, status, msg; declare the fields in the pattern's order, since the raw table's RegexSerDe fills its columns from the groups by position",
    ],
    [
      "an invalid regex",
      { ...TEXT, pattern: "^(?<ts>[^ ]+" },
      'datalake:format.pattern is "^(?<ts>[^ ]+": is not a valid regular expression (Invalid regular expression: /^(?<ts>[^ ]+/: Unterminated group); fix its syntax',
    ],
    [
      "a pattern on a JSON format",
      { ...WEB, pattern: "^(?<timestamp>.*)$" },
      'datalake:format.pattern is "^(?<timestamp>.*)$": is only for kind "text" (a JSON event is taken as is); remove it or set kind: text',
    ],
    [
      "a text format without a pattern",
      { ...TEXT, pattern: undefined },
      'datalake:format.pattern is (not set): is required for kind "text": a regular expression with one named group (?<name>...) per field',
    ],
    [
      "an unknown strftime directive",
      { ...TEXT, timeFormat: "%Y-%m-%d %H:%M:%S %Z" },
      'datalake:format.timeFormat is "%Y-%m-%d %H:%M:%S %Z": uses the unknown directive "%Z"; use only %Y %m %d %H %M %S %L %z',
    ],
    [
      "a strftime time without its offset",
      { ...TEXT, timeFormat: "%Y-%m-%d %H:%M:%S" },
      'datalake:format.timeFormat is "%Y-%m-%d %H:%M:%S": lacks %z; a strftime time needs the date, the time to the second and the offset (%z), or the lake cannot place events in UTC',
    ],
    [
      "a time format that is neither keyword nor strftime",
      { ...WEB, timeFormat: "rfc3339" },
      'datalake:format.timeFormat is "rfc3339": must be iso8601 or epoch_ms, or a strftime pattern with its offset such as %Y-%m-%d %H:%M:%S%z',
    ],
    [
      "a keyword field that is not a string",
      { ...WEB, keywordField: "status" },
      'datalake:format.keywordField is "status": must name a declared field of type string (the generic queries count its values)',
    ],
    [
      "an unknown key",
      { ...WEB, timezone: "UTC" },
      'datalake:format has unknown key(s) "timezone"; allowed keys: name, kind, pattern, fields, timeField, timeFormat, keywordField',
    ],
  ];
  for (const [what, format, message] of cases) {
    it(`rejects ${what}`, () => {
      assert.deepStrictEqual(problemsOf(format), [message]);
    });
  }

  it("rejects a format while the generator is on (it writes the hands-on's lines)", () => {
    assert.deepStrictEqual(problemsOf(WEB, {}), [
      "datalake:generator.enabled is (not set): turns the generator on (the default), whose hands-on lines the configured datalake:format cannot read: set it to false, or remove datalake:format",
    ]);
  });
});

describe("event schema: patterns that backtrack catastrophically are rejected (recheck)", function () {
  this.timeout(60_000);
  const bad: [string, string, RegExp][] = [
    ["nested quantifiers", "^(?<msg>(a+)+)$", /exponential time, recheck\): the part "a" can match/],
    ["two greedy wildcards around a space", "^(?<ts>.*) (?<msg>.*)$", /polynomial degree 2 time, recheck\)/],
    [
      "the hands-on's original parser",
      "^\\[(?<ts>[^ ]* [^ ]*)\\] (?<msg>[^ ]*) *? (?<a>[^ ]*) * (?<b>[^ ]*) * (?<c>.*) \\[(?<d>.*)\\]$",
      /polynomial degree \d+ time, recheck\)/,
    ],
    ["a backreference", "^(?<ts>\\w+) (?<msg>\\1)$", /could not be proven .*unsupported: back-reference/],
    [
      "a lookahead",
      "^(?<ts>\\w+)(?= )(?<msg>.*)$",
      /could not be proven .*unsupported: look-ahead assertion/,
    ],
  ];
  for (const [what, pattern, message] of bad) {
    it(`rejects ${what} with one sentence naming the construct`, () => {
      const fields = namedGroups(pattern).map((name, i) => ({
        name,
        type: i === 0 ? "timestamp" : "string",
      }));
      const problems = problemsOf({
        kind: "text",
        pattern,
        fields,
        timeField: fields[0].name,
        timeFormat: "iso8601",
      });
      assert.strictEqual(problems.length, 1, problems.join("\n"));
      assert.match(problems[0], /^datalake:format\.pattern is ".*": (can backtrack|could not be proven)/);
      assert.match(problems[0], message);
      assert.ok(!problems[0].includes("\n"), "one sentence, one line");
    });
  }
});

/**
 * The same bound the hands-on parser meets (test/components/shared/logformat.test.ts): a 256 KB
 * line, CloudWatch Logs' largest event, in well under 200 ms on this shared machine.
 */
const LINE_BUDGET_MS = 200;

describe("event schema: accepted patterns run in linear time on adversarial 256 KB lines", () => {
  const lines = adversarialLines();
  for (const { pattern } of BENCH_FORMATS) {
    it(`recheck proves it safe, Java reads it alike, and it stays under ${LINE_BUDGET_MS} ms per line: ${pattern!.slice(0, 40)}…`, () => {
      assert.strictEqual(redosProblem(pattern!), undefined);
      assert.strictEqual(javaRegexProblem(pattern!, namedGroups(pattern!)), undefined);
      const re = new RegExp(pattern!);
      const worst = Math.max(...bestTimes(lines, 1, (t) => re.exec(t)));
      assert.ok(worst < LINE_BUDGET_MS, `slowest line took ${worst.toFixed(1)} ms`);
    });
  }
  it("the bench's formats pass the config's checks, the first being docs/sources.md's example", () => {
    for (const f of BENCH_FORMATS) validatedFormat(f as unknown as Record<string, unknown>);
    assert.strictEqual(BENCH_FORMATS[0].pattern, TEXT.pattern);
  });
});
