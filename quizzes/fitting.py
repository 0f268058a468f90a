"""Fitting FSRS to one learner: their review history in, parameters kept only if better.

No database here (like `memory`): the optimizer service feeds it a learner's ReviewLog,
`bench/calibration.py` feeds it Anki revlogs, and both get the same answer from
`fit_and_keep`.

How the history becomes training data follows fsrs-rs (and Anki): every review of a
card stays in its history, each with `delta_t`, the whole study days since the card's
previous review (0 for the first review and for same-day repeats); each review that comes
on a later day than the one before is a *target*, whose recall the model must predict
from the history before it. That is one target per card per study day.

The fit is judged the way srs-benchmark judges FSRS: the targets in time order are cut
into six segments and, five times, parameters fitted on the segments so far predict the
next one. The defaults predict the same held-out reviews, and the fitted parameters are
kept only when their held-out log loss is lower.
"""

import math
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property, lru_cache
from itertools import groupby
from typing import NamedTuple

import fsrs
import fsrs_rs_python as fsrs_rs
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from quizzes.memory import DEFAULT_PARAMETERS

SPLITS = 5  # as fsrs-rs's evaluate_with_time_series_splits: five folds, six segments
# Below this many targets in the first training segment the folds teach nothing.
MIN_TARGETS = (SPLITS + 1) * 8
# Health: how many targets make a fit trustworthy, and the held-out RMSE(bins) above
# which a learner's memory is hard to predict (Anki warns in the same terms).
TRUSTWORTHY_TARGETS = 1000
HARD_TO_PREDICT_RMSE = 0.08
SMALL_GAIN = 0.005  # a held-out log loss under half a per cent lower than the defaults'


