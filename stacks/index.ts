/**
 * Pulumi entry point: validate the stack config (before any resource is registered), build the
 * platform, export what users need.
 */
import { loadConfig } from "./config";
import { createPlatform } from "./platform";

const config = loadConfig();
const platform = createPlatform(config);

export const vpcId = platform.network.vpcId;
export const generatorInstanceId = platform.network.generatorInstanceId;
export const generatorRoleArn = platform.network.generatorRoleArn;
export const agentConfigParameter = platform.network.agentParameterName;
/** Open a shell on the generator (no SSH, no inbound port): needs the Session Manager plugin. */
export const generatorShellCommand = platform.network.generatorInstanceId.apply(
  (id) => `aws ssm start-session --target ${id}`,
);
