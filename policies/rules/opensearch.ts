/** OpenSearch Service rules: encryption, TLS, fine-grained access control, VPC placement, log publishing. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { configBoolean, configStrings, forTypes, isSet, list, Props } from "./common";

export const DOMAIN = "aws:opensearch/domain:Domain";
const TAGS = ["opensearch"];

export const domainEncryptsAtRest: ResourceValidationPolicy = {
  name: "datalake-opensearch-domain-encrypts-at-rest",
  description: "Every OpenSearch domain encrypts data at rest with a customer-managed KMS key.",
  severity: "high",
  tags: [...TAGS, "encryption"],
  validateResource: forTypes({
    [DOMAIN]: (props, args, report) => {
      const e = (props.encryptAtRest ?? {}) as Props;
      if (e.enabled !== true || !isSet(e.kmsKeyId)) {
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
      if ((props.nodeToNodeEncryption as Props | undefined)?.enabled !== true) {
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
      const ep = (props.domainEndpointOptions ?? {}) as Props;
      const policy = ep.tlsSecurityPolicy as string | undefined;
      if (ep.enforceHttps !== true || !policy || !TLS12_POLICIES.test(policy)) {
        report(
          `OpenSearch domain "${args.name}" must enforce HTTPS with TLS 1.2+: it has enforceHttps ${JSON.stringify(ep.enforceHttps ?? null)} and tlsSecurityPolicy ${JSON.stringify(policy ?? null)}. Set domainEndpointOptions { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" }.`,
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
      const sec = (props.advancedSecurityOptions ?? {}) as Props;
      if (sec.enabled !== true || sec.anonymousAuthEnabled === true) {
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
  configSchema: {
    properties: {
      requireVpc: {
        type: "boolean",
        default: true,
        description: "Require vpcOptions.subnetIds; false allows a public endpoint (still behind FGAC).",
      },
    },
  },
  validateResource: forTypes({
    [DOMAIN]: (props, args, report) => {
      if (!configBoolean(args.getConfig<Record<string, unknown>>(), "requireVpc", true)) return;
      if (list((props.vpcOptions as Props | undefined)?.subnetIds).length === 0) {
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
  configSchema: {
    properties: {
      requiredLogTypes: {
        type: "array",
        items: {
          type: "string",
          enum: ["ES_APPLICATION_LOGS", "INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "AUDIT_LOGS"],
        },
        default: [...LOG_TYPES_DEFAULT],
        description: "Log types every domain must publish.",
      },
    },
  },
  validateResource: forTypes({
    [DOMAIN]: (props, args, report) => {
      const required = configStrings(
        args.getConfig<Record<string, unknown>>(),
        "requiredLogTypes",
        LOG_TYPES_DEFAULT,
      );
      const published = list(props.logPublishingOptions)
        .filter((o) => o.enabled !== false && isSet(o.cloudwatchLogGroupArn))
        .map((o) => o.logType as string);
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
