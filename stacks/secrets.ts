/**
 * Keeps secret configuration secret in the resources it reaches. The program validates config
 * from its plaintext (the typed config object is plain), so a secret setting such as
 * `datalake:speed.alarmEmail` would otherwise reach a resource input, and the state, as a plain
 * string. A stack transformation marks every input property that carries a secret config value
 * as secret, so the engine encrypts it in the state and masks it in the CLI's output
 * (https://www.pulumi.com/docs/iac/concepts/secrets/#how-secrets-relate-to-outputs).
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * Whether the engine marked a config key secret (it passes the list in PULUMI_CONFIG_SECRET_KEYS).
 * The SDK's own check is internal (`@internal`, so not in its type declarations) but is the one
 * its `Config` getters use; there is no public equivalent.
 */
const internalConfig =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("@pulumi/pulumi/runtime/config") as { isConfigSecret: (key: string) => boolean };
export const isConfigSecret = (key: string): boolean => internalConfig.isConfigSecret(key);

/** Every string inside a config value (a JSON document or a plain string). */
function strings(value: unknown, out: Set<string>): void {
  if (typeof value === "string") {
    if (value !== "") out.add(value);
  } else if (Array.isArray(value)) {
    value.forEach((v) => strings(v, out));
  } else if (value && typeof value === "object") {
    Object.values(value).forEach((v) => strings(v, out));
  }
}

/** The plaintext strings of every config key the engine marked secret. */
export function secretConfigStrings(
  config: Readonly<Record<string, string>> = pulumi.runtime.allConfig(),
  isSecret: (key: string) => boolean = isConfigSecret,
): Set<string> {
  const out = new Set<string>();
  for (const [key, text] of Object.entries(config)) {
    if (!isSecret(key)) continue;
    try {
      strings(JSON.parse(text) as unknown, out);
    } catch {
      out.add(text);
    }
  }
  return out;
}

/** Whether a plain input value holds one of the secret strings (Outputs are left as they are). */
function carries(value: unknown, secrets: ReadonlySet<string>): boolean {
  if (typeof value === "string") return secrets.has(value);
  if (pulumi.Output.isInstance(value) || pulumi.Resource.isInstance(value)) return false;
  if (Array.isArray(value)) return value.some((v) => carries(v, secrets));
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).some((v) => carries(v, secrets));
  }
  return false;
}

/** A transformation that wraps every input property carrying a secret string in `pulumi.secret`. */
export function secretInputsTransformation(secrets: ReadonlySet<string>): pulumi.ResourceTransformation {
  return (args) => {
    if (secrets.size === 0) return undefined;
    let changed = false;
    const props: Record<string, unknown> = { ...args.props };
    for (const [name, value] of Object.entries(props)) {
      if (carries(value, secrets)) {
        props[name] = pulumi.secret(value);
        changed = true;
      }
    }
    return changed ? { props, opts: args.opts } : undefined;
  };
}
