// Diagonal scaling shared by the Newton, gradient and SQP methods: they run on the correlation
// matrix C = D^{-1/2} Σ D^{-1/2}, which removes the spread of volatilities from their conditioning
// (Spinu 2013). Risk contributions are invariant: with x = D^{1/2} y, x_i (Cx)_i = y_i (Σy)_i.

/** The correlation matrix of Σ and the volatilities σ_i = sqrt(Σ_ii). */
export function toCorrelation(data: Float64Array, n: number): { corr: Float64Array; vol: Float64Array } {
  const vol = new Float64Array(n);
  for (let i = 0; i < n; i++) vol[i] = Math.sqrt(data[i * n + i] as number);
  const corr = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const vi = vol[i] as number;
    for (let j = 0; j < n; j++) corr[i * n + j] = (data[i * n + j] as number) / (vi * (vol[j] as number));
  }
  return { corr, vol };
}

/** Maps weights (any positive scale) to the scaled variable x = D^{1/2} w, or back with `inverse`. */
export function rescale(v: Float64Array, vol: Float64Array, inverse: boolean): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++)
    out[i] = inverse ? (v[i] as number) / (vol[i] as number) : (v[i] as number) * (vol[i] as number);
  return out;
}
