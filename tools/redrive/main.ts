/**
 * `npm run redrive -- <stack> [--outputs FILE] [--max N] [--help]`: sends the batches waiting in
 * the forwarder's dead-letter queue back through the forwarder (see redrive.ts and the runbook in
 * docs/speed.md). Exit 0 the queue was emptied (or --max reached), 1 the forwarder failed again
 * or a message was left, 2 usage error or missing outputs/credentials.
 */
import * as fs from "fs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { CommandSpec, HelpRequested, UsageError, helpText, parseCommandLine, usageLine } from "../cli";
import { execCommand } from "../verify/outputs";
import { checkCredentials } from "../verify/main";
import { redrive, regionOfQueueUrl } from "./redrive";

export const REDRIVE_COMMAND: CommandSpec = {
  command: "npm run redrive --",
  positionals: ["<stack>"],
  summary:
    "Sends each batch waiting in the forwarder's dead-letter queue (stack output forwarderDeadLetterQueueUrl) " +
    "back through the forwarder, synchronously, and deletes its message only once the forwarder succeeded.",
  options: {
    outputs: {
      type: "string",
      value: "FILE",
      description: "read the outputs from FILE (pulumi stack output --json) instead of Pulumi",
    },
    max: { type: "string", value: "N", description: "re-drive at most N batches (default: all)" },
  },
  details:
    "Exit codes: 0 the queue was emptied or N batches were re-driven, 1 the forwarder failed again " +
    "(the batch stays in the queue) or a message is not a forwarder record, 2 usage error or missing " +
    "credentials/outputs. See docs/speed.md (Dead-letter queue).",
};

export async function main(argv: readonly string[]): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseCommandLine(REDRIVE_COMMAND, argv);
    } catch (err) {
      if (err instanceof HelpRequested) {
        process.stdout.write(`${helpText(REDRIVE_COMMAND)}\n`);
        return 0;
      }
      throw err;
    }
    const usage = usageLine(REDRIVE_COMMAND);
    const stack = parsed.positionals[0];
    if (stack === undefined)
      throw new UsageError(`Name the stack whose dead-letter queue to re-drive. ${usage}`);
    const rawMax = parsed.values.max as string | undefined;
    const max = rawMax === undefined ? Infinity : Number(rawMax);
    if (rawMax !== undefined && (!Number.isInteger(max) || max < 1)) {
      throw new UsageError(`--max is "${rawMax}"; give a whole number of batches, 1 or more. ${usage}`);
    }
    const file = parsed.values.outputs as string | undefined;
    let text: string;
    try {
      text =
        file !== undefined
          ? fs.readFileSync(file, "utf8")
          : await execCommand("pulumi", ["stack", "output", "--json", "--stack", stack]);
    } catch (err) {
      throw new UsageError(
        `Cannot read the outputs of stack ${stack} (${(err as Error).message.split("\n")[0]}); pass --outputs FILE.`,
      );
    }
    let queueUrl: unknown;
    try {
      queueUrl = (JSON.parse(text) as Record<string, unknown>).forwarderDeadLetterQueueUrl;
    } catch {
      throw new UsageError(`The outputs of stack ${stack} are not valid JSON.`);
    }
    const region = typeof queueUrl === "string" ? regionOfQueueUrl(queueUrl) : undefined;
    if (typeof queueUrl !== "string" || region === undefined) {
      throw new UsageError(
        `The outputs of stack ${stack} have no forwarderDeadLetterQueueUrl with a region; run pulumi up with this version of the program first.`,
      );
    }
    const credentials = await checkCredentials();
    const config = { region, credentials };
    const result = await redrive(
      queueUrl,
      { sqs: new SQSClient(config), lambda: new LambdaClient(config) },
      { max, progress: (line) => process.stderr.write(`${line}\n`) },
    );
    const summary = `Re-drove ${result.moved} batch${result.moved === 1 ? "" : "es"} from ${queueUrl}`;
    if (result.stoppedBy !== undefined) {
      process.stderr.write(`${summary}, then stopped: ${result.stoppedBy}.\n`);
      return 1;
    }
    if (result.skipped > 0) {
      process.stderr.write(
        `${summary}; ${result.skipped} message(s) that are not forwarder records stay in the queue.\n`,
      );
      return 1;
    }
    process.stderr.write(`${summary}.\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    process.stderr.write(`redrive stopped unexpectedly: ${(err as Error).message ?? String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    () => process.exit(1),
  );
}
