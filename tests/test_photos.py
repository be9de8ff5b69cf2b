"""An action's photo as a phone takes it: nothing identifying is published, every copy is
upright and light, every action has a share card, and a phone downloads the right copy."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from test_build import tree_digest

from helpers import action, make_content, run_pelican
from support.photos import GPS, MAKE, MODEL, SERIAL, is_upright, phone_photo
from support.server import serve_directory
from urgent_actions import urls
from urgent_actions.render.cards import card_image, draw_card, encode_card
from urgent_actions.site.outputs import CardPlan

SLUG = "egypte-chercheur"
ALT = "Portrait de Karim Example devant un mur rouge et bleu"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".webp", ".png", ".avif")


@pytest.fixture(scope="module")
def photo_site(tmp_path_factory):
    """A site whose action has the phone photo, chosen for the postal mailing."""
    root = tmp_path_factory.mktemp("photos")
    content = make_content(
        root,
        {SLUG: action(image="images/karim.jpg", image_alt=ALT, post=True, deadline="2027-01-31")},
    )
    (content / "images").mkdir()
    original = phone_photo(content / "images" / "karim.jpg")
    output = root / "output"
    result = run_pelican(root, content, output, overrides={"UA_SEARCH": False})
    assert result.returncode == 0, result.stderr + result.stdout
    return output, original


def published_images(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)


def test_the_original_is_never_published(photo_site):
    output, original = photo_site
    data = original.read_bytes()
    assert not (output / "images").exists()
    for path in output.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert content != data, path
            for secret in (SERIAL, MAKE, MODEL):
                assert secret.encode() not in content, (path, secret)


def test_every_image_has_no_metadata_is_upright_and_light(photo_site):
    output, _ = photo_site
    images = published_images(output)
    copies = [p for p in images if p.parent.name == urls.PHOTOS.rstrip("/")]
    assert len(copies) >= 6, images
    for path in images:
        assert path.stat().st_size <= 500_000, path
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "photoshop"} & set(image.info)
            assert not image.getexif().get_ifd(0x8825), path
            if path in copies:
                assert is_upright(image), path
                assert image.width <= 1400, path


def test_the_share_card_is_1200_by_630_and_light(photo_site):
    output, _ = photo_site
    card = output / urls.share_card(SLUG)
    assert card.stat().st_size < 300_000
    with Image.open(card) as image:
        assert image.size == (1200, 630)
        assert image.format == "JPEG" and not image.getexif()
    page = (output / urls.action_save_as(SLUG)).read_text("utf-8")
    url = f"http://127.0.0.1:8000/{urls.share_card(SLUG)}"
    assert f'<meta property="og:image" content="{url}">' in page
    assert f'<meta name="twitter:image" content="{url}">' in page
    assert f'<meta property="og:image:alt" content="{ALT}">' in page
    assert f'<meta name="twitter:image:alt" content="{ALT}">' in page


def test_an_action_without_photo_gets_a_drawn_card(tmp_path):
    content = make_content(tmp_path)
    output = tmp_path / "output"
    assert run_pelican(tmp_path, content, output, overrides={"UA_SEARCH": False}).returncode == 0
    with Image.open(output / urls.share_card(SLUG)) as card:
        assert card.size == (1200, 630)
        # The site's yellow band on top, white paper below.
        assert card.convert("RGB").getpixel((600, 20)) == pytest.approx((255, 230, 0), abs=12)
    page = (output / urls.action_save_as(SLUG)).read_text("utf-8")
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert "<picture>" not in page


def test_the_editions_use_a_small_jpeg(photo_site):
    output, _ = photo_site
    email = (output / urls.email_html(SLUG)).read_text("utf-8")
    src = re.search(r'<img src="http://127\.0\.0\.1:8000/([^"]+)"', email).group(1)
    copy = output / src
    assert copy.suffix == ".jpeg" and copy.stat().st_size <= 200_000
    with Image.open(copy) as image:
        assert image.width <= 1200 and is_upright(image)
    pdfs = list((output / urls.ENVOIS).glob("courrier-*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].stat().st_size < 3_000_000
    assert b"/DCTDecode" in pdfs[0].read_bytes()  # the photo is in it


def test_a_phone_at_360_px_loads_the_720_webp_only(photo_site, browser):
    output, _ = photo_site
    with serve_directory(output) as url:
        context = browser.new_context(viewport={"width": 360, "height": 800}, device_scale_factor=2)
        try:
            page = context.new_page()
            loaded = []
            page.on("requestfinished", lambda r: loaded.append(r) if f"/{urls.PHOTOS}" in r.url else None)
            page.goto(f"{url}/{urls.action_url(SLUG)}")
            page.locator(".action__image img").scroll_into_view_if_needed()
            page.wait_for_function("document.querySelector('.action__image img').complete", timeout=10_000)
            box = page.locator(".action__image img").bounding_box()
            names = [r.url.rsplit("/", 1)[1] for r in loaded]
            assert len(names) == 1 and names[0].endswith("-720.webp"), names
            weight = sum(r.sizes()["responseBodySize"] for r in loaded)
            assert weight <= 150_000, weight
            # width and height given: the box has the photo's proportions before and after loading
            assert box["height"] == pytest.approx(box["width"] * 4032 / 3024, rel=0.02)
        finally:
            context.close()


def test_check_names_the_photo_and_strip_removes_what_identifies(tmp_path):
    from urgent_actions.content.images import identifying_problems
    from urgent_actions.tools.photos import strip

    (tmp_path / "images").mkdir()
    photo = phone_photo(tmp_path / "images" / "karim.jpg")
    problems = [str(p) for p in identifying_problems(str(tmp_path))]
    assert len(problems) == 1 and "karim.jpg" in problems[0] and "GPS position" in problems[0]
    assert "device serial number" in problems[0] and "./dev images --strip" in problems[0]
    with Image.open(photo) as before:
        pixels = before.tobytes()
    strip(str(photo))
    assert identifying_problems(str(tmp_path)) == []
    data = photo.read_bytes()
    for secret in (SERIAL, MAKE, MODEL):
        assert secret.encode() not in data
    with Image.open(io.BytesIO(data)) as after:
        assert after.tobytes() == pixels  # not encoded again
        assert dict(after.getexif()) == {0x0112: 6}  # the orientation is kept
        assert not after.getexif().get_ifd(0x8825)
    assert GPS  # the photo had one: see support/photos.py


def test_image_focus_is_checked(tmp_path, monkeypatch):
    from helpers import problems_for

    found = problems_for(tmp_path, monkeypatch, {SLUG: action(image_focus=[0.5, 0.5])})
    assert "content/actions/egypte-chercheur.md: image_focus: given without an image" in found
    found = problems_for(
        tmp_path, monkeypatch, {SLUG: action(image="themes.yml", image_alt="x", image_focus=[1.5, 0.2, 0.1])}
    )
    assert any(p.startswith("content/actions/egypte-chercheur.md: image_focus") for p in found), found


def _bad_images(images: Path) -> dict[str, str]:
    """Bad files an editor could upload, each with what the build must say of it."""
    (images / "renamed.jpg").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    good = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 90, 90)).save(good, "JPEG", quality=90)
    (images / "cut.jpg").write_bytes(good.getvalue()[: len(good.getvalue()) // 2])
    Image.new("1", (10_000, 10_000)).save(images / "bomb.png")  # 100 megapixels, 12 KB
    with open(images / "huge.jpg", "wb") as handle:
        handle.write(good.getvalue())
        handle.truncate(31 * 1024 * 1024)
    Image.new("RGB", (40, 40)).save(images / "animated.gif")
    (images / "drawing.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    (images / "drawing.jpg").write_text('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>')
    return {
        "renamed.jpg": "content/images/renamed.jpg is a PDF, whatever its name says: export a JPEG or PNG",
        "cut.jpg": "content/images/cut.jpg is damaged or cut short",
        "bomb.png": "content/images/bomb.png has too many pixels",
        "huge.jpg": "content/images/huge.jpg weighs 33 MB, at most 30 MB: export a smaller copy",
        "animated.gif": "content/images/animated.gif is a GIF file: export a JPEG or PNG",
        "drawing.svg": "content/images/drawing.svg is an SVG drawing, which may carry scripts: export it as a JPEG",
        "drawing.jpg": "content/images/drawing.jpg is an SVG drawing, which may carry scripts: export it as a JPEG",
    }


def test_bad_images_are_one_line_each_and_nothing_is_published(tmp_path):
    content = make_content(tmp_path)
    output = tmp_path / "output"
    assert run_pelican(tmp_path, content, output, overrides={"UA_SEARCH": False}).returncode == 0
    before = tree_digest(output)
    (content / "images").mkdir()
    expected = _bad_images(content / "images")
    files = {}
    for number, name in enumerate(expected, start=1):
        slug = "bad-" + name.replace(".", "-")
        files[slug] = action(case=f"UA {number}/26", image=f"images/{name}", image_alt="Une image")
    make_content(tmp_path, files)
    result = run_pelican(tmp_path, content, output, overrides={"UA_SEARCH": False})
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    problems = [line[2:] for line in result.stderr.splitlines() if line.startswith("  content/")]
    for name, message in expected.items():
        slug = "bad-" + name.replace(".", "-")
        assert any(p.startswith(f"content/actions/{slug}.md: image: {message}") for p in problems), (name, problems)
    assert len(problems) == len(expected), problems
    assert tree_digest(output) == before


def test_an_edit_of_the_text_encodes_no_photo_again(tmp_path):
    content = make_content(tmp_path, {SLUG: action(image="images/karim.jpg", image_alt=ALT)})
    (content / "images").mkdir()
    phone_photo(content / "images" / "karim.jpg", size=(800, 600))
    output, cache = tmp_path / "output", tmp_path / "cache"
    overrides = {"UA_SEARCH": False, "UA_CACHE_PATH": str(cache)}

    def build() -> dict[str, int]:
        result = run_pelican(tmp_path, content, output, overrides=overrides)
        assert result.returncode == 0, result.stderr
        return {p.name: p.stat().st_ino for p in (output / urls.PHOTOS).iterdir()}

    first = build()
    page = content / "actions" / f"{SLUG}.md"
    page.write_text(page.read_text("utf-8").replace("400 jours", "401 jours"), "utf-8")
    assert build() == first  # the same files, linked: not encoded again
    html = (output / urls.action_save_as(SLUG)).read_text("utf-8")
    assert "401 jours" in html and "<picture>" in html  # the read cache kept what it knows of the photo


def test_a_new_or_replaced_photo_renders_only_the_pages_that_show_it(tmp_path):
    other = "turquie-avocat"
    content = make_content(
        tmp_path,
        {
            SLUG: action(image="images/karim.jpg", image_alt=ALT),
            other: action(case="UA 3/24", country="TR", title="Turquie : un avocat menacé"),
        },
    )
    (content / "images").mkdir()
    phone_photo(content / "images" / "karim.jpg", size=(800, 600))
    output, cache = tmp_path / "output", tmp_path / "cache"
    overrides = {"UA_SEARCH": False, "UA_CACHE_PATH": str(cache)}

    def build(into: Path, **more) -> dict[str, int]:
        result = run_pelican(tmp_path, content, into, overrides={**overrides, **more})
        assert result.returncode == 0, result.stderr
        return {str(p.relative_to(into)): p.stat().st_ino for p in into.rglob("*") if p.is_file()}

    first = build(output)
    phone_photo(content / "images" / "karim.jpg", size=(600, 600))  # replaced
    phone_photo(content / "images" / "unused.jpg", size=(400, 300))  # added, shown by no action
    second = build(output)
    rendered = {path for path, inode in second.items() if first.get(path) != inode}
    assert urls.action_save_as(SLUG) in rendered and urls.share_card(SLUG) in rendered
    assert urls.action_save_as(other) not in rendered
    assert urls.share_card(other) not in rendered
    assert urls.NOT_FOUND not in rendered  # a page that shows no action
    # What it kept is what a build from scratch makes.
    fresh = tmp_path / "fresh"
    build(fresh, UA_INCREMENTAL=False)
    assert tree_digest(output) == tree_digest(fresh)


CARD_PLANS = [
    CardPlan("Actions urgentes", "UA 45/26 · Égypte", "Égypte : un chercheur détenu sans jugement depuis 400 jours",
             "Karim Exemple", "Agissez avant le 31 janvier 2027", 290_000),
    CardPlan("Actions urgentes", "UA 1/26 · Arabie saoudite", "Arabie saoudite : Nour Exemple (نور إكزامبل) détenue "
             "au secret depuis le 1er novembre, sans avocat ni visite de sa famille, menacée", "نور إكزامبل", "", 290_000),
    CardPlan("Réseau", "UA 3/24 · Turquie", "Turquie", "", "", 290_000),
    # Kerning inside words (AV, Te, L’Y, « V), the same words at other fractions of a
    # pixel, a title cut at four lines of 48 px with " …", people shortened.
    CardPlan("Actions urgentes", "UA 77/25 · Yémen", "Yémen : « Avocats » AVAV Tess L’Yémen, Tête-à-tête ; "
             "« Vœux » d’Ève, WAVE T. Te Te Te, l’avocat ÉTÉ 2025 — 12 % €, Ça ? Œuvre « Vivre » ÂÎÔ, "
             "et la suite coupée",
             "Théo Exemple, Ève Exemple, Ysé Exemple, Åsa Exemple, Wanda Exemple, Yves Exemple", "Agissez avant "
             "le 1er avril 2027", 290_000),
    # A stripe with no ink between the title and the people (the words skip it, the block does not).
    CardPlan("Actions urgentes", "UA 31/26 · Tunisie", "Bonne nouvelle : Sarra Exemple est libre", "Sarra Exemple", "",
             290_000),
]  # fmt: skip


@pytest.mark.parametrize("plan", CARD_PLANS, ids=["open", "four-lines-arabic", "short", "kerning-4", "blank-stripe"])
def test_a_drawn_card_is_the_jpeg_of_its_whole_picture(plan):
    """Only the groups of blocks a card's text touches are encoded, its text made of
    cached words: the file must be the one the whole picture drawn by Pillow makes, and show
    the band, the text and the bar."""
    data = draw_card(plan)
    assert data == encode_card(card_image(plan))
    assert len(data) < plan.max_bytes
    with Image.open(io.BytesIO(data)) as card:
        assert card.size == (1200, 630) and not card.info.get("exif")
        rgb = card.convert("RGB")
    assert rgb.getpixel((1100, 40)) == pytest.approx((255, 230, 0), abs=12)  # the band
    assert rgb.getpixel((600, 625)) == pytest.approx((27, 27, 27), abs=12)  # the bar
    title = rgb.crop((64, 200, 1136, 260)).convert("L")
    assert title.getextrema()[0] < 60  # the title's ink
    assert rgb.getpixel((1150, 300)) == pytest.approx((255, 255, 255), abs=6)  # paper
