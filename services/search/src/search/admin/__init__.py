"""Administration of the index: the rebuild job and the endpoint that starts it."""
