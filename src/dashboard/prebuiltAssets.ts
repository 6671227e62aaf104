// The dashboard's browser scripts as built ahead of time. In the source this is undefined, and the
// dashboard bundles them at start-up (assetBundle.ts); `npm run build:cli` replaces this module in
// the CLI bundle with the scripts it built, so an installed package serves them without esbuild.
import type { DashboardAssets } from "./assetBundle.ts";

/** The scripts `npm run build:cli` built, or undefined when running from source. */
export const prebuiltAssets: DashboardAssets | undefined = undefined;
