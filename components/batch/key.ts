/** The lake's customer-managed KMS key and its alias. */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { toJson } from "../shared/iam";
import { lakeKeyDirectUserRolePath, lakeLogGroupPrefix } from "../shared/lake";
import { PROJECT } from "../shared/names";
import { lakeKeyPolicy } from "./iamDocuments";
import type { AwsScope, LayerScope } from "./scope";

/** Inputs of {@link createLakeKey}. */
export interface LakeKeyInputs extends LayerScope, AwsScope {
  /** protect + retainOnDelete on the key. */
  readonly protect: boolean;
}

/** What the other units need of the key. */
export interface LakeKey {
  readonly keyArn: pulumi.Output<string>;
}

/**
 * One rotating key for every bucket, the stream, the delivery logs and the Redshift namespace and
 * its admin secret; its policy lets those services and the stack's log groups use it.
 */
export function createLakeKey(i: LakeKeyInputs): LakeKey {
  const { parent, name, stack } = i;
  const key = new aws.kms.Key(
    `${name}-key`,
    {
      description: `${PROJECT} ${stack}: the data lake (buckets, Firehose, delivery logs, Redshift namespace, admin secret)`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: toJson(
        lakeKeyPolicy({
          partition: i.partition,
          region: i.region,
          accountId: i.accountId,
          // This stack's lake log groups, and Glue's (the ETL layer's KMS-encrypted continuous logs).
          logGroupNamePatterns: [`${lakeLogGroupPrefix(stack)}*`, "/aws-glue/*"],
          directUserRolePath: lakeKeyDirectUserRolePath(stack),
        }),
      ),
    },
    { parent, protect: i.protect, retainOnDelete: i.protect },
  );
  new aws.kms.Alias(
    `${name}-key-alias`,
    { name: `alias/${PROJECT}-${stack}-lake`, targetKeyId: key.keyId },
    { parent },
  );
  return { keyArn: key.arn };
}
