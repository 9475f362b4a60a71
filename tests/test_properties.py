"""Property-based tests: the loader never crashes on arbitrary YAML; tallies add up."""

from __future__ import annotations

import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rounds.content.loader import load_module
from rounds.content.schema import Choice, Statement
from rounds.rules.evaluation import SCALE, summarise
from rounds.rules.tallies import poll_results

KEYS = st.text(string.ascii_lowercase + "_-0123456789", min_size=1, max_size=12)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40)
)
YAML_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(KEYS, inner, max_size=6)),
    max_leaves=30,
)
MODULE_KEYS = st.sampled_from(
    [
        "slug",
        "title",
        "published",
        "learning_objective",
        "estimated_minutes",
        "article",
        "key_data",
        "key_learning",
        "references",
        "quiz",
        "evaluation",
        "poll",
        "surprise",
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.dictionaries(MODULE_KEYS, YAML_VALUES, max_size=13), raw=st.text(max_size=200))
def test_arbitrary_yaml_gives_problems_never_a_crash(tmp_path_factory, data, raw):
    folder = Path(tmp_path_factory.mktemp("module"))
    (folder / "module.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (folder / "article.md").write_text(raw or "x", encoding="utf-8")
    loaded, problems = load_module(folder, "content/modules")
    assert (loaded is None) == bool(problems)
    for problem in problems:
        assert problem.file.startswith("content/modules/") and problem.message

    (folder / "module.yaml").write_text(raw, encoding="utf-8")  # not even YAML, perhaps
    loaded, problems = load_module(folder, "content/modules")
    assert loaded is None and problems


OPTIONS = [Choice(key=k, label=k.upper()) for k in ("a", "b", "c", "unsure")]


@given(
    st.dictionaries(st.sampled_from(["a", "b", "c", "unsure", "retired"]), st.integers(0, 10_000))
)
def test_poll_results_count_every_vote_on_a_current_option(counts):
    results = poll_results(OPTIONS, counts)
    assert int(results["count"].sum()) == sum(v for k, v in counts.items() if k != "retired")
    total = results["count"].sum()
    if total:
        assert abs(results["percent"].sum() - 100) < 0.5
    assert list(results["key"]) == [o.key for o in OPTIONS]


STATEMENTS = [Statement(key="s1", text="One"), Statement(key="s2", text="Two")]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["s1", "s2"]), st.sampled_from([*SCALE, None]), st.integers(1, 500)
        ),
        unique_by=lambda t: (t[0], t[1]),
    )
)
def test_evaluation_summary_accounts_for_every_answer(counts):
    summary = summarise(STATEMENTS, counts).set_index("key")
    for key in ("s1", "s2"):
        answered = sum(c for k, v, c in counts if k == key and v is not None)
        skipped = sum(c for k, v, c in counts if k == key and v is None)
        assert summary.loc[key, "n"] == answered and summary.loc[key, "skipped"] == skipped
        counted = sum(summary.loc[key, f"count_{v}"] for v in SCALE)
        assert counted == answered
        if answered:
            assert 1 <= summary.loc[key, "median"] <= 5
