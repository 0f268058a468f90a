import pytest

from cerego.tests.servers import PostgresCluster


@pytest.fixture
def cluster():
    """A PostgreSQL cluster of the test's own, started, removed afterwards."""
    cluster = PostgresCluster()
    try:
        cluster.create()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()
