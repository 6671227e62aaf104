// Random markets for the HRP and HERC property tests.
import fc from "fast-check";

/** A random covariance B B' + diag(s) with its correlation, drawn uniformly on a grid (fast-check's
 * doubles are uniform over bit patterns, so nearly all are tiny: every correlation 0, every merge a
 * tie). */
export const market = (n: number): fc.Arbitrary<{ cov: Float64Array; corr: Float64Array }> =>
  fc
    .noBias(
      fc.tuple(
        fc.array(
          fc.integer({ min: -1000, max: 1000 }).map((v) => v / 1000),
          { minLength: n * 2, maxLength: n * 2 },
        ),
        fc.array(
          fc.integer({ min: 10, max: 500 }).map((v) => v / 1000),
          { minLength: n, maxLength: n },
        ),
      ),
    )
    .map(([b, s]) => {
      const cov = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let v = b[i * 2]! * b[j * 2]! + b[i * 2 + 1]! * b[j * 2 + 1]!;
          if (i === j) v += s[i]!;
          cov[i * n + j] = v;
        }
      const corr = cov.map((v, k) => v / Math.sqrt(cov[(k % n) * n + (k % n)]! * cov[Math.floor(k / n) * (n + 1)]!));
      return { cov, corr };
    });
