/**
 * npm run -s policy -- --state FILE [--config FILE] [--json] [--engine gate|pulumi]
 *
 * Runs the policy pack in `policies/` over a `pulumi stack export` file (version 3), offline,
 * the way `pulumi policy analyze --file` does (see tools/offline/policyGate.ts); with
 * `--engine pulumi`, through the real engine: the pinned Pulumi CLI (tools/engines/pulumi, built
 * on first use) runs `pulumi policy analyze --file`, after the same check of the policy config.
 * Prints one line per violation (`LEVEL policy-name urn: message`) and a summary, or with
 * `--json` exactly one JSON object on stdout (`{ violations, warnings, notApplicable, notSeen,
 * summary }` from the gate, `{ engine, violations, warnings, summary }` from the CLI).
 * Exit codes (tools/cli.ts): 0 no mandatory violation, 1 mandatory violations (or the pack
 * failed), 2 usage error, unreadable file or invalid policy config.
 */
import { CommandSpec, EXIT_FAILED, EXIT_OK, UsageError, parseCommandLine, runCommand } from "./cli";
import {
  GateInputError,
  PackSession,
  formatText,
  readPolicyConfig,
  readState,
  reconcileConfig,
  runGate,
  toJson,
} from "./offline/policyGate";
import {
  PulumiCliUnavailable,
  PulumiWorkspace,
  analyzeWithEngine,
  ensurePulumiCli,
  pinnedVersion,
} from "./engines/pulumi/cli";

export const POLICY_COMMAND: CommandSpec = {
  command: "npm run -s policy --",
  summary:
    "Checks a `pulumi stack export` file (version 3) against the policy pack in policies/, offline (or with --engine pulumi, through the real Pulumi engine).",
  options: {
    state: { type: "string", value: "FILE", description: "the stack export to check", required: true },
    config: {
      type: "string",
      value: "FILE",
      description: "policy config: levels and thresholds per rule, e.g. policies/config/prod.json",
    },
    json: { type: "boolean", description: "print exactly one JSON document on stdout" },
    engine: {
      type: "string",
      value: "gate|pulumi",
      description:
        "gate (default): the offline gate; pulumi: the real engine, `pulumi policy analyze --file` with the pinned CLI (built on first use, 10-30 minutes)",
    },
  },
  details: "Run it with `npm run -s` so npm prints no banner and stdout carries only the JSON with --json.",
};

export interface PolicyArgs {
  readonly state: string;
  readonly config?: string;
  readonly json: boolean;
  readonly engine: "gate" | "pulumi";
}

export function parsePolicyArgs(argv: readonly string[]): PolicyArgs {
  const { values } = parseCommandLine(POLICY_COMMAND, argv);
  const state = values.state as string;
  const config = values.config as string | undefined;
  const engine = (values.engine as string | undefined) ?? "gate";
  if (engine !== "gate" && engine !== "pulumi")
    throw new UsageError(`--engine takes "gate" or "pulumi", not "${engine}".`);
  return { state, ...(config !== undefined ? { config } : {}), json: values.json === true, engine };
}

/**
 * The real engine's verdict. The policy config is checked first exactly as the gate checks it
 * (the CLI ignores a level for a policy name the pack does not have), then the CLI runs.
 */
async function viaEngine(args: PolicyArgs): Promise<number> {
  readState(args.state);
  if (args.config) {
    const config = readPolicyConfig(args.config);
    const pack = await PackSession.start();
    try {
      reconcileConfig(pack.info, config);
    } finally {
      pack.close();
    }
  }
  const ws = new PulumiWorkspace(await ensurePulumiCli());
  try {
    // With no passphrase set, the empty one, as `npm run plan` uses for its export's provider.
    const unset =
      process.env.PULUMI_CONFIG_PASSPHRASE === undefined && !process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
    const verdict = await analyzeWithEngine(
      ws,
      args.state,
      args.config,
      unset ? { PULUMI_CONFIG_PASSPHRASE: "" } : {},
    );
    const warnings = verdict.stderr
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => /^warning: /.test(l))
      .map((l) => l.replace(/^warning: /, ""));
    const mandatory = verdict.violations.filter((v) => v.level === "mandatory").length;
    const summary = {
      engine: `pulumi ${pinnedVersion()}`,
      mandatory,
      advisory: verdict.violations.length - mandatory,
      passed: verdict.passed,
    };
    if (args.json) {
      process.stdout.write(
        JSON.stringify(
          { engine: summary.engine, violations: verdict.violations, warnings, summary },
          null,
          2,
        ) + "\n",
      );
    } else {
      const lines = [
        ...warnings.map((w) => `warning: ${w}`),
        ...verdict.violations.map(
          (v) => `${v.level} ${v.policy} ${v.urn}: ${v.message.replace(/\s*\n\s*/g, " ")}`,
        ),
        `Pulumi CLI ${pinnedVersion()} (pulumi policy analyze --file): ${summary.mandatory} mandatory and ${summary.advisory} advisory violation(s) — ${summary.passed ? "passed" : "FAILED"}.`,
      ];
      process.stdout.write(lines.join("\n") + "\n");
    }
    return verdict.passed ? EXIT_OK : EXIT_FAILED;
  } finally {
    ws.dispose();
  }
}

async function main(): Promise<number> {
  const args = parsePolicyArgs(process.argv.slice(2));
  if (args.engine === "pulumi") return viaEngine(args);
  const state = readState(args.state);
  const config = args.config ? readPolicyConfig(args.config) : {};
  const result = await runGate(state, config);
  process.stdout.write((args.json ? JSON.stringify(toJson(result), null, 2) : formatText(result)) + "\n");
  return result.summary.passed ? EXIT_OK : EXIT_FAILED;
}

if (require.main === module) runCommand("policy gate", main, [GateInputError, PulumiCliUnavailable]);
