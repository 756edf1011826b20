/** Redshift rules (Serverless and provisioned): encrypted with a customer-managed KMS key, never publicly accessible. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { bool, forTypes, isSetString, str } from "./common";

export const RS_NAMESPACE = "aws:redshiftserverless/namespace:Namespace";
export const RS_WORKGROUP = "aws:redshiftserverless/workgroup:Workgroup";
export const RS_CLUSTER = "aws:redshift/cluster:Cluster";

export const redshiftRequiresKms: ResourceValidationPolicy = {
  name: "datalake-redshift-namespace-requires-kms-key",
  description:
    "Every Redshift Serverless namespace and provisioned cluster is encrypted with a customer-managed KMS key.",
  severity: "high",
  tags: ["redshift", "encryption"],
  validateResource: forTypes({
    [RS_NAMESPACE]: (props, args, report) => {
      if (!isSetString(props, "kmsKeyId"))
        report(
          `Redshift Serverless namespace "${args.name}" uses an AWS-owned key. Set kmsKeyId to the lake's KMS key ARN.`,
        );
    },
    [RS_CLUSTER]: (props, args, report) => {
      // In pulumi-aws v7 `encrypted` is a string ("true"/"false"); clusters are encrypted by default.
      // Earlier versions took a boolean, so both forms are read.
      const encrypted =
        typeof props.encrypted === "boolean" ? String(props.encrypted) : str(props, "encrypted");
      if (encrypted === "false" || !isSetString(props, "kmsKeyId")) {
        report(
          `Redshift cluster "${args.name}" must be encrypted with a customer-managed key. Leave encrypted on and set kmsKeyId.`,
        );
      }
    },
  }),
};

export const redshiftNotPublic: ResourceValidationPolicy = {
  name: "datalake-redshift-workgroup-disallows-public-access",
  description: "No Redshift Serverless workgroup or provisioned cluster is publicly accessible.",
  severity: "critical",
  tags: ["redshift", "public-access"],
  validateResource: forTypes({
    [RS_WORKGROUP]: (props, args, report) => {
      if (bool(props, "publiclyAccessible") === true)
        report(
          `Redshift Serverless workgroup "${args.name}" is publicly accessible. Set publiclyAccessible: false and reach it through the VPC.`,
        );
    },
    [RS_CLUSTER]: (props, args, report) => {
      if (bool(props, "publiclyAccessible") === true)
        report(
          `Redshift cluster "${args.name}" is publicly accessible. Set publiclyAccessible: false and reach it through the VPC.`,
        );
    },
  }),
};

export const redshiftPolicies = [redshiftRequiresKms, redshiftNotPublic];
