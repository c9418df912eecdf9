"""Sphinx configuration for the sklvision documentation.

Build (warnings are errors)::

    sphinx-build -W -b html docs docs/_build/html

Gallery execution is controlled by two environment variables:

- ``SKLVISION_DOCS_PLOT_GALLERY=0`` renders the examples without running them
  (fast; no figures);
- ``SKLVISION_DOCS_GALLERY_PATTERN`` is a regular expression searched in the
  example paths to run (default: every ``plot_*.py``). CI skips the slow raccoon
  detector example (minutes of training) with ``'/plot_(?!raccoon)'``; the
  others run in seconds.
"""

import os
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import sklvision  # noqa: E402

project = "sklvision"
author = "The sklvision developers"
copyright = "2026, The sklvision developers"
release = sklvision.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
]

# generated/api_listing.rst is included by api.rst, not a page of its own
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "generated/api_listing.rst"]
default_role = "literal"
root_doc = "index"

# -- autodoc / autosummary / numpydoc ------------------------------------------
# the stub pages are written below (see _write_api_listing), not by autosummary
autosummary_generate = False
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False


def _skip_foreign_members(app, what, name, obj, skip, options):
    """Document our own methods (and DetectorMixin.score), not sklearn's."""
    module = getattr(obj, "__module__", None) or ""
    if module.startswith("sklearn") or name.startswith("set_") and name.endswith(
        "_request"
    ):
        return True
    return skip


# -- API reference: one autosummary block per public module, from __all__ ------
# conf.py writes the listing (included by api.rst) and one stub page per name
# into docs/generated/ at every build, so new public names appear on their own.
API_MODULES = [
    ("sklvision.preprocessing", "Preprocessing"),
    ("sklvision.classification", "Classification"),
    ("sklvision.detection", "Detection"),
    ("sklvision.metrics", "Metrics"),
    ("sklvision.datasets", "Datasets"),
    ("sklvision.plotting", "Plotting"),
    ("sklvision.base", "Base classes"),
    ("sklvision.utils", "Utilities"),
    ("sklvision.utils.discovery", "Estimator discovery"),
    ("sklvision.utils.estimator_checks", "Estimator checks"),
    ("sklvision.cli", "Command line"),
    ("sklvision", "Top level"),
]

_STUB = """{title}
{underline}

.. currentmodule:: {module}

.. {directive}:: {name}

.. minigallery:: {module}.{name}
   :add-heading: Examples using ``{name}``
   :heading-level: -
"""


def _write_if_changed(path, text):
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def _write_api_listing():
    import importlib
    import inspect

    out_dir = HERE / "generated"
    out_dir.mkdir(exist_ok=True)
    out = [".. This file is written by docs/conf.py at every build; do not edit.", ""]
    for module_name, title in API_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # an area that does not exist yet
            continue
        names = [n for n in getattr(module, "__all__", []) if not n.startswith("_")]
        if not names:
            continue
        anchor = module_name.replace(".", "-")
        out += [f".. _api-{anchor}:", "", f"{title}", "-" * len(title), ""]
        out += [f":mod:`{module_name}`", ""]
        out += [f".. currentmodule:: {module_name}", ""]
        groups = {"Classes": [], "Functions": [], "Data": []}
        for name in names:
            obj = getattr(module, name, None)
            if inspect.isclass(obj):
                kind, directive = "Classes", "autoclass"
            elif callable(obj):
                kind, directive = "Functions", "autofunction"
            else:
                kind, directive = "Data", "autodata"
            groups[kind].append(name)
            full = f"{module_name}.{name}"
            _write_if_changed(
                out_dir / f"{full}.rst",
                _STUB.format(
                    title=full,
                    underline="=" * len(full),
                    module=module_name,
                    directive=directive,
                    name=name,
                ),
            )
        for kind, group in groups.items():
            if not group:
                continue
            out += [f"**{kind}**", "", ".. autosummary::", "   :toctree: generated/"]
            out += ["   :nosignatures:", "", *[f"   {n}" for n in group], ""]
    _write_if_changed(out_dir / "api_listing.rst", "\n".join(out) + "\n")


