/**
 * Monthly cost of a stack at idle, computed from its resource graph (a rendered plan or a
 * `pulumi stack export`) and the price table of its region (`tools/offline/prices/<region>.json`,
 * with its sources and date). `npm run plan` prints it per component.
 *
 * "At idle" means what AWS bills by the hour or the month whether or not data flows: instances,
 * their volumes and public IPv4 addresses, NAT gateways, interface endpoints, OpenSearch nodes and
 * storage, KMS keys, secrets, alarms, dashboards. Left out (usage): traffic and data transfer, NAT
 * and endpoint data processing, Redshift Serverless RPU-hours while queries run, Athena and
 * Spectrum scans, Glue job runs (the schedule's runs included), Lambda, Firehose, SQS, SNS, S3 and
 * Redshift storage and their growth, CloudWatch Logs ingestion and storage, the free tier.
 */
import * as fs from "fs";
import * as path from "path";
import { StateResource } from "./recorder";
import type { UsagePrices } from "../sizing/usage";

/** The price table of one region (see the JSON files beside this module for the fields' sources). */
export interface PriceTable {
  readonly region: string;
  readonly currency: string;
  /** When the prices were looked up (YYYY-MM-DD). */
  readonly retrieved: string;
  readonly hoursPerMonth: number;
  readonly sources: Readonly<Record<string, string>>;
  readonly checked: Readonly<Record<string, string>>;
  readonly ec2InstanceHourly: Readonly<Record<string, number>>;
  readonly ebsGbMonth: Readonly<Record<string, number>>;
  readonly publicIpv4Hourly: number;
  readonly natGatewayHourly: number;
  readonly interfaceEndpointHourlyPerAz: number;
  readonly opensearchInstanceHourly: Readonly<Record<string, number>>;
  readonly opensearchGp3GbMonth: number;
  readonly redshiftServerlessRpuHour: number;
  readonly kmsKeyMonth: number;
  readonly secretMonth: number;
  readonly alarmMonth: { readonly standard: number; readonly highResolution: number };
  readonly dashboardMonth: number;
  /** Usage prices for `npm run size` (tools/sizing/usage.ts), with their own sources. */
  readonly usage?: UsagePrices;
}

/** One priced item of one resource. */
export interface CostLine {
  /** The component the resource belongs to, as `npm run plan` groups it. */
  readonly component: string;
  /** The resource's logical name. */
  readonly resource: string;
  /** What is billed, in words ("2 × t4g.micro instance-hours"). */
  readonly item: string;
  readonly monthly: number;
}

export interface CostEstimate {
  readonly prices: PriceTable;
  readonly lines: readonly CostLine[];
  /** Monthly total per component, in order of first appearance. */
  readonly byComponent: ReadonlyMap<string, number>;
  readonly total: number;
  /** Items the table has no price for (one sentence each); the total leaves them out. */
  readonly unpriced: readonly string[];
}

export const PRICES_DIR = path.join(__dirname, "prices");

/** A region without a price table, or a table that does not parse. */
export class PriceTableError extends Error {}

export function loadPrices(region: string, dir = PRICES_DIR): PriceTable {
  const file = path.join(dir, `${region}.json`);
  if (!fs.existsSync(file)) {
    throw new PriceTableError(
      `no price table for region ${region}: add ${path.relative(process.cwd(), file)} (see ${path.relative(process.cwd(), dir)}/*.json)`,
    );
  }
  const table = JSON.parse(fs.readFileSync(file, "utf8")) as PriceTable;
  if (table.region !== region) {
    throw new PriceTableError(`${file} holds prices for ${table.region}, not ${region}`);
  }
  return table;
}

/** Name of the component a resource belongs to (its nearest ancestor below the stack), or "(stack)". */
export function componentOf(r: StateResource, byUrn: ReadonlyMap<string, StateResource>): string {
  let parent = r.parent ? byUrn.get(r.parent) : undefined;
  while (parent && parent.parent && byUrn.get(parent.parent)?.type !== "pulumi:pulumi:Stack") {
    parent = byUrn.get(parent.parent);
  }
  if (!parent || parent.type === "pulumi:pulumi:Stack") return "(stack)";
  return `${parent.urn.split("::").pop()} (${parent.type})`;
}

type Obj = Record<string, any>;
const num = (v: unknown, fallback: number): number => (typeof v === "number" ? v : fallback);
const money = (v: number) => `$${v.toFixed(2)}`;

