"""Edit operations on a project document, as one pydantic discriminated union (`Op`).

The same models validate `POST /v1/projects/{id}/ops`, document it in OpenAPI and list the ops
with their parameter schemas in `GET /v1/capabilities`. `apply_ops` applies a list to a copy
of the document: the first failing op raises an `OpError` with a precise code and nothing is
kept (all or none). Ops address elements by `id`.

Adding an op: write its model (`op: Literal["name"]`, `extra="forbid"`), add it to `Op`, and
register `fn(edit, op)` in `APPLY`.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Protocol, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from framelane.core.errors import FramelaneError
from framelane.projects import captions
from framelane.projects.variables import VariableDecl
from framelane.render.spec.base import TransitionName, WordStyleName
from framelane.render.spec.models import TransitionSpec, Word

SOURCE_TYPES = frozenset({"video", "audio", "image"})
CLIP_TYPES = frozenset({"video", "audio"})
PROTECTED_ELEMENT_FIELDS = frozenset({"id", "type"})
PROTECTED_REQUEST_FIELDS = frozenset({"elements", "transitions"})


class OpError(FramelaneError):
    """Raised when one op of a list cannot apply; `details` names the op and its index."""

    status_code = 422


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OpModel(Strict):
    op: str


class ShiftElement(OpModel):
    """Move an element on the timeline (its motions and caption words move with it)."""

    op: Literal["shift_element"]
    id: str = Field(min_length=1, description="Element id.")
    by: float | None = Field(None, description="Seconds to add (negative moves earlier).")
    to: float | None = Field(None, ge=0, description="New start, in seconds.")

    @model_validator(mode="after")
    def _one_of(self) -> ShiftElement:
        if (self.by is None) == (self.to is None):
            raise ValueError("give exactly one of `by` and `to`")
        return self


class TrimElement(OpModel):
    """Set where a clip starts and ends in its source, or how long a still element stays."""

    op: Literal["trim_element"]
    id: str = Field(min_length=1)
    in_point: float | None = Field(None, ge=0, description="video/audio: seconds into the source.")
    out_point: float | None = Field(None, gt=0, description="video/audio: end in the source.")
    duration: float | None = Field(None, gt=0, description="text/image/composition: seconds.")

    @model_validator(mode="after")
    def _something(self) -> TrimElement:
        if self.in_point is None and self.out_point is None and self.duration is None:
            raise ValueError("give in_point, out_point or duration")
        return self


class SwapSource(OpModel):
    """Replace the media of a video, audio or image element."""

    op: Literal["swap_source"]
    id: str = Field(min_length=1)
    source_url: str = Field(min_length=1, max_length=2083)
    in_point: float | None = Field(None, ge=0, description="video/audio: new in_point.")
    out_point: float | None = Field(None, gt=0, description="video/audio: new out_point.")


class SetFields(OpModel):
    """Set fields of an element (null removes a field); `id` and `type` cannot change."""

    op: Literal["set_fields"]
    id: str = Field(min_length=1)
    fields: dict[str, Any] = Field(min_length=1)


class SetRequestFields(OpModel):
    """Set top-level fields of the render request (width, height, duration, background…);
    null removes one. Elements and transitions change through their own ops."""

    op: Literal["set_request_fields"]
    fields: dict[str, Any] = Field(min_length=1)


class AddElement(OpModel):
    """Insert an element (it needs a unique, non-empty id) at `index` (default: the end)."""

    op: Literal["add_element"]
    element: dict[str, Any] = Field(description="An element of the render request.")
    index: int | None = Field(None, ge=0, description="Position in `elements`.")


class RemoveElement(OpModel):
    """Remove an element; the transitions that reference it go too unless `keep_transitions`."""

    op: Literal["remove_element"]
    id: str = Field(min_length=1)
    keep_transitions: bool = False


class Reorder(OpModel):
    """Move an element to `index` in `elements` (the earlier one draws on top at one z_index)."""

    op: Literal["reorder"]
    id: str = Field(min_length=1)
    index: int = Field(ge=0)


class AddTransition(OpModel):
    """Join two existing elements with a transition (one per pair)."""

    op: Literal["add_transition"]
    transition: TransitionSpec


class RemoveTransition(OpModel):
    """Remove the transition between two elements."""

    op: Literal["remove_transition"]
    from_id: str = Field(min_length=1)
    to_id: str = Field(min_length=1)


class ChangeTransition(OpModel):
    """Change the type and/or duration of the transition between two elements."""

    op: Literal["change_transition"]
    from_id: str = Field(min_length=1)
    to_id: str = Field(min_length=1)
    type: TransitionName | None = None
    duration: float | None = Field(None, gt=0)


class AddCaption(OpModel):
    """Add one caption: a text element, animated word by word when `words` are given, drawn
    above every other element unless `fields` sets a z_index."""

    op: Literal["add_caption"]
    id: str = Field(min_length=1, max_length=255)
    text: str = Field(min_length=1)
    time: float = Field(ge=0)
    duration: float = Field(gt=0)
    words: list[Word] | None = Field(None, description="Absolute timeline seconds.")
    style: WordStyleName = Field("color", description="word_animation style (with words).")
    fields: dict[str, Any] = Field(default_factory=dict, description="More text fields.")


class EditCaption(OpModel):
    """Change a caption's text, words or animation style."""

    op: Literal["edit_caption"]
    id: str = Field(min_length=1)
    text: str | None = Field(None, min_length=1)
    words: list[Word] | None = None
    style: WordStyleName | None = None


