/**
 * npm run policy -- --state FILE [--config FILE] [--json]
 *
 * Runs the policy pack in `policies/` over a `pulumi stack export` file (version 3), offline,
 * the way `pulumi policy analyze --file` does (see tools/offline/policyGate.ts).
 * Prints one line per violation (`LEVEL policy-name urn: message`) and a summary, or with
 * `--json` exactly one JSON object `{ violations, notApplicable, summary }` on stdout.
 * Exit codes: 0 no mandatory violation, 1 mandatory violations (or the pack failed),
 * 2 usage error, unreadable file or invalid policy config.
 */
import {
  GateInputError,
  formatText,
  readPolicyConfig,
  readState,
  runGate,
  toJson,
} from "./offline/policyGate";

const USAGE = "usage: npm run policy -- --state FILE [--config FILE] [--json]";

export interface PolicyArgs {
  readonly state: string;
  readonly config?: string;
  readonly json: boolean;
}

export function parsePolicyArgs(argv: readonly string[]): PolicyArgs {
  let state: string | undefined;
  let config: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--state" || a === "--config") {
      const v = argv[++i];
      if (!v || v.startsWith("--")) throw new GateInputError(`${a} needs a file name. ${USAGE}`);
      if (a === "--state") state = v;
      else config = v;
    } else if (a === "--json") {
      json = true;
    } else {
      throw new GateInputError(`unexpected argument ${a}. ${USAGE}`);
    }
  }
  if (!state) throw new GateInputError(`--state is required. ${USAGE}`);
  return { state, config, json };
}

async function main(): Promise<number> {
  let args: PolicyArgs;
  try {
    args = parsePolicyArgs(process.argv.slice(2));
    const state = readState(args.state);
    const config = args.config ? readPolicyConfig(args.config) : {};
    const result = await runGate(state, config);
    process.stdout.write((args.json ? JSON.stringify(toJson(result), null, 2) : formatText(result)) + "\n");
    return result.summary.passed ? 0 : 1;
  } catch (err) {
    if (err instanceof GateInputError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`policy gate failed: ${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}
