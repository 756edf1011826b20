/**
 * A pinned Trino server for the engine tests (`npm run test:trino`), installed once into
 * `${XDG_CACHE_HOME:-~/.cache}/datalake/trino-<version>/` from Maven Central: the core server
 * tarball plus the Hive connector plugin unzipped into its `plugin/` folder (the full server
 * tarball, with every connector, is four times larger). Idempotent and safe when two runs race:
 * each download and each extraction goes to a private temporary name first and is renamed into
 * place; checksums come from Maven Central beside each artifact. Every missing prerequisite is one
 * sentence naming what to install.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Readable } from "stream";
import { pipeline } from "stream/promises";
import { SetupError, javaMajor } from "../etl/venv";

/**
 * The Trino release Athena engine version 3 is compared with: the newest whose artifacts Maven
 * Central serves for the core server and the Hive plugin.
 */
export const TRINO_VERSION = "476";
/** Trino 476 runs on Java 22 or newer (https://trino.io/docs/476/installation/deployment.html). */
export const TRINO_JAVA_MAJOR = 22;

const MAVEN_CENTRAL = "https://repo.maven.apache.org/maven2";

/** A Maven artifact: `group:artifact:version[:classifier]:extension`. */
interface Artifact {
  readonly group: string;
  readonly artifact: string;
  readonly extension: string;
}

/** The core server (no connectors) and the Hive connector, the one plugin the tests use. */
export const TRINO_ARTIFACTS: readonly Artifact[] = [
  { group: "io.trino", artifact: "trino-server-core", extension: "tar.gz" },
  { group: "io.trino", artifact: "trino-hive", extension: "zip" },
];

function artifactUrl(a: Artifact): string {
  const file = `${a.artifact}-${TRINO_VERSION}.${a.extension}`;
  return `${MAVEN_CENTRAL}/${a.group.replace(/\./g, "/")}/${a.artifact}/${TRINO_VERSION}/${file}`;
}

/** `${XDG_CACHE_HOME:-$HOME/.cache}/datalake/<name>`: the engines' cache, outside the clone. */
export function engineCacheDir(name: string): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "datalake", name);
}

export const TRINO_CACHE = engineCacheDir(`trino-${TRINO_VERSION}`);
/** The installed server (bin/, lib/, plugin/hive/), complete once `.installed` exists in it. */
export const TRINO_HOME = path.join(TRINO_CACHE, "server");
const INSTALLED_STAMP = ".installed";

/** Where a Java of the right major version is looked for, in order. */
function javaHomeCandidates(): string[] {
  const homes: string[] = [];
  for (const v of [process.env.TRINO_JAVA_HOME, process.env.JAVA_HOME]) if (v) homes.push(v);
  for (const dir of ["/usr/lib/jvm", "/opt", "/opt/java", "/usr/local/lib/jvm"]) {
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(dir).sort().reverse();
    } catch {
      continue;
    }
    for (const e of entries) homes.push(path.join(dir, e));
  }
  return homes;
}

/** The home of a Java 22+ runtime: $TRINO_JAVA_HOME, $JAVA_HOME, /usr/lib/jvm/*, /opt/*, or `java` on PATH. */
export function findTrinoJava(): string {
  const seen = new Set<string>();
  for (const home of javaHomeCandidates()) {
    const java = path.join(home, "bin", "java");
    if (seen.has(java) || !fs.existsSync(java)) continue;
    seen.add(java);
    const r = spawnSync(java, ["-version"], { encoding: "utf8", timeout: 60_000 });
    const major = r.error ? undefined : javaMajor(`${r.stdout}${r.stderr}`);
    if (major !== undefined && major >= TRINO_JAVA_MAJOR) return home;
  }
  const r = spawnSync("java", ["-XshowSettings:properties", "-version"], {
    encoding: "utf8",
    timeout: 60_000,
  });
  const out = `${r.stdout}${r.stderr}`;
  const major = r.error ? undefined : javaMajor(out);
  const home = /java\.home = (.+)/.exec(out)?.[1]?.trim();
  if (major !== undefined && major >= TRINO_JAVA_MAJOR && home) return home;
  throw new SetupError(
    `Trino ${TRINO_VERSION} needs Java ${TRINO_JAVA_MAJOR} or newer and none was found (looked at $TRINO_JAVA_HOME, $JAVA_HOME, /usr/lib/jvm, /opt and java on PATH): install one (e.g. a Temurin 25 JDK under /usr/lib/jvm) or set TRINO_JAVA_HOME to it; Spark keeps its Java 17 on PATH.`,
  );
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok)
    throw new SetupError(`Maven Central answered ${res.status} for ${url}: check the Trino version.`);
  return (await res.text()).trim().split(/\s+/)[0];
}

