/** EC2 rules: IMDSv2, encrypted volumes, no public IP unless allowed, no world-open ingress. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import {
  bool,
  closedSchema,
  configBoolean,
  forTypes,
  obj,
  objects,
  Props,
  ruleConfig,
  str,
  strings,
} from "./common";

export const EC2_INSTANCE = "aws:ec2/instance:Instance";
export const EC2_LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
export const EBS_VOLUME = "aws:ebs/volume:Volume";
export const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
export const SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
export const SG_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

const imdsv2 = (kind: string) => (props: Props, args: { name: string }, report: (m: string) => void) => {
  if (str(obj(props, "metadataOptions"), "httpTokens", "metadataOptions.httpTokens") !== "required") {
    report(
      `EC2 ${kind} "${args.name}" allows IMDSv1. Set metadataOptions { httpTokens: "required", httpPutResponseHopLimit: 1 }.`,
    );
  }
};

export const ec2RequiresImdsv2: ResourceValidationPolicy = {
  name: "datalake-ec2-instance-requires-imdsv2",
  description: "Every EC2 instance and launch template requires IMDSv2 (session tokens).",
  severity: "high",
  tags: ["ec2", "least-privilege"],
  validateResource: forTypes({
    [EC2_INSTANCE]: imdsv2("instance"),
    [EC2_LAUNCH_TEMPLATE]: imdsv2("launch template"),
  }),
};

export const ec2EncryptsVolumes: ResourceValidationPolicy = {
  name: "datalake-ec2-instance-encrypts-volumes",
  description: "Every EBS volume (instance root and data volumes, standalone volumes) is encrypted.",
  severity: "high",
  tags: ["ec2", "encryption"],
  validateResource: forTypes({
    [EC2_INSTANCE]: (props, args, report) => {
      const unencrypted: string[] = [];
      if (bool(obj(props, "rootBlockDevice"), "encrypted", "rootBlockDevice.encrypted") !== true)
        unencrypted.push("rootBlockDevice");
      objects(props, "ebsBlockDevices").forEach((d, i) => {
        if (bool(d, "encrypted", `ebsBlockDevices[${i}].encrypted`) !== true)
          unencrypted.push(
            `ebsBlockDevices ${str(d, "deviceName", `ebsBlockDevices[${i}].deviceName`) ?? i}`,
          );
      });
      if (unencrypted.length)
        report(
          `EC2 instance "${args.name}" has unencrypted volumes (${unencrypted.join(", ")}). Set encrypted: true on each.`,
        );
    },
    [EBS_VOLUME]: (props, args, report) => {
      if (bool(props, "encrypted") !== true)
        report(`EBS volume "${args.name}" is not encrypted. Set encrypted: true.`);
    },
  }),
};

export const ec2DisallowsPublicIp: ResourceValidationPolicy = {
  name: "datalake-ec2-instance-disallows-public-ip",
  description: "No EC2 instance gets a public IP address, unless the stack's policy config allows it.",
  severity: "high",
  tags: ["ec2", "public-access", "network"],
  configSchema: closedSchema({
    allowPublicIp: {
      type: "boolean",
      default: false,
      description: "Allow associatePublicIpAddress (a dev generator in a public subnet without NAT).",
    },
  }),
  validateResource: forTypes({
    [EC2_INSTANCE]: (props, args, report) => {
      if (configBoolean(ruleConfig(args, ec2DisallowsPublicIp.configSchema!), "allowPublicIp", false)) return;
      if (bool(props, "associatePublicIpAddress") === true) {
        report(
          `EC2 instance "${args.name}" gets a public IP address. Set associatePublicIpAddress: false and place it in a private subnet (or allow public IPs in this stack's policy config).`,
        );
      }
    },
  }),
};

const WORLD = ["0.0.0.0/0", "::/0"];
const worldOpen = (cidrs: (string | undefined)[]) =>
  cidrs.filter((c): c is string => c !== undefined && WORLD.includes(c));

export const sgDisallowsWorldIngress: ResourceValidationPolicy = {
  name: "datalake-ec2-securitygroup-disallows-world-ingress",
  description: "No security group allows ingress from 0.0.0.0/0 or ::/0.",
  severity: "critical",
  tags: ["ec2", "public-access", "network"],
  validateResource: forTypes({
    [SECURITY_GROUP]: (props, args, report) => {
      objects(props, "ingress").forEach((rule, i) => {
        const open = worldOpen([
          ...strings(rule, "cidrBlocks", `ingress[${i}].cidrBlocks`),
          ...strings(rule, "ipv6CidrBlocks", `ingress[${i}].ipv6CidrBlocks`),
        ]);
        if (open.length)
          report(
            `Security group "${args.name}" allows ingress from ${open.join(" and ")} on ${rule.protocol} ${rule.fromPort}-${rule.toPort}. Allow only security groups or internal CIDR blocks (use SSM Session Manager instead of SSH).`,
          );
      });
    },
    [SECURITY_GROUP_RULE]: (props, args, report) => {
      if (str(props, "type") !== "ingress") return;
      const open = worldOpen([...strings(props, "cidrBlocks"), ...strings(props, "ipv6CidrBlocks")]);
      if (open.length)
        report(
          `Security group rule "${args.name}" allows ingress from ${open.join(" and ")}. Allow only security groups or internal CIDR blocks.`,
        );
    },
    [SG_INGRESS_RULE]: (props, args, report) => {
      const open = worldOpen([str(props, "cidrIpv4"), str(props, "cidrIpv6")]);
      if (open.length)
        report(
          `Security group ingress rule "${args.name}" allows ingress from ${open.join(" and ")}. Use referencedSecurityGroupId or an internal CIDR.`,
        );
    },
  }),
};

export const ec2Policies = [
  ec2RequiresImdsv2,
  ec2EncryptsVolumes,
  ec2DisallowsPublicIp,
  sgDisallowsWorldIngress,
];
