"""Domain-free building blocks shared by the features: the `Feature` record they declare."""
