// Who may sign investor views. The ModelRegistry decides on-chain (`isViewSigner`); an allowlist
// stands in where no registry is deployed (research runs, tests).
import { getAddress, type Address, type PublicClient } from "viem";
import { modelRegistryAbi } from "../protocol/abi.ts";

/** Decides whether an address may sign investor views. */
export interface SignerAuthority {
  isViewSigner(signer: Address): Promise<boolean>;
}

/**
 * A fixed list of authorised signers (checksum-insensitive).
 *
 * @example
 * ```ts
 * const authority = new AllowlistSignerAuthority(["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"]);
 * ```
 */
export class AllowlistSignerAuthority implements SignerAuthority {
  private readonly signers: ReadonlySet<Address>;

  constructor(signers: readonly Address[]) {
    this.signers = new Set(signers.map((s) => getAddress(s)));
  }

  async isViewSigner(signer: Address): Promise<boolean> {
    return this.signers.has(getAddress(signer));
  }
}

/**
 * Reads `IModelRegistry.isViewSigner(signer)` at the latest block on every call, so a signer the
 * DAO removes is refused from the next verification on.
 *
 * @example
 * ```ts
 * const authority = new RegistrySignerAuthority(createReadClient(rpcUrl), registryAddress);
 * ```
 */
export class RegistrySignerAuthority implements SignerAuthority {
  private readonly client: Pick<PublicClient, "readContract">;
  private readonly registry: Address;

  constructor(client: Pick<PublicClient, "readContract">, registry: Address) {
    this.client = client;
    this.registry = registry;
  }

  async isViewSigner(signer: Address): Promise<boolean> {
    return this.client.readContract({
      address: this.registry,
      abi: modelRegistryAbi,
      functionName: "isViewSigner",
      args: [signer],
    });
  }
}
