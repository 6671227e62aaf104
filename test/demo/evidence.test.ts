// The demo's own proposals' evidence through the real `portfolio gov verify-evidence` process, against
// a `hardhat node` the demo ran on: each verifies from the files the demo wrote beside its report, and
// a tampered report or constraint-set JSON is refused, exit 3, naming what differs.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { http } from "viem";
import { runDemo, type DemoReport } from "../../src/demo/runDemo.ts";
import { hardhatNode, type HardhatNode } from "../helpers/hardhatNode.ts";

const root = join(import.meta.dirname, "../..");
const journals = join(root, "ignition", "deployments");

/** Runs a printed `portfolio …` command as the CLI process (src/cli/main.ts), with `replace` applied. */
function portfolio(
  command: string,
  replace: Readonly<Record<string, string>> = {},
): { status: number | null; out: string } {
  const [program, ...args] = command.split(" ");
  expect(program).to.equal("portfolio");
  const r = spawnSync(process.execPath, [join(root, "src/cli/main.ts"), ...args.map((a) => replace[a] ?? a)], {
    cwd: root,
    encoding: "utf8",
    timeout: 110_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("the demo's proposal evidence through `portfolio gov verify-evidence` (hardhat node)", function () {
  this.timeout(240_000);
  let node: HardhatNode;
  let outDir: string;
  let report: DemoReport;
  let journalsBefore: Set<string>;

  before(async function () {
    node = await hardhatNode();
    outDir = mkdtempSync(join(tmpdir(), "demo-evidence-"));
    journalsBefore = new Set(existsSync(journals) ? readdirSync(journals) : []);
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    try {
      report = await runDemo({
        transport: http(node.url),
        connection,
        network: "localhost",
        root,
        outDir,
        deploymentPath: join(outDir, "localhost.json"),
        rpcUrl: node.url,
      });
    } finally {
      await connection.close();
    }
  });

  after(async function () {
    await node?.stop();
    // The Ignition journal this http deployment left (git ignores it; the test tidies up).
    for (const dir of existsSync(journals) ? readdirSync(journals) : []) {
      if (!journalsBefore.has(dir)) rmSync(join(journals, dir), { recursive: true, force: true });
    }
  });

  it("every proposal's printed command verifies from the content-addressed files beside its report", function () {
    expect(report.proposals).to.have.length(4);
    for (const [i, p] of report.proposals.entries()) {
      const evidence = p.evidence;
      expect(evidence, `proposal ${i}`).to.not.equal(null);
      expect(evidence!.proposalId).to.equal(p.id);
      expect(evidence!.verifyCommand).to.equal(
        readFileSync(join(outDir, `evidence-${i}`, "verify.txt"), "utf8").trim(),
      );
      for (const file of Object.values(evidence!.inputs))
        expect(file).to.match(/\/inputs\/sha256-[0-9a-f]{64}\.(csv|json)$/);
      const run = portfolio(evidence!.verifyCommand);
      expect(run.status, run.out).to.equal(0);
      expect(run.out.trim()).to.equal(`verified: sha256 ${evidence!.sha256} — ${evidence!.summary}`);
    }
    // The first and last proposals change the constraint set: their two documents differ.
    for (const i of [0, 3]) {
      const inputs = report.proposals[i]!.evidence!.inputs;
      expect(inputs.constraintJson).to.not.equal(inputs.proposedConstraintJson);
    }
  });

  it("refuses a tampered report, exit 3, naming the changed field", function () {
    const evidence = report.proposals[1]!.evidence!;
    const tampered = JSON.parse(readFileSync(evidence.file, "utf8")) as { proposed: { metrics: { sharpe: number } } };
    tampered.proposed.metrics.sharpe += 0.5;
    const file = join(outDir, "tampered-report.json");
    writeFileSync(file, JSON.stringify(tampered));
    const run = portfolio(evidence.verifyCommand, { [evidence.file]: file });
    expect(run.status, run.out).to.equal(3);
    expect(run.out).to.contain("claimed hash");
    expect(run.out).to.contain("proposed.metrics.sharpe");
    expect(run.out).to.match(
      /^portfolio: the report does not match the proposal's evidence 0x[0-9a-f]{64} \[EVIDENCE_MISMATCH\]$/m,
    );
  });

  it("refuses a constraint-set JSON that is not the one the registry's contentHash names, exit 3, one line", function () {
    const evidence = report.proposals[3]!.evidence!;
    // A looser document than the one proposed: the report's problems could be recomputed from it.
    const text = readFileSync(evidence.inputs.proposedConstraintJson, "utf8").replace('"upper": 0.39', '"upper": 0.6');
    const looser = join(outDir, "looser.json");
    writeFileSync(looser, text);
    const proposed = portfolio(evidence.verifyCommand, { [evidence.inputs.proposedConstraintJson]: looser });
    expect(proposed.status, proposed.out).to.equal(3);
    expect(proposed.out.trim().split("\n")).to.have.length(1);
    expect(proposed.out.trim()).to.match(
      /^portfolio: --proposed-constraint-json: .*looser\.json has sha256 0x[0-9a-f]{64}, not 0x[0-9a-f]{64}, the contentHash the proposal's setConstraintSet call sets \[CONSTRAINT_SET_HASH_MISMATCH\]$/,
    );

    const current = portfolio(evidence.verifyCommand, { [evidence.inputs.constraintJson]: looser });
    expect(current.status, current.out).to.equal(3);
    expect(current.out.trim()).to.match(
      /^portfolio: --constraint-json: .* the registry's contentHash at block \d+ \(the constraint set in force when proposed\) \[CONSTRAINT_SET_HASH_MISMATCH\]$/,
    );
  });

  it("names the missing constraint-set JSON, exit 2", function () {
    const evidence = report.proposals[2]!.evidence!;
    const words = evidence.verifyCommand.split(" ");
    const at = words.indexOf("--constraint-json");
    const without = [...words.slice(0, at), ...words.slice(at + 2)].join(" ");
    const run = portfolio(without);
    expect(run.status, run.out).to.equal(2);
    expect(run.out.trim()).to.match(
      /^portfolio: --constraint-json: give the constraint-set JSON whose sha256 is 0x[0-9a-f]{64}, .* \[CONSTRAINT_JSON_MISSING\]$/,
    );
  });
});
