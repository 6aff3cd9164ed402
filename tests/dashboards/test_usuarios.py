"""The users file: what it accepts and the message for each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from dashboards import usuarios
from dashboards.usuarios import ArquivoDeUsuariosInvalido, Papel
from ingestion.settings import Settings

HASH = "$2b$04$abcdefghijklmnopqrstuuJ1ZBmVbZ0JCsxkRZ0fK9f9c6Ty3qvXe"
DEMO = Path(__file__).resolve().parents[2] / "dashboards" / "usuarios.demo.yaml"


def arquivo(tmp_path: Path, texto: str) -> Path:
    caminho = tmp_path / "usuarios.yaml"
    caminho.write_text(texto, encoding="utf-8")
    return caminho


def test_arquivo_de_demonstracao_tem_um_usuario_por_papel():
    todos = usuarios.carregar(DEMO)
    assert {usuario.papel for usuario in todos} == set(Papel)
    assert all(usuario.senha_hash for usuario in todos)
    corretor = next(usuario for usuario in todos if usuario.papel == Papel.CORRETOR)
    assert corretor.idcorretor == 101


def test_email_minusculo_e_busca_por_email(tmp_path):
    caminho = arquivo(
        tmp_path,
        f"usuarios:\n  - {{login: ana, nome: Ana, papel: gestor, email: Ana@Empresa.COM, "
        f"senha_hash: '{HASH}'}}\n",
    )
    todos = usuarios.carregar(caminho)
    assert usuarios.por_email(todos, " ANA@empresa.com ").login == "ana"
    assert usuarios.por_email(todos, "outra@empresa.com") is None
    assert usuarios.por_login(todos, "ana").email == "ana@empresa.com"


@pytest.mark.parametrize(
    ("texto", "mensagem"),
    [
        ("usuarios:\n  - {login: ana, nome: Ana, papel: corretor}\n",
         "usuarios.0: o papel corretor exige idcorretor"),
        ("usuarios:\n  - {login: ana, nome: Ana, papel: imobiliaria}\n",
         "o papel imobiliaria exige idimobiliaria"),
        ("usuarios:\n  - {login: ana, nome: Ana, papel: gestor, idcorretor: 3}\n",
         "idcorretor só vale para o papel corretor, não gestor"),
        ("usuarios:\n  - {login: ana, nome: Ana, papel: chefe}\n",
         "usuarios.0.papel: Input should be 'gestor', 'compliance'"),
        ("usuarios:\n  - {login: ana, nome: Ana, papel: gestor, senha_hash: minhasenha}\n",
         "senha_hash deve ser um hash bcrypt"),
        ("usuarios:\n  - {login: ana, nome: Ana, papel: gestor}\n"
         "  - {login: ana, nome: Outra, papel: analista}\n", "login repetido: ana"),
        ("usuarios:\n  - {login: ana, nome: Ana, papel: gestor, email: a@x}\n"
         "  - {login: bia, nome: Bia, papel: analista, email: A@X}\n", "email repetido: a@x"),
        ("usuarios:\n  - {login: Ana Maria, nome: Ana, papel: gestor}\n", "usuarios.0.login"),
        ("usuarios:\n  - {login: ana, nome: Ana, papel: gestor, cargo: x}\n", "usuarios.0.cargo"),
        ("usuarios: []\n", "usuarios: List should have at least 1 item"),
        ("usuarios: [\n", "não é um YAML válido"),
    ],
)  # fmt: skip
def test_erros_claros(tmp_path, texto, mensagem):
    with pytest.raises(ArquivoDeUsuariosInvalido, match="inválido|não é um YAML") as erro:
        usuarios.carregar(arquivo(tmp_path, texto))
    assert mensagem in str(erro.value)


def test_arquivo_inexistente(tmp_path):
    with pytest.raises(ArquivoDeUsuariosInvalido, match="não encontrado"):
        usuarios.carregar(tmp_path / "nao-existe.yaml")


def test_arquivo_alterado_e_relido(tmp_path):
    caminho = arquivo(tmp_path, "usuarios:\n  - {login: ana, nome: Ana, papel: gestor}\n")
    assert [usuario.login for usuario in usuarios.carregar(caminho)] == ["ana"]
    caminho.write_text(
        "usuarios:\n  - {login: bia, nome: Bia, papel: analista}\n", encoding="utf-8"
    )
    import os

    os.utime(caminho, (1, 1))  # a different modification time, even within the same second
    assert [usuario.login for usuario in usuarios.carregar(caminho)] == ["bia"]


@pytest.mark.parametrize("horas", ["0", "-1"])
def test_duracao_da_sessao_tem_que_ser_positiva(monkeypatch, horas):
    monkeypatch.setenv("ALICERCE_SESSAO_HORAS", horas)
    with pytest.raises(ValidationError, match="sessao_horas"):
        Settings()