class RemoveCaptions(OpModel):
    """Remove the given captions, or every caption (text with word_animation) when `ids` is
    omitted."""

    op: Literal["remove_captions"]
    ids: list[str] | None = None


class TranscriptWord(Strict):
    text: str
    start: float = Field(ge=0, description="Seconds.")
    end: float = Field(gt=0, description="Seconds.")


class AddCaptions(OpModel):
    """Captions from a transcript: a completed transcribe task of this workspace (`task_id`)
    or `words`, split into lines at sentence ends, at pauses longer than `pause_seconds` and
    within `max_chars_per_line`; each line is a text element with word_animation timed to its
    words. `align_to` places a source clip's words where that clip plays on the timeline
    (through its time, in_point, out_point and speed); otherwise `offset` seconds are added."""

    op: Literal["add_captions"]
    task_id: str | None = Field(None, description="A completed transcribe task.")
    words: list[TranscriptWord] | None = Field(None, description="Words in seconds.")
    style: WordStyleName | list[WordStyleName] = Field(
        "color", description="One style, or several used in turn line by line."
    )
    max_chars_per_line: int = Field(32, ge=8, le=120)
    pause_seconds: float = Field(0.8, gt=0)
    align_to: str | None = Field(None, description="Id of the clip the transcript is of.")
    offset: float = Field(0, description="Seconds added to the word times (without align_to).")
    id_prefix: str = Field("caption", min_length=1, max_length=64)
    fields: dict[str, Any] = Field(
        default_factory=dict, description="Text fields of every caption (font_size, y, …)."
    )

    @model_validator(mode="after")
    def _one_source(self) -> AddCaptions:
        if (self.task_id is None) == (self.words is None):
            raise ValueError("give exactly one of `task_id` and `words`")
        if isinstance(self.style, list) and not self.style:
            raise ValueError("style needs at least one name")
        return self


class ReplaceRequest(OpModel):
    """Replace the whole render request."""

    op: Literal["replace_request"]
    render_request: dict[str, Any]


class SetVariables(OpModel):
    """Declare or redeclare template variables; null removes one."""

    op: Literal["set_variables"]
    variables: dict[str, VariableDecl | None] = Field(min_length=1)


