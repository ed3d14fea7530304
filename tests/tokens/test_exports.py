"""Every export format, parsed back: JSON, CSS (a small parser per block), Android XML
(ElementTree), DTCG JSON, and Swift checked structurally."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import tree_sitter_swift
from fastapi.testclient import TestClient
from tree_sitter import Language, Parser

from tests.tokens.conftest import Api

SHADOW = {
    "offsetX": "0px",
    "offsetY": "4px",
    "blur": "8px",
    "spread": "0px",
    "color": "rgba(0, 0, 0, 0.1)",
}
TYPOGRAPHY = {
    "fontFamily": ["Open Sans", "sans-serif"],
    "fontSize": "1rem",
    "fontWeight": 700,
    "lineHeight": 1.5,
}
LIGHT = [
    {
        "name": "colors.primary.500",
        "type": "color",
        "value": "#3b82f6",
        "description": "Brand blue */ with -- dashes",
    },
    {"name": "colors.surface", "type": "color", "value": "rgba(255, 255, 255, 0.5)"},
    {"name": "colors.link", "type": "color", "alias_to": "colors.primary.500"},
    {"name": "spacing.md", "type": "dimension", "value": "16px"},
    {"name": "font.size.body", "type": "fontSize", "value": 14},
    {"name": "font.family.sans", "type": "fontFamily", "value": ["Inter", "sans-serif"]},
    {"name": "motion.fast", "type": "duration", "value": "150ms"},
    {"name": "motion.ease", "type": "cubicBezier", "value": [0, 0, 0.2, 1]},
    {"name": "shadow.md", "type": "shadow", "value": SHADOW},
    {"name": "type.body", "type": "typography", "value": TYPOGRAPHY},
    {"name": "type.lead", "type": "typography", "alias_to": "type.body"},
    {"name": "copy.tagline", "type": "string", "value": 'It\'s "fast"'},
    {"name": "flags.rounded", "type": "boolean", "value": True},
    {"name": "opacity.disabled", "type": "number", "value": 0.4},
]


@pytest.fixture
def exported(api: Api) -> dict[str, Any]:
    tokenset = api.tokenset(api.workspace(), "Brand Kit")
    modes = f"/tokensets/{tokenset['id']}/modes"
    api.call("PATCH", f"{modes}/{tokenset['mode']}", json={"name": "Light"})
    for body in LIGHT:
        api.token(tokenset, body)
    dark = api.call("POST", modes, 201, json={"name": "Dark"})
    dark_tokens = api.call("GET", f"{modes}/{dark['id']}/tokens")["tokens"]
    primary = next(t for t in dark_tokens if t["name"] == "colors.primary.500")
    api.call("PATCH", f"{modes}/{dark['id']}/tokens/{primary['id']}", json={"value": "#60a5fa"})
    return {"id": tokenset["id"], "light": tokenset["mode"], "dark": dark["id"]}


def fetch(client: TestClient, api: Api, url: str, fmt: str) -> Any:
    response = client.get(f"/api/v1{url}", params={"format": fmt}, headers=api.headers)
    assert response.status_code == 200, response.text
    return response


def parse_css(text: str) -> dict[str, dict[str, str]]:
    """{selector: {property: value}} with comments removed."""
    blocks: dict[str, dict[str, str]] = {}
    uncommented = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", uncommented):
        declarations = re.findall(r"(--[A-Za-z0-9_-]+)\s*:\s*([^;]+);", body)
        assert len(declarations) == body.count(";")
        blocks[selector.strip()] = dict(declarations)
    return blocks


class TestJson:
    def test_mode_and_tokenset(
        self, client: TestClient, api: Api, exported: dict[str, Any]
    ) -> None:
        response = fetch(
            client, api, f"/tokensets/{exported['id']}/modes/{exported['light']}/export", "json"
        )
        assert response.headers["content-type"].startswith("application/json")
        assert 'filename="brand-kit-light.json"' in response.headers["content-disposition"]
        tree = response.json()
        assert tree["colors"]["primary"]["500"] == {
            "value": "#3b82f6",
            "type": "color",
            "description": "Brand blue */ with -- dashes",
        }
        assert tree["colors"]["link"] == {"value": "{colors.primary.500}", "type": "color"}
        assert tree["shadow"]["md"]["value"] == SHADOW
        everything = fetch(client, api, f"/tokensets/{exported['id']}/export", "json").json()
        assert list(everything["$modes"]) == ["light", "dark"]
        assert everything["$modes"]["dark"]["colors"]["primary"]["500"]["value"] == "#60a5fa"

    def test_default_format_is_json_and_unknown_is_400(
        self, client: TestClient, api: Api, exported: dict[str, Any]
    ) -> None:
        plain = client.get(f"/api/v1/tokensets/{exported['id']}/export", headers=api.headers)
        assert "$modes" in plain.json()
        bad = client.get(
            f"/api/v1/tokensets/{exported['id']}/export?format=scss", headers=api.headers
        )
        assert bad.status_code == 400
        assert bad.json() == {
            "error": "Invalid format. Must be one of: json, css, ios, android, dtcg"
        }


class TestCss:
    def test_one_block_per_mode(
        self, client: TestClient, api: Api, exported: dict[str, Any]
    ) -> None:
        response = fetch(client, api, f"/tokensets/{exported['id']}/export", "css")
        assert response.headers["content-type"].startswith("text/css")
        assert "/* Light Mode */" in response.text and "/* Dark Mode */" in response.text
        blocks = parse_css(response.text)
        assert list(blocks) == [':root[data-theme="light"]', ':root[data-theme="dark"]']
        light, dark = blocks[':root[data-theme="light"]'], blocks[':root[data-theme="dark"]']
        assert light["--colors-primary-500"] == "#3b82f6"
        assert dark["--colors-primary-500"] == "#60a5fa"
        assert light["--colors-link"] == "var(--colors-primary-500)"
        assert light["--spacing-md"] == "16px" and light["--font-size-body"] == "14px"
        assert light["--font-family-sans"] == '"Inter", sans-serif'
        assert light["--motion-ease"] == "cubic-bezier(0, 0, 0.2, 1)"
        assert light["--shadow-md"] == "0px 4px 8px 0px rgba(0, 0, 0, 0.1)"
        assert light["--type-body-font-family"] == '"Open Sans", sans-serif'
        assert light["--type-body-font-size"] == "1rem"
        assert light["--type-lead-font-weight"] == "var(--type-body-font-weight)"
        assert light["--copy-tagline"] == '"It\'s \\"fast\\""'
        assert set(light) == set(dark)

    def test_mode_export_is_root(
        self, client: TestClient, api: Api, exported: dict[str, Any]
    ) -> None:
        text = fetch(
            client, api, f"/tokensets/{exported['id']}/modes/{exported['dark']}/export", "css"
        ).text
        assert list(parse_css(text)) == [":root"]
        assert "/* Brand blue * / with -- dashes */" in text


class TestAndroid:
    def test_resources_parse_and_reference(
        self, client: TestClient, api: Api, exported: dict[str, Any]
    ) -> None:
        response = fetch(client, api, f"/tokensets/{exported['id']}/export", "android")
        assert response.headers["content-type"].startswith("application/xml")
        assert response.text.startswith('<?xml version="1.0" encoding="utf-8"?>')
        root = ET.fromstring(response.text.encode())
        assert root.tag == "resources"
        items = {(el.tag, el.get("name")): el.text for el in root}
        assert items[("color", "colors-primary-500-light")] == "#3B82F6"
        assert items[("color", "colors-primary-500-dark")] == "#60A5FA"
        assert items[("color", "colors-surface-light")] == "#80FFFFFF"
        assert items[("color", "colors-link-dark")] == "@color/colors-primary-500-dark"
        assert items[("dimen", "spacing-md-light")] == "16dp"
        assert items[("dimen", "font-size-body-light")] == "14sp"
        assert items[("dimen", "type-body-fontSize-light")] == "16sp"
        assert items[("integer", "motion-fast-light")] == "150"
        assert items[("bool", "flags-rounded-light")] == "true"
        assert items[("string", "copy-tagline-light")] == 'It\\\'s \\"fast\\"'
        assert items[("item", "opacity-disabled-light")] == "0.4"
        assert "Light Mode" in response.text and "Dark Mode" in response.text
        names = [el.get("name") for el in root]
        assert len(names) == len(set(names))


SWIFT_LINE = re.compile(
    r"^\s*(?:"
    r"//.*"
    r"|import UIKit"
    r"|enum [A-Z][A-Za-z0-9_]* \{"
    r"|\}"
    r"|static let (?P<name>[a-z_][A-Za-z0-9_]*|`[A-Za-z]+`)"
    r"(?:: (?P<type>[A-Za-z\[\]: ]+))? = (?P<expr>.+)"
    r")?$"
)


RESERVED = {
    "class",
    "default",
    "import",
    "enum",
    "let",
    "static",
    "func",
    "var",
    "in",
    "is",
    "as",
    "struct",
    "return",
    "true",
    "false",
    "nil",
    "self",
}
SWIFT_PARSER = Parser(Language(tree_sitter_swift.language()))


def swift_errors(text: str) -> list[str]:
    """Where the tree-sitter Swift grammar fails to parse `text` (empty when it parses)."""
    root = SWIFT_PARSER.parse(text.encode()).root_node
    errors: list[str] = []
    pending = [root] if root.has_error else []
    while pending:
        node = pending.pop()
        broken = [child for child in node.children if child.has_error or child.is_error]
        if not broken:
            errors.append(f"{node.type} at {node.start_point}: {node.text!r}")
        pending.extend(broken)
    return errors


def check_swift(text: str) -> dict[str, str]:
    """Swift that parses (tree-sitter grammar) and, structurally: known line shapes, balanced
    braces, unique names per enum and references to declared constants.
    Returns path → expression."""
    assert swift_errors(text) == []
    stack: list[str] = []
    declared: dict[str, str] = {}
    for line in text.splitlines():
        match = SWIFT_LINE.match(line)
        assert match, f"unexpected Swift line: {line!r}"
        stripped = line.strip()
        if stripped.startswith("enum "):
            stack.append(stripped.split()[1])
        elif stripped == "}":
            stack.pop()
        elif match.group("name"):
            name = match.group("name")
            assert name.startswith("`") or name not in RESERVED, f"unescaped keyword {name}"
            path = ".".join([*stack, name.strip("`")])
            assert path not in declared, f"duplicate {path}"
            declared[path] = match.group("expr")
    assert stack == []
    for path, expr in declared.items():
        if expr.startswith("DesignTokens."):
            assert expr in declared, f"{path} references undeclared {expr}"
    return declared


class TestSwift:
    def test_tokenset_enums(self, client: TestClient, api: Api, exported: dict[str, Any]) -> None:
        response = fetch(client, api, f"/tokensets/{exported['id']}/export", "ios")
        assert response.headers["content-type"].startswith("text/plain")
        text = response.text
        assert text.startswith("// Design Tokens\n// Generated by Tokencraft API")
        declared = check_swift(text)
        assert declared["DesignTokens.Light.Color.colorsPrimary500"] == (
            "UIColor(red: 0.231, green: 0.510, blue: 0.965, alpha: 1.000)"
        )
        assert declared["DesignTokens.Dark.Color.colorsLink"] == (
            "DesignTokens.Dark.Color.colorsPrimary500"
        )
        assert declared["DesignTokens.Light.Dimension.spacingMd"] == "16.0"
        assert declared["DesignTokens.Light.Duration.motionFast"] == "0.15"
        assert declared["DesignTokens.Light.Boolean.flagsRounded"] == "true"
        assert declared["DesignTokens.Light.Text.copyTagline"] == '"It\'s \\"fast\\""'
        assert "/// Brand blue */ with -- dashes" in text

    def test_mode_export(self, client: TestClient, api: Api, exported: dict[str, Any]) -> None:
        text = fetch(
            client, api, f"/tokensets/{exported['id']}/modes/{exported['light']}/export", "ios"
        ).text
        declared = check_swift(text)
        assert declared["DesignTokens.Typography.typeLead"] == ("DesignTokens.Typography.typeBody")
        assert "enum Light" not in text

    def test_awkward_names_and_strings_stay_valid_swift(self, client: TestClient, api: Api) -> None:
        tokenset = api.tokenset(api.workspace(), "Edge")
        api.call(
            "PATCH",
            f"/tokensets/{tokenset['id']}/modes/{tokenset['mode']}",
            json={"name": "High Contrast"},
        )
        for body in (
            {"name": "default", "type": "string", "value": 'back\\slash "q" \n\u0001'},
            {"name": "class.import", "type": "number", "value": 1},
            {"name": "2xl.size", "type": "dimension", "value": "50%"},
            {"name": "2xl-size", "type": "dimension", "value": "2rem", "description": "two\nlines"},
            {
                "name": "border.thin",
                "type": "border",
                "value": {"width": "1px", "style": {"dashArray": ["2px"]}, "color": "#000"},
            },
            {
                "name": "shadow.stack",
                "type": "shadow",
                "value": [{"offsetX": 0, "offsetY": 1, "color": "#0003"}],
            },
            {
                "name": "gradient.hero",
                "type": "gradient",
                "value": "linear-gradient(90deg, #fff 0%, #000 100%)",
            },
        ):
            api.token(tokenset, body)
        text = fetch(client, api, f"/tokensets/{tokenset['id']}/export", "ios").text
        declared = check_swift(text)
        assert declared["DesignTokens.HighContrast.Text.default"] == (
            '"back\\\\slash \\"q\\" \\n\\u{1}"'
        )
        assert declared["DesignTokens.HighContrast.Dimension._2xlSize"] == "32.0"
        assert declared["DesignTokens.HighContrast.Dimension._2xlSize2"] == "0.5"
        assert swift_errors("enum X { static let = 1 }") != []


class TestDtcg:
    def test_mode_document(self, client: TestClient, api: Api, exported: dict[str, Any]) -> None:
        response = fetch(
            client, api, f"/tokensets/{exported['id']}/modes/{exported['light']}/export", "dtcg"
        )
        assert response.headers["content-type"].startswith("application/design-tokens+json")
        tree = json.loads(response.text)
        primary = tree["colors"]["primary"]["500"]
        assert primary["$type"] == "color"
        assert primary["$value"] == {
            "colorSpace": "srgb",
            "components": [0.2314, 0.5098, 0.9647],
            "hex": "#3b82f6",
        }
        assert primary["$description"] == "Brand blue */ with -- dashes"
        assert tree["colors"]["surface"]["$value"]["alpha"] == 0.5
        assert tree["colors"]["link"] == {"$type": "color", "$value": "{colors.primary.500}"}
        assert tree["spacing"]["md"]["$value"] == {"value": 16.0, "unit": "px"}
        assert tree["font"]["size"]["body"]["$type"] == "dimension"
        assert tree["motion"]["fast"]["$value"] == {"value": 150.0, "unit": "ms"}
        assert tree["type"]["body"]["$value"]["fontSize"] == {"value": 1.0, "unit": "rem"}
        assert "$type" not in tree["flags"]["rounded"]
        assert tree["flags"]["rounded"]["$extensions"]["dev.framelane"]["type"] == "boolean"
        for leaf in _leaves(tree):
            assert "$value" in leaf
            if isinstance(leaf["$value"], str) and leaf["$value"].startswith("{"):
                target = leaf["$value"].strip("{}").split(".")
                node = tree
                for part in target:
                    node = node[part]
                assert "$value" in node

    def test_tokenset_carries_every_mode(
        self, client: TestClient, api: Api, exported: dict[str, Any]
    ) -> None:
        tree = fetch(client, api, f"/tokensets/{exported['id']}/export", "dtcg").json()
        assert tree["$extensions"]["dev.framelane"] == {
            "modes": ["light", "dark"],
            "defaultMode": "light",
        }
        modes = tree["colors"]["primary"]["500"]["$extensions"]["mode"]
        assert modes["light"]["hex"] == "#3b82f6" and modes["dark"]["hex"] == "#60a5fa"
        assert tree["colors"]["link"]["$extensions"]["mode"] == {
            "light": "{colors.primary.500}",
            "dark": "{colors.primary.500}",
        }


def _leaves(node: dict[str, Any]) -> list[dict[str, Any]]:
    if "$value" in node:
        return [node]
    return [
        leaf for key, child in node.items() if not key.startswith("$") for leaf in _leaves(child)
    ]


@pytest.mark.parametrize("fmt", ["json", "css", "ios", "android", "dtcg"])
def test_an_empty_tokenset_exports_valid_documents(client: TestClient, api: Api, fmt: str) -> None:
    tokenset = api.tokenset(api.workspace(), "Empty")
    for url in (
        f"/tokensets/{tokenset['id']}/export",
        f"/tokensets/{tokenset['id']}/modes/{tokenset['mode']}/export",
    ):
        text = fetch(client, api, url, fmt).text
        if fmt in ("json", "dtcg"):
            assert isinstance(json.loads(text), dict)
        elif fmt == "css":
            assert len(parse_css(text)) == 1
        elif fmt == "ios":
            assert check_swift(text) == {}
        else:
            assert ET.fromstring(text.encode()).tag == "resources"
