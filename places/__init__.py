"""HueBot's gazetteer of Huế: where a citizen says the problem is.

```python
import places

gaz = places.load_gazetteer()            # the shipped files, or places.PlacesPaths(...)
gaz.find("kiet 12 Nguyen Hue gan cho Ben Ngu rac thai")   # Place | None
gaz.at(16.4637, 107.5909)                # Place (ward, nearest street, landmark) | None
gaz.ward_names(["thuan_hoa"], lang="en") # {"thuan_hoa": "Thuận Hóa ward"}
source = places.GazetteerSource(paths)   # .current() reloads when the files change
```

This package imports nothing of ``bot``, ``handlers`` or ``storage``; it uses the
text tools of ``nlu`` (folding, the ward-name matcher), and ``nlu`` does not import it.
"""

from __future__ import annotations

from places.config import PlacesConfig, PlacesPaths, resolve_paths
from places.gazetteer import Gazetteer
from places.loader import PlacesDataError
from places.model import Landmark, Place, PlaceKind, Relation, Street, Ward
from places.source import GazetteerSource, load_gazetteer

__all__ = [
    "Gazetteer",
    "GazetteerSource",
    "Landmark",
    "Place",
    "PlaceKind",
    "PlacesConfig",
    "PlacesDataError",
    "PlacesPaths",
    "Relation",
    "Street",
    "Ward",
    "load_gazetteer",
    "resolve_paths",
]
