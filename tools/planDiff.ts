/**
 * npm run plan:diff -- BEFORE.json AFTER.json
 *
 * Compares two offline plan exports (`npm run plan -- <stack> --out FILE`) resource by resource:
 * the URN set, and for each URN its type, custom flag, inputs, parent, dependencies, property
 * dependencies, provider, protect and retainOnDelete. Outputs are not compared (they are the
 * mocks' answers). Prints one line per difference and a summary; exit 0 when the two graphs are
 * identical, 1 when they differ, 2 on a usage error or an unreadable file.
 */
import { isDeepStrictEqual } from "util";
import { CommandSpec, UsageError, parseCommandLine, readTextFile, runCommand, usageLine } from "./cli";
import { StateResource } from "./offline/recorder";

export const PLAN_DIFF_COMMAND: CommandSpec = {
  command: "npm run -s plan:diff --",
  positionals: ["BEFORE.json", "AFTER.json"],
  summary:
    "Compares two offline plan exports (npm run plan -- <stack> --out FILE) resource by resource: the URN set " +
    "and each resource's type, inputs, parent, dependencies, provider and protection (outputs are the mocks' " +
    "answers and are not compared). Prints one line per difference and a summary.",
  options: {},
  exitCodes:
    "Exit codes: 0 the two graphs are identical; 1 they differ; 2 usage error or an unreadable file.",
};

/** The fields of a resource that a refactoring must leave unchanged. */
export const COMPARED_FIELDS = [
  "type",
  "custom",
  "inputs",
  "parent",
  "dependencies",
  "propertyDependencies",
  "provider",
  "protect",
  "retainOnDelete",
] as const;

export interface PlanDifference {
  readonly urn: string;
  /** `added`, `removed`, or the name of the field that differs. */
  readonly what: string;
}

/** Sorted copies so that registration order (which does not change the graph) is not a difference. */
function normalize(field: string, value: unknown): unknown {
  if (value === undefined) return undefined;
  if (field === "dependencies" && Array.isArray(value)) return [...value].sort();
  if (field === "propertyDependencies" && value && typeof value === "object") {
    const out: Record<string, string[]> = {};
    for (const k of Object.keys(value).sort()) out[k] = [...(value as Record<string, string[]>)[k]].sort();
    return out;
  }
  if ((field === "protect" || field === "retainOnDelete") && value === false) return undefined;
  return value;
}

/** Every difference between two resource lists, ordered by URN. */
export function diffPlans(
  before: readonly StateResource[],
  after: readonly StateResource[],
): PlanDifference[] {
  const a = new Map(before.map((r) => [r.urn, r]));
  const b = new Map(after.map((r) => [r.urn, r]));
  const urns = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: PlanDifference[] = [];
  for (const urn of urns) {
    const x = a.get(urn);
    const y = b.get(urn);
    if (!x) out.push({ urn, what: "added" });
    else if (!y) out.push({ urn, what: "removed" });
    else {
      for (const f of COMPARED_FIELDS) {
        const l = x as unknown as Record<string, unknown>;
        const r = y as unknown as Record<string, unknown>;
        if (!isDeepStrictEqual(normalize(f, l[f]), normalize(f, r[f]))) out.push({ urn, what: f });
      }
    }
  }
  return out;
}

function readResources(file: string): StateResource[] {
  const text = readTextFile(file);
  let doc: { deployment?: { resources?: StateResource[] } };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (e) {
    throw new UsageError(`${file} is not a plan export: it is not valid JSON (${(e as Error).message}).`);
  }
  const rs = doc?.deployment?.resources;
  if (!Array.isArray(rs)) {
    throw new UsageError(
      `${file} is not a plan export: it has no deployment.resources list; write one with npm run plan -- <stack> --out FILE.`,
    );
  }
  return rs;
}

function main(): number {
  const { positionals } = parseCommandLine(PLAN_DIFF_COMMAND, process.argv.slice(2));
  if (positionals.length !== 2) {
    throw new UsageError(`give two plan exports to compare. ${usageLine(PLAN_DIFF_COMMAND)}`);
  }
  const before = readResources(positionals[0]);
  const after = readResources(positionals[1]);
  const diffs = diffPlans(before, after);
  for (const d of diffs) process.stdout.write(`${d.what} ${d.urn}\n`);
  process.stdout.write(
    diffs.length === 0
      ? `identical: ${after.length} resources (URN, ${COMPARED_FIELDS.join(", ")})\n`
      : `${diffs.length} difference(s) between ${before.length} and ${after.length} resources\n`,
  );
  return diffs.length === 0 ? 0 : 1;
}

if (require.main === module) runCommand("plan:diff", main);
