/**
 * Runs the real program (`stacks/index.ts`) under Pulumi's mock runtime and returns the resource
 * graph as a stack export. One program run per process: the Pulumi runtime is process-global.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { createMocks } from "./mocks";
import { Recorder, StackExport } from "./recorder";
import { StackConfig } from "./stackConfig";
import { PROJECT_ROOT } from "../paths";

// Internal to the SDK, but the only way to wait for every in-flight registration.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

export { PROJECT_ROOT };
export const PROGRAM = path.join(PROJECT_ROOT, "stacks", "index.ts");

export interface RenderResult {
  readonly state: StackExport;
  readonly outputs: Record<string, unknown>;
}

function packageVersions(): Record<string, string> {
  const v = (p: string) =>
    (
      JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "node_modules", p, "package.json"), "utf8")) as {
        version: string;
      }
    ).version.replace(/^v/, "");
  return {
    pulumi: v("@pulumi/pulumi"),
    aws: v("@pulumi/aws"),
    awsx: v("@pulumi/awsx"),
    random: v("@pulumi/random"),
  };
}

/**
 * The region the AWS provider would use: `aws:region`, else AWS_REGION or AWS_DEFAULT_REGION, as
 * the provider reads them. No region at all is a config error the program reports (stacks/config.ts).
 */
export function stackRegion(
  stackConfig: StackConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  return stackConfig.config["aws:region"] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
}

export async function renderStack(
  project: string,
  stack: string,
  stackConfig: StackConfig,
): Promise<RenderResult> {
  // Without a region the program stops at its config check, before the mocks answer anything.
  const region = stackRegion(stackConfig) ?? "";
  await pulumi.runtime.setMocks(createMocks({ region, stack }), project, stack, false);
  pulumi.runtime.setAllConfig(stackConfig.config, stackConfig.secretKeys);
  const recorder = new Recorder().install();

  // Errors raised while resources register (a failed invoke, a throwing apply) are reported by
  // the runtime asynchronously; collect them so the plan fails instead of printing half a graph.
  const asyncErrors: Error[] = [];
  const onRejection = (reason: unknown) =>
    asyncErrors.push(reason instanceof Error ? reason : new Error(String(reason)));
  // A failed program leaves the runtime settling its registrations, which reject again with the
  // same failure after this function throws; the collector stays installed then, so they are not
  // reported a second time as an unhandled rejection while the caller reports the first.
  process.on("unhandledRejection", onRejection);
  const outputs =
    (await pulumi.runtime.runInPulumiStack(async () => {
      // `require`, as the CLI's Node.js language host loads a CommonJS program (cmd/run/run.js),
      // so whichever transpiler hook is registered (ts-node, esbuild-register) compiles it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const program = require(PROGRAM) as Record<string, unknown>;
      return { ...program };
    })) ?? {};
  await waitForRPCs();
  if (asyncErrors.length) throw asyncErrors[0];
  process.off("unhandledRejection", onRejection);
  return {
    state: recorder.toExport(stack, project, packageVersions()),
    outputs: outputs as Record<string, unknown>,
  };
}
