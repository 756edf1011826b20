/**
 * Composes the components into one environment. Differences between stacks are config values,
 * never `if (stack === "prod")`.
 */
import * as pulumi from "@pulumi/pulumi";
import { GeneratorAgent, NetworkWithGenerator } from "../components/network";
import { AgentDestinations } from "../components/network/agent/render";
import { PlatformConfig } from "./config";

export interface Platform {
  readonly network: NetworkWithGenerator;
  readonly agent: GeneratorAgent;
}

export function createPlatform(config: PlatformConfig): Platform {
  const g = config.generator;
  const network = new NetworkWithGenerator("network", {
    cidrBlock: config.network.cidrBlock,
    availabilityZones: config.network.availabilityZones,
    natGateways: config.network.natGateways,
    generatorInstanceType: g.instanceType,
    generatorSubnet: g.subnet,
    rootVolumeGiB: g.rootVolumeGiB,
    cadence: {
      linesPerInterval: g.linesPerInterval,
      intervalSeconds: g.intervalSeconds,
      burstLines: g.burstLines,
      burstIntervalSeconds: g.burstIntervalSeconds,
    },
  });

  // Each layer contributes its destination; the agent is built last so nothing depends on a later layer.
  const destinations: pulumi.Input<AgentDestinations> = {};

  const agent = new GeneratorAgent("generator-agent", {
    instanceId: network.generatorInstanceId,
    documentName: network.agentDocumentName,
    parameterName: network.agentParameterName,
    destinations,
  });

  return { network, agent };
}
