/**
 * A real OpenSearch node on loopback for the engine tests (`npm run test:opensearch`) and the
 * benchmarks (`npm run bench:opensearch`): the server jar and the HTTP transport, common analysis
 * and Painless modules from Maven Central, started by the small launcher in
 * tools/engines/opensearch/ (no Docker, no distribution download, no security plugin).
 *
 * Installed on first use into `${XDG_CACHE_HOME:-~/.cache}/datalake/opensearch-<version>/<hash>/`
 * (the hash is the pom's and the launcher's, so a change rebuilds): Maven resolves the classpath
 * into a temporary directory, javac compiles the launcher, and the directory is renamed into place,
 * so two runs that race both end with one complete install. A missing Java or Maven is reported as
 * one sentence that says what to install.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const OPENSEARCH_VERSION = "2.19.6";
const ROOT = path.resolve(__dirname, "../..");
const LAUNCHER_DIR = path.join(ROOT, "tools/engines/opensearch");
const POM = path.join(LAUNCHER_DIR, "pom.xml");
const LAUNCHER = path.join(LAUNCHER_DIR, "LocalOpenSearch.java");
/** The node needs Java 11 or later (OpenSearch 2.x); the launcher is built for what is installed. */
const JAVA_MIN = 11;

export class SetupError extends Error {}

function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "datalake", `opensearch-${OPENSEARCH_VERSION}`);
}

