import type { DashboardAssets } from "./assetBundle.ts";
import { prebuiltAssets } from "./prebuiltAssets.ts";

export type { DashboardAssets } from "./assetBundle.ts";

let cached: Promise<DashboardAssets> | undefined;

/**
 * The browser scripts the server serves: those built into the CLI bundle, or else bundled from
 * source once per process (about a second) and cached.
 *
 * @example
 * ```ts
 * const { plot, app } = await buildDashboardAssets();
 * ```
 */
export function buildDashboardAssets(): Promise<DashboardAssets> {
  if (prebuiltAssets !== undefined) return Promise.resolve(prebuiltAssets);
  cached ??= import("./assetBundle.ts").then(
    async ({ bundleDashboardAssets }) => (await bundleDashboardAssets()).assets,
  );
  // A failed build is not cached: the next request retries.
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
