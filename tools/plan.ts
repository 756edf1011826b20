/**
 * npm run plan -- <stack> [--out FILE] [--policy-json FILE]
 *
 * Runs the real program under Pulumi's mock runtime with `Pulumi.<stack>.yaml`, prints a summary
 * (resources per component and type, stack outputs), writes the resource graph as a
 * `pulumi stack export`-style file (default `.plan/<stack>.json`), then runs the policy pack over
 * it with `policies/config/<stack>.json` (the same gate as `npm run policy`) and prints its
 * violations and summary (`--policy-json` also writes the gate's JSON document to FILE).
 * Exit codes: 0 success, 1 mandatory policy violations or any other failure, 2 usage or
 * configuration error (stack config or policy config).
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT_ROOT, renderStack } from "./offline/render";
import { StackConfigError, readStackConfig } from "./offline/stackConfig";
import { StateResource } from "./offline/recorder";
import { GateInputError, formatText, readPolicyConfig, runGate, toJson } from "./offline/policyGate";
import { costReport } from "./offline/cost";

const USAGE = "usage: npm run plan -- <stack> [--out FILE] [--policy-json FILE]";

class UsageError extends Error {}

export interface PlanArgs {
  readonly stack: string;
  readonly out: string;
  /** Where to write the policy gate's JSON document, if anywhere. */
  readonly policyJson?: string;
}

export function parsePlanArgs(argv: readonly string[]): PlanArgs {
  let stack: string | undefined;
  let out: string | undefined;
  let policyJson: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out") {
      out = argv[++i];
      if (!out) throw new UsageError(`--out needs a file name. ${USAGE}`);
    } else if (a === "--policy-json") {
      policyJson = argv[++i];
      if (!policyJson) throw new UsageError(`--policy-json needs a file name. ${USAGE}`);
    } else if (a.startsWith("-")) {
      throw new UsageError(`unknown option ${a}. ${USAGE}`);
    } else if (stack === undefined) {
      stack = a;
    } else {
      throw new UsageError(`unexpected argument ${a}. ${USAGE}`);
    }
  }
  if (!stack) throw new UsageError(`name a stack. ${USAGE}`);
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new UsageError(`"${stack}" is not a valid stack name.`);
  return { stack, out: out ?? path.join(".plan", `${stack}.json`), ...(policyJson ? { policyJson } : {}) };
}

/** Name of the component a resource belongs to (its nearest non-stack ancestor), or "(stack)". */
function owner(r: StateResource, byUrn: Map<string, StateResource>): string {
  let parent = r.parent ? byUrn.get(r.parent) : undefined;
  while (parent && parent.parent && byUrn.get(parent.parent)?.type !== "pulumi:pulumi:Stack") {
    parent = byUrn.get(parent.parent);
  }
  if (!parent || parent.type === "pulumi:pulumi:Stack") return "(stack)";
  return `${parent.urn.split("::").pop()} (${parent.type})`;
}

export function summarize(stack: string, region: string, resources: readonly StateResource[]): string {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const groups = new Map<string, Map<string, number>>();
  let count = 0;
  for (const r of resources) {
    if (r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:")) continue;
    if (!r.custom && r.parent && byUrn.get(r.parent)?.type === "pulumi:pulumi:Stack") continue;
    count++;
    const g = owner(r, byUrn);
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
  let args: PlanArgs;
  try {
    args = parsePlanArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const project = (parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as { name: string })
    .name;
  let stackConfig;
  try {
    stackConfig = readStackConfig(PROJECT_ROOT, args.stack, project);
  } catch (err) {
    if (err instanceof StackConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  let result;
  try {
    result = await renderStack(project, args.stack, stackConfig);
  } catch (err) {
    if ((err as Error).name === "ConfigError") {
      process.stderr.write(`Pulumi.${args.stack}.yaml: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
  // The stack's policy config is read before the export is written (and after the stack config
  // is checked, whose errors come first), so a stack without one gets a sentence and no export.
  const policyConfigFile = path.join(PROJECT_ROOT, "policies", "config", `${args.stack}.json`);
  let policyConfig;
  try {
    policyConfig = readPolicyConfig(policyConfigFile);
  } catch (err) {
    if (err instanceof GateInputError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const out = path.resolve(PROJECT_ROOT, args.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // Written to a temporary file and renamed, so an interrupted write never leaves half an export.
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(result.state, null, 2) + "\n");
  fs.renameSync(tmp, out);
  const region = stackConfig.config["aws:region"] ?? "us-east-1";
  process.stdout.write(summarize(args.stack, region, result.state.deployment.resources) + "\n");
  process.stdout.write(costReport(region, result.state.deployment.resources) + "\n");
  process.stdout.write(`Wrote ${path.relative(process.cwd(), out) || out}\n`);

  // The policy gate over the graph just rendered, with this stack's policy config.
  let gate;
  try {
    gate = await runGate(result.state, policyConfig);
  } catch (err) {
    if (err instanceof GateInputError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  process.stdout.write(formatText(gate) + "\n");
  if (args.policyJson)
    fs.writeFileSync(path.resolve(args.policyJson), JSON.stringify(toJson(gate), null, 2) + "\n");
  return gate.summary.passed ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`plan failed: ${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}
