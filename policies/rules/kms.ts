/** KMS rules: customer-managed keys rotate and have a bounded deletion window. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { bool, closedSchema, configNumber, forTypes, num, ruleConfig, str } from "./common";

export const KMS_KEY = "aws:kms/key:Key";

export const kmsKeyEnablesRotation: ResourceValidationPolicy = {
  name: "datalake-kms-key-enables-rotation",
  description: "Every KMS key has automatic key rotation enabled.",
  severity: "high",
  tags: ["kms", "encryption"],
  validateResource: forTypes({
    [KMS_KEY]: (props, args, report) => {
      // Rotation exists only for symmetric encryption keys; asymmetric and HMAC keys cannot rotate.
      const spec = str(props, "customerMasterKeySpec") ?? "SYMMETRIC_DEFAULT";
      if (spec !== "SYMMETRIC_DEFAULT")
        return args.notApplicable(`key spec ${spec} does not support rotation`);
      if (bool(props, "enableKeyRotation") !== true) {
        report(`KMS key "${args.name}" does not rotate. Set enableKeyRotation: true.`);
      }
    },
  }),
};

export const KMS_DELETION_DEFAULTS = { minDays: 7, maxDays: 30 } as const;

export const kmsKeyBoundsDeletionWindow: ResourceValidationPolicy = {
  name: "datalake-kms-key-bounds-deletion-window",
  description:
    "Every KMS key has a deletion window within the configured bounds (AWS allows 7 to 30 days; 30 when unset).",
  severity: "medium",
  tags: ["kms", "resilience"],
  configSchema: closedSchema({
    minDays: {
      type: "integer",
      minimum: 7,
      maximum: 30,
      default: KMS_DELETION_DEFAULTS.minDays,
      description: "Shortest allowed deletionWindowInDays.",
    },
    maxDays: {
      type: "integer",
      minimum: 7,
      maximum: 30,
      default: KMS_DELETION_DEFAULTS.maxDays,
      description: "Longest allowed deletionWindowInDays.",
    },
  }),
  validateResource: forTypes({
    [KMS_KEY]: (props, args, report) => {
      const config = ruleConfig(args, kmsKeyBoundsDeletionWindow.configSchema!);
      const min = configNumber(config, "minDays", KMS_DELETION_DEFAULTS.minDays);
      const max = configNumber(config, "maxDays", KMS_DELETION_DEFAULTS.maxDays);
      // AWS applies 30 days when the window is not set.
      const days = num(props, "deletionWindowInDays") ?? 30;
      if (days < min || days > max) {
        report(
          `KMS key "${args.name}" has a deletion window of ${days} days; set deletionWindowInDays between ${min} and ${max}.`,
        );
      }
    },
  }),
};

export const kmsPolicies = [kmsKeyEnablesRotation, kmsKeyBoundsDeletionWindow];
