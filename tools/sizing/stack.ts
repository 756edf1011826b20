/**
 * The capacity model for a stack file: its config parsed as the program parses it, its workload
 * resolved, the model run, and the monthly cost from its rendered graph.
 */
import { HANDS_ON_CADENCE } from "../../components/network/generator/lines";
import { CONFIG_SECTIONS, PlatformConfig, parseConfig } from "../../stacks/config";
import {
  WorkloadOverrides,
  cadenceEventsPerSecond,
  generatorEventBytes,
  resolveWorkload,
} from "../../stacks/workload";
import { PROJECT } from "../../components/shared/names";
import { PriceTableError, estimateCost, loadPrices } from "../offline/cost";
import type { StateResource } from "../offline/recorder";
import type { StackConfig } from "../offline/stackConfig";
import { Check, Sizing, WARN_AT, byUtilisation, liftingValue, sizeStack, utilisation } from "./model";
import { MonthlyCost, openSearchIdleDelta, usageCost } from "./usage";

/** The model for a stack's config (as `readStackConfig` returns it) in `region`. */
export function sizeStackConfig(
  stackConfig: StackConfig,
  region: string,
  overrides: WorkloadOverrides = {},
): Sizing {
  const raw: Record<string, unknown> = {};
  for (const section of Object.keys(CONFIG_SECTIONS)) {
    const value = stackConfig.config[`${PROJECT}:${section}`];
    if (value !== undefined) raw[section] = JSON.parse(value);
  }
  const config = parseConfig(raw);
  const workload = resolveWorkload(config.workload, config.generator, overrides);
  return sizeStack({ config, workload, region });
}

/** Idle cost of the graph plus usage at the sizing's volume, or one sentence saying why there is none. */
export function monthlyCost(sizing: Sizing, resources: readonly StateResource[]): MonthlyCost | string {
  try {
    const prices = loadPrices(sizing.input.region);
    if (!prices.usage) return `not estimated: the ${prices.region} price table has no usage prices`;
    return usageCost(sizing, prices, estimateCost(resources, prices).total);
  } catch (err) {
    if (err instanceof PriceTableError) return `not estimated, ${err.message}`;
    throw err;
  }
}

/** One row of the scale table: a volume, what breaks with today's values, what holds it, and the cost. */
export interface ScaleRow {
  readonly label: string;
  readonly sizing: Sizing;
  /** Checks at 80 % or more with today's values (advisories included). */
  readonly over: readonly { check: Check; lift: number | undefined }[];
  /** Monthly cost with today's values, and with the lifted values. */
  readonly cost: MonthlyCost | string;
  readonly liftedCost: MonthlyCost | string;
}

/** The model at 1x, 10x, 100x and 1000x the hands-on's rate (the generator's record size), and at the declared workload. */
export function scaleRows(
  stackConfig: StackConfig,
  region: string,
  resources: readonly StateResource[],
): ScaleRow[] {
  const handsOn = cadenceEventsPerSecond(HANDS_ON_CADENCE);
  const volumes: [string, WorkloadOverrides][] = [1, 10, 100, 1000].map((m) => [
    `${m}x the hands-on`,
    { eventsPerSecond: handsOn * m, eventBytes: generatorEventBytes() },
  ]);
  const declared = sizeStackConfig(stackConfig, region);
  if (declared.input.workload.origin === "declared") volumes.push(["declared (datalake:workload)", {}]);
  return volumes.map(([label, overrides]) => {
    const sizing = sizeStackConfig(stackConfig, region, overrides);
    const over = byUtilisation(sizing.checks)
      .filter((c) => utilisation(c) >= WARN_AT)
      .map((check) => ({ check, lift: liftingValue(sizing.input, check) }));
    let lifted = sizing.input.config;
    for (const { check, lift } of over) {
      if (lift === undefined || check.advisory) continue;
      const [section, field] = check.configKey.replace(/^datalake:/, "").split(".");
      const c = lifted as unknown as Record<string, Record<string, unknown>>;
      lifted = { ...lifted, [section]: { ...c[section], [field]: lift } } as unknown as PlatformConfig;
    }
    const liftedSizing = sizeStack({ ...sizing.input, config: lifted });
    const base = monthlyCost(sizing, resources);
    let liftedCost = monthlyCost(liftedSizing, resources);
    if (typeof liftedCost !== "string") {
      const delta = openSearchIdleDelta(sizing.input.config, lifted, loadPrices(region));
      liftedCost = { ...liftedCost, idle: liftedCost.idle + delta, total: liftedCost.total + delta };
    }
    return { label, sizing, over, cost: base, liftedCost };
  });
}
