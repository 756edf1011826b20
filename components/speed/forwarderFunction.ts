/**
 * Deploy-time wiring of the forwarder Lambda (the subscription of the app log group → `_bulk` into
 * `cwl-*`): its log group, role, dead-letter queue, function, invoke permission and subscription
 * filter. The function's runtime code is in `forwarder/`; this module only deploys it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { lambdaHandlerArchive } from "../shared/bundle";
import { FORWARDER_INDEX_PREFIX } from "../shared/names";
import { LayerContext } from "./context";
import { maxBulkBytesFor } from "./forwarder/bulk";
import {
  ENDPOINT_MAX_CHARS,
  FORWARDER_ENV,
  FORWARDER_TIMEOUT_SECONDS,
  LAMBDA_ENVIRONMENT_MAX_BYTES,
  environmentBytes,
} from "./forwarder/env";
import { eventSchemaVariable } from "./forwarder/format";
import { functionRole } from "./functionRole";
import { LogGroupFactory } from "./logs";
import {
  REJECTED_DOCUMENTS_FILTER_PATTERN,
  REJECTED_DOCUMENTS_METRIC_NAME,
  metricNamespace,
} from "./metrics";
import { forwarderPolicy, logGroupSourceArn } from "./policies";
import { sourceKey } from "../shared/sources";
import { EventSchema } from "../shared/schema";

export interface ForwarderInputs extends LayerContext {
  /** The layer's key: the dead-letter queue is encrypted with it. */
  readonly key: aws.kms.Key;
  /** Makes the function's own log group (from {@link logGroups}). */
  readonly logGroup: LogGroupFactory;
  /** The log group the subscription reads. */
  readonly appLogs: aws.cloudwatch.LogGroup;
  readonly domain: aws.opensearch.Domain;
  /** The domain's data node instance type: it bounds the `_bulk` request size (maxBulkBytesFor). */
  readonly instanceType: string;
  /** Workload subnets (all of them) and the function's security group. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroup: aws.ec2.SecurityGroup;
  /** The function's egress rules to the domain; the function waits for them. */
  readonly egress: readonly pulumi.Resource[];
  readonly memoryMb: number;
  readonly maxRetryAttempts: number;
  /** Existing log groups (names) subscribed to the forwarder besides the app log group. */
  readonly sourceLogGroupNames: readonly string[];
  /** The stack's event format (passed to the function only when it is not the hands-on's). */
  readonly eventSchema: EventSchema;
}

export interface Forwarder {
  /** The function's role, mapped to the OpenSearch writer role by the bootstrap. */
  readonly role: aws.iam.Role;
  /** Lambda's on-failure destination (batches that could not be indexed). */
  readonly deadLetter: aws.sqs.Queue;
  /** The function itself (its health alarms and the dashboard read its metrics). */
  readonly forwarder: aws.lambda.Function;
}

/**
 * The forwarder's environment: where to write, how, and the stack's format when it is not the
 * hands-on's (the hands-on stacks' function configuration stays as it was).
 */
export function forwarderVariables<E>(
  endpoint: E,
  instanceType: string,
  eventSchema: EventSchema,
): Record<string, E | string> {
  const schema = eventSchemaVariable(eventSchema);
  return {
    [FORWARDER_ENV.endpoint]: endpoint,
    [FORWARDER_ENV.indexPrefix]: FORWARDER_INDEX_PREFIX,
    [FORWARDER_ENV.requestTimeoutMs]: "30000",
    [FORWARDER_ENV.bulkMaxBytes]: String(maxBulkBytesFor(instanceType)),
    ...(schema === undefined ? {} : { [FORWARDER_ENV.eventSchema]: schema }),
  };
}

/**
 * Why the forwarder's environment could exceed Lambda's 4 KB, as the end of a sentence about the
 * format ("is 4668 bytes as ..."), or `undefined`: the variables as the function gets them, with
 * the endpoint, unknown until the domain exists, at its longest. The stack's config check and the
 * layer both ask, so a format too large fails the plan, not the deploy.
 */
export function forwarderEnvironmentProblem(
  instanceType: string,
  eventSchema: EventSchema,
): string | undefined {
  const variables = forwarderVariables("x".repeat(ENDPOINT_MAX_CHARS), instanceType, eventSchema);
  const bytes = environmentBytes(variables);
  if (bytes <= LAMBDA_ENVIRONMENT_MAX_BYTES) return undefined;
  const schema = environmentBytes({
    [FORWARDER_ENV.eventSchema]: variables[FORWARDER_ENV.eventSchema] ?? "",
  });
  const over = bytes - LAMBDA_ENVIRONMENT_MAX_BYTES;
  return (
    `is ${schema} bytes as the forwarder's ${FORWARDER_ENV.eventSchema} variable, which brings the function's ` +
    `environment to ${bytes} bytes (with the longest endpoint), over Lambda's ${LAMBDA_ENVIRONMENT_MAX_BYTES} ` +
    `bytes for all of a function's variables (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html): ` +
    `shorten the format's name, field names or pattern by ${over} byte${over === 1 ? "" : "s"}`
  );
}

