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

import { OPENSEARCH_SERVICE, SERVICE_LINKED_ROLE_NAME, SERVICE_LINKED_ROLE_PATH } from "./serviceLinkedRole";
export { OPENSEARCH_SERVICE, SERVICE_LINKED_ROLE_NAME, SERVICE_LINKED_ROLE_PATH };
/** Tag on the role a stack creates: `<project>/<stack>` of the stack that owns it. */
export const SLR_OWNER_TAG = "datalake:owner-stack";
const SLR_DESCRIPTION = "Lets OpenSearch Service manage VPC network interfaces";

/** When the layer declares the service-linked role (`speed.createServiceLinkedRole`). */
export const SERVICE_LINKED_ROLE_MODES = ["auto", "always", "never"] as const;
export type ServiceLinkedRoleMode = (typeof SERVICE_LINKED_ROLE_MODES)[number];

/** The role as the account holds it, read by {@link findServiceLinkedRole}. */
export type ExistingServiceLinkedRole =
  { readonly exists: false } | { readonly exists: true; readonly arn: string; readonly owner?: string };

/**
 * What the layer does about the role: create it, keep (or take back) the one it created (declare
 * it with `import`, see {@link declareServiceLinkedRole}), use one it does not own, or skip it.
 */
export type ServiceLinkedRoleDecision =
  | { readonly action: "create" }
  | { readonly action: "adopt"; readonly arn: string }
  | { readonly action: "use"; readonly owner?: string }
  | { readonly action: "skip" };

/**
 * The decision for `mode` given what the account holds (`existing`, only looked up in "auto").
 * A role tagged with this stack is this stack's: it keeps declaring it, so the second `pulumi up`
 * does not drop it and a stack re-created after `pulumi destroy` (which retained the role) takes it
 * back. A role made by another stack or outside Pulumi is used as it is and never declared, so no
 * two stacks manage one account-wide role.
 */
export function decideServiceLinkedRole(
  mode: ServiceLinkedRoleMode,
  existing: ExistingServiceLinkedRole | undefined,
  ownerStack: string,
): ServiceLinkedRoleDecision {
  if (mode === "never") return { action: "skip" };
  if (mode === "always") return { action: "create" };
  if (!existing) throw new Error("decideServiceLinkedRole: mode auto needs the account's role lookup");
  if (!existing.exists) return { action: "create" };
  if (existing.owner === ownerStack) return { action: "adopt", arn: existing.arn };
  return { action: "use", ...(existing.owner !== undefined ? { owner: existing.owner } : {}) };
}

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
  readonly createServiceLinkedRole: ServiceLinkedRoleMode;
  /** The layer's protectStatefulResources: decides the secret's recovery window. */
  readonly protect: boolean;
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
  const { name, stateful, key } = inputs;
  const { password, secret } = adminSecret(inputs);

  const serviceLinkedRole = serviceLinkedRoles(inputs);

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
    {
      ...stateful,
      dependsOn: pulumi.output(serviceLinkedRole).apply((roles) => [inputs.logs.domainLogsPolicy, ...roles]),
    },
  );
  return { domain, password, secret };
}

/** Admin (master) user of the internal user database: people log in to Dashboards with it. */
function adminSecret(
  ctx: LayerContext & { key: aws.kms.Key; protect: boolean },
): Pick<Domain, "password" | "secret"> {
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
      recoveryWindowInDays: secretRecoveryWindowDays(ctx.protect),
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

/**
 * Recovery window of the admin secret. The name is fixed and Secrets Manager keeps a deleted
 * secret's name for its recovery window, so an unprotected stack (dev) deletes it at once (0 =
 * ForceDeleteWithoutRecovery) and `pulumi destroy` followed by `pulumi up` works. A protected
 * stack (prod) retains the domain on delete, and this password is the only way into its
 * Dashboards: should the secret ever be deleted there, it stays recoverable for 7 days (the
 * shortest window besides 0). https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html
 */
export function secretRecoveryWindowDays(protect: boolean): number {
  return protect ? 7 : 0;
}

/**
 * The account's OpenSearch service-linked role, if any. `getRoles` by path first, because
 * `getRole` of a missing role fails the program instead of answering "none"; then `getRole` for
 * its tags. Both invokes run in preview too, so the preview shows the role the update will create.
 * The deployer needs iam:ListRoles and iam:GetRole.
 */
export function findServiceLinkedRole(parent: pulumi.Resource): pulumi.Output<ExistingServiceLinkedRole> {
  return aws.iam
    .getRolesOutput({ pathPrefix: SERVICE_LINKED_ROLE_PATH }, { parent })
    .apply(async (roles): Promise<ExistingServiceLinkedRole> => {
      if (!roles.names.includes(SERVICE_LINKED_ROLE_NAME)) return { exists: false };
      const role = await aws.iam.getRole({ name: SERVICE_LINKED_ROLE_NAME }, { parent });
      const owner = role.tags?.[SLR_OWNER_TAG];
      return { exists: true, arn: role.arn, ...(owner !== undefined ? { owner } : {}) };
    });
}

/**
 * The service-linked role the domain waits for: none, or the one this stack declares. It is
 * account-wide and other stacks' domains may use it, so it is retained on delete (IAM refuses to
 * delete it while any domain uses it). In "auto" the decision waits for the lookup, so the role is
 * declared inside an apply: its value is known in preview (invokes run there), which is the case
 * Pulumi documents as safe for registering resources in an apply
 * (https://www.pulumi.com/docs/iac/concepts/inputs-outputs/apply/).
 */
function serviceLinkedRoles(inputs: DomainInputs): pulumi.Input<aws.iam.ServiceLinkedRole[]> {
  const ownerStack = `${pulumi.getProject()}/${pulumi.getStack()}`;
  const mode = inputs.createServiceLinkedRole;
  const act = (decision: ServiceLinkedRoleDecision): aws.iam.ServiceLinkedRole[] => {
    switch (decision.action) {
      case "create":
        return [declareServiceLinkedRole(inputs, ownerStack)];
      case "adopt":
        return [declareServiceLinkedRole(inputs, ownerStack, decision.arn)];
      case "use":
        void pulumi.log.info(
          `Using the account's ${SERVICE_LINKED_ROLE_NAME} (${decision.owner ? `owned by stack ${decision.owner}` : "not made by a stack of this project"}); this stack does not manage it.`,
          inputs.parent,
        );
        return [];
      case "skip":
        return [];
    }
  };
  if (mode !== "auto") return act(decideServiceLinkedRole(mode, undefined, ownerStack));
  return findServiceLinkedRole(inputs.parent).apply((existing) =>
    act(decideServiceLinkedRole(mode, existing, ownerStack)),
  );
}

/**
 * Declares the role, tagged with its owner stack. With `importId` (the role exists and carries this
 * stack's tag) the engine adopts it when the stack's state lacks it (re-created stack) and treats
 * it as an ordinary resource when the state has it already (every later `pulumi up`):
 * https://github.com/pulumi/pulumi/blob/master/developer-docs/architecture/import.md
 */
function declareServiceLinkedRole(
  inputs: DomainInputs,
  ownerStack: string,
  importId?: string,
): aws.iam.ServiceLinkedRole {
  return new aws.iam.ServiceLinkedRole(
    `${inputs.name}-service-linked-role`,
    {
      awsServiceName: OPENSEARCH_SERVICE,
      description: SLR_DESCRIPTION,
      tags: { [SLR_OWNER_TAG]: ownerStack },
    },
    { parent: inputs.parent, retainOnDelete: true, ...(importId ? { import: importId } : {}) },
  );
}
