"""The engine side of the AI tasks: pure operations with no HTTP or database imports.

Entry points: `registry.get_operation`, `registry.validate_params`, `registry.unknown_fields`,
`registry.capabilities`, and each operation's `run(input_path, params, ctx) -> TaskResult`
(see `base`). Outputs, written inside `ctx.workdir`:

- remove-background: `output.png` (RGBA) for stills; `output.webm` (VP9 with alpha) or
  `output.mov` (ProRes 4444) for videos, audio kept.
- super-resolution, gaze-redirect: `output.png` for stills, `output.mp4` (H.264, audio kept).
- transcribe: `transcript.json` (AssemblyAI shape) plus `extra_outputs` `srt` and `vtt`.

Failures are `errors.TaskError` subclasses with stable codes: `unsupported_media`,
`source_corrupt`, `no_face_detected`, `limit_exceeded`, `language_unsupported`, `cancelled`;
request-time checks raise `framelane.core.errors.ValidationFailed` / `CapabilityUnsupported`.
Model packages are imported on first use and cached per process.
"""
