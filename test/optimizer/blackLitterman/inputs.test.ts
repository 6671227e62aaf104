import { expect } from "chai";
import { InputError } from "../../../src/errors.ts";
import { blackLittermanInputs } from "../../../src/optimizer/blackLitterman/inputs.ts";
import { heLittermanOmega } from "../../../src/optimizer/blackLitterman/omega.ts";
import { blackLittermanPosterior } from "../../../src/optimizer/blackLitterman/posterior.ts";
import { resolveTau } from "../../../src/optimizer/blackLitterman/section.ts";
import { viewsToMatrices } from "../../../src/optimizer/blackLitterman/views.ts";
import type { SymmetricMatrix } from "../../../src/optimizer/matrix.ts";
import { toVerifiedViewSet } from "../../../src/views/toVerifiedViewSet.ts";
import type { AcceptedView } from "../../../src/views/verifyViews.ts";
import { expectClose } from "./close.ts";

const assets = ["AAPL", "MSFT", "XOM"];
const sigma: SymmetricMatrix = {
  n: 3,
  data: new Float64Array([0.09, 0.03, 0.01, 0.03, 0.0625, 0.005, 0.01, 0.005, 0.04]),
};
const marketCaps = { AAPL: 3000, MSFT: 2800, XOM: 450 };

function expectInputError(fn: () => unknown, path: string, code?: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(InputError);
    expect((error as InputError).path).to.equal(path);
    if (code) expect((error as InputError).code).to.equal(code);
    return;
  }
  expect.fail(`expected an InputError at ${path}`);
}

