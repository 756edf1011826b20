/**
 * Every script in package.json answers `--help` with exit 0, at once (a bench must not run), and
 * every script that runs this project's TypeScript refuses an unknown flag with exit 2 and one
 * sentence, before any work; all of them run TypeScript through the one runner, esbuild-register.
 * Each script's command is run exactly as npm runs it (`sh -c "<script> <args>"` with
 * node_modules/.bin on PATH), in its own process group, killed whole if it overruns.
 */
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const SCRIPTS = (
  JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;

/** Scripts that take no arguments, and why; `--help` would run them in full. */
const NO_ARGUMENTS: Readonly<Record<string, string>> = {
  test: "runs every check and test suite (test/helpers/npm-test.js); it takes no arguments",
  "test:unit": "the fast subset of npm test; it takes no arguments",
  lint: "ESLint then Prettier over the whole tree; it takes no arguments",
  format: "Prettier --write over every .ts file; it takes no arguments",
};

/** A script that runs this project's own TypeScript (a tool, a bench, the generator). */
const OURS = /^node (?:--[a-z-]+ )*-r esbuild-register \S+\.ts$/;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly killed: boolean;
}

/** Runs `script args` as npm would; kills its whole process group after `timeoutMs`. */
function runScript(command: string, args: string, timeoutMs: number): Promise<Run> {
  const started = Date.now();
  const child = spawn("sh", ["-c", `${command} ${args}`], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, PATH: `${path.join(ROOT, "node_modules", ".bin")}:${process.env.PATH}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let killed = false;
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => {
    killed = true;
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // The group has already exited.
    }
  }, timeoutMs);
  return new Promise((resolve) =>
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, ms: Date.now() - started, killed });
    }),
  );
}

function onPath(program: string): boolean {
  return (process.env.PATH ?? "").split(":").some((dir) => dir && fs.existsSync(path.join(dir, program)));
}

/** Each script's command, and whether it can run here (its program is installed). */
const RUNNABLE = Object.entries(SCRIPTS)
  .filter(([name]) => !NO_ARGUMENTS[name])
  .map(([name, command]) => {
    const program = command.split(" ")[0];
    const installed = onPath(program) || fs.existsSync(path.join(ROOT, "node_modules", ".bin", program));
    return { name, command, program, installed };
  });

describe("package.json scripts: --help, unknown flags, one TypeScript runner", function () {
  this.timeout(300_000);
  /** Node with the runner and nothing else: what the machine's load makes of a bare start. */
  let baselineMs = 0;
  let limitMs = 0;
  const runs = new Map<string, Promise<Run>>();

  before(async () => {
    const bare: number[] = [];
    for (let i = 0; i < 3; i++) bare.push((await runScript("node -r esbuild-register -e 0", "", 60_000)).ms);
    baselineMs = bare.sort((a, b) => a - b)[1];
    // --help loads the command-line module and the command's description, not the program:
    // a few bare starts' worth, whatever the load (two run at a time, beside the type-check and the
    // lint in `npm test`). The benches ran for 20 to 74 s: the limit stays well below the shortest.
    limitMs = 5 * baselineMs + 8_000;
    // Two at a time, both cases of each script.
    const queue: [string, string, string][] = [];
    for (const { name, command, installed } of RUNNABLE) {
      if (!installed) continue;
      queue.push([`${name} --help`, command, "--help"]);
      if (OURS.test(command)) queue.push([`${name} --no-such-flag`, command, "--no-such-flag"]);
    }
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const [key, command, args] = job;
        const run = runScript(command, args, 60_000);
        runs.set(key, run);
        await run;
      }
    };
    await Promise.all([worker(), worker()]);
  });

  it("lists a reason for every script that takes no arguments, and each of them exists", () => {
    for (const name of Object.keys(NO_ARGUMENTS)) assert.ok(SCRIPTS[name], `${name} is not in package.json`);
  });

  it("runs TypeScript through esbuild-register only (no ts-node in any script)", () => {
    const other = Object.entries(SCRIPTS).filter(([, command]) => /ts-node/.test(command));
    assert.deepStrictEqual(other, []);
  });

  for (const { name, command, program, installed } of RUNNABLE) {
    if (!installed) {
      // The Pulumi CLI's own commands (preview:*, up:*) need the CLI installed: a pending test says so.
      it(`npm run ${name} -- --help: not checked, ${program} is not installed (not on PATH)`);
      continue;
    }
    it(`npm run ${name} -- --help exits 0 at once`, async () => {
      const r = await runs.get(`${name} --help`)!;
      assert.ok(
        !r.killed,
        `still running after 60 s: ${command} --help runs the command instead of printing its help`,
      );
      assert.strictEqual(
        r.status,
        0,
        `exit ${r.status}: ${r.stderr.trim().split("\n").slice(-3).join(" / ")}`,
      );
      assert.ok(r.stdout.trim().length > 0, "it printed no help");
      assert.ok(
        r.ms < limitMs,
        `--help took ${r.ms} ms; a bare node start takes ${baselineMs} ms now, so the limit is ${limitMs} ms`,
      );
      if (OURS.test(command)) assert.match(r.stdout, new RegExp(`^usage: npm run (-s )?${name} `));
    });

    if (!OURS.test(command)) continue;
    it(`npm run ${name} -- --no-such-flag exits 2 with one sentence, before any work`, async () => {
      const r = await runs.get(`${name} --no-such-flag`)!;
      assert.ok(!r.killed, "still running after 60 s: the unknown flag was ignored");
      assert.strictEqual(r.status, 2, `exit ${r.status}: ${r.stderr}`);
      assert.match(r.stderr, /^unknown option --no-such-flag\. usage: /);
      assert.strictEqual(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.strictEqual(r.stdout, "");
    });
  }
});
