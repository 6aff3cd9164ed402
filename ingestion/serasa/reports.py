"""Synthetic credit profiles and the Serasa JSON API's report document built from them.

A CreditProfile is what Serasa "knows" about one CPF/CNPJ; build_report turns it into the body the
credit-report endpoints answer, with the real field names and shapes (../shared/reference/serasa.md
sections 2.2 to 2.7), quirks included: summaries counting more items than listed, blocks with no
summary or missing altogether, score variants without a score, and fields the spec does not list.
The sandbox (sandbox.py) serves these documents; the demo (ingestion/demo/serasa.py) draws the
profiles and encodes some as legacy strings.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import numpy as np

# negativeData blocks, in the order the API lists them; each block is {"<kind>Response": [...],
# "summary": {...}}.
KINDS = ("pefin", "refin", "notary", "check", "collectionRecords")
SCORE_VARIANTS = ("calculated", "not_calculated", "not_found", "older")

PF_REPORTS = frozenset(
    {
        "RELATORIO_BASICO_PF_PME",
        "RELATORIO_AVANCADO_TOP_SCORE_PF_PME",
        "RELATORIO_INTERMEDIARIO_PF",
        "RELATORIO_INTERMEDIARIO_TOP_SCORE_PF",
        "PERFIL_DE_CREDITO_BASICO_PF",
        "COMBO_CONCESSAO",
        "COMBO_CONCESSAO_COM_SCORE_FINTECH",
    }
)
PJ_REPORTS = frozenset(
    {
        "RELATORIO_BASICO_PJ",
        "RELATORIO_BASICO_PJ_PME",
        "RELATORIO_DADOS_AVULSOS_PJ",
        "RELATORIO_AVANCADO_PJ",
        "RELATORIO_AVANCADO_PJ_ANALITICO",
        "RELATORIO_AVANCADO_TOP_SCORE_PJ",
        "RELATORIO_AVANCADO_TOP_SCORE_PJ_ANALITICO",
        "RELATORIO_AVANCADO_PJ_PME",
        "RELATORIO_AVANCADO_PJ_PME_ANALITICO",
        "RELATORIO_INTERMEDIARIO_TOP_SCORE_PJ",
        "PACOTE_BASICO_FINTECH",
    }
)
PF_FEATURES = frozenset(
    {
        "PARTICIPACAO_SOCIETARIA",
        "CONSULTAS_A_SERASA",
        "SCORE_POSITIVO_SCORE_POSITIVO_PME",
        "ANOTACOES_CONSULTAS_SPC",
        "COMPROMETIMENTO_RENDA",
        "CAPACIDADE_PAGAMENTO",
        "HISTORICO_PAGAMENTO",
        "PONTUALIDADE_PAGAMENTO_PF",
        "RENDA_ESTIMADA",
        "RENDA_ESTIMADA_PF",
        "RECOMENDACAO_LIMITE_CREDITO",
        "LOCALIZACAO_PF",
        "SCORE_FRAUDE_PF",
        "ALERTA_OBITO",
        "ANOTACOES_COMPLETAS",
        "SCORE",
    }
)
PJ_FEATURES = frozenset(
    {
        "QSA",
        "QSA_AVANCADO",
        "QSA_COMPLETO",
        "PARTICIPACOES",
        "LIMITE_CREDITO",
        "SCORE_POSITIVO",
        "SITUACAO_FISCAL",
        "LOCALIZACAO_PJ",
        "MAIS_ANOTACOES",
        "FATURAMENTO_ESTIMADO_POSITIVO",
        "SCORE_FRAUDE_PJ",
        "DIVIDAS_ORGAOS_PUBLICOS",
    }
)

# Fields the spec does not list, added when a profile has unknown_fields.
UNKNOWN_TOP_LEVEL_KEY = "consumerRightsNotice"
UNKNOWN_REGISTRATION_KEY = "socialName"

# Situação do documento by code (the legacy string's SIT DOCTO codes).
STATUS_PF = {"2": "REGULAR", "3": "PENDENTE DE REGULARIZACAO", "6": "SUSPENSA", "9": "CANCELADA"}
STATUS_PJ = {"2": "ATIVA", "6": "SUSPENSA", "0": "INAPTA", "7": "BAIXADA"}


@dataclass(frozen=True)
class Annotation:
    """One negative annotation. Which fields a kind shows: pefin/refin/collectionRecords use
    creditor, contract and nature; notary uses office (the cartório number); check uses the
    bank fields, contract as the check number and checks as the number of cheques."""

    date: str  # YYYY-MM-DD
    amount: Decimal
    creditor: str = ""
    contract: str = ""
    nature_id: str = ""
    nature: str = ""
    city: str = ""
    uf: str = ""
    principal: bool = True
    cadus: str = ""
    office: str = ""
    bank_id: int = 0
    agency: int = 0
    alinea: int = 0
    checks: int = 0


@dataclass(frozen=True)
class CreditProfile:
    document: str  # digits only
    tipo_pessoa: str  # PF or PJ
    name: str
    mother_name: str = ""
    birth_date: str | None = None  # PF birth date, PJ foundation date
    gender: str = ""
    status_code: str = "2"
    status_date: str = "2024-01-01"
    address_line: str = ""
    district: str = ""
    zip_code: str = ""
    city: str = ""
    uf: str = ""
    area_code: int = 11
    phone: int = 0
    annotations: dict[str, tuple[Annotation, ...]] = field(default_factory=dict)
    listed_limit: dict[str, int] = field(default_factory=dict)  # kind -> items the API lists
    omit_summary: tuple[str, ...] = ()  # kinds whose block has the list only
    omit_blocks: tuple[str, ...] = ()  # kinds with no block at all
    score_variant: str = "calculated"
    score: int | None = None
    score_model: str = "HRLN"
    score_range: str = ""
    default_rate: Decimal | None = None  # percent
    inquiries: tuple[tuple[str, str], ...] = ()  # (date, segment or company), newest first
    unknown_fields: bool = False

    def items(self, kind: str) -> tuple[Annotation, ...]:
        return self.annotations.get(kind, ())

    def as_of(self, day: date) -> CreditProfile:
        """The profile as Serasa would have answered on `day`: annotations and inquiries dated
        after it dropped (for answers archived in the past)."""
        cut = day.isoformat()
        return replace(
            self,
            annotations={
                kind: tuple(item for item in items if item.date <= cut)
                for kind, items in self.annotations.items()
            },
            inquiries=tuple(item for item in self.inquiries if item[0] <= cut),
            status_date=min(self.status_date, cut),
        )

    def to_json(self) -> str:
        data = asdict(self)
        data["annotations"] = {
            kind: [_annotation_json(item) for item in items]
            for kind, items in self.annotations.items()
        }
        data["default_rate"] = None if self.default_rate is None else str(self.default_rate)
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> CreditProfile:
        data = json.loads(text)
        data["annotations"] = {
            kind: tuple(Annotation(**{**item, "amount": Decimal(item["amount"])}) for item in items)
            for kind, items in data.get("annotations", {}).items()
        }
        if data.get("default_rate") is not None:
            data["default_rate"] = Decimal(data["default_rate"])
        for name in ("omit_summary", "omit_blocks"):
            data[name] = tuple(data.get(name, ()))
        data["inquiries"] = tuple(tuple(item) for item in data.get("inquiries", ()))
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


def _annotation_json(item: Annotation) -> dict:
    return {**asdict(item), "amount": str(item.amount)}


def write_profiles(path: Path, profiles: list[CreditProfile]) -> None:
    """perfis.jsonl: one profile per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(p.to_json() + "\n" for p in profiles), encoding="utf-8")


