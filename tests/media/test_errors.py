"""One media error family: the engine, ingest and the tasks raise the same classes, and
each keeps the code the API has always reported."""

from __future__ import annotations

from framelane.ingest import probe as ingest_probe
from framelane.media import errors
from framelane.render import errors as render_errors
from framelane.tasks.operations import errors as task_errors


def test_every_reader_raises_the_same_source_corrupt() -> None:
    assert render_errors.SourceCorrupt is errors.SourceCorrupt
    assert task_errors.SourceCorrupt is errors.SourceCorrupt
    assert ingest_probe.SourceCorrupt is errors.SourceCorrupt


def test_the_codes_are_the_ones_the_api_reports() -> None:
    codes = {
        errors.SourceNotFound: "source_not_found",
        errors.SourceCorrupt: "source_corrupt",
        errors.CodecUnsupported: "codec_unsupported",
        errors.SourceTooLarge: "source_too_large",
        errors.EncodeFailed: "encode_failed",
        task_errors.UnsupportedMedia: "unsupported_media",
        task_errors.MediaTooLarge: "limit_exceeded",
    }
    assert {cls: cls("x").code for cls in codes} == codes
    assert isinstance(render_errors.FontNotFound("x"), errors.SourceError)
