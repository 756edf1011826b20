/**
 * The offline policy gate against the real Pulumi engine (`npm run test:pulumi`). The pinned CLI
 * (tools/engines/pulumi) is built on first use into the user cache; it runs with no network (a
 * `file://` backend and PULUMI_HOME in a temporary directory, no update check, no plugin
 * downloads) and drives the real pack through policies/bin/run-policy-pack.
 *
 * - For dev, prod, every mutation the gate's own tests plant (mutations.ts) and exports whose
 *   guarded property is stored as an encrypted secret (with the passphrase, without it, with a
 *   wrong one), `pulumi policy analyze --file` and the gate report the same violations (policy,
 *   URN, level, message) and the same pass/fail.
 * - `pulumi stack import --file` takes the offline plan's export as it is (no --force); the
 *   stack's outputs are the plan's, and `pulumi stack export` gives the plan back with only the
 *   differences listed in docs/policies.md.
 * - The hashes the plan writes for assets and archives are the ones the engine computes.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  ENGINE_DIR,
  EngineVerdict,
  PulumiWorkspace,
  analyzeWithEngine,
  cachedBinary,
  ensurePulumiCli,
  goVersion,
  pinnedVersion,
} from "../../tools/engines/pulumi/cli";
import { ExportedState, GateResult, PackSession, readPolicyConfig } from "../../tools/offline/policyGate";
import { ARCHIVE_SIG, ASSET_SIG, planSecretsProvider } from "../../tools/offline/recorder";
import { configPassphrase } from "../../tools/offline/secrets";
import { renderedStack } from "../helpers/renderedStacks";
import { MUTATIONS, clone } from "./mutations";

const ROOT = path.resolve(__dirname, "..", "..");
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const PASSPHRASE = "datalake engine test";
const PROJECT = "datalake";

type Row = [policy: string, urn: string, level: string, message: string];
const rows = (vs: readonly { policy: string; urn: string; level: string; message: string }[]): Row[] =>
  vs
    .map((v): Row => [v.policy, v.urn, v.level, v.message])
    .sort((a, b) => (a.join("\0") < b.join("\0") ? -1 : 1));

/** A copy of `s` whose first log group's retentionInDays is a secret (plaintext, as --show-secrets writes it). */
function withSecretRetention(s: ExportedState, days: number): ExportedState {
  const copy = clone(s);
  const group = copy.deployment.resources!.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup");
  assert.ok(group, "no log group in the graph");
  for (const side of [group.inputs!, group.outputs!])
    side.retentionInDays = { [SIG]: SECRET, plaintext: JSON.stringify(days) };
  return copy;
}

/** Every asset and archive value in a state (not those nested in an archive). */
function assetsOf(s: ExportedState): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (v: unknown) => {
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if (o[SIG] === ASSET_SIG || o[SIG] === ARCHIVE_SIG) {
      found.push(o);
      return;
    }
    for (const c of Array.isArray(v) ? v : Object.values(o)) walk(c);
  };
  for (const r of s.deployment.resources ?? []) walk(r.inputs);
  return found;
}

const goMissing = !goVersion() && !fs.existsSync(cachedBinary());
/** The passphrase the plans were rendered with (this process's, as renderedStacks.ts runs the plan). */
const PLAN_PASSPHRASE = { PULUMI_CONFIG_PASSPHRASE: configPassphrase() ?? "" };
/** Only the passphrase given, none inherited from this process. */
const withPassphrase = (env: Record<string, string | undefined>) => ({
  PULUMI_CONFIG_PASSPHRASE: undefined,
  PULUMI_CONFIG_PASSPHRASE_FILE: undefined,
  ...env,
});
/** How many `pulumi policy analyze` run at once. */
const ENGINE_CONCURRENCY = 3;

