/**
 * The rendered dev, prod and example-app stacks, each rendered once per test run however many test files (and,
 * under `mocha --parallel`, however many worker processes) ask: `tools/plan.ts` runs in a child
 * process, exactly as `npm run plan -- <stack>` runs it (one Pulumi program per process), and
 * writes the graph and the policy gate's result.
 *
 * Within a process the promise is cached; across processes the run directory that
 * `test/helpers/fixtures.ts` creates for the whole run (`DATALAKE_TEST_RUN`) holds each result:
 * the first process to create `<stack>.lock` renders, the others wait for `<stack>.result.json`.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ExportedState, toJson } from "../../tools/offline/policyGate";

const ROOT = path.resolve(__dirname, "..", "..");
/** A render takes seconds; a result not there after this long means the renderer died. */
const WAIT_MS = 300_000;

export interface RenderedStack {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly state: ExportedState;
  readonly gate: ReturnType<typeof toJson>;
}

interface StoredResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const cache = new Map<string, Promise<RenderedStack>>();

function runDirectory(): string {
  const shared = process.env.DATALAKE_TEST_RUN;
  if (shared) return shared;
  // Without the run fixture (a file run on its own), this process renders for itself.
  process.env.DATALAKE_TEST_RUN = fs.mkdtempSync(path.join(os.tmpdir(), "datalake-render-"));
  return process.env.DATALAKE_TEST_RUN;
}

function runPlan(stack: string, dir: string): Promise<StoredResult> {
  const out = path.join(dir, `${stack}.json`);
  const gateFile = path.join(dir, `${stack}-gate.json`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["-r", "esbuild-register", "tools/plan.ts", stack, "--out", out, "--policy-json", gateFile],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function writeAtomically(file: string, text: string): void {
  fs.writeFileSync(`${file}.${process.pid}.tmp`, text);
  fs.renameSync(`${file}.${process.pid}.tmp`, file);
}

async function waitFor(file: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`no render result at ${file} after ${WAIT_MS} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function render(stack: string): Promise<RenderedStack> {
  const dir = runDirectory();
  const resultFile = path.join(dir, `${stack}.result.json`);
  let owner = false;
  try {
    fs.mkdirSync(path.join(dir, `${stack}.lock`));
    owner = true;
  } catch {
    // Another process of this run renders it.
  }
  if (owner) writeAtomically(resultFile, JSON.stringify(await runPlan(stack, dir)));
  else await waitFor(resultFile);
  const result = JSON.parse(fs.readFileSync(resultFile, "utf8")) as StoredResult;
  try {
    return {
      ...result,
      state: JSON.parse(fs.readFileSync(path.join(dir, `${stack}.json`), "utf8")),
      gate: JSON.parse(fs.readFileSync(path.join(dir, `${stack}-gate.json`), "utf8")),
    };
  } catch (e) {
    throw new Error(`plan ${stack} failed (exit ${result.code}): ${result.stderr}\n${(e as Error).message}`);
  }
}

/** The stack rendered by `npm run plan` (started on first request, shared afterwards). */
export function renderedStack(stack: "dev" | "prod" | "example-app"): Promise<RenderedStack> {
  let p = cache.get(stack);
  if (!p) {
    p = render(stack);
    cache.set(stack, p);
  }
  return p;
}
