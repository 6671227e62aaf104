import { expect } from "chai";
import { demoFiles, followUpCommands, formatCommand, shellWord } from "../../src/demo/followUps.ts";

describe("demo/followUps", () => {
  const files = demoFiles("out/demo");
  const commands = followUpCommands({
    rpc: "http://127.0.0.1:8545",
    deploymentPath: "deployments/localhost.json",
    files,
    instructionId: `0x${"ab".repeat(32)}`,
    keeperKey: `0x${"01".repeat(32)}`,
  });

  it("names the demo's files, deployment and key in each of the four commands", () => {
    expect(commands.map((c) => c.name)).to.deep.equal(["audit verify", "audit replay", "keeper once", "dashboard"]);
    const [verify, replay, keeper, dashboard] = commands.map(formatCommand);
    expect(verify).to.equal(
      "npx portfolio audit verify --rpc http://127.0.0.1:8545 --deployment deployments/localhost.json",
    );
    expect(replay).to.contain(`--inputs-dir out/demo/inputs --bundle out/demo/optimizer.mjs`);
    expect(keeper).to.match(/^PORTFOLIO_KEEPER_KEY=0x(01){32} npx portfolio keeper once /);
    expect(keeper).to.contain("--prices out/demo/prices.csv --bundle out/demo/optimizer.mjs");
    expect(keeper).to.contain("--constraints-dir out/demo/constraint-sets");
    expect(dashboard).to.contain("--constraint-sets out/demo/constraint-sets --metrics-db out/demo/metrics.sqlite");
  });

  it("quotes a word only when a shell would split or expand it", () => {
    expect(shellWord("/tmp/a-b_c.json")).to.equal("/tmp/a-b_c.json");
    expect(shellWord("/tmp/my dir/x")).to.equal("'/tmp/my dir/x'");
    expect(shellWord("it's")).to.equal(`'it'\\''s'`);
    expect(shellWord("$HOME")).to.equal("'$HOME'");
  });
});
