/**
 * npm run -s plan -- <stack> [--out FILE] [--policy-json FILE]
 *
 * Runs the real program under Pulumi's mock runtime with `Pulumi.<stack>.yaml`, prints a summary
 * (resources per component and type, stack outputs), writes the resource graph as a
 * `pulumi stack export`-style file (default `.plan/<stack>.json`), then runs the policy pack over
 * it with `policies/config/<stack>.json` (the same gate as `npm run policy`) and prints its
 * violations and summary (`--policy-json` also writes the gate's JSON document to FILE).
 * It also prints the capacity model's short form at the stack's declared workload (tools/sizing/;
 * `npm run size` prints it in full) and fails when a stage cannot hold that workload, with one
 * sentence naming the stage and the config key.
 * Exit codes (tools/cli.ts): 0 success, 1 mandatory policy violations, a workload the stack cannot
 * hold, or any other failure,
 * 2 usage, input or configuration error (stack config or policy config, an unwritable file).
 */
import * as path from "path";
import { parse } from "yaml";
import {
  CommandSpec,
  EXIT_FAILED,
  EXIT_OK,
  UsageError,
  parseCommandLine,
  prepareOutputFile,
  readTextFile,
  runCommand,
  usageLine,
  writeTextFile,
} from "./cli";
import { SECRET_PLACEHOLDER, StackConfig, StackConfigError, readStackConfig } from "./offline/stackConfig";
import { StateResource } from "./offline/recorder";
import { GateInputError } from "./offline/policyGate";
import { componentOf, costReport } from "./offline/cost";
import { monthlyCost, sizeStackConfig } from "./sizing/stack";
import { failureSentence, formatShort, verdict } from "./sizing/report";
import { PROJECT_ROOT } from "./paths";
// The program's modules (Pulumi, the AWS provider, the policy gate) are loaded in main, after the
// command line is read, so that `--help` and a bad flag or output path answer at once.

export const PLAN_COMMAND: CommandSpec = {
  command: "npm run -s plan --",
  positionals: ["<stack>"],
  summary:
    "Renders the program with Pulumi.<stack>.yaml under Pulumi's mocks (no AWS account, no CLI), prints the " +
    "resources and outputs, writes a `pulumi stack export`-style file and runs the policy gate over it.",
  options: {
    out: {
      type: "string",
      value: "FILE",
      description: "where to write the stack export (default .plan/<stack>.json)",
    },
    "policy-json": {
      type: "string",
      value: "FILE",
      description: "also write the policy gate's JSON document to FILE",
    },
  },
};

export interface PlanArgs {
  readonly stack: string;
  readonly out: string;
  /** Where to write the policy gate's JSON document, if anywhere. */
  readonly policyJson?: string;
}

export function parsePlanArgs(argv: readonly string[]): PlanArgs {
  const { values, positionals } = parseCommandLine(PLAN_COMMAND, argv);
  const stack = positionals[0];
  if (!stack) throw new UsageError(`name a stack. ${usageLine(PLAN_COMMAND)}`);
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new UsageError(`"${stack}" is not a valid stack name.`);
  const out = (values.out as string | undefined) ?? path.join(".plan", `${stack}.json`);
  const policyJson = values["policy-json"] as string | undefined;
  return { stack, out, ...(policyJson !== undefined ? { policyJson } : {}) };
}

/** `secure:` stand-ins that satisfy the field they replace (see `secretExample` in stacks/config.ts). */
export function offlinePlaceholder(): (key: string, at: readonly string[]) => string | undefined {
  // Loaded on first use, not at the top, so that --help does not load the program's modules.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { secretExample } = require("../stacks/config") as typeof import("../stacks/config");
  return (key, at) => {
    const example = secretExample(key, at);
    return example === null ? SECRET_PLACEHOLDER : example;
  };
}

