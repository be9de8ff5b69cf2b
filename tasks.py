"""Tasks for people and CI: ``invoke --list`` (or ``./dev --list``) shows them all."""

from __future__ import annotations

import os
import shutil
import sys

from invoke import task

ROOT = os.path.dirname(os.path.abspath(__file__))
PYTHON = sys.executable
OUTPUT = "output"


def pelican_command(settings="pelicanconf.py", output=OUTPUT, extra=""):
    """The one build command: Pelican itself, with the project's plugin."""
    return f'"{PYTHON}" -m pelican -s {settings} -o {output} --fatal warnings {extra}'.strip()


@task(help={"output": "directory to write the site to", "settings": "settings file"})
def build(c, output=OUTPUT, settings="pelicanconf.py"):
    """Build the site (validation first; a failed build leaves the output untouched)."""
    with c.cd(ROOT):
        c.run(pelican_command(settings, output), pty=False)


def _task_help(name: str) -> None:
    """Print a task's help and stop: a positional argument would otherwise take
    '--help' or '-h' as its value (invoke's parser gives it the token)."""
    import subprocess

    sys.exit(subprocess.call([PYTHON, "-m", "invoke", "--search-root", ROOT, "--help", name]))


HELP_TOKENS = ("-h", "--help")


def _whole_number(task_name: str, option: str, value, low: int = 0, high: int | None = None) -> int:
    """An option's value as a whole number, or one line saying what to write (no traceback):
    invoke would convert an ``int`` default's option itself, with a traceback on a typo."""
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    if number is None or number < low or (high is not None and number > high):
        bounds = f"from {low} to {high}" if high is not None else f"{low} or more"
        sys.exit(f"{task_name}: --{option} '{value}' is not a whole number {bounds}")
    return number


@task(
    help={
        "port": "port on 127.0.0.1 (default 8000)",
        "output": "directory to serve",
        "admin": "also build the web editor (/admin/): ./dev installs its npm packages first (about 530 MB, once)",
    }
)
def serve(c, port="8000", output=OUTPUT, admin=False):
    """Build, serve on http://127.0.0.1:PORT and rebuild when content or theme change.

    Stopped by Ctrl-C or any signal, it stops its build and its web server too.
    """
    from urgent_actions.speed import output_swap, warm
    from urgent_actions.tools.serve import ServeError
    from urgent_actions.tools.serve import serve as serve_site

    port = _whole_number("serve", "port", port, 1, 65535)
    os.chdir(ROOT)
    has_editor = os.path.isfile(os.path.join(ROOT, "node_modules", "decap-cms", "dist", "decap-cms.js"))
    if admin and not has_editor:
        sys.exit("serve: the web editor's npm packages are not installed: run ./dev serve --admin (or npm ci)")
    if not has_editor:
        print(
            "serve: the site is built without the web editor (/admin/); ./dev serve --admin "
            "installs its npm packages (about 530 MB, once)"
        )
    final = os.path.join(ROOT, output)

    def remove_leftovers():
        # A build stopped halfway leaves its staging directory: take it away now
        # rather than at the next build (the spare output is kept: it is whole).
        for path in (output_swap.staging_path(final), output_swap.leftover_path(final)):
            shutil.rmtree(path, ignore_errors=True)

    # One process that builds, then rebuilds on every change with one watcher for
    # its whole life (speed/warm.py): Pelican's --autoreload misses a save made as a build ends.
    builder, env = warm.command(PYTHON, "pelicanconf.py", output)
    try:
        status = serve_site(builder, output, port, after_stop=remove_leftovers, env=env)
    except ServeError as error:
        sys.exit(f"serve: {error}")
    sys.exit(status)


@task
def clean(c):
    """Remove the built site and caches."""
    for path in (OUTPUT, ".cache", f".{OUTPUT}.staging", f".{OUTPUT}.previous", f".{OUTPUT}.spare"):
        shutil.rmtree(os.path.join(ROOT, path), ignore_errors=True)


