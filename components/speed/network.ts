/** The SpeedLayer's security groups and their 443 rules. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LayerContext } from "./context";

export interface NetworkInputs extends LayerContext {
  /** VPC of the domain and the functions. */
  readonly vpcId: pulumi.Input<string>;
  /** Security group of the generator, admitted to the domain on 443. @default undefined — no generator */
  readonly generatorSecurityGroupId?: pulumi.Input<string>;
}

export interface Network {
  readonly domainSg: aws.ec2.SecurityGroup;
  readonly forwarderSg: aws.ec2.SecurityGroup;
  readonly bootstrapSg: aws.ec2.SecurityGroup;
  readonly probeSg: aws.ec2.SecurityGroup;
  /** The domain's rules (generator, forwarder, bootstrap, probe); the bootstrap run waits for them. */
  readonly ingress: readonly aws.vpc.SecurityGroupIngressRule[];
  /** The functions' rules towards the domain; the functions wait for them. */
  readonly egress: readonly aws.vpc.SecurityGroupEgressRule[];
}

/** The domain admits the generator and the three functions on 443 and nothing else. */
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
    "OpenSearch domain: HTTPS from the generator, the forwarder, the bootstrap and the verify probe only",
  );
  const forwarderSg = sg("forwarder", "Forwarder Lambda: HTTPS to the OpenSearch domain only");
  const bootstrapSg = sg("bootstrap", "Bootstrap Lambda: HTTPS to the OpenSearch domain only");
  const probeSg = sg("probe", "Verify probe Lambda: HTTPS to the OpenSearch domain only");
  const sources: { role: string; source: pulumi.Input<string> }[] = [
    ...(generatorSecurityGroupId === undefined
      ? []
      : [{ role: "generator", source: generatorSecurityGroupId }]),
    { role: "forwarder", source: forwarderSg.id },
    { role: "bootstrap", source: bootstrapSg.id },
    { role: "probe", source: probeSg.id },
  ];
  const ingress = sources.map(
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
    { role: "probe", group: probeSg },
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
  return { domainSg, forwarderSg, bootstrapSg, probeSg, ingress, egress };
}
