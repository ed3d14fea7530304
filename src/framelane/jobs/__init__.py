"""Generic asynchronous jobs (renders and tasks): state machine, queue, workers, reaper."""
