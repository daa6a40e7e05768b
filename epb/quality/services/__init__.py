"""Every write of the quality module: sites, results, targets, quotas, thresholds, warnings."""

from epb.quality.services.imports import (
    cancel_import,
    commit_import,
    import_results,
    plan_import,
    upload_import,
)
from epb.quality.services.samples import record_water_sample, set_validity
from epb.quality.services.sites import (
    record_quota_progress,
    save_quota,
    save_site,
    save_target,
    save_threshold,
    save_water_body,
)
from epb.quality.services.warnings import acknowledge_warning, check_samples, close_warning, daily_check

__all__ = [
    "acknowledge_warning",
    "cancel_import",
    "check_samples",
    "close_warning",
    "commit_import",
    "daily_check",
    "import_results",
    "plan_import",
    "record_quota_progress",
    "record_water_sample",
    "save_quota",
    "save_site",
    "save_target",
    "save_threshold",
    "save_water_body",
    "set_validity",
    "upload_import",
]
