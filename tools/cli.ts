/**
 * The one command-line convention of this project's tools (`plan`, `policy`, `generate`,
 * `verify`): Node's `util.parseArgs` in strict mode (so `--flag value` and `--flag=value` both
 * work), `--help` on every command, one wording for every usage error, every error one sentence
 * on stderr (never a stack trace) and the same exit codes:
 *
 *   0  success
 *   1  the check failed (mandatory policy violations) or an unexpected internal failure
 *   2  usage or input error: a bad flag, a missing or unreadable file, invalid configuration
 *
 * Only Node's standard library is used: the generator bundles this file into EC2 user data.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An error the user caused (a flag, a file, a config value): exit 2, message printed as it is. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** One option of a command; `type: "string"` options take a value (`--out FILE`, `--out=FILE`). */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  /** The value's placeholder in the help text, e.g. `FILE`. */
  readonly value?: string;
  readonly description: string;
  /** The command cannot run without it (shown without brackets in the synopsis). */
  readonly required?: boolean;
}

export interface CommandSpec {
  /** How the user runs it, e.g. `npm run plan --`. */
  readonly command: string;
  /** Positional arguments in the synopsis, e.g. `<stack>`. */
  readonly positionals?: readonly string[];
  readonly summary: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Extra paragraphs of the help text (examples, where to read more). */
  readonly details?: string;
  /** The exit-code paragraph, when the command's codes say more than the shared one. */
  readonly exitCodes?: string;
}

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

const EXIT_CODES = "Exit codes: 0 success; 1 the check failed or an internal error; 2 usage or input error.";

/** The synopsis line: `usage: npm run plan -- <stack> [--out FILE] [--json]`. */
export function usageLine(spec: CommandSpec): string {
  const options = Object.entries(spec.options).map(([name, o]) => {
    const flag = `--${name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`;
    return o.required ? flag : `[${flag}]`;
  });
  return ["usage:", spec.command, ...(spec.positionals ?? []), ...options, "[--help]"].join(" ");
}

/** The full `--help` text. */
export function helpText(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, o]) => [
    `--${name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`,
    o.description,
  ]);
  rows.push(["--help", "print this help and exit"]);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    usageLine(spec),
    "",
    spec.summary,
    "",
    "Options:",
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
    "",
    ...(spec.details ? [spec.details, ""] : []),
    spec.exitCodes ?? EXIT_CODES,
  ].join("\n");
}

/** Thrown by `parseCommandLine` when `--help` was given; `runCommand` prints the help, exit 0. */
export class HelpRequested extends Error {
  constructor(readonly text: string) {
    super(text);
    this.name = "HelpRequested";
  }
}

/**
 * Parses `argv` against the spec. Usage errors throw a `UsageError` worded the same way for every
 * command: `unknown option --x`, `--out needs a value`, `unexpected argument "y"`, each followed
 * by the usage line.
 */
