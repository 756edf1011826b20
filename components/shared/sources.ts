/**
 * Facts about the lake's configured sources that the config, the layers, the dashboard, verify
 * and the docs share: what a CloudWatch Logs group name may be, how many groups a stack may
 * subscribe, and the stable key each group's resources are named by.
 */
import { createHash } from "crypto";

/**
 * A log group name as CloudWatch Logs accepts it: 1 to 512 characters of a-z, A-Z, 0-9, `_`, `-`,
 * `/`, `.` and `#` (CreateLogGroup, logGroupName:
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html).
 */
export const LOG_GROUP_NAME_PATTERN = /^[A-Za-z0-9_\-/.#]{1,512}$/;

/**
 * CloudWatch Logs allows two subscription filters per log group
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html); a
 * configured source takes both: one to the forwarder, one to the lake's stream.
 */
export const SUBSCRIPTION_FILTERS_PER_LOG_GROUP = 2;

/**
 * Most groups one stack subscribes. Each adds a statement to the forwarder's resource-based
 * policy, which Lambda caps at 20 KB
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), and a source ARN to
 * the trust policy of the CloudWatch Logs role; 20 keeps both well inside their limits.
 */
export const MAX_SOURCE_LOG_GROUPS = 20;

/** A producer's name: it names the producer's policy and role. */
export const PRODUCER_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * The key a source log group's resources are named by (`<layer>-subscription-<key>`): readable
 * (lowercase, runs of other characters as `-`, at most 40 characters) and unique (8 hex digits of
 * the name's SHA-256, since two names can read the same once lowercased and cut).
 */
export function sourceKey(logGroupName: string): string {
  const readable = logGroupName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  const hash = createHash("sha256").update(logGroupName).digest("hex").slice(0, 8);
  return `${readable || "group"}-${hash}`;
}
