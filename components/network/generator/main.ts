/**
 * The log generator: the hands-on's lost custom AMI, rebuilt as a small Node.js program.
 *
 *   --lines N      print the first N lines of the cadence to stdout and exit (local use)
 *   --file PATH    append lines to PATH on the cadence, forever (the systemd service on the instance)
 *
 * Cadence flags (defaults are the hands-on's): --lines-per-interval 10 --interval-seconds 120
 * --burst-lines 300 --burst-interval-seconds 600. Also --seed S (deterministic output) and
 * --max-bytes B (rotate PATH to PATH.1 past B bytes; default 50 MiB). `--help` lists them; the
 * command line follows tools/cli.ts (exit 0 ok, 2 usage error).
 *
 * It has no dependency beyond Node's standard library (tools/cli.ts included), so the program
 * bundles it into the instance's user data as one file.
 */
import * as fs from "fs";
import {
  CommandSpec,
  EXIT_OK,
  UsageError,
  parseCommandLine,
  runCommand,
  usageLine,
} from "../../../tools/cli";
import {
  Cadence,
  HANDS_ON_CADENCE,
  createRandom,
  eventsForTick,
  formatLine,
  generateLines,
  ticksBetween,
  validateCadence,
} from "./lines";

export interface GeneratorOptions {
  readonly mode: { kind: "print"; lines: number } | { kind: "file"; path: string; maxBytes: number };
  readonly cadence: Cadence;
  readonly seed: number;
}

export const GENERATE_COMMAND: CommandSpec = {
  command: "npm run -s generate --",
  summary:
    "Writes log lines in the hands-on's format: --lines N prints the first N lines of the cadence and exits; " +
    "--file PATH appends to PATH on the cadence, forever (the systemd service on the instance).",
  options: {
    lines: { type: "string", value: "N", description: "print the first N lines to stdout and exit" },
    file: { type: "string", value: "PATH", description: "append lines to PATH on the cadence, forever" },
    "max-bytes": {
      type: "string",
      value: "B",
      description: "rotate PATH to PATH.1 past B bytes (default 50 MiB)",
    },
    seed: { type: "string", value: "S", description: "seed of the random events (repeatable output)" },
    "lines-per-interval": {
      type: "string",
      value: "N",
      description: "lines at each regular tick (default 10)",
    },
    "interval-seconds": {
      type: "string",
      value: "N",
      description: "seconds between regular ticks (default 120)",
    },
    "burst-lines": { type: "string", value: "N", description: "ERROR lines of each burst (default 300)" },
    "burst-interval-seconds": {
      type: "string",
      value: "N",
      description: "seconds between bursts, 0 for none (default 600)",
    },
  },
};

const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/** Parses the command line; throws a `UsageError` naming the bad flag. */
export function parseArgs(argv: readonly string[], defaultSeed = Date.now()): GeneratorOptions {
  const values = parseCommandLine(GENERATE_COMMAND, argv).values as Record<string, string | undefined>;
  const integer = (key: string, fallback: number, min: number): number => {
    const raw = values[key];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min || raw.trim() === "") {
      throw new UsageError(`--${key} is "${raw}"; it must be an integer of at least ${min}.`);
    }
    return n;
  };
  const cadence: Cadence = {
    linesPerInterval: integer("lines-per-interval", HANDS_ON_CADENCE.linesPerInterval, 0),
    intervalSeconds: integer("interval-seconds", HANDS_ON_CADENCE.intervalSeconds, 1),
    burstLines: integer("burst-lines", HANDS_ON_CADENCE.burstLines, 0),
    burstIntervalSeconds: integer("burst-interval-seconds", HANDS_ON_CADENCE.burstIntervalSeconds, 0),
  };
  try {
    validateCadence(cadence);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const seed = integer("seed", defaultSeed, 0);
  if ((values.lines === undefined) === (values.file === undefined)) {
    throw new UsageError(`give exactly one of --lines and --file. ${usageLine(GENERATE_COMMAND)}`);
  }
  const mode: GeneratorOptions["mode"] =
    values.lines !== undefined
      ? { kind: "print", lines: integer("lines", 0, 0) }
      : {
          kind: "file",
          path: values.file as string,
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

export interface DaemonDeps {
  /** The wall clock (epoch ms). */
  readonly now: () => number;
  /** Where write errors are reported (the journal, under systemd). */
  readonly report: (message: string) => void;
  readonly append: typeof appendLines;
}

const DAEMON_DEPS: DaemonDeps = {
  now: () => Date.now(),
  report: (message) => process.stderr.write(`${message}\n`),
  append: appendLines,
};

/**
 * One check of the cadence: the lines of every tick after `last` up to `now`, appended. Returns
 * the new `last`. The window only moves forward: a wall clock stepped back (NTP, a VM restore)
 * writes nothing until it passes `last` again, so no tick is ever written twice. A write that
 * fails is reported with the number of lines lost and the generator carries on at the next tick,
 * so a full disk or a bad permission never stops the service (systemd would restart it in a loop).
 */
export function daemonStep(
  last: number,
  path: string,
  maxBytes: number,
  cadence: Cadence,
  random: () => number,
  deps: DaemonDeps = DAEMON_DEPS,
): number {
  const now = deps.now();
  if (now <= last) return last;
  const lines = ticksBetween(last, now, cadence).flatMap((tick) =>
    eventsForTick(tick, random).map(formatLine),
  );
  try {
    deps.append(path, lines, maxBytes);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    deps.report(
      `generator: cannot append ${lines.length} line(s) to ${path} (${code ?? (err as Error).message}); ` +
        "they are lost, retrying at the next tick.",
    );
  }
  return now;
}

/** Follows the cadence forever, checking once a second; returns a function that stops it. */
export function runDaemon(
  path: string,
  maxBytes: number,
  cadence: Cadence,
  random: () => number,
  deps: DaemonDeps = DAEMON_DEPS,
): () => void {
  let last = deps.now();
  const timer = setInterval(() => {
    last = daemonStep(last, path, maxBytes, cadence, random, deps);
  }, 1000);
  return () => clearInterval(timer);
}

/**
 * Prints the first `count` lines to `out`, streaming: lines are produced as the stream drains, so
 * memory stays flat for any count (2,000,000 lines is about 150 MB of text).
 */
export async function printLines(
  count: number,
  startMs: number,
  cadence: Cadence,
  random: () => number,
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const CHUNK = 1000;
  let chunk: string[] = [];
  for (const line of generateLines(count, startMs, cadence, random)) {
    chunk.push(line);
    if (chunk.length === CHUNK) {
      if (!out.write(chunk.join("\n") + "\n")) await new Promise((resolve) => out.once("drain", resolve));
      chunk = [];
    }
  }
  if (chunk.length) out.write(chunk.join("\n") + "\n");
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const random = createRandom(options.seed);
  if (options.mode.kind === "print") {
    await printLines(options.mode.lines, Date.now(), options.cadence, random);
    return EXIT_OK;
  }
  const stop = runDaemon(options.mode.path, options.mode.maxBytes, options.cadence, random);
  return new Promise<number>((resolve) => {
    const shutdown = () => {
      stop();
      resolve(EXIT_OK);
    };
    process.on("SIGTERM", shutdown);
    process.on("SIGINT", shutdown);
  });
}

if (require.main === module) {
  runCommand("generate", main);
}