def load_profiles(path: Path) -> dict[str, CreditProfile]:
    profiles = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            profile = CreditProfile.from_json(line)
            profiles[profile.document] = profile
    return profiles


# --- the report document ----------------------------------------------------------------------


def _money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01")))


def build_report(profile: CreditProfile, report_name: str, features: list[str]) -> dict:
    """The response body of a credit report on `profile`: {"reports": [...], "optionalFeatures":
    {...}} (features asked add their blocks under the top-level optionalFeatures)."""
    pj = profile.tipo_pessoa == "PJ"
    report: dict = {"reportName": report_name}
    if pj and report_name.startswith("RELATORIO_AVANCADO_PJ"):
        report["identificationReport"] = _identification_report(profile)
        registration = report["identificationReport"]
    else:
        report["registration"] = _pj_registration(profile) if pj else _pf_registration(profile)
        registration = report["registration"]
    report["negativeData"] = _negative_data(profile, pj)
    report["score"] = _score(profile, pj)
    report["negativeSummary"] = {}
    report["facts"] = _pj_facts(profile) if pj else _pf_facts(profile)
    if not pj:
        report["partner"] = {"summary": {"count": 0, "balance": 0.0}}
    document = {"reports": [report], "optionalFeatures": _features(profile, features)}
    if profile.unknown_fields:
        registration[UNKNOWN_REGISTRATION_KEY] = profile.name.split()[0]
        document[UNKNOWN_TOP_LEVEL_KEY] = {
            "code": "LGPD-01",
            "message": "CONSULTA REGISTRADA CONFORME LEI 13.709/2018",
        }
    return document


