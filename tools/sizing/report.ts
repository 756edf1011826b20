/**
 * How the capacity model is printed: the stage table and the monthly cost (`npm run size`), the
 * short form and the verdict (`npm run plan`). The verdict is one sentence naming the stage and the
 * config key of the first limit the declared workload breaks.
 */
import { Check, Sizing, breakingMultiple, byUtilisation, level, utilisation } from "./model";
import type { ScaleRow } from "./stack";
import { MonthlyCost } from "./usage";

const money = (v: number) =>
  `$${v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** A number for a table cell: 3 significant digits, thousands separated. */
export function num(v: number): string {
  if (!Number.isFinite(v)) return "∞";
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  const abs = Math.abs(v);
  if (abs >= 1000) return Math.round(v).toLocaleString("en-US");
  if (abs >= 100) return v.toFixed(0);
  if (abs >= 10) return v.toFixed(1);
  if (abs >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

const percent = (c: Check) => {
  const u = utilisation(c) * 100;
  return u >= 1000 ? `${num(u)} %` : u >= 10 ? `${u.toFixed(0)} %` : `${u.toFixed(1)} %`;
};

export function describeWorkload(s: Sizing): string {
  const w = s.input.workload;
  const origin = w.origin === "declared" ? "datalake:workload" : "the generator's cadence";
  return (
    `${num(w.eventsPerSecond)} events/s (${num(w.eventsPerSecond * 86_400)} a day; peak ×${num(w.peakFactor)}), ` +
    `${w.eventBytes} B per event, ${num(w.speedShare * 100)} % indexed (${origin})`
  );
}

/** The full table of `npm run size`. */
export function formatTable(stack: string, s: Sizing): string {
  const rows = s.checks.map((c) => {
    const multiple = breakingMultiple(s.input, c.id);
    return [
      c.stage,
      `${c.what}${c.placeholder ? " [placeholder]" : ""}${c.advisory ? " [guideline]" : ""}`,
      `${num(c.demand)} ${c.unit}`,
      `${num(c.capacity)} ${c.unit}`,
      percent(c),
      `${num(c.capacity - c.demand)} ${c.unit}`,
      Number.isFinite(multiple) ? `${num(multiple)}x` : "never",
      level(c),
    ];
  });
  const head = ["stage", "check", "demand", "capacity", "use", "headroom", "breaks at", "state"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((cell, i) => (i >= 2 && i <= 6 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join("  ");
  const out = [
    `Capacity of stack "${stack}" (${s.input.region}) at ${describeWorkload(s)}:`,
    line(head),
    ...rows.map(line),
  ];
  const first = byUtilisation(s.checks.filter((c) => !c.advisory))[0];
  if (first) {
    const m = breakingMultiple(s.input, first.id);
    out.push(
      `First limit: ${first.stage}, ${first.what} (${percent(first)}${Number.isFinite(m) ? `, breaks at ${num(m)}x this volume` : ""}). ` +
        `To lift it: ${first.fix} (${first.configKey}).`,
    );
  }
  out.push("Sources of the limits:");
  for (const c of s.checks) out.push(`  ${c.id}: ${c.source}`);
  out.push("Derived figures:");
  for (const f of s.figures)
    out.push(`  ${f.stage}: ${f.what}: ${num(f.value)}${f.unit ? ` ${f.unit}` : ""}`);
  return out.join("\n");
}

/** The monthly cost block. */
export function formatMonthlyCost(m: MonthlyCost): string {
  const out = [
    `Monthly cost at this volume (${m.region}, USD; * = price not confirmed on its source page, see tools/offline/prices/${m.region}.json):`,
    `  idle (the stack's graph, list prices of ${m.retrieved}): ${money(m.idle)}`,
  ];
  for (const l of m.usage)
    out.push(`  ${money(l.monthly).padStart(11)}${l.confirmed ? " " : "*"} ${l.service}: ${l.item}`);
  out.push(`  usage: ${money(m.usageTotal)}; total: ${money(m.total)}`);
  out.push(
    "  Left out: KMS requests, S3 GET/LIST by queries and the job, data transfer out of the region, CloudWatch metrics and Logs Insights, the free tier.",
  );
  return out.join("\n");
}

