"""What one theme run is given and what it gives back, shared by full and incremental runs."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sddkit.themes.cluster import ClusterSettings
from sddkit.themes.embed import Vectors
from sddkit.themes.families import FamilySettings, ThemeFamily
from sddkit.themes.ids import MatchSettings
from sddkit.themes.space import SpaceSettings, ThemeSpace
from sddkit.themes.store import StoredTheme


@dataclass(frozen=True)
class ThemeSettings:
    space: SpaceSettings = field(default_factory=SpaceSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)
    match: MatchSettings = field(default_factory=MatchSettings)
    incremental_max_share: float = 0.25  # new tickets / tickets seen, above it: full run
    incremental_max_runs: int = 6  # runs since the model was fitted, above it: full run
    families: FamilySettings = field(default_factory=FamilySettings)
    title_language: str = "en"  # titles in the team's language where tickets allow


@dataclass
class RunResult:
    mode: str
    themes: list[StoredTheme]
    members: list[tuple[str, str | None, float]]
    model_state: bytes | None
    model_run: int | None
    families: list[ThemeFamily] = field(default_factory=list)
    space: ThemeSpace | None = None  # the run's vector space (families compare meanings in it)
    vectors: Vectors | None = None  # every corpus row's vector, when the run computed them


def for_space(settings: ClusterSettings, space: ThemeSpace) -> ClusterSettings:
    """The subject-level join (`connect`) reads meaning: in a letters-only space (the
    n-gram backend) two texts' nearest neighbours share spelling, not a subject."""
    return settings if space.semantic_weight > 0 else replace(settings, connect_neighbours=0)