Op = Annotated[
    ShiftElement
    | TrimElement
    | SwapSource
    | SetFields
    | SetRequestFields
    | AddElement
    | RemoveElement
    | Reorder
    | AddTransition
    | RemoveTransition
    | ChangeTransition
    | AddCaption
    | EditCaption
    | RemoveCaptions
    | AddCaptions
    | ReplaceRequest
    | SetVariables,
    Field(discriminator="op"),
]
OP_LIST: TypeAdapter[list[Op]] = TypeAdapter(list[Op])


class TranscriptSource(Protocol):
    def words_of(self, task_id: str) -> list[dict[str, Any]]:
        """The words (ms) of a completed transcribe task of the workspace."""
        ...


@dataclass(slots=True)
class Edit:
    """A working copy of a document and what the ops changed in it."""

    request: dict[str, Any]
    variables: dict[str, Any]
    transcripts: TranscriptSource | None = None
    changed: set[str] = field(default_factory=set)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    transitions_changed: bool = False
    index: int = 0
    name: str = ""

    @property
    def elements(self) -> list[dict[str, Any]]:
        elements = self.request.setdefault("elements", [])
        if not isinstance(elements, list):
            raise self.error("invalid_request", "render_request.elements is not a list")
        return elements

    @property
    def transitions(self) -> list[dict[str, Any]]:
        transitions = self.request.setdefault("transitions", [])
        if not isinstance(transitions, list):
            raise self.error("invalid_request", "render_request.transitions is not a list")
        return transitions

    def error(self, code: str, message: str, **details: Any) -> OpError:
        return OpError(
            f"ops[{self.index}] ({self.name}): {message}",
            code=code,
            details={"op_index": self.index, "op": self.name, **details},
        )

    def position(self, element_id: str) -> int:
        for index, element in enumerate(self.elements):
            if isinstance(element, dict) and element.get("id") == element_id:
                return index
        raise self.error("element_not_found", f"no element with id {element_id!r}", id=element_id)

    def element(self, element_id: str) -> dict[str, Any]:
        return self.elements[self.position(element_id)]

    def ids(self) -> set[str]:
        return {str(e["id"]) for e in self.elements if isinstance(e, dict) and e.get("id")}

    def transition_at(self, from_id: str, to_id: str) -> int:
        for index, transition in enumerate(self.transitions):
            if transition.get("from_id") == from_id and transition.get("to_id") == to_id:
                return index
        raise self.error(
            "transition_not_found",
            f"no transition from {from_id!r} to {to_id!r}",
            from_id=from_id,
            to_id=to_id,
        )

    def touch(self, element_id: str) -> None:
        self.changed.add(element_id)

    def add(self, element: dict[str, Any], index: int | None = None) -> None:
        element_id = element.get("id")
        if not isinstance(element_id, str) or not element_id:
            raise self.error("element_id_required", "an added element needs a non-empty id")
        if element_id in self.ids():
            raise self.error("element_exists", f"an element {element_id!r} exists", id=element_id)
        if index is not None and index > len(self.elements):
            raise self.error("index_out_of_range", f"index {index} > {len(self.elements)}")
        self.elements.insert(len(self.elements) if index is None else index, element)
        self.added.append(element_id)
        self.touch(element_id)

    def remove(self, element_id: str, keep_transitions: bool = False) -> None:
        del self.elements[self.position(element_id)]
        self.removed.append(element_id)
        self.touch(element_id)
        if not keep_transitions:
            kept = [
                t for t in self.transitions if element_id not in (t.get("from_id"), t.get("to_id"))
            ]
            if len(kept) != len(self.transitions):
                self.request["transitions"] = kept
                self.transitions_changed = True


