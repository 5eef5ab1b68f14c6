from tests.core.accounts.conftest import region_engine, small_region_db  # noqa: F401
