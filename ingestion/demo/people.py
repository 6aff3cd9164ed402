"""Who the demo people are: CRM identity and the traits that drive their portal behaviour."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

import numpy as np

from ingestion.demo.clock import epoch_of_local
from ingestion.demo.cpf import CpfSequence, cpf_numbers
from ingestion.demo.registration import Registration

FIRST_IDPESSOA = 1001
REGISTRATIONS_START = date(2015, 1, 1)  # the CRM existed before the portal events begin
EVENTS_START = date(2017, 1, 1)

SITUACOES = ("Cliente", "Prospect", "Não cliente")
SITUACAO_SHARE = (0.6, 0.3, 0.1)
PORTAL_ACCESS_BY_SITUACAO = np.array([0.95, 0.6, 0.3])  # ativo_login 'S'
MARKETING = ("S", "N", None)  # None: the key is absent from the row
MARKETING_SHARE = (0.55, 0.35, 0.10)
PEP = ("Não", "Sim", "")
PEP_SHARE = (0.93, 0.01, 0.06)


@dataclass
class Population:
    """A block of consecutive people (positions 0..n-1 of the block)."""

    idpessoa: np.ndarray
    registered_at: np.ndarray  # epoch seconds
    situacao: np.ndarray  # index into SITUACOES
    portal_access: np.ndarray
    marketing: np.ndarray  # index into MARKETING
    pep: np.ndarray  # index into PEP
    cpf: np.ndarray  # eleven-digit integers
    channel: np.ndarray  # preferred channel, index into catalog.CHANNELS
    diligence: np.ndarray  # chance of completing the update when prompted
    registration: Registration

    def __len__(self) -> int:
        return len(self.idpessoa)

    def take(self, at: np.ndarray, registration: Registration | None = None) -> Population:
        """The people at positions `at`, with their registration or the one given."""
        values = {
            f.name: getattr(self, f.name)[at] for f in fields(self) if f.name != "registration"
        }
        if registration is None:
            registration = self.registration.take(at)
        return Population(**values, registration=registration)

    @classmethod
    def draw(
        cls,
        rng: np.random.Generator,
        first_index: int,
        count: int,
        cpfs: CpfSequence,
        until: date,
    ) -> Population:
        index = np.arange(first_index, first_index + count, dtype=np.int64)
        situacao = rng.choice(len(SITUACOES), size=count, p=SITUACAO_SHARE)
        return cls(
            idpessoa=FIRST_IDPESSOA + index,
            registered_at=_draw_registrations(rng, count, until),
            situacao=situacao,
            portal_access=rng.random(count) < PORTAL_ACCESS_BY_SITUACAO[situacao],
            marketing=rng.choice(len(MARKETING), size=count, p=MARKETING_SHARE),
            pep=rng.choice(len(PEP), size=count, p=PEP_SHARE),
            cpf=cpf_numbers(cpfs.bases(index)),
            channel=rng.choice(3, size=count, p=[0.5, 0.35, 0.15]),
            diligence=rng.beta(1.6, 1.2, count),
            registration=Registration.draw(rng, count),
        )


def _draw_registrations(rng: np.random.Generator, count: int, until: date) -> np.ndarray:
    """Registration instants: some before the portal events begin, most after, denser in recent
    years as the company grows."""
    early_start = epoch_of_local(REGISTRATIONS_START)
    events_start = epoch_of_local(EVENTS_START)
    end = epoch_of_local(until)  # registered by the start of the last day
    early = early_start + (rng.random(count) * (events_start - early_start)).astype(np.int64)
    late = events_start + (rng.random(count) ** 0.75 * max(end - events_start, 1)).astype(np.int64)
    return np.where(rng.random(count) < 0.15, early, late)
