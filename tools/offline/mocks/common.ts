/** Invokes every AWS program uses: region, account, partition, zones. */
import { defineCallMocks } from "./registry";

const ZONE_SUFFIXES = ["a", "b", "c", "d", "e", "f"];

defineCallMocks({
  "aws:index/getRegion:getRegion": (_inputs, ctx) => ({
    region: ctx.region,
    name: ctx.region,
    id: ctx.region,
    description: ctx.region,
    endpoint: `ec2.${ctx.region}.amazonaws.com`,
  }),
  "aws:index/getCallerIdentity:getCallerIdentity": (_inputs, ctx) => ({
    accountId: ctx.accountId,
    arn: `arn:${ctx.partition}:iam::${ctx.accountId}:user/offline-plan`,
    userId: "AIDAOFFLINEPLAN000000",
    id: ctx.accountId,
  }),
  "aws:index/getPartition:getPartition": (_inputs, ctx) => ({
    partition: ctx.partition,
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
    id: ctx.partition,
  }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_inputs, ctx) => ({
    names: ZONE_SUFFIXES.map((s) => `${ctx.region}${s}`),
    zoneIds: ZONE_SUFFIXES.map((_s, i) => `${ctx.region.slice(0, 3)}${i + 1}-az${i + 1}`),
    id: ctx.region,
  }),
});
