/** OpenSearch Service rules: encryption, TLS, fine-grained access control, VPC placement, log publishing. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import {
  bool,
  closedSchema,
  configBoolean,
  configStrings,
  forTypes,
  isSetString,
  obj,
  objects,
  ruleConfig,
  str,
  strings,
} from "./common";

export const DOMAIN = "aws:opensearch/domain:Domain";
const TAGS = ["opensearch"];

export const domainEncryptsAtRest: ResourceValidationPolicy = {
  name: "datalake-opensearch-domain-encrypts-at-rest",
  description: "Every OpenSearch domain encrypts data at rest with a customer-managed KMS key.",
  severity: "high",
  tags: [...TAGS, "encryption"],
  validateResource: forTypes({
    [DOMAIN]: (props, args, report) => {
      const e = obj(props, "encryptAtRest");
      if (
        bool(e, "enabled", "encryptAtRest.enabled") !== true ||
        !isSetString(e, "kmsKeyId", "encryptAtRest.kmsKeyId")
      ) {
        report(
          `OpenSearch domain "${args.name}" must encrypt at rest with a customer-managed key. Set encryptAtRest { enabled: true, kmsKeyId: <key ARN> }.`,
        );
      }
    },
  }),
};

export const domainEncryptsNodeToNode: ResourceValidationPolicy = {
  name: "datalake-opensearch-domain-encrypts-node-to-node",
  description: "Every OpenSearch domain encrypts traffic between its nodes.",
  severity: "high",
  tags: [...TAGS, "encryption", "tls"],
  validateResource: forTypes({
    [DOMAIN]: (props, args, report) => {
      if (bool(obj(props, "nodeToNodeEncryption"), "enabled", "nodeToNodeEncryption.enabled") !== true) {
        report(
          `OpenSearch domain "${args.name}" does not encrypt node-to-node traffic. Set nodeToNodeEncryption.enabled: true.`,
        );
      }
    },
  }),
};

/** TLS security policies whose minimum is TLS 1.2 or later. */
export const TLS12_POLICIES = /^Policy-Min-TLS-1-[2-9]/;

export const domainEnforcesHttps: ResourceValidationPolicy = {
  name: "datalake-opensearch-domain-enforces-https-tls12",
  description: "Every OpenSearch domain accepts HTTPS only, with TLS 1.2 or later.",
  severity: "high",
  tags: [...TAGS, "tls"],
  validateResource: forTypes({
    [DOMAIN]: (props, args, report) => {
      const ep = obj(props, "domainEndpointOptions");
      const policy = str(ep, "tlsSecurityPolicy", "domainEndpointOptions.tlsSecurityPolicy");
      const https = bool(ep, "enforceHttps", "domainEndpointOptions.enforceHttps");
      if (https !== true || !policy || !TLS12_POLICIES.test(policy)) {
        report(
          `OpenSearch domain "${args.name}" must enforce HTTPS with TLS 1.2+: it has enforceHttps ${JSON.stringify(https ?? null)} and tlsSecurityPolicy ${JSON.stringify(policy ?? null)}. Set domainEndpointOptions { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" }.`,
        );
      }
    },
  }),
};

export const domainEnablesFgac: ResourceValidationPolicy = {
  name: "datalake-opensearch-domain-enables-fine-grained-access",
  description: "Every OpenSearch domain has fine-grained access control enabled.",
  severity: "high",
  tags: [...TAGS, "least-privilege"],
  validateResource: forTypes({
    [DOMAIN]: (props, args, report) => {
      const sec = obj(props, "advancedSecurityOptions");
      const p = "advancedSecurityOptions";
      if (
        bool(sec, "enabled", `${p}.enabled`) !== true ||
        bool(sec, "anonymousAuthEnabled", `${p}.anonymousAuthEnabled`) === true
      ) {
        report(
          `OpenSearch domain "${args.name}" must use fine-grained access control without anonymous access. Set advancedSecurityOptions { enabled: true } and map IAM roles to OpenSearch roles.`,
        );
      }
    },
  }),
};

export const domainRequiresVpc: ResourceValidationPolicy = {
  name: "datalake-opensearch-domain-requires-vpc",
  description:
    "Every OpenSearch domain is placed in a VPC (no public endpoint), unless the stack's policy config allows a public domain.",
  severity: "critical",
  tags: [...TAGS, "public-access", "network"],
  configSchema: closedSchema({
    requireVpc: {
      type: "boolean",
      default: true,
      description: "Require vpcOptions.subnetIds; false allows a public endpoint (still behind FGAC).",
    },
  }),
  validateResource: forTypes({
    [DOMAIN]: (props, args, report) => {
      if (!configBoolean(ruleConfig(args, domainRequiresVpc.configSchema!), "requireVpc", true)) return;
      if (strings(obj(props, "vpcOptions"), "subnetIds", "vpcOptions.subnetIds").length === 0) {
        report(
          `OpenSearch domain "${args.name}" has a public endpoint. Set vpcOptions { subnetIds, securityGroupIds } (one subnet per availability zone of the domain).`,
        );
      }
    },
  }),
};

export const LOG_TYPES_DEFAULT = ["ES_APPLICATION_LOGS"] as const;

export const domainPublishesLogs: ResourceValidationPolicy = {
  name: "datalake-opensearch-domain-publishes-logs",
  description: "Every OpenSearch domain publishes the configured log types to CloudWatch Logs.",
  severity: "medium",
  tags: [...TAGS, "logging"],
  configSchema: closedSchema({
    requiredLogTypes: {
      type: "array",
      items: {
        type: "string",
        enum: ["ES_APPLICATION_LOGS", "INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "AUDIT_LOGS"],
      },
      default: [...LOG_TYPES_DEFAULT],
      description: "Log types every domain must publish.",
    },
  }),
  validateResource: forTypes({
    [DOMAIN]: (props, args, report) => {
      const required = configStrings(
        ruleConfig(args, domainPublishesLogs.configSchema!),
        "requiredLogTypes",
        LOG_TYPES_DEFAULT,
      );
      const published = objects(props, "logPublishingOptions").flatMap((o, i) => {
        const p = `logPublishingOptions[${i}]`;
        const on =
          bool(o, "enabled", `${p}.enabled`) !== false &&
          isSetString(o, "cloudwatchLogGroupArn", `${p}.cloudwatchLogGroupArn`);
        return on ? [str(o, "logType", `${p}.logType`)] : [];
      });
      const missing = required.filter((t) => !published.includes(t));
      if (missing.length) {
        report(
          `OpenSearch domain "${args.name}" does not publish ${missing.join(", ")} to CloudWatch Logs. Add logPublishingOptions entries { logType, cloudwatchLogGroupArn, enabled: true } and a log group resource policy for es.amazonaws.com.`,
        );
      }
    },
  }),
};

export const opensearchPolicies = [
  domainEncryptsAtRest,
  domainEncryptsNodeToNode,
  domainEnforcesHttps,
  domainEnablesFgac,
  domainRequiresVpc,
  domainPublishesLogs,
];
