// Alerts from the chain's own events: an RFQ instruction cancelled, a pre-trade breach that halts
// the portfolio, and the guardian pausing the settlement, each read back by chainAlerts.
import { expect } from "chai";
import { network } from "hardhat";
import { createPublicClient, custom, type Address, type PublicClient } from "viem";
import { chainAlerts } from "../../src/dashboard/chainHistory.ts";
import { makeInstruction, WAD, type Leg, type System } from "../helpers/settlement.ts";
import { standardSystem, TARGETS, USDC, usdc, WBTC } from "../contracts/settlement/system.ts";

const { ethers, networkHelpers, provider } = await network.create();
const fixture = standardSystem(ethers);

describe("dashboard/chainHistory chainAlerts", () => {
  let sys: System;
  let client: PublicClient;
  let params: Parameters<typeof chainAlerts>[0];

  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(fixture);
    client = createPublicClient({ transport: custom(provider) }) as PublicClient;
    params = {
      client,
      vault: (await sys.vault.getAddress()) as Address,
      settlement: (await sys.settlement.getAddress()) as Address,
      oracle: (await sys.oracle.getAddress()) as Address,
      fromBlock: 0n,
    };
  });

  const rfqLeg = async (): Promise<Leg> => ({
    sellToken: sys.addresses[USDC]!,
    buyToken: sys.addresses[WBTC]!,
    amountIn: usdc(200_000),
    minAmountOut: 499n * 10n ** 6n,
    venue: await sys.maker.getAddress(),
  });

  it("says nothing happened (an empty list, not 'no data') on a chain without refusals", async () => {
    expect(await chainAlerts(params)()).to.deep.equal([]);
  });

  it("names a cancelled instruction, a breach that halts the portfolio (once: not its rollback too) and a pause, newest first", async () => {
    const cancelled = await makeInstruction(sys, TARGETS, [await rfqLeg()]);
    await (await sys.settlement.connect(sys.keeper).lock(cancelled)).wait();
    await (await sys.settlement.connect(sys.keeper).rollback(cancelled.id)).wait();
    // WBTC above the registry's 60 % limit: refused at lock, and the portfolio halts.
    const breaching = await makeInstruction(sys, [0n, (35n * WAD) / 100n, (65n * WAD) / 100n], [await rfqLeg()]);
    await (await sys.settlement.connect(sys.keeper).lock(breaching)).wait();
    await networkHelpers.time.increase(60);
    await (await sys.settlement.connect(sys.guardian).pause()).wait();

    const alerts = await chainAlerts(params)();
    expect(alerts.map((a) => [a.kind, a.severity])).to.deep.equal([
      ["paused", "critical"],
      ["constraint-breach", "critical"],
      ["halted", "critical"],
      ["rolled-back", "warning"],
    ]);
    expect(alerts[0]!.message).to.equal(`Settlement paused by ${await sys.guardian.getAddress()}`);
    expect(alerts[1]!.message).to.contain(`instruction ${breaching.id}`);
    expect(alerts[1]!.message).to.match(/breached on asset 2 \(observed \d+, limit \d+\)$/);
    expect(alerts[3]!.message).to.equal(`instruction ${cancelled.id} rolled back: Cancelled`);
    for (const a of alerts) expect(Number.isNaN(Date.parse(a.at))).to.equal(false);
  });
});
