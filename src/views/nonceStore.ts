// Replay protection for signed views: which (signer, nonce) pairs were accepted and the last
// accepted view-set version. The keeper keeps one store per ModelRegistry and chain.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Address } from "viem";
import { InputError } from "../errors.ts";

/** Where accepted nonces and the last accepted view-set version are remembered. */
export interface NonceStore {
  isUsed(signer: Address, nonce: bigint): Promise<boolean>;
  markUsed(signer: Address, nonce: bigint): Promise<void>;
  /** The highest view-set version accepted so far, or null before the first. */
  lastAcceptedVersion(): Promise<bigint | null>;
  setLastAcceptedVersion(version: bigint): Promise<void>;
}

interface NonceState {
  lastAcceptedVersion: bigint | null;
  used: Map<string, Set<string>>;
}

const key = (signer: Address): string => signer.toLowerCase();

/**
 * A store that lives as long as the process (tests, one-shot CLI checks).
 *
 * @example
 * ```ts
 * const nonces = new MemoryNonceStore();
 * await nonces.markUsed("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", 1n);
 * ```
 */
export class MemoryNonceStore implements NonceStore {
  protected readonly state: NonceState = { lastAcceptedVersion: null, used: new Map() };

  async isUsed(signer: Address, nonce: bigint): Promise<boolean> {
    return this.state.used.get(key(signer))?.has(nonce.toString()) ?? false;
  }

  async markUsed(signer: Address, nonce: bigint): Promise<void> {
    const set = this.state.used.get(key(signer)) ?? new Set<string>();
    set.add(nonce.toString());
    this.state.used.set(key(signer), set);
  }

  async lastAcceptedVersion(): Promise<bigint | null> {
    return this.state.lastAcceptedVersion;
  }

  async setLastAcceptedVersion(version: bigint): Promise<void> {
    this.state.lastAcceptedVersion = version;
  }
}

/**
 * A store persisted as JSON (`{"lastAcceptedVersion": "3", "used": {"0xabc…": ["1", "2"]}}`),
 * rewritten atomically (temporary file + rename) after every change so that a crash never leaves
 * half a file. Single writer: the keeper that owns it.
 *
 * @example
 * ```ts
 * const nonces = new FileNonceStore("state/view-nonces.json");
 * ```
 */
export class FileNonceStore extends MemoryNonceStore {
  readonly path: string;

  constructor(path: string) {
    super();
    this.path = path;
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new InputError("NONCE_STORE_MALFORMED", "is not valid JSON", path, { cause });
    }
    const data = json as { lastAcceptedVersion?: unknown; used?: unknown };
    if (typeof data !== "object" || data === null || typeof data.used !== "object" || data.used === null) {
      throw new InputError("NONCE_STORE_MALFORMED", 'expected {"lastAcceptedVersion", "used"}', path);
    }
    if (data.lastAcceptedVersion !== null && data.lastAcceptedVersion !== undefined) {
      if (typeof data.lastAcceptedVersion !== "string" || !/^\d+$/.test(data.lastAcceptedVersion)) {
        throw new InputError("NONCE_STORE_MALFORMED", "must be a decimal string", `${path}.lastAcceptedVersion`);
      }
      this.state.lastAcceptedVersion = BigInt(data.lastAcceptedVersion);
    }
    for (const [signer, nonces] of Object.entries(data.used as Record<string, unknown>)) {
      if (!Array.isArray(nonces) || !nonces.every((n) => typeof n === "string" && /^\d+$/.test(n))) {
        throw new InputError("NONCE_STORE_MALFORMED", "must be an array of decimal strings", `${path}.used.${signer}`);
      }
      this.state.used.set(signer.toLowerCase(), new Set(nonces as string[]));
    }
  }

  override async markUsed(signer: Address, nonce: bigint): Promise<void> {
    await super.markUsed(signer, nonce);
    this.save();
  }

  override async setLastAcceptedVersion(version: bigint): Promise<void> {
    await super.setLastAcceptedVersion(version);
    this.save();
  }

  private save(): void {
    const json = {
      lastAcceptedVersion: this.state.lastAcceptedVersion?.toString() ?? null,
      used: Object.fromEntries([...this.state.used].map(([s, set]) => [s, [...set].sort()])),
    };
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(json, null, 2)}\n`);
    renameSync(tmp, this.path);
  }
}
