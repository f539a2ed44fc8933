"""learned.Model.predict: LightGBM's single-row fast path gives Booster.predict's numbers exactly."""

import pickle

import numpy as np
import pytest

from duikou.extract import learned
from duikou.extract.claim_model import shipped_model as claims_model
from duikou.extract.pairing_decision import shipped_model as pairings_model


def _rows(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    x = rng.integers(-2, 20, size=(n, k)).astype(np.float64)
    x[rng.random(x.shape) < 0.5] = 0.0  # many exact zeros, as real feature rows have
    x[:, : min(5, k)] += rng.random((n, min(5, k)))
    return x


def test_trained_model_predicts_as_the_booster():
    rng = np.random.default_rng(1)
    x = _rows(rng, 300, 6)
    y = (x[:, 0] + x[:, 1] > 10).astype(int)
    model = learned.train(x.tolist(), y.tolist(), [f"f{i}" for i in range(6)], rounds=20)
    probe = _rows(rng, 150, 6)
    assert model.predict(probe) == [float(p) for p in model.booster.predict(probe, num_threads=1)]
    assert model.predict([]) == []
    copy = pickle.loads(pickle.dumps(model))  # e.g. sent to a worker process
    assert copy.predict(probe) == model.predict(probe)


@pytest.mark.parametrize("shipped", [pairings_model, claims_model])
def test_shipped_models_predict_as_the_booster(shipped):
    model = shipped()
    if model is None:
        pytest.skip("model file not shipped")
    probe = _rows(np.random.default_rng(2), 1000, model.booster.num_feature())
    expected = [float(p) for p in model.booster.predict(probe, num_threads=1)]
    assert learned._RowPredictor(model.booster, probe.shape[1]).predict(probe).tolist() == expected
    assert model.predict(probe) == expected  # one batch call
    small = probe[: learned.FAST_ROWS]
    assert model.predict(small) == expected[: learned.FAST_ROWS]  # row by row
    assert model.predict(probe[:1]) == expected[:1]  # a row's score does not depend on the others
