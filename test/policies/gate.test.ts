/**
 * The offline gate itself: the engine's config merge and validation, state values as the engine
 * marshals them (secrets with plaintext or ciphertext, `__` keys), and the CLI's output and exit
 * codes (`npm run policy`).
 */
import * as assert from "assert";
import { execFile } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { allPolicies } from "../../policies/rules";
import { ClosedConfigSchema } from "../../policies/rules/common";
import {
  ANALYZE_CONCURRENCY,
  checkState,
  countByKind,
  ExportedState,
  formatText,
  GateInputError,
  GateResult,
  mapLimit,
  MAX_DEPTH,
  PackSession,
  parsePolicyConfig,
  readPolicyConfig,
  reconcileConfig,
  remoteComponentsWithoutChildren,
  resolveSecrets,
  rootStackUrn,
  toWire,
} from "../../tools/offline/policyGate";
import { PassphraseCrypter } from "../../tools/offline/secrets";
import { summarize } from "../../tools/plan";
import { STACK_URN, lakeBucket, patch, seeds, state } from "./fixtures";

const ROOT = path.resolve(__dirname, "..", "..");
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["-r", "esbuild-register", "tools/policy.ts", ...args],
      { cwd: ROOT },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("policy gate", function () {
  let pack: PackSession;
  let dir: string;
  before(async () => {
    pack = await PackSession.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "datalake-gate-"));
  });
  after(() => {
    pack?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("config merge (as the engine does it)", () => {
    it("applies schema defaults, then all, then per-policy entries", () => {
      const merged = reconcileConfig(
        pack.info,
        parsePolicyConfig(
          JSON.stringify({
            all: "advisory",
            "datalake-kms-key-bounds-deletion-window": { enforcementLevel: "mandatory", minDays: 14 },
          }),
        ),
      );
      assert.deepStrictEqual(merged["datalake-kms-key-bounds-deletion-window"], {
        enforcementLevel: "mandatory",
        properties: { minDays: 14, maxDays: 30 },
      });
      assert.deepStrictEqual(merged["datalake-kms-key-enables-rotation"], { enforcementLevel: "advisory" });
      assert.deepStrictEqual(merged["datalake-cloudwatch-loggroup-sets-retention"].properties, {
        minDays: 1,
        maxDays: 3653,
      });
    });

    it("uses the pack's own level when no config is given", () => {
      const merged = reconcileConfig(pack.info, {});
      assert.ok(Object.values(merged).every((c) => c.enforcementLevel === "mandatory"));
    });

    it("rejects a property that breaks its schema, naming the policy and the property", () => {
      assert.throws(
        () =>
          reconcileConfig(
            pack.info,
            parsePolicyConfig(JSON.stringify({ "datalake-kms-key-bounds-deletion-window": { minDays: 3 } })),
          ),
        (err: Error) =>
          err instanceof GateInputError &&
          /datalake-kms-key-bounds-deletion-window: minDays should be >= 7/.test(err.message),
      );
    });

    it("rejects an invalid enforcement level and a value that is neither a string nor an object", () => {
      assert.throws(() => parsePolicyConfig('{"all":"strict"}'), /"strict" is not a valid enforcement level/);
      assert.throws(
        () => parsePolicyConfig('{"datalake-kms-key-enables-rotation": 3}'),
        /must be a string or object/,
      );
      assert.throws(() => parsePolicyConfig("[1]"), /must be a JSON object/);
    });

    it("rejects a misspelled rule name with or without a level, suggesting the nearest rule", () => {
      for (const value of ['{"minDays": 90}', '"advisory"']) {
        assert.throws(
          () =>
            reconcileConfig(
              pack.info,
              parsePolicyConfig(`{"datalake-kms-key-bound-deletion-window": ${value}}`),
            ),
          (err: Error) =>
            err instanceof GateInputError &&
            err.message ===
              'Invalid policy config: "datalake-kms-key-bound-deletion-window" names no rule of the pack; did you mean "datalake-kms-key-bounds-deletion-window"?',
        );
      }
      assert.throws(
        () => reconcileConfig(pack.info, parsePolicyConfig('{"no-such-thing": "advisory"}')),
        /"no-such-thing" names no rule of the pack \(see the rule table in README.md\)\.$/,
      );
    });

    describe("every rule's config schema is closed", () => {
      for (const policy of allPolicies) {
        const schema = policy.configSchema as ClosedConfigSchema | undefined;
        const props = Object.keys(schema?.properties ?? {});
        // A typo of the rule's first property (its last letter dropped), or any name for a rule
        // without properties.
        const typo = props.length ? props[0].slice(0, -1) : "minDays";
        it(`rejects "${typo}" for ${policy.name}, naming the property and the rule`, () => {
          if (schema) assert.strictEqual(schema.additionalProperties, false);
          assert.throws(
            () => reconcileConfig(pack.info, { [policy.name]: { properties: { [typo]: 90 } } }),
            (err: Error) =>
              err instanceof GateInputError &&
              err.message.startsWith(
                `Invalid policy config: The rule "${policy.name}" has no property "${typo}"`,
              ) &&
              (props.length
                ? err.message.includes(`did you mean "${props[0]}"?`)
                : err.message.includes("It takes no properties")),
          );
        });
      }
    });

    it("reports an unknown property as a violation under the CLI too, where the engine lets it through", async () => {
      // The offline gate rejects it before running; the CLI's engine builds the schema without
      // additionalProperties, so the rule itself must catch it. Configure the pack directly.
      const config = reconcileConfig(pack.info, {});
      config["datalake-kms-key-bounds-deletion-window"] = {
        enforcementLevel: "mandatory",
        properties: { minDay: 90, maxDays: 30 },
      };
      const result = await pack.analyzeConfigured(state(seeds.kmsKey()), config);
      assert.deepStrictEqual(
        // The SDK puts the rule's description first; the rule's own text is the last line.
        result.violations.map((v) => v.message.split("\n").pop()),
        [
          'The policy config of this rule has the unknown property "minDay" (did you mean "minDays"?); allowed: minDays, maxDays. Fix policies/config/<stack>.json.',
        ],
      );
    });

    it("says in one sentence that a stack has no policy config", () => {
      const file = path.join(dir, "policies", "config", "staging.json");
      assert.throws(
        () => readPolicyConfig(file),
        (err: Error) =>
          err instanceof GateInputError &&
          err.message ===
            `There is no policy config ${file}; every stack needs one (copy policies/config/dev.json for a new stack and set its levels and thresholds).`,
      );
      assert.throws(() => readPolicyConfig(dir), /is a directory, not a JSON file\.$/);
    });

    it("reports the effective level: a disabled rule is not run, an advisory one does not fail the gate", async () => {
      const s = state(patch(seeds.kmsKey(), "enableKeyRotation", false));
      const disabled = await pack.analyze(
        s,
        parsePolicyConfig('{"datalake-kms-key-enables-rotation": "disabled"}'),
      );
      assert.deepStrictEqual(disabled.violations, []);
      assert.strictEqual(disabled.summary.disabled, 1);
      const advisory = await pack.analyze(
        s,
        parsePolicyConfig('{"datalake-kms-key-enables-rotation": "advisory"}'),
      );
      assert.deepStrictEqual(
        advisory.violations.map((v) => [v.level, v.policy]),
        [["advisory", "datalake-kms-key-enables-rotation"]],
      );
      assert.strictEqual(advisory.summary.passed, true);
    });
  });

  describe("state values", () => {
    it("rejects a secret whose plaintext is not JSON with one sentence naming where it is", () => {
      const r = seeds.kmsKey();
      r.inputs!.description = { [SIG]: SECRET, plaintext: "not json" };
      assert.throws(
        () => toWire(r.inputs, `${r.urn} inputs`),
        (err: Error) =>
          err instanceof GateInputError &&
          err.message.startsWith(
            `The secret at ${r.urn} inputs.description has a "plaintext" that is not JSON`,
          ),
      );
    });

    it("rejects properties nested 5,000 deep (and a secret nested that deep) instead of overflowing the stack", () => {
      // Built as text: JSON.parse is iterative in V8, JSON.stringify is not.
      const text = `${'{"a":'.repeat(5000)}"leaf"${"}".repeat(5000)}`;
      const r = seeds.kmsKey();
      r.inputs!.description = JSON.parse(text);
      assert.throws(
        () => checkState(state(r), "deep.json"),
        (err: Error) =>
          err instanceof GateInputError &&
          err.message ===
            `deep.json: the inputs of ${r.urn} are nested more than ${MAX_DEPTH} levels deep, which no provider produces; the file is damaged or not a stack export.`,
      );
      assert.throws(
        () => toWire({ s: { [SIG]: SECRET, plaintext: text } }, "x"),
        /The secret at x.s is nested more than 256 levels deep\./,
      );
    });

    it("accepts properties nested exactly MAX_DEPTH deep and analyzes them", async () => {
      let deep: unknown = "leaf";
      for (let i = 0; i < MAX_DEPTH - 2; i++) deep = { a: deep };
      const r = seeds.kmsKey();
      r.inputs!.tags = deep;
      const result = await pack.analyze(state(r));
      assert.deepStrictEqual(result.violations, []);
    });

    it("keeps plaintext secrets as secrets, redacts ciphertext to [secret] and drops __ keys", () => {
      assert.deepStrictEqual(
        toWire({
          a: { [SIG]: SECRET, plaintext: '"x"' },
          b: { [SIG]: SECRET, ciphertext: "v1:abc" },
          __defaults: [],
          c: { __meta: 1, d: 2 },
        }),
        {
          a: { [SIG]: SECRET, value: "x" },
          b: { [SIG]: SECRET, value: "[secret]" },
          c: { d: 2 },
        },
      );
    });

    it("lets rules read secret values", async () => {
      const plain = patch(seeds.logGroup(), "kmsKeyId", undefined);
      plain.inputs!.kmsKeyId = {
        [SIG]: SECRET,
        plaintext: JSON.stringify("arn:aws:kms:ap-northeast-1:1:key/k"),
      };
      assert.deepStrictEqual((await pack.analyze(state(plain))).violations, []);
    });

    it("skips resources pending deletion and reads a real export's provider references", async () => {
      const key = { ...patch(seeds.kmsKey(), "enableKeyRotation", false), delete: true };
      const provider = {
        urn: "urn:pulumi:test::datalake::pulumi:providers:aws::default_7_48_0",
        custom: true,
        type: "pulumi:providers:aws",
        id: "p1",
        inputs: { region: "ap-northeast-1" },
        outputs: {},
      };
      const logs = { ...seeds.logGroup(), provider: `${provider.urn}::p1` };
      const result = await pack.analyze(state(provider, key, logs));
      assert.deepStrictEqual(result.violations, []);
      assert.strictEqual(result.summary.resources, 3);
    });

    it("rejects files that are not version-3 exports", () => {
      assert.throws(() => checkState({ version: 2, deployment: {} }), /only version 3/);
      assert.throws(() => checkState({ checkpoint: {} }), /no "deployment" object/);
    });
  });

  describe("encrypted secrets (decrypted with the passphrase, else redacted: never a pass by default)", function () {
    // Each passphrase check derives a key with PBKDF2's 1,000,000 rounds, as the CLI does.
    this.timeout(60_000);
    const PASSPHRASE = "correct horse";
    const provider = PassphraseCrypter.create(PASSPHRASE, randomBytes(8), randomBytes(12));
    /** A log group whose retentionInDays (0: kept forever) is stored encrypted, as `pulumi stack export` writes it. */
    const encrypted = (): ExportedState => {
      const r = patch(seeds.logGroup(), "retentionInDays", undefined);
      const secret = { [SIG]: SECRET, ciphertext: provider.crypter.encrypt("0", randomBytes(12)) };
      r.inputs!.retentionInDays = secret;
      r.outputs!.retentionInDays = secret;
      const s = state(r);
      s.deployment.secrets_providers = { type: "passphrase", state: { salt: provider.state } };
      return s;
    };
    const retention = "datalake-cloudwatch-loggroup-sets-retention";
    const mine = (r: GateResult) => r.violations.filter((v) => v.policy === retention);

    it("decrypts with PULUMI_CONFIG_PASSPHRASE and fails the real value", async () => {
      const result = await pack.analyze(encrypted(), {}, { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE });
      assert.deepStrictEqual(result.warnings, []);
      assert.deepStrictEqual(
        mine(result).map((v) => [v.level, v.message.split("\n").pop()]),
        [["mandatory", 'Log group "logs" keeps its events forever. Set retentionInDays between 1 and 3653.']],
      );
      assert.strictEqual(result.summary.passed, false);
    });

    it("reads the passphrase from PULUMI_CONFIG_PASSPHRASE_FILE too", async () => {
      const file = path.join(dir, "passphrase.txt");
      fs.writeFileSync(file, `${PASSPHRASE}\n`);
      const result = await pack.analyze(encrypted(), {}, { PULUMI_CONFIG_PASSPHRASE_FILE: file });
      assert.deepStrictEqual([result.warnings, mine(result).length], [[], 1]);
    });

    for (const [what, env] of [
      ["without a passphrase", {}],
      ["with a wrong passphrase", { PULUMI_CONFIG_PASSPHRASE: "wrong" }],
    ] as const) {
      it(`fails the redacted value ${what}, with a warning (it passed as "can't run during preview" before)`, async () => {
        const result = await pack.analyze(encrypted(), {}, env);
        assert.match(
          result.warnings.join("\n"),
          /could not decrypt the 2 encrypted secret\(s\).*redacted to "\[secret\]"/,
        );
        assert.deepStrictEqual(
          mine(result).map((v) => v.level),
          ["mandatory"],
        );
        assert.match(mine(result)[0].message, /retentionInDays is the string "\[secret\]", not a number/);
        assert.strictEqual(result.summary.passed, false);
        assert.match(formatText(result), /^warning: could not decrypt/);
      });
    }

    it("redacts every secret when one cannot be decrypted, as the CLI does", () => {
      const s = encrypted();
      const other = patch(seeds.kmsKey(), "description", undefined);
      other.inputs!.description = {
        [SIG]: SECRET,
        ciphertext: "v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA==",
      };
      s.deployment.resources!.push(other);
      const { state: resolved, warnings } = resolveSecrets(s, { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE });
      assert.match(warnings[0], /secret \d of 3 is damaged/);
      const values = resolved.deployment.resources!.flatMap((r) =>
        Object.values(r.inputs ?? {}).filter((v) => (v as Record<string, unknown>)?.[SIG] === SECRET),
      );
      assert.deepStrictEqual(values, [
        { [SIG]: SECRET, plaintext: '"[secret]"' },
        { [SIG]: SECRET, plaintext: '"[secret]"' },
      ]);
      assert.deepStrictEqual(resolved.deployment.resources![1].outputs!.retentionInDays, {
        [SIG]: SECRET,
        plaintext: '"[secret]"',
      });
      // The caller's state is left as it was.
      assert.ok("ciphertext" in (s.deployment.resources![1].inputs!.retentionInDays as object));
    });

    it("refuses encrypted secrets without a secrets provider, as the CLI does", async () => {
      const s = encrypted();
      delete s.deployment.secrets_providers;
      await assert.rejects(pack.analyze(s), (e: Error) => {
        assert.ok(e instanceof GateInputError);
        assert.match(e.message, /2 encrypted secret\(s\) but no deployment.secrets_providers/);
        return true;
      });
    });
  });

  describe("stack policies", () => {
    it("attributes a violation that names no resource of the state to the root stack", () => {
      assert.strictEqual(rootStackUrn(state().deployment.resources!), STACK_URN);
      assert.strictEqual(
        rootStackUrn([{ urn: "urn:pulumi:dev::datalake::aws:kms/key:Key::k", type: "aws:kms/key:Key" }]),
        "urn:pulumi:dev::datalake::pulumi:pulumi:Stack::datalake-dev",
      );
    });
  });

  describe("npm run policy", () => {
    it("prints exactly one JSON object and exits 0 on a compliant state", async () => {
      const file = path.join(dir, "ok.json");
      fs.writeFileSync(file, JSON.stringify(state(...lakeBucket("lake"), seeds.kmsKey())));
      const r = await cli(["--state", file, "--config", "policies/config/prod.json", "--json"]);
      assert.strictEqual(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.deepStrictEqual(Object.keys(doc), [
        "violations",
        "warnings",
        "notApplicable",
        "notSeen",
        "summary",
      ]);
      assert.deepStrictEqual(doc.violations, []);
      assert.strictEqual(doc.summary.passed, true);
    });

    it("exits 1 on a planted violation and names the rule, the resource and the fix", async () => {
      const file = path.join(dir, "bad.json");
      fs.writeFileSync(file, JSON.stringify(state(...lakeBucket("lake", { without: ["lifecycle"] }))));
      const r = await cli(["--state", file, "--config", "policies/config/prod.json"]);
      assert.strictEqual(r.code, 1, r.stderr);
      assert.match(
        r.stdout,
        /^mandatory datalake-s3-bucket-expires-lake-data urn:pulumi:test::datalake::aws:s3\/bucket:Bucket::lake: .*BucketLifecycleConfiguration/m,
      );
      assert.match(r.stdout, /1 mandatory and 0 advisory violation\(s\) — FAILED\.$/m);
    });

    it("exits 2 on usage errors, unreadable files and invalid policy config", async () => {
      const badConfig = path.join(dir, "bad-config.json");
      fs.writeFileSync(
        badConfig,
        JSON.stringify({ "datalake-cloudwatch-loggroup-sets-retention": { minDays: "ninety" } }),
      );
      const ok = path.join(dir, "ok2.json");
      fs.writeFileSync(ok, JSON.stringify(state()));
      const [noState, missing, notJson, invalid] = await Promise.all([
        cli(["--json"]),
        cli(["--state", path.join(dir, "missing.json")]),
        cli(["--state", path.join(ROOT, "package.json")]),
        cli(["--state", ok, "--config", badConfig]),
      ]);
      assert.deepStrictEqual([noState.code, missing.code, notJson.code, invalid.code], [2, 2, 2, 2]);
      assert.match(noState.stderr, /--state is required/);
      assert.match(missing.stderr, /^cannot read the state file \S*missing\.json: no such file\.\n$/);
      assert.match(invalid.stderr, /datalake-cloudwatch-loggroup-sets-retention: minDays should be integer/);
    });

    it("npm run plan: a stack without a policy config gets one sentence, exit 2 and no export", async () => {
      const stack = `zz-nopolicy-${process.pid}`;
      const stackFile = path.join(ROOT, `Pulumi.${stack}.yaml`);
      fs.copyFileSync(path.join(ROOT, "Pulumi.dev.yaml"), stackFile);
      const out = path.join(dir, `${stack}.json`);
      try {
        const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
          execFile(
            process.execPath,
            ["-r", "esbuild-register", "tools/plan.ts", stack, "--out", out],
            { cwd: ROOT },
            (err, _stdout, stderr) =>
              resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
          ),
        );
        assert.strictEqual(r.code, 2, r.stderr);
        assert.strictEqual(
          r.stderr,
          `There is no policy config ${path.join(ROOT, "policies", "config", `${stack}.json`)}; every stack needs one (copy policies/config/dev.json for a new stack and set its levels and thresholds).\n`,
        );
        assert.ok(!fs.existsSync(out), "no export is written");
        assert.deepStrictEqual(
          fs.readdirSync(dir).filter((f) => f.includes(stack)),
          [],
        );
      } finally {
        fs.rmSync(stackFile, { force: true });
      }
    });

    it("exits 2 with one sentence, no stack trace, on a secret that is not JSON and on inputs nested 5,000 deep", async () => {
      const secret = seeds.kmsKey();
      secret.inputs!.description = { [SIG]: SECRET, plaintext: "{oops" };
      const nested = seeds.kmsKey();
      nested.inputs!.description = "DEEP";
      const deepText = JSON.stringify(state(nested)).replace(
        '"DEEP"',
        `${"[".repeat(5000)}0${"]".repeat(5000)}`,
      );
      const files = [
        ["secret.json", JSON.stringify(state(secret))],
        ["deep.json", deepText],
      ].map(([name, text]) => {
        const f = path.join(dir, name);
        fs.writeFileSync(f, text);
        return f;
      });
      for (const f of files) {
        const r = await cli(["--state", f]);
        assert.strictEqual(r.code, 2, r.stderr);
        assert.strictEqual(r.stderr.trim().split("\n").length, 1, r.stderr);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
        assert.match(r.stderr, /(plaintext" that is not JSON|nested more than 256 levels deep)/);
      }
    });
  });

  describe("bounded concurrency", () => {
    it("keeps at most the limit pending and the results in order", async () => {
      let pending = 0;
      let peak = 0;
      const out = await mapLimit([...Array(100).keys()], ANALYZE_CONCURRENCY, async (i) => {
        pending++;
        peak = Math.max(peak, pending);
        await new Promise((r) => setTimeout(r, i % 3));
        pending--;
        return i * 2;
      });
      assert.strictEqual(peak, ANALYZE_CONCURRENCY);
      assert.deepStrictEqual(
        out,
        [...Array(100).keys()].map((i) => i * 2),
      );
      assert.deepStrictEqual(await mapLimit([], 4, async () => 1), []);
    });
  });

  describe("what the gate could not see", () => {
    const STACK = "urn:pulumi:dev::datalake::pulumi:pulumi:Stack::datalake-dev";
    const NET = "urn:pulumi:dev::datalake::datalake:network:NetworkWithGenerator::network";
    const VPC = "urn:pulumi:dev::datalake::datalake:network:NetworkWithGenerator$awsx:ec2:Vpc::network-vpc";
    const resources = (natStrategy: string, withChildren = false) => [
      { urn: STACK, custom: false, type: "pulumi:pulumi:Stack", inputs: {}, outputs: {} },
      {
        urn: "urn:pulumi:dev::datalake::pulumi:providers:aws::default",
        custom: true,
        type: "pulumi:providers:aws",
      },
      { urn: NET, custom: false, type: "datalake:network:NetworkWithGenerator", parent: STACK },
      {
        urn: VPC,
        custom: false,
        type: "awsx:ec2:Vpc",
        parent: NET,
        inputs: { natGateways: { strategy: natStrategy } },
      },
      ...(withChildren
        ? [
            {
              urn: `${VPC}$aws:ec2/subnet:Subnet::network-vpc-public-1`,
              custom: true,
              type: "aws:ec2/subnet:Subnet",
              parent: VPC,
            },
          ]
        : []),
      {
        urn: `${NET}$aws:ec2/instance:Instance::network-generator`,
        custom: true,
        type: "aws:ec2/instance:Instance",
        parent: NET,
      },
    ];

    it("names a remote component without children and what it would create, from its NAT strategy", () => {
      assert.deepStrictEqual(remoteComponentsWithoutChildren(resources("None")), [
        {
          urn: VPC,
          type: "awsx:ec2:Vpc",
          children: "subnets, route tables and their associations, routes, internet gateway",
        },
      ]);
      assert.match(
        remoteComponentsWithoutChildren(resources("Single"))[0].children,
        /internet gateway, NAT gateways and their Elastic IPs$/,
      );
      // A real export holds the children: nothing is reported.
      assert.deepStrictEqual(remoteComponentsWithoutChildren(resources("None", true)), []);
    });

    it("prints the note under the summary, and its counts add up to the plan's count", () => {
      const rs = resources("Single");
      const counts = countByKind(rs);
      assert.deepStrictEqual(counts, { plan: 2, topLevelComponents: 1, providers: 1, stacks: 1 });
      assert.match(summarize("dev", "ap-northeast-1", rs as never), /: 2 resources in 1 components$/m);
      const text = formatText({
        violations: [],
        warnings: [],
        notApplicable: [],
        notSeen: remoteComponentsWithoutChildren(rs),
        summary: {
          policyPack: "datalake@0.1.0",
          resources: rs.length,
          ...counts,
          policies: 36,
          disabled: 0,
          mandatory: 0,
          advisory: 0,
          notApplicable: 0,
          passed: true,
        },
      });
      assert.strictEqual(
        text,
        "Policy pack datalake@0.1.0: 5 resources (the plan's 2, plus 1 stack, 1 top-level components and 1 providers), 36 policies (0 disabled, 0 not applicable): 0 mandatory and 0 advisory violation(s) — passed.\n" +
          "Not seen offline: the children of 1 remote component (awsx:ec2:Vpc network-vpc: subnets, route tables and their associations, routes, internet gateway, NAT gateways and their Elastic IPs) are created by the component's provider, which does not run under mocks, so no rule checked them — run `pulumi preview --policy-pack policies` to check them.",
      );
    });
  });
});
