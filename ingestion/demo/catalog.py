"""Brazilian names, places and contacts the demo people are drawn from.

Every string here becomes JSON text without escaping, so none may hold a quote, a backslash or a
control character (the tests check it).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import polars as pl


def without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


FIRST_NAMES = [
    "João", "José", "Antônio", "Francisco", "Carlos", "Paulo", "Pedro", "Lucas", "Luiz", "Marcos",
    "Luís", "Gabriel", "Rafael", "Daniel", "Marcelo", "Bruno", "Eduardo", "Felipe", "Raimundo",
    "Rodrigo", "Sebastião", "André", "Fábio", "Márcio", "Vinícius", "Otávio", "Caio", "Thiago",
    "Maria", "Ana", "Francisca", "Antônia", "Adriana", "Juliana", "Márcia", "Fernanda", "Patrícia",
    "Aline", "Sandra", "Camila", "Amanda", "Bruna", "Jéssica", "Letícia", "Júlia", "Luciana",
    "Vanessa", "Mariana", "Conceição", "Fátima", "Lúcia", "Cecília", "Beatriz", "Vitória",
    "Mônica", "Tânia", "Gláucia", "Iara", "Inês", "Joana", "Raquel", "Simone", "Helena", "Débora",
]  # fmt: skip

SURNAMES = [
    "da Silva", "dos Santos", "de Oliveira", "de Souza", "Rodrigues", "Ferreira", "Alves",
    "Pereira", "Lima", "Gomes", "Ribeiro", "Carvalho", "de Almeida", "Lopes", "Soares",
    "Fernandes", "Vieira", "Barbosa", "da Rocha", "Dias", "Nascimento", "de Andrade", "Moreira",
    "Nunes", "Marques", "Machado", "Mendes", "de Freitas", "Cardoso", "Ramos", "Gonçalves",
    "Santana", "Teixeira", "de Araújo", "Simões", "Magalhães", "Guimarães", "Brandão", "Romão",
    "Assunção", "Falcão", "Conceição", "Cavalcanti", "Albuquerque", "Monteiro", "Bezerra",
    "Gusmão", "Sá", "Galvão", "Estêvão", "Leão", "Aragão",
]  # fmt: skip

EMAIL_DOMAINS = [
    "gmail.com", "gmail.com", "gmail.com", "hotmail.com", "hotmail.com", "outlook.com",
    "yahoo.com.br", "uol.com.br", "bol.com.br", "terra.com.br", "icloud.com", "live.com",
]  # fmt: skip


@dataclass(frozen=True)
class City:
    name: str
    uf: str
    area_code: int
    cep_range: tuple[int, int]
    weight: float
    districts: tuple[str, ...]


CITIES = [
    City("Recife", "PE", 81, (50000000, 52999999), 30,
         ("Boa Viagem", "Boa Vista", "Casa Forte", "Espinheiro", "Graças", "Madalena", "Pina",
          "Torre", "Várzea", "Imbiribeira", "Encruzilhada", "Parnamirim")),
    City("Olinda", "PE", 81, (53000000, 53399999), 5,
         ("Casa Caiada", "Bairro Novo", "Carmo", "Rio Doce", "Jardim Atlântico")),
    City("Jaboatão dos Guararapes", "PE", 81, (54000000, 54499999), 6,
         ("Piedade", "Candeias", "Prazeres", "Cavaleiro")),
    City("São Paulo", "SP", 11, (1000000, 5999999), 12,
         ("Moema", "Pinheiros", "Vila Mariana", "Tatuapé", "Santana", "Mooca", "Perdizes",
          "Itaim Bibi", "Butantã", "Jabaquara")),
    City("Campinas", "SP", 19, (13000000, 13139999), 2,
         ("Cambuí", "Taquaral", "Barão Geraldo", "Centro")),
    City("Rio de Janeiro", "RJ", 21, (20000000, 23799999), 5,
         ("Copacabana", "Tijuca", "Botafogo", "Méier", "Barra da Tijuca", "Flamengo")),
    City("Belo Horizonte", "MG", 31, (30000000, 31999999), 5,
         ("Savassi", "Funcionários", "Pampulha", "Buritis", "Lourdes")),
    City("Fortaleza", "CE", 85, (60000000, 61599999), 6,
         ("Aldeota", "Meireles", "Cocó", "Messejana", "Benfica")),
    City("Salvador", "BA", 71, (40000000, 42599999), 6,
         ("Barra", "Pituba", "Rio Vermelho", "Itapuã", "Graça", "Brotas")),
    City("João Pessoa", "PB", 83, (58000000, 58099999), 4,
         ("Manaíra", "Tambaú", "Cabo Branco", "Bancários")),
    City("Natal", "RN", 84, (59000000, 59139999), 3, ("Ponta Negra", "Tirol", "Lagoa Nova")),
    City("Maceió", "AL", 82, (57000000, 57099999), 3, ("Ponta Verde", "Pajuçara", "Jatiúca")),
    City("Curitiba", "PR", 41, (80000000, 82999999), 3,
         ("Batel", "Água Verde", "Bigorrilho", "Santa Felicidade")),
    City("Porto Alegre", "RS", 51, (90000000, 91999999), 3,
         ("Moinhos de Vento", "Menino Deus", "Petrópolis", "Cidade Baixa")),
    City("Goiânia", "GO", 62, (74000000, 74899999), 3,
         ("Setor Bueno", "Setor Marista", "Setor Oeste", "Jardim Goiás")),
    City("Brasília", "DF", 61, (70000000, 72799999), 3,
         ("Asa Sul", "Asa Norte", "Lago Sul", "Sudoeste", "Águas Claras")),
    City("Florianópolis", "SC", 48, (88000000, 88099999), 2,
         ("Trindade", "Centro", "Ingleses", "Campeche")),
    City("Manaus", "AM", 92, (69000000, 69099999), 2, ("Adrianópolis", "Ponta Negra", "Centro")),
]  # fmt: skip

STREETS = [
    "Rua da Aurora", "Avenida Boa Viagem", "Rua Sete de Setembro", "Avenida Brasil",
    "Rua XV de Novembro", "Rua Dom Pedro II", "Travessa São José", "Rua das Flores",
    "Avenida Getúlio Vargas", "Rua Marechal Deodoro", "Rua Tiradentes", "Avenida Santos Dumont",
    "Rua Barão de Souza Leão", "Rua do Sol", "Avenida Conselheiro Aguiar", "Rua da Harmonia",
    "Rua Padre Roma", "Avenida Rui Barbosa", "Rua José Bonifácio", "Rua Visconde de Jequitinhonha",
    "Avenida Domingos Ferreira", "Rua Senador Pompeu", "Rua Amélia", "Rua Benfica",
    "Avenida Agamenon Magalhães", "Rua Frei Caneca", "Alameda Santos", "Rua Augusta",
    "Avenida Paulista", "Rua Oscar Freire", "Avenida Afonso Pena", "Rua da Bahia",
    "Avenida Beira Mar", "Rua Silva Jardim", "Avenida Oceânica", "Rua Chile",
    "Rua Coronel Zacarias", "Avenida Cristóvão Colombo", "Rua Goiás", "Rua das Acácias",
    "Rua São João", "Avenida Norte", "Estrada do Arraial", "Rua do Futuro", "Avenida Caxangá",
]  # fmt: skip

COMPLEMENTS = (
    [f"Apto {floor}{unit:02d}" for floor in range(1, 19) for unit in (1, 2, 3, 4)]
    + [
        f"Bloco {block} Apto {floor}0{unit}"
        for block in "ABC"
        for floor in (1, 2, 3)
        for unit in (1, 2)
    ]
    + [f"Casa {number}" for number in range(1, 13)]
    + ["Fundos", "Térreo", "Loja 2", "Sala 1204", "Cobertura"]
)

CHANNELS = ["portal_web", "app_android", "app_ios"]
APP_VERSIONS = ["3.8.2", "3.9.0", "4.0.1", "4.1.3"]

# Quarantine fodder: event types and fields the portal contract does not know.
UNKNOWN_EVENT_TYPES = ["logout", "password_reset", "document_viewed", "boleto_downloaded"]
UNKNOWN_CHANGE_FIELDS = [
    ("profissao", "Professor", "Professora"),
    ("estado_civil", "Solteiro(a)", "Casado(a)"),
    ("telefone_residencial", "(81) 3222-1100", "(81) 3344-5566"),
]


def series(values: list[str]) -> pl.Series:
    return pl.Series(values, dtype=pl.String)


class Pools:
    """The catalog as polars series and numpy arrays, for gathers by index."""

    def __init__(self) -> None:
        self.first_names = series(FIRST_NAMES)
        self.first_names_plain = series([without_accents(n) for n in FIRST_NAMES])
        self.surnames = series(SURNAMES)
        self.surnames_plain = series([without_accents(n) for n in SURNAMES])
        self.first_has_accent = np.array([n != without_accents(n) for n in FIRST_NAMES])
        self.surname_has_accent = np.array([n != without_accents(n) for n in SURNAMES])
        self.email_first = series([without_accents(n).lower() for n in FIRST_NAMES])
        self.email_surname = series([without_accents(n).split()[-1].lower() for n in SURNAMES])
        self.email_domains = series(EMAIL_DOMAINS)
        self.streets = series(STREETS)
        self.complements = series(COMPLEMENTS)
        self.city_names = series([c.name for c in CITIES])
        self.city_ufs = series([c.uf for c in CITIES])
        self.city_area_codes = np.array([c.area_code for c in CITIES], dtype=np.int64)
        self.city_cep_low = np.array([c.cep_range[0] for c in CITIES], dtype=np.int64)
        self.city_cep_span = np.array(
            [c.cep_range[1] - c.cep_range[0] + 1 for c in CITIES], dtype=np.int64
        )
        weights = np.array([c.weight for c in CITIES], dtype=np.float64)
        self.city_weights = weights / weights.sum()
        self.districts = series([d for c in CITIES for d in c.districts])
        counts = np.array([len(c.districts) for c in CITIES], dtype=np.int64)
        self.district_count = counts
        self.district_offset = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.channels = series(CHANNELS)
        self.app_versions = series(APP_VERSIONS)

    def all_strings(self) -> list[str]:
        """Every text the generator may emit from the catalog (for the escaping test)."""
        texts: list[str] = []
        for value in vars(self).values():
            if isinstance(value, pl.Series):
                texts.extend(value.to_list())
        for event_type in UNKNOWN_EVENT_TYPES:
            texts.append(event_type)
        for change in UNKNOWN_CHANGE_FIELDS:
            texts.extend(change)
        return texts


POOLS = Pools()