def _address(profile: CreditProfile) -> dict:
    return {
        "addressLine": profile.address_line,
        "district": profile.district,
        "zipCode": profile.zip_code,
        "country": "BRA",
        "city": profile.city,
        "state": profile.uf,
    }


def _pf_registration(profile: CreditProfile) -> dict:
    return {
        "documentNumber": profile.document,
        "consumerName": profile.name,
        "motherName": profile.mother_name,
        "consumerGender": profile.gender,
        "consumerGenderDescription": {"M": "MASCULINO", "F": "FEMININO"}.get(profile.gender, ""),
        "birthDate": profile.birth_date,
        "statusRegistration": STATUS_PF.get(profile.status_code, "REGULAR"),
        "statusRegistrationCode": profile.status_code,
        "statusDate": profile.status_date,
        "address": _address(profile),
        "phone": {"regionCode": 55, "areaCode": profile.area_code, "phoneNumber": profile.phone},
    }


def _pj_status(profile: CreditProfile) -> str:
    day = date.fromisoformat(profile.status_date)
    return f"SITUACAO DO CNPJ EM {day:%d/%m/%Y}: {STATUS_PJ.get(profile.status_code, 'ATIVA')}"


def _pj_registration(profile: CreditProfile) -> dict:
    return {
        "companyDocument": profile.document,
        "companyName": profile.name,
        "foundationDate": profile.birth_date,
        "statusRegistration": _pj_status(profile),
        "statusDate": profile.status_date,
        "address": _address(profile),
    }


def _identification_report(profile: CreditProfile) -> dict:
    return {
        "updateDate": profile.status_date,
        "documentNumber": profile.document,
        "statusRegistration": _pj_status(profile),
        "statusCode": profile.status_code,
        "statusCodeDescription": STATUS_PJ.get(profile.status_code, "ATIVA"),
        "companyName": profile.name,
        "companyAlias": profile.name.split()[0],
        "address": _address(profile),
        "phone": {"areaCode": str(profile.area_code), "phoneNumber": str(profile.phone)},
        "companyFoundation": profile.birth_date,
        "legalNatureCode": "2062",
        "cnae": "4110700",
        "economicActivity": "INCORPORACAO DE EMPREENDIMENTOS IMOBILIARIOS",
        "taxOption": "LUCRO PRESUMIDO",
        "numberEmployees": 12,
        "branchOffices": 0,
        "predecessorList": [],
        "reorganizations": [],
    }


