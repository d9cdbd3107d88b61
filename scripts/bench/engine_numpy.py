"""NumPy/SciPy implementation of the engine's index build, for the side-by-side benchmark.

Same math as `Index::build` (exact method, logistic family):
  objective (1/n) sum_i l_i + (l2/2)||theta||^2, intercept regularised;
  Newton with Cholesky and the same backtracking rule, to ||grad|| < 1e-10;
  H = (sqrt(w) X~)^T (sqrt(w) X~) / n + l2 I (syrk), H^-1 from the Cholesky factor;
  u_c = H^-1 sum_{i in c} grad l_i / n for G contributions (row i -> contribution i mod G).
Usage: engine_numpy.py X.npy Y.npy G
"""
import sys, time
import numpy as np
from scipy.linalg import cho_factor, cho_solve


def main():
    X = np.load(sys.argv[1]).astype(np.float64)
    y = np.load(sys.argv[2]).astype(np.float64).ravel()
    G = int(sys.argv[3])
    l2, tol = 0.01, 1e-10
    t0 = time.perf_counter()
    n, d = X.shape
    Xa = np.hstack([X, np.ones((n, 1))])
    p = d + 1

    def softplus(t):
        return np.maximum(t, 0) + np.log1p(np.exp(-np.abs(t)))

    def sigmoid(z):
        return 0.5 * (1 + np.tanh(0.5 * z))

    def obj(th):
        z = Xa @ th
        return np.mean(y * softplus(-z) + (1 - y) * softplus(z)) + 0.5 * l2 * th @ th

    def grad(th):
        r = sigmoid(Xa @ th) - y
        return Xa.T @ r / n + l2 * th

    def hess(th):
        s = sigmoid(Xa @ th)
        Xs = Xa * np.sqrt(s * (1 - s))[:, None]
        H = Xs.T @ Xs / n
        H[np.diag_indices(p)] += l2
        return H

    th = np.zeros(p)
    f, g = obj(th), grad(th)
    gn = np.linalg.norm(g)
    it = 0
    while gn >= tol and it < 100:
        it += 1
        c = cho_factor(hess(th), lower=True)
        step = cho_solve(c, g)
        slope = -g @ step
        t, ok = 1.0, False
        for _ in range(40):
            cand = th - t * step
            fc, gc = obj(cand), grad(cand)
            gcn = np.linalg.norm(gc)
            if fc <= f + 1e-4 * t * slope or (fc <= f + 1e-12 * abs(f) and gcn < gn):
                th, f, g, gn, ok = cand, fc, gc, gcn, True
                break
            t *= 0.5
        if not ok:
            break
    H = hess(th)
    c = cho_factor(H, lower=True)
    Hinv = cho_solve(c, np.eye(p))
    r = sigmoid(Xa @ th) - y
    if n % G == 0:
        S = (Xa * r[:, None]).reshape(n // G, G, p).sum(axis=0)
    else:
        S = np.zeros((G, p))
        np.add.at(S, np.arange(n) % G, Xa * r[:, None])
    U = (S @ Hinv / n).astype(np.float32)
    secs = time.perf_counter() - t0
    print(f"NUMPY_SECONDS {secs}")
    try:
        from threadpoolctl import threadpool_info
        for i in threadpool_info():
            if i.get("user_api") == "blas":
                print(f"BLAS {i.get('internal_api')} {i.get('version')} kernel {i.get('architecture')}, {i.get('num_threads')} threads")
    except ImportError:
        print("BLAS unknown (threadpoolctl not installed)")
    print(f"NUMPY_ITERATIONS {it} grad_norm {gn:.1e}")
    print(f"THETA0 {th[0]:.12e}")
    print("CHECK " + "; ".join(f"u[{i}][0..3] = {U[i, :3].tolist()}" for i in range(3)))


if __name__ == "__main__":
    main()
