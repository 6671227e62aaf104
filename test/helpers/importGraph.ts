import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/** One static import between two source files, both relative to the source root. */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
}

// Static `import … from "x"`, `export … from "x"` and side-effect `import "x"`; dynamic import()
// by a literal too. Type-only imports count: a type import still ties a layer to the one it names.
const IMPORT =
  /(?:import|export)\s+(?:type\s+)?(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/**
 * Every relative import between the `.ts` files under `root`, as paths relative to `root`
 * with `/` separators. Package imports (`viem`, `node:fs`) are not edges.
 *
 * @example
 * const edges = importGraph("src");
 * edges.filter((e) => e.from.startsWith("audit/") && e.to.startsWith("keeper/")); // []
 */
export function importGraph(root: string): ImportEdge[] {
  const base = resolve(root);
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(base)) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2];
      if (spec === undefined || !spec.startsWith(".")) continue;
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(base + sep)) continue;
      edges.push({ from: toPosix(relative(base, file)), to: toPosix(relative(base, target)) });
    }
  }
  return edges;
}

function toPosix(path: string): string {
  return path.split(sep).join("/");
}

/** The top-level module a source path belongs to: its first folder, or the file's name without extension. */
export function moduleOf(path: string): string {
  const first = path.split("/")[0] ?? path;
  return first.replace(/\.tsx?$/, "");
}
