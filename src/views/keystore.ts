// Decrypts a Web3 Secret Storage (v3) keystore file — the format of geth, ethers and Foundry's
// `cast wallet` — with node:crypto, so the CLI needs no wallet library at run time.
import { createDecipheriv, pbkdf2Sync, scryptSync } from "node:crypto";
import { bytesToHex, concat, keccak256, type Hex } from "viem";
import { InputError, RejectedError } from "../errors.ts";

interface KeystoreV3 {
  version: 3;
  crypto: {
    cipher: string;
    ciphertext: string;
    cipherparams: { iv: string };
    kdf: string;
    kdfparams: Record<string, unknown>;
    mac: string;
  };
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/^0x/, ""), "hex");

function num(params: Record<string, unknown>, name: string, path: string): number {
  const v = params[name];
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
    throw new InputError("KEYSTORE_MALFORMED", `kdfparams.${name} must be a positive integer`, path);
  }
  return v;
}

/**
 * Decrypts a v3 keystore (scrypt or pbkdf2 with hmac-sha256, aes-128-ctr) and returns the private
 * key. A wrong password fails the MAC check: a RejectedError, never a wrong key.
 *
 * @example
 * ```ts
 * const key = decryptKeystore(readFileSync("key.json", "utf8"), process.env.PORTFOLIO_KEYSTORE_PASSWORD ?? "");
 * ```
 */
export function decryptKeystore(json: string, password: string, path = "--keystore"): Hex {
  let data: Partial<KeystoreV3> & { Crypto?: KeystoreV3["crypto"] };
  try {
    data = JSON.parse(json) as typeof data;
  } catch (cause) {
    throw new InputError("KEYSTORE_MALFORMED", "is not valid JSON", path, { cause });
  }
  // Some older wallets (geth before 1.4) capitalise the key as "Crypto".
  const c = data?.crypto ?? data?.Crypto;
  if (
    data?.version !== 3 ||
    typeof c !== "object" ||
    typeof c.ciphertext !== "string" ||
    typeof c.mac !== "string" ||
    typeof c.cipherparams?.iv !== "string" ||
    typeof c.kdfparams !== "object" ||
    c.kdfparams === null
  ) {
    throw new InputError("KEYSTORE_MALFORMED", "is not a version 3 keystore", path);
  }
  if (c.cipher !== "aes-128-ctr") throw new InputError("KEYSTORE_UNSUPPORTED", `cipher ${c.cipher}`, path);
  const p = c.kdfparams;
  const salt = hex(String(p.salt ?? ""));
  const dklen = num(p, "dklen", path);
  let derived: Buffer;
  if (c.kdf === "scrypt") {
    const N = num(p, "n", path);
    const r = num(p, "r", path);
    derived = scryptSync(Buffer.from(password.normalize("NFKC")), salt, dklen, {
      N,
      r,
      p: num(p, "p", path),
      maxmem: 256 * N * r + 1024 * 1024,
    });
  } else if (c.kdf === "pbkdf2") {
    if (p.prf !== "hmac-sha256") throw new InputError("KEYSTORE_UNSUPPORTED", `pbkdf2 prf ${String(p.prf)}`, path);
    derived = pbkdf2Sync(Buffer.from(password.normalize("NFKC")), salt, num(p, "c", path), dklen, "sha256");
  } else {
    throw new InputError("KEYSTORE_UNSUPPORTED", `kdf ${c.kdf}`, path);
  }
  const ciphertext = hex(c.ciphertext);
  const mac = keccak256(concat([bytesToHex(derived.subarray(16, 32)), bytesToHex(ciphertext)]));
  if (mac.slice(2).toLowerCase() !== c.mac.replace(/^0x/, "").toLowerCase()) {
    throw new RejectedError("KEYSTORE_WRONG_PASSWORD", "wrong password (MAC mismatch)", path);
  }
  const decipher = createDecipheriv("aes-128-ctr", derived.subarray(0, 16), hex(c.cipherparams.iv));
  const key = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  if (key.length !== 32) throw new InputError("KEYSTORE_MALFORMED", "does not hold a 32-byte key", path);
  return bytesToHex(new Uint8Array(key));
}
