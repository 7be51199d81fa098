"""Where Bellbar keeps its files, from platformdirs.

XDG_* variables move every directory, which the tests rely on. A *profile*
(e.g. "demo") gets its own set of directories so a demo run never touches
the user's real accounts or cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "bellbar"


@dataclass(frozen=True, slots=True)
class AppPaths:
    """The config, data, cache and log directories of one profile."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @classmethod
    def for_profile(cls, profile: str = "") -> AppPaths:
        """Directories for `profile` ("" is the user's normal profile)."""
        dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
        suffix = Path(profile) if profile else Path()
        return cls(
            config_dir=Path(dirs.user_config_dir) / suffix,
            data_dir=Path(dirs.user_data_dir) / suffix,
            cache_dir=Path(dirs.user_cache_dir) / suffix,
            log_dir=Path(dirs.user_log_dir) / suffix,
        )

    def all_dirs(self) -> tuple[Path, ...]:
        return (self.config_dir, self.data_dir, self.cache_dir, self.log_dir)

    def ensure(self) -> None:
        """Create the directories, private to the user."""
        for directory in self.all_dirs():
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.json"

    @property
    def cache_db(self) -> Path:
        return self.data_dir / "inbox.sqlite3"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "bellbar.log"