/** The forwarder function, its failure path and its subscription to the app log group. */
export function forwarderFunction(inputs: ForwarderInputs): Forwarder {
  const { name, parent, prefix, stack, partition, region, accountId, key, appLogs } = inputs;

  // Dead-letter queue of the forwarder: Lambda's on-failure destination (delivered by the Lambda
  // service, so it works from isolated subnets too).
  const deadLetter = new aws.sqs.Queue(
    `${name}-forwarder-dlq`,
    { kmsMasterKeyId: key.arn, kmsDataKeyReusePeriodSeconds: 300, messageRetentionSeconds: 1_209_600 },
    { parent },
  );

  const {
    functionName: forwarderName,
    logs: forwarderLogs,
    role,
    rolePolicy,
  } = functionRole({
    ...inputs,
    fn: "forwarder",
    description: "Speed layer forwarder: CloudWatch Logs subscription to OpenSearch",
    policy: (functionLogGroupArn) =>
      forwarderPolicy({
        functionLogGroupArn,
        domainArn: inputs.domainArn,
        queueArn: deadLetter.arn,
        keyArn: key.arn,
      }),
  });
  const forwarder = new aws.lambda.Function(
    `${name}-forwarder`,
    {
      name: forwarderName,
      description: "Indexes CloudWatch Logs subscription batches into OpenSearch cwl-YYYY.MM.DD",
      role: role.arn,
      runtime: aws.lambda.Runtime.NodeJS22dX,
      architectures: ["arm64"],
      handler: "index.handler",
      code: lambdaHandlerArchive("components/speed/forwarder/handler.ts"),
      memorySize: inputs.memoryMb,
      // The sender retries against the invocation's remaining time (less a 5 s reserve to log and
      // return), with each request bounded by REQUEST_TIMEOUT_MS: 300 s leave room for sustained
      // throttling of the largest batch without holding a failing one for long (Lambda's maximum
      // is 900 s, https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html).
      timeout: FORWARDER_TIMEOUT_SECONDS,
      // Lambda allows 4 KB for all variables; the layer checks them first (forwarderEnvironmentProblem).
      environment: {
        variables: forwarderVariables(inputs.domain.endpoint, inputs.instanceType, inputs.eventSchema),
      },
      vpcConfig: { subnetIds: inputs.subnetIds, securityGroupIds: [inputs.securityGroup.id] },
      loggingConfig: { logFormat: "Text", logGroup: forwarderLogs.name },
    },
    { parent, dependsOn: [rolePolicy, ...inputs.egress] },
  );
  // Documents OpenSearch rejected for their content are logged as `outcome: "rejected"` records
  // in the function's log group, not retried and not in the dead-letter queue: this metric counts
  // them (one per document) so that an alarm can watch it (metrics.ts).
  new aws.cloudwatch.LogMetricFilter(
    `${name}-forwarder-rejected-filter`,
    {
      name: `${prefix}-forwarder-rejected-documents`,
      logGroupName: forwarderLogs.name,
      pattern: REJECTED_DOCUMENTS_FILTER_PATTERN,
      metricTransformation: {
        name: REJECTED_DOCUMENTS_METRIC_NAME,
        namespace: metricNamespace(stack),
        value: "1",
        unit: "Count",
      },
    },
    { parent },
  );
  new aws.lambda.FunctionEventInvokeConfig(
    `${name}-forwarder-async`,
    {
      functionName: forwarder.name,
      maximumRetryAttempts: inputs.maxRetryAttempts,
      maximumEventAgeInSeconds: 21_600,
      destinationConfig: { onFailure: { destination: deadLetter.arn } },
    },
    { parent, dependsOn: [rolePolicy] },
  );

  // Subscription: the invoke permission first (CloudWatch Logs tests it when the filter is created).
  const permission = new aws.lambda.Permission(
    `${name}-forwarder-invoke`,
    {
      action: "lambda:InvokeFunction",
      function: forwarder.name,
      principal: pulumi.interpolate`logs.${region}.amazonaws.com`,
      sourceArn: logGroupSourceArn(partition, region, accountId, appLogs.name),
      sourceAccount: accountId,
    },
    { parent },
  );
  new aws.cloudwatch.LogSubscriptionFilter(
    `${name}-subscription`,
    {
      name: `${prefix}-to-opensearch`,
      logGroup: appLogs.name,
      filterPattern: "",
      destinationArn: forwarder.arn,
    },
    { parent, dependsOn: [permission] },
  );
  // The configured sources: one invoke permission (scoped to the group) and one subscription
  // filter each, keyed by the group's name so adding or removing one leaves the others alone.
  for (const group of inputs.sourceLogGroupNames) {
    const key = sourceKey(group);
    const sourcePermission = new aws.lambda.Permission(
      `${name}-forwarder-invoke-${key}`,
      {
        action: "lambda:InvokeFunction",
        function: forwarder.name,
        principal: pulumi.interpolate`logs.${region}.amazonaws.com`,
        sourceArn: logGroupSourceArn(partition, region, accountId, group),
        sourceAccount: accountId,
      },
      { parent },
    );
    new aws.cloudwatch.LogSubscriptionFilter(
      `${name}-subscription-${key}`,
      { name: `${prefix}-to-opensearch`, logGroup: group, filterPattern: "", destinationArn: forwarder.arn },
      { parent, dependsOn: [sourcePermission] },
    );
  }
  return { role, deadLetter, forwarder };
}
