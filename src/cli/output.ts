// Writing what a command produces: files named by an option, and whether stdout takes colour.
import { statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InputError } from "../errors.ts";

/**
 * Writes `text` to the file an option names.
 *
 * @throws {InputError} `FILE_UNWRITABLE` naming the option when the file cannot be written
 *   (missing directory, no permission).
 * @example
 * ```ts
 * writeOutputFile(opts.plot, svg, "--plot");
 * ```
 */
export function writeOutputFile(path: string, text: string, field: string): void {
  try {
    writeFileSync(path, text);
  } catch (cause) {
    const why = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new InputError("FILE_UNWRITABLE", `cannot write ${path} (${why})`, field, { cause });
  }
}

/**
 * Whether output for people may use ANSI colour: only on a terminal, and never with `NO_COLOR`
 * set to anything non-empty (https://no-color.org) or `TERM=dumb`.
 *
 * @example
 * ```ts
 * new Table({ style: useColour(process.stdout) ? {} : { head: [], border: [] } });
 * ```
 */
export function useColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  if (env["TERM"] === "dumb") return false;
  return stream.isTTY === true;
}

/**
 * The cli-table3 style of a table for people: its default colours when {@link useColour} allows,
 * else none.
 *
 * @example
 * ```ts
 * new Table({ style: tableStyle(useColour(process.stdout)), head: ["asset", "weight"] });
 * ```
 */
export function tableStyle(colour: boolean): { head?: string[]; border?: string[] } {
  return colour ? {} : { head: [], border: [] };
}

/**
 * Fails before any work when the file an option names could not be written: its directory is
 * missing or is not a directory.
 *
 * @throws {InputError} `FILE_UNWRITABLE` naming the option.
 * @example
 * ```ts
 * checkOutputDirectory(opts.plot, "--plot"); // before computing the frontier
 * ```
 */
export function checkOutputDirectory(path: string, field: string): void {
  const dir = dirname(resolve(path));
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new InputError("FILE_UNWRITABLE", `cannot write ${path}: no directory ${dir}`, field);
}