def _shift(edit: Edit, op: ShiftElement) -> None:
    element = edit.element(op.id)
    start = float(element.get("time", 0) or 0)
    new_start = op.to if op.to is not None else start + float(op.by or 0)
    if new_start < 0:
        raise edit.error("negative_time", f"the element would start at {new_start:g} s", id=op.id)
    delta = new_start - start
    element["time"] = round(new_start, 6)
    for motion in element.get("motion") or []:
        if isinstance(motion, dict) and isinstance(motion.get("time"), int | float):
            motion["time"] = round(max(0.0, motion["time"] + delta), 6)
    animation = element.get("word_animation")
    if isinstance(animation, dict):
        for word in animation.get("words") or []:
            if isinstance(word, dict):
                word["start"] = round(max(0.0, float(word.get("start", 0)) + delta), 6)
                word["end"] = round(float(word.get("end", 0)) + delta, 6)
    edit.touch(op.id)


def _trim(edit: Edit, op: TrimElement) -> None:
    element = edit.element(op.id)
    clip = element.get("type") in CLIP_TYPES
    if clip and op.duration is not None:
        raise edit.error(
            "field_not_applicable", "video and audio are trimmed by in_point/out_point", id=op.id
        )
    if not clip and (op.in_point is not None or op.out_point is not None):
        raise edit.error(
            "field_not_applicable", f"a {element.get('type')} element is trimmed by duration"
        )
    for name in ("in_point", "out_point", "duration"):
        value = getattr(op, name)
        if value is not None:
            element[name] = value
    _check_points(edit, element)
    edit.touch(op.id)


def _check_points(edit: Edit, element: dict[str, Any]) -> None:
    in_point, out_point = element.get("in_point", 0) or 0, element.get("out_point")
    if (
        isinstance(out_point, int | float)
        and isinstance(in_point, int | float)
        and out_point <= in_point
    ):
        raise edit.error(
            "invalid_trim",
            f"out_point {out_point:g} must be after in_point {in_point:g}",
            id=element.get("id"),
        )


def _swap(edit: Edit, op: SwapSource) -> None:
    element = edit.element(op.id)
    if element.get("type") not in SOURCE_TYPES:
        raise edit.error("no_source", f"a {element.get('type')} element has no source", id=op.id)
    if element.get("type") not in CLIP_TYPES and (op.in_point, op.out_point) != (None, None):
        raise edit.error("field_not_applicable", "an image has no in_point/out_point", id=op.id)
    element["source_url"] = op.source_url
    for name in ("in_point", "out_point"):
        value = getattr(op, name)
        if value is not None:
            element[name] = value
    _check_points(edit, element)
    edit.touch(op.id)


def _set_each(edit: Edit, target: dict[str, Any], fields: dict[str, Any], protected: Any) -> None:
    blocked = sorted(set(fields) & protected)
    if blocked:
        raise edit.error(
            "field_protected", f"{', '.join(blocked)} cannot be set here", fields=blocked
        )
    for name, value in fields.items():
        if value is None:
            target.pop(name, None)
        else:
            target[name] = copy.deepcopy(value)


def _set_fields(edit: Edit, op: SetFields) -> None:
    _set_each(edit, edit.element(op.id), op.fields, PROTECTED_ELEMENT_FIELDS)
    edit.touch(op.id)


def _set_request_fields(edit: Edit, op: SetRequestFields) -> None:
    _set_each(edit, edit.request, op.fields, PROTECTED_REQUEST_FIELDS)


def _add_element(edit: Edit, op: AddElement) -> None:
    if not isinstance(op.element.get("type"), str):
        raise edit.error("element_type_required", "an added element needs a `type`")
    edit.add(copy.deepcopy(op.element), op.index)


def _remove_element(edit: Edit, op: RemoveElement) -> None:
    edit.remove(op.id, op.keep_transitions)


def _reorder(edit: Edit, op: Reorder) -> None:
    position = edit.position(op.id)
    if op.index >= len(edit.elements):
        raise edit.error("index_out_of_range", f"index {op.index} ≥ {len(edit.elements)}")
    edit.elements.insert(op.index, edit.elements.pop(position))
    edit.touch(op.id)


