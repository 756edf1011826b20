/**
 * Destroy and re-create (docs/teardown.md): the admin secret's recovery window and the
 * service-linked role's "auto" mode against an account that lacks the role, has it from another
 * stack or from outside, or has the one this stack created.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { SpeedLayer, SpeedLayerArgs } from "../../../components/speed";
import {
  ExistingServiceLinkedRole,
  SERVICE_LINKED_ROLE_NAME,
  SERVICE_LINKED_ROLE_PATH,
  SLR_OWNER_TAG,
  decideServiceLinkedRole,
  secretRecoveryWindowDays,
} from "../../../components/speed/domain";
import { ConfigError, parseConfig } from "../../../stacks/config";
import { MockIamRole } from "../../../tools/offline/mocks";
import { TEST_STACK, mockSession, unwrap } from "../../helpers/mocks";

const SLR_TYPE = "aws:iam/serviceLinkedRole:ServiceLinkedRole";
const SLR_ARN = `arn:aws:iam::123456789012:role${SERVICE_LINKED_ROLE_PATH}${SERVICE_LINKED_ROLE_NAME}`;
const THIS_STACK = `datalake/${TEST_STACK}`;
const NETWORK: SpeedLayerArgs = {
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  generatorSecurityGroupId: "sg-generator",
  generatorRoleName: "generator-role",
  generatorRoleArn: "arn:aws:iam::123456789012:role/generator-role",
  generatorInstanceId: "i-0123456789abcdef0",
};

const slr = (tags?: Record<string, string>): MockIamRole => ({
  name: SERVICE_LINKED_ROLE_NAME,
  path: SERVICE_LINKED_ROLE_PATH,
  ...(tags ? { tags } : {}),
});

/** Builds the layer against an account holding `iamRoles`; records each registration's import id. */
async function build(iamRoles: MockIamRole[], args: Partial<SpeedLayerArgs> = {}) {
  const session = await mockSession({}, TEST_STACK, { iamRoles });
  const importIds = new Map<string, string>();
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, cb: unknown) => {
    if (req.getImportid()) importIds.set(req.getName(), req.getImportid());
    return register(req, cb);
  };
  const layer = new SpeedLayer("speed", { ...NETWORK, ...args });
  await unwrap(layer.domainEndpoint);
  await session.settle();
  return { session, importIds };
}

