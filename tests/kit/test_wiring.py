"""Merging the features of a process: what each declared, in order, and no key twice."""

from __future__ import annotations

import pytest

from framelane.kit.feature import Feature
from framelane.kit.running import RunContext, RunResult
from framelane.kit.wiring import Wiring, WiringConflict


def run(ctx: RunContext) -> RunResult:
    raise NotImplementedError(ctx.job_id)


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