@task(help={"k": "only tests matching this expression", "x": "stop at the first failure"})
def test(c, k="", x=False):
    """Run the whole test suite (browser, accessibility and HTML checks included).

    Everything runs on both cores, then the timed Lighthouse audits run alone,
    so that the other tests do not steal their CPU.
    """
    args = ["-q"]
    if k:
        args += ["-k", f'"{k}"']
    if x:
        args.append("-x")
    with c.cd(ROOT):
        c.run(f'"{PYTHON}" -m pytest -n 2 -m "not lighthouse" {" ".join(args)}', pty=False)
        if not k:
            # Only their file is collected (tests/test_suite_parts.py checks that no
            # other marks a test so): collecting every module took 3 s of this run.
            c.run(f'"{PYTHON}" -m pytest -m lighthouse tests/test_lighthouse.py {" ".join(args)}', pty=False)


@task
def lint(c):
    """ruff over the Python code: its lint rules (imports sorted), then its formatter's check."""
    with c.cd(ROOT):
        c.run(f'"{PYTHON}" -m ruff check .')
        c.run(f'"{PYTHON}" -m ruff format --check .')


# --- Editors -------------------------------------------------------------------

sys.path.insert(0, os.path.join(ROOT, "plugins"))


@task(
    help={
        "title": "title of the action (the file name is made from it)",
        "country": "ISO 3166-1 alpha-2 code, e.g. EG (asked for at a terminal when omitted)",
        "case": "case number 'UA n/yy'; the next free one of the year when omitted",
        "weeks": "weeks until the deadline (default 6)",
        "theme": "key of content/themes.yml (default: the first one)",
    }
)
def new(c, title="", country="", case=None, weeks="6", theme=None):
    """Create a new draft action with every field to fill (valid as a draft only)."""
    from urgent_actions.tools.scaffold import ScaffoldError, new_action

    weeks = _whole_number("invoke new", "weeks", weeks, 1)
    title = title or _ask("Titre de l'action", '--title "Égypte : un chercheur détenu"')
    country = country or _ask("Pays (code ISO à deux lettres, ex. EG)", "--country EG")
    try:
        path = new_action(
            os.path.join(ROOT, "content"), title=title, country=country, case=case, weeks=weeks, theme=theme
        )
    except ScaffoldError as exc:
        sys.exit(f"invoke new: {exc}; nothing was written")
    print(
        f"Created {os.path.relpath(path, ROOT)} as a draft: replace every 'À COMPLÉTER' and example "
        "address, then remove 'status: draft' (./dev check says what is left)."
    )


def _ask(question: str, option: str) -> str:
    """Ask at a terminal; elsewhere (a script, CI) stop with one line naming the option."""
    if sys.stdin.isatty():
        try:
            answer = input(f"{question} : ").strip()
        except EOFError:
            answer = ""
        if answer:
            return answer
    sys.exit(f"invoke new: {option} is required; nothing was written")


@task(name="follow-up", help={"slug": "file name (without .md) of any action of the case"})
def follow_up(c, slug):
    """Create the next update of a case from its latest file."""
    if slug in HELP_TOKENS:
        _task_help("follow-up")
    from urgent_actions.content.errors import ContentError
    from urgent_actions.tools.scaffold import ScaffoldError
    from urgent_actions.tools.scaffold import follow_up as make_follow_up

    try:
        made = make_follow_up(os.path.join(ROOT, "content"), slug)
    except (ScaffoldError, ContentError) as exc:
        sys.exit(f"invoke follow-up: {exc}")
    print(f"Created {os.path.relpath(made.path, ROOT)}: say what changed, then remove 'status: draft'.")
    for name in made.closed:
        print(f"Closed {name} (state: closed): the case has one open action, the new one.")
    for line in made.to_do:
        print(f"To do: {line}")


