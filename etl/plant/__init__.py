"""Plant telemetry: the welding line and the gallium recovery line (issue 4).

simulate.py writes MES-like logs; telemetry.py validates them and writes hive-partitioned Parquet;
kpi.py keeps the small daily aggregate tables and the KPI observations; the control charts are
SQL views (etl/views/1xx_*.sql).
"""
