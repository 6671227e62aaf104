import { expect } from "chai";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../../src/errors.ts";
import { deploymentFiles, resolveFleetDeployments } from "../../../src/keeper/fleet/deployments.ts";

const address = (n: number): string => `0x${n.toString(16).padStart(40, "0")}`;

function deployment(vault: number): unknown {
  return {
    chainId: 31337,
    contracts: { Settlement: address(1), PortfolioVault: address(vault) },
    keeper: { settlement: address(1), vault: address(vault), venue: address(2) },
  };
}

function write(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

describe("keeper/fleet/deployments", function () {
  let dir: string;
  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), "fleet-deployments-"));
  });

  it("reads every *.json of a directory, sorted, and a comma-separated list", function () {
    write(dir, "b.json", deployment(0xb0));
    write(dir, "a.json", deployment(0xa0));
    write(dir, "notes.txt", "not a deployment");
    const fromDir = resolveFleetDeployments(dir);
    expect(fromDir.portfolios.map((p) => p.source)).to.deep.equal([join(dir, "a.json"), join(dir, "b.json")]);
    expect(fromDir.portfolios.map((p) => p.id)).to.deep.equal([address(0xa0), address(0xb0)]);
    expect(fromDir.errors).to.deep.equal([]);
    const list = `${join(dir, "b.json")}, ${join(dir, "a.json")}`;
    expect(resolveFleetDeployments(list).portfolios.map((p) => p.id)).to.deep.equal([address(0xb0), address(0xa0)]);
  });

  it("reports a file that does not resolve for that portfolio only, and serves the others", function () {
    const good = write(dir, "good.json", deployment(0xa0));
    const broken = write(dir, "broken.json", "{ not json");
    const noKeeper = write(dir, "nokeeper.json", { chainId: 31337, contracts: {} });
    const missing = join(dir, "missing.json");
    const { portfolios, errors } = resolveFleetDeployments([good, broken, noKeeper, missing].join(","));
    expect(portfolios.map((p) => p.source)).to.deep.equal([good]);
    expect(errors.map((e) => [e.source, e.error.code])).to.deep.equal([
      [broken, "DEPLOYMENT_INVALID"],
      [noKeeper, "DEPLOYMENT_INVALID"],
      [missing, "DEPLOYMENT_UNREADABLE"],
    ]);
    expect(errors[1]?.error.message).to.contain("nokeeper.json:keeper");
  });

  it("refuses two files naming one vault, in any casing, and a file listed twice", function () {
    const a = write(dir, "a.json", deployment(0xab));
    const upper = deployment(0xab) as { keeper: { vault: string } };
    upper.keeper.vault = upper.keeper.vault.toUpperCase().replace("0X", "0x");
    const b = write(dir, "b.json", upper);
    expect(() => resolveFleetDeployments(`${a},${b}`))
      .to.throw(InputError, "both name vault")
      .with.property("code", "FLEET_DUPLICATE_PORTFOLIO");
    expect(() => resolveFleetDeployments(`${a},${a}`))
      .to.throw(InputError, "listed twice")
      .with.property("code", "FLEET_DUPLICATE_PORTFOLIO");
  });

  it("refuses a list that names nothing or where nothing resolves (the whole fleet's error)", function () {
    const empty = join(dir, "empty");
    mkdirSync(empty);
    expect(() => deploymentFiles(empty))
      .to.throw(InputError)
      .with.property("code", "FLEET_DEPLOYMENTS_EMPTY");
    expect(() => deploymentFiles(" , "))
      .to.throw(InputError)
      .with.property("code", "FLEET_DEPLOYMENTS_EMPTY");
    const broken = write(dir, "broken.json", "[]");
    expect(() => resolveFleetDeployments(broken))
      .to.throw(InputError, "no deployment resolves")
      .with.property("path", "--deployments");
    expect(() => resolveFleetDeployments(broken))
      .to.throw(InputError)
      .with.property("code", "FLEET_NO_PORTFOLIO");
  });
});
