"""The stamps' compact table of files' identities reads like the dict it replaces."""

import pickle

from urgent_actions.speed.file_table import FileTable

FILES = {
    "index.html": [11, 100, 1_700_000_000_000_000_001],
    "actions/a/index.html": [12, 200, 1_700_000_000_000_000_002],
    "actions/a/letter.pdf": [13, 300, 1_700_000_000_000_000_003],
    **{f"pagefind/fragment/{n}.pf": [100 + n, n, 1_700_000_000_000_000_000 + n] for n in range(40)},
}


def test_a_table_reads_like_its_dict():
    table = FileTable(FILES)
    assert len(table) == len(FILES)
    assert dict(table.items()) == FILES and sorted(table) == sorted(FILES)
    assert table.get("actions/a/letter.pdf") == [13, 300, 1_700_000_000_000_000_003]
    assert table["pagefind/fragment/39.pf"] == [139, 39, 1_700_000_000_000_000_039]
    assert table.get("actions/b/index.html") is None and "actions/a" not in table
    assert "index.html" in table and table == FILES
    # Membership, in a directory small enough to search and in one indexed by name.
    assert all(path in table for path in FILES)
    assert "pagefind/fragment/40.pf" not in table and "actions/a/x.pdf" not in table and "nowhere/x" not in table


def test_equal_tables_whatever_the_order_and_a_replaced_identity():
    table = FileTable(FILES)
    backwards = FileTable(dict(reversed(list(FILES.items()))))
    assert table == backwards
    backwards["actions/a/index.html"] = [12, 200, 5]
    assert table != backwards and len(backwards) == len(FILES)
    assert backwards.get("actions/a/index.html") == [12, 200, 5]
    backwards["actions/b/index.html"] = [14, 1, 2]
    assert len(backwards) == len(FILES) + 1 and table != backwards


def test_a_table_survives_pickling_and_forgets_whole_directories():
    table = pickle.loads(pickle.dumps(FileTable(FILES), protocol=pickle.HIGHEST_PROTOCOL))
    assert table == FILES and table.get("pagefind/fragment/7.pf") == [107, 7, 1_700_000_000_000_000_007]
    assert table.remove_under(("pagefind/",)) == 40
    assert len(table) == 3 and not any(path.startswith("pagefind/") for path in table)
    table.update(FileTable({"pagefind/x.pf": [1, 2, 3], "index.html": [9, 9, 9]}))
    assert len(table) == 4 and table.get("index.html") == [9, 9, 9]


def test_the_manifest_pages_read_as_lists_of_key_identity_and_content_key():
    from urgent_actions.speed.file_table import PageTable

    pages = PageTable()
    pages.add("actions/a/index.html", "k1", [12, 200, 3], "k1")
    pages.add("actions/a/letter.pdf", "k2", [13, 300, 4], "k0")
    pages = pickle.loads(pickle.dumps(pages, protocol=pickle.HIGHEST_PROTOCOL))
    assert pages.get("actions/a/index.html") == pages["actions/a/index.html"] == ["k1", 12, 200, 3, "k1"]
    assert dict(pages.items()) == {
        "actions/a/index.html": ["k1", 12, 200, 3, "k1"],
        "actions/a/letter.pdf": ["k2", 13, 300, 4, "k0"],
    }
    assert "actions/a/letter.pdf" in pages and "actions/b/index.html" not in pages and len(pages) == 2
    try:
        pages.add("actions/a/index.html", "k3", [1, 2, 3], "k3")
    except ValueError:
        pass
    else:
        raise AssertionError("a page added twice")


def test_a_stamp_of_the_former_format_is_no_stamp(tmp_path):
    from urgent_actions.speed import stamps
    from urgent_actions.speed.digests import CACHE_VERSION

    path = tmp_path / "old.published.pickle"
    stamps.write_pickle(str(path), {"version": CACHE_VERSION, "files": dict(FILES), "dirs": {"": 1}})
    assert stamps.load_stamp(str(path)) is None
    stamps.write_pickle(str(path), {"version": CACHE_VERSION, "files": FileTable(FILES), "dirs": {"": 1}})
    assert stamps.load_stamp(str(path))["files"] == FILES
