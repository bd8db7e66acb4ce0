"""Typesetting with Typst (the PyPI package ``typst``: self-contained wheels, no system library): finding a CJK
font, writing user text only as escaped Typst string literals, and compiling a :class:`Printout` to PDF. The
documents themselves (their templates and data) are ``registry.printing``'s."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typst

from fupin.core.errors import ApplicationError

COMMON = r"""
#set document(title: data.title, author: "扶贫管理平台")
#set text(font: serif, lang: "zh", region: "cn", size: 12pt)
#set par(justify: true, leading: 0.9em, spacing: 1.1em)
#set page(paper: "a4", margin: (x: 2.2cm, top: 2.2cm, bottom: 2.4cm),
  footer: context align(center, text(size: 9pt, fill: luma(90))[
    第 #counter(page).get().first() 页，共 #counter(page).final().first() 页]))
#set table(stroke: 0.6pt, inset: (x: 5pt, y: 6pt), align: center + horizon)
#show table.cell: set par(justify: false)
#let section(t) = block(sticky: true, above: 1.2em, below: 0.6em, text(font: sans, weight: "bold", t))
#let heading-text(t) = align(center, text(font: sans, size: 20pt, weight: "bold", t))
#let sub-text(t) = align(center, text(size: 12pt, t))
#let indent(t) = par(first-line-indent: (amount: 2em, all: true), t)
#let blank(w: 6em) = box(width: w, stroke: (bottom: 0.5pt), height: 1em)
#let value-or-blank(v, w: 6em) = if v == none or v == "" { blank(w: w) } else { v }
#let seal(issuer, on) = align(right, block(width: 16em, align(center, stack(spacing: 1.2em,
  issuer + "（盖章）", if on == "" { "　　年　　月　　日" } else { on }))))
"""


# ---------------------------------------------------------------------------------------------------------------
# Fonts

FONT_DIRS_ENV = "FUPIN_CJK_FONT_DIRS"
CJK_FONT_DIRS = (
    "/usr/share/fonts/opentype/noto",  # Debian/Ubuntu fonts-noto-cjk
    "/usr/share/fonts/noto-cjk",  # Arch
    "/usr/share/fonts/google-noto-cjk",  # Fedora
    "/usr/share/fonts/opentype/source-han-serif",
    "/usr/share/fonts/opentype/source-han-sans",
    "/usr/share/fonts/truetype/wqy",  # fonts-wqy-zenhei / microhei
    "/usr/share/fonts/truetype/arphic",
)
SERIF_FAMILIES = ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN")
SANS_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei")


class PrintUnavailableError(ApplicationError):
    """The server cannot typeset Chinese (no CJK font): refused rather than printing empty boxes."""

    code = "print_font_missing"
    http_status = 503


NO_FONT = (
    "服务器未安装中文字体（如 Debian 软件包 fonts-noto-cjk），无法生成中文 PDF；为避免打印出方框乱码，已停止生成。"
    f"请联系系统管理员安装中文字体，或用环境变量 {FONT_DIRS_ENV} 指定字体目录。"
)


@dataclass(frozen=True)
class CjkFonts:
    paths: tuple[str, ...]
    serif: str
    sans: str
    # the scanned fonts, handed to every compile: parsed once per process, not once per PDF
    found: typst.Fonts = field(compare=False, repr=False)


def font_dirs() -> list[str]:
    """The directories searched for a CJK font: ``FUPIN_CJK_FONT_DIRS`` (``os.pathsep``-separated) first."""
    extra = [d for d in os.environ.get(FONT_DIRS_ENV, "").split(os.pathsep) if d]
    return [d for d in (*extra, *CJK_FONT_DIRS) if Path(d).is_dir()]


@functools.cache
def _fonts_in(dirs: tuple[str, ...]) -> CjkFonts | None:
    if not dirs:
        return None
    found = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=list(dirs))
    families = set(found.families())
    serif = next((f for f in (*SERIF_FAMILIES, *SANS_FAMILIES) if f in families), None)
    sans = next((f for f in (*SANS_FAMILIES, *SERIF_FAMILIES) if f in families), None)
    if serif is None or sans is None:
        return None
    return CjkFonts(dirs, serif, sans, found)


def cjk_fonts() -> CjkFonts:
    """The CJK fonts Typst is given, or ``PrintUnavailableError`` (a found font is remembered per set of directories;
    a missing one is looked for again next time, so installing the fonts needs no restart)."""
    found = _fonts_in(tuple(font_dirs()))
    if found is None:
        raise PrintUnavailableError(NO_FONT)
    return found


# ---------------------------------------------------------------------------------------------------------------
# Typst source


def typst_string(text: str) -> str:
    """``text`` as a Typst string literal: shown verbatim wherever it is placed (markup specials such as
    ``# [ ] $ * _ \\ ` @ <`` mean nothing inside a string). Control characters other than newline and tab are
    dropped (the database may hold them; a PDF has no use for them)."""
    out = ['"']
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF:
            continue
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def typst_literal(value: Any) -> str:  # noqa: PLR0911 - one case per type
    """A Python value (str, int, bool, None, list, dict with string keys) as a Typst code literal."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return typst_string(value)
    if isinstance(value, list | tuple):
        items = [typst_literal(v) for v in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if isinstance(value, dict):
        if not value:
            return "(:)"
        return "(" + ", ".join(f"{typst_string(str(k))}: {typst_literal(v)}" for k, v in value.items()) + ")"
    raise TypeError(f"no Typst literal for {type(value).__name__}")


@dataclass(frozen=True)
class Printout:
    """One document to print: its file name, the template and the data the template reads (``data``)."""

    filename: str
    template: str
    data: dict[str, Any]

    def source(self, fonts: CjkFonts | None = None) -> str:
        serif, sans = (fonts.serif, fonts.sans) if fonts else (SERIF_FAMILIES[0], SANS_FAMILIES[0])
        return (
            f"#let data = {typst_literal(self.data)}\n"
            f"#let serif = ({typst_string(serif)},)\n#let sans = ({typst_string(sans)},)\n"
            f"#metadata(data) <fupin-data>\n{COMMON}\n{self.template}"
        )


def render_pdf(printout: Printout) -> bytes:
    """The PDF of ``printout`` (``PrintUnavailableError`` without a CJK font, or if Typst could not use it)."""
    fonts = cjk_fonts()
    pdf, warnings = typst.compile_with_warnings(printout.source(fonts).encode("utf-8"), font_paths=fonts.found)
    if any("font" in str(getattr(w, "message", w)) for w in warnings):
        raise PrintUnavailableError(NO_FONT)
    return bytes(pdf)
