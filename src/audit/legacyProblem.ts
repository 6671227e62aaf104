// Problem files stored before verified views had their own route (issue 15): the keeper then wrote
// the accepted signed views into the Black-Litterman section's unsigned `views` field, numbers
// only. Replay must still recognise those files, so it can check and re-run them.

/** The numeric fields of a view, in the order the old keeper wrote them. */
const VIEW_FIELDS = ["assets", "q", "confidence", "omega"] as const;

/**
 * The legacy form of a problem `buildProblem` produced: `blackLitterman.verifiedViews` replaced, at
 * the same position, by `views` holding each verified view's numbers without its provenance —
 * byte for byte what a keeper before issue 15 stored for the same inputs (as `JSON.stringify(…,
 * null, 2)`). Null when the problem has no `verifiedViews` (there is no older form to match).
 *
 * @example
 * ```ts
 * const legacy = legacyViewsProblem(rebuilt);
 * const matches = legacy !== null && `${JSON.stringify(legacy, null, 2)}\n` === storedProblemText;
 * ```
 */
export function legacyViewsProblem(problem: Readonly<Record<string, unknown>>): Record<string, unknown> | null {
  const section = problem["blackLitterman"];
  if (typeof section !== "object" || section === null || !("verifiedViews" in section)) return null;
  const verified = (section as { verifiedViews?: { views?: unknown } }).verifiedViews;
  if (!Array.isArray(verified?.views)) return null;
  const views = verified.views.map((view: unknown) => {
    const numbers: Record<string, unknown> = {};
    for (const field of VIEW_FIELDS) {
      const value = (view as Record<string, unknown>)[field];
      if (value !== undefined) numbers[field] = value;
    }
    return numbers;
  });
  const legacySection = Object.fromEntries(
    Object.entries(section).map(([key, value]) => (key === "verifiedViews" ? ["views", views] : [key, value])),
  );
  return { ...problem, blackLitterman: legacySection };
}
