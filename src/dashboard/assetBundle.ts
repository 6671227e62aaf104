// Bundles the dashboard's browser scripts with esbuild. Run by `npm run build:cli`, which puts the
// result into the CLI bundle (see prebuiltAssets.ts), and at start-up when the dashboard runs from
// source. esbuild is a development dependency, so an installed package never loads this file.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin, BuildOptions } from "esbuild";

/** The browser scripts the server serves, bundled from node_modules (no CDN: the page works offline). */
export interface DashboardAssets {
  /** `@observablehq/plot` with d3, one ES module: `GET /plot.js`. */
  readonly plot: string;
  /** The page's script, importing `/plot.js`: `GET /app.js`. */
  readonly app: string;
}

/** {@link bundleDashboardAssets}'s result: the scripts and the source files they were built from. */
export interface BundledDashboardAssets {
  readonly assets: DashboardAssets;
  /** The repository's own files bundled into the page script (absolute paths), for staleness checks. */
  readonly inputs: readonly string[];
}

const here = dirname(fileURLToPath(import.meta.url));

// The app imports "@observablehq/plot"; in the browser that is the separately served /plot.js.
const plotAsUrl: Plugin = {
  name: "plot-as-url",
  setup(b) {
    b.onResolve({ filter: /^@observablehq\/plot$/ }, () => ({ path: "/plot.js", external: true }));
  },
};

/**
 * Bundles the chart library and the page script (about a second).
 *
 * @example
 * ```ts
 * const { assets: { plot, app } } = await bundleDashboardAssets();
 * ```
 */
export async function bundleDashboardAssets(): Promise<BundledDashboardAssets> {
  const { build } = await import("esbuild");
  const bundle = async (options: BuildOptions): Promise<{ text: string; inputs: string[] }> => {
    const result = await build({
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      minify: true,
      write: false,
      logLevel: "silent",
      legalComments: "inline",
      metafile: true,
      absWorkingDir: here,
      ...options,
    });
    const file = result.outputFiles?.[0];
    if (file === undefined) throw new Error("esbuild produced no output");
    const inputs = Object.keys(result.metafile?.inputs ?? {}).filter((f) => !f.includes("node_modules/"));
    return { text: file.text, inputs };
  };
  const [plot, app] = await Promise.all([
    bundle({ stdin: { contents: 'export * from "@observablehq/plot";', resolveDir: here, loader: "js" } }),
    bundle({ entryPoints: [`${here}/client/main.ts`], plugins: [plotAsUrl] }),
  ]);
  return {
    assets: { plot: plot.text, app: app.text },
    inputs: app.inputs.map((f) => join(here, f)),
  };
}
