/**
 * Input errors of the commands that need something outside this repository (the Pulumi CLI, a
 * folder to write into): one sentence and exit 2, before any work.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

function tool(file: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, ["-r", "esbuild-register", file, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env,
    timeout: 60_000,
  });
}

describe("commands that need something outside the repository", function () {
  this.timeout(120_000);

  it("npm run e2e without the Pulumi CLI: one sentence, exit 2", () => {
    const r = tool("tools/e2e/run.ts", [], { PATH: path.dirname(process.execPath), HOME: os.tmpdir() });
    assert.strictEqual(r.status, 2, r.stderr);
    assert.strictEqual(
      r.stderr,
      "e2e needs the Pulumi CLI: pulumi is not installed or not on PATH; install it (https://www.pulumi.com/docs/install/), " +
        "log in to a backend (pulumi login) and run npm run e2e again.\n",
    );
    assert.strictEqual(r.stdout, "");
  });

  for (const flag of ["--out", "--policy-json"]) {
    it(`npm run plan -- dev ${flag} under /proc: one sentence, exit 2, before any rendering`, () => {
      const started = Date.now();
      const r = tool("tools/plan.ts", ["dev", flag, "/proc/datalake-plan/out.json"]);
      assert.strictEqual(r.signal, null, "killed after 60 s");
      assert.strictEqual(r.status, 2, r.stderr);
      assert.match(
        r.stderr,
        /^cannot write \/proc\/datalake-plan\/out\.json: it is on the kernel's process file system/,
      );
      assert.strictEqual(r.stderr.trim().split("\n").length, 1);
      assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
    });
  }

  describe("npm run bench:scan --out", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "scan-out-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("refuses a folder holding files it did not write, and leaves them", () => {
      fs.writeFileSync(path.join(dir, "keep.txt"), "mine\n");
      const r = tool("tools/bench/scan.ts", ["--out", dir]);
      assert.strictEqual(r.status, 2, r.stderr);
      assert.match(r.stderr, /^--out \S+ holds files bench:scan did not write; give a new or empty folder/);
      assert.strictEqual(r.stderr.trim().split("\n").length, 1);
      assert.strictEqual(fs.readFileSync(path.join(dir, "keep.txt"), "utf8"), "mine\n");
    });

    it("refuses a file", () => {
      fs.writeFileSync(path.join(dir, "f"), "");
      const r = tool("tools/bench/scan.ts", ["--out", path.join(dir, "f"), "--days", "0"]);
      assert.strictEqual(r.status, 2, r.stderr);
      assert.match(r.stderr, /^--days is 0; use 1 to 31\.\n$/);
      const f = tool("tools/bench/scan.ts", ["--out", path.join(dir, "f")]);
      assert.strictEqual(f.status, 2, f.stderr);
      assert.match(f.stderr, /^--out \S+ is not a folder; give a new or empty folder\.\n$/);
    });
  });
});
