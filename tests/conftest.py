"""Shared fixtures: the bundled ontology, loaded once, and editable copies of its files."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import ontology

FIXTURES = Path(__file__).parent / "fixtures"
FRAMEWORKS_MD = FIXTURES / "FRAMEWORKS.md"


@pytest.fixture(scope="session")
def onto():
    return ontology.load()


@pytest.fixture(scope="session")
def model(onto):
    return onto.model


@pytest.fixture(scope="session")
def extractor():
    """The evidence step with the bundled ontology, policy and calibrated combiner."""
    from evidence.extract import Extractor

    return Extractor.create()


@pytest.fixture()
def ontology_copy(tmp_path) -> Path:
    """A writable copy of the bundled ontology files; returns the entry file."""
    target = tmp_path / "onto"
    shutil.copytree(ontology.bundled_entry().parent, target)
    return target / "competency.ttl"


def framework_codes() -> set[str]:
    """Every code FRAMEWORKS.md names, with `X.a`…`X.b` ranges expanded (keeping zero padding)."""
    text = FRAMEWORKS_MD.read_text(encoding="utf-8")
    codes = set(re.findall(r"`([A-Z]{2}(?:\.[A-Za-z0-9]+)+)`", text))
    for prefix, a, b in re.findall(r"`([A-Z]{2}(?:\.[A-Za-z]+)*)\.(\d+)`…`\1\.(\d+)`", text):
        for k in range(int(a), int(b) + 1):
            codes.add(f"{prefix}.{str(k).zfill(len(a))}")
    codes |= {"CO", "GW", "CC", "OA", "SQ"}
    codes |= {f"GW.{c}.{s}" for c in ("IN", "SP", "RR", "SR", "CI", "RM") for s in ("Sb", "Si", "Sa")}
    return codes


def gw_matrix() -> dict[str, dict[str, str]]:
    text = FRAMEWORKS_MD.read_text(encoding="utf-8")
    return {pos: dict(zip(("IN", "SP", "RR", "SR", "CI", "RM"), (c.strip() for c in cells.split("|"))))
            for pos, cells in re.findall(r"\| (GW\.POS\.\d\d) \| (.+) \|", text)}
