#!/usr/bin/env python3
"""Writes superset/dashboards/: a Superset (4.1) dashboard export bundle for the factory twin.

Usage (from the repository root): python3 superset/tools/generate-bundle.py
The YAML is committed; the bootstrap zips it and runs `superset import-dashboards`. SupersetBundleTest
(nifi-twin-integration-tests) checks every uuid reference and every column against the index templates.
"""
import os
import shutil
import uuid

import yaml

NS = uuid.UUID("1b7e0c52-7f3d-4d8c-9c55-2f3b8f7a4e61")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dashboards")
V = "1.0.0"


def uid(*parts):
    return str(uuid.uuid5(NS, "/".join(parts)))


DB = {"database_name": "Factory Twin Elasticsearch", "uuid": uid("database"),
      "sqlalchemy_uri": "elasticsearch+http://elasticsearch:9200/"}

# Superset column types as elasticsearch-dbapi reports them; every column must be mapped in the index template.
TYPES = {"keyword": "STRING", "text": "STRING", "date": "DATETIME", "double": "DOUBLE", "float": "FLOAT",
         "long": "LONG", "boolean": "BOOLEAN"}
READING_COLUMNS = {
    "machine_id": "keyword", "machine_type": "keyword", "timestamp": "date", "temperature": "double",
    "vibration": "double", "rpm": "double", "state": "keyword", "failure_mode": "keyword",
    "remaining_useful_life": "long", "sensor_fault": "keyword", "anomaly_score": "double",
    "is_anomaly": "boolean", "anomaly_feature": "keyword", "anomaly_feature_value": "double",
    "anomaly_explanation": "text", "health_score": "double", "health_status": "keyword",
    "estimated_time_to_maintenance": "long"}
ALERT_COLUMNS = {
    "alert_id": "keyword", "machine_id": "keyword", "machine_type": "keyword", "timestamp": "date",
    "severity": "keyword", "alert_event": "keyword", "reason": "text", "health_score": "double",
    "estimated_time_to_maintenance": "long"}
DATASETS = {"twin-readings": READING_COLUMNS, "twin-anomalies": READING_COLUMNS, "twin-alerts": ALERT_COLUMNS,
            "twin-alerts-current": ALERT_COLUMNS}


def dataset(table, columns):
    return {
        "table_name": table, "main_dttm_col": "timestamp", "description": f"Elasticsearch index {table}",
        "default_endpoint": None, "offset": 0, "cache_timeout": None, "schema": None, "sql": None,
        "params": None, "template_params": None, "filter_select_enabled": True, "fetch_values_predicate": None,
        "extra": None, "normalize_columns": False, "always_filter_main_dttm": False,
        "uuid": uid("dataset", table),
        "metrics": [{"metric_name": "count", "verbose_name": "COUNT(*)", "metric_type": "count",
                     "expression": "COUNT(*)", "description": None, "d3format": None, "currency": None,
                     "extra": {"warning_markdown": ""}, "warning_text": None}],
        "columns": [{"column_name": c, "verbose_name": None, "is_dttm": t == "date", "is_active": True,
                     "type": TYPES[t], "advanced_data_type": None, "groupby": t != "text", "filterable": True,
                     "expression": None, "description": None, "python_date_format": None, "extra": None}
                    for c, t in columns.items()],
        "version": V, "database_uuid": DB["uuid"]}


def metric(agg, column, label):
    return {"expressionType": "SIMPLE", "aggregate": agg, "label": label,
            "column": {"column_name": column}, "hasCustomLabel": True, "optionName": "metric_" + label.replace(" ", "_")}


def time_filter(since):
    return {"clause": "WHERE", "subject": "timestamp", "operator": "TEMPORAL_RANGE", "comparator": since,
            "expressionType": "SIMPLE"}


