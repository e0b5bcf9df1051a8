import pytest

from reference import loading


@pytest.fixture
def reference_data(db):
    """The shipped 2018 SOC and OEWS May 2025 figures, loaded."""
    return loading.load()