export function summarize(stack: string, region: string, resources: readonly StateResource[]): string {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const groups = new Map<string, Map<string, number>>();
  let count = 0;
  for (const r of resources) {
    if (r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:")) continue;
    if (!r.custom && r.parent && byUrn.get(r.parent)?.type === "pulumi:pulumi:Stack") continue;
    count++;
    const g = componentOf(r, byUrn);
    const types = groups.get(g) ?? new Map<string, number>();
    types.set(r.type, (types.get(r.type) ?? 0) + 1);
    groups.set(g, types);
  }
  const lines = [
    `Plan for stack "${stack}" (region ${region}): ${count} resources in ${groups.size} components`,
  ];
  for (const [g, types] of groups) {
    lines.push(`  ${g}`);
    for (const [t, n] of [...types].sort()) lines.push(`    ${String(n).padStart(3)}  ${t}`);
  }
  const stackResource = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  lines.push("Outputs:");
  for (const [k, v] of Object.entries(stackResource?.outputs ?? {})) {
    lines.push(`  ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
  }
  return lines.join("\n");
}

async function main(): Promise<number> {
  const args = parsePlanArgs(process.argv.slice(2));
  prepareOutputFile(path.resolve(PROJECT_ROOT, args.out));
  if (args.policyJson) prepareOutputFile(path.resolve(args.policyJson));
  const project = (parse(readTextFile(path.join(PROJECT_ROOT, "Pulumi.yaml"))) as { name: string }).name;
  const stackConfig: StackConfig = readStackConfig(PROJECT_ROOT, args.stack, project, {
    placeholder: offlinePlaceholder(),
  });
  // Loaded here, not at the top (require, since esbuild-register leaves import() to Node's ESM loader).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { renderStack, stackRegion } = require("./offline/render") as typeof import("./offline/render");
  const { PackSession, formatText, readPolicyConfig, toJson } =
    require("./offline/policyGate") as typeof import("./offline/policyGate");
  /* eslint-enable @typescript-eslint/no-require-imports */
  // The policy pack starts in its own process (transpiler and gRPC start-up, most of a second) while
  // this one renders the program: the same pack and the same gRPC path, started earlier.
  const pack = PackSession.start();
  pack.catch(() => undefined); // Observed below; an early render error must not leave it unhandled.
  try {
    let result;
    try {
      result = await renderStack(project, args.stack, stackConfig);
    } catch (err) {
      if ((err as Error).name === "ConfigError") {
        throw new UsageError(`Pulumi.${args.stack}.yaml: ${(err as Error).message}`);
      }
      throw err;
    }
    // The stack's policy config is read before the export is written (and after the stack config
    // is checked, whose errors come first), so a stack without one gets a sentence and no export.
    const policyConfigFile = path.join(PROJECT_ROOT, "policies", "config", `${args.stack}.json`);
    const policyConfig = readPolicyConfig(policyConfigFile);
    const out = path.resolve(PROJECT_ROOT, args.out);
    writeTextFile(out, JSON.stringify(result.state, null, 2) + "\n");
    const region = stackRegion(stackConfig) ?? "(none)";
    process.stdout.write(summarize(args.stack, region, result.state.deployment.resources) + "\n");
    process.stdout.write(costReport(region, result.state.deployment.resources) + "\n");
    // Capacity at the declared workload (tools/sizing): a stage that cannot hold it fails the plan.
    const sizing = sizeStackConfig(stackConfig, region);
    const cost = monthlyCost(sizing, result.state.deployment.resources);
    process.stdout.write(formatShort(args.stack, sizing, cost) + "\n");
    const capacityFailure = verdict(sizing).failures[0];
    process.stdout.write(`Wrote ${path.relative(process.cwd(), out) || out}\n`);

    // The policy gate over the graph just rendered, with this stack's policy config.
    const gate = await (await pack).analyze(result.state, policyConfig);
    process.stdout.write(formatText(gate) + "\n");
    if (args.policyJson)
      writeTextFile(path.resolve(args.policyJson), JSON.stringify(toJson(gate), null, 2) + "\n");
    if (capacityFailure) {
      process.stderr.write(failureSentence(args.stack, capacityFailure) + "\n");
      return EXIT_FAILED;
    }
    return gate.summary.passed ? EXIT_OK : EXIT_FAILED;
  } finally {
    (await pack.catch(() => undefined))?.close();
  }
}

if (require.main === module) runCommand("plan", main, [StackConfigError, GateInputError]);