/**
 * What one resource costs at idle: a list of [item, monthly] pairs, or a sentence for an item
 * the table has no price for. Pure; `natFromVpc` is false when the graph holds the NAT gateways
 * themselves (a real export of the awsx VPC), so they are not counted twice.
 */
export function resourceCost(
  r: StateResource,
  p: PriceTable,
  natFromVpc: boolean,
): { items: [string, number][]; unpriced: string[] } {
  const h = p.hoursPerMonth;
  const i = r.inputs as Obj;
  const items: [string, number][] = [];
  const unpriced: string[] = [];
  const name = r.urn.split("::").pop() ?? r.urn;
  const hourly = (table: Readonly<Record<string, number>>, type: string, count: number, what: string) => {
    const price = table[type];
    if (price === undefined) {
      unpriced.push(`${name}: no ${p.region} price for ${what} ${type}; add it to the price table`);
    } else {
      items.push([`${count} × ${type} (${h} h × $${price}/h)`, count * price * h]);
    }
  };
  const ebs = (type: string, gib: number, what: string) => {
    const price = p.ebsGbMonth[type];
    if (price === undefined) unpriced.push(`${name}: no ${p.region} price for EBS ${type} volumes`);
    else items.push([`${what}: ${gib} GiB ${type} × $${price}/GiB-month`, gib * price]);
  };
  const publicIps = (count: number, what: string) =>
    items.push([
      `${count} public IPv4 address(es) of ${what} (${h} h × $${p.publicIpv4Hourly}/h)`,
      count * p.publicIpv4Hourly * h,
    ]);

  switch (r.type) {
    case "aws:ec2/instance:Instance": {
      hourly(p.ec2InstanceHourly, String(i.instanceType), 1, "EC2 instance type");
      const root = (i.rootBlockDevice ?? {}) as Obj;
      // EC2's defaults when the program sets none: an 8 GiB gp2 root volume for the AL2023 image.
      ebs(String(root.volumeType ?? "gp2"), num(root.volumeSize, 8), "root volume");
      for (const v of (i.ebsBlockDevices ?? []) as Obj[])
        ebs(String(v.volumeType ?? "gp2"), num(v.volumeSize, 8), "data volume");
      if (i.associatePublicIpAddress === true) publicIps(1, "the instance");
      break;
    }
    case "awsx:ec2:Vpc": {
      if (!natFromVpc) break;
      const strategy = String(((i.natGateways ?? {}) as Obj).strategy ?? "Single");
      const zones = num(i.numberOfAvailabilityZones, 3);
      const count = strategy === "None" ? 0 : strategy === "OnePerAz" ? zones : 1;
      if (count > 0) {
        items.push([
          `${count} NAT gateway(s) (${h} h × $${p.natGatewayHourly}/h)`,
          count * p.natGatewayHourly * h,
        ]);
        publicIps(count, "the NAT gateways (one Elastic IP each)");
      }
      break;
    }
    case "aws:ec2/natGateway:NatGateway":
      items.push([`1 NAT gateway (${h} h × $${p.natGatewayHourly}/h)`, p.natGatewayHourly * h]);
      break;
    case "aws:ec2/eip:Eip":
      publicIps(1, "an Elastic IP");
      break;
    case "aws:ec2/vpcEndpoint:VpcEndpoint": {
      // Gateway endpoints (S3, DynamoDB) are free; an interface endpoint is billed per zone (subnet).
      if (i.vpcEndpointType !== "Interface") break;
      const zones = ((i.subnetIds ?? []) as unknown[]).length;
      items.push([
        `interface endpoint in ${zones} zone(s) (${h} h × $${p.interfaceEndpointHourlyPerAz}/h each)`,
        zones * p.interfaceEndpointHourlyPerAz * h,
      ]);
      break;
    }
    case "aws:opensearch/domain:Domain": {
      const c = (i.clusterConfig ?? {}) as Obj;
      const nodes = num(c.instanceCount, 1);
      hourly(
        p.opensearchInstanceHourly,
        String(c.instanceType ?? "m5.large.search"),
        nodes,
        "OpenSearch instance type",
      );
      if (c.dedicatedMasterEnabled === true) {
        hourly(
          p.opensearchInstanceHourly,
          String(c.dedicatedMasterType),
          num(c.dedicatedMasterCount, 3),
          "OpenSearch instance type",
        );
      }
      const e = (i.ebsOptions ?? {}) as Obj;
      if (e.ebsEnabled === true) {
        const gib = num(e.volumeSize, 10) * nodes;
        if (e.volumeType !== undefined && e.volumeType !== "gp3") {
          unpriced.push(`${name}: no ${p.region} price for OpenSearch ${e.volumeType} storage`);
        } else {
          items.push([
            `${nodes} × ${num(e.volumeSize, 10)} GiB gp3 storage × $${p.opensearchGp3GbMonth}/GiB-month`,
            gib * p.opensearchGp3GbMonth,
          ]);
        }
      }
      break;
    }
    case "aws:redshiftserverless/workgroup:Workgroup": {
      const rpu = num(i.baseCapacity, 128);
      items.push([
        `idle: no compute charge (${rpu} RPU × $${p.redshiftServerlessRpuHour} = ${money(rpu * p.redshiftServerlessRpuHour)} per hour while queries run)`,
        0,
      ]);
      break;
    }
    case "aws:redshiftserverless/namespace:Namespace":
      // manageAdminPassword makes Redshift create (and bill) a Secrets Manager secret of its own.
      if (i.manageAdminPassword === true)
        items.push(["admin password secret managed by Redshift", p.secretMonth]);
      break;
    case "aws:kms/key:Key":
      items.push(["customer managed KMS key", p.kmsKeyMonth]);
      break;
    case "aws:secretsmanager/secret:Secret":
      items.push(["Secrets Manager secret", p.secretMonth]);
      break;
    case "aws:cloudwatch/metricAlarm:MetricAlarm": {
      // A period under 60 s makes a high-resolution alarm, billed at the higher rate.
      const high =
        num(i.period, 60) < 60 ||
        ((i.metricQueries ?? []) as Obj[]).some((q) => num(q.metric?.period, 60) < 60);
      items.push([
        `${high ? "high-resolution" : "standard"} alarm`,
        high ? p.alarmMonth.highResolution : p.alarmMonth.standard,
      ]);
      break;
    }
    case "aws:cloudwatch/dashboard:Dashboard":
      items.push(["CloudWatch dashboard", p.dashboardMonth]);
      break;
  }
  return { items, unpriced };
}

