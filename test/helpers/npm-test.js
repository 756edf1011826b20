// `npm test`: everything CI runs. First the type-check, the lint (ESLint + Prettier) and mocha over
// every `*.test.ts` file, at the same time (mocha itself in parallel workers) so the suite uses both
// cores of the machine; then, one after another so they do not compete for the cores, the suites
// that run the project's code on real engines: `npm run test:<engine>` for each engine in ENGINES
// that package.json defines (each installs what it needs into a cache, starts its engine on
// loopback and stops it). `npm run test:unit` (`--unit`) is the fast everyday subset: the first
// part only. See CONTRIBUTING.md. Each check's output is printed whole; mocha's is streamed as it
// runs. The last line is the plain count CI reads: the real passed/failed counts of every suite,
// with one more failure for each static check that failed and for each engine suite that printed
// no counts. Exit 0 only when every check and every test passed.
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..", "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const jobs = process.env.MOCHA_JOBS || "2";
const CACHE = (p) => path.join(root, "node_modules", ".cache", p);
const unitOnly = process.argv.includes("--unit");

// The engine suites, in the order they run (Trino reads what the Spark suite's job wrote).
const ENGINES = ["spark", "trino", "opensearch", "pulumi"];
const COUNTS = /^(\d+) passed, (\d+) failed/;

function countsOf(out) {
  const line = out
    .split("\n")
    .reverse()
    .find((l) => COUNTS.test(l));
  const m = line && COUNTS.exec(line);
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : undefined;
}

// Mocha hands files to free workers in the order given; the files that spawn the most child
// processes (each a full program render or a tool run) go first, so no worker starts one of them
// last while the others sit idle. Every other test file follows in name order.
const SLOW_FIRST = [
  "test/tools/plan.test.ts",
  "test/tools/scripts.test.ts",
  "test/policies/stacks.test.ts",
  "test/policies/gate.test.ts",
  "test/policies/monitoring.test.ts",
  "test/iam/principals.test.ts",
  "test/iam/catalog.test.ts",
  "test/components/network/generator.test.ts",
  "test/components/speed/speedLayer.test.ts",
  "test/policies/rules.test.ts",
];

function testFiles() {
  const all = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith(".test.ts")) all.push(rel);
    }
  };
  walk("test");
  all.sort();
  return [...SLOW_FIRST.filter((f) => all.includes(f)), ...all.filter((f) => !SLOW_FIRST.includes(f))];
}

function run(label, command, args, { stream = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: process.env });
    let out = "";
    const take = (chunk) => {
      out += chunk;
      if (stream) process.stdout.write(chunk);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", (err) => resolve({ label, code: 1, out: `${label}: ${err.message}\n` }));
    child.on("close", (code) => resolve({ label, code: code ?? 1, out }));
  });
}

async function main() {
  const statics = [
    // Both keep their caches under node_modules/.cache (never committed; a fresh clone, as in CI,
    // runs them cold). ESLint's cache is per file content: after a change to types that another,
    // unchanged file relies on, \`npm run lint\` (no cache) is the check to run.
    run("typecheck (tsc -p .)", bin("tsc"), [
      "-p",
      ".",
      "--incremental",
      "--tsBuildInfoFile",
      CACHE("tsc/tsconfig.tsbuildinfo"),
    ]),
    run("lint (eslint .)", bin("eslint"), [".", "--cache", "--cache-location", CACHE("eslint/")]),
    run("format (prettier --check)", bin("prettier"), ["--check", "**/*.ts"]),
  ].map((p) =>
    p.then((r) => {
      process.stdout.write(
        `\n== ${r.label}: ${r.code === 0 ? "passed" : "FAILED"}\n${r.code === 0 ? "" : r.out}`,
      );
      return r;
    }),
  );
  const mocha = run("mocha", bin("mocha"), ["--parallel", "--jobs", jobs, ...testFiles()], { stream: true });
  const results = await Promise.all([...statics, mocha]);
  const counts = countsOf(results[results.length - 1].out);
  const staticFailures = results.slice(0, -1).filter((r) => r.code !== 0).length;
  let passed = counts ? counts.passed : 0;
  let failed = (counts ? counts.failed : 1) + staticFailures;
  let ok = results.every((r) => r.code === 0);

  const scripts = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts || {};
  const engines = unitOnly ? [] : ENGINES.filter((e) => scripts[`test:${e}`]);
  for (const engine of engines) {
    const started = Date.now();
    process.stdout.write(`\n== test:${engine} (real engine suite)\n`);
    const r = await run(`test:${engine}`, "npm", ["run", "--silent", `test:${engine}`], { stream: true });
    const c = countsOf(r.out);
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    if (!c) process.stdout.write(`test:${engine} printed no test counts (it stopped before its tests ran); counting it as 1 failed.\n`);
    process.stdout.write(`== test:${engine}: ${r.code === 0 ? "passed" : "FAILED"} in ${seconds} s\n`);
    passed += c ? c.passed : 0;
    failed += c ? c.failed : 1;
    ok = ok && r.code === 0;
  }
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  process.exitCode = failed === 0 && ok ? 0 : 1;
}

main();