def _item(kind: str, item: Annotation, pj: bool) -> dict:
    if kind == "notary":
        return {
            "occurrenceDate": item.date,
            "amount": _money(item.amount),
            "officeNumber": item.office,
            "city": item.city,
            "federalUnit": item.uf,
        }
    if kind == "check":
        return {
            "occurrenceDate": item.date,
            "inclusionDate": item.date,
            "legalSquare": item.city,
            "bankId": item.bank_id,
            "bankName": item.creditor,
            "bankAgencyId": item.agency,
            "checkCount": item.checks,
            "checkNumber": item.contract,
            "alinea": item.alinea,
            "city": item.city,
            "federalUnit": item.uf,
            "cadus": item.cadus,
        }
    answer = {"occurrenceDate": item.date}
    if pj:
        answer["inclusionDate"] = _plus_days(item.date, 2)
    answer |= {
        "legalNatureId": item.nature_id,
        "legalNature": item.nature,
        "contractId": item.contract,
        "creditorName": item.creditor,
        "amount": _money(item.amount),
        "principal": item.principal,
        "publicAgency": False,
        "city": item.city,
        "federalUnit": item.uf,
        "cadus": item.cadus,
    }
    if pj:
        answer["dispute"] = {"disputeIndicativeFlag": False}
    return answer


