"""The blind study tool end to end: a study file, simulated raters with known preferences clicking the widget,
the CSV log, and the analysis recovering the preference rate and metric agreement they were given."""
import csv, json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from dancebook.core import ConfigError, DataError, DatasetNotFound
from dancebook.study import (LOG_COLUMNS, StudyApp, StudySession, load_study, metric_agreement, mos, plot_study,
                             read_answers, simulate_raters, study_from_dict, win_rates)

N_PAIRS = 20


@pytest.fixture
def media(tmp_path):
    "A folder with one short wav per item (gt and shifted versions of 20 clips)."
    for i in range(N_PAIRS):
        for kind in ("gt", "shift"):
            sf.write(tmp_path / f"c{i}-{kind}.wav", np.zeros(400, dtype=np.float32), 8000)
    return tmp_path


def harmony_study(root: Path, wrong: int = 3) -> Path:
    "A YAML study of 20 gt-vs-shift pairs; the harmony metric wrongly prefers the shifted clip on `wrong` pairs."
    lines = ["question: ab", "prompt: Which clip is more in time with the music?", "seed: 7", "items:"]
    for i in range(N_PAIRS):
        hg, hs = (0.4, 0.7) if i < wrong else (0.7, 0.4)
        lines += [f"  - {{id: c{i}-gt, path: c{i}-gt.wav, system: gt, metrics: {{harmony: {hg}}}}}",
                  f"  - {{id: c{i}-shift, path: c{i}-shift.wav, system: shift, metrics: {{harmony: {hs}}}}}"]
    lines += ["trials:"] + [f"  - [c{i}-gt, c{i}-shift]" for i in range(N_PAIRS)]
    (root / "harmony.yaml").write_text("\n".join(lines) + "\n")
    return root / "harmony.yaml"


def click_like(app: StudyApp, p: float, rng) -> None:
    "A simulated rater who picks the ground-truth clip with probability `p`, by clicking the widget's buttons."
    while not app.session.done:
        shown = app.session.current.shown
        gt = next(k for k, i in enumerate(shown) if i.endswith("-gt"))
        app.buttons[gt if rng.random() < p else 1 - gt].click()


def test_widget_raters_recover_preference_and_agreement(media):
    study = load_study(harmony_study(media, wrong=3))
    log, rng, p, raters = media / "answers.csv", np.random.default_rng(0), 0.8, 25
    for r in range(raters):
        app = StudyApp(study, log)
        app.rater_box.value = f"student{r}"
        app.start.click()
        click_like(app, p, rng)
        assert "All 20 trials done" in app.status.value
    df = read_answers(log)
    assert len(df) == raters * N_PAIRS and list(df.columns[:len(LOG_COLUMNS)]) == LOG_COLUMNS
    # blind: each rater saw every pair once, the ground truth on the left about half the time, in varied orders
    assert (df.groupby("rater")["index"].nunique() == N_PAIRS).all()
    gt_left = df.shown.str.split(";").str[0].str.endswith("-gt")
    assert 0.4 < gt_left.mean() < 0.6
    assert df.groupby("rater")["index"].apply(tuple).nunique() == raters
    se = np.sqrt(p * (1 - p) / len(df))
    wr = win_rates(df, study)
    assert abs(wr.loc[("gt", "shift"), "rate"] - p) < 3 * se
    assert wr.loc[("gt", "shift"), "lo"] < p < wr.loc[("gt", "shift"), "hi"]
    # the metric is right on 17 of 20 pairs: expected agreement p*17/20 + (1-p)*3/20
    expect = p * 17 / 20 + (1 - p) * 3 / 20
    ag = metric_agreement(df, study, "harmony")
    assert abs(ag.loc["all", "rate"] - expect) < 3 * se
    assert ag.loc["all", "n"] == len(df) and len(ag) == raters + 1
    # position bias is absent by construction: the left slot is chosen about half the time
    assert abs((df.slot == 0).mean() - 0.5) < 0.06


def test_simulated_agreement_tracks_given_rate(media):
    study = load_study(harmony_study(media, wrong=0))
    for p in (0.6, 0.95):
        df = simulate_raters(study, media / f"sim{p}.csv", "harmony", raters=50, p=p, seed=1)
        ag = metric_agreement(df, study, "harmony").loc["all"]
        assert abs(ag.rate - p) < 3 * np.sqrt(p * (1 - p) / ag.n)


def test_per_rater_rates(media):
    study = load_study(harmony_study(media, wrong=0))
    df = simulate_raters(study, media / "a.csv", "harmony", raters=3, p=[1.0, 0.0, 0.5], seed=0)
    ag = metric_agreement(df, study, "harmony")
    assert ag.loc["sim000", "rate"] == 1.0 and ag.loc["sim001", "rate"] == 0.0
    assert ag.loc["sim000", "hi"] == pytest.approx(1.0) and ag.loc["sim000", "lo"] > 0.8


