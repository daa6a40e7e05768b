"""Flue-gas conversions for CEMS data (HJ 75-2017 / HJ 76-2017, GB 13223, GB 13271; HJ 212 App. D.2.3).

* O2 conversion (折算): ``C_ref = C × (21 − O2_ref) / (21 − O2_measured)``, both O2 in % on a dry
  basis; the excess-air form ``C × α / α_ref`` with ``α = 21 / (21 − O2)`` is the same thing.
  Near 21 % O2 (shutdown, purging, air leak) the factor blows up: at or above a plausibility cap
  (default 19 %, a setting, not a normative figure) the value is *not converted* and the result
  says so; such hours belong to status marking (停炉/启炉/停运), not to arithmetic.
* Wet to dry: ``C_dry = C_wet / (1 − X_sw)``.
* Working to standard state (same wet/dry basis):
  ``C_std = C_work × 101325 / (B_a + P_s) × (273 + t_s) / 273``.
* Standard dry flow: ``Q_sn = Q_s × 273 / (273 + t_s) × (B_a + P_s) / 101325 × (1 − X_sw)``,
  with ``Q_s = 3600 × F × V_s`` (m³/h) and ``V_s = K_v × point velocity``.
* ppm to mg/m³ at standard state: ``mg/m³ = µmol/mol × M / 22.4``; NOx as NO2 (mass)
  ``= C_NO × 46/30 + C_NO2``.

Pressures are in Pa, temperatures in °C, moisture as a volume fraction (0–1; HJ 212's a01014 is %).
The formulas use 273 and 22.4 as HJ 75 and its calculators do.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "MOLAR_MASS",
    "O2Conversion",
    "convert_o2",
    "excess_air_coefficient",
    "flow_from_velocity",
    "nox_as_no2",
    "ppm_to_mg_m3",
    "rescale_o2",
    "standard_dry_flow",
    "wet_to_dry",
    "working_to_standard",
]

AIR_O2_PCT = 21.0
STD_PRESSURE_PA = 101325.0
T0_K = 273.0
MOLAR_VOLUME_L = 22.4
DEFAULT_O2_CAP_PCT = 19.0

# g/mol, for ppm → mg/m³.
MOLAR_MASS = {"SO2": 64.06, "NO": 30.01, "NO2": 46.01, "CO": 28.01, "HCl": 36.46, "NH3": 17.03, "H2S": 34.08}


@dataclass(frozen=True)
class O2Conversion:
    value: float | None  # converted concentration; None when not converted
    factor: float | None  # (21 − O2_ref) / (21 − O2_measured)
    reason: str | None = None  # why it was not converted


def convert_o2(
    concentration: float, o2_measured_pct: float, o2_ref_pct: float, *, cap_pct: float = DEFAULT_O2_CAP_PCT
) -> O2Conversion:
    """The concentration converted to the reference O2 (折算), or why not (O2 implausible or capped)."""
    if not 0.0 <= o2_measured_pct < AIR_O2_PCT:
        return O2Conversion(None, None, f"measured O2 {o2_measured_pct} % is outside 0–21 %")
    if o2_measured_pct >= cap_pct:
        return O2Conversion(None, None, f"measured O2 {o2_measured_pct} % ≥ cap {cap_pct} %: not converted")
    factor = (AIR_O2_PCT - o2_ref_pct) / (AIR_O2_PCT - o2_measured_pct)
    return O2Conversion(concentration * factor, factor)


def rescale_o2(concentration: float, from_ref_pct: float, to_ref_pct: float) -> float:
    """A value converted at one reference O2 re-expressed at another (exact: both share O2_measured)."""
    if from_ref_pct == to_ref_pct:
        return concentration
    return concentration * (AIR_O2_PCT - to_ref_pct) / (AIR_O2_PCT - from_ref_pct)


def excess_air_coefficient(o2_pct: float) -> float:
    """α = 21 / (21 − O2); for standards that state an excess-air coefficient (GB 13223-2003: 1.4)."""
    if not 0.0 <= o2_pct < AIR_O2_PCT:
        raise ValueError(f"O2 {o2_pct} % is outside 0–21 %")
    return AIR_O2_PCT / (AIR_O2_PCT - o2_pct)


def wet_to_dry(concentration_wet: float, moisture_fraction: float) -> float:
    """C_dry = C_wet / (1 − X_sw); ``moisture_fraction`` is 0–1 (a01014 % / 100)."""
    if not 0.0 <= moisture_fraction < 1.0:
        raise ValueError(f"moisture fraction {moisture_fraction} is outside [0, 1)")
    return concentration_wet / (1.0 - moisture_fraction)


def working_to_standard(concentration: float, temp_c: float, static_pa: float, barometric_pa: float) -> float:
    """C_std = C_work × 101325 / (B_a + P_s) × (273 + t_s) / 273 (same wet/dry basis)."""
    absolute = barometric_pa + static_pa
    if absolute <= 0 or temp_c <= -T0_K:
        raise ValueError("absolute pressure and temperature must be positive")
    return concentration * STD_PRESSURE_PA / absolute * (T0_K + temp_c) / T0_K


def standard_dry_flow(
    flow_working_m3_h: float, temp_c: float, static_pa: float, barometric_pa: float, moisture_fraction: float
) -> float:
    """Q_sn = Q_s × 273 / (273 + t_s) × (B_a + P_s) / 101325 × (1 − X_sw), in m³/h."""
    if not 0.0 <= moisture_fraction < 1.0:
        raise ValueError(f"moisture fraction {moisture_fraction} is outside [0, 1)")
    if temp_c <= -T0_K:
        raise ValueError("temperature must be above absolute zero")
    return (
        flow_working_m3_h
        * T0_K
        / (T0_K + temp_c)
        * (barometric_pa + static_pa)
        / STD_PRESSURE_PA
        * (1.0 - moisture_fraction)
    )


def flow_from_velocity(area_m2: float, velocity_m_s: float, k_v: float = 1.0) -> float:
    """Working-state flow Q_s = 3600 × F × K_v × v (m³/h); K_v is the velocity-field coefficient."""
    return 3600.0 * area_m2 * k_v * velocity_m_s


def ppm_to_mg_m3(ppm: float, molar_mass: float) -> float:
    """µmol/mol to mg/m³ at standard state: × M / 22.4 (SO2 × 2.86, NO × 1.34, NO2 × 2.05)."""
    return ppm * molar_mass / MOLAR_VOLUME_L


def nox_as_no2(no_mg_m3: float, no2_mg_m3: float = 0.0) -> float:
    """NOx expressed as NO2 (mass): C_NO × 46/30 + C_NO2."""
    return no_mg_m3 * 46.0 / 30.0 + no2_mg_m3
