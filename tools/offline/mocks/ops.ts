/**
 * Mocks for the operations resources: the topic policy, EventBridge rules and targets, and the
 * CloudWatch dashboard. KMS keys are declared in batch.ts; SNS topics, subscriptions and metric
 * alarms in speed.ts (a type is declared once: a second declaration throws at startup).
 */
import { TypeMock, defineTypeMocks } from "./registry";

const OPS_MOCKS: Record<string, TypeMock> = {
  // The provider's id for a topic policy is the topic ARN.
  "aws:sns/topicPolicy:TopicPolicy": {
    id: (_ctx, s) => String(s.arn),
    outputs: (ctx) => ({ owner: ctx.accountId }),
  },
  "aws:cloudwatch/eventRule:EventRule": {
    autoName: "name",
    autoNameMaxLength: 64,
    // On the default bus the id is the rule name.
    id: (_ctx, s) => String(s.name),
    outputs: (ctx, s) => ({
      arn: `arn:${ctx.partition}:events:${ctx.region}:${ctx.accountId}:rule/${s.name}`,
      eventBusName: "default",
      state: "ENABLED",
    }),
  },
  "aws:cloudwatch/eventTarget:EventTarget": {
    // The provider's id is `<bus>-<rule>-<targetId>`; targetId is generated when unset.
    id: (ctx, s) => `default-${s.rule}-terraform-${ctx.hex(26)}`,
    outputs: (ctx, s) => ({ targetId: `terraform-${ctx.hex(26)}`, eventBusName: "default", rule: s.rule }),
  },
  "aws:cloudwatch/dashboard:Dashboard": {
    id: (_ctx, s) => String(s.dashboardName),
    outputs: (ctx, s) => ({
      dashboardArn: `arn:${ctx.partition}:cloudwatch::${ctx.accountId}:dashboard/${s.dashboardName}`,
    }),
  },
};

defineTypeMocks(OPS_MOCKS);
