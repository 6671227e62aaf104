import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { defineConfig } from "hardhat/config";

// The compiler comes from the pinned `solc` npm package: nothing is downloaded at build time.
// Hardhat needs an absolute path, so resolve it from this file rather than the working directory.
const require = createRequire(import.meta.url);
const soljsonPath: string = require.resolve("solc/soljson.js");
const solcVersion: string = (require("solc/package.json") as { version: string }).version;

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    version: solcVersion,
    path: soljsonPath,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
    },
  },
  paths: {
    tests: {
      solidity: "contracts/test",
      mocha: "test",
    },
  },
  test: {
    solidity: {
      fuzz: { runs: 1000, seed: "0x5eed" },
      invariant: { runs: 64, depth: 32, failOnRevert: false },
    },
    mocha: {
      timeout: 120_000,
    },
  },
  networks: {
    localhost: {
      type: "http",
      chainType: "l1",
      url: "http://127.0.0.1:8545",
    },
  },
});
