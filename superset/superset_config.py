"""Superset configuration of the factory twin stack. Every secret comes from the environment (see .env.example)."""
import os


def _required(name):
    value = os.environ.get(name, "")
    if not value:
        raise RuntimeError(f"{name} is not set: copy .env.example to .env and set it")
    return value


SECRET_KEY = _required("SUPERSET_SECRET_KEY")
# Metadata database: SQLite on the superset-home volume unless SUPERSET_DATABASE_URI points elsewhere.
SQLALCHEMY_DATABASE_URI = os.environ.get("SUPERSET_DATABASE_URI", "sqlite:////app/superset_home/superset.db")

# Dashboards refresh themselves (the twin dashboard every 30 s); allow short periods without a warning.
SUPERSET_DASHBOARD_PERIODICAL_REFRESH_LIMIT = 0
SUPERSET_DASHBOARD_PERIODICAL_REFRESH_WARNING_MESSAGE = None

# Local, plain-HTTP stack: no HTTPS redirect/HSTS. Put Superset behind TLS before exposing it.
TALISMAN_ENABLED = False
WTF_CSRF_ENABLED = True
SUPERSET_WEBSERVER_TIMEOUT = 120

FEATURE_FLAGS = {
    "DASHBOARD_CROSS_FILTERS": True,
    "ALERT_REPORTS": False,
}
