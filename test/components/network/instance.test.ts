import * as assert from "assert";
import {
  SSM_AGENT_ACTIONS,
  USER_DATA_LIMIT,
  agentInstallLines,
  al2023AmiParameter,
  applyAgentConfigDocument,
  architectureOf,
  generatorBasePolicy,
  renderUserData,
} from "../../../components/network/instance";
import { HANDS_ON_CADENCE } from "../../../components/network/generator/lines";
import { bundleScript } from "../../../components/shared/bundle";
import {
  AGENT_GEMS,
  FLUENT_PACKAGE,
  INSTALLED_GEMS,
  NODEJS_MAJOR,
  NODEJS_PACKAGE,
  NODE_BINARY,
  NODE_BUNDLE_TARGET,
} from "../../../components/network/agent/versions";

describe("generator instance helpers", () => {
  const arches: [string, string][] = [
    ["t4g.micro", "arm64"],
    ["m7g.large", "arm64"],
    ["c7gn.xlarge", "arm64"],
    ["r8gd.2xlarge", "arm64"],
    ["g5g.xlarge", "arm64"],
    ["t3.micro", "x86_64"],
    ["m7i-flex.large", "x86_64"],
    ["g5.xlarge", "x86_64"],
    ["c6in.large", "x86_64"],
  ];
  for (const [type, arch] of arches) {
    it(`${type} runs ${arch}`, () => assert.strictEqual(architectureOf(type), arch));
  }

  it("rejects a value that is not an instance type", () => {
    assert.throws(
      () => architectureOf("micro"),
      /generator instanceType "micro" is not an EC2 instance type such as t4g.micro/,
    );
  });

  it("resolves AL2023 from the public SSM parameter for the architecture", () => {
    assert.strictEqual(
      al2023AmiParameter("arm64"),
      "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
    );
  });

  it("grants the SSM agent its actions and GetParameter on its own parameter only", () => {
    const doc = generatorBasePolicy(
      "arn:aws:ssm:ap-northeast-1:123456789012:parameter/datalake/dev/network/fluentd.conf",
    );
    assert.deepStrictEqual(doc, {
      Version: "2012-10-17",
      Statement: [
        { Sid: "SsmAgent", Effect: "Allow", Action: SSM_AGENT_ACTIONS, Resource: "*" },
        {
          Sid: "ReadAgentConfig",
          Effect: "Allow",
          Action: ["ssm:GetParameter"],
          Resource: "arn:aws:ssm:ap-northeast-1:123456789012:parameter/datalake/dev/network/fluentd.conf",
        },
      ],
    });
    assert.ok(
      SSM_AGENT_ACTIONS.every((a) => !a.includes("*")),
      "no wildcard actions",
    );
    assert.ok(
      !SSM_AGENT_ACTIONS.includes("ssm:GetParameter") && !SSM_AGENT_ACTIONS.includes("ssm:GetParameters"),
    );
  });

  describe("user data", () => {
    const generatorJs = bundleScript("components/network/generator/main.ts", {
      minify: true,
      target: NODE_BUNDLE_TARGET,
    });
    const script = renderUserData({
      generatorJs,
      cadence: HANDS_ON_CADENCE,
      initialAgentConfig: "<system>\n</system>\n",
    });

    const lines = script.split("\n");

    it("installs the pinned Node.js LTS package and runs the generator with its namespaced binary", () => {
      assert.ok(lines.includes("dnf install -y nodejs24"));
      assert.ok(lines.includes("test -x /usr/bin/node-24"));
      assert.ok(
        !/nodejs20|node-20|\|\| dnf install -y nodejs\b/.test(script),
        "no EOL Node.js 20, no unpinned fallback",
      );
      assert.strictEqual(NODE_BINARY, `/usr/bin/node-${NODEJS_MAJOR}`);
      assert.strictEqual(NODEJS_PACKAGE, `nodejs${NODEJS_MAJOR}`);
    });

    it("installs exactly the pinned fluent-package (v6 LTS) and every gem at its pinned version", () => {
      assert.deepStrictEqual(agentInstallLines(), [
        "curl -fsSL https://fluentd.cdn.cncf.io/sh/install-amazon2023-fluent-package6-lts.sh | sh",
        "dnf install -y fluent-package-6.0.4",
        "test \"$(rpm -q --qf '%{VERSION}' fluent-package)\" = 6.0.4",
        "/opt/fluent/bin/fluent-gem install --no-document --minimal-deps aws-sdk-kinesis:1.92.0 aws-sdk-firehose:1.101.0 aws-sdk-cloudwatchlogs:1.131.0 fluent-plugin-kinesis:3.6.1 fluent-plugin-cloudwatch-logs:0.15.0",
        agentInstallLines()[4],
      ]);
      for (const l of agentInstallLines()) assert.ok(lines.includes(l), l);
      // The verification names every pin, bundled or installed, with its exact version.
      const check = agentInstallLines()[4];
      assert.ok(check.startsWith("/opt/fluent/bin/ruby -e '"));
      for (const g of AGENT_GEMS) assert.ok(check.includes(`"${g.name}"=>"${g.version}"`), g.name);
      // No gem is installed without a version: every install argument is name:version of a pin.
      const installArgs = lines
        .filter((l) => l.includes("fluent-gem install"))
        .flatMap((l) => l.split(" ").slice(4));
      assert.deepStrictEqual(
        installArgs,
        INSTALLED_GEMS.map((g) => `${g.name}:${g.version}`),
      );
      for (const g of AGENT_GEMS) assert.match(g.version, /^\d+\.\d+\.\d+$/, g.name);
      assert.strictEqual(new Set(AGENT_GEMS.map((g) => g.name)).size, AGENT_GEMS.length, "one pin per gem");
    });

    it("pins the plugins' native and SDK dependencies, not only the plugins", () => {
      const names = AGENT_GEMS.map((g) => g.name);
      for (const n of [
        "fluent-plugin-opensearch",
        "opensearch-ruby",
        "faraday",
        "aws-sdk-core",
        "google-protobuf",
        "aws-sdk-firehose",
        "aws-sdk-cloudwatchlogs",
      ]) {
        assert.ok(names.includes(n), n);
      }
      assert.match(FLUENT_PACKAGE.installer, /fluent-package6-lts\.sh$/);
    });

    it("runs the bundled generator as a hardened systemd service with the cadence", () => {
      assert.ok(script.includes(`cat > /opt/testapp/generator.js <<'__GENERATOR_JS__'\n${generatorJs}`));
      assert.ok(
        script.includes(
          "ExecStart=/usr/bin/node-24 /opt/testapp/generator.js --file /var/log/testapp/app.log --lines-per-interval 10 --interval-seconds 120 --burst-lines 300 --burst-interval-seconds 600",
        ),
      );
      for (const line of [
        "User=testapp",
        "NoNewPrivileges=true",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/log/testapp",
      ]) {
        assert.ok(script.includes(`\n${line}\n`), line);
      }
      assert.ok(script.includes("systemctl enable --now testapp-generator.service"));
    });

    it("fits EC2's 16 KB user data limit", () => {
      assert.ok(Buffer.byteLength(script) < USER_DATA_LIMIT, `${Buffer.byteLength(script)} bytes`);
    });

    it("refuses a generator that would end its heredoc early", () => {
      assert.throws(
        () =>
          renderUserData({
            generatorJs: "x\n__GENERATOR_JS__\nrm -rf /",
            cadence: HANDS_ON_CADENCE,
            initialAgentConfig: "",
          }),
        /contains its heredoc delimiter __GENERATOR_JS__/,
      );
    });

    it("refuses user data beyond the limit", () => {
      assert.throws(
        () =>
          renderUserData({
            generatorJs: "x".repeat(USER_DATA_LIMIT),
            cadence: HANDS_ON_CADENCE,
            initialAgentConfig: "",
          }),
        /user data is \d+ bytes; EC2 accepts at most 16384/,
      );
    });
  });

  it("the apply document validates the config before restarting fluentd, only when it changed", () => {
    const doc = applyAgentConfigDocument("ap-northeast-1") as any;
    assert.strictEqual(doc.schemaVersion, "2.2");
    assert.deepStrictEqual(Object.keys(doc.parameters), ["ConfigParameterName", "ConfigHash"]);
    const script: string[] = doc.mainSteps[0].inputs.runCommand;
    const fetch = script.findIndex((l) =>
      l.startsWith("aws ssm get-parameter --region ap-northeast-1 --name '{{ConfigParameterName}}'"),
    );
    const dryRun = script.indexOf('/opt/fluent/bin/fluentd --dry-run -c "$tmp"');
    const install = script.findIndex((l) =>
      l.startsWith('if ! cmp -s "$tmp" /etc/fluent/fluentd.conf; then install'),
    );
    assert.ok(fetch >= 0 && dryRun > fetch && install > dryRun, script.join("\n"));
    assert.strictEqual(script[0], "set -euo pipefail");
  });
});
