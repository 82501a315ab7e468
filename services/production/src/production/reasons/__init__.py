"""The reason catalogue: why pieces were scrapped or reworked, why a machine stood."""