@task(help={"site": "also build the site and check its links, images and HTML"})
def check(c, site=False):
    """Validate all content (every problem, as the build prints them)."""
    import time

    from urgent_actions.content.errors import ContentError
    from urgent_actions.content.images import identifying_problems
    from urgent_actions.content.loading import load_site

    start = time.perf_counter()
    os.chdir(ROOT)
    # Photos that say where they were taken or which phone took them: published
    # copies never carry that, but the repository should not keep it either.
    identifying = identifying_problems("content")
    try:
        content = load_site("content")
    except ContentError as exc:
        # Every problem in one list: those of the files that could be read too.
        more = _problems_after_reading(exc.partial) if exc.partial is not None else []
        print(ContentError(exc.problems + more + identifying).report(), file=sys.stderr)
        sys.exit(1)
    problems = _problems_after_reading(content) + identifying
    if problems:
        print(ContentError(problems).report(), file=sys.stderr)
        sys.exit(1)
    print(
        f"{len(content.actions)} actions and {len(content.drafts)} drafts are valid "
        f"({time.perf_counter() - start:.2f} s)."
    )
    if site:
        import tempfile

        from urgent_actions.publish.site_check import check_built_site, vnu_problems

        with tempfile.TemporaryDirectory() as folder:
            output = os.path.join(folder, "output")
            c.run(pelican_command("pelicanconf.py", output))
            tags, site_url = _email_merge_tags_and_dev_url()
            problems = check_built_site(output, tags, site_url)
            html = vnu_problems(output, ROOT, tags)
            problems += html or []
            for problem in problems:
                print(problem, file=sys.stderr)
            if problems:
                sys.exit(1)
            print("Internal links and images of the built site are valid.")
            if html is None:
                print("HTML not checked: the Nu Html Checker is installed by ./dev test.")
            else:
                print("HTML is valid (Nu Html Checker).")


@task(help={"strip": "remove GPS positions, serial numbers and all other metadata, in place"})
def images(c, strip=False):
    """List the content's photos that carry a GPS position or a device serial number."""
    from urgent_actions.content.images import identifying_problems
    from urgent_actions.tools.photos import strip as strip_file

    os.chdir(ROOT)
    problems = identifying_problems("content")
    for problem in problems:
        if strip:
            strip_file(problem.path)
            print(f"{problem.path}: metadata removed (orientation kept)")
        else:
            print(problem, file=sys.stderr)
    if problems and not strip:
        sys.exit(1)
    if not problems:
        print("No photo of content/ carries a GPS position or a device serial number.")


@task(
    name="send-test",
    help={
        "slug": "file name (without .md) of an open action or a recent good news",
        "to": "the address to send the test to (yours; several separated by commas)",
        "output": "directory the site is built into (default: a temporary one; output/ is left as it is)",
        "site-url": "the published site's address for links and images (default: publishconf.py's SITEURL)",
    },
)
def send_test(c, slug, to, output="", site_url=""):
    """Build as published, then send the action's email edition to TO through SMTP (UA_SMTP_* variables).

    The links and images point to the published site, as in the edition members
    get; the subject starts with [TEST].
    """
    import json
    import shlex
    import tempfile

    from pelican.settings import read_settings

    from urgent_actions.settings import email_merge_tags, resolve
    from urgent_actions.tools.send_test import (
        SendTestError,
        message_for,
        recipients,
        send,
        site_address,
        smtp_settings,
    )

    os.chdir(ROOT)  # publishconf.py imports pelicanconf.py from there
    settings = read_settings(os.path.join(ROOT, "publishconf.py"))
    ua = resolve(settings)
    try:
        # Before the build: a wrong option or a missing setting is said at once.
        addresses = recipients(to)
        site_url = site_address(site_url or settings.get("SITEURL", ""))
        smtp = smtp_settings(os.environ, ua["UA_ORGANISATION"].get("email", ""))
        with tempfile.TemporaryDirectory(prefix="send-test-") as folder:
            built = os.path.join(ROOT, output) if output else os.path.join(folder, "output")
            # One -e for every setting: Pelican keeps only the last -e it is given.
            extra = f"-e SITEURL={shlex.quote(json.dumps(site_url))}"
            if not output:
                extra += f" UA_CACHE_PATH={shlex.quote(json.dumps(os.path.join(folder, 'cache')))}"
            c.run(pelican_command("publishconf.py", built, extra), pty=False, hide="out")
            message = message_for(built, slug, ua, email_merge_tags(ua), addresses, smtp.sender, site_url)
        send(message, smtp)
    except SendTestError as exc:
        sys.exit(f"send-test: {exc}")
    print(
        f"Sent '{message['Subject']}' to {', '.join(addresses)} through {smtp.host}:{smtp.port} (links to {site_url})."
    )


def _email_merge_tags_and_dev_url() -> tuple[list[str], str]:
    """The email service's merge tags, and the address links of a development build start with."""
    from pelican.settings import read_settings

    from urgent_actions.settings import email_merge_tags, resolve

    settings = read_settings(os.path.join(ROOT, "pelicanconf.py"))
    ua = resolve(settings)
    return list(email_merge_tags(ua).values()), settings.get("SITEURL") or ua["UA_DEV_SITEURL"]


