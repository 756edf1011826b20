/**
 * npm run -s size -- <stack> [--events-per-second N] [--event-bytes B]
 *
 * The capacity model of a stack (tools/sizing/model.ts): every stage's demand, capacity,
 * utilisation, headroom and the multiple of the volume at which it breaks, the sources of the
 * limits, then the monthly cost at that volume (the idle cost of the rendered graph plus usage).
 * The volume is the stack's declared workload unless the options replace it. Exit codes
 * (tools/cli.ts): 0 the stack holds the volume (warnings allowed), 1 a stage cannot hold it,
 * 2 usage or configuration error.
 */
import * as path from "path";
import {
  CommandSpec,
  EXIT_FAILED,
  EXIT_OK,
  UsageError,
  parseCommandLine,
  readTextFile,
  runCommand,
  usageLine,
} from "./cli";
import { StackConfigError } from "./offline/stackConfig";

export const SIZE_COMMAND: CommandSpec = {
  command: "npm run -s size --",
  positionals: ["<stack>"],
  summary:
    "Prints the capacity model of a stack at its declared workload (or the given volume): each stage's demand, " +
    "capacity, utilisation, headroom and breaking multiple, then the monthly cost at that volume.",
  options: {
    "events-per-second": {
      type: "string",
      value: "N",
      description: "average events per second instead of the declared rate",
    },
    "event-bytes": {
      type: "string",
      value: "B",
      description: "average bytes per event instead of the declared size",
    },
    scale: {
      type: "boolean",
      description:
        "print instead the table at 1x, 10x, 100x and 1000x the hands-on's rate (and the declared workload)",
    },
  },
};

export interface SizeArgs {
  readonly stack: string;
  readonly eventsPerSecond?: number;
  readonly eventBytes?: number;
  readonly scale?: boolean;
}

export function parseSizeArgs(argv: readonly string[]): SizeArgs {
  const { values, positionals } = parseCommandLine(SIZE_COMMAND, argv);
  const stack = positionals[0];
  if (!stack) throw new UsageError(`name a stack. ${usageLine(SIZE_COMMAND)}`);
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new UsageError(`"${stack}" is not a valid stack name.`);
  const number = (flag: string, min: number, max: number, integer: boolean): number | undefined => {
    const raw = values[flag] as string | undefined;
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new UsageError(
        `--${flag} is "${raw}"; give ${integer ? "a whole number" : "a number"} from ${min} to ${max}.`,
      );
    }
    return n;
  };
  const eventsPerSecond = number("events-per-second", 0.000001, 10_000_000, false);
  const eventBytes = number("event-bytes", 16, 1_048_576, true);
  return {
    stack,
    ...(eventsPerSecond !== undefined ? { eventsPerSecond } : {}),
    ...(eventBytes !== undefined ? { eventBytes } : {}),
    ...(values.scale ? { scale: true } : {}),
  };
}

async function main(): Promise<number> {
  const args = parseSizeArgs(process.argv.slice(2));
  // The program, the mocks and the model load only now, so --help and usage errors answer at once
  // (`require`, as the hook that runs this file compiles TypeScript for require, not import()).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parse } = require("yaml") as typeof import("yaml");
  const { PROJECT_ROOT, renderStack, stackRegion } =
    require("./offline/render") as typeof import("./offline/render");
  const { readStackConfig } = require("./offline/stackConfig") as typeof import("./offline/stackConfig");
  const { offlinePlaceholder } = require("./plan") as typeof import("./plan");
  const { monthlyCost, scaleRows, sizeStackConfig } =
    require("./sizing/stack") as typeof import("./sizing/stack");
  const report = require("./sizing/report") as typeof import("./sizing/report");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const { failureSentence, formatMonthlyCost, formatScaleTable, formatTable, verdict } = report;
  const project = (parse(readTextFile(path.join(PROJECT_ROOT, "Pulumi.yaml"))) as { name: string }).name;
  const stackConfig = readStackConfig(PROJECT_ROOT, args.stack, project, {
    placeholder: offlinePlaceholder(),
  });
  let rendered;
  try {
    rendered = await renderStack(project, args.stack, stackConfig);
  } catch (err) {
    if ((err as Error).name === "ConfigError")
      throw new UsageError(`Pulumi.${args.stack}.yaml: ${(err as Error).message}`);
    throw err;
  }
  const region = stackRegion(stackConfig) ?? "(none)";
  if (args.scale) {
    process.stdout.write(
      formatScaleTable(args.stack, scaleRows(stackConfig, region, rendered.state.deployment.resources)) +
        "\n",
    );
    return EXIT_OK;
  }
  const sizing = sizeStackConfig(stackConfig, region, args);
  process.stdout.write(formatTable(args.stack, sizing) + "\n");
  const cost = monthlyCost(sizing, rendered.state.deployment.resources);
  process.stdout.write(
    (typeof cost === "string" ? `Monthly cost at this volume: ${cost}.` : formatMonthlyCost(cost)) + "\n",
  );
  const v = verdict(sizing);
  if (v.failures.length) {
    process.stderr.write(failureSentence(args.stack, v.failures[0]) + "\n");
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

if (require.main === module) runCommand("size", main, [StackConfigError]);
