/**
 * Pure helpers for the generator instance: architecture, AMI parameter, IAM documents, user data
 * and the SSM document that applies the agent configuration.
 */
import * as pulumi from "@pulumi/pulumi";
import { APP_LOG_PATH } from "../shared/names";
import { PolicyDocument, PolicyStatement, policyDocument } from "../shared/iam";
import { Cadence } from "./generator/lines";
import {
  AGENT_GEMS,
  FLUENT_PACKAGE,
  GemPin,
  INSTALLED_GEMS,
  NODEJS_PACKAGE,
  NODE_BINARY,
} from "./agent/versions";

export type Architecture = "arm64" | "x86_64";

/**
 * The CPU architecture of an EC2 instance type: Graviton families carry a `g` in the suffix after
 * the generation number (t4g, m7g, c7gn, r8gd, g5g), everything else is x86_64.
 */
export function architectureOf(instanceType: string): Architecture {
  const m = /^([a-z]+)(\d+)([a-z-]*)\./.exec(instanceType);
  if (!m) {
    throw new Error(
      `generator instanceType "${instanceType}" is not an EC2 instance type such as t4g.micro.`,
    );
  }
  return m[3].includes("g") ? "arm64" : "x86_64";
}

/** Public SSM parameter that names the latest Amazon Linux 2023 AMI for an architecture. */
export function al2023AmiParameter(arch: Architecture): string {
  return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`;
}

/**
 * What SSM Session Manager and SSM associations need from the instance role: the actions of
 * AmazonSSMManagedInstanceCore except `ssm:GetParameter(s)` on every parameter, which the managed
 * policy grants account-wide and this role gets only on its own agent parameter.
 */
export const SSM_AGENT_ACTIONS = [
  "ssm:DescribeAssociation",
  "ssm:GetDeployablePatchSnapshotForInstance",
  "ssm:GetDocument",
  "ssm:DescribeDocument",
  "ssm:GetManifest",
  "ssm:ListAssociations",
  "ssm:ListInstanceAssociations",
  "ssm:PutInventory",
  "ssm:PutComplianceItems",
  "ssm:PutConfigurePackageResult",
  "ssm:UpdateAssociationStatus",
  "ssm:UpdateInstanceAssociationStatus",
  "ssm:UpdateInstanceInformation",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
  "ec2messages:AcknowledgeMessage",
  "ec2messages:DeleteMessage",
  "ec2messages:FailMessage",
  "ec2messages:GetEndpoint",
  "ec2messages:GetMessages",
  "ec2messages:SendReply",
];

/** The instance role's own policy: the SSM agent, and reading its agent configuration parameter. */
export function generatorBasePolicy(agentParameterArn: pulumi.Input<string>): PolicyDocument {
  const statements: PolicyStatement[] = [
    // These SSM/ssmmessages/ec2messages APIs do not support resource-level permissions.
    { Sid: "SsmAgent", Effect: "Allow", Action: SSM_AGENT_ACTIONS, Resource: "*" },
    { Sid: "ReadAgentConfig", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: agentParameterArn },
  ];
  return policyDocument(...statements);
}

/** Where fluentd keeps its tail position and file buffers (owned by fluent-package's `_fluentd` user). */
export const AGENT_STATE_DIR = "/var/log/fluent";
/** fluent-package's configuration file (the same path in v5 and v6). */
export const AGENT_CONFIG_PATH = "/etc/fluent/fluentd.conf";
/** fluent-package's Ruby tools. */
const FLUENT_BIN = "/opt/fluent/bin";

const GEM_TOKEN = /^[A-Za-z0-9._-]+$/;

function gemPin(p: GemPin): string {
  if (!GEM_TOKEN.test(p.name) || !GEM_TOKEN.test(p.version)) {
    throw new Error(`agent gem pin "${p.name}:${p.version}" may contain only letters, digits and . _ -`);
  }
  return `${p.name}:${p.version}`;
}

/**
 * The shell lines that install fluent-package and the plugins at exactly the pinned versions and
 * then prove it. `--minimal-deps` keeps RubyGems from upgrading a dependency that is already
 * installed and satisfies the requirement (the bundled aws-sdk-core, google-protobuf); the Ruby
 * check then fails the boot if any gem is missing or present in a second version.
 */
export function agentInstallLines(): string[] {
  // gemPin validates each name and version before it is written into the script.
  const rubyPins = AGENT_GEMS.map(gemPin)
    .map((pin) => pin.split(":"))
    .map(([name, version]) => `"${name}"=>"${version}"`)
    .join(",");
  return [
    `curl -fsSL ${FLUENT_PACKAGE.installer} | sh`,
    // The installer installs the newest 6.x; `install` of an exact older NEVRA downgrades to it.
    `dnf install -y ${FLUENT_PACKAGE.name}-${FLUENT_PACKAGE.version}`,
    `test "$(rpm -q --qf '%{VERSION}' ${FLUENT_PACKAGE.name})" = ${FLUENT_PACKAGE.version}`,
    `${FLUENT_BIN}/fluent-gem install --no-document --minimal-deps ${INSTALLED_GEMS.map(gemPin).join(" ")}`,
    `${FLUENT_BIN}/ruby -e 'bad = {${rubyPins}}.reject { |n, v| Gem::Specification.find_all_by_name(n).map { |s| s.version.to_s }.uniq == [v] }; abort("agent gems differ from components/network/agent/versions.ts: #{bad.keys.join(", ")}") unless bad.empty?'`,
  ];
}

export interface UserDataInput {
  /** The bundled generator (one CommonJS file). */
  readonly generatorJs: string;
  readonly cadence: Cadence;
  /** The fluentd configuration installed at first boot (the idle one, before any destination). */
  readonly initialAgentConfig: string;
}

/** EC2's limit on user data (bytes, before base64). */
export const USER_DATA_LIMIT = 16 * 1024;

function heredoc(delimiter: string, body: string): string {
  if (body.split("\n").includes(delimiter)) {
    throw new Error(`user data: the embedded file contains its heredoc delimiter ${delimiter}.`);
  }
  return `<<'${delimiter}'\n${body.endsWith("\n") ? body : body + "\n"}${delimiter}`;
}

/**
 * First-boot script: installs the pinned Node.js, fluent-package and output plugins (versions.ts),
 * installs the generator as a hardened systemd service writing APP_LOG_PATH, and starts fluentd
 * with the idle configuration. The real configuration arrives through the SSM association.
 */
export function renderUserData(input: UserDataInput): string {
  const c = input.cadence;
  const logDir = APP_LOG_PATH.slice(0, APP_LOG_PATH.lastIndexOf("/"));
  const flags = [
    `--file ${APP_LOG_PATH}`,
    `--lines-per-interval ${c.linesPerInterval}`,
    `--interval-seconds ${c.intervalSeconds}`,
    `--burst-lines ${c.burstLines}`,
    `--burst-interval-seconds ${c.burstIntervalSeconds}`,
  ].join(" ");
  const script = [
    "#!/bin/bash",
    "# Rendered by components/network/instance.ts (renderUserData).",
    "set -euxo pipefail",
    "",
    "# Node.js for the generator: the namespaced AL2023 package of the pinned LTS major.",
    `dnf install -y ${NODEJS_PACKAGE}`,
    `test -x ${NODE_BINARY}`,
    "",
    "# fluent-package and the output plugins (OpenSearch with SigV4, Firehose, CloudWatch Logs),",
    "# each at the version pinned in components/network/agent/versions.ts.",
    ...agentInstallLines(),
    "",
    "# The generator runs as its own unprivileged user and writes only its log directory.",
    "id testapp >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin testapp",
    `install -d -o testapp -g testapp -m 0755 ${logDir}`,
    "install -d -m 0755 /opt/testapp",
    `cat > /opt/testapp/generator.js ${heredoc("__GENERATOR_JS__", input.generatorJs)}`,
    "cat > /etc/systemd/system/testapp-generator.service <<__UNIT__",
    "[Unit]",
    "Description=DataLake hands-on log generator",
    "After=network-online.target",
    "",
    "[Service]",
    "User=testapp",
    `ExecStart=${NODE_BINARY} /opt/testapp/generator.js ${flags}`,
    "Restart=always",
    "RestartSec=5",
    "NoNewPrivileges=true",
    "ProtectSystem=strict",
    "ProtectHome=true",
    "PrivateTmp=true",
    `ReadWritePaths=${logDir}`,
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "__UNIT__",
    "systemctl daemon-reload",
    "systemctl enable --now testapp-generator.service",
    "",
    "# Idle agent configuration until the SSM association applies the rendered one.",
    `cat > ${AGENT_CONFIG_PATH} ${heredoc("__FLUENTD_CONF__", input.initialAgentConfig)}`,
    "systemctl enable fluentd",
    "systemctl restart fluentd",
    "",
  ].join("\n");
  if (Buffer.byteLength(script) > USER_DATA_LIMIT) {
    throw new Error(
      `user data is ${Buffer.byteLength(script)} bytes; EC2 accepts at most ${USER_DATA_LIMIT}.`,
    );
  }
  return script;
}

/**
 * The shell script of the SSM document that applies the agent configuration: it waits for the
 * first-boot install, fetches the parameter, validates it with `fluentd --dry-run`, and restarts
 * fluentd only when the file changed, so re-runs (the schedule) are no-ops.
 */
export function applyAgentConfigScript(region: string): string[] {
  return [
    "set -euo pipefail",
    "cloud-init status --wait >/dev/null || true",
    "test -x /opt/fluent/bin/fluentd || { echo 'fluent-package is not installed yet' >&2; exit 1; }",
    "echo 'applying agent configuration {{ConfigHash}}'",
    "tmp=$(mktemp)",
    `aws ssm get-parameter --region ${region} --name '{{ConfigParameterName}}' --query Parameter.Value --output text > "$tmp"`,
    '/opt/fluent/bin/fluentd --dry-run -c "$tmp"',
    `if ! cmp -s "$tmp" ${AGENT_CONFIG_PATH}; then install -m 0644 "$tmp" ${AGENT_CONFIG_PATH}; systemctl restart fluentd; fi`,
    'rm -f "$tmp"',
    "systemctl is-active --quiet fluentd || systemctl start fluentd",
  ];
}

/** The SSM Command document (schema 2.2) around `applyAgentConfigScript`. */
export function applyAgentConfigDocument(region: string): object {
  return {
    schemaVersion: "2.2",
    description: "Apply the data lake generator's fluentd configuration from an SSM parameter.",
    parameters: {
      ConfigParameterName: {
        type: "String",
        description: "SSM parameter holding the rendered fluentd configuration.",
        allowedPattern: "^/[A-Za-z0-9_./-]+$",
      },
      ConfigHash: {
        type: "String",
        description: "SHA-256 of the configuration; a new value re-runs the association.",
        allowedPattern: "^[0-9a-f]{64}$",
      },
    },
    mainSteps: [
      {
        action: "aws:runShellScript",
        name: "applyAgentConfig",
        precondition: { StringEquals: ["platformType", "Linux"] },
        inputs: { runCommand: applyAgentConfigScript(region), timeoutSeconds: "900" },
      },
    ],
  };
}