def _problems_after_reading(content) -> list:
    """What the build finds once the files are read, as the build says it: the SMS
    alerts with their short link (which depends on the published site's address),
    and the warnings that --fatal warnings makes errors (postal deadline, long letters)."""
    from types import SimpleNamespace

    from pelican.settings import read_settings

    from urgent_actions.settings import resolve
    from urgent_actions.site import act, pages, post, sms

    settings = read_settings(os.path.join(ROOT, "publishconf.py"))
    ua = resolve(settings)
    base = (settings.get("SITEURL") or ua["UA_DEV_SITEURL"]).rstrip("/")
    build = SimpleNamespace(
        site=content, absolute_url=base, ua=ua, ways=lambda action: act.ways_for(action, ua["UA_HOME_COUNTRY"])
    )
    return sms.problems(build) + post.deadline_problems(build) + pages.long_letter_problems(build)


@task(
    name="pr-summary",
    help={
        "base": "the base branch's built site",
        "head": "the pull request's built site",
        "check-log": "what ./dev check printed",
        "check-passed": "whether ./dev check passed",
    },
)
def pr_summary(c, base, head, check_log="", check_passed=False):
    """Markdown for the pull request's reviewers: the check's result and the pages it adds, changes, removes."""
    from urgent_actions.tools.pr_summary import compare, markdown

    check_output = ""
    if check_log and os.path.isfile(check_log):
        with open(check_log, encoding="utf-8", errors="replace") as handle:
            check_output = handle.read()
    both = os.path.isdir(base) and os.path.isdir(head)
    print(markdown(compare(base, head) if both else None, check_passed, check_output))


@task
def schema(c):
    """Write schema/action.schema.json and docs/content-model.md from the content model."""
    from urgent_actions.tools.model_doc import content_model_markdown
    from urgent_actions.tools.schema import schema_text

    for path, text in (
        ("schema/action.schema.json", schema_text()),
        ("docs/content-model.md", content_model_markdown()),
    ):
        with open(os.path.join(ROOT, path), "w", encoding="utf-8") as handle:
            handle.write(text)
        print(f"{path} written")


@task(name="i18n-extract")
def i18n_extract(c):
    """Extract the interface text into theme/translations/messages.pot."""
    with c.cd(ROOT):
        c.run(
            f'"{PYTHON}" -m babel.messages.frontend extract -F babel.cfg -k _ -k gettext '
            "-k ngettext:1,2 --no-location --sort-output --omit-header "
            "-o theme/translations/messages.pot ."
        )


@task(name="i18n-update", help={"lang": "language code, e.g. nl or en"})
def i18n_update(c, lang):
    """Create or update theme/translations/<lang>/LC_MESSAGES/messages.po from the template."""
    po = os.path.join(ROOT, "theme", "translations", lang, "LC_MESSAGES", "messages.po")
    command = "update" if os.path.exists(po) else "init"
    with c.cd(ROOT):
        c.run(
            f'"{PYTHON}" -m babel.messages.frontend {command} -i theme/translations/messages.pot '
            f"-d theme/translations -l {lang}"
        )