/** The idle monthly estimate of a graph, per resource and per component. */
export function estimateCost(resources: readonly StateResource[], prices: PriceTable): CostEstimate {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const natFromVpc = !resources.some((r) => r.type === "aws:ec2/natGateway:NatGateway");
  const lines: CostLine[] = [];
  const unpriced: string[] = [];
  const byComponent = new Map<string, number>();
  for (const r of resources) {
    const cost = resourceCost(r, prices, natFromVpc);
    unpriced.push(...cost.unpriced);
    if (cost.items.length === 0) continue;
    const component = componentOf(r, byUrn);
    for (const [item, monthly] of cost.items) {
      lines.push({ component, resource: r.urn.split("::").pop() ?? r.urn, item, monthly });
      byComponent.set(component, (byComponent.get(component) ?? 0) + monthly);
    }
  }
  const total = [...byComponent.values()].reduce((a, b) => a + b, 0);
  return { prices, lines, byComponent, total, unpriced };
}

/** The estimate as `npm run plan` prints it. */
export function formatCost(e: CostEstimate): string {
  const p = e.prices;
  const out = [
    `Monthly cost at idle (${p.region}, ${p.currency}, list prices of ${p.retrieved}; tools/offline/prices/${p.region}.json):`,
  ];
  for (const [component, monthly] of e.byComponent) {
    out.push(`  ${component}: ${money(monthly)}`);
    for (const l of e.lines.filter((x) => x.component === component)) {
      out.push(`    ${money(l.monthly).padStart(9)}  ${l.resource}: ${l.item}`);
    }
  }
  out.push(`  total: ${money(e.total)}${e.unpriced.length ? " (plus the unpriced items below)" : ""}`);
  for (const u of e.unpriced) out.push(`  not priced: ${u}`);
  out.push(
    "  Leaves out usage: traffic and NAT/endpoint data processing, Redshift RPU-hours of queries, Athena/Spectrum scans, Glue job runs, Lambda, Firehose, S3/Redshift storage and its growth, CloudWatch Logs, the free tier.",
  );
  return out.join("\n");
}

/** The estimate for the plan's summary, or one sentence saying why there is none. */
export function costReport(region: string, resources: readonly StateResource[]): string {
  try {
    return formatCost(estimateCost(resources, loadPrices(region)));
  } catch (err) {
    if (err instanceof PriceTableError) return `Monthly cost at idle: not estimated, ${err.message}.`;
    throw err;
  }
}
