/**
 * Records every resource registration the program makes under the mock monitor, and turns the
 * records into a `pulumi stack export`-style deployment (version 3).
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** One resource as `pulumi stack export` writes it. */
export interface StateResource {
  urn: string;
  custom: boolean;
  type: string;
  id?: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  parent?: string;
  provider?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  protect?: boolean;
  retainOnDelete?: boolean;
  remote?: boolean;
}

export interface StackExport {
  version: 3;
  deployment: {
    manifest: { time: string; magic: string; version: string };
    resources: StateResource[];
  };
}

/** Wire-format values (secrets as `{sig, value}`) to state format (`{sig, plaintext}`). */
function toState(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toState);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) {
      return { [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(o.value ?? null) };
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = toState(v);
    return out;
  }
  return value;
}

/**
 * The mock monitor qualifies a URN's type with its parent's type even when the parent is the root
 * stack (`pulumi:pulumi:Stack$datalake:...`); the engine does not. Normalize to the engine's form.
 */
export function engineUrn(urn: string): string {
  return urn.replace("::pulumi:pulumi:Stack$", "::");
}

interface StructLike {
  toJavaScript(): Record<string, unknown>;
}

export class Recorder {
  private readonly records: StateResource[] = [];
  private readonly byUrn = new Map<string, StateResource>();

  /** Starts recording on the current (mock) monitor. Call after `setMocks`. */
  install(): this {
    const monitor = pulumi.runtime.getMonitor() as any;
    if (!monitor) throw new Error("Recorder.install: no monitor; call pulumi.runtime.setMocks first");
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) =>
      register(req, (err: unknown, resp: any) => {
        if (!err && resp) this.record(req, resp);
        callback(err, resp);
      });
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: (err: unknown, resp: any) => void) => {
      const resource = this.byUrn.get(engineUrn(req.getUrn()));
      const outputs = req.getOutputs() as StructLike | undefined;
      if (resource && outputs) resource.outputs = toState(outputs.toJavaScript()) as Record<string, unknown>;
      return registerOutputs(req, callback);
    };
    return this;
  }

  private record(req: any, resp: any): void {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
      propertyDependencies[key] = deps.getUrnsList().map(engineUrn);
    });
    const custom: boolean = req.getCustom();
    const resource: StateResource = {
      urn: engineUrn(resp.getUrn()),
      custom,
      type: req.getType(),
      ...(custom ? { id: resp.getId() } : {}),
      inputs: toState((req.getObject() as StructLike).toJavaScript()) as Record<string, unknown>,
      outputs: toState((resp.getObject() as StructLike).toJavaScript()) as Record<string, unknown>,
      ...(req.getParent() ? { parent: engineUrn(req.getParent()) } : {}),
      ...(req.getProvider() ? { provider: req.getProvider() } : {}),
      dependencies: req.getDependenciesList().map(engineUrn),
      propertyDependencies,
      ...(req.getProtect() ? { protect: true } : {}),
      ...(req.getRetainondelete() ? { retainOnDelete: true } : {}),
      ...(req.getRemote() ? { remote: true } : {}),
    };
    this.records.push(resource);
    this.byUrn.set(resource.urn, resource);
  }

  get resources(): readonly StateResource[] {
    return this.records;
  }

  /**
   * The deployment as `pulumi stack export` would write it: default providers are added before
   * their first user (the engine registers them; the SDK under mocks does not), and each custom
   * or remote resource references its provider as `<urn>::<id>`.
   */
  toExport(stack: string, project: string, packageVersions: Record<string, string>): StackExport {
    const resources: StateResource[] = [];
    const providers = new Map<string, string>();
    for (const r of this.records) {
      const pkg = r.type.split(":")[0];
      if ((r.custom || r.remote) && !r.provider && pkg !== "pulumi") {
        let ref = providers.get(pkg);
        if (!ref) {
          const version = (packageVersions[pkg] ?? "0.0.0").replace(/\./g, "_");
          const urn = `urn:pulumi:${stack}::${project}::pulumi:providers:${pkg}::default_${version}`;
          const id = createHash("sha256").update(urn).digest("hex");
          const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`;
          ref = `${urn}::${uuid}`;
          providers.set(pkg, ref);
          resources.push({
            urn,
            custom: true,
            id: uuid,
            type: `pulumi:providers:${pkg}`,
            inputs: {},
            outputs: {},
          });
        }
        resources.push({ ...r, provider: ref });
      } else {
        resources.push({ ...r });
      }
    }
    for (const r of resources) delete r.remote;
    return {
      version: 3,
      deployment: {
        manifest: { time: new Date().toISOString(), magic: "", version: `v${packageVersions.pulumi ?? "3"}` },
        resources,
      },
    };
  }
}
