"""A deterministic corpus of ERP documents for the search benchmark, and its query set.

Materials (part numbers like ``BRG-6204-2RS``, descriptions), NCRs (defect texts naming a
lot and a part), CAPAs, work orders, equipment and lots, alternating between two
organizations, each with two plants. Words are drawn with Zipf-like frequencies (the
vocabulary's first words are common, its last ones rare), so some query words match a
fifth of the corpus and others a handful of documents.

One random stream makes the documents in order: document ``i`` is the same whatever the
corpus size, so a smaller corpus is a prefix of a larger one (a loaded index can grow).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

SEED = 20261203
VERSION = 1  # bump when the documents change: the bench reloads an index of another version


def _list(text: str, sep: str = " ") -> list[str]:
    return [w for w in text.split(sep) if w]


FAMILIES = {
    "BRG": ("bearing", ("2RS", "ZZ", "C3", "2RS-C3", "NR", "K", "E", "TN9")),
    "VLV": ("valve", ("PN16", "PN40", "PN10", "PN25", "PN63", "PN6")),
    "SHF": ("shaft", ("H7", "G6", "K6", "F7", "J6")),
    "FLG": ("flange", ("PN16", "PN40", "RF", "FF", "WN", "SO")),
    "BLT": ("bolt", ("8.8", "10.9", "12.9", "A2", "A4")),
    "NUT": ("nut", ("M8", "M10", "M12", "M16", "M20", "M24")),
    "GSK": ("gasket", ("EPDM", "NBR", "FKM", "PTFE", "GRAPH")),
    "SEL": ("seal", ("NBR", "FKM", "PTFE", "PU", "HNBR")),
    "PMP": ("pump", ("CI", "SS", "BR", "DI")),
    "MTR": ("motor", ("IE2", "IE3", "IE4", "EX")),
    "HSG": ("housing", ("AL", "GG25", "GGG40", "ST", "SS")),
    "SPR": ("spring", ("C", "T", "E", "D")),
    "BSH": ("bushing", ("BZ", "PA", "PTFE", "SINT")),
    "CPL": ("coupling", ("R", "J", "G", "D", "L")),
    "GER": ("gear", ("M1", "M2", "M3", "M4", "M5")),
}
ADJECTIVES = _list(
    "stainless steel carbon alloy hardened galvanized forged cast machined welded precision"
    " sealed threaded tapered flexible rigid hydraulic pneumatic radial axial angular"
    " deep groove cylindrical spherical conical heavy light compact reinforced coated"
    " anodized polished ground heat treated nitrided chrome plated zinc brass bronze"
    " aluminium copper titanium polymer rubber ceramic graphite"
)
NOUNS = _list(
    "bearing valve shaft flange bolt nut gasket seal pump motor housing spring bushing"
    " coupling gear sleeve washer ring pin bracket plate cover cap clamp hose fitting"
    " pulley belt chain sprocket impeller rotor stator piston cylinder nozzle filter"
    " sensor switch relay connector cable terminal spindle collar hub disc liner"
    " manifold actuator bellows diaphragm gland socket elbow tee reducer adapter"
)
DEFECTS = _list(
    "surface scratch|burr|crack|porosity|dent|corrosion|wrong dimension|oversize bore"
    "|undersize diameter|thread damage|missing chamfer|weld spatter|paint defect"
    "|incomplete weld|misalignment|excessive runout|rough surface finish|blowhole"
    "|inclusion|delamination|discoloration|deformation|leak|wrong material|contamination"
    "|hardness out of tolerance|flatness deviation|coating thickness deviation|pitting",
    "|",
)
LOCATIONS = _list(
    "flange face|sealing surface|bore|outer diameter|thread|keyway|shoulder|groove"
    "|raceway|mounting hole|weld seam|edge|end face|inner ring|outer ring|cage|spline",
    "|",
)
PROCESSES = _list(
    "machining|turning|milling|grinding|drilling|welding|assembly|painting|heat treatment"
    "|final inspection|incoming inspection|packaging|deburring|honing|casting|forging"
    "|coating|pressing|testing|transport",
    "|",
)
CAUSES = _list(
    "worn tool|wrong fixture|operator error|missing work instruction|supplier material"
    "|program error|machine vibration|coolant contamination|incorrect setup|gauge drift"
    "|temperature variation|handling damage|drawing revision mismatch|insufficient training",
    "|",
)
MACHINES = _list(
    "CNC lathe|machining center|grinding machine|press brake|welding robot|paint line"
    "|coordinate measuring machine|hardening furnace|injection molding machine|compressor"
    "|conveyor|test bench|drill press|saw|crane|honing machine|laser cutter",
    "|",
)
MAKERS = _list(
    "DMG Mori|Trumpf|Mazak|Okuma|Haas|Kuka|Fanuc|Zeiss|Hermle|Emag|Index|Gildemeister", "|"
)
SUPPLIERS = _list(
    "Schaeffler|SKF|Timken|NSK|Festo|Bosch Rexroth|Parker Hannifin|Freudenberg|Wuerth"
    "|Hoffmann Group|Siemens|ABB|Grundfos|KSB|Trelleborg|Igus|Misumi|Norelem|Ganter",
    "|",
)
FILLER = _list(
    "according drawing revision batch delivered customer returned supplier quality"
    " tolerance nominal measured dimension inspection report sample rework scrap sorting"
    " containment quarantine approved released blocked order quantity pieces shift line"
    " station cell operation sequence setup changeover maintenance lubrication torque"
    " pressure temperature clearance fit tolerance class surface roughness hardness"
    " specification standard certificate traceability serial customer complaint audit"
    " deviation concession disposition verification effectiveness preventive corrective"
    " containment analysis root cause ishikawa fivewhy review engineering production"
    " logistics warehouse receiving shipping spare replacement overhaul calibration"
)
GROUPS = ("MECH", "HYDR", "PNEU", "ELEC", "FAST", "SEAL", "DRIV", "RAW", "PACK", "TOOL")
TYPES = (
    ("material", 30),
    ("ncr", 20),
    ("work_order", 20),
    ("lot", 15),
    ("equipment", 10),
    ("capa", 5),
)
STATUSES = {
    "material": ("active", "active", "active", "blocked", "obsolete"),
    "ncr": ("open", "in_review", "closed", "closed", "closed"),
    "work_order": ("released", "in_progress", "completed", "completed", "closed"),
    "lot": ("released", "released", "quarantine", "blocked", "consumed"),
    "equipment": ("running", "running", "down", "maintenance"),
    "capa": ("open", "in_progress", "verification", "closed"),
}
START = date(2024, 1, 1)
T0 = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Doc:
    index: int
    org: int  # 0 or 1
    plant: int | None  # None: the organization's, else its plant 0 or 1
    entity_type: str
    entity_id: str
    code: str
    title: str
    body: str
    extra: str
    status: str
    material_group: str | None
    doc_date: date
    changed_at: datetime


def _zipf(words: list[str], s: float = 1.0) -> tuple[list[str], list[float]]:
    total = 0.0
    cum = []
    for rank in range(1, len(words) + 1):
        total += 1 / rank**s
        cum.append(total)
    return words, cum


class _Words:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        shuffled = random.Random(SEED + 1)
        vocab = sorted(set(ADJECTIVES + NOUNS + FILLER))
        shuffled.shuffle(vocab)
        self.vocab = _zipf(vocab, 1.05)
        nouns = list(NOUNS)
        shuffled.shuffle(nouns)
        self.nouns = _zipf(nouns, 0.9)
        adjectives = list(ADJECTIVES)
        shuffled.shuffle(adjectives)
        self.adjectives = _zipf(adjectives, 0.9)
        self.defects = _zipf(list(DEFECTS), 0.8)

    def pick(self, table: tuple[list[str], list[float]], k: int = 1) -> list[str]:
        return self.rng.choices(table[0], cum_weights=table[1], k=k)

    def sentence(self, k: int) -> str:
        return " ".join(self.pick(self.vocab, k))


class Corpus:
    """The documents in order; ``codes`` are the part numbers made so far (by org)."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.words = _Words(self.rng)
        self.counters = dict.fromkeys(FAMILIES, 0)
        self.codes: tuple[list[str], list[str]] = ([], [])
        self.lots: tuple[list[str], list[str]] = ([], [])
        self.types = [t for t, _ in TYPES]
        self.type_weights = list(itertools.accumulate(w for _, w in TYPES))
        self.families = list(FAMILIES)

    def __iter__(self) -> Iterator[Doc]:
        for i in itertools.count():
            yield self._doc(i)

    def take(self, n: int) -> list[Doc]:
        return list(itertools.islice(self, n))

    def _part(self, org: int) -> str:
        codes = self.codes[org]
        if not codes:
            return "BRG-6204-2RS"
        # Recent parts are referenced more often than old ones.
        return codes[max(0, len(codes) - 1 - int(self.rng.expovariate(1 / 2000)))]

    def _doc(self, i: int) -> Doc:
        rng = self.rng
        org = i % 2
        kind = rng.choices(self.types, cum_weights=self.type_weights)[0]
        day = START + timedelta(days=rng.randrange(0, 1065))
        changed = T0 + timedelta(seconds=i * 7 + rng.randrange(0, 7))
        status = rng.choice(STATUSES[kind])
        plant: int | None = rng.randrange(2)
        group: str | None = None
        w = self.words
        if kind == "material":
            plant = None
            family = rng.choice(self.families)
            noun, suffixes = FAMILIES[family]
            n = self.counters[family]
            self.counters[family] += 1
            base = 1000 + (n * 7919) % 9000
            code = f"{family}-{base}-{suffixes[(n // 9000) % len(suffixes)]}"
            if n >= 9000 * len(suffixes):
                code += f"-{n // (9000 * len(suffixes))}"
            self.codes[org].append(code)
            adj = " ".join(w.pick(w.adjectives, rng.randint(1, 2)))
            size = f"{rng.choice((6, 8, 10, 12, 16, 20, 25, 32, 40, 50, 63, 80, 100))}"
            title = f"{adj} {noun} {size} mm".capitalize()
            body = (
                f"{adj} {noun} for {' '.join(w.pick(w.nouns, 1))} assembly, "
                f"{size}x{rng.randint(10, 200)} mm, {w.sentence(rng.randint(4, 14))}"
            )
            group = rng.choice(GROUPS)
            extra = f"{rng.choice(SUPPLIERS)} {group.lower()}"
            entity_id = f"mat-{i}"
        elif kind == "ncr":
            code = f"NCR-{day.year}-{i:07d}"
            defect = w.pick(w.defects)[0]
            where = rng.choice(LOCATIONS)
            process = rng.choice(PROCESSES)
            part = self._part(org)
            lot = f"L-{day.year}-{rng.randint(1, 9999):04d}"
            title = f"{defect.capitalize()} on {where} after {process}"
            body = (
                f"{defect} on {where} after {process}, lot {lot}, part {part}; "
                f"{rng.randint(1, 40)} pcs affected. {w.sentence(rng.randint(6, 20))}"
            )
            extra = f"{rng.choice(SUPPLIERS)} {rng.choice(CAUSES)}"
            entity_id = f"ncr-{i}"
        elif kind == "capa":
            plant = None
            code = f"CAPA-{day.year}-{i:07d}"
            cause = rng.choice(CAUSES)
            defect = w.pick(w.defects)[0]
            title = f"Corrective action: {cause} causing {defect}"
            body = (
                f"root cause {cause}; {defect} on {rng.choice(LOCATIONS)} during "
                f"{rng.choice(PROCESSES)}. {w.sentence(rng.randint(8, 24))}"
            )
            extra = rng.choice(("8D", "5 why", "Ishikawa", "FMEA"))
            entity_id = f"capa-{i}"
        elif kind == "work_order":
            code = f"WO-{day.year}-{i:07d}"
            part = self._part(org)
            process = rng.choice(PROCESSES)
            noun = w.pick(w.nouns)[0]
            title = f"{process.capitalize()} {noun} {part}"
            body = f"{rng.randint(1, 500)} pcs {part}, {process}; {w.sentence(rng.randint(3, 12))}"
            extra = f"line {rng.randint(1, 8)} shift {rng.choice('ABC')}"
            entity_id = f"wo-{i}"
        elif kind == "lot":
            code = f"L-{day.year}-{i:07d}"
            part = self._part(org)
            self.lots[org].append(code)
            title = f"Lot {code} of {part}"
            body = f"{' '.join(w.pick(w.nouns, 1))} {w.sentence(rng.randint(2, 8))}"
            extra = f"{rng.choice(SUPPLIERS)} batch {rng.randint(10000, 99999)}"
            entity_id = f"lot-{i}"
        else:
            machine = rng.choice(MACHINES)
            maker = rng.choice(MAKERS)
            code = f"EQ-{org}{plant}-{i:07d}"
            title = (
                f"{machine.capitalize()} {maker} {rng.choice('ABCDEFGH')}{rng.randint(100, 999)}"
            )
            body = f"{machine} in cell {rng.randint(1, 30)}; {w.sentence(rng.randint(4, 16))}"
            extra = f"{maker} service contract {rng.randint(1000, 9999)}"
            entity_id = f"eq-{i}"
        return Doc(
            index=i,
            org=org,
            plant=plant,
            entity_type=kind,
            entity_id=entity_id,
            code=code,
            title=title,
            body=body,
            extra=extra,
            status=status,
            material_group=group,
            doc_date=day,
            changed_at=changed,
        )


