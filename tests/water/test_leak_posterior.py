"""The posterior locator on a pipe of five nodes 1 km apart (known answers)."""

from __future__ import annotations

import numpy as np
import pytest

from water.leaks.posterior import posterior

SPACING_M = 1000.0
DIST_M = SPACING_M * np.abs(np.subtract.outer(np.arange(5), np.arange(5))).astype(float)
PROB_TOL = 1e-9


def test_a_clear_statistic_locates_its_node_with_a_tight_area() -> None:
    stat = np.array([0.0, 0.0, 0.0, 200.0, 0.0])
    post = posterior(stat, np.ones(5), DIST_M)
    assert post.best == 3
    assert post.area == (3,)
    assert post.expected_distance_m < 1.0


def test_look_alike_nodes_give_their_graph_median_and_all_of_them() -> None:
    # the sensors cannot tell nodes 0, 1 and 4 apart: the node least far from all three is 1,
    # not the (noise-picked) largest statistic at 4
    stat = np.array([100.0, 100.0, -np.inf, -np.inf, 100.2])
    post = posterior(stat, np.ones(5), DIST_M, coverage=0.9)
    assert post.best == 1
    assert set(post.area) == {0, 1, 4}
    assert post.probability[2] == 0.0
    assert abs(post.probability.sum() - 1.0) < PROB_TOL


def test_temperature_widens_the_area_and_the_prior_weighs_cells() -> None:
    stat = np.array([0.0, 10.0, 14.0, 10.0, 0.0])
    sharp = posterior(stat, np.ones(5), DIST_M, coverage=0.8)
    tempered = posterior(stat, np.ones(5), DIST_M, coverage=0.8, temperature=10.0)
    assert len(tempered.area) > len(sharp.area)
    # a candidate standing for many junctions gets their weight
    heavy = posterior(np.zeros(5), np.array([1.0, 1.0, 1.0, 1.0, 100.0]), DIST_M)
    assert heavy.best == 4


@pytest.mark.parametrize("coverage", [0.5, 0.8, 0.95])
def test_the_area_holds_the_asked_probability(coverage: float) -> None:
    stat = np.array([3.0, 5.0, 8.0, 6.0, 1.0])
    post = posterior(stat, np.ones(5), DIST_M, coverage=coverage)
    assert post.probability[list(post.area)].sum() >= coverage - PROB_TOL
    # and no fewer candidates would do
    assert post.probability[list(post.area[:-1])].sum() < coverage
