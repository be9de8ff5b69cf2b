"""Content: read the files, validate them against the model, report every problem."""
