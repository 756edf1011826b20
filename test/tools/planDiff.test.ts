import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StateResource } from "../../tools/offline/recorder";
import { diffPlans } from "../../tools/planDiff";

const base: StateResource = {
  urn: "urn:pulumi:dev::datalake::datalake:batch:BatchLayer$aws:s3/bucket:Bucket::batch-raw",
  custom: true,
  type: "aws:s3/bucket:Bucket",
  inputs: { forceDestroy: false },
  outputs: { id: "a" },
  parent: "urn:pulumi:dev::datalake::datalake:batch:BatchLayer::batch",
  dependencies: ["urn:a", "urn:b"],
  propertyDependencies: { bucket: ["urn:a", "urn:b"] },
};

describe("planDiff", () => {
  it("finds no difference when only outputs, order of dependencies or a false protect change", () => {
    const after = {
      ...base,
      outputs: { id: "other" },
      dependencies: ["urn:b", "urn:a"],
      propertyDependencies: { bucket: ["urn:b", "urn:a"] },
      protect: false,
    };
    assert.deepStrictEqual(diffPlans([base], [after]), []);
  });

  const cases: [string, Partial<StateResource>, string][] = [
    ["an input", { inputs: { forceDestroy: true } }, "inputs"],
    ["the parent", { parent: "urn:other" }, "parent"],
    ["a dependency", { dependencies: ["urn:a"] }, "dependencies"],
    ["a property dependency", { propertyDependencies: { bucket: ["urn:a"] } }, "propertyDependencies"],
    ["protect", { protect: true }, "protect"],
    ["retainOnDelete", { retainOnDelete: true }, "retainOnDelete"],
    ["the type", { type: "aws:s3/bucketV2:BucketV2" }, "type"],
  ];
  for (const [what, change, field] of cases) {
    it(`reports ${what} that changed`, () => {
      assert.deepStrictEqual(diffPlans([base], [{ ...base, ...change }]), [{ urn: base.urn, what: field }]);
    });
  }

  it("reports added and removed resources (a renamed child is both)", () => {
    const renamed = { ...base, urn: base.urn.replace("batch-raw", "batch-raw2") };
    assert.deepStrictEqual(diffPlans([base], [renamed]), [
      { urn: base.urn, what: "removed" },
      { urn: renamed.urn, what: "added" },
    ]);
  });

  it("exits 0 for identical exports, 1 for a difference and 2 for an unreadable file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plandiff-"));
    const write = (name: string, resources: StateResource[]) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: { resources } }));
      return file;
    };
    const a = write("a.json", [base]);
    const b = write("b.json", [{ ...base, protect: true }]);
    const run = (...args: string[]) => {
      try {
        return {
          code: 0,
          out: execFileSync("node", ["-r", "esbuild-register", "tools/planDiff.ts", ...args], {
            encoding: "utf8",
            stdio: "pipe",
          }),
        };
      } catch (e) {
        const err = e as { status: number; stdout: string; stderr: string };
        return { code: err.status, out: err.stdout + err.stderr };
      }
    };
    assert.strictEqual(run(a, a).code, 0);
    const differ = run(a, b);
    assert.strictEqual(differ.code, 1);
    assert.match(differ.out, /^protect urn:pulumi:dev::/m);
    const missing = run(a, path.join(dir, "none.json"));
    assert.strictEqual(missing.code, 2);
    assert.match(missing.out, /^cannot read \/\S*none\.json: no such file\.$/m);
    assert.doesNotMatch(missing.out, /ENOENT/);
  });

  it("--help exits 0 with the usage; a missing argument or an unknown flag exits 2 in one sentence", () => {
    const run = (...args: string[]) =>
      spawnSync("node", ["-r", "esbuild-register", "tools/planDiff.ts", ...args], { encoding: "utf8" });
    const help = run("--help");
    assert.strictEqual(help.status, 0, help.stderr);
    assert.match(help.stdout, /^usage: npm run -s plan:diff -- BEFORE\.json AFTER\.json \[--help\]\n/);
    assert.match(help.stdout, /\nExit codes: 0 the two graphs are identical; 1 they differ; 2 .*\n?$/);
    for (const [args, message] of [
      [["a.json"], /^give two plan exports to compare\. usage: /],
      [["a.json", "b.json", "--dayz"], /^unknown option --dayz\. usage: /],
    ] as const) {
      const r = run(...args);
      assert.strictEqual(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.strictEqual(r.stderr.trim().split("\n").length, 1);
    }
  });
});
