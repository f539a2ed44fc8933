from duikou.settings import database_url


def test_path_becomes_sqlite_url():
    assert database_url("x/y.db") == "sqlite:///x/y.db"


def test_url_is_kept():
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_environment_overrides_default(monkeypatch):
    monkeypatch.setenv("DUIKOU_DB", "/tmp/from-env.db")
    assert database_url(None) == "sqlite:////tmp/from-env.db"
    monkeypatch.delenv("DUIKOU_DB")
    assert database_url(None) == "sqlite:///duikou.db"