@task(
    help={
        "output": "directory to build the production site into",
        "deploy": "deploy after building (--no-deploy: build and verify only)",
        "dry_run": "show what the deployment would do, change nothing",
        "yes": "confirm a first deployment to the target UA_DEPLOY names (CI passes it)",
    }
)
def publish(c, output=OUTPUT, deploy=True, dry_run=False, yes=False):
    """Production build (publishconf.py, --fatal warnings), then deploy as UA_DEPLOY says.

    Nothing is built when the settings are the example's (SITEURL on example.org,
    no UA_DEPLOY of your own), and the first deployment to a target asks for
    --yes. The deployment only starts when the build succeeded: it checks the
    build manifest written last by the build (plugins/urgent_actions/publish/deploy.py).
    """
    sys.path[:0] = [os.path.join(ROOT, "plugins"), ROOT]
    from pelican.settings import read_settings

    from urgent_actions.publish.deploy import DeployError, configuration_problems, describe_target, is_confirmed
    from urgent_actions.settings import resolve

    os.chdir(ROOT)
    pelican_settings = read_settings(os.path.join(ROOT, "publishconf.py"))
    settings = resolve(pelican_settings)
    target = None
    if deploy:
        problems = configuration_problems(pelican_settings)
        if problems:
            lines = [f"publish: nothing built or deployed: {problems[0]}", *(f"publish: {p}" for p in problems[1:])]
            sys.exit("\n".join(lines + ["publish: (--no-deploy builds and verifies without deploying)"]))
        try:
            target = describe_target(settings["UA_DEPLOY"], ROOT)
        except DeployError as error:
            sys.exit(f"publish: {error}")
        first = settings["UA_DEPLOY"].get("method", "none") != "none" and not is_confirmed(target, ROOT)
        if first and not dry_run and not yes:
            sys.exit(
                f"publish: the first deployment from this checkout goes to {target}, replacing what "
                "is published there: run again with --yes to confirm (nothing was built)"
            )
    if dry_run:
        # A dry run changes nothing: the build goes to a temporary folder, with its
        # own cache, and output/ (what ./dev serve shows) stays as it was.
        import tempfile

        with tempfile.TemporaryDirectory(prefix="publish-dry-run-") as folder:
            _publish_build(c, os.path.join(folder, "output"), os.path.join(folder, "cache"))
            _deploy_or_verify(os.path.join(folder, "output"), settings, target, deploy, dry_run=True)
        return
    _publish_build(c, output)
    _deploy_or_verify(os.path.join(ROOT, output), settings, target, deploy, dry_run=False)


def _publish_build(c, output: str, cache: str = "") -> None:
    import json
    import shlex

    extra = f"-e UA_CACHE_PATH={shlex.quote(json.dumps(cache))}" if cache else ""
    with c.cd(ROOT):
        c.run(pelican_command("publishconf.py", output, extra), pty=False)


def _deploy_or_verify(output: str, settings: dict, target, deploy: bool, dry_run: bool) -> None:
    from urgent_actions.publish.deploy import DeployError, remember_confirmed, verify_output
    from urgent_actions.publish.deploy import deploy as deploy_site

    try:
        if deploy:
            print(deploy_site(output, settings["UA_DEPLOY"], ROOT, dry_run))
            if not dry_run:
                remember_confirmed(target, ROOT)
        else:
            verify_output(output)
            print(f"{os.path.relpath(output, ROOT)}: production build verified; not deployed (--no-deploy)")
    except DeployError as error:
        sys.exit(f"publish: {error}")


@task(
    help={
        "actions": "number of synthetic actions",
        "json": "write the results to this JSON file",
        "stock": "also build the same bodies with stock Pelican (default: yes)",
        "keep": "build in this directory and keep it",
        "verify": "also build the edited archive from scratch and compare byte for byte",
        "shard-size": "UA_SEARCH_SHARD_SIZE for these builds",
        "shape": "the archive's shape: basic (default) or heavy (issue 29's)",
        "hugo": "also build the same bodies with Hugo (default: yes)",
        "photos": "give this many actions a photo",
        "serve": "also the serve row: from a save to the page answering with it",
        "search": "also what a reader's first search downloads, in Chromium",
        "scale": "also build twice the actions from scratch",
    }
)
def bench(
    c,
    actions=2000,
    json="",
    stock=True,
    keep="",
    verify=False,
    shard_size=0,
    shape="basic",
    hugo=True,
    photos=0,
    serve=False,
    search=False,
    scale=False,
):
    """Time full, unchanged and one-edited builds against stock Pelican (docs/performance.md)."""
    args = [f"--actions {int(actions)}"]
    if json:
        args.append(f'--json "{json}"')
    if keep:
        args.append(f'--keep "{keep}"')
    if verify:
        args.append("--verify")
    if shard_size:
        args.append(f"--shard-size {int(shard_size)}")
    if not stock:
        args.append("--no-stock")
    if shape not in ("basic", "heavy"):
        sys.exit(f"bench: --shape must be basic or heavy, not {shape!r}")
    args.append(f"--shape {shape}")
    if not hugo:
        args.append("--no-hugo")
    if photos:
        args.append(f"--photos {_whole_number('bench', 'photos', photos)}")
    args += [flag for flag, wanted in (("--serve", serve), ("--search", search), ("--scale", scale)) if wanted]
    with c.cd(ROOT):
        c.run(f'"{PYTHON}" -m benchmarks.bench {" ".join(args)}', pty=False)
