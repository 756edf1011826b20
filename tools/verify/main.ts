/**
 * `npm run verify -- <stack> [--outputs FILE] [--etl] [--timeout S] [--help]`: proves a deployed
 * stack works hop by hop (see docs/verify.md). Exit 0 every hop passed, 1 a hop failed or timed
 * out, 2 a usage error or missing credentials/outputs — always one sentence, never a stack trace.
 */
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { SSMClient } from "@aws-sdk/client-ssm";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { AthenaClient } from "@aws-sdk/client-athena";
import { GlueClient } from "@aws-sdk/client-glue";
import { HELP, parseArgs } from "./args";
import { UsageError, loadOutputs, readOutputs } from "./outputs";
import { deployerExtraPolicy, operatorPolicy, policyOutputs } from "./policy";
import { renderTable, runVerify, verdict } from "./run";

// This project requires Node.js 22 or later (package.json engines; npm ci warns on an older one).
// On an older Node the AWS SDK adds a 9-line notice of its own about the same to verify's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** What the SDK clients accept as `credentials`. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}
export type CredentialProvider = () => Promise<Credentials>;

/** How long the credential lookup may take before verify gives up (instance metadata can hang). */
export const CREDENTIALS_TIMEOUT_MS = 10_000;

/**
 * Resolves credentials once through the SDK's default chain (environment, shared files, SSO,
 * process, web identity, container and instance metadata), so that missing credentials are one
 * sentence and exit 2 before anything is written. Set AWS_EC2_METADATA_DISABLED=true to skip the
 * instance metadata lookup off EC2 (the tests do, so they never leave the machine).
 */
export async function checkCredentials(
  provider: CredentialProvider = defaultProvider(),
  timeoutMs = CREDENTIALS_TIMEOUT_MS,
): Promise<CredentialProvider> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const creds = await Promise.race([
      provider(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
    if (!creds?.accessKeyId) throw new Error("the provider returned no access key");
    // The same chain again for the clients, so temporary credentials are refreshed on a long run.
    return provider;
  } catch (err) {
    const reason = ((err as Error).message ?? String(err)).split("\n")[0];
    throw new UsageError(
      `No AWS credentials were found (${reason}); configure them (aws configure, aws sso login or AWS_PROFILE) and run verify again.`,
    );
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** The policy document `--print-policy` / `--print-deployer-policy` prints. */
export async function policyFromOutputs(
  who: "operator" | "deployer",
  raw: unknown,
  source: string,
  etl: boolean,
): Promise<object> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new UsageError(`The outputs in ${source} are not a JSON object of output names and values.`);
  }
  const values = raw as Record<string, unknown>;
  if (who === "deployer") {
    if (typeof values.alarmTopicArn !== "string") {
      throw new UsageError(
        `The outputs in ${source} lack alarmTopicArn; run pulumi up with this version of the program first.`,
      );
    }
    return deployerExtraPolicy(values.alarmTopicArn);
  }
  return operatorPolicy(policyOutputs(values, source, etl), etl);
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args === "help") {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (args.printPolicy !== undefined) {
      const { raw, source } = await readOutputs(args.stack, args.outputsFile);
      process.stdout.write(
        `${JSON.stringify(await policyFromOutputs(args.printPolicy, raw, source, args.etl), null, 2)}\n`,
      );
      return 0;
    }
    const outputs = await loadOutputs(args.stack, args.outputsFile, args.etl);
    const credentials = await checkCredentials();
    const config = { region: outputs.region, credentials };
    const clients = {
      ssm: new SSMClient(config),
      logs: new CloudWatchLogsClient(config),
      lambda: new LambdaClient(config),
      s3: new S3Client(config),
      athena: new AthenaClient(config),
      glue: new GlueClient(config),
    };
    process.stderr.write(
      `Verifying stack ${args.stack} in ${outputs.region} (budget ${args.timeoutSeconds} s).\n`,
    );
    const report = await runVerify(
      outputs,
      { etl: args.etl, timeoutSeconds: args.timeoutSeconds, lineTemplate: args.lineTemplate },
      {
        clients,
        now: Date.now,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        progress: (line) => process.stderr.write(`${line}\n`),
      },
    );
    process.stdout.write(`marker ${report.marker}\n${renderTable(report.results)}\n`);
    const { code, sentence } = verdict(report.results);
    process.stderr.write(`${sentence}\n`);
    return code;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    // Anything else is a bug in verify itself: still one sentence, and exit 1.
    process.stderr.write(`verify stopped unexpectedly: ${(err as Error).message ?? String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    () => process.exit(1),
  );
}
