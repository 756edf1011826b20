/**
 * The offline gate itself: the engine's config merge and validation, state values as the engine
 * marshals them (secrets with plaintext or ciphertext, `__` keys), and the CLI's output and exit
 * codes (`npm run policy`).
 */
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  checkState,
  GateInputError,
  PackSession,
  parsePolicyConfig,
  reconcileConfig,
  toWire,
} from "../../tools/offline/policyGate";
import { lakeBucket, patch, seeds, state } from "./fixtures";

const ROOT = path.resolve(__dirname, "..", "..");
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "tools/policy.ts", ...args],
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

    it("rejects properties for a policy the pack does not have (the engine's Configure fails on it)", () => {
      assert.throws(
        () => reconcileConfig(pack.info, parsePolicyConfig('{"datalake-no-such-rule": {"x": 1}}')),
        /datalake-no-such-rule: invalid enforcement level/,
      );
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
    it("keeps plaintext secrets as secrets, makes ciphertext unknown and drops __ keys", () => {
      assert.deepStrictEqual(
        toWire({
          a: { [SIG]: SECRET, plaintext: '"x"' },
          b: { [SIG]: SECRET, ciphertext: "v1:abc" },
          __defaults: [],
          c: { __meta: 1, d: 2 },
        }),
        {
          a: { [SIG]: SECRET, value: "x" },
          b: { [SIG]: SECRET, value: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" },
          c: { d: 2 },
        },
      );
    });

    it("lets rules read secret values, and treats an encrypted secret as unknown", async () => {
      const plain = patch(seeds.logGroup(), "kmsKeyId", undefined);
      plain.inputs!.kmsKeyId = {
        [SIG]: SECRET,
        plaintext: JSON.stringify("arn:aws:kms:ap-northeast-1:1:key/k"),
      };
      assert.deepStrictEqual((await pack.analyze(state(plain))).violations, []);
      const cipher = patch(seeds.logGroup(), "kmsKeyId", undefined);
      cipher.inputs!.kmsKeyId = { [SIG]: SECRET, ciphertext: "AAABAK..." };
      const result = await pack.analyze(state(cipher));
      assert.deepStrictEqual(
        result.violations.map((v) => [v.level, v.policy]),
        [["advisory", "datalake-cloudwatch-loggroup-requires-kms-key"]],
      );
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

  describe("npm run policy", () => {
    it("prints exactly one JSON object and exits 0 on a compliant state", async () => {
      const file = path.join(dir, "ok.json");
      fs.writeFileSync(file, JSON.stringify(state(...lakeBucket("lake"), seeds.kmsKey())));
      const r = await cli(["--state", file, "--config", "policies/config/prod.json", "--json"]);
      assert.strictEqual(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.deepStrictEqual(Object.keys(doc), ["violations", "notApplicable", "summary"]);
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
      assert.match(missing.stderr, /cannot read state file/);
      assert.match(invalid.stderr, /datalake-cloudwatch-loggroup-sets-retention: minDays should be integer/);
    });
  });
});
