"""Build hook: compile the gettext catalogues (.po -> .mo) whenever the package is built.

Everything else about the package is declared in pyproject.toml.  A development checkout
that has no .mo files yet compiles them on first use (knowledge.i18n.compile_catalogues).
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    def run(self):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in Path(__file__).parent.glob("knowledge/locale/*/LC_MESSAGES/*.po"):
            with po_path.open("rb") as f:
                catalog = read_po(f, locale=po_path.parent.parent.name, domain=po_path.stem)
            with po_path.with_suffix(".mo").open("wb") as f:
                write_mo(f, catalog)
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
