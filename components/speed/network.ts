/** The SpeedLayer's security groups and their 443 rules. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LayerContext } from "./context";

export interface NetworkInputs extends LayerContext {
  /** VPC of the domain and the functions. */
  readonly vpcId: pulumi.Input<string>;
  /** Security group of the generator, admitted to the domain on 443. */
  readonly generatorSecurityGroupId: pulumi.Input<string>;
}

export interface Network {
  readonly domainSg: aws.ec2.SecurityGroup;
  readonly forwarderSg: aws.ec2.SecurityGroup;
  readonly bootstrapSg: aws.ec2.SecurityGroup;
  /** The domain's rules (generator, forwarder, bootstrap); the bootstrap run waits for them. */
  readonly ingress: readonly aws.vpc.SecurityGroupIngressRule[];
  /** The functions' rules towards the domain; the functions wait for them. */
  readonly egress: readonly aws.vpc.SecurityGroupEgressRule[];
}

/** The domain admits the generator and the two functions on 443 and nothing else. */
export function network(inputs: NetworkInputs): Network {
  const { name, parent, prefix, vpcId, generatorSecurityGroupId } = inputs;
  const sg = (role: string, description: string) =>
    new aws.ec2.SecurityGroup(
      `${name}-${role}-sg`,
      { vpcId, description, revokeRulesOnDelete: true, tags: { Name: `${prefix}-${role}` } },
      { parent },
    );
  const domainSg = sg(
    "domain",
    "OpenSearch domain: HTTPS from the generator, the forwarder and the bootstrap only",
  );
  const forwarderSg = sg("forwarder", "Forwarder Lambda: HTTPS to the OpenSearch domain only");
  const bootstrapSg = sg("bootstrap", "Bootstrap Lambda: HTTPS to the OpenSearch domain only");
  const ingress = [
    { role: "generator", source: generatorSecurityGroupId },
    { role: "forwarder", source: forwarderSg.id },
    { role: "bootstrap", source: bootstrapSg.id },
  ].map(
    ({ role, source }) =>
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-domain-from-${role}`,
        {
          securityGroupId: domainSg.id,
          referencedSecurityGroupId: source,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          description: `HTTPS from the ${role}`,
        },
        { parent },
      ),
  );
  const egress = [
    { role: "forwarder", group: forwarderSg },
    { role: "bootstrap", group: bootstrapSg },
  ].map(
    ({ role, group }) =>
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-${role}-to-domain`,
        {
          securityGroupId: group.id,
          referencedSecurityGroupId: domainSg.id,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          description: "HTTPS to the OpenSearch domain",
        },
        { parent },
      ),
  );
  return { domainSg, forwarderSg, bootstrapSg, ingress, egress };
}
