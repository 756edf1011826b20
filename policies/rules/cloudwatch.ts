/** CloudWatch Logs rules: every log group has a bounded retention and a KMS key. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { closedSchema, configNumber, forTypes, isSetString, num, ruleConfig } from "./common";

export const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

export const LOG_RETENTION_DEFAULTS = { minDays: 1, maxDays: 3653 } as const;

export const logGroupSetsRetention: ResourceValidationPolicy = {
  name: "datalake-cloudwatch-loggroup-sets-retention",
  description:
    "Every CloudWatch log group has a retention within the configured bounds (unset means logs are kept forever).",
  severity: "medium",
  tags: ["cloudwatch", "retention"],
  configSchema: closedSchema({
    minDays: {
      type: "integer",
      minimum: 1,
      default: LOG_RETENTION_DEFAULTS.minDays,
      description: "Shortest allowed retentionInDays.",
    },
    maxDays: {
      type: "integer",
      minimum: 1,
      default: LOG_RETENTION_DEFAULTS.maxDays,
      description: "Longest allowed retentionInDays.",
    },
  }),
  validateResource: forTypes({
    [LOG_GROUP]: (props, args, report) => {
      const config = ruleConfig(args, logGroupSetsRetention.configSchema!);
      const min = configNumber(config, "minDays", LOG_RETENTION_DEFAULTS.minDays);
      const max = configNumber(config, "maxDays", LOG_RETENTION_DEFAULTS.maxDays);
      const days = num(props, "retentionInDays");
      // 0 is what the provider reports for "never expire".
      if (!days) {
        report(
          `Log group "${args.name}" keeps its events forever. Set retentionInDays between ${min} and ${max}.`,
        );
      } else if (days < min || days > max) {
        report(
          `Log group "${args.name}" keeps events for ${days} days; set retentionInDays between ${min} and ${max}.`,
        );
      }
    },
  }),
};

export const logGroupRequiresKms: ResourceValidationPolicy = {
  name: "datalake-cloudwatch-loggroup-requires-kms-key",
  description: "Every CloudWatch log group is encrypted with a customer-managed KMS key.",
  severity: "medium",
  tags: ["cloudwatch", "encryption"],
  validateResource: forTypes({
    [LOG_GROUP]: (props, args, report) => {
      if (!isSetString(props, "kmsKeyId")) {
        report(
          `Log group "${args.name}" is not encrypted with a customer-managed key. Set kmsKeyId to a KMS key ARN whose policy allows logs.<region>.amazonaws.com.`,
        );
      }
    },
  }),
};

export const cloudwatchPolicies = [logGroupSetsRetention, logGroupRequiresKms];
