// `npx hardhat run scripts/gas-settlement.ts`: the settlement gas table (1, 5, 10, 20 legs through
// real Uniswap V2 pairs, our overhead split from the venue's swap cost), printed as Markdown.
import { toMarkdown } from "../bench/harness.ts";
import { measureSettlementGas, settlementGasTable } from "../bench/gas.bench.ts";

const sizes = process.env.GAS_LEGS?.split(",").map(Number) ?? [1, 5, 10, 20];
process.stdout.write(toMarkdown(settlementGasTable(await measureSettlementGas(sizes))));