/** Downloads one artifact into the cache (checked against Maven Central's SHA-1); returns its path. */
async function download(a: Artifact, log: (line: string) => void): Promise<string> {
  const dir = path.join(TRINO_CACHE, "downloads");
  fs.mkdirSync(dir, { recursive: true });
  const url = artifactUrl(a);
  const file = path.join(dir, path.basename(url));
  let expected: string;
  try {
    expected = await fetchText(`${url}.sha1`);
  } catch (err) {
    if (err instanceof SetupError) throw err;
    if (fs.existsSync(file)) return file; // offline, but downloaded and checked before
    throw new SetupError(
      `could not reach Maven Central (${(err as Error).message}): the first Trino install needs network access to ${MAVEN_CENTRAL}.`,
    );
  }
  if (fs.existsSync(file) && (await sha1(file)) === expected) return file;
  log(`trino: downloading ${url} ...`);
  const part = `${file}.${process.pid}.part`;
  try {
    const res = await fetch(url);
    if (!res.ok || !res.body) throw new SetupError(`Maven Central answered ${res.status} for ${url}.`);
    await pipeline(
      Readable.fromWeb(res.body as import("stream/web").ReadableStream),
      fs.createWriteStream(part),
    );
    const got = await sha1(part);
    if (got !== expected) {
      throw new SetupError(
        `${path.basename(url)} from Maven Central has SHA-1 ${got}, expected ${expected}: run again.`,
      );
    }
    fs.renameSync(part, file);
  } catch (err) {
    fs.rmSync(part, { force: true });
    if (err instanceof SetupError) throw err;
    throw new SetupError(
      `downloading ${url} failed (${(err as Error).message}): the first Trino install needs network access to Maven Central.`,
    );
  }
  return file;
}

async function sha1(file: string): Promise<string> {
  const hash = createHash("sha1");
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest("hex");
}

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 600_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") {
    throw new SetupError(
      `${cmd} is not installed: install it (e.g. apt-get install ${cmd}) to unpack Trino.`,
    );
  }
  if (r.status !== 0) {
    throw new SetupError(
      `${cmd} ${args.join(" ")} failed: ${(r.stderr || r.stdout).trim().split("\n").pop()}`,
    );
  }
}

/**
 * The installed server's folder, installing it first when needed. Logs one line per download;
 * a warm cache costs one checksum request per artifact only when the install is missing.
 */
export async function ensureTrino(
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<string> {
  if (fs.existsSync(path.join(TRINO_HOME, INSTALLED_STAMP))) return TRINO_HOME;
  const [core, hive] = await Promise.all(TRINO_ARTIFACTS.map((a) => download(a, log)));
  const tmp = fs.mkdtempSync(path.join(TRINO_CACHE, `install.${process.pid}.`));
  try {
    run("tar", ["xzf", core], tmp);
    const server = path.join(tmp, `trino-server-core-${TRINO_VERSION}`);
    run("unzip", ["-q", hive, "-d", tmp], tmp);
    fs.renameSync(path.join(tmp, `trino-hive-${TRINO_VERSION}`), path.join(server, "plugin", "hive"));
    fs.writeFileSync(path.join(server, INSTALLED_STAMP), `${TRINO_ARTIFACTS.map(artifactUrl).join("\n")}\n`);
    try {
      fs.renameSync(server, TRINO_HOME);
    } catch (err) {
      // Another run installed it first: theirs is complete (the stamp is written before the rename).
      if (!fs.existsSync(path.join(TRINO_HOME, INSTALLED_STAMP))) throw err;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return TRINO_HOME;
}
