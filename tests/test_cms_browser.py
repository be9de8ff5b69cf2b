"""The web editor (Decap CMS at /admin/, bundled into the site) against Decap's
local backend (decap-server on 127.0.0.1): an action created in the browser is
written to content/actions/ on its pull-request branch and passes validation."""

from __future__ import annotations

import os
import socket
import subprocess
import time

import pytest
import yaml

from helpers import AUTHORITY, ROOT, VALID_ACTION, action, make_content, run_pelican
from support.server import serve_directory
from urgent_actions.content.loading import load_site

SERVER = ROOT / "node_modules" / "decap-server" / "dist" / "index.js"


# An action whose targets greet in both forms: one salutation per language, and
# one string (the language of the first letter) twice.
MAPPING = {"fr": "Monsieur le Ministre,", "en": "Dear Minister,"}
SALUTATIONS_ACTION = action(
    case="UA 046/26",
    title="Égypte : des formules d'appel par langue",
    targets=[
        {"name": "Ministre de la Justice", "salutation": MAPPING, "email": "ministre@example.org"},
        {"name": "Ambassade d'Égypte", "salutation": "Monsieur l'Ambassadeur,", "email": "ambassade@example.org"},
        {"name": "Procureur général", "salutation": AUTHORITY["salutation"], "email": "procureur@example.org"},
    ],
    letters=[
        {"language": "fr", "subject": "Libérez-le", "body": "Je vous écris.\n"},
        {"language": "en", "subject": "Release him", "body": "I am writing to you.\n"},
    ],
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def cms(tmp_path_factory):
    repo = tmp_path_factory.mktemp("cms-repo")
    make_content(repo, {"egypte-chercheur": VALID_ACTION, "egypte-salutations": SALUTATIONS_ACTION})
    git = ["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "content"], check=True)
    port = free_port()
    env = {**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": "git", "GIT_REPO_DIRECTORY": str(repo)}
    log = repo.parent / f"{repo.name}-decap-server.log"
    with open(log, "wb") as sink:
        server = subprocess.Popen(["node", str(SERVER)], env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("decap-server did not start: " + log.read_text(errors="replace"))
        backend = f"http://127.0.0.1:{port}"
        output = tmp_path_factory.mktemp("cms-site") / "output"
        result = run_pelican(
            ROOT,
            repo / "content",
            output,
            overrides={"UA_CMS": {"local_backend": f"{backend}/api/v1"}, "UA_SEARCH": False},
        )
        assert result.returncode == 0, result.stderr
        yield {"repo": repo, "backend": backend, "output": output}
    finally:
        server.terminate()
        server.wait(10)


def test_the_editor_is_bundled_and_configured_from_the_content_model(cms):
    admin = cms["output"] / "admin"
    assert (admin / "decap-cms.js").stat().st_size > 1_000_000
    page = (admin / "index.html").read_text("utf-8")
    assert '<script src="decap-cms.js"></script>' in page and "https://" not in page
    assert "registerWidget" in (admin / "salutations.js").read_text("utf-8")  # the editor's own widget
    config = yaml.safe_load((admin / "config.yml").read_text("utf-8"))
    assert config["publish_mode"] == "editorial_workflow"
    collection = config["collections"][0]
    fields = {f["name"]: f for f in collection["fields"]}
    from urgent_actions.content.action_front import ActionFront

    assert set(ActionFront.model_fields) - {"status"} <= set(fields)  # every field of an action
    assert [o["value"] for o in fields["state"]["options"]] == ["open", "closed", "good-news"]
    assert {o["value"] for o in fields["themes"]["options"]} == {
        "detention-arbitraire",
        "defenseurs-des-droits",
        "torture",
    }
    for name in ("targets", "copies", "letters"):
        assert fields[name]["widget"] == "list" and fields[name]["fields"]


def _signed_in(open_page, cms, url: str, where: str):
    """A page of the web editor, signed in to the local backend, open at
    ``/admin/#/collections/actions/<where>``."""
    page = open_page(width=1280, base_url=url, allow_origins=(cms["backend"],))
    page.goto("/admin/")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("text=Actions urgentes")
    page.goto(f"{url}/admin/#/collections/actions/{where}")
    return page


def test_an_action_created_in_the_browser_is_a_valid_file_on_its_branch(cms, open_page, tmp_path):
    with serve_directory(cms["output"]) as url:
        page = _signed_in(open_page, cms, url, "new")
        page.get_by_label("Titre (120 caractères au plus)").fill("Pérou : une militante menacée")
        page.get_by_label("Numéro du dossier (UA n/aa)").fill("UA 123/26")
        page.get_by_label("Date de publication").fill("2026-11-24")
        page.get_by_label("Date limite (obligatoire si l'action est en cours) (optionnel)").fill("2027-01-05")
        page.get_by_label("Pays").fill("Pérou")
        page.keyboard.press("Enter")
        page.get_by_label("Thèmes").fill("Torture")
        page.keyboard.press("Enter")
        page.get_by_label("Résumé (texte simple, 280 caractères au plus)").fill("Ana Ejemplo est menacée.")
        page.get_by_role("button", name="Ajouter destinataires").click()
        page.get_by_label("Nom (obligatoire sans « ref »)").fill("Ministre de l'Intérieur (fictif)")
        page.get_by_label(
            "Formule d'appel (ex. « Monsieur le Ministre, ») : une seule, dans la langue de la première lettre, "
            "ou une par langue (« Ajouter une langue ») (optionnel)"
        ).first.fill("Monsieur le Ministre,")
        page.get_by_label("Courriel").first.fill("ministro@example.org")
        page.get_by_role("button", name="Ajouter lettres").click()
        page.get_by_label("Langue (code à deux lettres : fr, en, es…)").fill("fr")
        page.get_by_label("Objet").fill("Protégez Ana Ejemplo")
        page.get_by_label("Texte (paragraphes séparés par une ligne vide)").fill("Je vous écris.\n\nProtégez-la.")
        # A second language, once the letter exists: the first salutation takes its language.
        page.get_by_role("button", name="Ajouter une langue").click()
        assert page.get_by_label("Formule d'appel : français (fr)").input_value() == "Monsieur le Ministre,"
        page.get_by_label("Formule d'appel : anglais (en)").fill("Dear Minister,")
        page.locator("[data-slate-editor='true']").last.click()
        page.keyboard.type("Ana Ejemplo défend les droits de sa communauté.")
        page.get_by_role("button", name="Enregistrer").first.click()
        branch = "cms/actions/perou-une-militante-menacee"
        # The backend creates the branch, then commits the file on it: wait
        # for the file itself, not only for the branch.
        show = ["git", "-C", str(cms["repo"]), "show", f"{branch}:content/actions/perou-une-militante-menacee.md"]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            saved = subprocess.run(show, capture_output=True, text=True, check=False)
            if saved.returncode == 0:
                break
            page.wait_for_timeout(300)  # lets Playwright serve the page's requests meanwhile
        branches = subprocess.run(
            ["git", "-C", str(cms["repo"]), "branch"], capture_output=True, text=True, check=False
        ).stdout
        if saved.returncode != 0:
            page.screenshot(path=str(tmp_path / "cms.png"), full_page=True)
        assert branch in branches, (branches, str(tmp_path / "cms.png"))
        assert saved.returncode == 0, (saved.stderr, str(tmp_path / "cms.png"))
    text = saved.stdout
    # The file passes the same validation as the build.
    content = make_content(tmp_path, {})
    (content / "actions" / "perou-une-militante-menacee.md").write_text(text, "utf-8")
    site = load_site(str(content))
    created = site.actions[0]
    assert created.front.country == "PE" and created.front.themes == ["torture"]
    assert created.front.targets[0].emails == ["ministro@example.org"]
    assert created.front.targets[0].salutation == {"fr": "Monsieur le Ministre,", "en": "Dear Minister,"}
    assert "Ana Ejemplo défend" in created.body


def wait_for_change(page, repo, branch: str, path: str) -> subprocess.CompletedProcess:
    """The file as the editor committed it on its branch (bounded wait). The
    backend makes the branch from main first, with the file unchanged: wait
    for the file to differ from main's."""
    show = ["git", "-C", str(repo), "show"]
    before = subprocess.run([*show, f"main:{path}"], capture_output=True, text=True, check=True).stdout
    deadline = time.monotonic() + 20
    while True:
        saved = subprocess.run([*show, f"{branch}:{path}"], capture_output=True, text=True, check=False)
        if (saved.returncode == 0 and saved.stdout != before) or time.monotonic() > deadline:
            return saved
        page.wait_for_timeout(300)  # lets Playwright serve the page's requests meanwhile


def test_salutations_per_language_are_edited_and_saved_in_the_shape_of_the_file(cms, open_page, tmp_path):
    with serve_directory(cms["output"]) as url:
        page = _signed_in(open_page, cms, url, "entries/egypte-salutations")
        page.get_by_text("3 destinataires").wait_for()
        for name in ("Ministre de la Justice", "Ambassade d'Égypte", "Procureur général"):
            item = page.get_by_text(name, exact=True).locator("xpath=ancestor::div[.//button][1]")
            item.locator("button").first.click()  # the chevron that unfolds the target
        # The mapping is shown one row per language; a string is one plain row.
        english = page.get_by_label("Formule d'appel : anglais (en)")
        assert english.input_value() == "Dear Minister,"
        assert page.get_by_label("Formule d'appel : français (fr)").input_value() == "Monsieur le Ministre,"
        english.fill("Dear Minister of Justice,")
        preview = page.frame_locator("iframe").first
        preview.get_by_text("fr : Monsieur le Ministre, · en : Dear Minister of Justice,").wait_for()
        # A second language turns the embassy's string into a mapping.
        page.get_by_role("button", name="Ajouter une langue").nth(1).click()
        page.get_by_label("Formule d'appel : anglais (en)").nth(1).fill("Dear Ambassador,")
        page.screenshot(path=str(tmp_path / "salutations.png"), full_page=True)
        page.get_by_role("button", name="Enregistrer").first.click()
        saved = wait_for_change(
            page, cms["repo"], "cms/actions/egypte-salutations", "content/actions/egypte-salutations.md"
        )
        assert saved.returncode == 0, (saved.stderr, str(tmp_path / "salutations.png"))
    front = yaml.safe_load(saved.stdout.split("---\n")[1])
    salutations = [target["salutation"] for target in front["targets"]]
    assert salutations == [
        {"fr": "Monsieur le Ministre,", "en": "Dear Minister of Justice,"},
        {"fr": "Monsieur l'Ambassadeur,", "en": "Dear Ambassador,"},
        AUTHORITY["salutation"],  # untouched: still one string
    ]
    assert list(salutations[0]) == ["fr", "en"]  # the file's order
    # The build's validation accepts it, and the English letter greets in English.
    content = make_content(tmp_path, {})
    (content / "actions" / "egypte-salutations.md").write_text(saved.stdout, "utf-8")
    site = load_site(str(content))
    saved_action = next(a for a in site.actions if a.front.case == "UA 046/26")
    letters = {letter.language: letter for letter in saved_action.model_letters}
    assert letters["en"].salutation == "Dear Minister of Justice,"
    assert letters["fr"].salutation == "Monsieur le Ministre,"