def _add_transition(edit: Edit, op: AddTransition) -> None:
    transition = op.transition
    for element_id in (transition.from_id, transition.to_id):
        edit.position(element_id)
    if transition.from_id == transition.to_id:
        raise edit.error("transition_self", "from_id and to_id are the same element")
    if any(
        (t.get("from_id"), t.get("to_id")) == (transition.from_id, transition.to_id)
        for t in edit.transitions
    ):
        raise edit.error("transition_exists", "these elements already have a transition")
    edit.transitions.append(transition.model_dump(exclude_none=True))
    edit.transitions_changed = True


def _remove_transition(edit: Edit, op: RemoveTransition) -> None:
    del edit.transitions[edit.transition_at(op.from_id, op.to_id)]
    edit.transitions_changed = True


def _change_transition(edit: Edit, op: ChangeTransition) -> None:
    transition = edit.transitions[edit.transition_at(op.from_id, op.to_id)]
    if op.type is None and op.duration is None:
        raise edit.error("nothing_to_change", "give type and/or duration")
    if op.type is not None:
        transition["type"] = op.type
    if op.duration is not None:
        transition["duration"] = op.duration
    edit.transitions_changed = True


def above_everything(edit: Edit, fields: dict[str, Any]) -> dict[str, Any]:
    """Caption fields with a `z_index` above every element's, unless they set one: at an
    equal z_index the earlier element (a video placed first) would cover the caption."""
    if "z_index" in fields:
        return fields
    levels = [e.get("z_index", 0) for e in edit.elements if isinstance(e, dict)]
    top = max((z for z in levels if isinstance(z, int) and not isinstance(z, bool)), default=0)
    return {**fields, "z_index": top + 1}


def caption_element(
    element_id: str,
    text: str,
    time: float,
    duration: float,
    words: Sequence[dict[str, Any]] | None,
    style: str,
    fields: dict[str, Any],
) -> dict[str, Any]:
    element: dict[str, Any] = {**copy.deepcopy(fields), "type": "text", "id": element_id}
    element.update({"text": text, "time": round(time, 6), "duration": round(duration, 6)})
    if words:
        element["word_animation"] = {"style": style, "words": list(words)}
    return element


def _add_caption(edit: Edit, op: AddCaption) -> None:
    words = [w.model_dump() for w in op.words] if op.words else None
    fields = above_everything(edit, op.fields)
    edit.add(caption_element(op.id, op.text, op.time, op.duration, words, op.style, fields))


def _caption(edit: Edit, element_id: str) -> dict[str, Any]:
    element = edit.element(element_id)
    if element.get("type") != "text":
        raise edit.error("not_a_caption", f"{element_id!r} is not a text element", id=element_id)
    return element


def _edit_caption(edit: Edit, op: EditCaption) -> None:
    element = _caption(edit, op.id)
    if op.text is not None:
        element["text"] = op.text
    animation = element.get("word_animation")
    if op.words is not None or op.style is not None:
        if not isinstance(animation, dict) and op.words is None:
            raise edit.error("no_words", f"{op.id!r} has no word_animation; give words", id=op.id)
        animation = dict(animation) if isinstance(animation, dict) else {"style": "color"}
        if op.words is not None:
            animation["words"] = [w.model_dump() for w in op.words]
        if op.style is not None:
            animation["style"] = op.style
        element["word_animation"] = animation
    edit.touch(op.id)


def is_caption(element: Any) -> bool:
    return (
        isinstance(element, dict)
        and element.get("type") == "text"
        and isinstance(element.get("word_animation"), dict)
    )


def _remove_captions(edit: Edit, op: RemoveCaptions) -> None:
    if op.ids is None:
        ids = [str(e["id"]) for e in edit.elements if is_caption(e) and e.get("id")]
    else:
        ids = op.ids
        for element_id in ids:
            _caption(edit, element_id)
    for element_id in ids:
        edit.remove(element_id)


