"""Small learned decisions over extraction candidates, shipped as LightGBM text models.

Why LightGBM: gradient-boosted trees over a few dozen generic features (cue words, positions,
levels, distances, priors) beat hand-written rules on pages nobody tuned to, train in a second on
the labelled corpus, and save as a small text file that loads without pickle and predicts the
same on every machine. Training is deterministic (one thread, fixed seeds), so the shipped file
is reproducible from `scripts/train_models.py`.
"""

from __future__ import annotations

import ctypes
import re
import threading
from collections.abc import Sequence
from functools import cache
from importlib import resources

import numpy as np

#: Parameters for every shipped model: small trees, strong regularisation, one thread.
PARAMS: dict[str, object] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 5,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "seed": 7,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbose": -1,
}
ROUNDS = 300


#: First line of a shipped model file: the decision threshold chosen by cross-validation
#: (LightGBM skips it when it loads the rest).
THRESHOLD_LINE = re.compile(r"^# threshold ([0-9.]+)")


#: Up to this many rows a call goes row by row through the fast path; beyond, one batch call
#: (its ~0.4 ms set-up is then cheaper than the per-row cost difference).
FAST_ROWS = 200


class _RowPredictor:
    """LightGBM's single-row fast path (LGBM_BoosterPredictForMatSingleRowFast): the very
    predictor Booster.predict runs, but set up once instead of on every call, which cost about
    0.4 ms per call (a pipeline makes two or three calls per document, each of a few rows).
    One per thread: the fast configuration owns a row buffer."""

    def __init__(self, booster, ncol: int) -> None:
        from lightgbm.basic import _LIB, _c_str, _safe_call

        self._lib, self._check = _LIB, _safe_call
        self.ncol = ncol
        self.handle = ctypes.c_void_p()
        _safe_call(_LIB.LGBM_BoosterPredictForMatSingleRowFastInit(
            booster._handle, ctypes.c_int(0),  # C_API_PREDICT_NORMAL
            ctypes.c_int(0), ctypes.c_int(-1),  # all iterations, as Booster.predict for a loaded model
            ctypes.c_int(1),  # C_API_DTYPE_FLOAT64
            ctypes.c_int32(ncol), _c_str("num_threads=1"), ctypes.byref(self.handle)))

    def predict(self, x: np.ndarray) -> np.ndarray:
        x = np.ascontiguousarray(x, dtype=np.float64)
        out = np.empty(len(x), dtype=np.float64)
        n = ctypes.c_int64(0)
        row_bytes = 8 * self.ncol
        base, out_base = x.ctypes.data, out.ctypes.data
        call, handle, check = self._lib.LGBM_BoosterPredictForMatSingleRowFast, self.handle, self._check
        for i in range(len(x)):
            check(call(handle, ctypes.c_void_p(base + i * row_bytes), ctypes.byref(n),
                       ctypes.c_void_p(out_base + 8 * i)))
        return out

    def __del__(self) -> None:
        if self.handle:
            self._lib.LGBM_FastConfigFree(self.handle)


def _fast_path_available() -> bool:
    try:
        from lightgbm.basic import _LIB
    except ImportError:  # pragma: no cover - lightgbm is a dependency
        return False
    return hasattr(_LIB, "LGBM_BoosterPredictForMatSingleRowFast")


class Model:
    """A trained booster, the feature names it expects (in order), and its decision threshold
    when one was chosen."""

    def __init__(self, booster, names: Sequence[str], threshold: float | None = None) -> None:
        self.booster = booster
        self.names = tuple(names)
        self.threshold = threshold
        self._local = threading.local()

    def __getstate__(self) -> dict[str, object]:
        # the fast-path predictors hold C handles: each process (and thread) makes its own
        return {k: v for k, v in self.__dict__.items() if k != "_local"}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._local = threading.local()

    def _rows(self) -> _RowPredictor | None:
        got = getattr(self._local, "predictor", False)
        if got is False:
            got = self._local.predictor = (_RowPredictor(self.booster, self.booster.num_feature())
                                           if _fast_path_available() else None)
        return got

    def predict(self, rows: Sequence[Sequence[float]]) -> list[float]:
        """P(positive) of each row; the same numbers as Booster.predict(rows, num_threads=1)."""
        if len(rows) == 0:
            return []
        x = np.asarray(rows, dtype=np.float64)
        fast = self._rows() if len(x) <= FAST_ROWS else None
        out = fast.predict(x) if fast is not None else self.booster.predict(x, num_threads=1)
        return out.tolist()

    def save(self) -> str:
        return self.booster.model_to_string()

    def to_text(self) -> str:
        """The file to ship: the threshold line (when there is a threshold), then the booster."""
        head = f"# threshold {self.threshold:.4f}\n" if self.threshold is not None else ""
        return head + self.save()


def train(rows: Sequence[Sequence[float]], labels: Sequence[int], names: Sequence[str],
          rounds: int = ROUNDS, params: dict[str, object] | None = None) -> Model:
    import lightgbm

    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    data = lightgbm.Dataset(x, label=y, feature_name=list(names), free_raw_data=False,
                            params={"verbose": -1})
    booster = lightgbm.train({**PARAMS, **(params or {})}, data, num_boost_round=rounds)
    return Model(booster, names)


def from_string(text: str, names: Sequence[str]) -> Model:
    import lightgbm

    line = THRESHOLD_LINE.match(text[:100])
    return Model(lightgbm.Booster(model_str=text), names, float(line.group(1)) if line else None)


@cache
def shipped(name: str, names: tuple[str, ...]) -> Model | None:
    """The model file `extract/data/<name>.lgb.txt`, or None when it is not there."""
    path = resources.files("duikou.extract").joinpath("data", f"{name}.lgb.txt")
    if not path.is_file():
        return None
    model = from_string(path.read_text("utf-8"), names)
    stored = model.booster.feature_name()
    if list(stored) != list(names):
        raise RuntimeError(f"{name}.lgb.txt was trained on other features: retrain with scripts/train_models.py")
    return model
