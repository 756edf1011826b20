/**
 * The Python environment of the job's local run: Java for Spark, Python 3.11 (Glue 5.0's), and a
 * virtual environment `.venv-spark/` built from components/etl/jobs/requirements-local.txt. Rebuilt
 * only when the requirements change (a stamp holds their hash). Every missing piece is reported as
 * one sentence that says what to install; nothing is skipped.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "../..");
export const VENV_DIR = path.join(ROOT, ".venv-spark");
export const REQUIREMENTS = path.join(ROOT, "components/etl/jobs/requirements-local.txt");
/** Glue 5.0 runs Python 3.11 (https://docs.aws.amazon.com/glue/latest/dg/release-notes.html). */
export const PYTHON_VERSION = "3.11";
/** Spark 3.5 runs on Java 8, 11 and 17 (https://spark.apache.org/docs/3.5.4/); Glue 5.0 uses 17. */
export const JAVA_MAJOR = 17;

export class SetupError extends Error {}

/** The major version in `java -version` output (`openjdk version "17.0.15"`, `"1.8.0_392"`). */
export function javaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) return undefined;
  return m[1] === "1" ? Number(m[2]) : Number(m[1]);
}

function run(cmd: string, args: string[], timeoutMs = 60_000) {
  return spawnSync(cmd, args, { encoding: "utf8", timeout: timeoutMs });
}

export function checkJava(): void {
  const r = run("java", ["-version"]);
  const major = r.error ? undefined : javaMajor(`${r.stdout}${r.stderr}`);
  if (major === undefined) {
    throw new SetupError(
      "Java is not installed: install a Java 17 runtime (e.g. apt-get install openjdk-17-jre-headless) so PySpark can start.",
    );
  }
  if (major !== JAVA_MAJOR) {
    throw new SetupError(
      `java is version ${major}: install Java ${JAVA_MAJOR} (Glue 5.0's) and put it first on PATH (or set JAVA_HOME).`,
    );
  }
}

/** The first `python3.11` / `python3` on PATH that reports Python 3.11. */
export function findPython(): string {
  for (const candidate of [`python${PYTHON_VERSION}`, "python3"]) {
    const r = run(candidate, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"]);
    if (!r.error && r.status === 0 && r.stdout.trim() === PYTHON_VERSION) return candidate;
  }
  throw new SetupError(
    `Python ${PYTHON_VERSION} is not installed: install python${PYTHON_VERSION} with its venv module (Glue 5.0 runs Python ${PYTHON_VERSION}).`,
  );
}

function requirementsHash(): string {
  return createHash("sha256").update(fs.readFileSync(REQUIREMENTS)).digest("hex");
}

/** The venv's python, creating or updating the venv first when needed. */
export function ensureSparkVenv(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string {
  checkJava();
  const python = path.join(VENV_DIR, "bin", "python");
  const stamp = path.join(VENV_DIR, ".requirements.sha256");
  const hash = requirementsHash();
  if (fs.existsSync(python) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === hash) return python;
  const base = findPython();
  log(`spark: creating ${path.relative(ROOT, VENV_DIR)}/ from ${path.relative(ROOT, REQUIREMENTS)} ...`);
  fs.rmSync(VENV_DIR, { recursive: true, force: true });
  const venv = run(base, ["-m", "venv", VENV_DIR]);
  if (venv.status !== 0) {
    throw new SetupError(
      `${base} -m venv failed (${lastLine(venv.stderr)}): install the venv module (e.g. apt-get install python${PYTHON_VERSION}-venv).`,
    );
  }
  const pip = run(python, ["-m", "pip", "install", "--quiet", "-r", REQUIREMENTS], 900_000);
  if (pip.status !== 0) {
    throw new SetupError(
      `pip could not install ${path.relative(ROOT, REQUIREMENTS)} (${lastLine(pip.stderr || pip.stdout)}): the first install needs network access to the Python package index (PyPI).`,
    );
  }
  fs.writeFileSync(stamp, hash);
  return python;
}

function lastLine(text: string | null): string {
  const lines = (text ?? "").trim().split("\n");
  return lines[lines.length - 1] || "no output";
}
