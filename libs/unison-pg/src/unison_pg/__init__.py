"""PostgreSQL access for every Unison process: pool, tenant transactions, named SQL."""

from unison_pg.database import Database, DatabaseUnavailable
from unison_pg.queries import Queries
from unison_pg.tenant import Tenant

__all__ = ["Database", "DatabaseUnavailable", "Queries", "Tenant"]
