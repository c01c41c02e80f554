"""The lag the One Euro filter adds, measured at 30 fps: a step and ramps through
the bare filter (landmark units, metres), and a joint-angle ramp through the
whole pipeline (synthetic performer, noise off). Run with ``-s`` to see the
figures; the asserts are the bounds the timing claims rely on.
"""

from __future__ import annotations

import numpy as np
import pytest

from formcheck import synthetic as sy
from formcheck.pipeline import Session
from formcheck.smoothing import OneEuroFilter, OneEuroParams
from formcheck.specs import resolve_spec

FPS = 30.0


def filtered(signal: np.ndarray, params: OneEuroParams) -> np.ndarray:
    f = OneEuroFilter(params)
    t = np.arange(len(signal)) * 1000.0 / FPS
    return np.array([f(np.array([x]), ti)[0] for x, ti in zip(signal, t)])


def ramp_lag_ms(speed_m_s: float, params: OneEuroParams) -> float:
    t = np.arange(int(3 * FPS)) / FPS
    x = np.where(t < 1, 0.0, (t - 1) * speed_m_s)
    y = filtered(x, params)
    return float((x[-1] - y[-1]) / speed_m_s * 1000.0)  # steady state: how far behind in time


def step_times_ms(params: OneEuroParams, size_m: float = 0.10) -> tuple[float, float]:
    t = np.arange(int(3 * FPS)) / FPS
    y = filtered(np.where(t < 1, 0.0, size_m), params)
    t50 = t[np.argmax(y >= 0.5 * size_m)] - 1
    t90 = t[np.argmax(y >= 0.9 * size_m)] - 1
    return float(t50 * 1000), float(t90 * 1000)


def test_filter_lag_on_ramps_and_a_step():
    p = OneEuroParams()
    lags = {v: ramp_lag_ms(v, p) for v in (0.05, 0.2, 0.5, 1.0)}
    t50, t90 = step_times_ms(p)
    print(f"\nOne Euro {p}: ramp lag " + ", ".join(f"{v} m/s {lag:.0f} ms" for v, lag in lags.items())
          + f"; 10 cm step: 50% after {t50:.0f} ms, 90% after {t90:.0f} ms")
    assert all(lag <= 150 for lag in lags.values())
    assert lags[1.0] < lags[0.05]  # the cutoff opens with speed
    assert t50 <= 70 and t90 <= 300


def test_a_sluggish_filter_would_fail_the_bound():
    """Control: the bound above does catch a filter set too smooth."""
    assert ramp_lag_ms(0.2, OneEuroParams(min_cutoff_hz=0.4, beta=0.2)) > 150


def test_still_noise_is_reduced():
    rng = np.random.default_rng(0)
    x = rng.normal(0, 0.015, int(60 * FPS))
    y = filtered(x, OneEuroParams())
    ratio = y[30:].std() / x.std()
    print(f"\nOne Euro on 1.5 cm white noise, still: output sd {ratio:.2f} of input")
    assert ratio < 0.4


@pytest.mark.parametrize("deg_per_s", [15.0, 60.0])
def test_pipeline_angle_lag_on_a_knee_ramp(deg_per_s):
    """Knee angle ramping through the pipeline: time shift of the smoothed angle."""
    spec = resolve_spec("staff")
    good = sy.POSTURES["staff"]["good"]
    span = 60.0
    ramp_s = span / deg_per_s
    script = sy.Script(((0.0, {**good, "knee": 175.0}), (1.0, {}),
                        (1.0 + ramp_s, {"knee": 175.0 - span}), (2.0 + ramp_s, {})), "linear")
    perf = sy.Performer(noise_m=0.0).perform(script)
    session = Session(spec)
    t = perf.t_ms / 1000.0
    seen = np.array([session.step(f, f.pose).features["knee.left"].value for f in perf.frames])
    mid = (t > 1.0 + 0.3 * ramp_s) & (t < 1.0 + 0.9 * ramp_s)  # steady part of the ramp
    true = 175.0 - (t - 1.0) * deg_per_s
    lag_ms = float(np.median((seen[mid] - true[mid]) / deg_per_s) * 1000.0)
    print(f"\npipeline knee ramp {deg_per_s:.0f} deg/s: smoothed angle lags {lag_ms:.0f} ms")
    assert 0 < lag_ms <= 150


def angle_jitter_deg(params: OneEuroParams, seconds: float = 30.0) -> float:
    """Sd of the smoothed downward-dog hip angle, still, 1.5 cm landmark noise."""
    good = sy.POSTURES["downward_dog"]["good"]
    perf = sy.Performer(seed=1).perform(sy.Script(((0.0, good),)), seconds)
    session = Session(resolve_spec("downward_dog"), params)
    values = [session.step(f, f.pose).features["hip.left"].value for f in perf.frames]
    return float(np.std(values[30:]))


def test_beta_trades_lag_for_jitter():
    """Why beta stays 0.5: 1.0 lags less on movement but jitters more when still
    (and made auto recognition flicker on real footage)."""
    fast = OneEuroParams(beta=1.0)
    default = OneEuroParams()
    jitter = {b: angle_jitter_deg(p) for b, p in ((default.beta, default), (1.0, fast))}
    lag = {b: ramp_lag_ms(0.2, p) for b, p in ((default.beta, default), (1.0, fast))}
    raw = angle_jitter_deg(OneEuroParams(min_cutoff_hz=1e6))  # effectively unfiltered
    print(f"\nstill hip angle sd, 1.5 cm noise: raw {raw:.2f} deg; beta {default.beta}: {jitter[default.beta]:.2f} deg, "
          f"ramp lag {lag[default.beta]:.0f} ms; beta 1.0: {jitter[1.0]:.2f} deg, ramp lag {lag[1.0]:.0f} ms")
    assert lag[1.0] < lag[default.beta] and jitter[1.0] > jitter[default.beta]
    assert jitter[default.beta] < 0.4 * raw
