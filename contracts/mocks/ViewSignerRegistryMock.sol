// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Test double for the ModelRegistry's view-signer read: `isViewSigner` with a settable allowlist.
contract ViewSignerRegistryMock {
    mapping(address signer => bool allowed) private _viewSigners;

    /// @notice Sets whether `signer` may sign investor views.
    function setViewSigner(address signer, bool allowed) external {
        _viewSigners[signer] = allowed;
    }

    /// @notice Same signature as IModelRegistry.isViewSigner.
    function isViewSigner(address signer) external view returns (bool) {
        return _viewSigners[signer];
    }
}
