/** The SpeedLayer's OpenSearch domain, its admin (master) user secret and the service-linked role. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { toJson } from "../shared/iam";
import { LayerContext } from "./context";
import { LogGroups } from "./logs";
import { domainAccessPolicy } from "./policies";

/** TLS policy of the domain endpoint: TLS 1.2 or later with perfect forward secrecy. */
export const TLS_SECURITY_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10";
/** Internal master user (log in to Dashboards with it; the password is in Secrets Manager). */
export const MASTER_USER_NAME = "admin";

export interface DomainInputs extends LayerContext {
  /** The layer's key: encryption at rest of the domain and the secret. */
  readonly key: aws.kms.Key;
  /** The domain's log groups and their resource policy (from {@link logGroups}). */
  readonly logs: Pick<LogGroups, "domainLogGroups" | "domainLogsPolicy">;
  /** The domain's security group. */
  readonly securityGroup: aws.ec2.SecurityGroup;
  /** Workload subnets; the domain takes the first `availabilityZoneCount`. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly engineVersion: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly dedicatedMasterCount: number;
  readonly dedicatedMasterType: string;
  readonly availabilityZoneCount: number;
  readonly volumeSizeGiB: number;
  readonly createServiceLinkedRole: boolean;
}

export interface Domain {
  readonly domain: aws.opensearch.Domain;
  /** The master user's password (the bootstrap logs in with it). */
  readonly password: random.RandomPassword;
  /** Secrets Manager secret with the master user name and password. */
  readonly secret: aws.secretsmanager.Secret;
}

/** The admin secret, the service-linked role (when asked for) and the private, encrypted domain. */
export function openSearchDomain(inputs: DomainInputs): Domain {
  const { name, parent, stateful, key } = inputs;
  const { password, secret } = adminSecret(inputs);

  // A VPC domain needs the service-linked role; it is account-wide, so it is never deleted with the stack.
  const serviceLinkedRole = inputs.createServiceLinkedRole
    ? [
        new aws.iam.ServiceLinkedRole(
          `${name}-service-linked-role`,
          {
            awsServiceName: "opensearchservice.amazonaws.com",
            description: "Lets OpenSearch Service manage VPC network interfaces",
          },
          { parent, retainOnDelete: true },
        ),
      ]
    : [];

  const { instanceCount, availabilityZoneCount, dedicatedMasterCount, dedicatedMasterType } = inputs;
  const zoneAware = availabilityZoneCount > 1;
  const domain = new aws.opensearch.Domain(
    `${name}-domain`,
    {
      domainName: inputs.domainName,
      engineVersion: inputs.engineVersion,
      clusterConfig: {
        instanceType: inputs.instanceType,
        instanceCount,
        zoneAwarenessEnabled: zoneAware,
        ...(zoneAware ? { zoneAwarenessConfig: { availabilityZoneCount } } : {}),
        dedicatedMasterEnabled: dedicatedMasterCount > 0,
        ...(dedicatedMasterCount > 0 ? { dedicatedMasterCount, dedicatedMasterType } : {}),
      },
      ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: inputs.volumeSizeGiB },
      encryptAtRest: { enabled: true, kmsKeyId: key.arn },
      nodeToNodeEncryption: { enabled: true },
      domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: TLS_SECURITY_POLICY },
      advancedSecurityOptions: {
        enabled: true,
        anonymousAuthEnabled: false,
        internalUserDatabaseEnabled: true,
        masterUserOptions: { masterUserName: MASTER_USER_NAME, masterUserPassword: password.result },
      },
      vpcOptions: {
        // A single-zone domain takes exactly one subnet; a zone-aware one, one per zone.
        subnetIds: pulumi.output(inputs.subnetIds).apply((ids) => {
          if (ids.length < availabilityZoneCount) {
            throw new Error(
              `SpeedLayer ${name}: availabilityZoneCount is ${availabilityZoneCount} but only ${ids.length} subnets were given`,
            );
          }
          return ids.slice(0, availabilityZoneCount);
        }),
        securityGroupIds: [inputs.securityGroup.id],
      },
      logPublishingOptions: inputs.logs.domainLogGroups.map(({ type, group }) => ({
        logType: type,
        cloudwatchLogGroupArn: group.arn,
        enabled: true,
      })),
      accessPolicies: toJson(domainAccessPolicy(inputs.domainArn)),
    },
    { ...stateful, dependsOn: [inputs.logs.domainLogsPolicy, ...serviceLinkedRole] },
  );
  return { domain, password, secret };
}

/** Admin (master) user of the internal user database: people log in to Dashboards with it. */
function adminSecret(ctx: LayerContext & { key: aws.kms.Key }): Pick<Domain, "password" | "secret"> {
  const { name, parent, stateful, logPath, domainName, key } = ctx;
  const password = new random.RandomPassword(
    `${name}-admin-password`,
    {
      length: 32,
      special: true,
      overrideSpecial: "!#%*-_=+.",
      minLower: 2,
      minUpper: 2,
      minNumeric: 2,
      minSpecial: 2,
    },
    { parent },
  );
  const secret = new aws.secretsmanager.Secret(
    `${name}-admin-secret`,
    {
      name: `${logPath}/opensearch-admin`,
      description: `OpenSearch Dashboards admin (internal master user) of ${domainName}`,
      kmsKeyId: key.arn,
      recoveryWindowInDays: 7,
    },
    stateful,
  );
  new aws.secretsmanager.SecretVersion(
    `${name}-admin-secret-value`,
    {
      secretId: secret.id,
      secretString: pulumi.secret(
        pulumi.jsonStringify({ username: MASTER_USER_NAME, password: password.result }),
      ),
    },
    { parent },
  );
  return { password, secret };
}
