// Reading a JSON file named by a user (CLI option, problem field, deployment record): the one place
// that turns a missing file or malformed JSON into an InputError naming the field.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { InputError } from "./errors.ts";

/** How {@link readJsonFile} reports a bad file. */
export interface JsonFileErrors {
  /** The option or field the path came from, e.g. `--deployment`; an unreadable file is blamed on it. */
  readonly field: string;
  /** Where malformed JSON points (default `field`). */
  readonly invalidPath?: string;
  /** Code for a file that cannot be read (default `FILE_UNREADABLE`). */
  readonly unreadableCode?: string;
  /** Code for malformed JSON (default `JSON_MALFORMED`). */
  readonly invalidCode?: string;
}

/**
 * The parsed contents of the JSON file at `path`.
 *
 * @throws {InputError} when the file cannot be read or is not JSON.
 * @example
 * ```ts
 * const json = readJsonFile("deployments/localhost.json", { field: "--deployment" });
 * ```
 */
export function readJsonFile(path: string, errors: JsonFileErrors): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw unreadable(path, errors, cause);
  }
  return parseJsonText(text, path, errors);
}

/**
 * {@link readJsonFile} without blocking the event loop (a keeper or dashboard that keeps serving).
 *
 * @example
 * ```ts
 * const json = await readJsonFileAsync(path, { field: "--snapshot" });
 * ```
 */
export async function readJsonFileAsync(path: string, errors: JsonFileErrors): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw unreadable(path, errors, cause);
  }
  return parseJsonText(text, path, errors);
}

function unreadable(path: string, errors: JsonFileErrors, cause: unknown): InputError {
  const reason = cause instanceof Error ? `: ${cause.message}` : "";
  return new InputError(errors.unreadableCode ?? "FILE_UNREADABLE", `cannot read ${path}${reason}`, errors.field, {
    cause,
  });
}

function parseJsonText(text: string, path: string, errors: JsonFileErrors): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InputError(
      errors.invalidCode ?? "JSON_MALFORMED",
      `${path} is not valid JSON: ${(cause as Error).message}`,
      errors.invalidPath ?? errors.field,
      { cause },
    );
  }
}
