/** The command line of `npm run verify` (pure). */
import { CommandSpec, HelpRequested, UsageError, helpText, parseCommandLine, usageLine } from "../cli";

export const VERIFY_COMMAND: CommandSpec = {
  command: "npm run verify --",
  positionals: ["<stack>"],
  summary:
    "Writes one marked line into the generator's application log (SSM Run Command) and follows it " +
    "through every hop of the deployed pipeline: CloudWatch Logs, OpenSearch testappec2log-* and cwl-* " +
    "(through the in-VPC probe), the raw S3 object, Athena on the raw table; with --etl also the Glue " +
    "job and Athena on the curated table. Prints a table of hop, status and seconds since the line was written.",
  options: {
    outputs: {
      type: "string",
      value: "FILE",
      description: "read the outputs from FILE (pulumi stack output --json) instead of Pulumi",
    },
    etl: { type: "boolean", description: "also run the Glue job and query the curated table" },
    timeout: {
      type: "string",
      value: "SECONDS",
      description: "overall time budget (default 900, with --etl 2700)",
    },
    line: {
      type: "string",
      value: "TEMPLATE",
      description:
        "a stack with a text format and no generator: one line of the format with {marker} as the whole value of a string field and {time} as the time",
    },
    "print-policy": {
      type: "boolean",
      description:
        "print the IAM policy the operator needs to run verify on this stack (with --etl, for --etl too) and exit",
    },
    "print-deployer-policy": {
      type: "boolean",
      description: "print the IAM policy the deployer needs beyond the stack's own resources and exit",
    },
  },
  details: "See docs/verify.md.",
  exitCodes:
    "Exit codes: 0 every hop passed; 1 a hop failed or timed out; 2 usage error or missing " +
    "credentials/outputs.",
};

export const USAGE = usageLine(VERIFY_COMMAND);
export const HELP = helpText(VERIFY_COMMAND);

export interface VerifyArgs {
  readonly stack: string;
  readonly outputsFile?: string;
  readonly etl: boolean;
  /** Overall budget in seconds. */
  readonly timeoutSeconds: number;
  /** The line template of a text format (`--line`), with `{marker}` and `{time}`. */
  readonly lineTemplate?: string;
  /** Print a policy document instead of verifying. */
  readonly printPolicy?: "operator" | "deployer";
}

export const DEFAULT_TIMEOUT_SECONDS = 900;
export const DEFAULT_ETL_TIMEOUT_SECONDS = 2700;

/** Parses argv (after the script name) with the shared command-line helper; `"help"` for --help. */
export function parseArgs(argv: readonly string[]): VerifyArgs | "help" {
  let parsed;
  try {
    parsed = parseCommandLine(VERIFY_COMMAND, argv);
  } catch (err) {
    if (err instanceof HelpRequested) return "help";
    throw err;
  }
  const stack = parsed.positionals[0];
  const outputsFile = parsed.values.outputs as string | undefined;
  const etl = parsed.values.etl === true;
  const raw = parsed.values.timeout as string | undefined;
  let timeout: number | undefined;
  if (raw !== undefined) {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 30 || n > 21_600) {
      throw new UsageError(`--timeout is "${raw}"; give whole seconds from 30 to 21600. ${USAGE}`);
    }
    timeout = n;
  }
  if (stack === undefined) throw new UsageError(`Name the stack to verify. ${USAGE}`);
  const operator = parsed.values["print-policy"] === true;
  const deployer = parsed.values["print-deployer-policy"] === true;
  if (operator && deployer) {
    throw new UsageError(`Give --print-policy or --print-deployer-policy, not both. ${USAGE}`);
  }
  if (!/^[A-Za-z0-9_.\-/]+$/.test(stack)) throw new UsageError(`"${stack}" is not a stack name. ${USAGE}`);
  return {
    stack,
    outputsFile,
    etl,
    timeoutSeconds: timeout ?? (etl ? DEFAULT_ETL_TIMEOUT_SECONDS : DEFAULT_TIMEOUT_SECONDS),
    ...(parsed.values.line !== undefined ? { lineTemplate: parsed.values.line as string } : {}),
    ...(operator
      ? { printPolicy: "operator" as const }
      : deployer
        ? { printPolicy: "deployer" as const }
        : {}),
  };
}
