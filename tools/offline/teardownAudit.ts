/**
 * The audit table of docs/teardown.md, generated from the rendered dev and prod graphs so that it
 * cannot drift from the code: every resource the program creates, grouped by type and by what
 * `pulumi destroy` does with it in each stack (protect / retainOnDelete), with the physical names
 * that are fixed rather than Pulumi's `<name>-<random>` auto-names (a fixed name is what a
 * re-create right after a destroy can find taken). test/docs/teardown.test.ts compares the
 * table in the doc with this one; `UPDATE_DOCS=1` makes it rewrite the doc's block.
 */
import { ExportedResource, ExportedState } from "./policyGate";

/** The input that holds a resource's own physical name, where it is not `name`. */
const NAME_KEY: Readonly<Record<string, string>> = {
  "aws:s3/bucket:Bucket": "bucket",
  "aws:opensearch/domain:Domain": "domainName",
  "aws:redshiftserverless/namespace:Namespace": "namespaceName",
  "aws:redshiftserverless/workgroup:Workgroup": "workgroupName",
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "policyName",
  "aws:cloudwatch/dashboard:Dashboard": "dashboardName",
  "aws:quicksight/dataSource:DataSource": "dataSourceId",
  "aws:quicksight/dataSet:DataSet": "dataSetId",
};

/** Types whose `name` input is not the resource's own name (a reference, or a display label). */
const NO_OWN_NAME = new Set([
  "aws:lambda/invocation:Invocation",
  "aws:ssm/association:Association",
  "aws:athena/namedQuery:NamedQuery",
]);

/** Where the table starts and ends in docs/teardown.md. */
export const AUDIT_BEGIN =
  "<!-- teardown audit: generated from the rendered dev and prod graphs; do not edit by hand -->";
export const AUDIT_END = "<!-- end of the teardown audit -->";

type Fate = "deleted" | "retained" | "protected, then retained" | "protected" | "absent";

function fate(r: ExportedResource | undefined): Fate {
  if (!r) return "absent";
  if (r.protect && r.retainOnDelete) return "protected, then retained";
  if (r.protect) return "protected";
  return r.retainOnDelete ? "retained" : "deleted";
}

const logical = (r: ExportedResource) => r.urn.split("::").pop() ?? r.urn;

function fixedName(r: ExportedResource, stack: string): string | undefined {
  if (NO_OWN_NAME.has(r.type)) return undefined;
  const v = r.inputs?.[NAME_KEY[r.type] ?? "name"];
  if (typeof v !== "string" || v === "") return undefined;
  // The stack's name inside a physical name, as a placeholder: one row for both stacks; the
  // random suffix of an auto-named resource the name is built from, as `<random>`.
  return v
    .split(stack)
    .join("<stack>")
    .replace(/-[0-9a-f]{7}(?=[/-]|$)/g, "-<random>");
}

/** The markdown table (without the markers). */
export function teardownAudit(dev: ExportedState, prod: ExportedState): string {
  const custom = (s: ExportedState) =>
    (s.deployment.resources ?? []).filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
  const byKey = (s: ExportedState) => new Map(custom(s).map((r) => [`${r.type} ${logical(r)}`, r]));
  const d = byKey(dev);
  const p = byKey(prod);
  const rows = new Map<
    string,
    { type: string; names: string[]; fixed: Set<string>; dev: Fate; prod: Fate }
  >();
  for (const key of [...new Set([...d.keys(), ...p.keys()])].sort()) {
    const rd = d.get(key);
    const rp = p.get(key);
    const r = (rd ?? rp)!;
    const row = { type: r.type, dev: fate(rd), prod: fate(rp) };
    const id = `${row.type}|${row.dev}|${row.prod}`;
    const entry = rows.get(id) ?? { ...row, names: [], fixed: new Set<string>() };
    entry.names.push(logical(r));
    const name = rd ? fixedName(rd, "dev") : fixedName(rp!, "prod");
    if (name !== undefined) entry.fixed.add(`\`${name}\``);
    rows.set(id, entry);
  }
  const lines = [
    "| Type | Resources (logical names) | Fixed physical names | Destroy in dev | Destroy in prod |",
    "|---|---|---|---|---|",
  ];
  for (const row of rows.values()) {
    const fixed = row.fixed.size > 0 ? [...row.fixed].sort().join(", ") : "auto-named";
    lines.push(`| \`${row.type}\` | ${row.names.join(", ")} | ${fixed} | ${row.dev} | ${row.prod} |`);
  }
  return lines.join("\n");
}

/** Replaces the block between the markers of `doc` with `table`; throws when the markers are missing. */
export function withAudit(doc: string, table: string): string {
  const begin = doc.indexOf(AUDIT_BEGIN);
  const end = doc.indexOf(AUDIT_END);
  if (begin < 0 || end < begin) throw new Error("docs/teardown.md lacks the audit markers.");
  return `${doc.slice(0, begin + AUDIT_BEGIN.length)}\n\n${table}\n\n${doc.slice(end)}`;
}
