"""The dashboard's read-only aggregate queries over every participant's rows, as frames."""
