/**
 * Moves the batches in the forwarder's dead-letter queue back through the forwarder: each message
 * is the record Lambda's on-failure destination wrote for an asynchronous invocation that failed
 * after its retries ("Capturing records of Lambda asynchronous invocations",
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html): its
 * `requestPayload` is the original CloudWatch Logs event and `requestContext.functionArn` the
 * forwarder. Each batch is invoked synchronously, and the message is deleted only once the
 * forwarder returned without an error, so nothing is lost: a batch that fails again stays in the
 * queue (visible again after the visibility timeout) and the run stops, naming the error.
 * Documents carry the log event id as `_id`, so a batch written twice is not duplicated.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";

/** Longer than the forwarder's 300 s timeout: a message is hidden while its batch is re-sent. */
export const VISIBILITY_TIMEOUT_SECONDS = 360;

export interface RedriveClients {
  readonly sqs: SQSClient;
  readonly lambda: LambdaClient;
}

export interface RedriveResult {
  /** Batches the forwarder accepted (their messages deleted). */
  readonly moved: number;
  /** Messages left in the queue because they are not on-failure records of the forwarder. */
  readonly skipped: number;
  /** Why the run stopped early (the forwarder failed again), or undefined. */
  readonly stoppedBy?: string;
}

interface DestinationRecord {
  readonly requestContext?: { readonly functionArn?: string };
  readonly requestPayload?: { readonly awslogs?: { readonly data?: string } };
}

/** The function and payload of one on-failure record, or why the message is not one. */
export function parseRecord(body: string | undefined): { functionArn: string; payload: string } | string {
  let record: DestinationRecord;
  try {
    record = JSON.parse(body ?? "") as DestinationRecord;
  } catch {
    return "its body is not JSON";
  }
  const functionArn = record?.requestContext?.functionArn;
  if (typeof functionArn !== "string" || !functionArn.startsWith("arn:")) {
    return "it has no requestContext.functionArn";
  }
  if (typeof record.requestPayload?.awslogs?.data !== "string") {
    return "its requestPayload is not a CloudWatch Logs subscription event";
  }
  // The unqualified function: the record's ARN may carry the version that failed ($LATEST).
  return {
    functionArn: functionArn.replace(/:(\$LATEST|\d+)$/, ""),
    payload: JSON.stringify(record.requestPayload),
  };
}

/** Re-drives up to `max` batches from `queueUrl`. */
export async function redrive(
  queueUrl: string,
  clients: RedriveClients,
  options: { readonly max: number; readonly progress: (line: string) => void },
): Promise<RedriveResult> {
  let moved = 0;
  let skipped = 0;
  const seen = new Set<string>();
  while (moved < options.max) {
    const received = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, options.max - moved),
        VisibilityTimeout: VISIBILITY_TIMEOUT_SECONDS,
        WaitTimeSeconds: 1,
      }),
    );
    const messages = received.Messages ?? [];
    // A skipped message comes back after its visibility timeout; seen twice means the queue holds
    // nothing else.
    if (messages.length === 0 || messages.every((m) => seen.has(m.MessageId ?? ""))) break;
    for (const m of messages) {
      if (seen.has(m.MessageId ?? "")) continue;
      seen.add(m.MessageId ?? "");
      const parsed = parseRecord(m.Body);
      if (typeof parsed === "string") {
        skipped++;
        options.progress(`left message ${m.MessageId} in the queue: ${parsed}`);
        continue;
      }
      const out = await clients.lambda.send(
        new InvokeCommand({
          FunctionName: parsed.functionArn,
          InvocationType: "RequestResponse",
          Payload: Buffer.from(parsed.payload),
        }),
      );
      if (out.FunctionError) {
        const text = out.Payload ? Buffer.from(out.Payload).toString("utf8") : "";
        let reason = text;
        try {
          reason = (JSON.parse(text) as { errorMessage?: string }).errorMessage ?? text;
        } catch {
          // The payload is not JSON: its text is the reason.
        }
        return {
          moved,
          skipped,
          stoppedBy: `the forwarder failed again on message ${m.MessageId} (${reason.split("\n")[0].slice(0, 300)}); it stays in the queue`,
        };
      }
      await clients.sqs.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }),
      );
      moved++;
      options.progress(`re-drove message ${m.MessageId} through ${parsed.functionArn}`);
      if (moved >= options.max) break;
    }
  }
  return { moved, skipped };
}

/** The region of a queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`). */
export function regionOfQueueUrl(url: string): string | undefined {
  return /^https:\/\/sqs\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?\/\d{12}\/[^/]+$/.exec(url)?.[1];
}
