"""An independent reference for MannWhitneyScipyTest, run with Debian's /usr/bin/python3.

Reads {"confidence": c, "pairs": [{"x": [...], "y": [...]}, ...]} on stdin and writes, per pair,
SciPy's Mann-Whitney U and p-value (method='asymptotic', use_continuity=True, two-sided) and the
interval's end points: the roots of the continuity- and tie-corrected normal approximation of the
rank-sum statistic of x - mu against y, found by scipy.optimize.brentq in [min x - max y,
max x - min y] (an end of that range when the function does not change sign there).
"""
import json
import sys

import numpy as np
from scipy.optimize import brentq
from scipy.stats import mannwhitneyu, norm, rankdata


def z(mu, x, y):
    nx, ny = len(x), len(y)
    ranks = rankdata(np.concatenate([x - mu, y]))
    dz = ranks[:nx].sum() - nx * (nx + 1) / 2 - nx * ny / 2
    _, counts = np.unique(ranks, return_counts=True)
    ties = float(np.sum(counts.astype(float) ** 3 - counts))
    sigma = np.sqrt(nx * ny / 12 * ((nx + ny + 1) - ties / ((nx + ny) * (nx + ny - 1))))
    return (dz - np.sign(dz) * 0.5) / sigma


def root(q, x, y):
    lo, hi = x.min() - y.max(), x.max() - y.min()
    if lo == hi:
        return lo
    f = lambda mu: z(mu, x, y) - q
    if f(lo) <= 0:
        return lo
    if f(hi) >= 0:
        return hi
    return brentq(f, lo, hi, xtol=(hi - lo) * 1e-12, rtol=4 * np.finfo(float).eps, maxiter=10000)


def main():
    request = json.load(sys.stdin)
    q = norm.ppf(1 - (1 - request["confidence"]) / 2)
    out = []
    for pair in request["pairs"]:
        x = np.asarray(pair["x"], dtype=float)
        y = np.asarray(pair["y"], dtype=float)
        test = mannwhitneyu(x, y, method="asymptotic", use_continuity=True, alternative="two-sided")
        out.append({
            "u": float(test.statistic),
            "p": float(test.pvalue),
            "lower": float(root(q, x, y)),
            "upper": float(root(-q, x, y)),
        })
    json.dump({"scipy": __import__("scipy").__version__, "results": out}, sys.stdout)


main()