function run(cmd: string, args: string[], timeoutMs = 60_000) {
  return spawnSync(cmd, args, { encoding: "utf8", timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
}

function lastLines(text: string | null | undefined, n = 3): string {
  return (text ?? "").trim().split("\n").slice(-n).join(" | ");
}

/** Throws a one-sentence SetupError when Java (11+) or Maven is missing. */
export function checkPrerequisites(): void {
  const java = run("java", ["-version"]);
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${java.stdout ?? ""}${java.stderr ?? ""}`);
  const major = m ? (m[1] === "1" ? Number(m[2]) : Number(m[1])) : undefined;
  if (java.error || major === undefined) {
    throw new SetupError(
      "Java is not installed: install a JDK 17 (e.g. apt-get install openjdk-17-jdk-headless) to run the OpenSearch tests.",
    );
  }
  if (major < JAVA_MIN) {
    throw new SetupError(
      `java is version ${major}: OpenSearch ${OPENSEARCH_VERSION} needs Java 11 or later (17 recommended).`,
    );
  }
  const javac = run("javac", ["-version"]);
  if (javac.error || javac.status !== 0) {
    throw new SetupError(
      "javac is not installed: install a JDK, not only a JRE (e.g. apt-get install openjdk-17-jdk-headless).",
    );
  }
  const mvn = run("mvn", ["-v"]);
  if (mvn.error || mvn.status !== 0) {
    throw new SetupError(
      "Maven is not installed: install it (e.g. apt-get install maven) to fetch OpenSearch from Maven Central.",
    );
  }
}

export interface Install {
  /** The install directory: `lib/` (jars) and `classes/` (the launcher). */
  readonly dir: string;
  /** Whether this call built it (false: it was cached). */
  readonly built: boolean;
  /** Milliseconds the build took (0 when cached). */
  readonly buildMs: number;
}

/** The installed node, building it first when the cache lacks it. */
export function ensureOpenSearch(
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Install {
  checkPrerequisites();
  const hash = createHash("sha256")
    .update(fs.readFileSync(POM))
    .update(fs.readFileSync(LAUNCHER))
    .digest("hex");
  const dir = path.join(cacheRoot(), hash.slice(0, 12));
  if (fs.existsSync(path.join(dir, "READY"))) return { dir, built: false, buildMs: 0 };
  const started = Date.now();
  log(`opensearch: installing OpenSearch ${OPENSEARCH_VERSION} (Maven Central) into ${dir} ...`);
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(cacheRoot(), ".tmp-"));
  try {
    const mvn = run(
      "mvn",
      [
        "-B",
        "-q",
        "-f",
        POM,
        `-Dmaven.repo.local=${path.join(tmp, "m2")}`,
        "dependency:copy-dependencies",
        `-DoutputDirectory=${path.join(tmp, "lib")}`,
        "-DincludeScope=runtime",
      ],
      1_800_000,
    );
    if (mvn.status !== 0) {
      throw new SetupError(
        `Maven could not fetch OpenSearch ${OPENSEARCH_VERSION} from Maven Central (${lastLines(mvn.stdout + mvn.stderr) || mvn.error?.message}): check the network access to repo.maven.apache.org.`,
      );
    }
    const javac = run(
      "javac",
      ["-d", path.join(tmp, "classes"), "-cp", path.join(tmp, "lib", "*"), LAUNCHER],
      300_000,
    );
    if (javac.status !== 0) {
      throw new SetupError(
        `javac could not compile ${path.relative(ROOT, LAUNCHER)}: ${lastLines(javac.stderr)}`,
      );
    }
    fs.rmSync(path.join(tmp, "m2"), { recursive: true, force: true });
    fs.writeFileSync(path.join(tmp, "READY"), `${OPENSEARCH_VERSION} ${hash}\n`);
    try {
      fs.renameSync(tmp, dir);
    } catch (err) {
      // Another run finished first: its install is as good as this one.
      if (!fs.existsSync(path.join(dir, "READY"))) throw err;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { dir, built: true, buildMs: Date.now() - started };
}

export interface LocalNode {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly pid: number;
  /** Milliseconds from spawning the JVM to READY. */
  readonly startMs: number;
  /** The node's data directory (a temporary directory, removed by stop). */
  readonly home: string;
  /** Stops the node (SIGTERM to its process group, SIGKILL after 20 s) and removes its data. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** JVM heap (-Xms and -Xmx) in MiB. @default 512 */
  readonly heapMiB?: number;
  /** How long to wait for READY. @default 300000 — a busy 2-core machine took up to ~60 s */
  readonly timeoutMs?: number;
}

/** Starts a node with its data in a new temporary directory; resolves once it answers HTTP. */
export async function startOpenSearch(install: Install, options: StartOptions = {}): Promise<LocalNode> {
  const heap = options.heapMiB ?? 512;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "datalake-opensearch-"));
  const started = Date.now();
  const child = spawn(
    "java",
    [
      `-Xms${heap}m`,
      `-Xmx${heap}m`,
      "-XX:+UseG1GC",
      "-Djava.awt.headless=true",
      "-Dfile.encoding=UTF-8",
      "-cp",
      `${path.join(install.dir, "classes")}${path.delimiter}${path.join(install.dir, "lib", "*")}`,
      "LocalOpenSearch",
      home,
    ],
    // Its own process group, so stop() reaches every thread's process; stdin stays open: the
    // launcher exits when it closes (this process is gone).
    { detached: true, stdio: ["pipe", "pipe", "pipe"] },
  );
  const stop = stopper(child, home);
  try {
    const port = await waitReady(child, options.timeoutMs ?? 300_000);
    const url = `http://127.0.0.1:${port}`;
    const health = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=60s`);
    if (!health.ok) throw new Error(`the node started but its cluster health is HTTP ${health.status}`);
    return { url, pid: child.pid!, startMs: Date.now() - started, home, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function waitReady(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(
      () =>
        reject(new Error(`OpenSearch did not start within ${timeoutMs / 1000} s: ${lastLines(err || out)}`)),
      timeoutMs,
    );
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    // The node logs warnings on stderr; the last lines explain a failed start.
    child.stderr!.on("data", (chunk: Buffer) => {
      err = (err + chunk.toString()).slice(-20_000);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `OpenSearch exited during start (${signal ?? `code ${code}`}): ${lastLines(err || out, 5)}`,
        ),
      );
    });
  });
}

function stopper(child: ChildProcess, home: string): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(kill);
        fs.rmSync(home, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) {
        fs.rmSync(home, { recursive: true, force: true });
        resolve();
        return;
      }
      child.once("exit", done);
      const signal = (s: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, s);
        } catch {
          // Already gone.
        }
      };
      const kill = setTimeout(() => signal("SIGKILL"), 20_000);
      signal("SIGTERM");
    });
    return stopping;
  };
}

let setup: { install?: Install; error?: string } | undefined;

/**
 * The install, done once per process when a suite file is loaded: `error` is the one sentence to
 * report (as a failing test) when Java, javac or Maven is missing or Maven Central is unreachable.
 */
export function openSearchSetup(): { install?: Install; error?: string } {
  if (setup === undefined) {
    try {
      setup = { install: ensureOpenSearch() };
    } catch (err) {
      if (!(err instanceof SetupError)) throw err;
      setup = { error: err.message };
    }
  }
  return setup;
}

let shared: Promise<LocalNode> | undefined;

/** One node for every engine suite of the process, started on first use. */
export function sharedOpenSearch(install: Install): Promise<LocalNode> {
  shared ??= startOpenSearch(install);
  return shared;
}

/** Stops the shared node, if one was started (each suite file's root `after` hook calls it). */
export async function stopSharedOpenSearch(): Promise<void> {
  const node = await shared?.catch(() => undefined);
  await node?.stop();
}
