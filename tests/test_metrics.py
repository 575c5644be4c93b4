"""Metrics on each basis, and the fixed classes and legend labels the map and the big screen share."""

from __future__ import annotations

import pytest

from domain.classes import DEFAULT_BREAKS, parse_breaks
from layouts.metrics import GREENS, METRICS, REDS, ZERO, class_labels, metric_classes, metric_value

ROW = {
    "residents_green": 90, "residents_yellow": 6, "residents_red": 3, "residents_none": 1,
    "employees_green": 45, "employees_yellow": 2, "employees_red": 2, "employees_none": 1,
    "managed_total": 7, "enterprises_warned": 2, "enterprises_cleared": 6, "enterprises_total": 8,
}


def test_ratios_follow_the_basis():
    assert metric_value(ROW, "red_ratio", "residents") == 3 / 100
    assert metric_value(ROW, "red_ratio", "employees") == 2 / 50
    assert metric_value(ROW, "red_ratio", "both") == 5 / 150
    assert metric_value(ROW, "yellow", "both") == 8


def test_metrics_without_basis_read_their_column():
    assert metric_value(ROW, "managed", "employees") == 7
    assert metric_value(ROW, "cleared_share", "residents") == 6 / 8


def test_a_ratio_over_nobody_is_no_data_not_zero():
    empty = {k: 0 for k in ROW}
    assert metric_value(empty, "red_ratio", "residents") is None
    assert metric_value(empty, "cleared_share", "residents") is None


def test_a_class_means_the_same_whatever_else_is_shown():
    """2 red among 10,000 (0.02%) is a light class, 6.61% the darkest, whether shown together or apart."""
    classes = metric_classes("red_ratio", DEFAULT_BREAKS["red_ratio"])
    quiet, outbreak = 2 / 10_000, 0.0661
    assert classes.colours[classes.index(quiet)] == REDS[0]
    assert classes.colours[classes.index(outbreak)] == REDS[-1]
    assert classes.colours[classes.index(0)] == ZERO and classes.index(None) is None
    assert classes.index(0.001) == 1 and classes.index(0.0011) == 2  # bounds belong to the lower class


def test_red_ratio_legend_reads_from_nothing_to_outbreak():
    assert class_labels(metric_classes("red_ratio", DEFAULT_BREAKS["red_ratio"])) == [
        "0", "≤ 0.1%", "0.1% – 0.5%", "0.5% – 1%", "1% – 5%", "> 5%"]
    assert class_labels(metric_classes("red", DEFAULT_BREAKS["red"])) == [
        "0", "1 – 5", "6 – 20", "21 – 50", "51 – 200", "> 200"]
    assert class_labels(metric_classes("enterprises_warned", DEFAULT_BREAKS["enterprises_warned"]))[:3] == [
        "0", "1", "2 – 3"]


@pytest.mark.parametrize("metric", list(METRICS))
def test_every_metric_has_distinct_legend_entries_one_per_colour(metric):
    classes = metric_classes(metric, DEFAULT_BREAKS[metric])
    labels = class_labels(classes)
    assert len(labels) == len(set(labels)) == len(classes.colours) == DEFAULT_BREAKS[metric].count
    assert len(set(classes.colours)) == len(classes.colours)


def test_configured_thresholds_replace_the_defaults_of_their_metric_only():
    breaks = parse_breaks("red_ratio=0.0001,0.0002; managed=1")
    assert class_labels(metric_classes("red_ratio", breaks["red_ratio"])) == [
        "0", "≤ 0.01%", "0.01% – 0.02%", "> 0.02%"]
    assert metric_classes("managed", breaks["managed"]).colours[1:] == [METRICS["managed"].colours[0],
                                                                        METRICS["managed"].colours[-1]]
    assert breaks["red"] == DEFAULT_BREAKS["red"]
    cleared = metric_classes("cleared_share", breaks["cleared_share"])
    assert cleared.colours[cleared.index(0)] == GREENS[0] and cleared.index(0.96) == 4


@pytest.mark.parametrize("text", ["nonsense=1", "red_ratio=0.01,0.005", "red_ratio=0.5,1.5", "red=1.5",
                                  "red=1,2,3,4,5", "red=", "red=-1", "red=nan", "red=1,1"])
def test_bad_thresholds_are_refused(text):
    with pytest.raises(ValueError):
        parse_breaks(text)