_write_api_listing()

# -- sphinx-gallery -------------------------------------------------------------
_plot_gallery = os.environ.get("SKLVISION_DOCS_PLOT_GALLERY", "1").lower()
_pattern = os.environ.get("SKLVISION_DOCS_GALLERY_PATTERN", r"plot_")
re.compile(_pattern)

sphinx_gallery_conf = {
    "examples_dirs": str(HERE.parent / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": _pattern,
    "plot_gallery": _plot_gallery not in ("0", "false", "no"),
    "doc_module": ("sklvision",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sklvision": None},
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "matplotlib_animations": False,
    "show_memory": False,
    "abort_on_example_error": True,
}

# -- matplotlib plot directive (pictures in the user guide) ---------------------
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]

# -- HTML -------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sklvision {release}"
html_static_path = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": False,
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"**": ["sidebar-nav-bs"]}


# -- tolerate bare fitted-attribute names in docstrings --------------------------
# Docstrings often name fitted attributes without quotes ("shape (n_features_in_,)")
# or use a lone "|" ("H, T, |, -"); in reST those are a reference and a
# substitution without target, i.e. build errors. Escape them outside literals,
# code and directives (after numpydoc has turned the docstring into reST).
_SEGMENTS = re.compile(r"(``.+?``|:[\w:.-]+:`[^`]*`|`[^`]*`_{0,2}|\*\*.+?\*\*)")
_TRAILING_UNDERSCORE = re.compile(r"(?<![\w\\])([A-Za-z]\w*)_(?![\w`])")
_LONE_BAR = re.compile(r"(?<![\\|\w])\|(?![\w|])")


def _escape_text(text):
    parts = _SEGMENTS.split(text)
    for i in range(0, len(parts), 2):  # even parts are outside inline markup
        part = _TRAILING_UNDERSCORE.sub(r"\1\\_", parts[i])
        parts[i] = _LONE_BAR.sub(r"\\|", part)
    return "".join(parts)


def _prose_lines(lines, markup_prefixes, opens_literal):
    """Indices of the reST ``lines`` that are prose: outside literal blocks
    (the indented lines after one ending in "::") and not starting with one of
    ``markup_prefixes``; a markup line starts a literal block when
    ``opens_literal(stripped_line)``."""
    literal_indent = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if literal_indent is not None:
            if not stripped or indent > literal_indent:
                continue
            literal_indent = None
        if stripped.startswith(markup_prefixes):
            if opens_literal(stripped):
                literal_indent = indent
            continue
        if stripped.endswith("::"):
            literal_indent = indent
        yield i


def _escape_docstring(app, what, name, obj, options, lines):
    for i in _prose_lines(
        lines,
        (">>>", "...", "..", "|", "+", "=", "-"),
        lambda s: s.startswith(".. ") and s.endswith("::"),
    ):
        lines[i] = _escape_text(lines[i])


def _escape_gallery_bars(app, docname, source):
    """Escape lone "|" in the text cells of gallery examples ("H, T, |, -")."""
    if not docname.startswith("auto_examples/"):
        return
    lines = source[0].split("\n")
    for i in _prose_lines(lines, "..", lambda s: "::" in s):
        parts = _SEGMENTS.split(lines[i])
        for j in range(0, len(parts), 2):
            parts[j] = _LONE_BAR.sub(r"\\|", parts[j])
        lines[i] = "".join(parts)
    source[0] = "\n".join(lines)


def setup(app):
    app.connect("source-read", _escape_gallery_bars)
    app.connect("autodoc-skip-member", _skip_foreign_members)
    # after numpydoc (priority 500): work on the reST it produced
    app.connect("autodoc-process-docstring", _escape_docstring, priority=900)
