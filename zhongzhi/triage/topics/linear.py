"""The linear SVM behind the topic model, and its calibration into probabilities."""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

__all__ = ["fit_svm", "fit_temperature", "scores", "softmax"]


def fit_svm(
    features: sp.csr_matrix, y: npt.NDArray[np.str_], classes: list[str], c: float
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    from sklearn.svm import LinearSVC

    with warnings.catch_warnings():
        # Little regularisation can stop liblinear before full convergence; the
        # solution is still a good separator and the warning would only alarm staff.
        warnings.simplefilter("ignore")
        svm = LinearSVC(C=c, max_iter=5000, random_state=0).fit(features, y)
    coef = np.asarray(svm.coef_, dtype=np.float32)
    intercept = np.asarray(svm.intercept_, dtype=np.float32)
    if len(classes) == 2:
        # scikit-learn keeps one weight vector for two classes (positive = second).
        coef = np.vstack([-coef[0], coef[0]]) / 2
        intercept = np.array([-intercept[0], intercept[0]], dtype=np.float32) / 2
    return coef, intercept


def scores(
    features: sp.csr_matrix, coef: npt.NDArray[np.float32], intercept: npt.NDArray[np.float32]
) -> npt.NDArray[np.float64]:
    return np.asarray(features @ coef.T, dtype=np.float64) + intercept


def softmax(scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    if scores.shape[0] == 0:
        return scores
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True))


def fit_temperature(
    features: sp.csr_matrix, y: npt.NDArray[np.str_], classes: list[str], c: float
) -> float:
    """Softmax temperature that minimises log-loss on out-of-fold SVM scores."""
    index = {name: i for i, name in enumerate(classes)}
    target = np.array([index[v] for v in y.tolist()])
    counts = np.bincount(target, minlength=len(classes))
    folds = min(3, int(counts.min()))
    if folds < 2:
        return 3.0  # too few labels to measure; a moderate default
    from sklearn.model_selection import StratifiedKFold

    oof = np.zeros((len(y), len(classes)))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=0)
    for train, test in splitter.split(np.zeros(len(y)), target):
        if len(set(y[train].tolist())) < len(classes):
            return 3.0  # pragma: no cover - stratification keeps every class
        coef, intercept = fit_svm(features[train], y[train], classes, c)
        oof[test] = scores(features[test], coef, intercept)
    best_t, best_loss = 1.0, np.inf
    for t in np.geomspace(0.1, 50, 60):
        p = softmax(oof * t)[np.arange(len(y)), target]
        loss = float(-np.mean(np.log(np.maximum(p, 1e-12))))
        if loss < best_loss:
            best_t, best_loss = float(t), loss
    return best_t
