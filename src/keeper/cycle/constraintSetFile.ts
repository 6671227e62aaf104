import { readFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Hex } from "viem";
import { InputError, RejectedError } from "../../errors.ts";
import { sha256Hex } from "../../protocol/inputs.ts";

/**
 * The constraint-set JSON at `uri` (`file:` URL, absolute path, or a path relative to `baseDir`),
 * refused unless its sha256 equals the registry's `contentHash`.
 */
export async function readConstraintSet(uri: string, contentHash: Hex, baseDir = process.cwd()): Promise<string> {
  let path: string;
  if (uri.startsWith("file:")) path = fileURLToPath(uri);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new InputError(
      "CONSTRAINT_SET_URI_UNSUPPORTED",
      `only file: URIs and paths are supported, got ${uri}`,
      "constraintSet.uri",
    );
  } else path = isAbsolute(uri) ? uri : join(baseDir, uri);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new InputError("CONSTRAINT_SET_UNREADABLE", `cannot read ${path}`, "constraintSet.uri", { cause });
  }
  const got = sha256Hex(bytes);
  if (got !== contentHash.toLowerCase()) {
    throw new RejectedError(
      "CONSTRAINT_SET_HASH_MISMATCH",
      `sha256 ${got} differs from the registry's contentHash ${contentHash}`,
      "constraintSet.uri",
    );
  }
  return bytes.toString("utf8");
}
