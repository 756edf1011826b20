/**
 * Records every resource registration the program makes under the mock monitor, and turns the
 * records into a `pulumi stack export`-style deployment (version 3).
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PASSPHRASE_TYPE, PassphraseCrypter, configPassphrase, derivedBytes } from "./secrets";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";

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
    secrets_providers: { type: string; state: { salt: string } };
    resources: StateResource[];
  };
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/**
 * The manifest's `magic`: what `pulumi stack import` checks (without --force) to tell a state
 * written by the CLI, hex(sha256(manifest.version)) (pkg/resource/deploy/manifest.go, NewMagic).
 */
/**
 * The manifest's time as the engine writes it (Go's RFC 3339 with nanoseconds: trailing zeros of
 * the fraction dropped, so `.330Z` is `.33Z` and `.000Z` is `Z`), so that a state the CLI imports
 * and exports again carries the same text.
 */
export function manifestTime(at: Date): string {
  return at.toISOString().replace(/\.?0+Z$/, "Z");
}

export function manifestMagic(version: string): string {
  return version === "" ? "" : sha256(version);
}

/**
 * The bytes the engine hashes for an archive of named assets: a tar stream (Go's archive/tar,
 * USTAR) with one regular file per member in name order, mode 0600, owner 0, time 0, then two zero
 * blocks (sdk/go/common/resource/archive: EnsureHash, archiveTar, addNextFileToTar). Members are
 * `[name, content]` pairs.
 */
export function tarForHash(members: readonly (readonly [string, Buffer])[]): Buffer {
  const blocks: Buffer[] = [];
  const octal = (field: Buffer, at: number, width: number, n: number) =>
    field.write(n.toString(8).padStart(width - 1, "0") + "\0", at, "latin1");
  for (const [name, data] of [...members].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (Buffer.byteLength(name) > 100)
      throw new Error(`archive member name ${name} is longer than the 100 bytes this tar writer supports`);
    const h = Buffer.alloc(512);
    h.write(name, 0, "utf8");
    octal(h, 100, 8, 0o600); // mode
    octal(h, 108, 8, 0); // uid
    octal(h, 116, 8, 0); // gid
    octal(h, 124, 12, data.length); // size
    octal(h, 136, 12, 0); // mtime
    h.write("0", 156, "latin1"); // typeflag: regular file
    h.write("ustar\0" + "00", 257, "latin1"); // magic, version
    octal(h, 329, 8, 0); // devmajor
    octal(h, 337, 8, 0); // devminor
    h.fill(" ", 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "latin1");
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** The content of an asset (text or file), or undefined for a remote (`uri`) one. */
function assetContent(o: Record<string, unknown>): Buffer | undefined {
  if (typeof o.text === "string") return Buffer.from(o.text, "utf8");
  if (typeof o.path === "string") {
    try {
      return fs.readFileSync(path.resolve(o.path));
    } catch (err) {
      throw new Error(
        `The file asset ${o.path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the program refers to a file that does not exist.`,
      );
    }
  }
  return undefined;
}

/** The members of an archive of named assets (nested archives flattened as `name/member`). */
function archiveMembers(assets: Record<string, unknown>, prefix = ""): [string, Buffer][] | undefined {
  const members: [string, Buffer][] = [];
  for (const [name, v] of Object.entries(assets)) {
    const o = v as Record<string, unknown>;
    if (o[SIG_KEY] === ASSET_SIG) {
      const content = assetContent(o);
      if (!content) return undefined;
      members.push([prefix + name, content]);
    } else if (o[SIG_KEY] === ARCHIVE_SIG && o.assets && typeof o.assets === "object") {
      const nested = archiveMembers(o.assets as Record<string, unknown>, `${prefix}${name}/`);
      if (!nested) return undefined;
      members.push(...nested);
    } else {
      return undefined;
    }
  }
  return members;
}

/**
 * An asset or archive as the engine stores it: its signature, the source (`text`, `path`, `uri`
 * or `assets`) and the `hash` the engine computes, without the SDK's `__pulumiAsset` and
 * `__pulumiArchive` instance markers. Hashes the engine would compute from a remote source or an
 * archive file are left out (the engine adds them at the next deployment).
 */
function assetToState(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { [SIG_KEY]: o[SIG_KEY] };
  if (o[SIG_KEY] === ASSET_SIG) {
    const content = assetContent(o);
    if (content) out.hash = sha256(content);
    for (const k of ["text", "path", "uri"]) if (typeof o[k] === "string") out[k] = o[k];
    return out;
  }
  if (o.assets && typeof o.assets === "object") {
    const assets = o.assets as Record<string, unknown>;
    const members = archiveMembers(assets);
    if (members) out.hash = sha256(tarForHash(members));
    out.assets = Object.fromEntries(Object.entries(assets).map(([k, v]) => [k, toState(v)]));
    return out;
  }
  for (const k of ["path", "uri"]) if (typeof o[k] === "string") out[k] = o[k];
  return out;
}

/**
 * Wire-format values (secrets as `{sig, value}`) to state format (`{sig, plaintext}`, as
 * `pulumi stack export --show-secrets` writes them); assets and archives as the engine stores them.
 */
function toState(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toState);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) {
      return { [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(toState(o.value ?? null)) };
    }
    if (o[SIG_KEY] === ASSET_SIG || o[SIG_KEY] === ARCHIVE_SIG) return assetToState(o);
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
    const version = `v${packageVersions.pulumi ?? "3"}`;
    return {
      version: 3,
      deployment: {
        manifest: { time: manifestTime(new Date()), magic: manifestMagic(version), version },
        secrets_providers: planSecretsProvider(stack, project),
        resources,
      },
    };
  }
}

/**
 * The export's secrets provider: a passphrase provider as a stack on a local backend has, with a
 * salt derived from the project and stack (the same on every run) and the passphrase the CLI
 * would use (PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE; unset means the empty
 * passphrase). `pulumi stack import` needs one to save the snapshot, and opens it with that same
 * passphrase. The export's own secrets are plaintext, as with `pulumi stack export --show-secrets`.
 */
export function planSecretsProvider(
  stack: string,
  project: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): StackExport["deployment"]["secrets_providers"] {
  const { state } = PassphraseCrypter.create(
    configPassphrase(env) ?? "",
    derivedBytes(`salt:${project}/${stack}`, 8),
    derivedBytes(`nonce:${project}/${stack}`, 12),
  );
  return { type: PASSPHRASE_TYPE, state: { salt: state } };
}
