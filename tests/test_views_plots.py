"""Plots on synthetic inputs: the drawn artists carry the numbers given, files are PNG and SVG."""

from __future__ import annotations

import numpy as np
import pytest

from gmb.errors import InputError, ValidationError
from gmb.views.plots import (
    Band,
    IdeaEffect,
    data_uri,
    figure_bytes,
    plot_attribution,
    plot_behaviour,
    plot_idea_ranking,
    plot_loop_counts,
    save_figure,
)


def _fan(seed=1, n_runs=400):
    """An ensemble of noisy logistic curves, summarised the way the scenario stage will (percentiles)."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 3, 37)
    runs = (
        1 + 0.2 / (1 + np.exp(-(t[None, :] - 1.5) * rng.uniform(1, 4, (n_runs, 1)))) + rng.normal(0, 0.01, (n_runs, 37))
    )
    p = np.percentile(runs, [5, 25, 50, 75, 95], axis=0)
    return Band(times=t, p5=p[0], p25=p[1], median=p[2], p75=p[3], p95=p[4], label="Krea-café")


def test_behaviour_draws_median_and_both_bands_from_the_data():
    band = _fan()
    fig = plot_behaviour({"baseline": Band(times=band.times, median=np.ones_like(band.times)), "Krea-café": band},
                         ylabel="Børns trivsel (indeks)")  # fmt: skip
    ax = fig.axes[0]
    medians = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert [m.get_label() for m in medians] == ["baseline", "Krea-café"]
    np.testing.assert_allclose(medians[1].get_ydata(), band.median)
    polys = ax.collections  # 90 % then 50 % band for the idea, none for the baseline
    assert len(polys) == 2
    ys = polys[0].get_paths()[0].vertices[:, 1]
    assert ys.min() == pytest.approx(band.p5.min()) and ys.max() == pytest.approx(band.p95.max())
    assert ax.get_ylabel() == "Børns trivsel (indeks)"


def test_behaviour_with_many_scenarios_bands_only_first_and_last_and_keeps_the_axes():
    """Nine scenarios (baseline, seven ideas, the bundle): readable, not a legend that eats the plot."""
    band = _fan()
    many = {f"s{i}": band for i in range(9)}
    fig = plot_behaviour(many, xlabel="time (month)")
    ax = fig.axes[0]
    assert len([ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]) == 9
    assert len(ax.collections) == 4  # 90 % and 50 % bands of s0 and s8 only
    fig.canvas.draw()
    box = ax.get_window_extent()
    fig_box = fig.get_window_extent()
    assert box.height > 0.5 * fig_box.height and box.width > 0.4 * fig_box.width
    assert ax.get_xlabel() == "time (month)"


def test_behaviour_rejects_bad_series():
    t = np.arange(5.0)
    with pytest.raises(ValidationError, match="times has 5"):
        plot_behaviour(Band(times=t, median=np.ones(4)))
    with pytest.raises(ValidationError, match="p5 is above p95"):
        plot_behaviour(Band(times=t, median=t, p5=t + 1, p95=t))
    with pytest.raises(ValidationError, match="both p25 and p75"):
        plot_behaviour(Band(times=t, median=t, p25=t))
    with pytest.raises(ValidationError, match="NaN"):
        plot_behaviour(Band(times=t, median=[1, 2, np.nan, 4, 5]))
    with pytest.raises(ValidationError, match="increasing"):
        plot_behaviour(Band(times=[0, 0, 1], median=[1, 1, 1]))
    with pytest.raises(InputError):
        plot_behaviour({})


def test_ranking_orders_by_median_and_colours_by_feasibility():
    rows = [
        ("Cykelstier", 0.05, 0.01, 0.09, 0.97, 4.0, 12),
        {"idea": "LAN-fest", "median": -0.01, "low": -0.03, "high": 0.02, "p_improve": 0.3, "votes": 2},
        IdeaEffect("Krea-café", 0.08, 0.02, 0.15, p_improve=0.99, feasibility=5, votes=9),
    ]
    fig = plot_idea_ranking(rows)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["LAN-fest", "Cykelstier", "Krea-café"]  # best on top
    notes = [t.get_text() for t in ax.texts]
    assert "P(better) 99% · 9 votes" in notes and "P(better) 30% · 2 votes" in notes
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert [d.get_xdata()[0] for d in dots] == [-0.01, 0.05, 0.08]
    assert dots[0].get_color() == "#7F7F7F"  # not rated: grey
    with pytest.raises(ValidationError, match="low ≤ median ≤ high"):
        plot_idea_ranking([("x", 1.0, 2.0, 3.0)])
    with pytest.raises(ValidationError, match="probability"):
        plot_idea_ranking([("x", 1.0, 0.0, 3.0, 1.5)])


def test_attribution_bars_add_up_to_the_bundle_effect():
    shares = {"Cykelstier": 0.04, "Krea-café": 0.07, "LAN-fest": -0.01}
    fig = plot_attribution(shares, interaction=0.02)
    ax = fig.axes[0]
    widths = {t.get_text(): p.get_width() for t, p in zip(ax.get_yticklabels(), ax.patches)}
    assert widths == pytest.approx({**shares, "interaction": 0.02})
    assert sum(widths.values()) == pytest.approx(0.12)
    assert ax.get_title() == "Attribution of the bundle effect (total 0.12)"
    assert "0.07 (58%)" in [t.get_text() for t in ax.texts]
    with pytest.raises(ValidationError):
        plot_attribution({"a": float("nan")})


def test_loop_counts_by_theme_and_polarity():
    loops = [
        {"polarity": "R", "themes": ["mental"]},
        {"polarity": "B", "themes": ["mental", "faelles"]},
        {"polarity": "B", "themes": ["faelles"]},
        {"polarity": "?", "themes": []},
    ]
    fig = plot_loop_counts(loops, theme_labels={"mental": "Mental sundhed", "faelles": "Fællesskaber"})
    ax = fig.axes[0]
    groups = [t.get_text() for t in ax.get_xticklabels()]
    assert groups == ["all loops", "Mental sundhed", "Fællesskaber", "no theme"]
    heights = np.array([p.get_height() for p in ax.patches]).reshape(3, len(groups))  # rows: R, B, ?
    assert heights.tolist() == [[1, 1, 0, 0], [2, 1, 2, 0], [1, 0, 0, 1]]
    with pytest.raises(ValidationError, match="polarity"):
        plot_loop_counts([{"polarity": "X"}])


def test_png_and_svg_files(tmp_path):
    fig = plot_attribution({"Krea-café": 0.3})
    paths = save_figure(fig, tmp_path / "attribution")
    assert [p.name for p in paths] == ["attribution.png", "attribution.svg"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = paths[1].read_text("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "Krea-café" in svg
    assert figure_bytes(fig, "svg") == figure_bytes(fig, "svg")  # reproducible
    assert data_uri(fig, "svg").startswith("data:image/svg+xml;base64,")
    with pytest.raises(InputError):
        figure_bytes(fig, "gif")


def test_matplotlib_is_imported_lazily():
    import subprocess
    import sys

    code = "import gmb.views.plots, gmb.views.map, sys; print('matplotlib' in sys.modules, 'pyvis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
