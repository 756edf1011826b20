import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommandSpec, UsageError, describeIoError, helpText, parseCommandLine } from "../../tools/cli";

const ROOT = path.join(__dirname, "..", "..");

const SPEC: CommandSpec = {
  command: "demo --",
  positionals: ["<stack>"],
  summary: "A demo.",
  options: {
    out: { type: "string", value: "FILE", description: "where" },
    json: { type: "boolean", description: "JSON" },
  },
};

describe("command-line helper (tools/cli.ts)", () => {
  it("takes --flag value and --flag=value alike", () => {
    assert.deepStrictEqual(parseCommandLine(SPEC, ["dev", "--out", "a.json"]).values.out, "a.json");
    assert.deepStrictEqual(parseCommandLine(SPEC, ["dev", "--out=a.json"]).values.out, "a.json");
    assert.deepStrictEqual(parseCommandLine(SPEC, ["--json", "dev"]).positionals, ["dev"]);
  });

  const bad: [string[], string][] = [
    [["dev", "--outt"], "unknown option --outt."],
    [["dev", "--out"], "--out needs a value."],
    [["dev", "--out", "--json"], "--out needs a value."],
    [["dev", "--out="], "--out needs a value."],
    [["dev", "--json=yes"], "--json takes no value."],
    [["dev", "prod"], 'unexpected argument "prod".'],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${JSON.stringify(argv)}: ${message}`, () => {
      assert.throws(
        () => parseCommandLine(SPEC, argv),
        (err: Error) =>
          err instanceof UsageError &&
          err.message === `${message} usage: demo -- <stack> [--out FILE] [--json] [--help]`,
      );
    });
  }

  it("--help lists every option and the exit codes", () => {
    assert.throws(
      () => parseCommandLine(SPEC, ["--help"]),
      (err: Error) => err.message === helpText(SPEC),
    );
    assert.match(
      helpText(SPEC),
      /\n {2}--out FILE {2}where\n {2}--json {6}JSON\n {2}--help {6}print this help and exit\n/,
    );
  });

  it("says what went wrong with a file in one sentence", () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    assert.strictEqual(
      describeIoError(err("EISDIR"), "/tmp", "write"),
      "cannot write /tmp: it is a directory; give a file name.",
    );
    assert.strictEqual(
      describeIoError(err("ENOENT"), "/nope/x", "read"),
      "cannot read /nope/x: no such file.",
    );
    assert.strictEqual(
      describeIoError(err("EACCES"), "/root/x", "write"),
      "cannot write /root/x: permission denied.",
    );
  });
});

describe("npm run -s policy (a real child process)", () => {
  let dir: string;
  let state: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-cli-"));
    state = path.join(dir, "state.json");
    fs.writeFileSync(
      state,
      JSON.stringify({
        version: 3,
        deployment: {
          manifest: { time: "2024-01-01T00:00:00Z", magic: "", version: "v3" },
          resources: [
            {
              urn: "urn:pulumi:dev::datalake::pulumi:pulumi:Stack::datalake-dev",
              type: "pulumi:pulumi:Stack",
              custom: false,
            },
          ],
        },
      }),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const npm = (args: string[]) => {
    const r = spawnSync("npm", ["run", "-s", "policy", "--", ...args], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("prints exactly one JSON document on stdout with --json, as documented (npm run -s)", () => {
    const run = npm([`--state=${state}`, "--json"]);
    assert.strictEqual(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as { summary: { passed: boolean } };
    assert.strictEqual(doc.summary.passed, true);
  });

  it("--help exits 0; an unknown option exits 2 with the shared wording", () => {
    const help = npm(["--help"]);
    assert.strictEqual(help.code, 0);
    assert.match(
      help.stdout,
      /^usage: npm run -s policy -- --state FILE \[--config FILE\] \[--json\] \[--engine gate\|pulumi\] \[--help\]\n/,
    );
    const unknown = npm(["--stat", state]);
    assert.strictEqual(unknown.code, 2);
    assert.strictEqual(
      unknown.stderr,
      "unknown option --stat. usage: npm run -s policy -- --state FILE [--config FILE] [--json] [--engine gate|pulumi] [--help]\n",
    );
    const engine = npm(["--state", state, "--engine", "terraform"]);
    assert.strictEqual(engine.code, 2);
    assert.strictEqual(engine.stderr, '--engine takes "gate" or "pulumi", not "terraform".\n');
    const missing = npm([]);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.stderr, /^--state is required\. usage: /);
  });
});
