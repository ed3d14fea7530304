"""A long render split in time: its parts rendered by any worker, joined by stream copy."""
