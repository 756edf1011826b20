/**
 * What the EtlLayer's units share. Each unit is a plain function, not a child component: it
 * registers its resources with the layer as parent and `${name}-<role>` as logical name, exactly as
 * the constructor did before the split, so no URN changes and an existing stack needs no aliases.
 */
import * as pulumi from "@pulumi/pulumi";

/** The layer the unit's resources belong to, and the layer's name (the prefix of every logical name). */
export interface UnitBase {
  readonly parent: pulumi.Resource;
  readonly name: string;
}

/** Where the layer is deployed: the parts of the ARNs its IAM policies name. */
export interface AccountScope {
  readonly partition: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
  readonly accountId: pulumi.Output<string>;
}