export interface Verdict {
  readonly failures: readonly Check[];
  readonly warnings: readonly Check[];
}

export function verdict(s: Sizing): Verdict {
  const sorted = byUtilisation(s.checks);
  return {
    failures: sorted.filter((c) => level(c) === "fail"),
    warnings: sorted.filter((c) => level(c) === "warn"),
  };
}

/** One sentence: the stage, what it needs against what it has, and the config key that lifts it. */
export function failureSentence(stack: string, c: Check): string {
  return (
    `Stack "${stack}" cannot hold its declared workload at the ${c.stage} stage: ${c.what} needs ` +
    `${num(c.demand)} ${c.unit} but ${num(c.capacity)} ${c.unit} is available${c.placeholder ? " (placeholder figures)" : ""}; ` +
    `set ${c.configKey} (${c.fix}).`
  );
}

export function warningSentence(c: Check): string {
  return `${c.stage}: ${c.what} at ${percent(c)} of ${num(c.capacity)} ${c.unit}${c.advisory ? " (guideline)" : ""}; ${c.fix} (${c.configKey}).`;
}

/** The plan's short form: first limit, headroom, monthly cost; then warnings and failures. */
export function formatShort(stack: string, s: Sizing, cost: MonthlyCost | string): string {
  const first = byUtilisation(s.checks.filter((c) => !c.advisory))[0];
  const m = first ? breakingMultiple(s.input, first.id) : Infinity;
  const costText =
    typeof cost === "string"
      ? cost
      : `${money(cost.total)} a month (idle ${money(cost.idle)} + usage ${money(cost.usageTotal)})`;
  const out = [
    `Capacity at ${describeWorkload(s)}:`,
    first
      ? `  first limit: ${first.stage}, ${first.what}: ${percent(first)} used, headroom ${num(first.capacity - first.demand)} ${first.unit}` +
        `${Number.isFinite(m) ? `, breaks at ${num(m)}x` : ""} (${first.configKey})`
      : "  no limit checked",
    `  cost at this volume: ${costText}; npm run size -- ${stack} prints every stage`,
  ];
  const v = verdict(s);
  for (const c of v.warnings) out.push(`  warning: ${warningSentence(c)}`);
  for (const c of v.failures) out.push(`  FAILED: ${failureSentence(stack, c)}`);
  return out.join("\n");
}

/** The scale table of `npm run size -- <stack> --scale` (docs/sizing.md), as Markdown. */
export function formatScaleTable(stack: string, rows: readonly ScaleRow[]): string {
  const cost = (c: MonthlyCost | string) =>
    typeof c === "string" ? c : `${money(c.total)} (idle ${money(c.idle)})`;
  const out = [
    `Stack "${stack}" at scale (${rows[0]?.sizing.input.region}; cost per month, today's values / with the values that hold it):`,
    "",
    "| volume | events/s × bytes | first limit with today's values | values that hold it (each check under 80 %) | cost, today's values | cost, values that hold it |",
    "|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const w = r.sizing.input.workload;
    const hard = r.over.filter((o) => !o.check.advisory);
    const first = byUtilisation(r.sizing.checks.filter((c) => !c.advisory))[0];
    const firstText = first
      ? `${first.stage}: ${first.what}, ${percent(first)}${level(first) === "fail" ? " (fails)" : ""}`
      : "-";
    const lifts = hard.length
      ? hard
          .map(
            (o) =>
              `\`${o.check.configKey.replace(/^datalake:/, "")}: ${o.lift === undefined ? "no value in range" : num(o.lift)}\``,
          )
          .filter((v, i, all) => all.indexOf(v) === i)
          .join(", ")
      : "today's values";
    const advisories = r.over
      .filter((o) => o.check.advisory)
      .map((o) => `${o.check.stage}: ${o.check.what} ${percent(o.check)} (guideline)`);
    out.push(
      `| ${r.label} | ${num(w.eventsPerSecond)} × ${w.eventBytes} B | ${firstText}${advisories.length ? `; ${advisories.join("; ")}` : ""} | ${lifts} | ${cost(r.cost)} | ${hard.length ? cost(r.liftedCost) : "same"} |`,
    );
  }
  return out.join("\n");
}
