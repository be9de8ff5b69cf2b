"""Several builds in one process, with one Pelican object, as ``pelican --autoreload`` does.

Each build starts afresh: what a file said at the previous build is not
remembered (an image replaced between two builds), a build that failed is
aborted by the next one, which publishes where the failed one would have, and
the plugin keeps nothing on Pelican's object.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from helpers import BUILD_EPOCH, ROOT, action, make_content

# Run in a fresh interpreter: the builds register Pelican's signals and freeze
# objects (gc.freeze), which must not leak into the test process.
BUILDS = textwrap.dedent(
    """
    import json, os, re, shutil, sys
    from PIL import Image
    from pelican import Pelican
    from pelican.settings import read_settings

    root, content, output, incremental = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "on"
    settings = read_settings(os.path.join(root, "pelicanconf.py"), override={
        "PATH": content, "OUTPUT_PATH": output, "UA_INCREMENTAL": incremental,
        "UA_CACHE_PATH": os.path.join(os.path.dirname(output), "cache"),
    })
    pelican = Pelican(settings)
    image = os.path.join(content, "images", "photo.png")
    action = os.path.join(content, "actions", "egypte-chercheur.md")
    email = os.path.join(output, "envois", "egypte-chercheur", "courriel.html")
    report = {}

    def image_height():
        html = open(email, encoding="utf-8").read()
        # The email shows the photo's edition copy (photos/photo-<digest>-<width>.jpg).
        return int(re.search(r'<img[^>]*photos/photo-[^>]*height="(\\d+)"', html).group(1))

    Image.new("RGB", (536, 300), "red").save(image)
    pelican.run()
    report["first"] = image_height()

    Image.new("RGB", (536, 600), "blue").save(image)  # the same path, another size
    pelican.run()
    report["second"] = image_height()

    good = open(action, encoding="utf-8").read()
    open(action, "w", encoding="utf-8").write(good.replace("country: EG", "country: XX"))
    try:
        pelican.run()
        report["broken"] = "built"
    except Exception as exc:
        report["broken"] = type(exc).__name__
    report["output_path_after_failure"] = pelican.output_path
    open(action, "w", encoding="utf-8").write(good)
    Image.new("RGB", (536, 150), "green").save(image)
    pelican.run()
    report["after_failure"] = image_height()
    report["output_path"] = pelican.output_path
    report["left_beside"] = sorted(n for n in os.listdir(os.path.dirname(output)) if n.startswith(".output"))
    report["ua_attributes"] = sorted(name for name in vars(pelican) if name.startswith("_ua"))
    print(json.dumps(report))
    """
)


@pytest.mark.parametrize("incremental", ["on", "off"])
def test_builds_in_one_process_see_a_file_changed_between_them(tmp_path, incremental):
    front = action(image="images/photo.png", image_alt="Une photo", image_credit="Photo : exemple")
    content = make_content(tmp_path, {"egypte-chercheur": front})
    (content / "images").mkdir()
    output = tmp_path / "output"
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "PYTHONPATH": str(ROOT / "plugins")}
    result = subprocess.run(
        [sys.executable, "-c", BUILDS, str(ROOT), str(content), str(output), incremental],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # The email shows the image 536 pixels wide, as wide as the files: its height is theirs.
    assert (report["first"], report["second"]) == (300, 600)
    assert report["broken"] == "ContentError"
    assert report["output_path_after_failure"] != str(output)  # Pelican's is the staging directory
    assert report["after_failure"] == 150
    assert report["output_path"] == str(output)
    assert report["left_beside"] == ([".output.spare"] if incremental == "on" else [])
    assert report["ua_attributes"] == []


FIRST_EDIT = textwrap.dedent(
    """
    import logging, os, sys
    from pelican import Pelican
    from pelican.settings import read_settings

    root, content, output = sys.argv[1:4]
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    settings = read_settings(os.path.join(root, "pelicanconf.py"), override={
        "PATH": content, "OUTPUT_PATH": output,
        "UA_CACHE_PATH": os.path.join(os.path.dirname(output), "cache"),
    })
    pelican = Pelican(settings)
    pelican.run()  # the build ./dev serve starts with, from nothing
    action = os.path.join(content, "actions", "a.md")
    text = open(action, encoding="utf-8").read()
    open(action, "w", encoding="utf-8").write(text.replace("Un résumé", "Un autre résumé", 1))
    print("--- first edit")
    pelican.run()
    """
)


def test_the_first_edit_after_start_is_as_incremental_as_later_ones(tmp_path):
    """Pelican's Markdown reader changes the settings during the first build: the
    second build of one process must still take the first one's output as its own."""
    content = make_content(tmp_path, {"a": action(summary="Un résumé."), "b": action(case="UA 2/26")})
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "PYTHONPATH": str(ROOT / "plugins")}
    result = subprocess.run(
        [sys.executable, "-c", FIRST_EDIT, str(ROOT), str(content), str(tmp_path / "output")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    second = result.stdout.split("--- first edit", 1)[1]
    assert "Starting from the spare output" in second, second
    assert "does not match the cache" not in second
