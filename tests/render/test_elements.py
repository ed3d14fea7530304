"""The element-type registry: one entry per `type` of the spec, consistent with itself and
with the catalog."""

from __future__ import annotations

from typing import get_args

from framelane.render.catalog import build_catalog
from framelane.render.elements import ELEMENT_TYPES
from framelane.render.spec.models import Element


def test_every_element_type_of_the_spec_has_one_entry_with_its_model() -> None:
    models = get_args(get_args(Element)[0])
    by_type = {model.model_fields["type"].default: model for model in models}
    assert {name: entry.model for name, entry in ELEMENT_TYPES.items()} == by_type


def test_an_element_type_draws_with_a_source_exactly_when_it_builds_a_layer() -> None:
    for entry in ELEMENT_TYPES.values():
        assert (entry.layer is None) == (entry.source is None), entry.name
        assert entry.layer is not None or entry.sound is not None, entry.name


def test_the_catalog_lists_the_registry_entries() -> None:
    listed = build_catalog()["element_types"]
    assert listed == [entry.catalog_entry() for entry in ELEMENT_TYPES.values()]
    assert [item["name"] for item in listed] == ["video", "image", "text", "audio", "composition"]
