/**
 * Lambda rules: service principals are scoped by a source ARN, and functions invoked
 * asynchronously (by CloudWatch Logs, SNS, S3 or EventBridge) keep failed events.
 */
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { forStackTypes, forTypes, isSetString, nameOf, obj, str, within } from "./common";

export const LAMBDA_FUNCTION = "aws:lambda/function:Function";
export const LAMBDA_PERMISSION = "aws:lambda/permission:Permission";
export const LAMBDA_EVENT_INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig";
export const LOG_SUBSCRIPTION_FILTER = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter";
export const SNS_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";

export const lambdaPermissionRequiresSourceArn: ResourceValidationPolicy = {
  name: "datalake-lambda-permission-requires-source-arn",
  description:
    "Every Lambda permission granted to an AWS service principal names the source ARN, so no other account's resource can invoke the function.",
  severity: "high",
  tags: ["lambda", "least-privilege"],
  validateResource: forTypes({
    [LAMBDA_PERMISSION]: (props, args, report) => {
      const principal = str(props, "principal") ?? "";
      if (!/\.amazonaws\.com(\.cn)?$/.test(principal))
        return args.notApplicable("the principal is not an AWS service");
      if (!isSetString(props, "sourceArn")) {
        report(
          `Lambda permission "${args.name}" lets ${principal} invoke the function from any resource. Set sourceArn (for CloudWatch Logs: arn:aws:logs:<region>:<account>:log-group:<name>:*).`,
        );
      }
    },
  }),
};

/** Service principals that invoke Lambda asynchronously. */
const ASYNC_PRINCIPALS = /^(logs(\.[a-z0-9-]+)?|sns|s3|events)\.amazonaws\.com$/;

const functionsOf = (r: PolicyResource, prop: string) =>
  (r.propertyDependencies[prop] ?? []).filter((d) => d.type === LAMBDA_FUNCTION);

export const lambdaRequiresFailureDestination: StackValidationPolicy = {
  name: "datalake-lambda-function-requires-failure-destination",
  description:
    "Every Lambda function invoked asynchronously has a dead-letter queue or an on-failure destination, so no event is silently lost.",
  severity: "medium",
  tags: ["lambda", "resilience"],
  validateStack: forStackTypes([LAMBDA_FUNCTION], (functions, args, report) => {
    const asyncTargets = new Map<string, string>();
    for (const r of args.resources) {
      const principal = r.type === LAMBDA_PERMISSION ? within(r, (p) => str(p, "principal")) : undefined;
      if (principal !== undefined && ASYNC_PRINCIPALS.test(principal)) {
        for (const f of functionsOf(r, "function")) asyncTargets.set(f.urn, principal);
      } else if (r.type === LOG_SUBSCRIPTION_FILTER) {
        for (const f of functionsOf(r, "destinationArn"))
          asyncTargets.set(f.urn, "a CloudWatch Logs subscription");
      } else if (r.type === SNS_SUBSCRIPTION && within(r, (p) => str(p, "protocol")) === "lambda") {
        for (const f of functionsOf(r, "endpoint")) asyncTargets.set(f.urn, "an SNS subscription");
      }
    }
    const onFailure = new Set<string>();
    for (const r of args.resources) {
      if (r.type !== LAMBDA_EVENT_INVOKE_CONFIG) continue;
      const destination = within(r, (p) =>
        isSetString(
          obj(obj(p, "destinationConfig"), "onFailure", "destinationConfig.onFailure"),
          "destination",
          "destinationConfig.onFailure.destination",
        ),
      );
      if (!destination) continue;
      for (const f of functionsOf(r, "functionName")) onFailure.add(f.urn);
    }
    for (const f of functions) {
      const via = asyncTargets.get(f.urn);
      if (!via) continue;
      const dlq = within(f, (p) =>
        isSetString(obj(p, "deadLetterConfig"), "targetArn", "deadLetterConfig.targetArn"),
      );
      if (!dlq && !onFailure.has(f.urn)) {
        report(
          `Lambda function ${nameOf(f)} is invoked asynchronously by ${via} but has no dead-letter queue or on-failure destination. Set deadLetterConfig.targetArn (an encrypted SQS queue) or add a FunctionEventInvokeConfig with destinationConfig.onFailure.`,
          f.urn,
        );
      }
    }
  }),
};

export const lambdaPolicies = [lambdaPermissionRequiresSourceArn, lambdaRequiresFailureDestination];