CHARTS = [
    ("Fleet Health Overview", "twin-readings", "table", {
        "query_mode": "aggregate", "groupby": ["machine_id", "machine_type"],
        "metrics": [metric("AVG", "health_score", "health score"), metric("MIN", "health_score", "lowest health score"),
                    metric("MAX", "anomaly_score", "highest anomaly score")],
        "adhoc_filters": [time_filter("Last hour")], "row_limit": 1000,
        "order_desc": False, "timeseries_limit_metric": metric("AVG", "health_score", "health score"),
        "table_timestamp_format": "smart_date"}),
    ("Machines by Health Status", "twin-readings", "pie", {
        "groupby": ["health_status"], "metric": "count", "adhoc_filters": [time_filter("Last 15 minutes")],
        "row_limit": 100, "show_labels": True, "show_legend": True, "donut": True}),
    ("Live Sensor Trends", "twin-readings", "echarts_timeseries_line", {
        "x_axis": "timestamp", "time_grain_sqla": "PT1M", "groupby": ["machine_id"],
        "metrics": [metric("AVG", "temperature", "temperature"), metric("AVG", "vibration", "vibration"),
                    metric("AVG", "rpm", "rpm")],
        "adhoc_filters": [time_filter("Last hour")], "row_limit": 10000, "truncate_metric": True,
        "show_legend": True, "rich_tooltip": True}),
    ("Anomalies per Machine", "twin-anomalies", "echarts_timeseries_bar", {
        "x_axis": "machine_id", "groupby": ["anomaly_feature"], "metrics": ["count"],
        "adhoc_filters": [time_filter("Last 24 hours")], "row_limit": 1000, "stack": "Stack",
        "show_legend": True}),
    # One row per machine whose latest alert event is not RECOVERED (twin-alerts-current holds each machine's
    # latest event), however long ago it was raised.
    ("Open Alerts", "twin-alerts-current", "table", {
        "query_mode": "raw",
        "all_columns": ["timestamp", "machine_id", "severity", "alert_event", "reason", "health_score",
                        "estimated_time_to_maintenance"],
        "order_by_cols": ["[\"timestamp\", false]"],
        "adhoc_filters": [{"clause": "WHERE", "subject": "alert_event", "operator": "NOT IN",
                           "comparator": ["RECOVERED"], "expressionType": "SIMPLE"}],
        "row_limit": 200, "table_timestamp_format": "%Y-%m-%d %H:%M:%S"}),
    ("Time to Maintenance", "twin-readings", "table", {
        "query_mode": "aggregate", "groupby": ["machine_id", "health_status"],
        "metrics": [metric("MIN", "estimated_time_to_maintenance", "seconds to maintenance"),
                    metric("AVG", "health_score", "health score")],
        "adhoc_filters": [time_filter("Last 15 minutes")], "row_limit": 1000, "order_desc": False,
        "timeseries_limit_metric": metric("MIN", "estimated_time_to_maintenance", "seconds to maintenance")}),
]


def chart(title, table, viz, params):
    p = {"viz_type": viz, **params}
    return {"slice_name": title, "description": None, "certified_by": None, "certification_details": None,
            "viz_type": viz, "params": p, "query_context": None, "cache_timeout": None,
            "uuid": uid("chart", title), "version": V, "dataset_uuid": uid("dataset", table)}


def dashboard(charts):
    position = {"DASHBOARD_VERSION_KEY": "v2",
                "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
                "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
                "HEADER_ID": {"type": "HEADER", "id": "HEADER_ID", "meta": {"text": "Factory Twin"}}}
    rows = [charts[0:2], charts[2:3], charts[3:5], charts[5:6]]
    widths = [[8, 4], [12], [5, 7], [12]]
    for r, (row, ws) in enumerate(zip(rows, widths)):
        row_id = f"ROW-{r + 1}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {"type": "ROW", "id": row_id, "children": [], "parents": ["ROOT_ID", "GRID_ID"],
                            "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        for c, w in zip(row, ws):
            cid = "CHART-" + c["uuid"][:8]
            position[row_id]["children"].append(cid)
            position[cid] = {"type": "CHART", "id": cid, "children": [], "parents": ["ROOT_ID", "GRID_ID", row_id],
                             "meta": {"chartId": 0, "height": 50, "width": w, "uuid": c["uuid"],
                                      "sliceName": c["slice_name"]}}
    return {"dashboard_title": "Factory Twin", "description": None, "css": "", "slug": "factory-twin",
            "certified_by": None, "certification_details": None, "published": True,
            "uuid": uid("dashboard", "factory-twin"), "position": position,
            "metadata": {"refresh_frequency": 30, "timed_refresh_immune_slices": [], "expanded_slices": {},
                         "color_scheme": "supersetColors", "label_colors": {}, "shared_label_colors": [],
                         "color_scheme_domain": [], "cross_filters_enabled": True,
                         "native_filter_configuration": [], "chart_configuration": {}, "default_filters": "{}"},
            "version": V}


def write(path, doc):
    full = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True, width=120)


def safe(name):
    return "".join(ch if ch.isalnum() else "_" for ch in name)


if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    write("metadata.yaml", {"version": V, "type": "Dashboard", "timestamp": "2026-11-25T00:00:00+00:00"})
    write(f"databases/{safe(DB['database_name'])}.yaml", {
        "database_name": DB["database_name"], "sqlalchemy_uri": DB["sqlalchemy_uri"], "cache_timeout": None,
        "expose_in_sqllab": True, "allow_run_async": False, "allow_ctas": False, "allow_cvas": False,
        "allow_dml": False, "allow_csv_upload": False, "extra": {"allows_virtual_table_explore": True},
        "uuid": DB["uuid"], "version": V})
    for table, columns in DATASETS.items():
        write(f"datasets/{safe(DB['database_name'])}/{safe(table)}.yaml", dataset(table, columns))
    charts = [chart(*c) for c in CHARTS]
    for c in charts:
        write(f"charts/{safe(c['slice_name'])}.yaml", c)
    write("dashboards/Factory_Twin.yaml", dashboard(charts))
