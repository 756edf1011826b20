/**
 * Deploy-time wiring of the verify probe (`npm run verify`, docs/verify.md): a small Lambda in the
 * VPC that answers whether a marker line reached `testappec2log-*` and `cwl-*`. The domain stays
 * VPC-only: the probe has its own security group (HTTPS to the domain only), an IAM role that may
 * only `_search` the two index families, and is mapped by the bootstrap to the read-only
 * {@link READER_ROLE}. It is invoked synchronously by `verify` and by nothing else. The runtime
 * code is in `probe/`; this module only deploys it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { lambdaHandlerArchive } from "../shared/bundle";
import { LayerContext } from "./context";
import { functionRole } from "./functionRole";
import { LogGroupFactory } from "./logs";
import { PROBE_ENV } from "./probe/env";
import { probePolicy } from "./probe/policy";

/** OpenSearch security role the probe's IAM role is mapped to: `indices:data/read/search*` only. */
export const READER_ROLE = "datalake_log_reader";

export interface ProbeInputs extends LayerContext {
  readonly logGroup: LogGroupFactory;
  readonly domain: aws.opensearch.Domain;
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroup: aws.ec2.SecurityGroup;
  /** The probe's egress rule to the domain; the function waits for it. */
  readonly egress: readonly pulumi.Resource[];
}

export interface Probe {
  readonly role: aws.iam.Role;
  readonly function: aws.lambda.Function;
}

export function probeFunction(inputs: ProbeInputs): Probe {
  const { name, parent, domain } = inputs;
  const {
    logs: probeLogs,
    functionName: probeName,
    role,
    rolePolicy,
  } = functionRole({
    ...inputs,
    fn: "probe",
    description: "Speed layer verify probe: read-only _search on the log indices",
    policy: (functionLogGroupArn) => probePolicy({ functionLogGroupArn, domainArn: inputs.domainArn }),
  });
  const fn = new aws.lambda.Function(
    `${name}-probe`,
    {
      name: probeName,
      description: "npm run verify: finds a marker line in testappec2log-* and cwl-* (read-only)",
      role: role.arn,
      runtime: aws.lambda.Runtime.NodeJS22dX,
      architectures: ["arm64"],
      handler: "index.handler",
      code: lambdaHandlerArchive("components/speed/probe/handler.ts"),
      memorySize: 128,
      timeout: 30,
      environment: { variables: { [PROBE_ENV.endpoint]: domain.endpoint } },
      vpcConfig: { subnetIds: inputs.subnetIds, securityGroupIds: [inputs.securityGroup.id] },
      loggingConfig: { logFormat: "Text", logGroup: probeLogs.name },
    },
    { parent, dependsOn: [rolePolicy, ...inputs.egress] },
  );
  return { role, function: fn };
}
