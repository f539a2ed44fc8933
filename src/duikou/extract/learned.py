"""Small learned decisions over extraction candidates, shipped as LightGBM text models.

Why LightGBM: gradient-boosted trees over a few dozen generic features (cue words, positions,
levels, distances, priors) beat hand-written rules on pages nobody tuned to, train in a second on
the labelled corpus, and save as a small text file that loads without pickle and predicts the
same on every machine. Training is deterministic (one thread, fixed seeds), so the shipped file
is reproducible from `scripts/train_models.py`.
"""

from __future__ import annotations

import re
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


class Model:
    """A trained booster, the feature names it expects (in order), and its decision threshold
    when one was chosen."""

    def __init__(self, booster, names: Sequence[str], threshold: float | None = None) -> None:
        self.booster = booster
        self.names = tuple(names)
        self.threshold = threshold

    def predict(self, rows: Sequence[Sequence[float]]) -> list[float]:
        if len(rows) == 0:
            return []
        x = np.asarray(rows, dtype=np.float64)
        return [float(p) for p in self.booster.predict(x, num_threads=1)]

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
