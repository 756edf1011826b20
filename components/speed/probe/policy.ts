/**
 * The IAM document of the verify probe's role (pure; the SpeedLayer serializes it with `toJson`):
 * its own log group, the ENIs of a function in a VPC, and `_search` on the two log index families
 * of the domain — no write, no other path. What the role may read inside those indices is decided
 * again by fine-grained access control, where it is mapped to the read-only reader role.
 */
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, policyDocument } from "../../shared/iam";
import { VPC_ACCESS_STATEMENT } from "../policies";
import { PROBE_INDEX_PATTERNS } from "./search";

type S = pulumi.Input<string>;

export function probePolicy(args: { functionLogGroupArn: S; domainArn: S }): PolicyDocument {
  return policyDocument(
    {
      Sid: "OwnLogGroup",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [args.functionLogGroupArn, pulumi.interpolate`${args.functionLogGroupArn}:log-stream:*`],
    },
    VPC_ACCESS_STATEMENT,
    {
      Sid: "SearchLogIndices",
      Effect: "Allow",
      // The OpenSearch client sends _search as POST with a body; GET is the same API without one.
      Action: ["es:ESHttpGet", "es:ESHttpPost"],
      Resource: PROBE_INDEX_PATTERNS.map((p) => pulumi.interpolate`${args.domainArn}/${p}/_search`),
    },
  );
}
