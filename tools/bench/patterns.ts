/**
 * `npm run bench:patterns -- [--runs N]`: the milliseconds a text format's pattern costs each of
 * the two parsers that run it on every event, on adversarial 256 KB lines (tools/bench/adversarial.ts):
 * the forwarder's (JavaScript, `forwarderFormat(schema).lineStart`: the match and the document's
 * fields) and the ETL job's (Python, `EventCurator.transform_line`: the match with JavaScript's
 * meaning, then the casts). The baseline is the hands-on parser (`LOG_LINE_REGEX`, the forwarder's
 * and the agent's) on the same lines. Patterns: docs/sources.md's text example, and the patterns the
 * config check's linear-time test accepts (test/components/shared/schema.test.ts). Each line's figure
 * is the best of N runs (the machine is shared); the table prints min / median / max over the lines.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { LOG_LINE_REGEX } from "../../components/shared/logformat";
import { EventSchema } from "../../components/shared/schema";
import { forwarderFormat } from "../../components/speed/forwarder/format";
import { CommandSpec, UsageError, parseCommandLine, runCommand } from "../cli";
import { AdversarialLine, adversarialLines } from "./adversarial";
import { machine } from "./load";

export const BENCH_PATTERNS_COMMAND: CommandSpec = {
  command: "npm run -s bench:patterns --",
  summary:
    "Times the forwarder's and the ETL job's parsers of text formats on adversarial 256 KB lines, against the " +
    "hands-on parser on the same lines, and prints min / median / max ms per line.",
  options: {
    runs: { type: "string", value: "N", description: "runs per line, the best one counted (default 5)" },
  },
};

/** docs/sources.md's text example and the config test's accepted patterns, as formats. */
export const BENCH_FORMATS: readonly EventSchema[] = [
  {
    name: "docs-text-example",
    kind: "text",
    pattern: "^(?<ts>[^ ]+) (?<level>[A-Z]+) (?<status>\\d{3}) (?<msg>.*)$",
    fields: [
      { name: "ts", type: "timestamp" },
      { name: "level", type: "string" },
      { name: "status", type: "long" },
      { name: "msg", type: "string" },
    ],
    timeField: "ts",
    timeFormat: "%Y-%m-%dT%H:%M:%S%z",
  },
  {
    name: "bracketed-level-host",
    kind: "text",
    pattern: "^(?<ts>\\S+) \\[(?<level>[A-Z]+)\\] (?<host>[\\w.-]+) (?<msg>[^\\n]*)$",
    fields: [
      { name: "ts", type: "timestamp" },
      { name: "level", type: "string" },
      { name: "host", type: "string" },
      { name: "msg", type: "string" },
    ],
    timeField: "ts",
    timeFormat: "iso8601",
  },
  {
    name: "access-log",
    kind: "text",
    pattern:
      '^(?<ip>[\\d.]+) - (?<user>\\S+) \\[(?<ts>[^\\]]+)\\] "(?<method>[A-Z]+) (?<path>\\S+) [^"]*" (?<status>\\d{3}) (?<bytes>\\d+|-)$',
    fields: [
      { name: "ip", type: "string" },
      { name: "user", type: "string" },
      { name: "ts", type: "timestamp" },
      { name: "method", type: "string" },
      { name: "path", type: "string" },
      { name: "status", type: "long" },
      { name: "bytes", type: "string" },
    ],
    timeField: "ts",
    timeFormat: "%d/%m/%Y:%H:%M:%S %z",
  },
];

/** The best of `runs` timings of `f(line)` for each line, in ms. */
export function bestTimes(
  lines: readonly AdversarialLine[],
  runs: number,
  f: (text: string) => unknown,
): number[] {
  return lines.map((line) => {
    let best = Infinity;
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      f(line.text);
      best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
    }
    return best;
  });
}

/** The ETL job's parser's best timings, from tools/bench/patterns_measure.py. */
function pythonTimes(schema: EventSchema, lines: readonly AdversarialLine[], runs: number): number[] {
  const python = process.env.PYTHON ?? "python3";
  const r = spawnSync(python, [path.join(__dirname, "patterns_measure.py")], {
    input: JSON.stringify({ schema, lines: lines.map((l) => l.text), runs }),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error)
    throw new UsageError(
      `${python} could not be run (${r.error.message}); install Python 3.11 or set PYTHON.`,
    );
  if (r.status !== 0) throw new Error(`patterns_measure.py exited ${r.status}: ${r.stderr.trim()}`);
  return (JSON.parse(r.stdout) as { ms: number[] }).ms;
}

/** `min / median / max ms (worst: label)` of per-line figures. */
export function spreadOf(ms: readonly number[], lines: readonly AdversarialLine[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const worst = ms.indexOf(sorted[sorted.length - 1]);
  const f = (x: number) => x.toFixed(x < 1 ? 3 : 2);
  return `${f(sorted[0])} / ${f(median)} / ${f(sorted[sorted.length - 1])} ms (worst: ${lines[worst].label})`;
}

async function main(): Promise<number> {
  const { values } = parseCommandLine(BENCH_PATTERNS_COMMAND, process.argv.slice(2));
  const runs = Number(values.runs ?? 5);
  if (!Number.isSafeInteger(runs) || runs < 1 || runs > 100)
    throw new UsageError(`--runs is "${values.runs}"; give a whole number from 1 to 100.`);
  const lines = adversarialLines();
  console.log(`machine: ${machine()}`);
  console.log(
    `${lines.length} adversarial lines of at most 256 KB; per line the best of ${runs} runs; min / median / max over the lines`,
  );
  console.log(
    `baseline, the hands-on parser (LOG_LINE_REGEX): ${spreadOf(
      bestTimes(lines, runs, (t) => LOG_LINE_REGEX.exec(t)),
      lines,
    )}`,
  );
  for (const schema of BENCH_FORMATS) {
    const lineStart = forwarderFormat(schema).lineStart!;
    console.log(`${schema.name}: ${schema.pattern}`);
    console.log(`  forwarder (JavaScript): ${spreadOf(bestTimes(lines, runs, lineStart), lines)}`);
    console.log(`  ETL job (Python):       ${spreadOf(pythonTimes(schema, lines, runs), lines)}`);
  }
  return 0;
}

if (require.main === module) runCommand("bench:patterns", main);
