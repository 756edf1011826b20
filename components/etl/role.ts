/**
 * The job's identity: its role and the least-privilege inline policy built from the documents in
 * policy.ts.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, toJson } from "../shared/iam";
import { lakeKeyDirectUserRolePath } from "../shared/lake";
import { jobRolePolicy } from "./policy";
import { AccountScope, UnitBase } from "./unit";

export interface JobRole {
  readonly role: aws.iam.Role;
  /** The role's path; Glue puts it into the names of the job's log groups. */
  readonly rolePath: string;
}

/** The role only Glue may assume. */
export function jobRole(i: UnitBase): JobRole {
  // Under the lake key's direct-user path: job-bookmark encryption (CSE-KMS) calls KMS directly.
  const rolePath = lakeKeyDirectUserRolePath(pulumi.getStack());
  const role = new aws.iam.Role(
    `${i.name}-job-role`,
    {
      description: "Glue ETL job of the data lake: raw JSON to curated Parquet.",
      path: rolePath,
      assumeRolePolicy: toJson(assumeRolePolicy("glue.amazonaws.com")),
    },
    { parent: i.parent },
  );
  return { role, rolePath };
}

export interface JobPolicyInputs extends UnitBase {
  readonly role: aws.iam.Role;
  readonly scope: AccountScope;
  readonly databaseName: pulumi.Input<string>;
  readonly rawBucketArn: pulumi.Input<string>;
  readonly curatedBucketArn: pulumi.Input<string>;
  readonly keyArn: pulumi.Input<string>;
  /** Names of the job's log groups, the only groups it may write to. */
  readonly logGroupNames: pulumi.Output<string>[];
}

/** The job role's inline policy: exact prefixes, the lake database, the lake key, its own log groups. */
export function jobPolicy(i: JobPolicyInputs): aws.iam.RolePolicy {
  return new aws.iam.RolePolicy(
    `${i.name}-job-policy`,
    {
      role: i.role.id,
      policy: pulumi.jsonStringify(
        pulumi
          .output({
            partition: i.scope.partition,
            region: i.scope.region,
            accountId: i.scope.accountId,
            databaseName: i.databaseName,
            rawBucketArn: i.rawBucketArn,
            curatedBucketArn: i.curatedBucketArn,
            keyArn: i.keyArn,
            logGroupNames: i.logGroupNames,
          })
          .apply(jobRolePolicy),
      ),
    },
    { parent: i.parent },
  );
}
