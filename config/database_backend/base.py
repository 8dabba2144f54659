import select

from django.db.backends.postgresql.base import Database
from django_prometheus.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        """Whether the connection can run a query, without a round trip when it can.

        Between requests an idle connection has nothing to read: a server that stopped
        or restarted has closed it (a termination message, then end of file), which
        makes the socket readable. Only then, or when the connection is not idle or in
        a sound transaction (a failed one cannot run a query), is the server asked
        (``SELECT 1``). Django asks this before a request's first query on a kept
        connection (``CONN_HEALTH_CHECKS``), and the router before it reads from a
        replica: a ``SELECT 1`` each time was a round trip per request and database.
        """
        if self.connection is None:
            return False
        try:
            status = self.connection.info.transaction_status
            readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError, Database.Error):
            return False  # no socket any more
        if readable or status not in (TransactionStatus.IDLE, TransactionStatus.INTRANS):
            return super().is_usable()
        return True
