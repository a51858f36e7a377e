"""A retrained model's files zipped for the database and unpacked on each machine."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from palabre.inbox.ml import bundle


def test_a_model_directory_comes_back_file_for_file(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.json").write_text('{"version": "lumiere-1"}')
    (model / "model.npz").write_bytes(b"\x00arrays")
    (model / "notes.txt").write_text("not a model file")
    copy = tmp_path / "machine-2" / "abc"
    bundle.unpack(bundle.pack(model), copy)
    assert sorted(p.name for p in copy.iterdir()) == ["model.json", "model.npz"]
    assert (copy / "model.npz").read_bytes() == b"\x00arrays"
    assert [p.name for p in copy.parent.iterdir()] == ["abc"]  # no work directory left


def test_unpacking_writes_only_flat_model_files_inside_the_directory(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../escaped.json", "{}")
        archive.writestr("/etc/evil.npz", "x")
        archive.writestr("run.py", "print('no')")
    target = tmp_path / "cache" / "v1"
    bundle.unpack(buffer.getvalue(), target)
    assert sorted(p.name for p in target.iterdir()) == ["escaped.json", "evil.npz"]
    assert not (tmp_path / "escaped.json").exists()


def test_a_directory_already_unpacked_is_left_as_it_is(tmp_path: Path) -> None:
    target = tmp_path / "v1"
    target.mkdir()
    (target / "model.json").write_text("first")
    other = tmp_path / "other"
    other.mkdir()
    (other / "model.json").write_text("second")
    bundle.unpack(bundle.pack(other), target)
    assert (target / "model.json").read_text() == "first"


@pytest.mark.django_db
def test_a_model_retrained_before_the_second_stage_keeps_the_base_second_stage(
    cast, settings, tmp_path: Path
) -> None:
    from palabre.inbox.ml.classifier import base_meaning, base_model
    from palabre.inbox.moderation import (
        workspace_meaning,
        workspace_model,
        workspace_model_store,
    )

    settings.VAR_DIR = tmp_path
    old = tmp_path / "old"
    base_model().save(old)  # model.json and model.npz, no meaning.json
    workspace_model_store(workspace=cast.workspace, directory=old, version="old-1")
    assert workspace_model(cast.workspace).version == base_model().version
    assert workspace_meaning(cast.workspace) is base_meaning()


@pytest.mark.django_db
def test_a_second_stage_retrained_on_another_embedding_layout_gives_way_to_the_base(
    cast, settings, tmp_path: Path
) -> None:
    """After an upgrade that changes what the second stage reads, a workspace's stored
    second stage cannot read the comments: the base's serves until it is retrained."""
    import dataclasses
    import json

    import numpy as np

    from palabre.inbox.ml import meaning
    from palabre.inbox.ml.classifier import base_meaning, base_model
    from palabre.inbox.moderation import workspace_meaning, workspace_model_store

    settings.VAR_DIR = tmp_path
    old = tmp_path / "old"
    base_model().save(old)
    base = base_meaning()
    narrow = dataclasses.replace(
        base,
        version="e5-before",
        abuse_coef=np.zeros(391, np.float32),
        kind_coef=np.zeros((10, 391), np.float32),
    )
    assert base.fits and not narrow.fits
    narrow.save(old)
    workspace_model_store(workspace=cast.workspace, directory=old, version="old-2")
    assert workspace_meaning(cast.workspace) is base_meaning()
    # The same width, read from another layout (the last layer alone, say): refused too.
    same = tmp_path / "same"
    base_model().save(same)
    base.save(same)
    meta = json.loads((same / meaning.META).read_text())
    (same / meaning.META).write_text(json.dumps(meta | {"layout": meaning.LAST_LAYER_ONLY}))
    workspace_model_store(workspace=cast.workspace, directory=same, version="old-3")
    assert workspace_meaning(cast.workspace) is base_meaning()