describe("blackLitterman: problem-level inputs", () => {
  it("builds P and Q from asset-keyed views", () => {
    const { P, Q } = viewsToMatrices(
      [
        { assets: { AAPL: 1 }, q: 0.2 },
        { assets: { AAPL: 1, MSFT: -1 }, q: 0.03 },
      ],
      assets,
    );
    expect(Array.from(P.data)).to.deep.equal([1, 0, 0, 1, -1, 0]);
    expect(Array.from(Q)).to.deep.equal([0.2, 0.03]);
  });

  it("names an unknown asset, an empty view and a bad confidence", () => {
    expectInputError(
      () => viewsToMatrices([{ assets: { XYZ: 1 }, q: 0.1 }], assets),
      "blackLitterman.views[0].assets.XYZ",
      "BL_UNKNOWN_ASSET",
    );
    expectInputError(
      () => viewsToMatrices([{ assets: { AAPL: 0 }, q: 0.1 }], assets),
      "blackLitterman.views[0].assets",
      "BL_VIEW_EMPTY",
    );
    expectInputError(
      () =>
        blackLittermanInputs(
          { prior: "equal", riskAversion: 2, views: [{ assets: { AAPL: 1 }, q: 0.1, confidence: 1.5 }] },
          { assets, sigma },
        ),
      "blackLitterman.views[0].confidence",
    );
  });

  it("market prior + He-Litterman Ω equals the composition of the kernels; μ = π*, Σ* by default", () => {
    const section = {
      marketCaps,
      riskAversion: 2.5,
      riskFreeRate: 0.02,
      views: [{ assets: { AAPL: 1, MSFT: -1 }, q: 0.03 }],
      omega: "he-litterman",
    };
    const bl = blackLittermanInputs(section, { assets, sigma });
    const total = 3000 + 2800 + 450;
    const w = [3000 / total, 2800 / total, 450 / total];
    bl.priorReturns.forEach((pi, i) => {
      let s = 0;
      for (let j = 0; j < 3; j++) s += sigma.data[i * 3 + j]! * w[j]!;
      expectClose(pi, 2.5 * s + 0.02, 1e-15);
    });
    const omega = heLittermanOmega({ sigma, P: bl.P, tau: 0.05 });
    const post = blackLittermanPosterior({ sigma, prior: bl.priorReturns, P: bl.P, Q: bl.Q, omega, tau: 0.05 });
    expect(Array.from(bl.posteriorReturns)).to.deep.equal(Array.from(post.posteriorReturns));
    expect(bl.optimizerCovariance).to.equal(bl.posteriorCovariance);
    expect(bl.viewSetCommitment).to.equal(null);
    expectClose(
      bl.impliedWeights!.reduce((a, b) => a + b, 0),
      1,
      1e-12,
    );
    const prior = blackLittermanInputs({ ...section, covariance: "prior" }, { assets, sigma });
    expect(prior.optimizerCovariance).to.equal(sigma);
  });

  it("Idzorek needs a confidence on every view (or an explicit omega), and honours confidence 1 exactly", () => {
    const base = { marketCaps, riskAversion: 2.5, omega: "idzorek" };
    expectInputError(
      () =>
        blackLittermanInputs(
          {
            ...base,
            views: [
              { assets: { AAPL: 1 }, q: 0.2, confidence: 1 },
              { assets: { XOM: 1 }, q: 0.05 },
            ],
          },
          { assets, sigma },
        ),
      "blackLitterman.views[1].confidence",
      "BL_CONFIDENCE_MISSING",
    );
    const bl = blackLittermanInputs(
      {
        ...base,
        views: [
          { assets: { AAPL: 1 }, q: 0.2, confidence: 1 },
          { assets: { XOM: 1 }, q: 0.05, omega: 0.001 },
        ],
      },
      { assets, sigma },
    );
    expectClose(bl.posteriorReturns[0], 0.2, 1e-12);
    expect(bl.omega[3]).to.equal(0.001);
  });

  it("refuses missing δ or market caps for the market prior, and unverified signed views", () => {
    expectInputError(
      () => blackLittermanInputs({ marketCaps }, { assets, sigma }),
      "blackLitterman.riskAversion",
      "BL_RISK_AVERSION_MISSING",
    );
    expectInputError(() => blackLittermanInputs({ riskAversion: 2 }, { assets, sigma }), "blackLitterman.marketCaps");
    expectInputError(
      () => blackLittermanInputs({ riskAversion: 2, marketCaps: { ...marketCaps, TSLA: 1 } }, { assets, sigma }),
      "blackLitterman.marketCaps.TSLA",
    );
    expectInputError(
      () => blackLittermanInputs({ riskAversion: 2, marketCaps, signedViews: "signed.json" }, { assets, sigma }),
      "blackLitterman.signedViews",
      "BL_SIGNED_VIEWS_UNVERIFIED",
    );
    expectInputError(
      () =>
        blackLittermanInputs({ riskAversion: 2, marketCaps, views: [], signedViews: "signed.json" }, { assets, sigma }),
      "blackLitterman.signedViews",
    );
    expectInputError(() => blackLittermanInputs({ prior: [0.1, 0.2] }, { assets, sigma }), "blackLitterman.prior");
    expectInputError(() => blackLittermanInputs({ tau: -1 }, { assets, sigma }), "blackLitterman.tau");
  });

  it("uses verified signed views (WAD → fractions) and returns their commitment and provenance", () => {
    const digest = `0x${"01".repeat(32)}` as const;
    const commitment = `0x${"ab".repeat(32)}` as const;
    const accepted = [
      {
        index: 0,
        digest,
        signature: "0x",
        view: {
          viewSetVersion: 1n,
          assets: ["AAPL", "MSFT"],
          pick: [10n ** 18n, -(10n ** 18n)],
          q: 3n * 10n ** 16n,
          confidence: 10n ** 18n,
          omega: 0n,
          nonce: 1n,
          validUntil: 0n,
          signer: "0x0000000000000000000000000000000000000001",
        },
      },
    ] as AcceptedView[];
    const signer = "0x0000000000000000000000000000000000000001";
    const verifiedViews = toVerifiedViewSet(accepted, commitment);
    expect(verifiedViews).to.deep.equal({
      commitment,
      views: [{ assets: { AAPL: 1, MSFT: -1 }, q: 0.03, confidence: 1, signer, digest, nonce: "1" }],
    });
    const bl = blackLittermanInputs(
      { riskAversion: 2.5, marketCaps, verifiedViews, omega: "idzorek" },
      { assets, sigma },
    );
    expect(bl.viewSetCommitment).to.equal(commitment);
    expect(bl.viewSources).to.deep.equal([{ source: "verified", signer, digest, nonce: "1" }]);
    expectClose(bl.posteriorReturns[0]! - bl.posteriorReturns[1]!, 0.03, 1e-12);
    // The same numbers as unsigned views give the same posterior, reported as unsigned.
    const unsigned = blackLittermanInputs(
      {
        riskAversion: 2.5,
        marketCaps,
        views: [{ assets: { AAPL: 1, MSFT: -1 }, q: 0.03, confidence: 1 }],
        omega: "idzorek",
      },
      { assets, sigma },
    );
    expect(Array.from(unsigned.posteriorReturns)).to.deep.equal(Array.from(bl.posteriorReturns));
    expect(unsigned.viewSources).to.deep.equal([{ source: "unsigned" }]);
    expect(unsigned.viewSetCommitment).to.equal(null);
    // One source of views only, and provenance that is well formed.
    expectInputError(
      () => blackLittermanInputs({ riskAversion: 2.5, marketCaps, verifiedViews, views: [] }, { assets, sigma }),
      "blackLitterman.verifiedViews",
      "BL_SECTION_INVALID",
    );
    expectInputError(
      () =>
        blackLittermanInputs(
          { riskAversion: 2.5, marketCaps, verifiedViews: { ...verifiedViews, commitment: "0xabc" } },
          { assets, sigma },
        ),
      "blackLitterman.verifiedViews.commitment",
      "BL_SECTION_INVALID",
    );
  });

  it("τ: default 0.05, explicit, or 1/T", () => {
    expect(resolveTau(undefined)).to.equal(0.05);
    expect(resolveTau(0.1)).to.equal(0.1);
    expect(resolveTau("1/T", 250)).to.equal(1 / 250);
    expectInputError(() => resolveTau("1/T"), "blackLitterman.tau", "BL_TAU_INVALID");
  });

  it("equal prior is the equilibrium of the equal-weight portfolio", () => {
    const bl = blackLittermanInputs({ prior: "equal", riskAversion: 3 }, { assets, sigma });
    bl.priorReturns.forEach((pi, i) => {
      let s = 0;
      for (let j = 0; j < 3; j++) s += sigma.data[i * 3 + j]! / 3;
      expectClose(pi, 3 * s, 1e-15);
    });
    expect(Array.from(bl.posteriorReturns)).to.deep.equal(Array.from(bl.priorReturns));
  });

  it("refuses a non-finite, asymmetric or negative-variance Σ and mis-sized inputs, naming the entry", () => {
    const P = { rows: 1, cols: 3, data: new Float64Array([1, 0, 0]) };
    const base = {
      prior: new Float64Array(3),
      P,
      Q: new Float64Array([0.1]),
      omega: new Float64Array([0.01]),
      tau: 0.05,
    };
    const withEntry = (i: number, value: number): SymmetricMatrix => {
      const data = sigma.data.slice();
      data[i] = value;
      return { n: 3, data };
    };
    expectInputError(
      () => blackLittermanPosterior({ ...base, sigma: withEntry(5, Number.NaN) }),
      "sigma[1][2]",
      "INPUT_NOT_FINITE",
    );
    expectInputError(
      () => blackLittermanPosterior({ ...base, sigma: withEntry(1, 0.5) }),
      "sigma[0][1]",
      "MATRIX_NOT_SYMMETRIC",
    );
    expectInputError(
      () => blackLittermanPosterior({ ...base, sigma: withEntry(4, -1) }),
      "sigma[1][1]",
      "MATRIX_NEGATIVE_VARIANCE",
    );
    expectInputError(
      () => blackLittermanPosterior({ ...base, sigma, prior: new Float64Array(2) }),
      "prior",
      "VECTOR_LENGTH",
    );
    expectInputError(() => blackLittermanPosterior({ ...base, sigma, Q: new Float64Array(2) }), "Q", "VECTOR_LENGTH");
    expectInputError(
      () => blackLittermanPosterior({ ...base, sigma, omega: new Float64Array([-1]) }),
      "omega[0][0]",
      "BL_OMEGA_INVALID",
    );
    expectInputError(() => blackLittermanPosterior({ ...base, sigma, tau: 0 }), "tau", "BL_TAU_INVALID");
    expectInputError(
      () => blackLittermanPosterior({ ...base, sigma, P: { rows: 1, cols: 2, data: new Float64Array(2) } }),
      "P",
      "MATRIX_SHAPE",
    );
  });

  it("degenerate views (the same certain view twice) are an InputError, not NaN", () => {
    const view = { assets: { AAPL: 1 }, q: 0.2, confidence: 1 };
    expectInputError(
      () =>
        blackLittermanInputs(
          { prior: "equal", riskAversion: 2, omega: "idzorek", views: [view, view] },
          { assets, sigma },
        ),
      "views",
      "BL_VIEWS_DEGENERATE",
    );
  });
});
