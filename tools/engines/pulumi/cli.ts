/**
 * The pinned Pulumi CLI (version: go.mod next to this file), built from source by build.sh into
 * `${XDG_CACHE_HOME:-~/.cache}/datalake/pulumi-<version>/bin/pulumi`, and run without network:
 * no update check, no plugin downloads, no registry look-ups, a local `file://` backend and a
 * PULUMI_HOME of its own in a temporary directory.
 *
 * Used by `npm run policy -- --engine pulumi` (the engine's verdict on a stack export) and by the
 * real-engine suite (`npm run test:pulumi`).
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const ENGINE_DIR = __dirname;
const GO_MOD = path.join(ENGINE_DIR, "go.mod");
const BUILD_SCRIPT = path.join(ENGINE_DIR, "build.sh");
/** The executable launcher that starts policies/ as an analyzer plugin (see the script). */
export const POLICY_PACK_LAUNCHER = path.resolve(
  ENGINE_DIR,
  "..",
  "..",
  "..",
  "policies",
  "bin",
  "run-policy-pack",
);

/** The CLI version go.mod pins (`v3.x.y`): the one place it is written. */
export function pinnedVersion(goMod = GO_MOD): string {
  const m = /^\s*github\.com\/pulumi\/pulumi\/pkg\/v3\s+(v\S+)/m.exec(fs.readFileSync(goMod, "utf8"));
  if (!m) throw new Error(`${goMod} has no github.com/pulumi/pulumi/pkg/v3 requirement.`);
  return m[1];
}

/** Where build.sh puts the binary. */
export function cachedBinary(
  version = pinnedVersion(),
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const cache = env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(cache, "datalake", `pulumi-${version.replace(/^v/, "")}`, "bin", "pulumi");
}

/** The Go toolchain's version (`go1.26.8`), or undefined when `go` is not on the PATH. */
export function goVersion(): string | undefined {
  const r = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The CLI cannot be had here: Go is missing, or the build failed. */
export class PulumiCliUnavailable extends Error {
  override name = "PulumiCliUnavailable";
}

/**
 * The path of the pinned CLI, building it first when the cache does not hold it (build.sh: about
 * 10-30 minutes of compilation on 2 cores the first time, a version check afterwards). Build
 * progress goes to this process's stderr.
 */
export function ensurePulumiCli(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [BUILD_SCRIPT], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", (err) =>
      reject(new PulumiCliUnavailable(`cannot run ${BUILD_SCRIPT}: ${err.message}`)),
    );
    child.on("close", (code) => {
      const bin = out.trim().split("\n").pop() ?? "";
      if (code === 0 && bin && fs.existsSync(bin)) resolve(bin);
      else if (code === 3)
        reject(
          new PulumiCliUnavailable(
            `Go is not installed, so the Pulumi CLI ${pinnedVersion()} cannot be built; install Go (https://go.dev/dl/, at least the version in ${path.relative(process.cwd(), GO_MOD)}).`,
          ),
        );
      else
        reject(
          new PulumiCliUnavailable(
            `building the Pulumi CLI failed (build.sh exited ${code}); see its output above.`,
          ),
        );
    });
  });
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * One isolated CLI workspace: PULUMI_HOME and a `file://` backend in a temporary directory, the
 * update check, plugin downloads and registry look-ups off. `dispose()` removes the directory.
 */
export class PulumiWorkspace {
  readonly dir: string;
  readonly backend: string;

  constructor(
    readonly bin: string,
    /** Extra environment for every command (e.g. PULUMI_CONFIG_PASSPHRASE). */
    private readonly extraEnv: Readonly<Record<string, string | undefined>> = {},
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "datalake-pulumi-"));
    this.backend = path.join(this.dir, "backend");
    fs.mkdirSync(this.backend);
    fs.mkdirSync(path.join(this.dir, "home"));
  }

  /** The environment the CLI runs with: the caller's, minus anything that points at a service. */
  env(extra: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env))
      if (/^PULUMI_(ACCESS_TOKEN|BACKEND_URL|API|HOME)$/.test(k)) delete env[k];
    Object.assign(env, {
      PULUMI_HOME: path.join(this.dir, "home"),
      PULUMI_BACKEND_URL: `file://${this.backend}`,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      NO_COLOR: "1",
    });
    for (const [k, v] of Object.entries({ ...this.extraEnv, ...extra })) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    return env;
  }

  run(
    args: readonly string[],
    options: { cwd?: string; env?: Readonly<Record<string, string | undefined>>; timeoutMs?: number } = {},
  ): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.bin, ["--non-interactive", "--color", "never", ...args], {
        cwd: options.cwd ?? this.dir,
        env: this.env(options.env),
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      // The analyzer plugin is the CLI's child: a timeout ends the whole process group.
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // Already gone.
        }
      }, options.timeoutMs ?? 300_000);
      child.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        resolve({
          code: code ?? (signal ? 128 : 1),
          stdout,
          stderr: signal ? `${stderr}\nkilled by ${signal}` : stderr,
        });
      });
    });
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A violation as the engine reports it (`pulumi policy analyze --json`, a policyEvent). */
export interface EngineViolation {
  readonly policy: string;
  readonly level: "mandatory" | "advisory";
  readonly urn: string;
  readonly message: string;
}

export interface EngineVerdict {
  readonly violations: EngineViolation[];
  readonly passed: boolean;
  /** What the CLI wrote on stderr (warnings such as secrets it could not decrypt). */
  readonly stderr: string;
  readonly exitCode: number;
}

/**
 * `pulumi policy analyze --file <state> --policy-pack <launcher> [--policy-pack-config <config>]
 * --json`: the engine's verdict on a stack export. The CLI exits 1 both for mandatory violations
 * and for errors; an exit 1 without the violations' sentence, or any other code, is an error here.
 */
export async function analyzeWithEngine(
  ws: PulumiWorkspace,
  stateFile: string,
  configFile?: string,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<EngineVerdict> {
  const args = [
    "policy",
    "analyze",
    "--file",
    path.resolve(stateFile),
    "--policy-pack",
    POLICY_PACK_LAUNCHER,
  ];
  if (configFile) args.push("--policy-pack-config", path.resolve(configFile));
  args.push("--json");
  const r = await ws.run(args, { env });
  const violations: EngineViolation[] = [];
  for (const line of r.stdout.split("\n")) {
    if (!line.trim().startsWith("{")) continue;
    const event = JSON.parse(line) as {
      policyEvent?: { policyName: string; resourceUrn: string; message: string; enforcementLevel: string };
    };
    const p = event.policyEvent;
    if (!p) continue;
    violations.push({
      policy: p.policyName,
      level: p.enforcementLevel === "advisory" ? "advisory" : "mandatory",
      urn: p.resourceUrn,
      message: p.message,
    });
  }
  const failed = r.code === 1 && /mandatory policy violations were found/.test(r.stderr);
  if (r.code !== 0 && !failed)
    throw new Error(`pulumi policy analyze failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return { violations, passed: r.code === 0, stderr: r.stderr, exitCode: r.code };
}