export function parseCommandLine(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options: Record<string, { type: "string" | "boolean" }> = { help: { type: "boolean" } };
  for (const [name, o] of Object.entries(spec.options)) options[name] = { type: o.type };
  const usage = usageLine(spec);
  // `--lines -1`: a value that starts with "-" is taken as the option's value when it is a
  // number, as the user meant, so the range check can name it (parseArgs would call it ambiguous).
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith("--") ? argv[i].slice(2) : undefined;
    if (name && options[name]?.type === "string" && /^-\d/.test(argv[i + 1] ?? "")) {
      args.push(`${argv[i]}=${argv[++i]}`);
    } else {
      args.push(argv[i]);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options,
      strict: true,
      allowPositionals: (spec.positionals ?? []).length > 0,
    });
  } catch (err) {
    throw new UsageError(`${describeParseError(err as NodeJS.ErrnoException, argv)} ${usage}`);
  }
  if (parsed.values.help) throw new HelpRequested(helpText(spec));
  const max = (spec.positionals ?? []).length;
  if (parsed.positionals.length > max) {
    throw new UsageError(`unexpected argument "${parsed.positionals[max]}". ${usage}`);
  }
  for (const [name, o] of Object.entries(spec.options)) {
    const v = parsed.values[name];
    if (o.type === "string" && v === "") throw new UsageError(`--${name} needs a value. ${usage}`);
    if (o.required && v === undefined) throw new UsageError(`--${name} is required. ${usage}`);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/** Node's parseArgs messages, reworded into this project's single form. */
function describeParseError(err: NodeJS.ErrnoException, argv: readonly string[]): string {
  const flag = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1];
  switch (err.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${flag ?? "(unnamed)"}.`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      // Either a value-taking option without its value, or a boolean option given one.
      if (flag && argv.some((a) => a.startsWith(`${flag}=`)) && /does not take an argument/.test(err.message))
        return `${flag} takes no value.`;
      return `${flag ?? "an option"} needs a value.`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL": {
      const arg = /'([^']*)'/.exec(err.message)?.[1];
      return `unexpected argument "${arg ?? "?"}".`;
    }
    default:
      return `${err.message.replace(/\.$/, "")}.`;
  }
}

/** One sentence for a file-system error, naming the file and what to do. */
export function describeIoError(err: unknown, file: string, action: "read" | "write"): string {
  const code = (err as NodeJS.ErrnoException).code;
  const relative = path.relative(process.cwd(), path.resolve(file));
  const shown = !relative || relative.startsWith("..") ? path.resolve(file) : relative;
  switch (code) {
    case "ENOENT":
      return action === "read"
        ? `cannot read ${shown}: no such file.`
        : `cannot write ${shown}: a directory on its path does not exist.`;
    case "EISDIR":
      return `cannot ${action} ${shown}: it is a directory; give a file name.`;
    case "ENOTDIR":
    case "EEXIST": // mkdir of a directory on the path that exists as a file
      return `cannot ${action} ${shown}: a part of its path is a file, not a directory.`;
    case "EACCES":
    case "EPERM":
      return `cannot ${action} ${shown}: permission denied.`;
    case "EROFS":
      return `cannot ${action} ${shown}: the file system is read-only.`;
    case "ENOSPC":
      return `cannot ${action} ${shown}: no space left on the device.`;
    case "ENXIO":
      return `cannot ${action} ${shown}: it is a named pipe that no process reads; start its reader first.`;
    case "ELOOP":
      return `cannot ${action} ${shown}: it passes through too many symbolic links (a loop?).`;
    default:
      return `cannot ${action} ${shown}: ${(err as Error).message}.`;
  }
}

/** Reads a text file; a failure is a `UsageError` (exit 2) with one sentence. */
export function readTextFile(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(describeIoError(err, file, "read"));
  }
}

/**
 * Kernel file systems (statfs `f_type`, linux/magic.h) where no output of ours belongs: creating
 * a file or folder there fails, and Node's recursive mkdir loops forever on procfs.
 */
const KERNEL_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, "the kernel's process file system (procfs)"],
  [0x62656572, "the kernel's sysfs"],
  [0x27e0eb, "the kernel's cgroup file system"],
  [0x63677270, "the kernel's cgroup2 file system"],
  [0x64626720, "the kernel's debugfs"],
  [0x74726163, "the kernel's tracefs"],
  [0x73636673, "the kernel's securityfs"],
  [0xcafe4a11, "the kernel's bpf file system"],
]);

/** How many symbolic links a path may pass through, as the kernel allows (MAXSYMLINKS). */
const MAX_SYMLINKS = 40;

/** Where an output goes: a regular file (written beside and renamed), or an existing stream. */
interface OutputTarget {
  /** The path written: symbolic links followed, so the link itself stays. */
  readonly path: string;
  /** An existing FIFO or character device (`/dev/stdout`, a named pipe): written into, in place. */
  readonly stream: boolean;
}

function ioError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** The kernel file system `dir` (or its nearest existing folder) is on, if it is one. */
function kernelFileSystem(dir: string): string | undefined {
  let existing = dir;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  try {
    return KERNEL_FILE_SYSTEMS.get(fs.statfsSync(existing).type);
  } catch {
    return undefined;
  }
}

/**
 * Resolves an output path without touching anything: follows symbolic links (also a dangling one,
 * to the file it names), refuses a directory, a block device, a socket and anything on a kernel
 * file system (/proc, /sys), and tells an existing FIFO or character device apart from a file.
 */
function outputTarget(file: string): OutputTarget {
  const shown = path.resolve(file);
  let target = shown;
  for (let hops = 0; ; hops++) {
    let stats: fs.Stats;
    try {
      stats = fs.statSync(target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      // Missing, or a dangling link: follow the link to the file it names.
      let link: fs.Stats | undefined;
      try {
        link = fs.lstatSync(target);
      } catch {
        link = undefined;
      }
      if (link?.isSymbolicLink()) {
        if (hops >= MAX_SYMLINKS) throw ioError("ELOOP", "too many symbolic links");
        target = path.resolve(path.dirname(target), fs.readlinkSync(target));
        continue;
      }
      break;
    }
    if (stats.isDirectory()) throw ioError("EISDIR", "is a directory");
    if (stats.isFIFO() || stats.isCharacterDevice()) return { path: target, stream: true };
    if (!stats.isFile()) {
      const what = stats.isBlockDevice() ? "a block device" : stats.isSocket() ? "a socket" : "not a file";
      throw new UsageError(`cannot write ${shown}: it is ${what}; give a file name.`);
    }
    target = fs.realpathSync.native(target);
    break;
  }
  const kernel = kernelFileSystem(path.dirname(target));
  if (kernel) {
    throw new UsageError(
      `cannot write ${shown}: ${target === shown ? "it" : `it leads to ${target}, which`} is on ${kernel}, ` +
        `where no file of ours can be kept; give a path on a disk, e.g. under /tmp.`,
    );
  }
  return { path: target, stream: false };
}

/** Creates the missing folders above `file`, one at a time (Node's recursive mkdir can loop). */
function makeParentFolders(file: string): void {
  const missing: string[] = [];
  for (let dir = path.dirname(file); !fs.existsSync(dir); dir = path.dirname(dir)) {
    if (path.dirname(dir) === dir) break;
    missing.unshift(dir);
  }
  for (const dir of missing) fs.mkdirSync(dir);
}

/** Writes all of `text` into an existing FIFO or character device, in place. */
function writeStream(target: string, text: string): void {
  const { O_WRONLY, O_NONBLOCK } = fs.constants;
  let probe: number | undefined;
  try {
    // A FIFO nobody reads would block the open forever: a non-blocking open fails with ENXIO instead.
    probe = fs.openSync(target, O_WRONLY | O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENXIO") {
      throw ioError("ENXIO", "no process reads the named pipe");
    }
    throw err;
  }
  let fd: number | undefined;
  try {
    fd = fs.openSync(target, O_WRONLY);
  } finally {
    fs.closeSync(probe);
  }
  try {
    const bytes = Buffer.from(text);
    for (let offset = 0; offset < bytes.length;) offset += fs.writeSync(fd, bytes, offset);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes an output file. A regular file (new or existing, also behind a symbolic link, which stays
 * a link) gets the text in a temporary file beside it first, renamed over it, so a failure never
 * leaves a half-written file behind; missing folders above it are made. An existing FIFO or
 * character device (`/dev/stdout`, a named pipe) is written into, never replaced. A directory,
 * a block device, a socket and a path on /proc or /sys are refused with one sentence.
 */
export function writeTextFile(file: string, text: string): void {
  let temporary: string | undefined;
  try {
    const target = outputTarget(file);
    if (target.stream) return writeStream(target.path, text);
    makeParentFolders(target.path);
    temporary = path.join(path.dirname(target.path), `.${path.basename(target.path)}.${process.pid}.tmp`);
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, target.path);
  } catch (err) {
    if (temporary) fs.rmSync(temporary, { force: true });
    if (err instanceof UsageError) throw err;
    throw new UsageError(describeIoError(err, file, "write"));
  }
}

/**
 * Checks, before any work, that `file` can be written where `writeTextFile` will write it (the
 * same refusals), and makes its folder. A command calls it first so that a bad output path costs
 * one sentence, not a render followed by one. A FIFO is not opened here: that would end its
 * reader's input before the output is ready.
 */
export function prepareOutputFile(file: string): void {
  try {
    const target = outputTarget(file);
    if (!target.stream) makeParentFolders(target.path);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(describeIoError(err, file, "write"));
  }
}

/** Error classes of a command that are input errors (exit 2) besides `UsageError`. */
export type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Runs a command's main function and exits with its code. `--help` prints the help (exit 0); a
 * `UsageError` or one of `inputErrors` prints its message (exit 2); anything else prints
 * `<name> failed: <message>` (exit 1) — a message, not a stack trace; set DEBUG=1 for the stack.
 */
export function runCommand(
  name: string,
  main: () => Promise<number> | number,
  inputErrors: readonly ErrorClass[] = [],
): void {
  const fail = (err: unknown): number => {
    if (err instanceof HelpRequested) {
      process.stdout.write(`${err.text}\n`);
      return EXIT_OK;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof UsageError || inputErrors.some((c) => err instanceof c)) {
      process.stderr.write(`${message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`${name} failed: ${message}\n`);
    if (process.env.DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return EXIT_FAILED;
  };
  let result: Promise<number>;
  try {
    result = Promise.resolve(main());
  } catch (err) {
    result = Promise.resolve(fail(err));
  }
  // Exit explicitly: the policy gate's gRPC server and the Pulumi runtime keep handles open.
  // Writes to stdout and stderr are synchronous for files and pipes on Linux, so nothing is lost.
  result.then(
    (code) => process.exit(code),
    (err) => process.exit(fail(err)),
  );
}
