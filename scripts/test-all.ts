// Runs every check `npm test` promises, in order, stopping at the first failure, and ends with one
// totals line `N passed, M failed` that CI reads (mocha's own summary is printed too, but CI does
// not parse it). A non-test step that fails (type-check, lint, build) counts as one failure.
import { spawn } from "node:child_process";

interface Step {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Whether the step's output carries mocha-style `N passing` / `N failing` counts. */
  readonly counts: boolean;
}

const steps: readonly Step[] = [
  // The build comes first: it generates the TypeChain types that the type-check reads.
  { name: "contract build", command: "npx", args: ["hardhat", "build"], counts: false },
  { name: "type-check", command: "npx", args: ["tsc", "--noEmit"], counts: false },
  { name: "eslint", command: "npx", args: ["eslint", "."], counts: false },
  { name: "prettier", command: "npx", args: ["prettier", "--check", "."], counts: false },
  { name: "solhint", command: "npx", args: ["solhint", "--max-warnings", "0", "contracts/**/*.sol"], counts: false },
  { name: "solidity tests", command: "npx", args: ["hardhat", "test", "solidity"], counts: true },
  { name: "mocha tests", command: "npx", args: ["hardhat", "test", "mocha"], counts: true },
];

function run(step: Step): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    process.stdout.write(`\n=== ${step.name}: ${step.command} ${step.args.join(" ")}\n`);
    const child = spawn(step.command, step.args, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

// Strip ANSI colours before matching runner summaries.
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
function countOf(output: string, word: "passing" | "failing"): number {
  const plain = output.replace(ANSI_COLOUR, "");
  let total = 0;
  for (const match of plain.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, "gm"))) total += Number(match[1]);
  return total;
}

let passed = 0;
let failed = 0;
for (const step of steps) {
  const { code, output } = await run(step);
  if (step.counts) {
    passed += countOf(output, "passing");
    failed += countOf(output, "failing");
  }
  if (code !== 0) {
    if (!step.counts || countOf(output, "failing") === 0) failed += 1;
    process.stdout.write(`\n${step.name} failed (exit ${code}); stopping.\n`);
    break;
  }
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