class StudyClock:
    """Cuts time into a learner's study days: their time zone and day-rollover hour.

    Offsets are looked up once per hour of history, not once per review.
    """

    def __init__(self, *, time_zone: str = "UTC", rollover_hour: int = 4) -> None:
        self.zone = zoneinfo.ZoneInfo(time_zone)
        self.rollover_seconds = rollover_hour * 3600
        self._offsets: dict[int, float] = {}

    def day_of(self, epoch_seconds: float) -> int:
        hour = int(epoch_seconds // 3600)
        offset = self._offsets.get(hour)
        if offset is None:
            moment = datetime.fromtimestamp(hour * 3600, UTC).astimezone(self.zone)
            offset = (moment.utcoffset() or timedelta()).total_seconds()
            self._offsets[hour] = offset
        return int((epoch_seconds + offset - self.rollover_seconds) // 86_400)


@dataclass(frozen=True)
class Metrics:
    """Held-out figures. `rmse_bins_by_chance` (and its standard deviation) is the
    RMSE(bins) a perfectly calibrated model would still score on the same reviews, from
    the luck of the draw in each bin alone: what RMSE(bins) cannot go below on so few
    reviews (None for figures read back from the database)."""

    log_loss: float
    rmse_bins: float
    rmse_bins_by_chance: float | None = None
    rmse_bins_by_chance_sd: float | None = None


@dataclass(frozen=True)
class FitOutcome:
    """What a fit found: held-out figures of both parameter sets, and which were kept."""

    reviews: int
    targets: int
    default: Metrics
    fitted: Metrics
    kept: bool
    parameters: tuple[float, ...]  # the fitted ones, whether kept or not

    @property
    def kept_metrics(self) -> Metrics:
        return self.fitted if self.kept else self.default


class NotEnoughHistory(ValueError):
    """Too few reviews on later days to fit and judge parameters."""


class Target(NamedTuple):
    """A review on a later day than the card's previous one: what the model predicts."""

    moment: float
    card: int  # index into Histories.cards
    position: int  # of the review in the card's history
    delta_t: int
    recalled: bool
    bin: tuple[int, int, int]  # its srs-benchmark RMSE bin


@dataclass
class Histories:
    """Every card's history as fsrs-rs reads it, and its targets in time order."""

    reviews: int = 0
    cards: list[list[fsrs_rs.FSRSReview]] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    @cached_property
    def card_items(self) -> list[fsrs_rs.FSRSItem]:
        """Each card's whole history as one item, for its memory state after every review."""
        return [fsrs_rs.FSRSItem(reviews) for reviews in self.cards]


def histories_of(rows: Iterable[tuple[int, float, int]], *, clock: StudyClock) -> Histories:
    """(card, epoch seconds, rating) rows, in card then time order, as FSRS histories."""
    histories = Histories()
    for _, card_rows in groupby(rows, key=lambda row: row[0]):
        grades: list[tuple[int, int]] = []
        card = len(histories.cards)
        previous_day = None
        long_term = lapses = 0
        for _, moment, rating in card_rows:
            day = clock.day_of(moment)
            delta_t = 0 if previous_day is None else day - previous_day
            if delta_t > 0:
                long_term += 1
                target_bin = _bin(delta_t, long_term + 1, lapses)
                histories.targets.append(
                    Target(moment, card, len(grades), delta_t, rating > 1, target_bin)
                )
                lapses += rating == 1
            grades.append((rating, delta_t))
            previous_day = day
        histories.reviews += len(grades)
        histories.cards.append([fsrs_rs.FSRSReview(*grade) for grade in grades])
    histories.targets.sort()
    return histories


@lru_cache(maxsize=4096)
def _bin(delta_t: int, length: int, lapses: int) -> tuple[int, int, int]:
    """fsrs-rs's RMSE(bins) grouping: by interval, history length and lapses, log-scaled."""
    delta_t_bin = round(2.48 * 3.62 ** math.floor(math.log(delta_t, 3.62)) * 100)
    length_bin = round(1.99 * 1.89 ** math.floor(math.log(length, 1.89)))
    if lapses == 0:
        return delta_t_bin, length_bin, 0
    return delta_t_bin, length_bin, round(1.65 * 1.73 ** math.floor(math.log(lapses, 1.73)))


def _predict(
    parameters: Sequence[float], histories: Histories, targets: Sequence[Target]
) -> list[float]:
    """Predicted recall of each target from the history before it."""
    cards = sorted({target.card for target in targets})
    states = fsrs_rs.FSRS(list(parameters)).historical_memory_state_batch(
        [histories.card_items[card] for card in cards]
    )
    by_card = dict(zip(cards, states, strict=True))
    decay = parameters[20]
    factor = 0.9 ** (-1 / decay) - 1
    return [
        (1 + factor * t.delta_t / by_card[t.card][t.position - 1].stability) ** -decay
        for t in targets
    ]


def metrics_of(predictions: Sequence[float], targets: Sequence[Target]) -> Metrics:
    """Log loss and RMSE(bins), each review weighing the same (as fsrs-rs's folds).

    RMSE(bins) is fsrs-rs's (and srs-benchmark's): per bin, the squared gap between mean
    prediction and recall rate, weighted by the bin's count. By chance alone a bin's recall
    rate strays from a calibrated mean prediction by a variance of sum(p(1 - p)) / count²,
    so a perfect model scores sum over bins of sum(p(1 - p)) / count, over all reviews,
    in mean square; each bin's share is about chi-squared with one degree of freedom,
    which gives the spread.
    """
    loss = 0.0
    bins: dict[tuple[int, int, int], list[float]] = {}
    for p, target in zip(predictions, targets, strict=True):
        p = min(max(p, 1e-7), 1 - 1e-7)
        loss -= math.log(p) if target.recalled else math.log(1 - p)
        totals = bins.setdefault(target.bin, [0.0, 0.0, 0, 0.0])
        totals[0] += p
        totals[1] += target.recalled
        totals[2] += 1
        totals[3] += p * (1 - p)
    n = len(targets)
    squares = sum(
        (predicted - actual) ** 2 / count for predicted, actual, count, _ in bins.values()
    )
    chance = [variance / count for _, _, count, variance in bins.values()]
    chance_rmse = math.sqrt(sum(chance) / n)
    chance_sd = math.sqrt(2 * sum(c * c for c in chance)) / n / (2 * chance_rmse or 1)
    return Metrics(loss / n, math.sqrt(squares / n), chance_rmse, chance_sd)


def training_items(histories: Histories) -> list[fsrs_rs.FSRSItem]:
    """One fsrs-rs item per target, its history up to and including it, in time order."""
    cards = histories.cards
    return [fsrs_rs.FSRSItem(cards[t.card][: t.position + 1]) for t in histories.targets]


def fit_parameters(items: Sequence[fsrs_rs.FSRSItem]) -> tuple[float, ...]:
    """fsrs-rs's fit, as values py-fsrs accepts (float32 noise rounded, bounds clamped)."""
    fitted = fsrs_rs.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(items)
    return clamp(fitted)


def clamp(parameters: Sequence[float]) -> tuple[float, ...]:
    return tuple(
        min(max(round(value, 6), low), high)
        for value, low, high in zip(
            parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
        )
    )


def fit_and_keep(histories: Histories) -> FitOutcome:
    """Fit parameters to a learner's histories and judge them against the defaults on
    held-out reviews (time-series split); keep them only if their log loss is lower.

    Raises NotEnoughHistory when there are too few targets to split.
    """
    targets = histories.targets
    if len(targets) < MIN_TARGETS:
        raise NotEnoughHistory(f"{len(targets)} reviews on later days")
    items = training_items(histories)
    segment = len(targets) // (SPLITS + 1)
    fitted_predictions: list[float] = []
    for split in range(SPLITS):
        start = (split + 1) * segment
        end = len(targets) if split == SPLITS - 1 else start + segment
        parameters = fit_parameters(items[:start])
        fitted_predictions += _predict(parameters, histories, targets[start:end])
    held_out = targets[segment:]
    default = metrics_of(_predict(DEFAULT_PARAMETERS, histories, held_out), held_out)
    fitted = metrics_of(fitted_predictions, held_out)
    parameters = fit_parameters(items)
    kept = fitted.log_loss < default.log_loss and parameters != DEFAULT_PARAMETERS
    fsrs.Scheduler(parameters=parameters)  # refuses anything py-fsrs would not schedule with
    return FitOutcome(
        reviews=histories.reviews,
        targets=len(targets),
        default=default,
        fitted=fitted,
        kept=kept,
        parameters=parameters,
    )


@dataclass(frozen=True)
class Health:
    """Anki-style "check health" of a fit: can the learner trust it?"""

    verdict: str
    trustworthy: bool
    message: str


def health_of(outcome: FitOutcome) -> Health:
    if not outcome.kept:
        return Health(
            "defaults_better",
            True,
            "The default parameters predict your reviews as well as a personal fit: kept them.",
        )
    if outcome.fitted.rmse_bins > HARD_TO_PREDICT_RMSE:
        return Health(
            "hard_to_predict",
            False,
            "Your memory is hard for FSRS to predict: answer the grades consistently and "
            "reword or suspend leeches; the fit may still improve with more reviews.",
        )
    if outcome.targets < TRUSTWORTHY_TARGETS:
        return Health(
            "few_reviews",
            False,
            f"Fitted on {outcome.targets} reviews on later days; the figures settle after "
            f"about {TRUSTWORTHY_TARGETS}. Optimise again later.",
        )
    if outcome.fitted.log_loss > outcome.default.log_loss * (1 - SMALL_GAIN):
        return Health(
            "small_gain",
            True,
            "The personal parameters predict your reviews only slightly better than the "
            "defaults: your memory is close to the average learner's.",
        )
    return Health("healthy", True, "The personal parameters predict your reviews better.")
