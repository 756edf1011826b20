/**
 * End-to-end test of a real deployment (needs an AWS account and a Pulumi backend; not part of
 * `npm test`): `npm run e2e [-- --keep]`.
 *
 * With the Automation API it creates an ephemeral stack `e2e-<random>` from the dev stack's
 * values (Pulumi.dev.yaml), runs `up` with the policy pack and its dev config, runs
 * `npm run verify` against the stack's outputs (with --etl), then `destroy` and `stack rm` —
 * also when `up` or verify failed, unless --keep is given (to look at a failure). Exit code:
 * verify's (0 all hops passed, 1 a hop failed), or 1 when up/destroy failed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { randomBytes } from "crypto";
import { parse } from "yaml";
import { ConfigMap, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { main as verify } from "../verify/main";

const ROOT = path.join(__dirname, "..", "..");
const SOURCE_STACK = "dev";

/** The dev stack's config as an Automation API ConfigMap (objects as JSON, set by path = false). */
export function configFromStackFile(file: string): ConfigMap {
  const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  const config: ConfigMap = {};
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    config[key] = { value: typeof value === "string" ? value : JSON.stringify(value) };
  }
  return config;
}

async function run(): Promise<number> {
  const keep = process.argv.includes("--keep");
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

if (require.main === module) {
  run().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`e2e: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
