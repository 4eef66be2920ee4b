"""What an actor is when no profile's `kind` says: a person, an organization, or either;
and whether a byline names a person or a newsroom.

Structured data (`jsonld`) types the actors a briefing mentions and its authors; `new actor`
writes a first `kind` for a profile. Actors are guessed from the words of institutions and
offices; bylines only from a newsroom's (a surname can be an institution's word: Mesa, Post).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Words that make a name an organization's: "U.S. Department of State", "Supreme Court",
# "Banco Central de Venezuela", "Ejército Nacional".
# fmt: off
ORGANIZATION_WORDS = frozenset({
    "administration", "agency", "alliance", "army", "assembly", "association", "authority",
    "bank", "board", "bureau", "cabinet", "cartel", "central", "coalition", "command",
    "commission", "committee", "company", "congress", "corp", "corporation", "council",
    "court", "department", "embassy", "federal", "federation", "forces", "foundation", "front",
    "fund", "government", "group", "guard", "house", "inc", "institute", "international",
    "kingdom", "league", "llc", "ltd", "military", "ministry", "movement", "national",
    "nations", "navy", "network", "news", "office", "organisation", "organization",
    "parliament", "party", "police", "post", "presidency", "press", "republic", "secretariat",
    "senate", "service", "states", "times", "tribunal", "union", "university", "asamblea",
    "banco", "comisión", "congreso", "corte", "ejército", "embajada", "frente", "fuerza",
    "fuerzas", "fundación", "gobierno", "grupo", "guardia", "ministerio", "movimiento",
    "nacional", "organización", "partido", "policía", "república", "senado", "universidad",
    # Spanish, Portuguese, French and Catalan institutions: "Unión Europea", "Generalitat
    # de Catalunya", "Secretaría General Iberoamericana", "Câmara dos Deputados".
    "unión", "união", "secretaría", "generalitat", "govern", "parlament", "parlamento",
    "consejo", "conselho", "conseil", "comité", "comissão", "junta", "cámara", "câmara",
    "agencia", "agência", "agence", "oficina", "instituto", "federación", "asociación",
    "confederación", "sindicato", "alianza", "coalición", "autoridad", "administración",
    "departamento", "dirección", "servicio", "empresa", "compañía", "petróleos", "fiscalía",
    "defensoría", "contraloría", "procuraduría", "cancillería", "presidencia", "gobernación",
    "alcaldía", "ayuntamiento", "ajuntament", "municipio", "naciones", "estados", "ministério",
    "governo", "assembleia", "exército", "polícia", "fundação", "universidade",
    "presidência", "ministère", "gouvernement", "assemblée", "cour", "parti", "banque",
    "armée", "sénat", "ambassade", "fédération", "république", "présidence",
})
# fmt: on


# Words of a role that a person holds: "Interim president of Venezuela", "Wife of …".
# fmt: off
PERSON_ROLE_WORDS = frozenset({
    "adviser", "advisor", "ambassador", "attorney", "ceo", "chair", "chairman", "chairwoman",
    "commander", "congressman", "congresswoman", "daughter", "deputy", "director", "envoy",
    "founder", "governor", "husband", "journalist", "judge", "king", "lawyer", "leader", "mayor",
    "minister", "mother", "father", "president", "prime", "prince", "princess", "prosecutor",
    "queen", "reporter", "secretary", "senator", "son", "speaker", "spokesman",
    "spokesperson", "spokeswoman", "wife", "alcalde", "canciller", "diputada", "diputado",
    "esposa", "esposo", "fiscal", "gobernador", "jueza", "juez", "ministra", "ministro",
    "presidenta", "presidente", "senadora", "senador", "secretario", "secretaria", "vocero",
    "vocera", "portavoz", "embajador", "embajadora", "ministre", "président", "présidente",
})
# fmt: on


@lru_cache(maxsize=1 << 14)  # every page that mentions an actor asks again
def guess_type(name: str, role: str) -> str:
    """For an actor no profile's `kind` describes. A role says who holds it ("President of
    El Salvador") or what it is ("U.S. foreign ministry"). Without one, the name: a word like
    "Ministry" or "Court", or an acronym ("PDVSA", "U.N."), is an organization; two words
    or more, a person; a single word ("Venezuela", "Maduro") could be either."""
    role_words = set(re.findall(r"\w+", role.casefold()))
    if role_words & PERSON_ROLE_WORDS:
        return "Person"
    if role_words & ORGANIZATION_WORDS:
        return "Organization"
    words = re.findall(r"\w+", name.casefold())
    letters = [c for c in name if c.isalpha()]
    if any(word in ORGANIZATION_WORDS for word in words) or (
        len(letters) >= 2 and all(c.isupper() for c in letters)
    ):
        return "Organization"
    return "Person" if len(words) > 1 else "Thing"


# Words of a byline that is a newsroom's, not a person's: "Americas desk", "Caracas bureau".
# Only words no surname is likely to be ("Mesa", "Post" and "House" are).
# fmt: off
NEWSROOM_WORDS = frozenset({
    "agency", "bureau", "correspondents", "desk", "editorial", "editors", "newsroom", "staff",
    "team", "wires", "redacción", "redação", "rédaction", "équipe",
})
# fmt: on


def byline_type(name: str) -> str:
    """ "Organization" for a byline naming a newsroom ("Americas desk", "The Editors") or of
    one word ("Reuters", "AP"); "Person" otherwise ("Ana O'Neill", "Carlos Mesa"). What
    follows a comma is an affiliation: "Ana Smith, Caracas bureau" is a person."""
    words = re.findall(r"\w+", name.split(",")[0].casefold())
    return "Organization" if len(words) < 2 or set(words) & NEWSROOM_WORDS else "Person"
