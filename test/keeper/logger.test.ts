import { expect } from "chai";
import { InputError } from "../../src/errors.ts";
import { KEEPER_KEY_ENV, loadKeeperAccount } from "../../src/keeper/account.ts";
import { createKeeperLogger, cycleLogger } from "../../src/keeper/logger.ts";
import { HARDHAT_ACCOUNT_0_KEY } from "../helpers/hardhatNode.ts";

function capture(): { lines: Record<string, unknown>[]; destination: { write: (line: string) => void } } {
  const lines: Record<string, unknown>[] = [];
  return { lines, destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } };
}

describe("keeper/logger and account", () => {
  it("writes one JSON object per line with the service, an ISO time and the cycle id of a cycle logger", () => {
    const { lines, destination } = capture();
    const root = createKeeperLogger({ destination, env: {} });
    const log = cycleLogger(root, "cycle-1");
    log.info({ trigger: "drift" }, "cycle started");
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ service: "keeper", cycleId: "cycle-1", trigger: "drift", msg: "cycle started" });
    expect(new Date(lines[0]!["time"] as string).toISOString()).to.equal(lines[0]!["time"]);
    expect(cycleLogger(root).bindings()["cycleId"]).to.match(/^[0-9a-f-]{36}$/);
  });

  it("takes its level from PORTFOLIO_LOG_LEVEL and rejects an unknown one", () => {
    const { lines, destination } = capture();
    const log = createKeeperLogger({ destination, env: { PORTFOLIO_LOG_LEVEL: "warn" } });
    log.info("hidden");
    log.warn("shown");
    expect(lines.map((l) => l["msg"])).to.deep.equal(["shown"]);
    expect(() => createKeeperLogger({ destination, env: { PORTFOLIO_LOG_LEVEL: "loud" } })).to.throw(InputError);
  });

  it("redacts keys and signatures", () => {
    const { lines, destination } = capture();
    createKeeperLogger({ destination, env: {} }).info({ privateKey: "0xsecret", view: { signature: "0xsig" } }, "x");
    expect(JSON.stringify(lines[0])).to.not.match(/secret|0xsig/);
  });

  it("loads the keeper account from PORTFOLIO_KEEPER_KEY and never echoes a bad key", () => {
    const account = loadKeeperAccount({ [KEEPER_KEY_ENV]: HARDHAT_ACCOUNT_0_KEY });
    expect(account.address).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    for (const [value, code] of [
      [undefined, "KEEPER_KEY_MISSING"],
      ["0x1234deadbeef", "KEEPER_KEY_INVALID"],
      [`0x${"00".repeat(32)}`, "KEEPER_KEY_INVALID"],
    ] as const) {
      try {
        loadKeeperAccount({ [KEEPER_KEY_ENV]: value });
        expect.fail(`accepted ${value}`);
      } catch (error) {
        expect((error as InputError).code).to.equal(code);
        expect((error as InputError).path).to.equal(KEEPER_KEY_ENV);
        expect((error as Error).message).to.not.include("deadbeef");
      }
    }
  });
});
