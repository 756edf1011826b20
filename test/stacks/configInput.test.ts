/**
 * A stack file's input mistakes, each refused in one sentence that says what was meant: a region
 * the AWS provider does not know, a key in a namespace nothing reads or outside `config:`, a YAML
 * alias bomb (refused while it is read, not after it has grown to megabytes), a huge value quoted
 * in an error (cut short), and the kind of a value named in plain words ("a list", "a map").
 */
import * as assert from "assert";
import {
  ConfigError,
  AWS_REGIONS,
  awsConfigProblems,
  namespaceProblems,
  parseConfig,
} from "../../stacks/config";
import { MAX_ALIASES, StackConfigError, parseStackConfig } from "../../tools/offline/stackConfig";
import { QUOTE_MAX_CHARS, quoteValue } from "../../components/shared/quote";

const SECTIONS = ["network", "speed", "lake"];

/** A stack file whose `datalake:x<n>` lists each hold ten aliases of the level below ("billion laughs"). */
function aliasBomb(levels: number): string {
  let yaml =
    'config:\n  aws:region: ap-northeast-1\n  datalake:x0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i <= levels; i++)
    yaml += `  datalake:x${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(",")}]\n`;
  return yaml;
}

function stackConfigError(text: string): string {
  try {
    parseStackConfig(text, "Pulumi.t.yaml", "datalake");
  } catch (err) {
    assert.ok(err instanceof StackConfigError, String(err));
    return err.message;
  }
  assert.fail("expected the stack file to be refused");
}

describe("stack config: regions", () => {
  it("takes the regions from the AWS provider's Region enum", () => {
    assert.ok(AWS_REGIONS.includes("ap-northeast-1") && AWS_REGIONS.includes("us-gov-west-1"));
    assert.ok(AWS_REGIONS.length > 30);
  });

  const cases: [Record<string, string>, Record<string, string>, string[]][] = [
    [{ "aws:region": "ap-northeast-1" }, {}, []],
    [
      { "aws:region": "ap-northeast-9" },
      {},
      ['aws:region is "ap-northeast-9", which is not an AWS region; did you mean ap-northeast-1?'],
    ],
    [
      { "aws:region": "eu-wset-1" },
      {},
      ['aws:region is "eu-wset-1", which is not an AWS region; did you mean eu-west-1?'],
    ],
    [{ "aws:region": "ap-northeast-9", "aws:skipRegionValidation": "true" }, {}, []],
    [
      {},
      { AWS_REGION: "us-east-7" },
      ['AWS_REGION is "us-east-7", which is not an AWS region; did you mean us-east-1?'],
    ],
  ];
  for (const [values, env, expected] of cases) {
    it(`${JSON.stringify(values)} with env ${JSON.stringify(env)}: ${expected.length} problem(s)`, () => {
      assert.deepStrictEqual(awsConfigProblems(Object.keys(values), env, values), expected);
    });
  }

  it("a region that is not close to any lists the provider's regions", () => {
    const [p] = awsConfigProblems(["aws:region"], {}, { "aws:region": "12" });
    assert.match(
      p,
      /^aws:region is "12", which is not an AWS region; the AWS provider knows af-south-1, .*ap-northeast-1, /,
    );
  });
});

describe("stack config: keys where nothing reads them", () => {
  it("names the namespace meant for a key written speed:<setting> instead of datalake:speed", () => {
    assert.deepStrictEqual(
      namespaceProblems(["speed:retentionDays", "datalake:speed", "aws:region"], SECTIONS),
      [
        'speed:retentionDays is in the namespace "speed:", which nothing in this program reads; did you mean datalake:speed, with retentionDays as one of its settings?',
      ],
    );
  });

  it("suggests the namespace a misspelt one was meant to be", () => {
    assert.deepStrictEqual(namespaceProblems(["datalke:speed"], SECTIONS), [
      'datalke:speed is in the namespace "datalke:", which nothing in this program reads; did you mean datalake:speed?',
    ]);
  });

  it("refuses a key outside config:, naming the namespaced key meant", () => {
    assert.strictEqual(
      stackConfigError("config:\n  aws:region: ap-northeast-1\nspeed:\n  retentionDays: 7\n"),
      'Pulumi.t.yaml: "speed" is outside "config:", where nothing reads it; indent it under "config:" as datalake:speed (keys of the program are in the datalake: namespace).',
    );
  });

  it("accepts the stack file's own top-level keys", () => {
    const r = parseStackConfig(
      "secretsprovider: passphrase\nencryptionsalt: v1:abc\nconfig:\n  speed: {}\n",
      "f",
      "datalake",
    );
    assert.deepStrictEqual(r.config, { "datalake:speed": "{}" });
  });
});

describe("stack config: YAML aliases and quoted values", () => {
  it(`refuses nested aliases while reading them (more than ${MAX_ALIASES} expanded), at once`, () => {
    for (const levels of [3, 6]) {
      const started = Date.now();
      const message = stackConfigError(aliasBomb(levels));
      assert.match(
        message,
        /^Pulumi\.t\.yaml: datalake:x2 expands more than 100 aliases \(\*a0 and others\); /,
      );
      assert.ok(message.length < 300, message);
      assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
    }
  });

  it("still reads a few aliases", () => {
    const r = parseStackConfig("config:\n  datalake:a: &t {x: 1}\n  datalake:b: *t\n", "f", "datalake");
    assert.deepStrictEqual(r.config, { "datalake:a": '{"x":1}', "datalake:b": '{"x":1}' });
  });

  it("refuses a value that expands past the size cap without aliases of aliases", () => {
    const big = "x".repeat(600_000);
    const message = stackConfigError(`config:\n  datalake:a: &t "${big}"\n  datalake:b: *t\n`);
    assert.match(message, /^Pulumi\.t\.yaml: datalake:b expands to more than 1,000,000 nodes and characters/);
  });

  it("cuts a quoted value short in a config error, saying its length", () => {
    assert.strictEqual(quoteValue("abc"), '"abc"');
    const long = quoteValue("y".repeat(5_000));
    assert.ok(long.length < QUOTE_MAX_CHARS + 40, long);
    assert.match(long, /… \(5002 characters in all\)$/);
    try {
      parseConfig({ speed: "z".repeat(100_000) });
      assert.fail("expected a ConfigError");
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      assert.ok(err.message.length < 1_000, `the error is ${err.message.length} characters long`);
      assert.match(err.message, /characters in all\)/);
    }
  });

  it('names the kind of a value in plain words ("a list", never "a object")', () => {
    assert.strictEqual(
      stackConfigError("config: [a, b]\n"),
      'Pulumi.t.yaml: "config" must be a map of keys to values, not a list.',
    );
    assert.strictEqual(
      stackConfigError("config: 3\n"),
      'Pulumi.t.yaml: "config" must be a map of keys to values, not a number.',
    );
    assert.strictEqual(
      stackConfigError("- 1\n"),
      'Pulumi.t.yaml holds a list, not a map; a stack file holds a "config:" map of keys to values.',
    );
  });
});
