import * as assert from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { gzipSync } from "zlib";
import { parseRecord, redrive, regionOfQueueUrl } from "../../tools/redrive/redrive";

const QUEUE = "https://sqs.ap-northeast-1.amazonaws.com/123456789012/datalake-dev-speed-forwarder-dlq";
const FN = "arn:aws:lambda:ap-northeast-1:123456789012:function:datalake-dev-speed-forwarder";

/** An on-failure destination record as Lambda writes it for a failed asynchronous invocation. */
function record(n: number): string {
  const data = gzipSync(JSON.stringify({ messageType: "DATA_MESSAGE", logEvents: [{ id: String(n) }] }));
  return JSON.stringify({
    version: "1.0",
    timestamp: "2026-01-15T12:00:00.000Z",
    requestContext: {
      requestId: `r-${n}`,
      functionArn: `${FN}:$LATEST`,
      condition: "RetriesExhausted",
      approximateInvokeCount: 3,
    },
    requestPayload: { awslogs: { data: data.toString("base64") } },
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    responsePayload: { errorType: "BulkFailedError", errorMessage: "10 of 10 documents were not written" },
  });
}

/**
 * A fake SQS queue: received messages are hidden for their visibility timeout (here: until the
 * next run), deleted ones are gone.
 */
class FakeQueue {
  readonly messages = new Map<string, { body: string; hidden: boolean }>();
  add(id: string, body: string): void {
    this.messages.set(id, { body, hidden: false });
  }
  reappear(): void {
    for (const m of this.messages.values()) m.hidden = false;
  }
}

async function run(queue: FakeQueue, fails: (payload: string) => boolean, max = Infinity) {
  const sqs = new SQSClient({
    region: "ap-northeast-1",
    credentials: { accessKeyId: "A", secretAccessKey: "s" },
  });
  const lambda = new LambdaClient({
    region: "ap-northeast-1",
    credentials: { accessKeyId: "A", secretAccessKey: "s" },
  });
  const sqsMock = mockClient(sqs);
  const lambdaMock = mockClient(lambda);
  const invoked: { fn: string; payload: string }[] = [];
  sqsMock.on(ReceiveMessageCommand).callsFake((input) => {
    assert.strictEqual(input.QueueUrl, QUEUE);
    const visible = [...queue.messages.entries()]
      .filter(([, m]) => !m.hidden)
      .slice(0, input.MaxNumberOfMessages);
    for (const [, m] of visible) m.hidden = true;
    return {
      Messages: visible.map(([id, m]) => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: m.body })),
    };
  });
  sqsMock.on(DeleteMessageCommand).callsFake((input) => {
    queue.messages.delete(String(input.ReceiptHandle).slice(3));
    return {};
  });
  lambdaMock.on(InvokeCommand).callsFake((input) => {
    const payload = Buffer.from(input.Payload).toString();
    invoked.push({ fn: input.FunctionName, payload });
    assert.strictEqual(input.InvocationType, "RequestResponse");
    return fails(payload)
      ? {
          StatusCode: 200,
          FunctionError: "Unhandled",
          Payload: Buffer.from(
            JSON.stringify({ errorMessage: "3 of 3 documents were not written (HTTP 503: 3)" }),
          ),
        }
      : { StatusCode: 200, Payload: Buffer.from('{"written":1}') };
  });
  const progress: string[] = [];
  const result = await redrive(QUEUE, { sqs, lambda }, { max, progress: (l) => progress.push(l) });
  sqsMock.restore();
  lambdaMock.restore();
  return { result, invoked, progress };
}

describe("redrive against a fake dead-letter queue", () => {
  it("sends every batch back through the forwarder with its original event and empties the queue", async () => {
    const queue = new FakeQueue();
    for (let n = 1; n <= 13; n++) queue.add(`m${n}`, record(n));
    const { result, invoked } = await run(queue, () => false);
    assert.deepStrictEqual(result, { moved: 13, skipped: 0 });
    assert.strictEqual(queue.messages.size, 0);
    assert.strictEqual(invoked.length, 13);
    assert.strictEqual(invoked[0].fn, FN);
    assert.deepStrictEqual(JSON.parse(invoked[0].payload), JSON.parse(record(1)).requestPayload);
  });

  it("keeps a batch the forwarder fails on again, stops, and names the error", async () => {
    const queue = new FakeQueue();
    for (let n = 1; n <= 3; n++) queue.add(`m${n}`, record(n));
    const failing = JSON.stringify(JSON.parse(record(2)).requestPayload);
    const { result } = await run(queue, (p) => p === failing);
    assert.deepStrictEqual(result, {
      moved: 1,
      skipped: 0,
      stoppedBy:
        "the forwarder failed again on message m2 (3 of 3 documents were not written (HTTP 503: 3)); it stays in the queue",
    });
    assert.deepStrictEqual([...queue.messages.keys()], ["m2", "m3"]);
    // After the visibility timeout, once the domain is back, the next run moves the rest.
    queue.reappear();
    assert.deepStrictEqual((await run(queue, () => false)).result, { moved: 2, skipped: 0 });
    assert.strictEqual(queue.messages.size, 0);
  });

  it("leaves a message that is not a forwarder record in the queue, and stops at --max", async () => {
    const queue = new FakeQueue();
    queue.add("bad", "not json");
    queue.add("m1", record(1));
    queue.add("m2", record(2));
    const { result, progress } = await run(queue, () => false, 1);
    assert.deepStrictEqual(result, { moved: 1, skipped: 1 });
    assert.deepStrictEqual([...queue.messages.keys()].sort(), ["bad", "m2"]);
    assert.ok(progress.includes("left message bad in the queue: its body is not JSON"), progress.join("\n"));
  });

  it("reads the record and the queue's region", () => {
    assert.deepStrictEqual(
      parseRecord(JSON.stringify({ requestContext: {} })),
      "it has no requestContext.functionArn",
    );
    assert.strictEqual(regionOfQueueUrl(QUEUE), "ap-northeast-1");
    assert.strictEqual(regionOfQueueUrl("https://example.com/q"), undefined);
  });
});