def _plus_days(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def _summary(kind: str, items: tuple[Annotation, ...]) -> dict:
    summary: dict = {
        "count": len(items),
        "balance": _money(sum((i.amount for i in items), Decimal(0))),
    }
    if kind == "check":
        summary["checkCount"] = sum(item.checks for item in items)
    if items:
        dates = sorted(item.date for item in items)
        summary["firstOccurrence"], summary["lastOccurrence"] = dates[0], dates[-1]
    return summary


def _negative_data(profile: CreditProfile, pj: bool) -> dict:
    blocks = {}
    for kind in KINDS:
        if kind in profile.omit_blocks:
            continue
        items = sorted(profile.items(kind), key=lambda item: item.date, reverse=True)
        listed = items[: profile.listed_limit.get(kind, len(items))]
        block: dict = {f"{kind}Response": [_item(kind, item, pj) for item in listed]}
        if kind not in profile.omit_summary:
            block["summary"] = _summary(kind, tuple(items))
        blocks[kind] = block
    return blocks


def _pf_rate(rate: Decimal, places: int = 2) -> str:
    return f"{rate:.{places}f}".replace(".", ",")


def _score(profile: CreditProfile, pj: bool) -> dict:
    variant = profile.score_variant
    rate = profile.default_rate or Decimal(0)
    if variant == "not_found":
        return {"codeMessage": 404, "message": "404 Score not found in CI-DATA-API."}
    if variant == "not_calculated":
        return {
            "scoreModel": profile.score_model,
            "codeMessage": 836,
            "message": "SCORE NAO CALCULADO - INSUFICIENCIA INFORMACOES BASE DE DADOS SERASA "
            "EXPERIAN",
            "billing": False,
        }
    if variant == "older":
        return {
            "score": profile.score,
            "scoreModel": profile.score_model,
            "defaultRate": _pf_rate(rate, 1),
        }
    if pj:
        # PJ rates are 5 digits with 2 implied decimals: "00030" is 0,30 %.
        return {
            "score": profile.score,
            "scoreModel": profile.score_model,
            "defaultRate": f"{int(rate * 100):05d}",
            "message": f"PROBABILIDADE DE INADIMPLENCIA: {_pf_rate(rate, 1)}%",
            "billing": True,
        }
    return {
        "score": profile.score,
        "scoreModel": profile.score_model,
        "range": profile.score_range,
        "defaultRate": _pf_rate(rate),
        "codeMessage": 99,
        "message": "ESPACO RESERVADO PARA MENSAGEM DA INSTITUICAO",
    }


def _empty(kind: str) -> dict:
    return {f"{kind}Response": [], "summary": {"count": 0, "balance": 0.0}}


def _pf_facts(profile: CreditProfile) -> dict:
    by_month: dict[str, int] = {}
    for day, _ in profile.inquiries:
        by_month[day[:7]] = by_month.get(day[:7], 0) + 1
    return {
        "inquiry": {
            "inquiryResponse": [
                {"occurrenceDate": day, "segmentDescription": segment, "daysQuantity": 1}
                for day, segment in profile.inquiries
            ],
            "summary": {"count": len(profile.inquiries)},
        },
        "inquirySummary": {
            "inquiryQuantity": {
                "actual": len(profile.inquiries),
                "creditInquiriesQuantity": [
                    {"inquiryDate": month, "occurrences": count}
                    for month, count in sorted(by_month.items(), reverse=True)
                ],
            }
        },
        "stolenDocuments": _empty("stolenDocuments"),
        "judgementFilings": _empty("judgementFilings"),
        "bankrupts": _empty("bankrupts"),
    }


def _pj_facts(profile: CreditProfile) -> dict:
    by_month: dict[str, int] = {}
    for day, _ in profile.inquiries:
        by_month[day[:7]] = by_month.get(day[:7], 0) + 1
    return {
        "judgementFilings": {"summary": {"count": 0, "balance": 0.0}},
        "bankrupts": {"summary": {"count": 0, "balance": 0.0}},
        "inquiryCompanyResponse": {
            "results": [
                {
                    "occurrenceDate": day,
                    "companyName": company,
                    "companyDocumentId": "00000000000191",
                    "companyAlias": "",
                    "daysQuantity": 1,
                }
                for day, company in profile.inquiries
            ],
            "quantity": {
                "actual": len(profile.inquiries),
                "bankActual": 0,
                "historical": [
                    {"inquiryDate": month, "occurrences": count, "bankOccurrences": 0}
                    for month, count in sorted(by_month.items(), reverse=True)
                ],
            },
        },
    }


def _features(profile: CreditProfile, features: list[str]) -> dict:
    """A small fixed payload per feature asked, under its (observed or plausible) key."""
    blocks: dict = {}
    for feature in features:
        if feature in ("PARTICIPACAO_SOCIETARIA", "PARTICIPACOES"):
            blocks["partner"] = {
                "partnershipResponse": [
                    {
                        "businessDocument": "11222333000181",
                        "companyName": "EMPRESA EXEMPLO LTDA",
                        "participationPercentage": 50.0,
                        "companyStatus": "ATIVA",
                        "companyStatusCode": "2",
                        "companyState": "SP",
                        "companyStatusDate": "10/01/2024",
                        "updateDate": profile.status_date,
                        "participationInitialDate": "2015-03-01",
                        "hasNegative": False,
                    }
                ],
                "summary": {"count": 1, "balance": 0.0},
            }
        elif feature.startswith("QSA"):
            blocks["qsaCompleteReport"] = {
                "partners": [{"documentNumber": "12345678909", "name": "SOCIO EXEMPLO"}],
                "capital": 100000.0,
            }
        elif feature in ("RECOMENDACAO_LIMITE_CREDITO", "LIMITE_CREDITO"):
            blocks["creditLimitRecommendation"] = {"value": 15000.0, "message": "LIMITE SUGERIDO"}
        else:
            attributes = blocks.setdefault("attributes", {"attributesResponse": []})
            attributes["attributesResponse"].append({"name": feature, "value": "1"})
    return blocks


# --- drawing profiles ---------------------------------------------------------------------------

_CREDITORS = (
    "BANCO ALVORADA SA",
    "FINANCEIRA HORIZONTE SA",
    "LOJAS PRIMAVERA LTDA",
    "TELEFONIA NACIONAL SA",
    "ENERGIA DO VALE SA",
    "CARTOES BRASIL ADMINISTRADORA DE CARTOES DE CREDITO SA",
    "COOPERATIVA DE CREDITO SERRANA",
    "MAGAZINE CENTRAL LTDA",
)
_NATURES = {
    "pefin": (("OO", "OUTRAS OPER"), ("CD", "CREDIARIO"), ("VM", "VENDA MERCAD")),
    "refin": (("FI", "FINANCIAMENT"), ("EC", "EMPRESTIMO"), ("CC", "CARTAO CRED")),
    "collectionRecords": (("OO", "OUTRAS OPER"), ("DM", "DUPLICATA"), ("BS", "SERV BANCAR")),
}
_BANKS = ((1, "BANCO DO BRASIL"), (104, "CAIXA ECONOMICA"), (237, "BRADESCO"), (341, "ITAU"))
_SEGMENTS = ("BANCOS", "FINANCEIRAS", "VAREJO", "SERVICOS DE TELECOM", "INCORPORADORAS")
# Chance per profile of holding at least one annotation of each kind.
_KIND_RATE = {"pefin": 0.2, "refin": 0.12, "notary": 0.07, "check": 0.03, "collectionRecords": 0.1}


@lru_cache(maxsize=4096)
def _upper(text: str) -> str:
    """Upper case without accents, as Serasa answers."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).upper()


def draw_profiles(
    rng: np.random.Generator,
    documents: list[tuple[str, str, str]],
    as_of: date | None = None,
) -> list[CreditProfile]:
    """A realistic mix of profiles for (document digits, "PF"/"PJ", name): most clean, ~30% with
    pefin/refin, some protests, dívidas vencidas and (few) cheques; ~5% whose summaries count
    more than they list, a few with a block missing its summary or missing altogether, ~8% with
    the score not calculated, ~3% not found, ~3% an older score model, ~2% with unknown fields.
    Annotations date from the 5 years before `as_of` (default today). Deterministic for a seeded
    rng."""
    # Imported here: ingestion.demo (the demo's name and address pools) imports this module.
    from ingestion.demo import catalog

    as_of = as_of or date.today()
    return [
        _draw_one(rng, catalog, document, tipo, name, as_of) for document, tipo, name in documents
    ]


def _pick(rng: np.random.Generator, options: tuple | list):
    return options[int(rng.integers(len(options)))]


def _birth_date(rng: np.random.Generator, pj: bool, as_of: date) -> str:
    if pj:  # a foundation date
        return (as_of - timedelta(days=int(rng.integers(2 * 365, 30 * 365)))).isoformat()
    return date(
        int(rng.integers(1945, 2005)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
    ).isoformat()


def _draw_one(
    rng: np.random.Generator,
    catalog: ModuleType,
    document: str,
    tipo: str,
    name: str,
    as_of: date,
) -> CreditProfile:
    pj = tipo == "PJ"
    city = _pick(rng, catalog.CITIES)

    def day_within(days: int) -> str:
        return (as_of - timedelta(days=int(rng.integers(1, days)))).isoformat()

    def annotation(kind: str) -> Annotation:
        amount = Decimal(int(rng.lognormal(7.0, 1.1) * 100)) / 100 + Decimal("10.00")
        common = {
            "date": day_within(5 * 365),
            "amount": amount,
            "city": _upper(city.name),
            "uf": city.uf,
            "cadus": f"C{int(rng.integers(10**8, 10**9))}",
        }
        if kind == "notary":
            return Annotation(**{**common, "cadus": ""}, office=f"{int(rng.integers(1, 12)):02d}")
        if kind == "check":
            bank_id, bank = _pick(rng, _BANKS)
            return Annotation(
                **common,
                creditor=bank,
                contract=f"{int(rng.integers(1, 999999)):06d}",
                bank_id=bank_id,
                agency=int(rng.integers(1, 9999)),
                alinea=int(_pick(rng, (12, 13, 14))),
                checks=int(rng.integers(1, 4)),
            )
        nature_id, nature = _pick(rng, _NATURES[kind])
        return Annotation(
            **common,
            creditor=_pick(rng, _CREDITORS),
            contract=f"{int(rng.integers(10**8, 10**16)):016d}",
            nature_id=nature_id,
            nature=nature,
            principal=bool(rng.random() < 0.9),
        )

    annotations = {}
    for kind in KINDS:
        if rng.random() < _KIND_RATE[kind]:
            count = 1 + int(rng.poisson(0.8))
            annotations[kind] = tuple(annotation(kind) for _ in range(count))

    listed_limit: dict[str, int] = {}
    if rng.random() < 0.05:  # summary.count > items listed
        kind = _pick(rng, ("pefin", "refin", "collectionRecords"))
        limit = int(_pick(rng, (0, 5)))
        extra = limit + 1 + int(rng.integers(0, 10))
        annotations[kind] = annotations.get(kind, ()) + tuple(
            annotation(kind) for _ in range(max(0, extra - len(annotations.get(kind, ()))))
        )
        listed_limit[kind] = limit
    omit_summary: tuple[str, ...] = ()
    omit_blocks: tuple[str, ...] = ()
    roll = rng.random()
    if roll < 0.03:
        omit_summary = tuple(sorted({_pick(rng, KINDS), _pick(rng, KINDS)}))
    elif roll < 0.05:
        omit_blocks = (_pick(rng, ("check", "collectionRecords", "notary")),)

    roll = rng.random()
    variant = (
        "not_found"
        if roll < 0.03
        else "not_calculated"
        if roll < 0.11
        else "older"
        if roll < 0.14
        else "calculated"
    )
    negatives = sum(len(items) for items in annotations.values())
    score = min(1000, max(1, int(rng.normal(720 - 180 * min(negatives, 3), 120))))
    rate = Decimal(int(max(0.1, (1000 - score) * 0.055 + rng.normal(0, 1.5)) * 100)) / 100
    if variant == "older":
        model = "HFIN"
    elif pj:
        model = "H4PJ" if variant == "not_calculated" else "HPJ9"
    else:
        model = "HRLN"

    inquiries = tuple(
        sorted(
            ((day_within(365), _pick(rng, _SEGMENTS)) for _ in range(int(rng.poisson(1.5)))),
            reverse=True,
        )
    )
    upper_name = " ".join(_upper(name).split())  # CRM names may carry stray blanks
    return CreditProfile(
        document=document,
        tipo_pessoa=tipo,
        name=upper_name,
        mother_name=""
        if pj
        else _upper(f"{_pick(rng, catalog.FIRST_NAMES)} {_pick(rng, catalog.SURNAMES)}"),
        birth_date=_birth_date(rng, pj, as_of),
        gender="" if pj else _pick(rng, ("M", "F")),
        status_code="2"
        if rng.random() < 0.97
        else _pick(rng, tuple(STATUS_PJ if pj else STATUS_PF)[1:]),
        status_date=day_within(3 * 365),
        address_line=_upper(f"{_pick(rng, catalog.STREETS)} {int(rng.integers(1, 2000))}"),
        district=_upper(_pick(rng, city.districts)),
        zip_code=f"{int(rng.integers(*city.cep_range)):08d}",
        city=_upper(city.name),
        uf=city.uf,
        area_code=city.area_code,
        phone=int(rng.integers(910_000_000, 999_999_999)),
        annotations=annotations,
        listed_limit=listed_limit,
        omit_summary=omit_summary,
        omit_blocks=omit_blocks,
        score_variant=variant,
        score=None if variant in ("not_found", "not_calculated") else score,
        score_model=model,
        score_range="ABCDEFGH"[min(7, (1000 - score) // 100)],
        default_rate=rate,
        inquiries=inquiries,
        unknown_fields=bool(rng.random() < 0.02),
    )
