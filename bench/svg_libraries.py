"""Which library rasterises SVG for image elements: resvg (resvg-py), skia's SVG module
(skia-python's `skia.SVGDOM`) or CairoSVG, measured on the same drawings at the sizes a
render asks for (a 256 px logo, a 1920 px full-frame graphic).

Prints, per drawing and size, each library's median time and how far its pixels are from
the others (mean absolute difference over RGBA, 0-255). The drawings use what logos use:
gradients, strokes with joins and dashes, `hsl()` colours, a Gaussian blur filter. Run:
`PYTHONPATH=src python bench/svg_libraries.py` (CairoSVG is measured when installed).
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable

import numpy as np
import resvg_py  # type: ignore[import-untyped]
import skia
from PIL import Image

LOGO = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
<stop offset="0" stop-color="#ff5a36"/><stop offset="1" stop-color="#6b2cf5"/></linearGradient>
</defs>
<circle cx="100" cy="100" r="90" fill="url(#g)"/>
<path d="M60 140 L100 50 L140 140 Z" fill="#fff" stroke="#222" stroke-width="6"
 stroke-linejoin="round"/>
<rect x="20" y="160" width="160" height="20" rx="10" fill="#1e1e1e" opacity="0.6"/>
</svg>"""

ICONS = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400">'
    + "".join(
        f'<path d="M{x} {y} q 10 -20 20 0 t 20 0 l 0 12 -40 0 z"'
        f' fill="hsl({(x * y) % 360},70%,50%)"'
        f' transform="rotate({(x + y) % 90} {x + 20} {y + 6})"/>'
        for x in range(0, 400, 25)
        for y in range(0, 400, 25)
    )
    + "</svg>"
)

BLURRED = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 150">
<defs><filter id="b"><feGaussianBlur stdDeviation="6"/></filter></defs>
<ellipse cx="150" cy="80" rx="120" ry="50" fill="#0af" filter="url(#b)"/>
<path d="M30 120 C 80 10, 220 10, 270 120" fill="none" stroke="#f30" stroke-width="12"
 stroke-dasharray="24 12" stroke-linecap="round"/>
</svg>"""

Renderer = Callable[[str, int, int], np.ndarray]


def with_resvg(svg: str, width: int, height: int) -> np.ndarray:
    png = resvg_py.svg_to_bytes(svg_string=svg, width=width, height=height)
    return np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGBA"))


def with_skia(svg: str, width: int, height: int) -> np.ndarray:
    data = svg.encode()
    dom = skia.SVGDOM.MakeFromStream(skia.MemoryStream(data, True))
    dom.setContainerSize(skia.Size(width, height))
    surface = skia.Surface(width, height)
    with surface as canvas:
        dom.render(canvas)
    return np.asarray(
        surface.makeImageSnapshot().convert(
            alphaType=skia.kUnpremul_AlphaType, colorType=skia.kRGBA_8888_ColorType
        )
    )


def with_cairosvg(svg: str, width: int, height: int) -> np.ndarray:
    import cairosvg  # type: ignore[import-untyped]  # not a dependency: pip install cairosvg

    png = cairosvg.svg2png(bytestring=svg.encode(), output_width=width, output_height=height)
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def libraries() -> dict[str, Renderer]:
    found: dict[str, Renderer] = {"resvg": with_resvg, "skia.SVGDOM": with_skia}
    try:
        import cairosvg  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        print("CairoSVG is not installed (pip install cairosvg): left out")
    else:
        found["CairoSVG"] = with_cairosvg
    return found


def timed(
    render: Renderer, svg: str, width: int, height: int, runs: int
) -> tuple[float, np.ndarray]:
    times = []
    pixels = render(svg, width, height)
    for _ in range(runs):
        start = time.perf_counter()
        pixels = render(svg, width, height)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, pixels


def main() -> None:
    cases = [("logo", LOGO, 1.0), ("icons", ICONS, 1.0), ("blur+dash", BLURRED, 0.5)]
    found = libraries()
    for name, svg, aspect in cases:
        for width in (256, 1920):
            height = round(width * aspect)
            results = {lib: timed(fn, svg, width, height, 5) for lib, fn in found.items()}
            line = [f"{name:10s} {width:5d}px"]
            for lib, (ms, pixels) in results.items():
                others = [p for other, (_, p) in results.items() if other != lib]
                diff = statistics.mean(
                    float(np.abs(pixels.astype(int) - o.astype(int)).mean()) for o in others
                )
                line.append(f"{lib} {ms:7.1f} ms (diff {diff:4.2f})")
            print("  ".join(line))


if __name__ == "__main__":
    main()
