/** Every rule of the pack, in one list. Side-effect free: `policies/index.ts` builds the pack from it. */
import { Policies } from "@pulumi/policy";
import { athenaPolicies } from "./athena";
import { cloudwatchPolicies } from "./cloudwatch";
import { ec2Policies } from "./ec2";
import { firehosePolicies } from "./firehose";
import { gluePolicies } from "./glue";
import { iamPolicies } from "./iam";
import { kmsPolicies } from "./kms";
import { lambdaPolicies } from "./lambda";
import { messagingPolicies } from "./messaging";
import { monitoringPolicies } from "./monitoring";
import { opensearchPolicies } from "./opensearch";
import { protectionPolicies } from "./protection";
import { redshiftPolicies } from "./redshift";
import { s3Policies } from "./s3";

export const allPolicies: Policies = [
  ...s3Policies,
  ...kmsPolicies,
  ...cloudwatchPolicies,
  ...firehosePolicies,
  ...opensearchPolicies,
  ...gluePolicies,
  ...athenaPolicies,
  ...redshiftPolicies,
  ...ec2Policies,
  ...messagingPolicies,
  ...iamPolicies,
  ...lambdaPolicies,
  ...protectionPolicies,
  ...monitoringPolicies,
];
