"""A synthetic twin of ProcessMiner's sheet-break data: SYNTHETIC, not real.

The twin has the real file's columns (``time, y, x1 .. x61``), size and time
grid, so that every line of the case study runs unchanged on either. What it
contains is invented, from the documented parameters of :class:`TwinParams`:

* ``x28``: a categorical paper grade that changes in long runs;
* ``x61``: binary, mostly 0, in short runs of 1;
* the other 59 sensors: a stationary vector-autoregressive process
  ``z[t] = A z[t-1] + e[t]`` whose noise ``e`` is correlated within blocks of
  sensors; each grade shifts the level of some sensors; each sensor is finally
  put on its own scale (means and standard deviations spread over orders of
  magnitude, e.g. ``x1`` near 0.01 +- 0.74, ``x4`` near -10 +- 131);
* breaks (``y = 1``), with a minimum gap between them. Before a break, over
  the previous ``lead_rows`` rows (10-20 minutes), a few sensors of a
  precursor pool show drift, rising variance or an oscillation, growing
  toward the break (faster and faster: as ``ramp ** growth``, with ``ramp``
  rising linearly to 1 at the last row before the break), with a strength
  drawn per break; some breaks have none;
* after a break, a restart transient in a few sensors;
* decoys: drift episodes like the precursors' drift, of overlapping strength,
  that lead to no break.

The sign and phase of the variance and oscillation precursors are random,
so no fixed linear combination of the raw values detects them; the drift
precursor is linear, but the decoys make it an unreliable cue on its own.
"""

import os
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from bilstm_helpers.sheet_breaks.data import BINARY, CATEGORICAL, COLUMNS, SENSORS


@dataclass(frozen=True)
class TwinParams:
    """The documented knobs of the twin (defaults: the twin the book uses).

    Attributes:
        n_rows: rows, one every ``step_minutes`` from ``start``.
        start: time of the first row.
        step_minutes: minutes between rows.
        n_breaks: rows with ``y = 1`` (124 of 18,398 = 0.67 %, as in the real file).
        min_gap: fewest rows between two breaks (and before the first).
        grades: the codes ``x28`` takes; ``grade_run``: mean rows per grade run.
        grade_shift: sd of each grade's level shift (in sensor sds) of the
            sensors it moves; ``grade_sensors``: how many sensors a grade moves.
        block_size: sensors per correlated noise block; ``block_corr``: the
            noise correlation within a block; ``ar_range``: the range of each
            sensor's autoregressive coefficient; ``coupling``: the weight of
            the block mean of ``z[t-1]`` in ``z[t]``.
        eventpress_rate: chance per row that an ``x61`` run of 1 starts;
            ``eventpress_run``: its mean length.
        pool: the precursor pool (0-based sensor indices among the 59
            continuous ones); ``per_break``: sensors affected per break
            (low, high, inclusive).
        lead_rows: rows of precursor before a break (low, high, inclusive);
            5-10 rows are 10-20 minutes.
        strength: range of a break's precursor strength in sensor sds at the
            break; ``p_absent``: chance that a break has no precursor.
        growth: exponent of the precursor's growth over its ``lead_rows``
            (1: linear; 2: the last rows before a break stand out more from
            the earlier ones, so that "a break within 4 minutes" is
            learnable, though the rows before those still look alike).
        n_decoys: drift episodes that lead to no break; ``decoy_strength``:
            their strength range.
        restart_rows: length of the restart transient after a break.
    """

    n_rows: int = 18_398
    start: str = "1999-05-01 00:00"
    step_minutes: int = 2
    n_breaks: int = 124
    min_gap: int = 40
    grades: tuple[int, ...] = (82, 84, 96, 112, 118, 139, 151, 162)
    grade_run: int = 900
    grade_shift: float = 0.8
    grade_sensors: int = 12
    block_size: int = 8
    block_corr: float = 0.6
    ar_range: tuple[float, float] = (0.6, 0.95)
    coupling: float = 0.03
    eventpress_rate: float = 0.002
    eventpress_run: int = 10
    pool: tuple[int, ...] = field(default=(2, 5, 9, 14, 17))
    per_break: tuple[int, int] = (3, 5)
    lead_rows: tuple[int, int] = (5, 10)
    strength: tuple[float, float] = (4.0, 8.0)
    growth: float = 2.0
    p_absent: float = 0.15
    n_decoys: int = 150
    decoy_strength: tuple[float, float] = (2.0, 5.0)
    restart_rows: int = 8


