/** The SpeedLayer's customer-managed KMS key. */
import * as aws from "@pulumi/aws";
import { toJson } from "../shared/iam";
import { LayerContext } from "./context";
import { keyPolicy } from "./policies";

/**
 * One customer-managed key for the layer's data at rest: domain, log groups, secret, topic, queue.
 * Stateful: it follows the layer's protect + retainOnDelete.
 */
export function layerKey(ctx: LayerContext): aws.kms.Key {
  const { name, prefix, partition, region, accountId, stateful } = ctx;
  return new aws.kms.Key(
    `${name}-key`,
    {
      description: `${prefix}: OpenSearch domain, log groups, admin secret, alarm topic, dead-letter queue`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: toJson(keyPolicy({ partition, region, accountId })),
    },
    stateful,
  );
}
