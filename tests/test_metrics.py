"""Metrics on each basis, and class breaks for the legend."""

from __future__ import annotations

from layouts.metrics import REDS, classify, metric_value

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


def test_classes_cover_every_value_and_put_the_highest_in_the_darkest():
    values = [0.0, 0.001, 0.002, 0.003, 0.05, 0.06, None]
    classes = classify(values, REDS)
    assert classes.index(0.06) == len(classes.bounds) - 1
    assert classes.colours[classes.index(0.06)] == REDS[-1]
    assert classes.index(0.0) == 0
    assert classes.index(None) is None
    assert classes.bounds[-1] == 0.06


def test_all_zero_is_one_light_class():
    classes = classify([0, 0, 0], REDS)
    assert classes.bounds == [0.0] and classes.colours == [REDS[0]]
