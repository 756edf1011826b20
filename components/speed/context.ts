/**
 * The facts every wiring unit of the SpeedLayer shares: the layer (parent) and its name, the
 * account, region and partition, and the names derived from them once.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { domainArn as buildDomainArn, domainName as buildDomainName } from "./policies";

/**
 * What each unit receives with its own inputs. The units are plain functions that register their
 * resources with `parent` (the layer) and `${name}-<role>` names, so every URN is the one the
 * layer had when it was a single constructor.
 */
export interface LayerContext {
  /** The layer's name; every child is named `${name}-<role>`. */
  readonly name: string;
  /** The layer itself, the parent of every child. */
  readonly parent: pulumi.Resource;
  /** Options of the stateful children (domain, key, secret): the layer's protect + retainOnDelete. */
  readonly stateful: pulumi.CustomResourceOptions;
  readonly partition: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
  readonly accountId: pulumi.Output<string>;
  /** The stack, the namespace of the layer's CloudWatch metrics. */
  readonly stack: string;
  /** `<project>-<stack>-<name>`, the base of the physical names. */
  readonly prefix: string;
  /** `/<project>/<stack>/<name>`, the base of the log group and secret names. */
  readonly logPath: string;
  /** The OpenSearch domain's name. */
  readonly domainName: string;
  /**
   * The domain's ARN, built from its name rather than read from the domain: the log resource
   * policy, the role policies and the domain's own access policy need it before the domain exists.
   */
  readonly domainArn: pulumi.Output<string>;
}

/** The context of the layer `name`, with the invokes parented to the layer as before. */
export function layerContext(name: string, parent: pulumi.Resource, protect: boolean): LayerContext {
  const region = aws.getRegionOutput({}, { parent }).region;
  const accountId = aws.getCallerIdentityOutput({}, { parent }).accountId;
  const partition = aws.getPartitionOutput({}, { parent }).partition;
  const project = pulumi.getProject();
  const stack = pulumi.getStack();
  const domainName = buildDomainName(
    project,
    stack,
    name,
    createHash("sha256").update(`${project}/${stack}/${name}`).digest("hex"),
  );
  return {
    name,
    parent,
    stateful: { parent, protect, retainOnDelete: protect },
    partition,
    region,
    accountId,
    stack,
    prefix: `${project}-${stack}-${name}`,
    logPath: `/${project}/${stack}/${name}`,
    domainName,
    domainArn: buildDomainArn(partition, region, accountId, domainName),
  };
}
