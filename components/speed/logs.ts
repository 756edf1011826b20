/** The SpeedLayer's CloudWatch Logs groups and the resource policy the domain publishes through. */
import * as aws from "@pulumi/aws";
import { toJson } from "../shared/iam";
import { LayerContext } from "./context";
import { DOMAIN_LOG_TYPES, DomainLogType, domainLogsResourcePolicy } from "./policies";

export interface LogGroupsInputs extends LayerContext {
  /** The layer's key; every group is encrypted with it. */
  readonly key: aws.kms.Key;
  /** Retention of every group (days, a CloudWatch Logs value, validated by the layer). */
  readonly logRetentionDays: number;
}

/** A log group of the layer: `${name}-<role>`, encrypted with the layer's key, with its retention. */
export type LogGroupFactory = (role: string, logGroupName: string) => aws.cloudwatch.LogGroup;

export interface LogGroups {
  /** The application log group the agent writes (and the alarm and subscription read). */
  readonly appLogs: aws.cloudwatch.LogGroup;
  /** One group per published domain log type, in {@link DOMAIN_LOG_TYPES} order. */
  readonly domainLogGroups: readonly { type: DomainLogType; group: aws.cloudwatch.LogGroup }[];
  /** The resource policy that lets the domain write its groups; the domain depends on it. */
  readonly domainLogsPolicy: aws.cloudwatch.LogResourcePolicy;
  /** Makes the functions' own groups the same way. */
  readonly logGroup: LogGroupFactory;
}

/** The app log group, the domain's log groups and their resource policy. */
export function logGroups(inputs: LogGroupsInputs): LogGroups {
  const { name, parent, prefix, logPath, accountId, domainArn, key, logRetentionDays } = inputs;
  const logGroup: LogGroupFactory = (role, logGroupName) =>
    new aws.cloudwatch.LogGroup(
      `${name}-${role}`,
      { name: logGroupName, retentionInDays: logRetentionDays, kmsKeyId: key.arn },
      { parent },
    );
  const appLogs = logGroup("app-logs", `${logPath}/app`);
  const domainLogGroups = DOMAIN_LOG_TYPES.map((type) => ({
    type,
    group: logGroup(
      `domain-${type.toLowerCase().replace(/_/g, "-")}`,
      `${logPath}/opensearch/${type.toLowerCase()}`,
    ),
  }));
  const domainLogsPolicy = new aws.cloudwatch.LogResourcePolicy(
    `${name}-domain-logs-policy`,
    {
      policyName: `${prefix}-opensearch-logs`,
      policyDocument: toJson(
        domainLogsResourcePolicy(
          domainLogGroups.map((g) => g.group.arn),
          domainArn,
          accountId,
        ),
      ),
    },
    { parent },
  );
  return { appLogs, domainLogGroups, domainLogsPolicy, logGroup };
}
