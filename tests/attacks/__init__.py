"""Attack corpora and their loaders."""
