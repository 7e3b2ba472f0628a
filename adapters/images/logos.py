"""A partner's uploaded logo made safe to serve to anyone: PNG and JPEG are decoded and encoded again (which drops
metadata and anything appended to the file), SVG keeps only drawing elements and attributes (no scripts, event
handlers, styles that load things, or links outside the file). The result is content-addressed by its SHA-256."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from xml.etree import ElementTree

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException

from domain.errors import ContentTooLarge, ErrorCode, InvalidRequest, UnsupportedMediaType

MAX_LOGO_BYTES = 512 * 1024
MAX_SIDE = 4096  # pixels; larger is never a logo, and decoding it costs memory
TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}
SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
# What a logo draws with. Anything else (script, foreignObject, image, use of other files, animation) is dropped.
SVG_ELEMENTS = frozenset(
    [
        "svg",
        "g",
        "defs",
        "title",
        "desc",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "linearGradient",
        "radialGradient",
        "stop",
        "clipPath",
        "mask",
        "symbol",
        "use",
    ]
)
SVG_ATTRIBUTES = frozenset(
    [
        "id",
        "class",
        "viewBox",
        "width",
        "height",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "d",
        "points",
        "fill",
        "fill-opacity",
        "fill-rule",
        "stroke",
        "stroke-width",
        "stroke-opacity",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-dasharray",
        "opacity",
        "transform",
        "offset",
        "stop-color",
        "stop-opacity",
        "gradientUnits",
        "gradientTransform",
        "spreadMethod",
        "fx",
        "fy",
        "clip-path",
        "clip-rule",
        "mask",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "text-anchor",
        "letter-spacing",
        "preserveAspectRatio",
        "version",
        "href",
    ]
)
SAFE_VALUE = re.compile(r"^[^<>]*$")
LOCAL_URL = re.compile(r"^url\(#[\w.-]+\)$")


@dataclass(frozen=True, slots=True)
class PreparedLogo:
    content_type: str
    data: bytes
    sha256: str
    width: int | None
    height: int | None

    @property
    def extension(self) -> str:
        return TYPES[self.content_type]


def prepare_logo(data: bytes, content_type: str) -> PreparedLogo:
    kind = content_type.split(";")[0].strip().lower()
    if kind not in TYPES:
        raise UnsupportedMediaType(
            "A logo is a PNG, a JPEG or an SVG file (Content-Type image/png, image/jpeg or image/svg+xml).",
            code=ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            field="logo",
        )
    if not data:
        raise InvalidRequest("The logo file is empty.", code=ErrorCode.INVALID_LOGO, field="logo")
    if len(data) > MAX_LOGO_BYTES:
        raise ContentTooLarge(
            f"A logo is at most {MAX_LOGO_BYTES // 1024} KB.", code=ErrorCode.LOGO_TOO_LARGE, field="logo"
        )
    if kind == "image/svg+xml":
        clean, width, height = _clean_svg(data), None, None
    else:
        clean, width, height = _reencode(data, TYPES[kind])
    return PreparedLogo(kind, clean, hashlib.sha256(clean).hexdigest(), width, height)


def _reencode(data: bytes, extension: str) -> tuple[bytes, int, int]:
    from PIL import Image, UnidentifiedImageError  # loaded with the first upload, not at start (about 5 MB)

    fmt = "PNG" if extension == "png" else "JPEG"
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != fmt:
                raise InvalidRequest(f"The file is not a {fmt} image.", code=ErrorCode.INVALID_LOGO, field="logo")
            if max(image.size) > MAX_SIDE:
                raise InvalidRequest(
                    f"A logo is at most {MAX_SIDE} pixels on a side.", code=ErrorCode.INVALID_LOGO, field="logo"
                )
            image.load()
            picture: Image.Image = image
            if fmt == "JPEG" and picture.mode not in ("RGB", "L"):
                picture = picture.convert("RGB")
            out = io.BytesIO()
            picture.save(out, format=fmt, **({"optimize": True} if fmt == "PNG" else {"quality": 90}))
            return out.getvalue(), picture.width, picture.height
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError) as exc:
        raise InvalidRequest(
            f"The file is not a readable {fmt} image.", code=ErrorCode.INVALID_LOGO, field="logo"
        ) from exc


def _clean_svg(data: bytes) -> bytes:
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as exc:
        raise InvalidRequest(
            "The file is not a well-formed SVG image.", code=ErrorCode.INVALID_LOGO, field="logo"
        ) from exc
    if _local(root.tag) != "svg" or _namespace(root.tag) not in ("", SVG):
        raise InvalidRequest("The file is not an SVG image.", code=ErrorCode.INVALID_LOGO, field="logo")
    _prune(root)
    ElementTree.register_namespace("", SVG)
    return bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))


def _prune(element: ElementTree.Element) -> None:
    for child in list(element):
        if _namespace(child.tag) not in ("", SVG) or _local(child.tag) not in SVG_ELEMENTS:
            element.remove(child)
        else:
            _prune(child)
    for name in list(element.attrib):
        value = element.attrib[name]
        local = _local(name)
        namespace = _namespace(name)
        keep = namespace in ("", XLINK) and local in SVG_ATTRIBUTES and SAFE_VALUE.match(value) is not None
        if keep and local == "href":
            keep = value.startswith("#")  # only parts of this same file
        if keep and "url(" in value:
            keep = LOCAL_URL.match(value.strip()) is not None
        if not keep:
            del element.attrib[name]


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _local(tag: str) -> str:
    return tag.split("}", 1)[1] if tag.startswith("{") else tag
