/** What the SpeedLayer grants the generator's role (the role itself belongs to the network layer). */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { toJson } from "../shared/iam";
import { LayerContext } from "./context";
import { generatorGrants } from "./policies";

export interface GeneratorAccessInputs extends LayerContext {
  /** Name of the generator's IAM role. */
  readonly generatorRoleName: pulumi.Input<string>;
  /** The application log group the generator's agent writes. */
  readonly appLogs: aws.cloudwatch.LogGroup;
}

/** The generator's grants: its log group and `_bulk` on the domain, nothing more. */
export function generatorAccess(inputs: GeneratorAccessInputs): aws.iam.RolePolicy {
  const { name, parent, generatorRoleName, appLogs, domainArn } = inputs;
  return new aws.iam.RolePolicy(
    `${name}-generator-grants`,
    { role: generatorRoleName, policy: toJson(generatorGrants(appLogs.arn, domainArn)) },
    { parent },
  );
}
