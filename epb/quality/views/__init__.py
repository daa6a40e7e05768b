"""Pages of the quality module: the "1190" board (S1), early warning and reports (S8), sites,
imports, and the public page. Every read goes through the jurisdiction filter."""

from epb.quality.views.board import board_view, quotas_view, target_edit, target_view
from epb.quality.views.imports import (
    import_cancel,
    import_commit,
    import_detail,
    import_template,
    imports_view,
)
from epb.quality.views.sites import (
    noise_point_edit,
    noise_point_view,
    noise_points_view,
    sample_new,
    site_edit,
    site_month,
    site_view,
    sites_view,
    station_edit,
    station_view,
    stations_view,
)
from epb.quality.views.warnings import (
    public_view,
    report_view,
    thresholds_view,
    warning_acknowledge,
    warning_close,
    warning_view,
    warnings_view,
)

__all__ = [
    "board_view",
    "import_cancel",
    "import_commit",
    "import_detail",
    "import_template",
    "imports_view",
    "noise_point_edit",
    "noise_point_view",
    "noise_points_view",
    "public_view",
    "quotas_view",
    "report_view",
    "sample_new",
    "site_edit",
    "site_month",
    "site_view",
    "sites_view",
    "station_edit",
    "station_view",
    "stations_view",
    "target_edit",
    "target_view",
    "thresholds_view",
    "warning_acknowledge",
    "warning_close",
    "warning_view",
    "warnings_view",
]
