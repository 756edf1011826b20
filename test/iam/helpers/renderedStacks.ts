/**
 * The rendered dev and prod stacks, each rendered once per test run however many test files ask:
 * `tools/plan.ts` runs in a child process (one Pulumi program per process) and writes the graph and
 * the policy gate's result; the promise is cached at module level, which mocha shares across files.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ExportedState, toJson } from "../../../tools/offline/policyGate";

const ROOT = path.resolve(__dirname, "..", "..", "..");

export interface RenderedStack {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly state: ExportedState;
  readonly gate: ReturnType<typeof toJson>;
}

const cache = new Map<string, Promise<RenderedStack>>();
let dir: string | undefined;

function plan(stack: string): Promise<RenderedStack> {
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), "datalake-render-"));
  const out = path.join(dir, `${stack}.json`);
  const gateFile = path.join(dir, `${stack}-gate.json`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-r", "esbuild-register", "tools/plan.ts", stack, "--out", out, "--policy-json", gateFile],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        try {
          resolve({
            code,
            stdout,
            stderr,
            state: JSON.parse(fs.readFileSync(out, "utf8")),
            gate: JSON.parse(fs.readFileSync(gateFile, "utf8")),
          });
        } catch (e) {
          reject(new Error(`plan ${stack} failed (exit ${code}): ${stderr}\n${(e as Error).message}`));
        }
      },
    );
  });
}

/** The stack rendered by `npm run plan` (started on first request, shared afterwards). */
export function renderedStack(stack: "dev" | "prod"): Promise<RenderedStack> {
  let p = cache.get(stack);
  if (!p) {
    p = plan(stack);
    cache.set(stack, p);
  }
  return p;
}