#: Kinds of precursor behaviour, and the decoys'.
KINDS = ("drift", "variance", "oscillation")


class SyntheticTwin(NamedTuple):
    """The twin: the table and its ground truth.

    Attributes:
        frame: (n_rows, 63) with the columns of the real file, ``time`` as
            datetime64, ``y`` int, sensors float.
        events: one row per break or decoy: ``kind`` ("break"/"decoy"),
            ``row`` (the break row, or the decoy's last row), ``onset``
            (first row of the episode), ``strength`` (0 when absent),
            ``sensors`` (names), ``behaviours`` (one of :data:`KINDS` each).
    """

    frame: pd.DataFrame
    events: pd.DataFrame


def _grade_runs(rng: np.random.Generator, p: TwinParams) -> np.ndarray:
    """(n_rows,) grade codes in runs of geometric length."""
    out = np.empty(p.n_rows, dtype=np.int64)
    row, grade = 0, rng.choice(p.grades)
    while row < p.n_rows:
        run = max(1, int(rng.geometric(1.0 / p.grade_run)))
        out[row:row + run] = grade
        row += run
        grade = rng.choice([g for g in p.grades if g != grade])
    return out


def _var_process(rng: np.random.Generator, p: TwinParams, n: int) -> np.ndarray:
    """(n_rows, n) unit-variance VAR(1) with block-correlated noise."""
    blocks = np.arange(n) // p.block_size
    same = (blocks[:, None] == blocks[None, :]).astype(float)
    cov = p.block_corr * same + (1 - p.block_corr) * np.eye(n)
    chol = np.linalg.cholesky(cov)
    a = np.diag(rng.uniform(*p.ar_range, size=n)) + p.coupling * same / same.sum(1, keepdims=True)
    noise = rng.standard_normal((p.n_rows, n)) @ chol.T
    z = np.empty((p.n_rows, n))
    z[0] = noise[0]
    for t in range(1, p.n_rows):
        z[t] = a @ z[t - 1] + noise[t]
    return (z - z.mean(0)) / z.std(0)


def _place(rng: np.random.Generator, count: int, low: int, high: int, gap: int,
           taken: list[int]) -> list[int]:
    """``count`` rows in [low, high) at least ``gap`` from each other and ``taken``."""
    rows: list[int] = []
    while len(rows) < count:
        r = int(rng.integers(low, high))
        if all(abs(r - o) >= gap for o in rows + taken):
            rows.append(r)
    return sorted(rows)


def _episode(rng: np.random.Generator, z: np.ndarray, end: int, lead: int, strength: float,
             sensors: np.ndarray, kinds: list[str], growth: float = 1.0) -> None:
    """Add a precursor over rows end-lead .. end-1 of z (n_rows, sensors), in place."""
    steps = np.arange(lead)
    ramp = ((steps + 1) / lead) ** growth
    for sensor, kind in zip(sensors, kinds):
        if kind == "drift":
            signal = rng.choice([-1.0, 1.0]) * ramp
        elif kind == "variance":
            signal = 1.5 * ramp * rng.standard_normal(lead)
        else:
            period = rng.uniform(3.0, 5.0)
            signal = 1.2 * ramp * np.sin(2 * np.pi * steps / period + rng.uniform(0, 2 * np.pi))
        z[end - lead:end, sensor] += strength * signal


