"""The engine side of the AI tasks: pure operations with no HTTP or database imports.

Entry points: `registry.get_operation`, `registry.validate_params`, `registry.capabilities`, and
each operation's `run(input_path, params, ctx) -> TaskResult` (see `base`).
"""
