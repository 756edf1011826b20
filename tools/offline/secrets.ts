/**
 * The Pulumi CLI's passphrase secrets provider, for stack exports: the recorder writes its
 * `deployment.secrets_providers` block, and the policy gate decrypts `ciphertext` secrets with it
 * (and PULUMI_CONFIG_PASSPHRASE) the way `pulumi policy analyze --file` does.
 *
 * The format, as the CLI defines it (pkg/secrets/passphrase, sdk config/crypt.go):
 * - the key is PBKDF2-SHA256 of the passphrase with the stack's 8-byte salt, 1,000,000 rounds,
 *   32 bytes;
 * - a value is `v1:<base64 nonce>:<base64 AES-256-GCM ciphertext and tag>` (12-byte nonce);
 * - the provider's state is `{ "salt": "v1:<base64 salt>:<the value "pulumi" encrypted>" }`, the
 *   encrypted word checks the passphrase.
 */
import { createCipheriv, createDecipheriv, createHash, pbkdf2Sync } from "crypto";
import * as fs from "fs";

export const PASSPHRASE_TYPE = "passphrase";
const ROUNDS = 1_000_000;
const CHECK_WORD = "pulumi";

/** A passphrase-derived key; construct with `fromState` or `create`. */
export class PassphraseCrypter {
  private constructor(private readonly key: Buffer) {}

  /** The crypter of a provider state, or undefined when the passphrase does not open it. */
  static fromState(passphrase: string, state: string): PassphraseCrypter | undefined {
    const parts = state.split(":");
    if (parts.length < 3 || parts[0] !== "v1") return undefined;
    const salt = Buffer.from(parts[1], "base64");
    const crypter = new PassphraseCrypter(pbkdf2Sync(passphrase, salt, ROUNDS, 32, "sha256"));
    const check = state.slice(parts[0].length + parts[1].length + 2);
    return crypter.decrypt(check) === CHECK_WORD ? crypter : undefined;
  }

  /**
   * A provider state for `passphrase` with `salt` (8 bytes) and its crypter. `nonce` (12 bytes)
   * encrypts the check word: given, the state is the same on every run.
   */
  static create(
    passphrase: string,
    salt: Buffer,
    nonce: Buffer,
  ): { state: string; crypter: PassphraseCrypter } {
    const crypter = new PassphraseCrypter(pbkdf2Sync(passphrase, salt, ROUNDS, 32, "sha256"));
    return { state: `v1:${salt.toString("base64")}:${crypter.encrypt(CHECK_WORD, nonce)}`, crypter };
  }

  encrypt(plaintext: string, nonce: Buffer): string {
    const cipher = createCipheriv("aes-256-gcm", this.key, nonce);
    const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `v1:${nonce.toString("base64")}:${sealed.toString("base64")}`;
  }

  /** The plaintext of a value, or undefined when it is malformed or was not encrypted with this key. */
  decrypt(value: string): string | undefined {
    const parts = value.split(":");
    if (parts.length !== 3 || parts[0] !== "v1") return undefined;
    const nonce = Buffer.from(parts[1], "base64");
    const sealed = Buffer.from(parts[2], "base64");
    if (nonce.length !== 12 || sealed.length < 16) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, nonce);
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      return Buffer.concat([
        decipher.update(sealed.subarray(0, sealed.length - 16)),
        decipher.final(),
      ]).toString("utf8");
    } catch {
      return undefined;
    }
  }
}

/**
 * The passphrase the CLI would use: PULUMI_CONFIG_PASSPHRASE, else the trimmed content of
 * PULUMI_CONFIG_PASSPHRASE_FILE, else undefined (the CLI then prompts, or fails when not
 * interactive).
 */
export function configPassphrase(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return env.PULUMI_CONFIG_PASSPHRASE;
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file) {
    try {
      return fs.readFileSync(file, "utf8").trim();
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** `n` bytes derived from `label`: a salt or nonce that is the same on every run. */
export function derivedBytes(label: string, n: number): Buffer {
  return createHash("sha256").update(label).digest().subarray(0, n);
}
