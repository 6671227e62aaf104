import { readJsonFileAsync } from "../jsonFile.ts";
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
  const json = await readJsonFileAsync(path, { field });
  return parseSignedViewSetFile(json, field);
}