def _add_captions(edit: Edit, op: AddCaptions) -> None:
    if op.task_id is not None:
        if edit.transcripts is None:
            raise edit.error("transcript_unavailable", "transcripts cannot be read here")
        try:
            found = edit.transcripts.words_of(op.task_id)
        except OpError as exc:
            raise edit.error(exc.code, exc.message, task_id=op.task_id) from None
        words = captions.from_transcript(found, milliseconds=True)
    else:
        words = captions.from_transcript(
            [w.model_dump() for w in op.words or []], milliseconds=False
        )
    if op.align_to is not None:
        words = captions.aligned(words, edit.element(op.align_to))
    else:
        words = captions.shifted(words, op.offset)
    lines = captions.split_lines(words, max_chars=op.max_chars_per_line, pause=op.pause_seconds)
    if not lines:
        raise edit.error("no_words", "the transcript has no words in this range")
    styles = op.style if isinstance(op.style, list) else [op.style]
    fields = above_everything(edit, op.fields)
    numbers = (n for n in itertools.count(1) if f"{op.id_prefix}_{n}" not in edit.ids())
    for line, style in zip(lines, itertools.cycle(styles), strict=False):
        timed = [{"text": w.text, "start": w.start, "end": w.end} for w in line]
        start, end = line[0].start, line[-1].end
        element_id = f"{op.id_prefix}_{next(numbers)}"
        text = captions.line_text(line)
        edit.add(caption_element(element_id, text, start, end - start, timed, style, fields))


def _replace_request(edit: Edit, op: ReplaceRequest) -> None:
    before, transitions = edit.ids(), edit.request.get("transitions") or []
    edit.request.clear()
    edit.request.update(copy.deepcopy(op.render_request))
    after = edit.ids()
    edit.added += sorted(after - before)
    edit.removed += sorted(before - after)
    edit.changed |= before | after
    edit.transitions_changed |= (edit.request.get("transitions") or []) != transitions


def _set_variables(edit: Edit, op: SetVariables) -> None:
    for name, decl in op.variables.items():
        if decl is None:
            if name not in edit.variables:
                raise edit.error("variable_not_found", f"no variable {name!r}", variable=name)
            del edit.variables[name]
        else:
            edit.variables[name] = decl.model_dump(exclude_none=True)


APPLY: dict[str, Callable[[Edit, Any], None]] = {
    "shift_element": _shift,
    "trim_element": _trim,
    "swap_source": _swap,
    "set_fields": _set_fields,
    "set_request_fields": _set_request_fields,
    "add_element": _add_element,
    "remove_element": _remove_element,
    "reorder": _reorder,
    "add_transition": _add_transition,
    "remove_transition": _remove_transition,
    "change_transition": _change_transition,
    "add_caption": _add_caption,
    "edit_caption": _edit_caption,
    "remove_captions": _remove_captions,
    "add_captions": _add_captions,
    "replace_request": _replace_request,
    "set_variables": _set_variables,
}


def apply_ops(
    document: dict[str, Any], ops: Sequence[OpModel], transcripts: TranscriptSource | None
) -> Edit:
    """Apply `ops` in order to a deep copy of `document`; raises on the first that fails."""
    edit = Edit(
        request=copy.deepcopy(document.get("render_request") or {}),
        variables=copy.deepcopy(document.get("variables") or {}),
        transcripts=transcripts,
    )
    for index, op in enumerate(ops):
        edit.index, edit.name = index, op.op
        APPLY[edit.name](edit, op)
    return edit


def op_catalog() -> list[dict[str, Any]]:
    """Every op with its description and JSON schema of parameters (capabilities)."""
    catalog = []
    for model in get_args(get_args(Op)[0]):
        schema = model.model_json_schema()
        name = schema["properties"]["op"]["const"]
        catalog.append(
            {
                "name": name,
                "supported": True,
                "description": (model.__doc__ or "").strip(),
                "parameters": schema,
            }
        )
    return catalog
