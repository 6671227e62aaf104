// The npm registry reachable here serves Hardhat's EDR only for linux-x64 at the version Hardhat
// pins, so `npm install` leaves the other platforms' optional packages out of package-lock.json
// and `npm ci` then refuses the lock as out of sync. This restores a lock entry for each missing
// platform package (never installed here: its os/cpu do not match). Run after every `npm install`.
import { readFileSync, writeFileSync } from "node:fs";

interface LockEntry {
  version?: string;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

const PLATFORMS: Record<string, { os: string; cpu: string; libc?: string }> = {
  "darwin-arm64": { os: "darwin", cpu: "arm64" },
  "darwin-x64": { os: "darwin", cpu: "x64" },
  "linux-arm64-gnu": { os: "linux", cpu: "arm64", libc: "glibc" },
  "linux-arm64-musl": { os: "linux", cpu: "arm64", libc: "musl" },
  "linux-x64-gnu": { os: "linux", cpu: "x64", libc: "glibc" },
  "linux-x64-musl": { os: "linux", cpu: "x64", libc: "musl" },
  "win32-x64-msvc": { os: "win32", cpu: "x64" },
};

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8")) as { packages: Record<string, LockEntry> };
let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const depKey = `node_modules/${dep}`;
    const platform = Object.entries(PLATFORMS).find(([suffix]) => dep.endsWith(`-${suffix}`))?.[1];
    if (lock.packages[depKey] !== undefined || platform === undefined) continue;
    lock.packages[depKey] = {
      version,
      cpu: [platform.cpu],
      dev: entry["dev"] === true,
      ...(platform.libc === undefined ? {} : { libc: [platform.libc] }),
      license: entry["license"],
      optional: true,
      os: [platform.os],
    };
    added++;
    console.log(`restored ${depKey}@${version} (optional, ${platform.os}-${platform.cpu}) for ${key}`);
  }
}
if (added > 0) {
  lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
}
console.log(`fix-lockfile: ${added} entr${added === 1 ? "y" : "ies"} restored`);
