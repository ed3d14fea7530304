"""What the features are built from, below all of them: the `Feature` record they declare and
the `Wiring` that merges them, the request context (`WorkspaceContext`), pagination, the error
envelope, the web dependencies (`SessionDep`, `SettingsDep`, `WiringDep`) and the job runner
contract (`RunContext`, `RunResult`)."""
