"""What the other services' events become in the index: one module per source, each
turning that source's events (and, for the rebuild, its API rows) into documents."""