def make_sheet_breaks(seed: int = 0, params: TwinParams | None = None) -> SyntheticTwin:
    """Generate the synthetic twin (deterministic for a given seed and params).

    Returns:
        :class:`SyntheticTwin`: ``frame`` (n_rows, 63) and ``events``.
    """
    p = params or TwinParams()
    rng = np.random.default_rng(seed)
    n = len(SENSORS) - 2
    grade = _grade_runs(rng, p)
    z = _var_process(rng, p, n)
    moved = {g: rng.choice(n, size=p.grade_sensors, replace=False) for g in p.grades}
    for g in p.grades:
        z[np.ix_(grade == g, moved[g])] += p.grade_shift * rng.standard_normal(p.grade_sensors)
    y = np.zeros(p.n_rows, dtype=np.int64)
    breaks = _place(rng, p.n_breaks, p.min_gap, p.n_rows - 1, p.min_gap, [])
    decoys = _place(rng, p.n_decoys, p.min_gap, p.n_rows - 1, p.min_gap // 2, breaks)
    pool = np.asarray(p.pool)
    restart = rng.choice(np.setdiff1d(np.arange(n), pool), size=4, replace=False)
    events = []
    for kind, row in [("break", r) for r in breaks] + [("decoy", r) for r in decoys]:
        lead = int(rng.integers(p.lead_rows[0], p.lead_rows[1] + 1))
        sensors = rng.choice(pool, size=int(rng.integers(p.per_break[0], p.per_break[1] + 1)),
                             replace=False)
        if kind == "break":
            y[row] = 1
            strength = 0.0 if rng.random() < p.p_absent else float(rng.uniform(*p.strength))
            behaviours = [str(k) for k in rng.choice(KINDS, size=len(sensors))]
            _episode(rng, z, row, lead, strength, sensors, behaviours, p.growth)
            tail = min(p.restart_rows, p.n_rows - row)
            z[row:row + tail, restart] -= 3.0 * np.exp(-np.arange(tail) / 3.0)[:, None]
            end = row
        else:
            strength = float(rng.uniform(*p.decoy_strength))
            behaviours = ["drift"] * len(sensors)
            end = row + 1
            _episode(rng, z, end, lead, strength, sensors, behaviours, p.growth)
        events.append({"kind": kind, "row": row, "onset": end - lead, "strength": strength,
                       "sensors": [_continuous(int(s)) for s in sensors], "behaviours": behaviours})
    means = rng.choice([-1.0, 1.0], n) * 10 ** rng.uniform(-2, 2.7, n)
    sds = 10 ** rng.uniform(-2, 2.2, n)
    means[:4], sds[:4] = [0.01, 0.3, 5.0, -9.96], [0.74, 2.0, 40.0, 131.0]
    values = means + sds * z
    press = np.zeros(p.n_rows)
    for start in np.flatnonzero(rng.random(p.n_rows) < p.eventpress_rate):
        press[start:start + int(rng.geometric(1.0 / p.eventpress_run))] = 1.0
    time = pd.date_range(p.start, periods=p.n_rows, freq=f"{p.step_minutes}min")
    continuous = [c for c in SENSORS if c not in (CATEGORICAL, BINARY)]
    frame = pd.DataFrame(values, columns=continuous)
    frame[CATEGORICAL] = grade.astype(np.float64)
    frame[BINARY] = press
    frame["time"], frame["y"] = time, y
    events_frame = pd.DataFrame(events).sort_values("row", ignore_index=True)
    return SyntheticTwin(frame[list(COLUMNS)], events_frame)


def _continuous(index: int) -> str:
    """Name of continuous sensor ``index`` (0..58): x1..x27, x29..x60."""
    return [c for c in SENSORS if c not in (CATEGORICAL, BINARY)][index]


def write_csv(frame: pd.DataFrame, path: str | os.PathLike, scheme: str = "xy") -> None:
    """Write a frame with :data:`~bilstm_helpers.sheet_breaks.data.COLUMNS` as
    the real file is written: times like ``5/1/99 0:00``, integer labels and
    grades.

    Args:
        frame: (rows, 63) from :func:`make_sheet_breaks` (or the loader).
        scheme: ``"xy"`` for ``time, y, x1..x61``; ``"named"`` for
            ``DateTime, SheetBreak, ...`` with ``Grade&Bwt`` and ``EventPress``
            in place of ``x28`` and ``x61`` (other sensors named ``Sensor1`` ..).
    """
    if scheme not in ("xy", "named"):
        raise ValueError(f"scheme must be 'xy' or 'named', got {scheme!r}.")
    out = frame[list(COLUMNS)].copy()
    t = out["time"]
    out["time"] = [f"{d.month}/{d.day}/{d.year % 100:02d} {d.hour}:{d.minute:02d}" for d in t]
    out["y"] = out["y"].astype(int)
    out[CATEGORICAL] = out[CATEGORICAL].round().astype(int)
    out[BINARY] = out[BINARY].round().astype(int)
    if scheme == "named":
        names = {"time": "DateTime", "y": "SheetBreak", CATEGORICAL: "Grade&Bwt", BINARY: "EventPress"}
        out.columns = [names.get(c, f"Sensor{c[1:]}") for c in out.columns]
    out.to_csv(path, index=False, float_format="%.6g")
