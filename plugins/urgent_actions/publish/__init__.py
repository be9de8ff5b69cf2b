"""Production output, deployment and site checks."""
