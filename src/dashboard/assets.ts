import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

/** The browser scripts the server serves, bundled from node_modules (no CDN: the page works offline). */
export interface DashboardAssets {
  /** `@observablehq/plot` with d3, one ES module: `GET /plot.js`. */
  readonly plot: string;
  /** The page's script, importing `/plot.js`: `GET /app.js`. */
  readonly app: string;
}

const here = dirname(fileURLToPath(import.meta.url));

// The app imports "@observablehq/plot"; in the browser that is the separately served /plot.js.
const plotAsUrl: Plugin = {
  name: "plot-as-url",
  setup(b) {
    b.onResolve({ filter: /^@observablehq\/plot$/ }, () => ({ path: "/plot.js", external: true }));
  },
};

async function bundle(options: Parameters<typeof build>[0]): Promise<string> {
  const result = await build({
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    write: false,
    logLevel: "silent",
    legalComments: "inline",
    ...options,
  });
  const file = result.outputFiles?.[0];
  if (file === undefined) throw new Error("esbuild produced no output");
  return file.text;
}

let cached: Promise<DashboardAssets> | undefined;

/**
 * Bundles the chart library and the page script once per process (about a second) and caches them.
 *
 * @example
 * ```ts
 * const { plot, app } = await buildDashboardAssets();
 * ```
 */
export function buildDashboardAssets(): Promise<DashboardAssets> {
  cached ??= (async () => {
    const [plot, app] = await Promise.all([
      bundle({
        stdin: { contents: 'export * from "@observablehq/plot";', resolveDir: here, loader: "js" },
      }),
      bundle({ entryPoints: [`${here}/client/main.ts`], plugins: [plotAsUrl] }),
    ]);
    return { plot, app };
  })();
  // A failed build is not cached: the next request retries.
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