def test_ties_are_left_out(media):
    d = dict(question="ab", items=[dict(id=f"c{i}-{k}", path=f"c{i}-{k}.wav", system=k, metrics=dict(h=1.0 if i else 0.5 + (k == "gt")))
                                   for i in range(2) for k in ("gt", "shift")],
             trials=[["c0-gt", "c0-shift"], ["c1-gt", "c1-shift"]])
    study = study_from_dict(d, media)
    df = simulate_raters(study, media / "t.csv", "h", raters=5, p=1.0)
    ag = metric_agreement(df, study, "h")
    assert ag.loc["all", "ties"] == 5 and ag.loc["all", "n"] == 5 and ag.loc["all", "rate"] == 1.0


def test_best_of_three(media):
    items = [dict(id=f"c{i}-{k}", path=f"c{i}-gt.wav", system=k) for i in range(N_PAIRS) for k in ("a", "b", "c")]
    study = study_from_dict(dict(question="ab", items=items, trials=[[f"c{i}-a", f"c{i}-b", f"c{i}-c"] for i in range(N_PAIRS)]), media)
    q = {it: {"a": 3, "b": 2, "c": 1}[it[-1]] for it in study.items}
    df = simulate_raters(study, media / "b3.csv", q, raters=30, p=0.7, seed=3)
    wr = win_rates(df, study)
    # a is picked with p; b and c share the rest
    assert abs(wr.loc[("a", "any"), "rate"] - 0.7) < 0.06
    assert abs(wr.loc[("b", "any"), "rate"] - 0.15) < 0.05
    assert wr.loc[("a", "b"), "n"] == wr.loc[("a", "any"), "wins"] + wr.loc[("b", "any"), "wins"]
    app = StudyApp(study, media / "w.csv", rater="x")
    assert len(app.answers.children) == 3 and len(app.media.children) == 3


def test_mos_and_votes(media):
    items = [dict(id=f"c{i}-{k}", path=f"c{i}-{k}.wav", system=k) for i in range(N_PAIRS) for k in ("gt", "shift")]
    study = study_from_dict(dict(question="mos", items=items), media, "mos.yaml")
    truth = {i: 4.2 if i.endswith("gt") else 2.5 for i in study.items}
    df = simulate_raters(study, media / "m.csv", truth, raters=20, sd=0.6, seed=2)
    m = mos(df, study)
    assert m.loc["gt", "lo"] < 4.2 < m.loc["gt", "hi"] and m.loc["shift", "lo"] < 2.5 < m.loc["shift", "hi"]
    assert m.loc["gt", "n"] == 20 * N_PAIRS
    assert len(mos(df, study, by="rater")) == 20
    # DanceIt-style realism vote: scale [0, 1]; the mean is the share voting "realistic"
    vote = study_from_dict(dict(question="mos", items=items, scale=[0, 1], labels=["unrealistic", "realistic"]), media)
    dv = simulate_raters(vote, media / "v.csv", {i: 0.8 if i.endswith("gt") else 0.2 for i in vote.items}, raters=20, sd=0.3)
    share = mos(dv, vote).loc["gt", "mean"]
    assert 0.8 < share <= 1.0     # P(0.8 + N(0, 0.3²) > 0.5) ≈ 0.84
    app = StudyApp(vote, media / "vw.csv", rater="y")
    assert [b.description for b in app.buttons] == ["unrealistic", "realistic"]
    app.buttons[1].click()
    assert read_answers(media / "vw.csv").answer.tolist() == ["1"]
    fig = plot_study(df, study)
    assert len(fig.axes) == 2


def test_resume_and_errors(media, tmp_path):
    study = load_study(harmony_study(media))
    log = media / "r.csv"
    s = StudySession(study, "ada", log)
    for _ in range(5): s.answer(0)
    s2 = StudySession(study, "ada", log)
    assert s2.position == 5 and s2.current == s.current
    with pytest.raises(ConfigError, match="score|slot"): s2.answer(7)
    app = StudyApp(study, log)
    app.rater_box.value = ""; app.start.click()
    assert app.session is None and "rater id" in app.status.value
    with pytest.raises(ConfigError, match="needs 'mos'"): mos(read_answers(log), study)
    with pytest.raises(DataError, match="no answers"): win_rates(read_answers(log).assign(study="other"), study)
    with pytest.raises(DatasetNotFound): load_study(media / "nope.yaml")
    with pytest.raises(DatasetNotFound): read_answers(media / "nope.csv")
    (media / "bad.csv").write_text("rater,answer\nx,1\n")
    with pytest.raises(DataError, match="bad.csv"): read_answers(media / "bad.csv")
    (media / "broken.yaml").write_text("question: [ab\n")
    with pytest.raises(ConfigError, match="broken.yaml"): load_study(media / "broken.yaml")
    (media / "j.json").write_text(json.dumps(dict(question="vote", items=[])))
    with pytest.raises(ConfigError, match="question must be"): load_study(media / "j.json")
    d = dict(question="ab", items=[dict(id="a", path="a.txt")], trials=[["a", "a"]])
    with pytest.raises(ConfigError, match="not a supported media"): study_from_dict(d, media)
    (tmp_path / "nomedia").mkdir()
    f = harmony_study(tmp_path / "nomedia")                     # the study file without its media
    with pytest.raises(DatasetNotFound, match="c0-gt.wav"): load_study(f)
    assert load_study(f, check_media=False).name == "harmony"   # enough to analyse answers elsewhere
