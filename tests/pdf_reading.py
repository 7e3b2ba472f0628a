"""Reading a PDF back as its reader would: the text (with no-break spaces made plain), the metadata, the language,
the images and the tagged structure."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ContentStream


class ReadPdf:
    def __init__(self, data: bytes) -> None:
        assert data.startswith(b"%PDF-"), data[:20]
        self.reader = PdfReader(io.BytesIO(data))
        self.pages = [page.extract_text() for page in self.reader.pages]
        self.text = "\n".join(self.pages).replace("\u00a0", " ")

    @property
    def catalog(self) -> Any:
        return self.reader.trailer["/Root"]

    @property
    def lang(self) -> str | None:
        lang = self.catalog.get("/Lang")
        return str(lang) if lang is not None else None

    @property
    def title(self) -> str | None:
        return self.reader.metadata.title if self.reader.metadata else None

    def images(self) -> list[Any]:
        return [image for page in self.reader.pages for image in page.images]

    def link_uris(self) -> list[str]:
        uris = []
        for page in self.reader.pages:
            for annot in page.get("/Annots") or []:
                action = annot.get_object().get("/A")
                if action is not None and "/URI" in action:
                    uris.append(str(action["/URI"]))
        return uris

    def figures_alt_text(self) -> list[str]:
        """The alternative texts of the /Figure elements of the structure tree."""
        root = self.catalog.get("/StructTreeRoot")
        found: list[str] = []

        def walk(node: Any) -> None:
            node = node.get_object()
            if isinstance(node, list):
                for child in node:
                    walk(child)
                return
            if not hasattr(node, "get"):
                return
            if node.get("/S") == "/Figure" and "/Alt" in node:
                found.append(str(node["/Alt"]))
            kids = node.get("/K")
            if kids is not None:
                walk(kids)

        if root is not None:
            walk(root)
        return found

    def structure(self) -> list[str]:
        """The structure types under /Document, in reading order: `["H1", "P", "P", "H2", "Figure", ...]`."""
        root = self.catalog["/StructTreeRoot"].get_object()
        [document] = [k.get_object() for k in root["/K"]]
        assert document["/S"] == "/Document"
        return [str(kid.get_object()["/S"]).lstrip("/") for kid in document["/K"]]

    def text_outside_marked_content(self) -> list[str]:
        """Text drawn neither inside a structure element's marked content nor as an artifact: what a screen reader
        of a tagged PDF would never reach. Empty when the document is fully tagged."""
        loose: list[str] = []
        for page in self.reader.pages:
            depth = 0
            for operands, operator in ContentStream(page.get_contents(), self.reader).operations:
                if operator in (b"BDC", b"BMC"):
                    depth += 1
                elif operator == b"EMC":
                    depth -= 1
                    assert depth >= 0, "EMC without BDC"
                elif operator in (b"Tj", b"TJ", b"'", b'"') and depth == 0:
                    loose.append(str(operands))
            assert depth == 0, "a marked-content sequence is not closed on its page"
        return loose