describe(`policy checks on the real Pulumi engine (CLI ${pinnedVersion()})`, function () {
  if (goMissing) {
    it(`skipped: Go is not installed, so the Pulumi CLI ${pinnedVersion()} cannot be built (install Go from https://go.dev/dl/ to run these checks)`, function () {
      this.skip();
    });
    return;
  }
  // The first run builds the CLI (10-30 minutes on 2 cores); each analysis starts the pack anew.
  this.timeout(60 * 60_000);

  let ws: PulumiWorkspace;
  let pack: PackSession;
  let dir: string;
  const states: Record<string, ExportedState> = {};
  const config = {
    dev: path.join(ROOT, "policies", "config", "dev.json"),
    prod: path.join(ROOT, "policies", "config", "prod.json"),
  };

  const started = new Map<string, Promise<EngineVerdict>>();
  const waiting: (() => void)[] = [];
  let running = 0;
  /** The engine's verdict on `s`, at most ENGINE_CONCURRENCY at a time, once per name. */
  function engineRun(
    name: string,
    s: ExportedState,
    stack: "dev" | "prod",
    env: Record<string, string | undefined>,
  ): Promise<EngineVerdict> {
    let p = started.get(name);
    if (!p) {
      const file = path.join(dir, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(s));
      p = new Promise<void>((go) => {
        if (running < ENGINE_CONCURRENCY) {
          running++;
          go();
        } else waiting.push(go);
      }).then(() =>
        analyzeWithEngine(ws, file, config[stack], env).finally(() => {
          const next = waiting.shift();
          if (next) next();
          else running--;
        }),
      );
      p.catch(() => undefined); // Reported by the test that awaits it.
      started.set(name, p);
    }
    return p;
  }

  before(async () => {
    const bin = await ensurePulumiCli();
    ws = new PulumiWorkspace(bin);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "datalake-engine-"));
    const [dev, prod] = await Promise.all([renderedStack("dev"), renderedStack("prod")]);
    states.dev = dev.state;
    states.prod = prod.state;
    pack = await PackSession.start();
  });
  after(() => {
    pack?.close();
    ws?.dispose();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Runs both on one state; returns the gate's result after asserting the engine agrees. The
   * engine's runs are started ahead (`engineRun`, a few at a time): each starts the pack anew,
   * which type-checks it first, as the Node.js language host does.
   */
  async function agree(
    name: string,
    s: ExportedState,
    stack: "dev" | "prod",
    env: Record<string, string | undefined> = PLAN_PASSPHRASE,
  ): Promise<GateResult> {
    const passphraseEnv = withPassphrase(env);
    const engine = await engineRun(name, s, stack, passphraseEnv);
    const gate = await pack.analyze(s, readPolicyConfig(config[stack]), passphraseEnv);
    assert.deepStrictEqual(rows(gate.violations), rows(engine.violations), `${name}: violations differ`);
    assert.strictEqual(gate.summary.passed, engine.passed, `${name}: pass/fail differs`);
    // Both say when secrets were analyzed redacted.
    assert.strictEqual(
      gate.warnings.length > 0,
      /could not decrypt secrets/.test(engine.stderr),
      engine.stderr,
    );
    return gate;
  }

  describe("the gate and `pulumi policy analyze --file` agree", () => {
    before(() => {
      // The engine starts on the plans and every mutation now; each test awaits its own run.
      for (const stack of ["dev", "prod"] as const)
        void engineRun(stack, states[stack], stack, withPassphrase(PLAN_PASSPHRASE));
      for (const [policy, mutation] of Object.entries(MUTATIONS))
        void engineRun(policy, mutation.apply(clone(states.prod)), "prod", withPassphrase(PLAN_PASSPHRASE));
    });

    for (const stack of ["dev", "prod"] as const) {
      it(`on the ${stack} plan (passes, no violation)`, async () => {
        const gate = await agree(stack, states[stack], stack);
        assert.strictEqual(gate.summary.passed, true);
      });
    }

    for (const [policy, mutation] of Object.entries(MUTATIONS)) {
      it(`when we ${mutation.what} (${policy})`, async () => {
        const gate = await agree(policy, mutation.apply(clone(states.prod)), "prod");
        assert.strictEqual(gate.summary.passed, false);
      });
    }
  });

  describe("on exports whose guarded property is stored as an encrypted secret", () => {
    const encrypted: Record<string, ExportedState> = {};

    before(async () => {
      // Real ciphertext: import each state into a stack and export it without --show-secrets.
      const env = { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE };
      for (const [name, days] of [
        ["forever", 0],
        ["year", 365],
      ] as const) {
        const s = withSecretRetention(states.prod, days);
        s.deployment.secrets_providers = planSecretsProvider("prod", PROJECT, env);
        const file = path.join(dir, `plain-${name}.json`);
        fs.writeFileSync(file, JSON.stringify(s));
        // A project and backend of its own for each: the stack is named as in the URNs (prod).
        const project = path.join(dir, `secrets-${name}`);
        fs.mkdirSync(project);
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), `name: ${PROJECT}\nruntime: nodejs\n`);
        const own = new PulumiWorkspace(ws.bin);
        const stack = `organization/${PROJECT}/prod`;
        try {
          for (const args of [
            ["stack", "init", stack],
            ["stack", "import", "--stack", stack, "--file", file],
          ]) {
            const r = await own.run(args, { cwd: project, env });
            assert.strictEqual(r.code, 0, `pulumi ${args.join(" ")}: ${r.stderr}`);
          }
          const out = await own.run(["stack", "export", "--stack", stack], { cwd: project, env });
          assert.strictEqual(out.code, 0, out.stderr);
          encrypted[name] = JSON.parse(out.stdout) as ExportedState;
          assert.match(out.stdout, /"ciphertext"/);
          assert.doesNotMatch(out.stdout, /"plaintext"/);
        } finally {
          own.dispose();
        }
      }
    });

    it("with the passphrase: both decrypt and fail retention 0, and pass retention 365", async () => {
      const env = { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE };
      const forever = await agree("secret-forever-passphrase", encrypted.forever, "prod", env);
      assert.deepStrictEqual(
        forever.violations.map((v) => v.policy),
        ["datalake-cloudwatch-loggroup-sets-retention"],
      );
      assert.match(forever.violations[0].message, /keeps its events forever/);
      const year = await agree("secret-year-passphrase", encrypted.year, "prod", env);
      assert.strictEqual(year.summary.passed, true);
    });

    for (const [what, env] of [
      ["without the passphrase", {}],
      ["with a wrong passphrase", { PULUMI_CONFIG_PASSPHRASE: "not it" }],
    ] as const) {
      it(`${what}: both redact to "[secret]" and fail, whatever the value`, async () => {
        for (const name of ["forever", "year"]) {
          const gate = await agree(`secret-${name}-${what.replace(/ /g, "-")}`, encrypted[name], "prod", env);
          assert.strictEqual(gate.summary.passed, false);
          assert.match(
            gate.violations[0].message,
            /retentionInDays is the string "\[secret\]", not a number/,
          );
        }
      });
    }
  });

  describe("`pulumi stack import` of the offline plan", () => {
    let project: string;
    const env = PLAN_PASSPHRASE;
    const stack = `organization/${PROJECT}/dev`;

    before(() => {
      project = path.join(dir, "import-project");
      fs.mkdirSync(project);
      fs.writeFileSync(path.join(project, "Pulumi.yaml"), `name: ${PROJECT}\nruntime: nodejs\n`);
    });

    it("imports .plan/dev.json without --force, and the stack's outputs are the plan's", async () => {
      const file = path.join(dir, "plan-dev.json");
      // The plan's secrets provider is opened with the passphrase the plan ran with.
      fs.writeFileSync(file, JSON.stringify(states.dev));
      for (const args of [
        ["stack", "init", stack],
        ["stack", "import", "--stack", stack, "--file", file],
      ]) {
        const r = await ws.run(args, { cwd: project, env });
        assert.strictEqual(r.code, 0, `pulumi ${args.join(" ")}: ${r.stderr}`);
      }
      const out = await ws.run(["stack", "output", "--stack", stack, "--json", "--show-secrets"], {
        cwd: project,
        env,
      });
      assert.strictEqual(out.code, 0, out.stderr);
      const root = states.dev.deployment.resources!.find((r) => r.type === "pulumi:pulumi:Stack")!;
      const plain = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(plain);
        if (v && typeof v === "object") {
          const o = v as Record<string, unknown>;
          if (o[SIG] === SECRET) return plain(JSON.parse(String(o.plaintext)));
          return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plain(x)]));
        }
        return v;
      };
      assert.deepStrictEqual(JSON.parse(out.stdout), plain(root.outputs));
    });

    it("exports it back with only the documented differences", async () => {
      const out = await ws.run(["stack", "export", "--stack", stack, "--show-secrets"], {
        cwd: project,
        env,
      });
      assert.strictEqual(out.code, 0, out.stderr);
      const back = JSON.parse(out.stdout) as ExportedState;
      // Documented in docs/policies.md: the CLI adds an empty `metadata` block, leaves out a
      // resource's empty inputs, outputs, dependencies and property dependencies, and writes a
      // secret's plaintext JSON with Go's escaping (`<` as `\u003c`: the same value); the rest
      // (manifest, secrets provider, every resource and value) is the plan's.
      assert.deepStrictEqual(back.deployment.metadata, {});
      delete back.deployment.metadata;
      const plan = clone(states.dev);
      const sameText = (v: unknown): void => {
        if (!v || typeof v !== "object") return;
        const o = v as Record<string, unknown>;
        if (o[SIG] === SECRET && typeof o.plaintext === "string")
          o.plaintext = JSON.stringify(JSON.parse(o.plaintext));
        for (const c of Object.values(o)) sameText(c);
      };
      sameText(back);
      sameText(plan);
      for (const r of plan.deployment.resources!) {
        for (const k of ["inputs", "outputs", "propertyDependencies"] as const)
          if (r[k] && Object.keys(r[k]!).length === 0) delete r[k];
        if (r.dependencies?.length === 0) delete r.dependencies;
      }
      assert.deepStrictEqual(back, plan);
    });
  });

  it("the hashes the plan writes for assets and archives are the engine's", function () {
    const bin = path.join(dir, "assethash");
    execFileSync("go", ["build", "-trimpath", "-buildvcs=false", "-o", bin, "./assethash"], {
      cwd: ENGINE_DIR,
      stdio: ["ignore", "ignore", "inherit"],
    });
    const values = assetsOf(states.dev);
    assert.ok(values.length >= 7, `${values.length} assets`); // 4 ETL scripts and 3 Lambda archives
    const input = values.map((v) => JSON.stringify({ ...v, hash: undefined })).join("\n") + "\n";
    const engine = execFileSync(bin, [], { input, encoding: "utf8" }).trim().split("\n");
    assert.deepStrictEqual(
      values.map((v) => v.hash),
      engine,
    );
    // The Lambda code is stored by path and hash, not as text.
    const archives = values.filter((v) => v[SIG] === ARCHIVE_SIG);
    assert.strictEqual(archives.length, 3);
    for (const a of archives) {
      const member = (a.assets as Record<string, Record<string, unknown>>)["index.js"];
      assert.deepStrictEqual(Object.keys(member).sort(), [SIG, "hash", "path"].sort());
    }
  });
});
