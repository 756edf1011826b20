/** Mocks for the EtlLayer: Glue security configuration, job, triggers, crawler; the uploaded job code. */
import { defineTypeMocks } from "./registry";

const glueArn = (ctx: { partition: string; region: string; accountId: string }, resource: string) =>
  `arn:${ctx.partition}:glue:${ctx.region}:${ctx.accountId}:${resource}`;

defineTypeMocks({
  "aws:glue/securityConfiguration:SecurityConfiguration": {
    autoName: "name",
    autoNameMaxLength: 255,
    outputs: (ctx, s) => ({ region: ctx.region, id: s.name }),
  },
  "aws:glue/job:Job": {
    autoName: "name",
    autoNameMaxLength: 255,
    outputs: (ctx, s) => ({
      arn: glueArn(ctx, `job/${s.name}`),
      maxCapacity: (s.numberOfWorkers ?? 2) * 1,
      region: ctx.region,
      tagsAll: s.tags ?? {},
    }),
  },
  "aws:glue/trigger:Trigger": {
    autoName: "name",
    autoNameMaxLength: 255,
    outputs: (ctx, s) => ({
      arn: glueArn(ctx, `trigger/${s.name}`),
      state: s.startOnCreation ? "ACTIVATED" : "CREATED",
      enabled: true,
      region: ctx.region,
    }),
  },
  "aws:glue/crawler:Crawler": {
    autoName: "name",
    autoNameMaxLength: 255,
    outputs: (ctx, s) => ({ arn: glueArn(ctx, `crawler/${s.name}`), region: ctx.region }),
  },
  // The job's script and module: S3 uses the key as the id; versioned lake buckets return a version.
  "aws:s3/bucketObjectv2:BucketObjectv2": {
    id: (_ctx, s) => String(s.key),
    outputs: (ctx, s) => ({
      arn: `arn:${ctx.partition}:s3:::${s.bucket}/${s.key}`,
      etag: ctx.hex(32),
      versionId: ctx.hex(32),
      storageClass: "STANDARD",
    }),
  },
});
