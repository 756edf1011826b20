/**
 * The log generator: the hands-on's lost custom AMI, rebuilt as a small Node.js program.
 *
 *   --lines N      print the first N lines of the cadence to stdout and exit (local use)
 *   --file PATH    append lines to PATH on the cadence, forever (the systemd service on the instance)
 *
 * Cadence flags (defaults are the hands-on's): --lines-per-interval 10 --interval-seconds 120
 * --burst-lines 300 --burst-interval-seconds 600. Also --seed S (deterministic output) and
 * --max-bytes B (rotate PATH to PATH.1 past B bytes; default 50 MiB).
 *
 * It has no dependency beyond Node's standard library, so the program bundles it into the
 * instance's user data as one file.
 */
import * as fs from "fs";
import {
  Cadence,
  HANDS_ON_CADENCE,
  createRandom,
  eventsForTick,
  formatLine,
  simulateLines,
  ticksBetween,
  validateCadence,
} from "./lines";

export interface GeneratorOptions {
  readonly mode: { kind: "print"; lines: number } | { kind: "file"; path: string; maxBytes: number };
  readonly cadence: Cadence;
  readonly seed: number;
}

export const USAGE =
  "usage: generate (--lines N | --file PATH [--max-bytes B]) [--seed S] [--lines-per-interval N] " +
  "[--interval-seconds N] [--burst-lines N] [--burst-interval-seconds N]";

const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/** Parses the command line; throws with a message naming the bad flag. */
export function parseArgs(argv: readonly string[], defaultSeed = Date.now()): GeneratorOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!flag.startsWith("--")) {
      throw new Error(`unexpected argument "${flag}". ${USAGE}`);
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) {
      throw new Error(`${flag} needs a value. ${USAGE}`);
    }
    values.set(flag.slice(2), value);
    i++;
  }
  const known = [
    "lines",
    "file",
    "max-bytes",
    "seed",
    "lines-per-interval",
    "interval-seconds",
    "burst-lines",
    "burst-interval-seconds",
  ];
  for (const key of values.keys()) {
    if (!known.includes(key)) {
      throw new Error(`unknown flag --${key}. ${USAGE}`);
    }
  }
  const integer = (key: string, fallback: number, min: number): number => {
    const raw = values.get(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) {
      throw new Error(`--${key} is "${raw}"; it must be an integer of at least ${min}.`);
    }
    return n;
  };
  const cadence: Cadence = {
    linesPerInterval: integer("lines-per-interval", HANDS_ON_CADENCE.linesPerInterval, 0),
    intervalSeconds: integer("interval-seconds", HANDS_ON_CADENCE.intervalSeconds, 1),
    burstLines: integer("burst-lines", HANDS_ON_CADENCE.burstLines, 0),
    burstIntervalSeconds: integer("burst-interval-seconds", HANDS_ON_CADENCE.burstIntervalSeconds, 0),
  };
  validateCadence(cadence);
  const seed = integer("seed", defaultSeed, 0);
  if (values.has("lines") === values.has("file")) {
    throw new Error(`give exactly one of --lines and --file. ${USAGE}`);
  }
  const mode: GeneratorOptions["mode"] = values.has("lines")
    ? { kind: "print", lines: integer("lines", 0, 0) }
    : {
        kind: "file",
        path: values.get("file") as string,
        maxBytes: integer("max-bytes", DEFAULT_MAX_BYTES, 1024),
      };
  return { mode, cadence, seed };
}

/** Appends lines to `path`, rotating it to `path.1` first when it has grown past `maxBytes`. */
export function appendLines(path: string, lines: readonly string[], maxBytes: number): void {
  if (lines.length === 0) return;
  try {
    if (fs.statSync(path).size >= maxBytes) {
      fs.renameSync(path, `${path}.1`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.appendFileSync(path, lines.join("\n") + "\n", { mode: 0o644 });
}

/** Follows the cadence forever, checking once a second; returns a function that stops it. */
export function runDaemon(
  path: string,
  maxBytes: number,
  cadence: Cadence,
  random: () => number,
): () => void {
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const lines = ticksBetween(last, now, cadence).flatMap((tick) =>
      eventsForTick(tick, random).map(formatLine),
    );
    appendLines(path, lines, maxBytes);
    last = now;
  }, 1000);
  return () => clearInterval(timer);
}

function main(): void {
  let options: GeneratorOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const random = createRandom(options.seed);
  if (options.mode.kind === "print") {
    const lines = simulateLines(options.mode.lines, Date.now(), options.cadence, random);
    process.stdout.write(lines.length ? lines.join("\n") + "\n" : "");
    return;
  }
  const stop = runDaemon(options.mode.path, options.mode.maxBytes, options.cadence, random);
  const shutdown = () => {
    stop();
    process.exit(0);
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

if (require.main === module) {
  main();
}
