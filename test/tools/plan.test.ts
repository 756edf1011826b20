import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SECRET_PLACEHOLDER, parseStackConfig } from "../../tools/offline/stackConfig";
import { StackExport } from "../../tools/offline/recorder";

const ROOT = path.join(__dirname, "..", "..");

function plan(args: string[]) {
  const result = spawnSync(
    process.execPath,
    [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "tools/plan.ts", ...args],
    {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 300_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("offline plan (npm run plan)", () => {
  for (const stack of ["dev", "prod"]) {
    describe(`of the ${stack} stack`, () => {
      let out: string;
      let run: ReturnType<typeof plan>;
      let state: StackExport;

      before(() => {
        out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), `${stack}.json`);
        run = plan([stack, "--out", out]);
        if (run.code === 0) state = JSON.parse(fs.readFileSync(out, "utf8")) as StackExport;
      });

      after(() => fs.rmSync(path.dirname(out), { recursive: true, force: true }));

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

  it("puts the prod generator in a private subnet with no public IP", () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "prod.json");
    try {
      assert.strictEqual(plan(["prod", "--out", out]).code, 0);
      const state = JSON.parse(fs.readFileSync(out, "utf8")) as StackExport;
      const instance = state.deployment.resources.find((r) => r.type === "aws:ec2/instance:Instance")!;
      assert.strictEqual(instance.inputs.associatePublicIpAddress, false);
      assert.strictEqual(instance.inputs.instanceType, "t4g.small");
    } finally {
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
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
    assert.match(usage.stderr, /usage: npm run plan -- <stack> \[--out FILE\]/);
    const unknown = plan(["nosuchstack"]);
    assert.strictEqual(unknown.code, 2);
    assert.match(unknown.stderr, /no stack file .*Pulumi\.nosuchstack\.yaml; stacks here: .*dev/);
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
