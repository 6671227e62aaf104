import { readFile } from "node:fs/promises";
import { InputError } from "../errors.ts";
import { parseSignedViewSetFile, type SignedViewSetFile } from "./signedViewSet.ts";

/**
 * Reads and parses a signed view-set file (I/O at the edge: the CLI and the keeper call this, the
 * maths never does). A missing file or invalid JSON is an InputError naming `path`; the views
 * themselves are checked one by one by {@link verifyViews}.
 *
 * @example
 * ```ts
 * const file = await readSignedViewSet(resolve(dirname(problemPath), problem.blackLitterman.signedViews));
 * ```
 */
export async function readSignedViewSet(
  path: string,
  field = "blackLitterman.signedViews",
): Promise<SignedViewSetFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new InputError("FILE_UNREADABLE", `cannot read ${path}`, field, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new InputError("JSON_MALFORMED", `${path} is not valid JSON`, field, { cause });
  }
  return parseSignedViewSetFile(json, field);
}
