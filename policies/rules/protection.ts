/**
 * Protection: in stacks whose policy config asks for it (prod), stateful resources carry
 * `protect`. The analyzer protocol passes `protect` but not `retainOnDelete` to policies, so only
 * `protect` can be checked; the program sets both.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { closedSchema, configBoolean, forTypes, ruleConfig, TypedValidator } from "./common";

export const STATEFUL_TYPES = [
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
  "aws:kms/key:Key",
  "aws:opensearch/domain:Domain",
  "aws:redshiftserverless/namespace:Namespace",
  "aws:redshift/cluster:Cluster",
  "aws:glue/catalogDatabase:CatalogDatabase",
] as const;

const PROTECTION_SCHEMA = closedSchema({
  requireProtection: {
    type: "boolean",
    default: false,
    description: "Require protect: true on stateful resources (prod).",
  },
});

const requireProtect: TypedValidator = (_props, args, report) => {
  if (!configBoolean(ruleConfig(args, PROTECTION_SCHEMA), "requireProtection", false)) return;
  if (!args.opts.protect) {
    report(
      `Stateful resource "${args.name}" (${args.type}) is not protected, so a destroy or replacement would delete its data. Pass { protect: true, retainOnDelete: true } (the stack config protection.protectStatefulResources).`,
    );
  }
};

export const statefulRequiresProtection: ResourceValidationPolicy = {
  name: "datalake-stack-statefulresource-requires-protection",
  description:
    "Stateful resources (buckets, KMS keys, the OpenSearch domain, the Redshift namespace, the catalog database) are protected, where the stack's policy config requires it.",
  severity: "high",
  tags: ["protection", "resilience"],
  configSchema: PROTECTION_SCHEMA,
  validateResource: forTypes(Object.fromEntries(STATEFUL_TYPES.map((t) => [t, requireProtect]))),
};

export const protectionPolicies = [statefulRequiresProtection];
