/**
 * The operations topic and its key, proven with the rendered dev and prod graphs: every alarm and
 * EventBridge rule of the stack may publish (CloudWatch and EventBridge carry the alarm's or rule's
 * ARN as aws:SourceArn), and the alarms of another stack whose name merely starts with this one's
 * (`dev` and `dev-eu`) may not, nor the alarms of a component the stack does not have.
 */
import * as assert from "assert";
import { Graph } from "./helpers/graph";
import { renderedStack } from "../helpers/renderedStacks";
import { decide } from "./helpers/simulate";

/** Which optional publishers each stack has: the generator's agent, and the log-group sources' stream. */
const HAS = {
  dev: { "generator-agent": true, sources: false },
  prod: { "generator-agent": true, sources: false },
  "example-app": { "generator-agent": false, sources: true },
} as const;

for (const stack of ["dev", "prod", "example-app"] as const) {
  describe(`IAM proven: ${stack} operations topic admits this stack's alarms and rules only`, function () {
    this.timeout(300_000);
    let g: Graph;
    let topicArn: string;
    let topicPolicy: ReturnType<Graph["doc"]>;
    let keyPolicy: ReturnType<Graph["doc"]>;

    before(async () => {
      g = new Graph(stack, (await renderedStack(stack)).state);
      topicArn = String(g.outputs.operationsTopicArn);
      topicPolicy = g.doc(g.named("aws:sns/topicPolicy:TopicPolicy", "ops-topic-policy"), "policy");
      keyPolicy = g.doc(g.named("aws:kms/key:Key", "ops-key"), "policy");
    });

    const publish = (service: string, sourceArn: string) =>
      decide(
        {
          principal: service,
          action: "sns:Publish",
          resource: topicArn,
          context: { "aws:SourceAccount": g.account, "aws:SourceArn": sourceArn },
        },
        { resourcePolicy: topicPolicy },
      );
    const useKey = (sourceArn: string) =>
      decide(
        {
          principal: "cloudwatch.amazonaws.com",
          action: "kms:GenerateDataKey",
          resource: String(g.prop(g.named("aws:kms/key:Key", "ops-key"), "arn")),
          context: { "aws:SourceAccount": g.account, "aws:SourceArn": sourceArn },
        },
        { resourcePolicy: keyPolicy },
      );

    it("every alarm and rule of the stack that notifies the topic may publish", async () => {
      const wrong: string[] = [];
      const alarms = g
        .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
        .filter((a) => (g.prop(a, "alarmActions") as string[] | undefined)?.includes(topicArn));
      const rules = g
        .ofType("aws:cloudwatch/eventTarget:EventTarget")
        .filter((t) => g.prop(t, "arn") === topicArn)
        .map((t) => String(g.prop(t, "rule")));
      // example-app has no generator, so no rule on its agent association: the job-failure rule only.
      assert.ok(
        alarms.length >= 10 && rules.length >= (stack === "example-app" ? 1 : 2),
        `${alarms.length} alarms, ${rules.length} rules`,
      );
      for (const a of alarms) {
        const arn = `arn:aws:cloudwatch:${g.region}:${g.account}:alarm:${String(g.prop(a, "name"))}`;
        if ((await publish("cloudwatch.amazonaws.com", arn)) !== "Allowed") wrong.push(`publish ${arn}`);
        if ((await useKey(arn)) !== "Allowed") wrong.push(`key ${arn}`);
      }
      for (const name of rules) {
        const arn = `arn:aws:events:${g.region}:${g.account}:rule/${name}`;
        if ((await publish("events.amazonaws.com", arn)) !== "Allowed") wrong.push(`publish ${arn}`);
      }
      assert.deepStrictEqual(wrong, []);
    });

    it(`the alarms and rules of a stack named ${stack}-eu may not publish`, async () => {
      // `datalake-<stack>-*` admitted these; the layer in the pattern does not.
      const other = [
        [
          "cloudwatch.amazonaws.com",
          `arn:aws:cloudwatch:${g.region}:${g.account}:alarm:datalake-${stack}-eu-speed-forwarder-errors`,
        ],
        [
          "events.amazonaws.com",
          `arn:aws:events:${g.region}:${g.account}:rule/datalake-${stack}-eu-etl-job-failed`,
        ],
      ];
      const got = [];
      for (const [service, arn] of other) got.push(await publish(service, arn));
      got.push(await useKey(other[0][1]));
      assert.deepStrictEqual(got, ["ImplicitlyDenied", "ImplicitlyDenied", "ImplicitlyDenied"]);
    });

    it("admits the optional publishers the stack has, and not those it lacks", async () => {
      const got: Record<string, boolean> = {};
      for (const layer of Object.keys(HAS[stack])) {
        const arn = `arn:aws:cloudwatch:${g.region}:${g.account}:alarm:datalake-${stack}-${layer}-any`;
        got[layer] = (await publish("cloudwatch.amazonaws.com", arn)) === "Allowed";
      }
      assert.deepStrictEqual(got, HAS[stack]);
    });
  });
}
