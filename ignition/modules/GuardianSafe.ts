import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { SAFE_ARTIFACTS } from "../../src/chain/externalArtifacts.ts";

const ZERO = "0x0000000000000000000000000000000000000000";

/**
 * The guardian multisig: Safe 1.5 singleton, proxy factory and MultiSendCallOnly from
 * `@safe-global/safe-smart-account`'s build, then a Safe proxy created through the factory with
 * `setup(owners, threshold)` in the same transaction (no fallback handler, modules or payment).
 * Parameters (module `GuardianSafe`): `owners` (required, addresses), `threshold` (default 2),
 * `saltNonce` (CREATE2 salt, default 0).
 */
export default buildModule("GuardianSafe", (m) => {
  const owners = m.getParameter<string[]>("owners");
  const threshold = m.getParameter("threshold", 2n);
  const saltNonce = m.getParameter("saltNonce", 0n);

  const safeSingleton = m.contract("Safe", SAFE_ARTIFACTS.Safe, [], { id: "SafeSingleton" });
  const safeProxyFactory = m.contract("SafeProxyFactory", SAFE_ARTIFACTS.SafeProxyFactory, []);
  const multiSendCallOnly = m.contract("MultiSendCallOnly", SAFE_ARTIFACTS.MultiSendCallOnly, []);

  const initializer = m.encodeFunctionCall(safeSingleton, "setup", [
    owners,
    threshold,
    ZERO, // no setup delegate call
    "0x",
    ZERO, // no fallback handler
    ZERO, // no payment token
    0n,
    ZERO,
  ]);
  const created = m.call(safeProxyFactory, "createProxyWithNonce", [safeSingleton, initializer, saltNonce], {
    id: "CreateGuardianSafe",
  });
  const proxy = m.readEventArgument(created, "ProxyCreation", "proxy", { id: "GuardianSafeAddress" });
  const guardianSafe = m.contractAt("Safe", SAFE_ARTIFACTS.Safe, proxy, { id: "GuardianSafe" });

  return { guardianSafe, safeSingleton, safeProxyFactory, multiSendCallOnly };
});
