"""Who may use the dashboards: the users file (YAML), validated, and the five roles.

Each user has a login, a role and, for a broker or a brokerage, the CRM id their rows are scoped
to. A user with `senha_hash` (bcrypt) may log in with the users-file login; under OpenID Connect
the provider checks the password and the user is found here by e-mail. The format and the roles
are in docs/access.md; `alicerce usuarios senha` prints a hash for a new password.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class Papel(StrEnum):
    GESTOR = "gestor"
    COMPLIANCE = "compliance"
    ANALISTA = "analista"
    IMOBILIARIA = "imobiliaria"
    CORRETOR = "corretor"


class ArquivoDeUsuariosInvalido(ValueError):
    """The users file is missing, unreadable or breaks a rule (the message says which)."""


class Usuario(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    login: str = Field(min_length=1, pattern=r"^[a-z0-9._@-]+$")
    nome: str = Field(min_length=1)
    papel: Papel
    email: str | None = None
    idcorretor: int | None = None
    idimobiliaria: int | None = None
    # bcrypt ($2a$/$2b$/$2y$); without it the user can only log in through OpenID Connect.
    senha_hash: str | None = Field(default=None, repr=False)

    @field_validator("email")
    @classmethod
    def _email_minusculo(cls, email: str | None) -> str | None:
        if email is None:
            return None
        email = email.strip().lower()
        if "@" not in email:
            raise ValueError(f"e-mail inválido: {email!r}")
        return email

    @field_validator("senha_hash")
    @classmethod
    def _bcrypt(cls, senha_hash: str | None) -> str | None:
        if senha_hash is not None and not senha_hash.startswith(("$2a$", "$2b$", "$2y$")):
            raise ValueError(
                "senha_hash deve ser um hash bcrypt (gere com `alicerce usuarios senha`), "
                "nunca a senha em texto"
            )
        return senha_hash

    @model_validator(mode="after")
    def _escopo_do_papel(self) -> Usuario:
        if self.papel == Papel.CORRETOR and self.idcorretor is None:
            raise ValueError("o papel corretor exige idcorretor (o corretor no CRM)")
        if self.papel == Papel.IMOBILIARIA and self.idimobiliaria is None:
            raise ValueError("o papel imobiliaria exige idimobiliaria (a imobiliária no CRM)")
        if self.papel != Papel.CORRETOR and self.idcorretor is not None:
            raise ValueError(f"idcorretor só vale para o papel corretor, não {self.papel}")
        if self.papel != Papel.IMOBILIARIA and self.idimobiliaria is not None:
            raise ValueError(f"idimobiliaria só vale para o papel imobiliaria, não {self.papel}")
        return self

    def acesso(self) -> tuple[Papel, int | None, int | None]:
        """What decides what the user may see: role and CRM scope (not name, e-mail or password)."""
        return (self.papel, self.idcorretor, self.idimobiliaria)

    def descricao(self) -> str:
        """How the sidebar names the user: name, role and the CRM scope."""
        escopo = ""
        if self.idcorretor is not None:
            escopo = f", corretor {self.idcorretor}"
        elif self.idimobiliaria is not None:
            escopo = f", imobiliária {self.idimobiliaria}"
        return f"{self.nome} ({self.papel}{escopo})"


class _Arquivo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    usuarios: list[Usuario] = Field(min_length=1)

    @model_validator(mode="after")
    def _unicos(self) -> _Arquivo:
        for atributo in ("login", "email"):
            vistos: set[str] = set()
            for usuario in self.usuarios:
                valor = getattr(usuario, atributo)
                if valor is not None and valor in vistos:
                    raise ValueError(f"{atributo} repetido: {valor}")
                vistos.add(valor)
        return self


@lru_cache(maxsize=8)
def _carregar(caminho: Path, modificado_em: float) -> tuple[Usuario, ...]:
    try:
        conteudo = yaml.safe_load(caminho.read_text(encoding="utf-8"))
    except OSError as erro:
        raise ArquivoDeUsuariosInvalido(
            f"Não foi possível ler o arquivo de usuários {caminho}: {erro}"
        ) from erro
    except yaml.YAMLError as erro:
        raise ArquivoDeUsuariosInvalido(f"{caminho} não é um YAML válido: {erro}") from erro
    try:
        return tuple(_Arquivo.model_validate(conteudo).usuarios)
    except ValidationError as erro:
        problemas = "; ".join(
            f"{'.'.join(str(parte) for parte in problema['loc']) or 'arquivo'}: "
            f"{problema['msg'].removeprefix('Value error, ')}"
            for problema in erro.errors()
        )
        raise ArquivoDeUsuariosInvalido(
            f"Arquivo de usuários {caminho} inválido: {problemas}"
        ) from None


def carregar(caminho: Path) -> tuple[Usuario, ...]:
    """The users of `caminho`, validated; read again when the file changes."""
    try:
        modificado_em = caminho.stat().st_mtime
    except OSError as erro:
        raise ArquivoDeUsuariosInvalido(
            f"Arquivo de usuários {caminho} não encontrado (ALICERCE_USUARIOS_FILE)"
        ) from erro
    return _carregar(caminho, modificado_em)


def por_email(usuarios: tuple[Usuario, ...], email: str | None) -> Usuario | None:
    if not email:
        return None
    email = email.strip().lower()
    return next((usuario for usuario in usuarios if usuario.email == email), None)


def por_login(usuarios: tuple[Usuario, ...], login: str | None) -> Usuario | None:
    return next((usuario for usuario in usuarios if usuario.login == login), None)
