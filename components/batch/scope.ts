import type * as pulumi from "@pulumi/pulumi";

/**
 * What every unit of the BatchLayer needs to create its resources exactly as the layer did when
 * it was one constructor: the layer itself as the parent (so every child keeps its URN, and no
 * alias is needed), the layer's name (every child is named `${name}-<role>`) and the stack.
 */
export interface LayerScope {
  /** The BatchLayer; every resource a unit creates is its direct child. */
  readonly parent: pulumi.Resource;
  /** The BatchLayer's name, the prefix of every child's logical name. */
  readonly name: string;
  /** The Pulumi stack, part of the physical names and descriptions. */
  readonly stack: string;
}

/** The account, region and partition the layer deploys into (resolved once, by the layer). */
export interface AwsScope {
  readonly partition: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
  readonly accountId: pulumi.Output<string>;
}
