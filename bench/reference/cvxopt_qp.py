"""Reference for bench/endToEnd.bench.ts: the long-only QP of a problem JSON solved by cvxopt.

Reads the subset of docs/problem-format.md that the bench writes (assets, a dense covariance or a
factor model, a scalar upper bound, group upper bounds, budget 1, min-variance or quadratic
utility), builds cvxopt's matrices as a user of cvxopt would (a factor model is expanded to a dense
Sigma) and solves min 1/2 w'Pw + q'w s.t. Gw <= h, Aw = b with solvers.qp.

  python3 cvxopt_qp.py problem.json            one solve, what a whole-process timing measures
  python3 cvxopt_qp.py problem.json --repeat 9 also times 9 more solves of the same matrices

Prints one JSON line: reading the JSON, the first build and solve, the median repeated solve
(ms), the variance w'Sigma w of the solution and the status.
"""
import json
import sys
import time

from cvxopt import matrix, solvers, spmatrix


def build(problem):
    assets = problem["assets"]
    n = len(assets)
    cov = problem["covariance"]
    if isinstance(cov, list):
        sigma = matrix([float(v) for row in cov for v in row], (n, n))
    else:
        loadings = matrix([float(v) for row in cov["factorLoadings"] for v in row], (len(cov["factorLoadings"][0]), n)).T
        factor = matrix([float(v) for row in cov["factorCovariance"] for v in row], (len(cov["factorCovariance"]), len(cov["factorCovariance"])))
        sigma = loadings * factor * loadings.T
        for i, s in enumerate(cov["specificVariance"]):
            sigma[i, i] += float(s)
    constraints = problem.get("constraints", {})
    upper = float(constraints.get("bounds", {}).get("upper", 1.0))
    groups = constraints.get("groups", [])
    index = {a: i for i, a in enumerate(assets)}
    rows = [(-1.0, i, i) for i in range(n)] + [(1.0, n + i, i) for i in range(n)]
    for g, group in enumerate(groups):
        rows += [(1.0, 2 * n + g, index[a]) for a in group["assets"]]
    values, r, c = zip(*rows)
    g_matrix = spmatrix(list(values), list(r), list(c), (2 * n + len(groups), n))
    h = matrix([0.0] * n + [upper] * n + [float(group["upper"]) for group in groups])
    if problem.get("objective", "min-variance") == "quadratic-utility":
        delta = float(problem.get("riskAversion", 1.0))
        p = delta * sigma
        q = matrix([-float(v) for v in problem["expectedReturns"]])
    else:
        p = 2.0 * sigma
        q = matrix(0.0, (n, 1))
    a = matrix(1.0, (1, n))
    b = matrix(float(constraints.get("budget", 1.0)))
    return sigma, (p, q, g_matrix, h, a, b)


def main():
    path = sys.argv[1]
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 0
    solvers.options["show_progress"] = False
    start = time.perf_counter()
    with open(path) as f:
        problem = json.load(f)
    load_ms = 1e3 * (time.perf_counter() - start)
    start = time.perf_counter()
    sigma, args = build(problem)
    solution = solvers.qp(*args)
    first_ms = 1e3 * (time.perf_counter() - start)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        solvers.qp(*args)
        times.append(1e3 * (time.perf_counter() - t))
    times.sort()
    w = solution["x"]
    print(json.dumps({
        "status": solution["status"],
        "loadMs": load_ms,
        "firstMs": first_ms,
        "solveMs": times[len(times) // 2] if times else None,
        "variance": float((w.T * sigma * w)[0]),
        "iterations": solution["iterations"],
    }))


main()
