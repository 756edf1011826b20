/**
 * The one place for every runtime version on the generator instance: Node.js, fluent-package and
 * each Ruby gem the agent loads. The user data installs exactly these and then verifies them, so
 * two instances booted a month apart run the same agent.
 */

/**
 * Node.js for the generator. AL2023 ships Node.js 20, 22 and 24 as namespaced packages
 * (`nodejs24`, executable `/usr/bin/node-24`); 24 is the current LTS line, while 20 reached its
 * end of life in April 2026. https://docs.aws.amazon.com/linux/al2023/ug/nodejs.html
 */
export const NODEJS_MAJOR = 24;
/** The AL2023 package that provides `NODE_BINARY`. */
export const NODEJS_PACKAGE = `nodejs${NODEJS_MAJOR}`;
/** The namespaced executable: it always runs this major, whatever `alternatives` points `node` at. */
export const NODE_BINARY = `/usr/bin/node-${NODEJS_MAJOR}`;
/** esbuild target of the bundled generator, matching the runtime above. */
export const NODE_BUNDLE_TARGET = `node${NODEJS_MAJOR}`;

/**
 * fluent-package v6 is the current LTS line, and its Amazon Linux 2023 installer is published
 * (fluent/fluent-package-builder fluent-package/yum/systemd-test/common.sh installs v6 LTS on
 * amazon 2023 with this script). The installer only adds the repository and installs the newest
 * 6.x, so the user data then installs exactly `version` from that repository.
 */
export const FLUENT_PACKAGE = {
  name: "fluent-package",
  version: "6.0.4",
  installer: "https://fluentd.cdn.cncf.io/sh/install-amazon2023-fluent-package6-lts.sh",
} as const;

export interface GemPin {
  readonly name: string;
  readonly version: string;
}

/**
 * Gems fluent-package 6.0.4 bundles that the outputs use (fluent-package-builder v6.0.4,
 * fluent-package/Gemfile and Gemfile.lock). They are not installed again, only verified, so a
 * plugin install that pulled a second aws-sdk-core or faraday would fail the boot loudly.
 * fluent-plugin-opensearch 1.1.6 needs opensearch-ruby >= 3.0.1, faraday >= 2 and
 * faraday_middleware-aws-sigv4 ~> 1.0.1 (its gemspec), all satisfied by the bundle.
 */
export const BUNDLED_GEMS: readonly GemPin[] = [
  { name: "fluentd", version: "1.19.3" },
  { name: "fluent-plugin-opensearch", version: "1.1.6" },
  { name: "opensearch-ruby", version: "3.4.0" },
  { name: "faraday", version: "2.14.3" },
  { name: "faraday_middleware-aws-sigv4", version: "1.0.1" },
  { name: "excon", version: "1.5.0" },
  { name: "faraday-excon", version: "2.3.0" },
  { name: "aws-sdk-core", version: "3.234.0" },
  { name: "aws-sigv4", version: "1.12.1" },
  // Native gem, shipped prebuilt for aarch64-linux-gnu and x86_64-linux-gnu, so the Kinesis
  // plugin's `google-protobuf ~> 4` never compiles or fetches a platform build at boot.
  { name: "google-protobuf", version: "4.32.1" },
];

/**
 * Gems installed at first boot, in install order (dependencies first). The AWS SDK clients are
 * the newest releases that still accept the bundled aws-sdk-core 3.234.0 (their rubygems.org
 * pages list `aws-sdk-core ~> 3, >= 3.234.0`; the next releases need >= 3.239.1), so installing
 * them never upgrades the core the bundled S3/OpenSearch plugins were built against.
 * fluent-plugin-kinesis 3.6.1 (awslabs/aws-fluent-plugin-kinesis) needs aws-sdk-kinesis ~> 1,
 * aws-sdk-firehose ~> 1 and google-protobuf ~> 4; fluent-plugin-cloudwatch-logs 0.15.0
 * (fluent-plugins-nursery) needs aws-sdk-cloudwatchlogs ~> 1.0.
 */
export const INSTALLED_GEMS: readonly GemPin[] = [
  { name: "aws-sdk-kinesis", version: "1.92.0" },
  { name: "aws-sdk-firehose", version: "1.101.0" },
  { name: "aws-sdk-cloudwatchlogs", version: "1.131.0" },
  { name: "fluent-plugin-kinesis", version: "3.6.1" },
  { name: "fluent-plugin-cloudwatch-logs", version: "0.15.0" },
];

/** Every gem the agent depends on, with the one version each must have. */
export const AGENT_GEMS: readonly GemPin[] = [...BUNDLED_GEMS, ...INSTALLED_GEMS];