# The query set --------------------------------------------------------------------------

CLASSES = ("single", "several", "typo", "part_number", "prefix")


@dataclass(frozen=True, slots=True)
class Query:
    cls: str
    org: int
    text: str  # as typed into /api/search
    suggest: str  # as typed into /suggest (the last word unfinished)
    words: tuple[str, ...]  # the words as typed, the prefix without its star


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:  # a letter dropped
        return word[:i] + word[i + 1 :]
    if kind == 1 and word[i] != word[i + 1]:  # two neighbours swapped
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    letters = "aeioustrnl"
    return word[:i] + rng.choice([c for c in letters if c != word[i]]) + word[i + 1 :]


def _plain_words(doc: Doc) -> list[str]:
    text = f"{doc.title} {doc.body}".lower()
    out = []
    for raw in text.replace(",", " ").replace(";", " ").replace(".", " ").split():
        if raw.isalpha() and len(raw) >= 4 and raw not in ("after", "with", "from"):
            out.append(raw)
    return out


def queries(  # noqa: C901 - one branch per class
    docs: list[Doc], per_class: int, seed: int = SEED + 2
) -> list[Query]:
    """``per_class`` queries of each class, each drawn from a random document of the
    corpus (so it matches something), alternating organizations."""
    rng = random.Random(seed)
    out: list[Query] = []
    for cls in CLASSES:
        made = 0
        while made < per_class:
            doc = docs[rng.randrange(len(docs))]
            words = _plain_words(doc)
            if not words:
                continue
            if cls == "single":
                word = rng.choice(words)
                q = Query(cls, doc.org, word, word, (word,))
            elif cls == "several":
                k = min(len(set(words)), rng.choice((2, 2, 3)))
                if k < 2:
                    continue
                chosen = rng.sample(sorted(set(words)), k)
                q = Query(cls, doc.org, " ".join(chosen), " ".join(chosen), tuple(chosen))
            elif cls == "typo":
                candidates = [x for x in words if len(x) >= 5]
                if not candidates:
                    continue
                word = _typo(rng, rng.choice(candidates))
                q = Query(cls, doc.org, word, word, (word,))
            elif cls == "part_number":
                if doc.entity_type != "material":
                    continue
                code = doc.code
                style = rng.randrange(3)
                if style == 1:
                    code = code.lower()
                elif style == 2:
                    code = code.replace("-", " ")
                q = Query(cls, doc.org, code, code, (code,))
            else:
                word = rng.choice(words)
                cut = word[: rng.randint(3, max(3, min(5, len(word) - 1)))]
                q = Query(cls, doc.org, cut + "*", cut, (cut,))
            out.append(q)
            made += 1
    return out
