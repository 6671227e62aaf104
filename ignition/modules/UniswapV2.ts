import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { UNISWAP_ARTIFACTS } from "../../src/chain/externalArtifacts.ts";

/**
 * Uniswap V2 from the bytecode Uniswap shipped (not recompiled, so pair addresses match the init-code
 * hash hard-coded in Router02): WETH9, UniswapV2Factory (fee switch off) and UniswapV2Router02.
 * Parameters (module `UniswapV2`): `feeToSetter` (default: the deploying account).
 */
export default buildModule("UniswapV2", (m) => {
  const weth = m.contract("WETH9", UNISWAP_ARTIFACTS.WETH9, []);
  const uniswapV2Factory = m.contract("UniswapV2Factory", UNISWAP_ARTIFACTS.UniswapV2Factory, [
    m.getParameter("feeToSetter", m.getAccount(0)),
  ]);
  const uniswapV2Router = m.contract("UniswapV2Router02", UNISWAP_ARTIFACTS.UniswapV2Router02, [
    uniswapV2Factory,
    weth,
  ]);
  return { weth, uniswapV2Factory, uniswapV2Router };
});
