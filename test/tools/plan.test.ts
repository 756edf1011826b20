import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SECRET_PLACEHOLDER, parseStackConfig } from "../../tools/offline/stackConfig";
import { StackExport } from "../../tools/offline/recorder";
import { RenderedStack, renderedStack } from "../helpers/renderedStacks";

const ROOT = path.join(__dirname, "..", "..");

function plan(args: string[]) {
  const result = spawnSync(process.execPath, ["-r", "esbuild-register", "tools/plan.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 300_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("offline plan (npm run plan)", () => {
  for (const stack of ["dev", "prod"]) {
    describe(`of the ${stack} stack`, () => {
      let run: RenderedStack;
      let state: StackExport;

      // The run's shared render: `tools/plan.ts <stack> --out FILE` in a child process, once for
      // every test file that reads this stack (test/helpers/renderedStacks.ts).
      before(async () => {
        run = await renderedStack(stack as "dev" | "prod");
        state = run.state as unknown as StackExport;
      });

      it("exits 0 and prints resources per component and the stack outputs", () => {
        assert.strictEqual(run.code, 0, run.stderr + run.stdout);
        assert.match(
          run.stdout,
          new RegExp(`Plan for stack "${stack}" \\(region ap-northeast-1\\): \\d+ resources`),
        );
        assert.match(run.stdout, /network \(datalake:network:NetworkWithGenerator\)/);
        assert.match(run.stdout, /1 {2}aws:ec2\/instance:Instance/);
        assert.match(run.stdout, /Outputs:\n(.|\n)*generatorInstanceId: i-[0-9a-f]{17}/);
      });

      it("writes a version 3 stack export with the CLI's resource fields", () => {
        assert.strictEqual(state.version, 3);
        const resources = state.deployment.resources;
        assert.strictEqual(resources[0].type, "pulumi:pulumi:Stack");
        assert.strictEqual(
          resources[0].urn,
          `urn:pulumi:${stack}::datalake::pulumi:pulumi:Stack::datalake-${stack}`,
        );
        const instance = resources.find((r) => r.type === "aws:ec2/instance:Instance")!;
        assert.strictEqual(instance.custom, true);
        assert.match(instance.id!, /^i-[0-9a-f]{17}$/);
        assert.match(
          instance.urn,
          new RegExp(
            `^urn:pulumi:${stack}::datalake::datalake:network:NetworkWithGenerator\\$aws:ec2/instance:Instance::network-generator$`,
          ),
        );
        assert.strictEqual(
          instance.parent,
          `urn:pulumi:${stack}::datalake::datalake:network:NetworkWithGenerator::network`,
        );
        const component = resources.find((r) => r.urn === instance.parent)!;
        assert.strictEqual(component.parent, resources[0].urn);
        assert.match(
          instance.provider!,
          new RegExp(
            `^urn:pulumi:${stack}::datalake::pulumi:providers:aws::default_7_\\d+_\\d+::[0-9a-f-]{36}$`,
          ),
        );
        assert.ok(Array.isArray(instance.dependencies) && instance.dependencies.length > 0);
        assert.ok(instance.propertyDependencies && "subnetId" in instance.propertyDependencies);
        assert.strictEqual(
          (instance.inputs.metadataOptions as { httpTokens: string }).httpTokens,
          "required",
        );
        assert.match(
          String(instance.outputs.arn),
          new RegExp(`^arn:aws:ec2:ap-northeast-1:123456789012:instance/${instance.id}$`),
        );
        // Every dependency and parent points at a resource of the same file, listed before it.
        const seen = new Set<string>();
        for (const r of resources) {
          for (const d of [...(r.dependencies ?? []), ...(r.parent ? [r.parent] : [])])
            assert.ok(seen.has(d), `${r.urn} -> ${d}`);
          seen.add(r.urn);
        }
      });
    });
  }

  it("puts the prod generator in a private subnet with no public IP", async () => {
    const { code, state } = await renderedStack("prod");
    assert.strictEqual(code, 0);
    const instance = (state as unknown as StackExport).deployment.resources.find(
      (r) => r.type === "aws:ec2/instance:Instance",
    )!;
    assert.strictEqual(instance.inputs.associatePublicIpAddress, false);
    assert.strictEqual(instance.inputs.instanceType, "t4g.small");
  });

  it("exits 2 and names the key when the stack file has a bad value, before registering anything", () => {
    const file = path.join(ROOT, "Pulumi.zz-badconfig.yaml");
    const out = path.join(os.tmpdir(), `zz-badconfig-${process.pid}.json`);
    fs.writeFileSync(
      file,
      "config:\n  aws:region: ap-northeast-1\n  datalake:lake:\n    firehoseBufferSeconds: 1200\n",
    );
    try {
      const run = plan(["zz-badconfig", "--out", out]);
      assert.strictEqual(run.code, 2, run.stderr);
      assert.match(
        run.stderr,
        /datalake:lake\.firehoseBufferSeconds is 1200: Number must be less than or equal to 900/,
      );
      assert.ok(!fs.existsSync(out), "no plan is written for a bad config");
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it("exits 2 on a usage error or an unknown stack", () => {
    const usage = plan([]);
    assert.strictEqual(usage.code, 2);
    assert.match(usage.stderr, /^name a stack\. usage: npm run -s plan -- <stack> \[--out FILE\]/);
    const unknown = plan(["nosuchstack"]);
    assert.strictEqual(unknown.code, 2);
    assert.match(unknown.stderr, /no stack file .*Pulumi\.nosuchstack\.yaml; stacks here: .*dev/);
  });
});

describe("offline plan: stack file and command-line errors", () => {
  const stackFile = (name: string) => path.join(ROOT, `Pulumi.${name}.yaml`);
  const cases: [string, string, RegExp][] = [
    [
      "empty",
      "",
      /^Pulumi\.zz-cli-empty\.yaml is empty; a stack file holds a "config:" map of keys to values/,
    ],
    ["scalar", "just a string\n", /^Pulumi\.zz-cli-scalar\.yaml holds a string, not a map;/],
    [
      "huge",
      "config:\n  aws:region: ap-northeast-1\n  datalake:lake:\n    firehoseBufferSeconds: 1e400\n",
      /^Pulumi\.zz-cli-huge\.yaml: datalake:lake\.firehoseBufferSeconds is 1e400, which is infinite as a number .*; give a finite number\.$/m,
    ],
    [
      "inf",
      "config:\n  aws:region: ap-northeast-1\n  datalake:lake:\n    firehoseBufferSeconds: .inf\n",
      /datalake:lake\.firehoseBufferSeconds is \.inf, which is infinite/,
    ],
    [
      "securesection",
      "config:\n  aws:region: ap-northeast-1\n  datalake:speed:\n    secure: v1:AAAABBBB\n",
      /datalake:speed is encrypted as a whole \(secure:\), but the program reads it as a map of settings; .*pulumi config set --secret --path 'datalake:speed\.<setting>' VALUE\./,
    ],
  ];
  for (const [name, text, message] of cases) {
    it(`exits 2 with one sentence for a stack file that is ${name}`, () => {
      const file = stackFile(`zz-cli-${name}`);
      fs.writeFileSync(file, text);
      try {
        const run = plan([`zz-cli-${name}`, "--out", path.join(os.tmpdir(), `zz-cli-${process.pid}.json`)]);
        assert.strictEqual(run.code, 2, run.stderr);
        assert.match(run.stderr, message);
        assert.strictEqual(run.stderr.trim().split("\n").length, 1, run.stderr);
        assert.doesNotMatch(run.stderr, /^\s+at /m);
      } finally {
        fs.rmSync(file, { force: true });
      }
    });
  }

  it("exits 2 for a misspelled aws: key, suggesting the right one, and for a missing region", () => {
    const file = stackFile("zz-cli-regon");
    fs.writeFileSync(file, "config:\n  aws:regon: ap-northeast-1\n");
    try {
      const run = plan(["zz-cli-regon", "--out", path.join(os.tmpdir(), `zz-cli-${process.pid}.json`)]);
      assert.strictEqual(run.code, 2, run.stderr);
      assert.match(
        run.stderr,
        /- aws:regon is not a configuration key of the AWS provider; did you mean aws:region\?/,
      );
      assert.match(run.stderr, /- aws:region is not set/);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it("exits 2 for a region the AWS provider does not know and a key in a namespace nothing reads", () => {
    const file = stackFile("zz-cli-region9");
    fs.writeFileSync(file, "config:\n  aws:region: ap-northeast-9\n  speed:retentionDays: 7\n");
    try {
      const run = plan(["zz-cli-region9", "--out", path.join(os.tmpdir(), `zz-cli-${process.pid}.json`)]);
      assert.strictEqual(run.code, 2, run.stderr);
      assert.match(
        run.stderr,
        /- aws:region is "ap-northeast-9", which is not an AWS region; did you mean ap-northeast-1\?/,
      );
      assert.match(
        run.stderr,
        /- speed:retentionDays is in the namespace "speed:", .*did you mean datalake:speed, /,
      );
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it("takes a secure: e-mail address (stand-in alarm@example.com) and keeps it secret in the state", () => {
    const file = stackFile("zz-cli-secret");
    const policyConfig = path.join(ROOT, "policies", "config", "zz-cli-secret.json");
    fs.copyFileSync(path.join(ROOT, "policies", "config", "dev.json"), policyConfig);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-secret-"));
    const dev = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
    fs.writeFileSync(
      file,
      dev.replace(
        "  datalake:speed:\n",
        "  datalake:speed:\n    alarmEmail:\n      secure: v1:AAAABBBBCCCC\n",
      ),
    );
    try {
      const out = path.join(dir, "secret.json");
      const run = plan(["zz-cli-secret", `--out=${out}`]);
      assert.strictEqual(run.code, 0, run.stderr);
      const state = JSON.parse(fs.readFileSync(out, "utf8")) as StackExport;
      const subscription = state.deployment.resources.find(
        (r) => r.type === "aws:sns/topicSubscription:TopicSubscription" && r.inputs.protocol === "email",
      );
      assert.ok(subscription, "an e-mail subscription is planned");
      assert.deepStrictEqual(subscription.inputs.endpoint, {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        plaintext: JSON.stringify("alarm@example.com"),
      });
      assert.ok(!fs.readFileSync(out, "utf8").includes('"endpoint": "alarm@example.com"'));
    } finally {
      fs.rmSync(file, { force: true });
      fs.rmSync(policyConfig, { force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 with one sentence when --out is a directory or under a file, and writes nothing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-out-"));
    try {
      const isDir = plan(["dev", "--out", dir]);
      assert.strictEqual(isDir.code, 2, isDir.stderr);
      assert.strictEqual(isDir.stderr, `cannot write ${dir}: it is a directory; give a file name.\n`);
      const file = path.join(dir, "file");
      fs.writeFileSync(file, "");
      const underFile = plan(["dev", `--out=${path.join(file, "dev.json")}`]);
      assert.strictEqual(underFile.code, 2, underFile.stderr);
      assert.match(
        underFile.stderr,
        /^cannot write .*file\/dev\.json: a part of its path is a file, not a directory\.\n$/,
      );
      assert.deepStrictEqual(fs.readdirSync(dir), ["file"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints --help (exit 0) and one wording for an unknown option (exit 2)", () => {
    const help = plan(["--help"]);
    assert.strictEqual(help.code, 0);
    assert.match(
      help.stdout,
      /^usage: npm run -s plan -- <stack> \[--out FILE\] \[--policy-json FILE\] \[--help\]\n/,
    );
    assert.match(
      help.stdout,
      /Exit codes: 0 success; 1 the check failed or an internal error; 2 usage or input error\./,
    );
    const unknown = plan(["dev", "--outt", "x"]);
    assert.strictEqual(unknown.code, 2);
    assert.strictEqual(
      unknown.stderr,
      "unknown option --outt. usage: npm run -s plan -- <stack> [--out FILE] [--policy-json FILE] [--help]\n",
    );
  });
});

describe("stack file reader", () => {
  it("hands every value to the program as a string and objects as JSON, namespacing bare keys", () => {
    const { config, secretKeys } = parseStackConfig(
      "config:\n  aws:region: us-west-2\n  datalake:network:\n    natGateways: Single\n  protection:\n    protectStatefulResources: true\n",
      "Pulumi.x.yaml",
      "datalake",
    );
    assert.deepStrictEqual(config, {
      "aws:region": "us-west-2",
      "datalake:network": '{"natGateways":"Single"}',
      "datalake:protection": '{"protectStatefulResources":true}',
    });
    assert.deepStrictEqual(secretKeys, []);
  });

  it("turns secure values, top-level or nested, into secret placeholders", () => {
    const { config, secretKeys } = parseStackConfig(
      "config:\n  datalake:token:\n    secure: v1:abc\n  datalake:speed:\n    alarmEmail:\n      secure: v1:def\n",
      "Pulumi.x.yaml",
      "datalake",
    );
    assert.strictEqual(config["datalake:token"], SECRET_PLACEHOLDER);
    assert.strictEqual(config["datalake:speed"], JSON.stringify({ alarmEmail: SECRET_PLACEHOLDER }));
    assert.deepStrictEqual(secretKeys.sort(), ["datalake:speed", "datalake:token"]);
  });

  it("rejects a file whose config is not a map", () => {
    assert.throws(
      () => parseStackConfig("config: [1, 2]\n", "Pulumi.x.yaml", "datalake"),
      /Pulumi\.x\.yaml: "config" must be a map/,
    );
    assert.throws(
      () => parseStackConfig("config: {a: [}\n", "Pulumi.x.yaml", "datalake"),
      /Pulumi\.x\.yaml is not valid YAML/,
    );
  });
});

describe("offline plan: capacity at the declared workload", () => {
  it("fails with one sentence naming the stage and the config key when the stack cannot hold its workload", function () {
    this.timeout(300_000);
    const name = "zz-size-over";
    const file = path.join(ROOT, `Pulumi.${name}.yaml`);
    const policyConfig = path.join(ROOT, "policies", "config", `${name}.json`);
    // dev's values with a declared workload far above what its single 10 GiB node holds.
    const dev = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
    fs.writeFileSync(file, `${dev}  datalake:workload:\n    eventsPerSecond: 500\n    eventBytes: 400\n`);
    fs.copyFileSync(path.join(ROOT, "policies", "config", "dev.json"), policyConfig);
    try {
      const run = plan([name, "--out", path.join(os.tmpdir(), `zz-size-${process.pid}.json`)]);
      assert.strictEqual(run.code, 1, run.stderr + run.stdout);
      const lines = run.stderr.trim().split("\n");
      assert.strictEqual(lines.length, 1, run.stderr);
      assert.match(
        lines[0],
        /^Stack "zz-size-over" cannot hold its declared workload at the OpenSearch stage: .* needs [\d,.]+ GiB but [\d,.]+ GiB is available.*; set datalake:speed\.volumeSizeGiB \(.*\)\.$/,
      );
      assert.match(run.stdout, /Capacity at 500 events\/s .*\(datalake:workload\):/);
      assert.match(run.stdout, /FAILED: Stack "zz-size-over" cannot hold/);
      assert.doesNotMatch(run.stderr, /^\s+at /m);
    } finally {
      fs.rmSync(file, { force: true });
      fs.rmSync(policyConfig, { force: true });
    }
  });
});
