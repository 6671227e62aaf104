// Option checks that report every problem at once: a user fixing `--port` should not learn about
// `--interval` only on the next run.
import { InputError } from "../errors.ts";

/**
 * Runs every check; throws one {@link InputError} listing each failure (`; `-separated), whose code
 * and field are the first failure's. A check that throws anything else is rethrown at once.
 *
 * @example
 * ```ts
 * const [port, interval] = checkAll(() => parsePort(opts.port), () => parseInterval(opts.interval));
 * // portfolio: --port: expected a TCP port, got "x"; --interval: expected seconds >= 0.5, got "0" [PORT_INVALID]
 * ```
 */
export function checkAll<T extends readonly unknown[]>(...checks: { [K in keyof T]: () => T[K] }): T {
  const problems: InputError[] = [];
  const values = checks.map((check) => {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(error);
      return undefined;
    }
  });
  const [first, ...rest] = problems;
  if (first === undefined) return values as unknown as T;
  if (rest.length === 0) throw first;
  // The first problem keeps its field; the message carries every problem, each with its own.
  const own = first.path === undefined ? first.message : first.message.slice(first.path.length + 2);
  const message = [own, ...rest.map((p) => p.message)].join("; ");
  throw new InputError(first.code, `${message} (${problems.length} problems)`, first.path);
}
