// One check of a view's signature, shared by the keeper's verification (verifyViews.ts) and the
// auditor's replay of the recorded acceptance (src/audit/replayViews.ts).
import { isAddressEqual, parseAbi, recoverTypedDataAddress, type Address, type Hex, type PublicClient } from "viem";
import type { SignedViewSetFile } from "./signedViewSet.ts";
import { INVESTOR_VIEW_TYPES, type InvestorView } from "./typedData.ts";

/** What an ERC-1271 check needs of a client. */
export type Erc1271Reader = Pick<PublicClient, "readContract">;

/** ERC-1271 magic value: `bytes4(keccak256("isValidSignature(bytes32,bytes)"))`. */
export const ERC1271_MAGIC_VALUE: Hex = "0x1626ba7e";
const ERC1271_ABI = parseAbi(["function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)"]);

/**
 * Whether `signature` is `signer`'s over the view: ECDSA recovery of the EIP-712 typed data, else
 * (a contract wallet) ERC-1271 `isValidSignature(digest, signature)` through `erc1271`, at
 * `blockNumber` when given (a replay checks the wallet as it was when the keeper read it).
 *
 * @example
 * ```ts
 * if (!(await signatureIsValid(digest, signature, view.signer, file.domain, view, client))) reject();
 * ```
 */
export async function signatureIsValid(
  digest: Hex,
  signature: Hex,
  signer: Address,
  domain: SignedViewSetFile["domain"],
  view: InvestorView,
  erc1271: Erc1271Reader | undefined,
  blockNumber?: bigint,
): Promise<boolean> {
  try {
    const recovered = await recoverTypedDataAddress({
      domain: { ...domain },
      types: INVESTOR_VIEW_TYPES,
      primaryType: "InvestorView",
      message: { ...view, assets: [...view.assets], pick: [...view.pick] },
      signature,
    });
    if (isAddressEqual(recovered, signer)) return true;
  } catch {
    // Not a well-formed ECDSA signature: it may still be a contract wallet's.
  }
  if (erc1271 === undefined) return false;
  try {
    const magic = await erc1271.readContract({
      address: signer,
      abi: ERC1271_ABI,
      functionName: "isValidSignature",
      args: [digest, signature],
      ...(blockNumber === undefined ? {} : { blockNumber }),
    });
    return magic.toLowerCase() === ERC1271_MAGIC_VALUE;
  } catch {
    // An EOA (no code) or a reverting wallet: not a valid contract signature.
    return false;
  }
}
