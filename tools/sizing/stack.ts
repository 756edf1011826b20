/**
 * The capacity model for a stack file: its config parsed as the program parses it, its workload
 * resolved, the model run, and the monthly cost from its rendered graph.
 */
import { CONFIG_SECTIONS, parseConfig } from "../../stacks/config";
import { WorkloadOverrides, resolveWorkload } from "../../stacks/workload";
import { PROJECT } from "../../components/shared/names";
import { PriceTableError, estimateCost, loadPrices } from "../offline/cost";
import type { StateResource } from "../offline/recorder";
import type { StackConfig } from "../offline/stackConfig";
import { Sizing, sizeStack } from "./model";
import { MonthlyCost, usageCost } from "./usage";

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
