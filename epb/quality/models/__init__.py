from epb.quality.models.samples import AirSample, ImportBatch, NoiseSample, WaterSample
from epb.quality.models.sites import AirStation, NoisePoint, WaterBody, WaterSite
from epb.quality.models.targets import ReductionQuota, Target
from epb.quality.models.warnings import EarlyWarning, Threshold

__all__ = [
    "AirSample",
    "AirStation",
    "EarlyWarning",
    "ImportBatch",
    "NoisePoint",
    "NoiseSample",
    "ReductionQuota",
    "Target",
    "Threshold",
    "WaterBody",
    "WaterSample",
    "WaterSite",
]
