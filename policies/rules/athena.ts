/** Athena rules: workgroups enforce their configuration, encrypt results with KMS and cap the bytes a query scans. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { bool, closedSchema, configNumber, forTypes, isSetString, num, obj, ruleConfig, str } from "./common";

export const ATHENA_WORKGROUP = "aws:athena/workgroup:Workgroup";
const TAGS = ["athena"];

export const athenaEnforcesConfiguration: ResourceValidationPolicy = {
  name: "datalake-athena-workgroup-enforces-configuration",
  description:
    "Every Athena workgroup enforces its configuration, so clients cannot override the result location or encryption.",
  severity: "medium",
  tags: [...TAGS, "encryption"],
  validateResource: forTypes({
    [ATHENA_WORKGROUP]: (props, args, report) => {
      // The provider's default is true; only an explicit false turns enforcement off.
      const configuration = obj(props, "configuration");
      if (
        bool(
          configuration,
          "enforceWorkgroupConfiguration",
          "configuration.enforceWorkgroupConfiguration",
        ) === false
      ) {
        report(
          `Athena workgroup "${args.name}" lets clients override its settings. Set configuration.enforceWorkgroupConfiguration: true.`,
        );
      }
    },
  }),
};

export const athenaEncryptsResults: ResourceValidationPolicy = {
  name: "datalake-athena-workgroup-encrypts-results-kms",
  description: "Every Athena workgroup encrypts query results with a KMS key (SSE_KMS or CSE_KMS).",
  severity: "high",
  tags: [...TAGS, "encryption"],
  validateResource: forTypes({
    [ATHENA_WORKGROUP]: (props, args, report) => {
      const path = "configuration.resultConfiguration.encryptionConfiguration";
      const result = obj(
        obj(props, "configuration"),
        "resultConfiguration",
        "configuration.resultConfiguration",
      );
      const enc = obj(result, "encryptionConfiguration", path);
      const option = str(enc, "encryptionOption", `${path}.encryptionOption`);
      if (
        !["SSE_KMS", "CSE_KMS"].includes(option ?? "") ||
        !isSetString(enc, "kmsKeyArn", `${path}.kmsKeyArn`)
      ) {
        report(
          `Athena workgroup "${args.name}" does not encrypt query results with KMS. Set configuration.resultConfiguration.encryptionConfiguration { encryptionOption: "SSE_KMS", kmsKeyArn }.`,
        );
      }
    },
  }),
};

export const ATHENA_CUTOFF_DEFAULTS = { maxBytesScannedCutoffPerQuery: 1024 ** 4 } as const;

export const athenaSetsCutoff: ResourceValidationPolicy = {
  name: "datalake-athena-workgroup-sets-bytes-scanned-cutoff",
  description: "Every Athena workgroup caps the bytes one query may scan, at most the configured maximum.",
  severity: "low",
  tags: [...TAGS, "cost"],
  configSchema: closedSchema({
    maxBytesScannedCutoffPerQuery: {
      type: "integer",
      minimum: 10485760,
      default: ATHENA_CUTOFF_DEFAULTS.maxBytesScannedCutoffPerQuery,
      description: "Largest allowed bytesScannedCutoffPerQuery (Athena's minimum is 10 MiB).",
    },
  }),
  validateResource: forTypes({
    [ATHENA_WORKGROUP]: (props, args, report) => {
      const max = configNumber(
        ruleConfig(args, athenaSetsCutoff.configSchema!),
        "maxBytesScannedCutoffPerQuery",
        ATHENA_CUTOFF_DEFAULTS.maxBytesScannedCutoffPerQuery,
      );
      const cutoff = num(
        obj(props, "configuration"),
        "bytesScannedCutoffPerQuery",
        "configuration.bytesScannedCutoffPerQuery",
      );
      if (cutoff === undefined) {
        report(
          `Athena workgroup "${args.name}" has no per-query scan cutoff. Set configuration.bytesScannedCutoffPerQuery (at most ${max} bytes).`,
        );
      } else if (cutoff > max) {
        report(
          `Athena workgroup "${args.name}" allows ${cutoff} bytes per query; the maximum is ${max}. Lower configuration.bytesScannedCutoffPerQuery.`,
        );
      }
    },
  }),
};

export const athenaPolicies = [athenaEnforcesConfiguration, athenaEncryptsResults, athenaSetsCutoff];
