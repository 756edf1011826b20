/** The command line of `npm run verify` (pure). */
import { UsageError } from "./outputs";

export const USAGE = "usage: npm run verify -- <stack> [--outputs FILE] [--etl] [--timeout SECONDS] [--help]";

export const HELP = `${USAGE}

Writes one marked line into the generator's application log (SSM Run Command) and follows it
through every hop of the deployed pipeline: CloudWatch Logs, OpenSearch testappec2log-* and cwl-*
(through the in-VPC probe), the raw S3 object, Athena on the raw table; with --etl also the Glue
job and Athena on the curated table. Prints a table of hop, status and seconds since the line
was written.

  <stack>            the Pulumi stack (its outputs name the resources)
  --outputs FILE     read the outputs from FILE (pulumi stack output --json) instead of Pulumi
  --etl              also run the Glue job and query the curated table
  --timeout SECONDS  overall time budget (default 900, with --etl 2700)
  --help             print this help

Exit codes: 0 every hop passed, 1 a hop failed or timed out, 2 usage error or missing
credentials/outputs. See docs/verify.md.`;

export interface VerifyArgs {
  readonly stack: string;
  readonly outputsFile?: string;
  readonly etl: boolean;
  /** Overall budget in seconds. */
  readonly timeoutSeconds: number;
}

export const DEFAULT_TIMEOUT_SECONDS = 900;
export const DEFAULT_ETL_TIMEOUT_SECONDS = 2700;

/** Parses argv (after the script name); `"help"` when --help is given. */
export function parseArgs(argv: readonly string[]): VerifyArgs | "help" {
  if (argv.includes("--help") || argv.includes("-h")) return "help";
  let stack: string | undefined;
  let outputsFile: string | undefined;
  let etl = false;
  let timeout: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--etl") etl = true;
    else if (a === "--outputs" || a === "--timeout") {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${a} needs a value. ${USAGE}`);
      if (a === "--outputs") outputsFile = v;
      else {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 30 || n > 21_600) {
          throw new UsageError(`--timeout is "${v}"; give whole seconds from 30 to 21600. ${USAGE}`);
        }
        timeout = n;
      }
    } else if (a.startsWith("-")) throw new UsageError(`Unknown option ${a}. ${USAGE}`);
    else if (stack === undefined) stack = a;
    else throw new UsageError(`Unexpected argument "${a}" (the stack is already "${stack}"). ${USAGE}`);
  }
  if (stack === undefined) throw new UsageError(`Name the stack to verify. ${USAGE}`);
  if (!/^[A-Za-z0-9_.\-/]+$/.test(stack)) throw new UsageError(`"${stack}" is not a stack name. ${USAGE}`);
  return {
    stack,
    outputsFile,
    etl,
    timeoutSeconds: timeout ?? (etl ? DEFAULT_ETL_TIMEOUT_SECONDS : DEFAULT_TIMEOUT_SECONDS),
  };
}
