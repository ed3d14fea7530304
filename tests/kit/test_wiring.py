"""Merging the features of a process: what each declared, in order, and no key twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import cast

import pytest

from framelane.kit.feature import Feature
from framelane.kit.running import RunContext, Runner, RunResult
from framelane.kit.wiring import Wiring, WiringConflict


def run(ctx: RunContext) -> RunResult:
    """A runner for merging only: what it declares is compared, it is never called."""
    return RunResult(Path(f"{ctx.job_id}.mp4"), "video/mp4", "out.mp4")


def hook_a(*_args: object) -> None:
    return None


def hook_b(*_args: object) -> None:
    return None


def test_declarations_are_merged_in_feature_order() -> None:
    wiring = Wiring.of(
        [
            Feature(name="a", runners={"x": run}, deletion_hooks=(hook_a,)),
            Feature(name="b", runners={"y": run}, deletion_hooks=(hook_b,)),
        ]
    )
    assert wiring.names() == ("a", "b")
    assert dict(wiring.runners) == {"x": run, "y": run}
    assert wiring.deletion_hooks == (hook_a, hook_b)
    assert wiring.source_copier is None


@pytest.mark.parametrize(
    "features",
    [
        [Feature(name="a", runners={"x": run}), Feature(name="b", runners={"x": run})],
        [
            Feature(name="a", readiness_checks={"db": hook_a}),
            Feature(name="b", readiness_checks={"db": hook_b}),
        ],
        [Feature(name="a"), Feature(name="a")],
    ],
)
def test_a_key_declared_twice_is_refused(features: list[Feature]) -> None:
    with pytest.raises(WiringConflict):
        Wiring.of(features)


def tagged(tag: str) -> Callable[[Runner], Runner]:
    """A wrapper that records, on the result's warnings, that it ran around its runner."""

    def wrap(runner: Runner) -> Runner:
        def wrapped(ctx: RunContext) -> RunResult:
            result = runner(ctx)
            return replace(result, warnings=[*result.warnings, {"code": tag}])

        return wrapped

    return wrap


def test_wrappers_go_around_the_runner_in_feature_order() -> None:
    result = RunResult(Path("out.mp4"), "video/mp4", "out.mp4")
    base = Feature(name="base", runners={"x": lambda _ctx: result})
    inner = Feature(name="inner", runner_wrappers={"x": tagged("inner")})
    outer = Feature(name="outer", runner_wrappers={"x": tagged("outer")})
    wrapped = Wiring.of([base, inner, outer]).runners["x"](cast(RunContext, None))
    assert [w["code"] for w in wrapped.warnings] == ["inner", "outer"]


def test_a_wrapper_without_its_runner_adds_nothing() -> None:
    wiring = Wiring.of([Feature(name="outer", runner_wrappers={"x": tagged("outer")})])
    assert dict(wiring.runners) == {}
