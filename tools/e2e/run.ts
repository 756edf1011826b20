/**
 * End-to-end test of a real deployment (needs an AWS account and a Pulumi backend; not part of
 * `npm test`): `npm run e2e [-- --keep]`.
 *
 * With the Automation API it creates an ephemeral stack `e2e-<random>` from the dev stack's
 * values (Pulumi.dev.yaml), runs `up` with the policy pack and its dev config, runs
 * `npm run verify` against the stack's outputs (with --etl), then `destroy` and `stack rm` —
 * also when `up` or verify failed, unless --keep is given (to look at a failure). Exit code:
 * verify's (0 all hops passed, 1 a hop failed), 1 when up/destroy failed, 2 a usage error or no
 * Pulumi CLI on PATH.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { randomBytes } from "crypto";
import { parse } from "yaml";
import type { ConfigMap, Stack } from "@pulumi/pulumi/automation";
import { CommandSpec, UsageError, parseCommandLine, readTextFile, runCommand } from "../cli";
import { PROJECT_ROOT as ROOT } from "../paths";
const SOURCE_STACK = "dev";

/** The dev stack's config as an Automation API ConfigMap (objects as JSON, set by path = false). */
export function configFromStackFile(file: string): ConfigMap {
  const doc = parse(readTextFile(file)) as { config?: Record<string, unknown> };
  const config: ConfigMap = {};
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    config[key] = { value: typeof value === "string" ? value : JSON.stringify(value) };
  }
  return config;
}

export const E2E_COMMAND: CommandSpec = {
  command: "npm run e2e --",
  summary:
    "End-to-end test of a real deployment (needs an AWS account, the Pulumi CLI and a backend it is logged in " +
    `to): creates an ephemeral stack e2e-<random> from Pulumi.${SOURCE_STACK}.yaml, runs pulumi up with the policy ` +
    "pack, npm run verify -- --etl against its outputs, then pulumi destroy and stack rm, also when up or verify failed.",
  options: {
    keep: {
      type: "boolean",
      description: "keep the stack after a failure, to look at it (prints how to remove it)",
    },
  },
  exitCodes:
    "Exit codes: 0 every hop passed; 1 a hop failed, or up or destroy failed; 2 usage error or no Pulumi CLI on PATH.",
};

/** One sentence when the Pulumi CLI is missing, before the Automation API fails with its raw error. */
export function checkPulumiCli(run: typeof spawnSync = spawnSync): void {
  const r = run("pulumi", ["version"], { encoding: "utf8", timeout: 30_000 });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
    throw new UsageError(
      "e2e needs the Pulumi CLI: pulumi is not installed or not on PATH; install it " +
        "(https://www.pulumi.com/docs/install/), log in to a backend (pulumi login) and run npm run e2e again.",
    );
  }
  if (r.error || r.status !== 0) {
    const reason = r.error?.message ?? String(r.stderr).trim().split("\n").pop();
    throw new UsageError(
      `e2e cannot run the Pulumi CLI (pulumi version: ${reason}); check its installation.`,
    );
  }
}

async function run(): Promise<number> {
  const keep = parseCommandLine(E2E_COMMAND, process.argv.slice(2)).values.keep === true;
  checkPulumiCli();
  // Loaded once the command line is read (require: esbuild-register leaves import() to Node's ESM loader).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { LocalWorkspace } =
    require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  const { main: verify } = require("../verify/main") as typeof import("../verify/main");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const stackName = `e2e-${randomBytes(3).toString("hex")}`;
  const log = (line: string) => process.stderr.write(`[e2e ${stackName}] ${line}\n`);
  const stack: Stack = await LocalWorkspace.createStack({ stackName, workDir: ROOT });
  let code = 1;
  try {
    await stack.setAllConfig(configFromStackFile(path.join(ROOT, `Pulumi.${SOURCE_STACK}.yaml`)));
    log("pulumi up (with the policy pack)");
    await stack.up({
      onOutput: (s) => process.stdout.write(s),
      policyPacks: [path.join(ROOT, "policies")],
      policyPackConfigs: [path.join(ROOT, "policies", "config", `${SOURCE_STACK}.json`)],
    });
    const outputs = await stack.outputs();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "datalake-e2e-"));
    const file = path.join(dir, "outputs.json");
    fs.writeFileSync(
      file,
      JSON.stringify(Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]))),
    );
    log("npm run verify -- --etl");
    code = await verify([stackName, "--outputs", file, "--etl"]);
    fs.rmSync(dir, { recursive: true, force: true });
  } catch (err) {
    log(`failed: ${(err as Error).message.split("\n").slice(-3).join(" ")}`);
    code = 1;
  } finally {
    if (keep) {
      log(`kept; remove it with: pulumi destroy --stack ${stackName} && pulumi stack rm ${stackName}`);
    } else {
      try {
        log("pulumi destroy");
        await stack.destroy({ onOutput: (s) => process.stdout.write(s) });
        await stack.workspace.removeStack(stackName);
        log("stack removed");
      } catch (err) {
        log(
          `destroy failed, clean up by hand (pulumi destroy --stack ${stackName}): ${(err as Error).message.split("\n").pop()}`,
        );
        code = 1;
      }
    }
  }
  return code;
}

if (require.main === module) runCommand("e2e", run);
