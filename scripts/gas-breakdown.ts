// `npx hardhat run scripts/gas-breakdown.ts`: where the settlement's gas goes, bucket by bucket, at
// each size in GAS_LEGS (default 1,5), plus the per-leg slope between the first and last size.
import { measureSettlementGas, settlementGasBreakdownTable } from "../bench/gas.bench.ts";
import { toMarkdown } from "../bench/harness.ts";

const sizes = process.env.GAS_LEGS?.split(",").map(Number) ?? [1, 5];
process.stdout.write(toMarkdown(settlementGasBreakdownTable(await measureSettlementGas(sizes, { trace: sizes }))));
