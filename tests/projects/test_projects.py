"""Projects: create, read, list, versions, ops with their errors, violations, revert,
concurrent edits, soft delete and workspace delete."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from framelane.core.settings import Settings
from framelane.db.session import session_scope
from framelane.projects.models import Batch, Project, ProjectVersion
from tests.fixtures.identity import VerifiedWorkspace
from tests.projects.conftest import applied, create, element, failed, ops, request_of, scene


def test_an_empty_project_starts_at_version_one_with_an_empty_timeline_warning(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    response = client.post("/v1/projects", headers=workspace.headers)
    assert response.status_code == 201, response.text
    project = response.json()
    assert project["id"].startswith("proj_") and project["version"] == 1
    assert project["summary"]["element_count"] == 0 and project["render_request"] == {}
    result = applied(
        client,
        workspace,
        project["id"],
        {"op": "set_request_fields", "fields": {"width": 64, "height": 36}},
    )
    assert result["version"] == 2 and result["ok"] is True
    assert [v["code"] for v in result["violations"]] == ["empty_timeline"]


def test_summary_full_view_list_and_versions(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    project = create(client, workspace, name="Promo", author="agent")
    pid = project["id"]
    summary = client.get(f"/v1/projects/{pid}", headers=workspace.headers).json()
    assert summary["render_request"] is None and summary["name"] == "Promo"
    assert summary["summary"]["element_count"] == 2 and summary["summary"]["transition_count"] == 1
    assert summary["summary"]["elements"][0] == {
        "id": "a",
        "type": "text",
        "time": 0,
        "duration": 2,
        "label": "A",
        "source": None,
    }
    applied(client, workspace, pid, {"op": "shift_element", "id": "b", "by": 0.25})
    listed = client.get("/v1/projects?limit=1", headers=workspace.headers).json()
    assert [p["id"] for p in listed["data"]] == [pid] and listed["data"][0]["version"] == 2
    first = client.get(f"/v1/projects/{pid}/versions/1", headers=workspace.headers).json()
    second = client.get(f"/v1/projects/{pid}/versions/2", headers=workspace.headers).json()
    assert first["render_request"] == scene() and first["author"] == "agent"
    assert element(second["render_request"], "b")["time"] == 1.75
    assert second["ops"] == [{"op": "shift_element", "id": "b", "by": 0.25}]
    failed(
        client.get(f"/v1/projects/{pid}/versions/3", headers=workspace.headers),
        404,
        "version_not_found",
    )


def test_another_workspace_sees_nothing(
    client: TestClient, workspace: VerifiedWorkspace, other_workspace: VerifiedWorkspace
) -> None:
    pid = create(client, workspace)["id"]
    failed(client.get(f"/v1/projects/{pid}", headers=other_workspace.headers), 404, "not_found")
    failed(
        ops(client, other_workspace, pid, {"op": "reorder", "id": "a", "index": 1}),
        404,
        "not_found",
    )
    assert client.get("/v1/projects", headers=other_workspace.headers).json()["data"] == []


def test_shift_moves_motions_and_caption_words_with_the_element(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    request = scene()
    request["elements"][0]["motion"] = [{"type": "fade", "time": 0, "duration": 0.5}]
    request["elements"][0]["word_animation"] = {
        "style": "color",
        "words": [{"text": "A", "start": 0.2, "end": 0.9}],
    }
    pid = create(client, workspace, request)["id"]
    result = applied(client, workspace, pid, {"op": "shift_element", "id": "a", "to": 0.5})
    assert result["changed_ids"] == ["a"] and result["diff"]["transitions_changed"] is False
    moved = element(request_of(client, workspace, pid), "a")
    assert moved["time"] == 0.5 and moved["motion"][0]["time"] == 0.5
    assert moved["word_animation"]["words"][0] == {"text": "A", "start": 0.7, "end": 1.4}
    failed(
        ops(client, workspace, pid, {"op": "shift_element", "id": "a", "by": -2}),
        422,
        "negative_time",
    )
    failed(
        ops(client, workspace, pid, {"op": "shift_element", "id": "zz", "by": 1}),
        422,
        "element_not_found",
    )
    failed(
        ops(client, workspace, pid, {"op": "shift_element", "id": "a", "by": 1, "to": 2}),
        422,
        "validation_error",
    )


def video_scene() -> dict[str, Any]:
    request = scene()
    request["elements"].append(
        {"type": "video", "id": "v", "source_url": "https://example.com/a.mp4", "out_point": 4}
    )
    return request


def test_trim_and_swap_source(client: TestClient, workspace: VerifiedWorkspace) -> None:
    pid = create(client, workspace, video_scene())["id"]
    applied(
        client, workspace, pid, {"op": "trim_element", "id": "v", "in_point": 1, "out_point": 3}
    )
    applied(client, workspace, pid, {"op": "trim_element", "id": "a", "duration": 1})
    applied(
        client,
        workspace,
        pid,
        {
            "op": "swap_source",
            "id": "v",
            "source_url": "https://example.com/b.mp4",
            "out_point": 2.5,
        },
    )
    request = request_of(client, workspace, pid)
    assert element(request, "v") == {
        "type": "video",
        "id": "v",
        "source_url": "https://example.com/b.mp4",
        "in_point": 1,
        "out_point": 2.5,
    }
    assert element(request, "a")["duration"] == 1
    for op, code in (
        ({"op": "trim_element", "id": "v", "out_point": 0.5}, "invalid_trim"),
        ({"op": "trim_element", "id": "v", "duration": 2}, "field_not_applicable"),
        ({"op": "trim_element", "id": "a", "in_point": 1}, "field_not_applicable"),
        ({"op": "trim_element", "id": "nope", "duration": 1}, "element_not_found"),
        ({"op": "swap_source", "id": "a", "source_url": "https://example.com/x.png"}, "no_source"),
        ({"op": "swap_source", "id": "v", "source_url": "u", "in_point": 3}, "invalid_trim"),
    ):
        failed(ops(client, workspace, pid, op), 422, code)


def test_set_fields_validates_the_result_and_protects_id_and_type(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    pid = create(client, workspace)["id"]
    applied(
        client,
        workspace,
        pid,
        {"op": "set_fields", "id": "a", "fields": {"text_color": "#ff0000", "font_size": None}},
    )
    changed = element(request_of(client, workspace, pid), "a")
    assert changed["text_color"] == "#ff0000" and "font_size" not in changed
    failed(
        ops(client, workspace, pid, {"op": "set_fields", "id": "a", "fields": {"id": "x"}}),
        422,
        "field_protected",
    )
    error = failed(
        ops(client, workspace, pid, {"op": "set_fields", "id": "a", "fields": {"font_size": -3}}),
        422,
        "validation_error",
    )
    assert error["details"][0]["loc"] == ["render_request", "elements", 0, "font_size"]
    failed(
        ops(client, workspace, pid, {"op": "set_request_fields", "fields": {"elements": []}}),
        422,
        "field_protected",
    )
    assert client.get(f"/v1/projects/{pid}", headers=workspace.headers).json()["version"] == 2


def test_add_remove_and_reorder_elements(client: TestClient, workspace: VerifiedWorkspace) -> None:
    pid = create(client, workspace)["id"]
    new = {"type": "text", "id": "c", "text": "C", "duration": 1, "font_size": 8}
    result = applied(client, workspace, pid, {"op": "add_element", "element": new, "index": 0})
    assert result["diff"]["added_ids"] == ["c"]
    applied(client, workspace, pid, {"op": "reorder", "id": "c", "index": 2})
    assert [e["id"] for e in request_of(client, workspace, pid)["elements"]] == ["a", "b", "c"]
    result = applied(client, workspace, pid, {"op": "remove_element", "id": "b"})
    assert result["diff"] == {"added_ids": [], "removed_ids": ["b"], "transitions_changed": True}
    assert request_of(client, workspace, pid)["transitions"] == []
    for op, code in (
        ({"op": "add_element", "element": {**new, "id": "a"}}, "element_exists"),
        ({"op": "add_element", "element": {**new, "id": ""}}, "element_id_required"),
        ({"op": "add_element", "element": {"id": "q"}}, "element_type_required"),
        ({"op": "add_element", "element": {**new, "id": "d"}, "index": 9}, "index_out_of_range"),
        ({"op": "remove_element", "id": "b"}, "element_not_found"),
        ({"op": "reorder", "id": "a", "index": 5}, "index_out_of_range"),
        ({"op": "teleport", "id": "a"}, "validation_error"),
    ):
        failed(ops(client, workspace, pid, op), 422, code)


def test_transition_ops(client: TestClient, workspace: VerifiedWorkspace) -> None:
    pid = create(client, workspace)["id"]
    applied(
        client,
        workspace,
        pid,
        {
            "op": "change_transition",
            "from_id": "a",
            "to_id": "b",
            "type": "wipe_left",
            "duration": 0.4,
        },
    )
    assert request_of(client, workspace, pid)["transitions"] == [
        {"type": "wipe_left", "duration": 0.4, "from_id": "a", "to_id": "b"}
    ]
    applied(client, workspace, pid, {"op": "remove_transition", "from_id": "a", "to_id": "b"})
    result = applied(
        client,
        workspace,
        pid,
        {
            "op": "add_transition",
            "transition": {"type": "fade", "duration": 0.5, "from_id": "a", "to_id": "b"},
        },
    )
    assert result["diff"]["transitions_changed"] is True
    add = {
        "op": "add_transition",
        "transition": {"type": "iris", "duration": 0.5, "from_id": "a", "to_id": "b"},
    }
    for op, code in (
        (add, "transition_exists"),
        ({**add, "transition": {**add["transition"], "to_id": "a"}}, "transition_self"),
        ({**add, "transition": {**add["transition"], "to_id": "x"}}, "element_not_found"),
        ({**add, "transition": {**add["transition"], "type": "teleport"}}, "validation_error"),
        ({"op": "remove_transition", "from_id": "b", "to_id": "a"}, "transition_not_found"),
        ({"op": "change_transition", "from_id": "a", "to_id": "b"}, "nothing_to_change"),
    ):
        failed(ops(client, workspace, pid, op), 422, code)


def test_caption_ops(client: TestClient, workspace: VerifiedWorkspace) -> None:
    pid = create(client, workspace)["id"]
    words = [{"text": "Hi", "start": 0.1, "end": 0.4}, {"text": "there", "start": 0.5, "end": 0.9}]
    applied(
        client,
        workspace,
        pid,
        {
            "op": "add_caption",
            "id": "c1",
            "text": "Hi there",
            "time": 0,
            "duration": 1,
            "words": words,
            "style": "box",
            "fields": {"font_size": 8, "y": "80%"},
        },
    )
    caption = element(request_of(client, workspace, pid), "c1")
    assert caption["word_animation"] == {"style": "box", "words": words}
    assert caption["y"] == "80%" and caption["type"] == "text"
    applied(
        client,
        workspace,
        pid,
        {"op": "edit_caption", "id": "c1", "text": "Hello there", "style": "glow"},
    )
    caption = element(request_of(client, workspace, pid), "c1")
    assert caption["text"] == "Hello there" and caption["word_animation"]["style"] == "glow"
    failed(
        ops(client, workspace, pid, {"op": "edit_caption", "id": "a", "style": "box"}),
        422,
        "no_words",
    )
    failed(
        ops(client, workspace, pid, {"op": "remove_captions", "ids": ["zz"]}),
        422,
        "element_not_found",
    )
    result = applied(client, workspace, pid, {"op": "remove_captions"})
    assert result["diff"]["removed_ids"] == ["c1"]


def test_add_captions_from_words_splits_at_sentences_pauses_and_length(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    pid = create(client, workspace, {**scene(), "duration": 10})["id"]
    words = [
        {"text": "One", "start": 0.0, "end": 0.3},
        {"text": "two.", "start": 0.35, "end": 0.6},
        {"text": "Three", "start": 0.7, "end": 1.0},
        {"text": "four", "start": 2.0, "end": 2.3},
        {"text": "fivefivefive", "start": 2.35, "end": 2.9},
        {"text": "six", "start": 2.95, "end": 3.2},
    ]
    result = applied(
        client,
        workspace,
        pid,
        {
            "op": "add_captions",
            "words": words,
            "style": ["color", "box"],
            "max_chars_per_line": 17,
            "offset": 1.0,
            "fields": {"font_size": 6},
        },
    )
    assert result["diff"]["added_ids"] == ["caption_1", "caption_2", "caption_3", "caption_4"]
    request = request_of(client, workspace, pid)
    lines = [element(request, f"caption_{n}") for n in range(1, 5)]
    assert [c["text"] for c in lines] == ["One two.", "Three", "four fivefivefive", "six"]
    assert [c["word_animation"]["style"] for c in lines] == ["color", "box", "color", "box"]
    assert (lines[0]["time"], lines[0]["duration"]) == (1.0, 0.6)
    assert lines[2]["word_animation"]["words"][1] == {
        "text": "fivefivefive",
        "start": 3.35,
        "end": 3.9,
    }
    failed(
        ops(client, workspace, pid, {"op": "add_captions", "words": words, "task_id": "task_x"}),
        422,
        "validation_error",
    )
    failed(
        ops(client, workspace, pid, {"op": "add_captions", "task_id": "task_01NOPE"}),
        422,
        "task_not_found",
    )


def test_ops_are_all_or_none(client: TestClient, workspace: VerifiedWorkspace) -> None:
    pid = create(client, workspace)["id"]
    response = ops(
        client,
        workspace,
        pid,
        {"op": "shift_element", "id": "a", "by": 0.5},
        {"op": "remove_element", "id": "nope"},
    )
    error = failed(response, 422, "element_not_found")
    assert error["details"]["op_index"] == 1
    project = client.get(f"/v1/projects/{pid}?view=full", headers=workspace.headers).json()
    assert project["version"] == 1 and element(project["render_request"], "a")["time"] == 0


def test_violations_come_back_with_the_ops_and_block_only_renders(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    pid = create(client, workspace)["id"]
    result = applied(
        client,
        workspace,
        pid,
        {"op": "shift_element", "id": "b", "to": 3.5},
        {"op": "remove_element", "id": "a", "keep_transitions": True},
    )
    assert result["ok"] is False and result["version"] == 2
    by_code = {v["code"]: v for v in result["violations"]}
    assert by_code["dangling_transition"]["severity"] == "error"
    assert by_code["dangling_transition"]["path"] == "render_request.transitions[0].from_id"
    assert by_code["element_after_end"] == {
        "code": "element_after_end",
        "message": "starts at 3.5 s, at or after the end (3 s)",
        "severity": "warning",
        "path": "render_request.elements[0]",
    }
    dry = client.post(
        f"/v1/projects/{pid}/preview", json={"dry_run": True}, headers=workspace.headers
    )
    assert dry.status_code == 200 and dry.json()["valid"] is False
    assert {v["code"] for v in dry.json()["violations"]} == {
        "dangling_transition",
        "element_after_end",
    }
    refused = failed(
        client.post(f"/v1/projects/{pid}/renders", headers=workspace.headers),
        422,
        "project_invalid",
    )
    assert [d["code"] for d in refused["details"]] == ["dangling_transition"]
    fixed = applied(
        client, workspace, pid, {"op": "remove_transition", "from_id": "a", "to_id": "b"}
    )
    assert fixed["ok"] is True and [v["code"] for v in fixed["violations"]] == ["element_after_end"]


def test_replace_request_and_revert(client: TestClient, workspace: VerifiedWorkspace) -> None:
    pid = create(client, workspace)["id"]
    other = {
        "width": 32,
        "height": 32,
        "elements": [{"type": "text", "id": "z", "text": "Z", "duration": 1}],
    }
    result = applied(client, workspace, pid, {"op": "replace_request", "render_request": other})
    assert result["diff"]["added_ids"] == ["z"] and result["diff"]["removed_ids"] == ["a", "b"]
    reverted = client.post(
        f"/v1/projects/{pid}/revert", json={"version": 1}, headers=workspace.headers
    )
    assert reverted.status_code == 200, reverted.text
    assert reverted.json()["version"] == 3 and reverted.json()["diff"]["added_ids"] == ["a", "b"]
    assert request_of(client, workspace, pid) == scene()
    assert (
        client.get(f"/v1/projects/{pid}/versions/2", headers=workspace.headers).json()[
            "render_request"
        ]
        == other
    )
    failed(
        client.post(f"/v1/projects/{pid}/revert", json={"version": 9}, headers=workspace.headers),
        404,
        "version_not_found",
    )
    stale = client.post(
        f"/v1/projects/{pid}/revert",
        json={"version": 1, "if_version": 2},
        headers=workspace.headers,
    )
    failed(stale, 409, "conflict")


def test_stale_if_version_is_a_conflict(client: TestClient, workspace: VerifiedWorkspace) -> None:
    pid = create(client, workspace)["id"]
    op = {"op": "shift_element", "id": "a", "by": 0.1}
    assert ops(client, workspace, pid, op, if_version=1).status_code == 200
    error = failed(ops(client, workspace, pid, op, if_version=1), 409, "conflict")
    assert error["details"] == {"version": 2, "if_version": 1}


def test_concurrent_ops_on_one_version_one_wins(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    pid = create(client, workspace)["id"]
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def edit(by: float) -> None:
        barrier.wait()
        op = {"op": "shift_element", "id": "a", "by": by}
        statuses.append(ops(client, workspace, pid, op, if_version=1).status_code)

    threads = [threading.Thread(target=edit, args=(0.1 * (n + 1),)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409, 409, 409]
    assert client.get(f"/v1/projects/{pid}", headers=workspace.headers).json()["version"] == 2


def test_the_database_refuses_a_second_row_for_one_version(
    client: TestClient, workspace: VerifiedWorkspace, settings: Settings
) -> None:
    pid = create(client, workspace)["id"]
    with pytest.raises(IntegrityError), session_scope(settings.resolved_database_url) as session:
        session.add(ProjectVersion(project_id=pid, version=1, document={}, ops=[]))


def test_soft_delete(client: TestClient, workspace: VerifiedWorkspace, settings: Settings) -> None:
    pid = create(client, workspace)["id"]
    assert client.delete(f"/v1/projects/{pid}", headers=workspace.headers).status_code == 204
    failed(client.get(f"/v1/projects/{pid}", headers=workspace.headers), 404, "not_found")
    failed(ops(client, workspace, pid, {"op": "reorder", "id": "a", "index": 0}), 404, "not_found")
    assert client.get("/v1/projects", headers=workspace.headers).json()["data"] == []
    with session_scope(settings.resolved_database_url) as session:
        assert session.get(Project, pid) is not None


def counts(settings: Settings, workspace_id: str) -> tuple[int, int, int]:
    with session_scope(settings.resolved_database_url) as session:
        projects = session.scalar(
            select(func.count()).select_from(Project).where(Project.workspace_id == workspace_id)
        )
        versions = session.scalar(
            select(func.count())
            .select_from(ProjectVersion)
            .join(Project)
            .where(Project.workspace_id == workspace_id)
        )
        batches = session.scalar(
            select(func.count()).select_from(Batch).where(Batch.workspace_id == workspace_id)
        )
        return int(projects or 0), int(versions or 0), int(batches or 0)


def test_workspace_delete_removes_projects_versions_and_batches(
    client: TestClient,
    workspace: VerifiedWorkspace,
    other_workspace: VerifiedWorkspace,
    settings: Settings,
) -> None:
    pid = create(client, workspace)["id"]
    applied(client, workspace, pid, {"op": "reorder", "id": "b", "index": 0})
    batch = client.post(
        f"/v1/projects/{pid}/renders/batch", json={"rows": [{}]}, headers=workspace.headers
    )
    assert batch.status_code == 202, batch.text
    create(client, other_workspace)
    assert counts(settings, workspace.id) == (1, 2, 1)
    assert client.delete("/v1/workspace", headers=workspace.headers).status_code == 204
    assert counts(settings, workspace.id) == (0, 0, 0)
    assert counts(settings, other_workspace.id) == (1, 1, 0)
