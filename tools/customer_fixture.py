"""Write the customer-list fixture of ``kb bench screen``: ``tests/fixtures/customers-1000.csv``.

``python -m tools.customer_fixture`` rebuilds it from the party-list announcements of ``sources/``
(deterministic: the same corpus gives the same file). Columns: ``name``, ``country`` and
``expected`` (the outcome the row is written to give as of ``AS_OF``), ``kind`` (how it was made):

- ``exact``, ``alias``, ``chinese``, ``suffix`` (another legal form, other case): listed names;
- ``misspelt`` (one letter dropped or doubled), ``near`` (a subsidiary, a parent or a namesake of a
  listed party) and ``other_country`` (a listed name with another country): possible matches;
- ``plain``: companies on no list held, real and invented.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

from kb.config import PROJECT_ROOT
from kb.corpus.loading import load_corpus
from kb.corpus.schema import PartySpec
from kb.language.names import name_form

__all__ = ["AS_OF", "FIXTURE", "build_rows", "main"]

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "customers-1000.csv"
#: The date the ``expected`` column holds for (every listing held had begun by then).
AS_OF = "2026-11-22"
_ROWS = 1000
_SEED = 13


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split("|") if name.strip())


#: Names related to listed parties without being them: each should be a possible match.
NEAR = _names(
    """Red Hat Inc.|MP Material Sciences|Aveox Motors|Hensoldt Optronics GmbH|Teal Drone Services|
    Anduril Systems|Leidos Health|Lockheed Martin Space|General Atomics|Mitsubishi Heavy Industries|
    The Boeing Company|Kawasaki Heavy Industries|Fujitsu Limited|IHI Corporation|Subaru of America|
    TDK Electronics AG|Oshkosh Corporation|L3Harris Communications|Sumitomo Heavy Industries Marine|
    Mitsubishi Electric Corporation|Teledyne Brown Engineering Services|Illumina Cambridge Ltd|
    Echodyne Systems|Exovera Analytics|Hudson Technology Group|Cyberlux Lighting|Saronic Marine|
    Oceaneering Norway AS|Kratos Defense|Elbit Systems Ltd|Cubic Telecom|Tatra Metalurgia|
    Rheinmetall Defence Australia|Vigo System|Omnipol Trading|Excalibur Group|FN Herstal USA|
    Nitto Denko America|Howa Machinery Europe|Hino Motors Sales|Tokin America|Komatsu Ltd|OKI Data|
    Dedrone Holdings|Epirus Capital|Recorded Futures|Shield AI Labs|Edge Autonomy Holdings|
    Sierra Nevada Brewing Co.|Applied Technology Group|Summit Technology Inc.|Universal Logistic|
    Novotech Health|Insitu Pacific|Jaia Robotic|Rapid Flights LLC|Teal Drones Europe|Aerkom|
    Sourcemaps|Gibbs & Cox Marine Solutions|Group W Media|IronMountain Solution|
    Hitachi Metals America|三菱重工|洛克希德马丁太空|芒廷帕斯|美国稀土协会"""
)

#: Real companies on none of the lists held.
PLAIN = _names(
    """Siemens AG|BASF SE|Bosch GmbH|Volkswagen AG|Bayer AG|Deutsche Bahn AG|SAP SE|Continental AG|
    Henkel AG & Co. KGaA|Infineon Technologies AG|Zeiss Group|Trumpf GmbH|Schaeffler AG|Covestro AG|
    Evonik Industries AG|Merck KGaA|Heraeus Holding GmbH|Wacker Chemie AG|Aurubis AG|
    ThyssenKrupp AG|Toyota Motor Corporation|Honda Motor Co., Ltd.|Sony Group Corporation|
    Panasonic Holdings Corporation|Canon Inc.|Nikon Corporation|Shin-Etsu Chemical Co., Ltd.|
    Murata Manufacturing Co., Ltd.|Kyocera Corporation|Daikin Industries, Ltd.|Denso Corporation|
    Asahi Kasei Corporation|Toray Industries, Inc.|Sekisui Chemical Co., Ltd.|Nidec Corporation|
    Omron Corporation|Yaskawa Electric Corporation|Fanuc Corporation|Keyence Corporation|
    Rohm Co., Ltd.|Samsung Electronics Co., Ltd.|LG Chem Ltd.|SK hynix Inc.|Hyundai Motor Company|
    POSCO Holdings Inc.|Posco Future M|EcoPro BM|Korea Zinc Co., Ltd.|Apple Inc.|
    Microsoft Corporation|Intel Corporation|Texas Instruments Incorporated|Micron Technology, Inc.|
    Corning Incorporated|3M Company|Dow Inc.|DuPont de Nemours, Inc.|Albemarle Corporation|
    Tesla, Inc.|Ford Motor Company|Whirlpool Corporation|Caterpillar Inc.|Deere & Company|
    Johnson & Johnson|Pfizer Inc.|Coca-Cola Company|PepsiCo, Inc.|Walmart Inc.|
    Costco Wholesale Corporation|Nike, Inc.|Starbucks Corporation|Cisco Systems, Inc.|
    Oracle Corporation|Adobe Inc.|Qualcomm Incorporated|Broadcom Inc.|Nvidia Corporation|
    Advanced Micro Devices, Inc.|Applied Materials, Inc.|Lam Research Corporation|KLA Corporation|
    ASML Holding N.V.|Philips N.V.|Shell plc|Unilever PLC|Heineken N.V.|AkzoNobel N.V.|
    DSM-Firmenich AG|Nestle S.A.|Novartis AG|Roche Holding AG|ABB Ltd|Glencore plc|Rio Tinto plc|
    BHP Group Limited|Anglo American plc|Umicore SA|Solvay SA|Saint-Gobain S.A.|Air Liquide S.A.|
    Schneider Electric SE|L'Oreal S.A.|Michelin SCA|Renault S.A.|Stellantis N.V.|Eramet S.A.|
    Imerys S.A.|Enel S.p.A.|Pirelli & C. S.p.A.|Ferrari N.V.|Brembo S.p.A.|Iberdrola S.A.|
    Telefonica S.A.|Volvo AB|Ericsson AB|Sandvik AB|Atlas Copco AB|Boliden AB|Nokia Oyj|
    Outokumpu Oyj|Norsk Hydro ASA|Equinor ASA|Novo Nordisk A/S|Maersk A/S|Vestas Wind Systems A/S|
    Skoda Auto a.s.|CEZ a.s.|KGHM Polska Miedz S.A.|Orlen S.A.|Tata Steel Limited|
    Reliance Industries Limited|Infosys Limited|Hindalco Industries Limited|Vale S.A.|
    Petrobras S.A.|Embraer S.A.|Magna International Inc.|Teck Resources Limited|
    Lynas Rare Earths Ltd|Iluka Resources Limited|Neo Performance Materials Inc.|
    Solvay Rare Earth Systems|Arafura Rare Earths Ltd|Energy Fuels Inc.|Ucore Rare Metals Inc.|
    Vacuumschmelze GmbH & Co. KG|Arnold Magnetic Technologies|Proterial, Ltd.|
    Shin-Etsu Magnetic Materials Vietnam|Vinfast Trading and Production JSC|Viettel Group|
    PTT Public Company Limited|Petronas Chemicals Group Berhad|
    Singapore Technologies Engineering Ltd|Keppel Ltd.|Wilmar International Limited|
    Foxconn Technology Group|Taiwan Semiconductor Manufacturing Company|MediaTek Inc.|
    United Microelectronics Corporation|ASE Technology Holding Co., Ltd.|Delta Electronics, Inc.|
    Acer Incorporated|Asustek Computer Inc.|Lenovo Group Limited|Haier Smart Home Co., Ltd.|索尼集团公司|
    丰田汽车公司|西门子股份公司|巴斯夫欧洲公司|三星电子株式会社|松下控股株式会社|博世有限公司|大众汽车股份公司|苹果公司|英特尔公司|微软公司|康宁公司|杜邦公司|特斯拉公司|福特汽车公司|
    通用电气公司|霍尼韦尔国际公司|飞利浦公司|壳牌公司|雀巢公司|诺华公司|罗氏公司|力拓集团|必和必拓公司|优美科公司|索尔维公司|液化空气集团|施耐德电气公司|米其林集团|雷诺集团|
    沃尔沃集团|爱立信公司|诺基亚公司|挪威海德鲁公司|塔塔钢铁公司|淡水河谷公司|莱纳斯稀土公司"""
)

_COUNTRIES = ("DE", "JP", "KR", "US", "FR", "IT", "NL", "GB", "SE", "VN", "IN", "SG", "TW", "PL", "CZ")
_SUFFIXES = ("Inc.", "GmbH", "Co., Ltd.", "Corporation", "LLC", "S.A.", "Ltd", "AG", "KK", "S.r.l.")
_INVENTED = _names(
    """Zentrova|Kalimar|Brixholt|Quorvane|Estrelis|Vantoro|Olmquist|Ferrando|Tavisko|Norlane|Pemberly|
    Corvanta|Halvorsen|Yamaoka|Sunwell|Delacroix|Ostrava Steelworks|Brightwater|Marlowe|
    Kestrel Point|Aldergate|Whitcombe|Rosenthal|Bellamont|Duarte"""
)
_TRADES = _names(
    """Trading|Metals|Components|Ceramics|Optics|Coatings|Alloys|Magnetics|Batteries|Abrasives|
    Wire & Cable|Plastics|Foods|Textiles|Furniture|Logistics"""
)


def build_rows(sources: Path, rows: int = _ROWS, seed: int = _SEED) -> list[dict[str, str]]:
    """The fixture's rows: listed names in several spellings, near misses and plain companies."""
    rng = random.Random(seed)
    parties: list[PartySpec] = []
    seen: set[str] = set()
    for doc in load_corpus(sources):
        for spec in doc.meta.parties:
            if spec.name not in seen:
                seen.add(spec.name)
                parties.append(spec)
    out: list[dict[str, str]] = []

    def add(name: str, country: str | None, expected: str, kind: str) -> None:
        out.append({"name": name, "country": country or "", "expected": expected, "kind": kind})

    for spec in rng.sample(parties, 150):
        add(spec.name, spec.country, "listed", "exact")
    aliases = [(a, p) for p in parties for a in p.aliases if len(name_form(a).key.replace(" ", "")) > 3]
    for alias, spec in rng.sample(aliases, 100):
        add(alias, spec.country if rng.random() < 0.5 else None, "listed", "alias")
    for spec in rng.sample([p for p in parties if p.name_zh], 100):
        add(spec.name_zh or "", spec.country, "listed", "chinese")
    for spec in rng.sample(parties, 50):
        key = name_form(spec.name).key
        add(f"{key.upper()} {rng.choice(_SUFFIXES)}", spec.country, "listed", "suffix")
    long_names = [p for p in parties if len(name_form(p.name).key) >= 12 and " " in name_form(p.name).key]
    for spec in rng.sample(long_names, 60):
        add(_misspelt(spec.name, rng), spec.country, "possible_match", "misspelt")
    for name in NEAR:
        add(name, None, "possible_match", "near")
    with_country = [p for p in parties if p.country and len(name_form(p.name).key) > 3]
    for spec in rng.sample(with_country, 15):
        other = next(c for c in _COUNTRIES if c != spec.country)
        add(spec.name, other, "possible_match", "other_country")
    for name in PLAIN:
        add(name, rng.choice(_COUNTRIES) if rng.random() < 0.7 else None, "no_match", "plain")
    while len(out) < rows:
        name = f"{rng.choice(_INVENTED)} {rng.choice(_TRADES)} {rng.choice(_SUFFIXES)}"
        add(name, rng.choice(_COUNTRIES), "no_match", "plain")
    rng.shuffle(out)
    return out[:rows]


def _misspelt(name: str, rng: random.Random) -> str:
    """``name`` with one letter of a long word dropped or doubled."""
    words = name.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    i = rng.choice(long_words) if long_words else max(range(len(words)), key=lambda j: len(words[j]))
    word = words[i]
    at = rng.randrange(1, len(word) - 1)
    words[i] = word[:at] + word[at + 1 :] if rng.random() < 0.5 else word[:at] + word[at] + word[at:]
    return " ".join(words)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, default=FIXTURE, help="CSV to write")
    parser.add_argument("--sources", type=Path, default=PROJECT_ROOT / "sources", help="corpus folder")
    args = parser.parse_args(argv)
    rows = build_rows(args.sources)
    with args.output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["name", "country", "expected", "kind"], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