describe("SpeedLayer destroy and re-create", function () {
  this.timeout(60_000);

  describe("decideServiceLinkedRole", () => {
    const absent: ExistingServiceLinkedRole = { exists: false };
    const mine: ExistingServiceLinkedRole = { exists: true, arn: SLR_ARN, owner: THIS_STACK };
    const other: ExistingServiceLinkedRole = { exists: true, arn: SLR_ARN, owner: "datalake/prod" };
    const outside: ExistingServiceLinkedRole = { exists: true, arn: SLR_ARN };
    const cases: [
      Parameters<typeof decideServiceLinkedRole>[0],
      ExistingServiceLinkedRole | undefined,
      object,
    ][] = [
      ["auto", absent, { action: "create" }],
      ["auto", mine, { action: "adopt", arn: SLR_ARN }],
      ["auto", other, { action: "use", owner: "datalake/prod" }],
      ["auto", outside, { action: "use" }],
      ["always", undefined, { action: "create" }],
      ["never", undefined, { action: "skip" }],
    ];
    for (const [mode, existing, expected] of cases) {
      it(`${mode} with ${JSON.stringify(existing)} → ${JSON.stringify(expected)}`, () => {
        assert.deepStrictEqual(decideServiceLinkedRole(mode, existing, THIS_STACK), expected);
      });
    }
    it("auto without a lookup is a programming error", () => {
      assert.throws(
        () => decideServiceLinkedRole("auto", undefined, THIS_STACK),
        /needs the account's role lookup/,
      );
    });
  });

  it("config: defaults to auto and explains the former boolean in one sentence", () => {
    assert.strictEqual(parseConfig({}).speed.createServiceLinkedRole, "auto");
    assert.strictEqual(
      parseConfig({ speed: { createServiceLinkedRole: "never" } }).speed.createServiceLinkedRole,
      "never",
    );
    assert.throws(
      () => parseConfig({ speed: { createServiceLinkedRole: true } }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepStrictEqual(err.problems, [
          'datalake:speed.createServiceLinkedRole is true: must be "auto", "always" or "never" (the former true is "always", false is "never")',
        ]);
        return true;
      },
    );
  });

  it("creates the role, tagged with this stack and retained on delete, in an account without it", async () => {
    const { session, importIds } = await build([]);
    const role = session.named("speed-service-linked-role");
    assert.deepStrictEqual(role.inputs, {
      awsServiceName: "opensearchservice.amazonaws.com",
      description: "Lets OpenSearch Service manage VPC network interfaces",
      tags: { [SLR_OWNER_TAG]: THIS_STACK },
    });
    assert.deepStrictEqual([role.retainOnDelete, role.protect], [true, undefined]);
    assert.strictEqual(importIds.size, 0, "a new role is created, not imported");
    assert.ok(
      session.named("speed-domain").dependencies?.includes(role.urn),
      "the domain waits for the role",
    );
  });

  it("keeps declaring (and on a re-created stack adopts) the role this stack created", async () => {
    const { session, importIds } = await build([slr({ [SLR_OWNER_TAG]: THIS_STACK, Project: "datalake" })]);
    const role = session.named("speed-service-linked-role");
    assert.deepStrictEqual(role.inputs.tags, { [SLR_OWNER_TAG]: THIS_STACK });
    assert.strictEqual(role.retainOnDelete, true);
    assert.deepStrictEqual([...importIds], [["speed-service-linked-role", SLR_ARN]]);
    assert.ok(session.named("speed-domain").dependencies?.includes(role.urn));
  });

  for (const [label, tags] of [
    ["another stack", { [SLR_OWNER_TAG]: "datalake/prod" }],
    ["outside Pulumi", undefined],
  ] as const) {
    it(`uses, and does not declare, a role made by ${label}`, async () => {
      const { session } = await build([slr(tags), { name: "unrelated", path: "/" }]);
      assert.deepStrictEqual(session.ofType(SLR_TYPE), []);
      const deps = session.named("speed-domain").dependencies ?? [];
      assert.ok(deps.includes(session.named("speed-domain-logs-policy").urn));
      assert.ok(!deps.some((urn) => urn.includes(SLR_TYPE)), "no service-linked role to wait for");
    });
  }

  it("declares without looking when always, and never when never", async () => {
    const always = await build([slr({ [SLR_OWNER_TAG]: "datalake/prod" })], {
      createServiceLinkedRole: "always",
    });
    assert.strictEqual(always.session.ofType(SLR_TYPE).length, 1);
    assert.strictEqual(always.importIds.size, 0);
    const never = await build([], { createServiceLinkedRole: "never" });
    assert.deepStrictEqual(never.session.ofType(SLR_TYPE), []);
  });

  it("deletes the admin secret at once where unprotected and keeps a 7-day window where protected", async () => {
    assert.deepStrictEqual([secretRecoveryWindowDays(false), secretRecoveryWindowDays(true)], [0, 7]);
    const dev = await build([]);
    const secret = dev.session.named("speed-admin-secret");
    assert.deepStrictEqual(
      [secret.inputs.name, secret.inputs.recoveryWindowInDays, secret.protect, secret.retainOnDelete],
      ["/datalake/test/speed/opensearch-admin", 0, undefined, undefined],
    );
    const prod = await build([], { protectStatefulResources: true });
    const kept = prod.session.named("speed-admin-secret");
    assert.deepStrictEqual(
      [kept.inputs.recoveryWindowInDays, kept.protect, kept.retainOnDelete],
      [7, true, true],
    );
  });
});
