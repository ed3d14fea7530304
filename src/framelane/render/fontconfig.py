"""A private fontconfig root for skia, so a render prints no fontconfig warnings.

The cause: the skia wheel bundles its own fontconfig (2.13), older than the system's
configuration files. When it starts, besides loading `/etc/fonts`, it scans its compiled-in
template directory `/usr/share/fontconfig/conf.avail`, where a newer system ships templates
such as `05-reset-dirs-sample.conf` with elements it does not know (`<reset-dirs>`): one
"Fontconfig warning" on stderr in every process that draws text.

The fix: `FONTCONFIG_SYSROOT` points the bundled fontconfig at a small directory generated
here that holds the system's font directories (links) and a `fonts.conf` including every active
rule of `/etc/fonts/conf.d` (aliases such as Arial → Liberation Sans keep working) and a cache
directory — but no template directory. The bundled 2.13 resolves an `<include>` of a whole
directory under a sysroot wrongly, so the rules are included one file at a time.

Nothing changes when the operator set `FONTCONFIG_FILE`, `FONTCONFIG_PATH` or
`FONTCONFIG_SYSROOT`, or when the system has no `/etc/fonts/conf.d`. It must run before skia
creates its first font manager: `framelane.render` calls it on import.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

OPERATOR_SETTINGS = ("FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT")
SYSTEM_RULES = Path("/etc/fonts/conf.d")
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))


def fonts_conf(rules: list[str], font_dirs: list[Path]) -> str:
    dirs = "".join(f"  <dir>{escape(str(path))}</dir>\n" for path in font_dirs)
    includes = "".join(
        f'  <include ignore_missing="yes">{escape(str(SYSTEM_RULES / name))}</include>\n'
        for name in rules
    )
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"{dirs}{includes}  <cachedir>/cache</cachedir>\n</fontconfig>\n"
    )


def private_root(base: Path) -> Path:
    """Generate the sysroot under `base` (idempotent) and return it."""
    root = base / f"framelane-fontconfig-{os.getuid()}"
    (root / "etc" / "fonts").mkdir(parents=True, exist_ok=True)
    (root / "cache").mkdir(exist_ok=True)
    _link(root / "etc" / "fonts" / "conf.d", SYSTEM_RULES)
    font_dirs = [path for path in FONT_DIRS if path.is_dir()]
    for path in font_dirs:
        _link(root / path.relative_to("/"), path)
    rules = sorted(name for name in os.listdir(SYSTEM_RULES) if name.endswith(".conf"))
    config = root / "etc" / "fonts" / "fonts.conf"
    text = fonts_conf(rules, font_dirs)
    if not config.is_file() or config.read_text() != text:
        staged = config.with_suffix(f".{os.getpid()}.tmp")
        staged.write_text(text)
        staged.replace(config)
    return root


def _link(link: Path, target: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() and link.resolve() == target.resolve():
        return
    if link.is_symlink():
        link.unlink()
    link.symlink_to(target, target_is_directory=True)


def use_private_fontconfig() -> None:
    """Set `FONTCONFIG_SYSROOT` for skia's bundled fontconfig, unless the operator configured
    fontconfig or the system has no rules to share."""
    if any(os.environ.get(name) for name in OPERATOR_SETTINGS) or not SYSTEM_RULES.is_dir():
        return
    try:
        root = private_root(Path(tempfile.gettempdir()))
    except OSError:
        return  # a read-only temp dir: fontconfig keeps its defaults (and its warning)
    os.environ["FONTCONFIG_SYSROOT"] = str(root)
