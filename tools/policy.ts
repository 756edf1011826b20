/**
 * npm run -s policy -- --state FILE [--config FILE] [--json]
 *
 * Runs the policy pack in `policies/` over a `pulumi stack export` file (version 3), offline,
 * the way `pulumi policy analyze --file` does (see tools/offline/policyGate.ts).
 * Prints one line per violation (`LEVEL policy-name urn: message`) and a summary, or with
 * `--json` exactly one JSON object `{ violations, notApplicable, summary }` on stdout.
 * Exit codes (tools/cli.ts): 0 no mandatory violation, 1 mandatory violations (or the pack
 * failed), 2 usage error, unreadable file or invalid policy config.
 */
import { CommandSpec, EXIT_FAILED, EXIT_OK, parseCommandLine, runCommand } from "./cli";
import {
  GateInputError,
  formatText,
  readPolicyConfig,
  readState,
  runGate,
  toJson,
} from "./offline/policyGate";

export const POLICY_COMMAND: CommandSpec = {
  command: "npm run -s policy --",
  summary: "Checks a `pulumi stack export` file (version 3) against the policy pack in policies/, offline.",
  options: {
    state: { type: "string", value: "FILE", description: "the stack export to check", required: true },
    config: {
      type: "string",
      value: "FILE",
      description: "policy config: levels and thresholds per rule, e.g. policies/config/prod.json",
    },
    json: { type: "boolean", description: "print exactly one JSON document on stdout" },
  },
  details: "Run it with `npm run -s` so npm prints no banner and stdout carries only the JSON with --json.",
};

export interface PolicyArgs {
  readonly state: string;
  readonly config?: string;
  readonly json: boolean;
}

export function parsePolicyArgs(argv: readonly string[]): PolicyArgs {
  const { values } = parseCommandLine(POLICY_COMMAND, argv);
  const state = values.state as string;
  const config = values.config as string | undefined;
  return { state, ...(config !== undefined ? { config } : {}), json: values.json === true };
}

async function main(): Promise<number> {
  const args = parsePolicyArgs(process.argv.slice(2));
  const state = readState(args.state);
  const config = args.config ? readPolicyConfig(args.config) : {};
  const result = await runGate(state, config);
  process.stdout.write((args.json ? JSON.stringify(toJson(result), null, 2) : formatText(result)) + "\n");
  return result.summary.passed ? EXIT_OK : EXIT_FAILED;
}

if (require.main === module) runCommand("policy gate", main, [GateInputError]);
