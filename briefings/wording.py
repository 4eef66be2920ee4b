"""The words a site prints around what writers wrote, in the site's language.

`site.yaml`'s `language` (a tag such as `es` or `pt-BR`) picks them by its first part. The
bundled theme and the feeds, exports and page titles ask for every such word by its English
text (`_("Latest briefings")`); a language that has no word for a text, or that is not here
at all, prints the English. Dates are written as that language writes them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from markupsafe import Markup

from .model import MONTH_NAMES, PartialDate
from .slugs import without_accents


@dataclass(frozen=True, slots=True)
class Wording:
    language: str  # the first part of the site's language tag: 'es' for 'es-VE'
    words: Mapping[str, str]  # English text → this language's
    months: tuple[str, ...]
    day_first: bool  # '5 de marzo de 2026', not 'March 5, 2026'
    joiner: str  # between a day and its month, and a month and its year: ' de ' in Spanish, else ' '
    first_day: str = ""  # how the 1st is written, where it is not '1': '1er' (mars), '1º' (de março)
    zero_is_one: bool = False  # French: '0 briefing', as one
    and_word: str = "and"  # before the last of several names: 'y' in Spanish
    # What straight quotes in Markdown become: opening and closing, double, then single within.
    quotes: tuple[str, str, str, str] = ("“", "”", "‘", "’")

    def __call__(self, text: str, **values: object) -> str:
        """`text` in this language, with its {placeholders} filled."""
        said = self.words.get(text, text)
        return self._contracted(said.format(**values)) if values else said

    def html(self, text: str, **values: object) -> Markup:
        """The same for a template: the words escaped, and so is each value unless it is
        markup already (a link, a <time>)."""
        said = Markup.escape(self.words.get(text, text))
        return Markup(self._contracted(said.format(**values))) if values else said

    def _contracted(self, text: str) -> str:
        """French contracts 'de' with an article a value starts with: 'de Le Bureau' is
        'du Bureau', 'de Les Échos' 'des Échos'."""
        if self.language != "fr" or " de L" not in text:
            return text
        return text.replace(" de Le ", " du ").replace(" de Les ", " des ")

    def kind(self, written: str) -> str:
        """An actor's `kind` in this language, whatever its capitals ('Person' → 'persona');
        one this language has no word for, as written."""
        return self.words.get(written.lower(), written)

    def listed(self, names: Sequence[str]) -> str:
        """'Ana Pérez', 'Ana Pérez and Luis Díaz', 'A, B and C', with this language's 'and'."""
        if len(names) < 2:
            return "".join(names)
        last = names[-1]
        # Spanish writes 'e', not 'y', before a word that starts with the sound of i.
        starts_with_i = re.match(r"h?[ií](?![aeiouáéíóú])", last, re.IGNORECASE)
        word = "e" if self.and_word == "y" and starts_with_i else self.and_word
        return f"{', '.join(names[:-1])} {word} {last}"

    def count(self, number: int, one: str, many: str) -> Markup:
        """'1 briefing', '3 briefings', for a template: `one` and `many` are English texts with {n}."""
        singular = number == 1 or (self.zero_is_one and number == 0)
        return self.html(one if singular else many, n=number)

    def date(self, moment: datetime | PartialDate) -> str:
        """A day, a month or a year, as this language writes it: 'March 5, 2026'."""
        if isinstance(moment, PartialDate) and not moment.month:
            return str(moment.year)
        month = self.months[moment.month - 1]
        if isinstance(moment, PartialDate) and not moment.day:
            return self.month_of(moment.year, moment.month)
        if not self.day_first:
            return f"{month} {moment.day}, {moment.year}"
        day = self.first_day if self.first_day and moment.day == 1 else str(moment.day)
        return f"{day}{self.joiner}{month}{self.joiner}{moment.year}"

    def month_of(self, year: int, month: int) -> str:
        """'March 2026'. What is known only to the year sits under its year's heading
        already: its own heading says what sets it apart, '2026, month not known'."""
        if not month:
            return self("{year}, month not known", year=year)
        return f"{self.months[month - 1]}{self.joiner}{year}"


ENGLISH = Wording("en", {}, MONTH_NAMES, day_first=False, joiner=" ")

_SPANISH = {
    # An actor's `kind`, as `new actor` and the README write it
    "person": "persona",
    "organization": "organización",
    "government": "gobierno",
    "agency": "organismo",
    "country": "país",
    "company": "empresa",
    "party": "partido",
    "court": "tribunal",
    "{site}: chronology": "{site}: cronología",  # a calendar's name
    # Around every page
    "Skip to content": "Ir al contenido",
    "Site": "Sitio",
    "Latest": "Lo último",
    "Chronology": "Cronología",
    "Topics": "Temas",
    "Actors": "Actores",
    "Archive": "Archivo",
    "Atom feed": "Canal Atom",
    "JSON Feed": "JSON Feed",
    # Lists and timelines
    "Draft": "Borrador",
    "Scheduled": "Programado",
    "Reported in": "Recogido en",
    "Briefing:": "Informe:",
    "No dated entries yet.": "Aún no hay entradas con fecha.",
    "{year}, month not known": "{year}, mes sin precisar",
    # Home
    "Latest briefings": "Últimos informes",
    "All briefings by month": "Todos los informes, por mes",
    "No briefings published yet.": "Aún no hay informes publicados.",
    "Topics in play": "Temas en juego",
    "{n} briefing, latest": "{n} informe, del",
    "{n} briefings, latest": "{n} informes; el último, del",
    "The full chronology": "La cronología completa",
    # Topics and actors
    "{n} briefing": "{n} informe",
    "{n} briefings": "{n} informes",
    "Topic": "Tema",
    "Actor": "Actor",
    "Briefings and chronology for {name} on {site}.": "Informes y cronología de {site}: {name}.",
    "Also written:": "Otros nombres:",
    "Follow {name} by feed": "Canal Atom sobre {name}",
    "Briefings": "Informes",
    "No published briefing yet.": "Aún no hay informes publicados.",
    "Related": "Relacionados",
    "Actors most involved": "Actores más presentes",
    "Often alongside": "Aparece a menudo con",
    "Related topics": "Temas relacionados",
    "Every topic followed by {site}, with its briefings.": "Todos los temas que sigue {site}, con sus informes.",
    "Every actor followed by {site}, with its briefings.": "Todos los actores que sigue {site}, con sus informes.",
    "Briefings on {name} from {site}.": "Informes de {site} sobre {name}.",
    # Archive and chronology
    "Every briefing on {site}, by month.": "Todos los informes de {site}, por mes.",
    "Every dated event and briefing on {site}, oldest first.": (
        "Cada hecho fechado y cada informe de {site}, del más antiguo al más reciente."
    ),
    "Every dated event reported in a briefing, and every briefing, oldest first. "
    "Events known only to the month or year are shown that way.": (
        "Cada hecho fechado que recoge un informe, y cada informe, del más antiguo al más "
        "reciente. Los hechos de los que solo se conoce el mes o el año se muestran así."
    ),
    "Also as data:": "También como datos:",
    "for calendars and other tools.": "para calendarios y otras herramientas.",
    # A briefing
    "not published: left out of the site until {flag} is removed.": (
        "sin publicar: queda fuera del sitio hasta que se quite {flag}."
    ),
    "Scheduled for {date}": "Programado para el {date}",
    "left out of the site until then.": "queda fuera del sitio hasta entonces.",
    "Published {date}": "Publicado el {date}",
    "Updated {date}": "Actualizado el {date}",
    "By {names}": "Por {names}",
    "Events in this briefing": "Hechos de este informe",
    "in the chronology": "en la cronología",
    "Sources": "Fuentes",
    "Related briefings": "Informes relacionados",
    "Notes": "Notas",  # a body's footnotes
    # Not found, moved
    "Page not found": "Página no encontrada",
    "There is no page at this address. It may have moved, or the link may be mistyped.": (
        "No hay ninguna página en esta dirección. Puede que se haya movido o que el enlace esté mal escrito."
    ),
    "Try the {latest}, the {chronology} or the {archive}.": "Pruebe con los {latest}, la {chronology} o el {archive}.",
    "latest briefings": "últimos informes",
    "chronology": "cronología",
    "archive": "archivo",
    "This page has moved to {page}.": "Esta página se ha trasladado a {page}.",
    # Calendar entries
    "Briefing: {title}": "Informe: {title}",
    "Date known only to the month: {date}.": "Fecha conocida solo hasta el mes: {date}.",
    "Date known only to the year: {date}.": "Fecha conocida solo hasta el año: {date}.",
    "Actors: {names}.": "Actores: {names}.",
    "Reported in: {titles}": "Recogido en: {titles}",
    "Briefing: {link}": "Informe: {link}",
}

_PORTUGUESE = {
    # An actor's `kind`, as `new actor` and the README write it
    "person": "pessoa",
    "organization": "organização",
    "government": "governo",
    "agency": "órgão",
    "country": "país",
    "company": "empresa",
    "party": "partido",
    "court": "tribunal",
    "{site}: chronology": "{site}: cronologia",  # a calendar's name
    "Skip to content": "Ir para o conteúdo",
    "Site": "Site",
    "Latest": "Últimas",
    "Chronology": "Cronologia",
    "Topics": "Temas",
    "Actors": "Atores",
    "Archive": "Arquivo",
    "Atom feed": "Feed Atom",
    "JSON Feed": "JSON Feed",
    "Draft": "Rascunho",
    "Scheduled": "Agendado",
    "Reported in": "Noticiado em",
    "Briefing:": "Boletim:",
    "No dated entries yet.": "Ainda não há entradas com data.",
    "{year}, month not known": "{year}, mês desconhecido",
    "Latest briefings": "Últimos boletins",
    "All briefings by month": "Todos os boletins, por mês",
    "No briefings published yet.": "Ainda não há boletins publicados.",
    "Topics in play": "Temas em pauta",
    "{n} briefing, latest": "{n} boletim, em",
    "{n} briefings, latest": "{n} boletins, o último em",
    "The full chronology": "A cronologia completa",
    "{n} briefing": "{n} boletim",
    "{n} briefings": "{n} boletins",
    "Topic": "Tema",
    "Actor": "Ator",
    "Briefings and chronology for {name} on {site}.": "Boletins e cronologia de {site}: {name}.",
    "Also written:": "Outros nomes:",
    "Follow {name} by feed": "Acompanhe {name} pelo feed",
    "Briefings": "Boletins",
    "No published briefing yet.": "Ainda não há boletins publicados.",
    "Related": "Relacionados",
    "Actors most involved": "Atores mais envolvidos",
    "Often alongside": "Aparece muitas vezes com",
    "Related topics": "Temas relacionados",
    "Every topic followed by {site}, with its briefings.": "Todos os temas que {site} acompanha, com seus boletins.",
    "Every actor followed by {site}, with its briefings.": "Todos os atores que {site} acompanha, com seus boletins.",
    "Briefings on {name} from {site}.": "Boletins de {site} sobre {name}.",
    "Every briefing on {site}, by month.": "Todos os boletins de {site}, por mês.",
    "Every dated event and briefing on {site}, oldest first.": (
        "Todos os fatos datados e boletins de {site}, do mais antigo ao mais recente."
    ),
    "Every dated event reported in a briefing, and every briefing, oldest first. "
    "Events known only to the month or year are shown that way.": (
        "Todos os fatos datados noticiados em um boletim, e todos os boletins, do mais antigo ao "
        "mais recente. Fatos dos quais só se conhece o mês ou o ano aparecem assim."
    ),
    "Also as data:": "Também como dados:",
    "for calendars and other tools.": "para calendários e outras ferramentas.",
    "not published: left out of the site until {flag} is removed.": (
        "não publicado: fica fora do site até que {flag} seja removido."
    ),
    "Scheduled for {date}": "Agendado para {date}",
    "left out of the site until then.": "fica fora do site até lá.",
    "Published {date}": "Publicado em {date}",
    "Updated {date}": "Atualizado em {date}",
    "By {names}": "Por {names}",
    "Events in this briefing": "Fatos deste boletim",
    "in the chronology": "na cronologia",
    "Sources": "Fontes",
    "Related briefings": "Boletins relacionados",
    "Notes": "Notas",
    "Page not found": "Página não encontrada",
    "There is no page at this address. It may have moved, or the link may be mistyped.": (
        "Não há nenhuma página neste endereço. Ela pode ter mudado de lugar, ou o link pode estar errado."
    ),
    "Try the {latest}, the {chronology} or the {archive}.": "Veja os {latest}, a {chronology} ou o {archive}.",
    "latest briefings": "últimos boletins",
    "chronology": "cronologia",
    "archive": "arquivo",
    "This page has moved to {page}.": "Esta página mudou de endereço: {page}.",
    "Briefing: {title}": "Boletim: {title}",
    "Date known only to the month: {date}.": "Data conhecida só até o mês: {date}.",
    "Date known only to the year: {date}.": "Data conhecida só até o ano: {date}.",
    "Actors: {names}.": "Atores: {names}.",
    "Reported in: {titles}": "Noticiado em: {titles}",
    "Briefing: {link}": "Boletim: {link}",
}

_FRENCH = {  # a narrow no-break space (U+202F) before a colon, as French sets it
    # An actor's `kind`, as `new actor` and the README write it
    "person": "personne",
    "organization": "organisation",
    "government": "gouvernement",
    "agency": "agence",
    "country": "pays",
    "company": "entreprise",
    "party": "parti",
    "court": "tribunal",
    "{site}: chronology": "{site} : chronologie",  # a calendar's name
    "Skip to content": "Aller au contenu",
    "Site": "Site",
    "Latest": "À la une",
    "Chronology": "Chronologie",
    "Topics": "Sujets",
    "Actors": "Acteurs",
    "Archive": "Archives",
    "Atom feed": "Flux Atom",
    "JSON Feed": "JSON Feed",
    "Draft": "Brouillon",
    "Scheduled": "Programmée",
    "Reported in": "Cité dans",
    "Briefing:": "Note :",
    "No dated entries yet.": "Aucune entrée datée pour l’instant.",
    "{year}, month not known": "{year}, mois non précisé",
    "Latest briefings": "Dernières notes",
    "All briefings by month": "Toutes les notes, par mois",
    "No briefings published yet.": "Aucune note publiée pour l’instant.",
    "Topics in play": "Sujets d’actualité",
    "{n} briefing, latest": "{n} note, le",
    "{n} briefings, latest": "{n} notes, la dernière le",
    "The full chronology": "Toute la chronologie",
    "{n} briefing": "{n} note",
    "{n} briefings": "{n} notes",
    "Topic": "Sujet",
    "Actor": "Acteur",
    "Briefings and chronology for {name} on {site}.": "Notes et chronologie de {site} : {name}.",
    "Also written:": "Autres noms :",
    "Follow {name} by feed": "Suivre {name} par flux",
    "Briefings": "Notes",
    "No published briefing yet.": "Aucune note publiée pour l’instant.",
    "Related": "Voir aussi",
    "Actors most involved": "Acteurs les plus présents",
    "Often alongside": "Souvent aux côtés de",
    "Related topics": "Sujets liés",
    "Every topic followed by {site}, with its briefings.": "Tous les sujets que suit {site}, avec leurs notes.",
    "Every actor followed by {site}, with its briefings.": "Tous les acteurs que suit {site}, avec leurs notes.",
    "Briefings on {name} from {site}.": "Notes sur {name}, par {site}.",
    "Every briefing on {site}, by month.": "Toutes les notes de {site}, par mois.",
    "Every dated event and briefing on {site}, oldest first.": (
        "Tous les faits datés et toutes les notes de {site}, du plus ancien au plus récent."
    ),
    "Every dated event reported in a briefing, and every briefing, oldest first. "
    "Events known only to the month or year are shown that way.": (
        "Tous les faits datés rapportés dans une note, et toutes les notes, du plus ancien au "
        "plus récent. Les faits dont on ne connaît que le mois ou l’année sont donnés ainsi."
    ),
    "Also as data:": "Aussi sous forme de données :",
    "for calendars and other tools.": "pour les agendas et autres outils.",
    "not published: left out of the site until {flag} is removed.": (
        "non publiée : absente du site tant que {flag} n’est pas retiré."
    ),
    "Scheduled for {date}": "Programmée pour le {date}",
    "left out of the site until then.": "absente du site jusque-là.",
    "Published {date}": "Publiée le {date}",
    "Updated {date}": "Mise à jour le {date}",
    "By {names}": "Par {names}",
    "Events in this briefing": "Faits de cette note",
    "in the chronology": "dans la chronologie",
    "Sources": "Sources",
    "Related briefings": "Notes liées",
    "Notes": "Notes",
    "Page not found": "Page introuvable",
    "There is no page at this address. It may have moved, or the link may be mistyped.": (
        "Il n’y a pas de page à cette adresse. Elle a pu être déplacée, ou le lien est mal écrit."
    ),
    "Try the {latest}, the {chronology} or the {archive}.": "Essayez les {latest}, la {chronology} ou les {archive}.",
    "latest briefings": "dernières notes",
    "chronology": "chronologie",
    "archive": "archives",
    "This page has moved to {page}.": "Cette page a été déplacée : {page}.",
    "Briefing: {title}": "Note : {title}",
    "Date known only to the month: {date}.": "Date connue seulement au mois près : {date}.",
    "Date known only to the year: {date}.": "Date connue seulement à l’année près : {date}.",
    "Actors: {names}.": "Acteurs : {names}.",
    "Reported in: {titles}": "Cité dans : {titles}",
    "Briefing: {link}": "Note : {link}",
}

_MONTHS = {
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
    "pt": (
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ),
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
}

_WORDINGS = {
    "en": ENGLISH,
    "es": Wording(
        "es",
        _SPANISH,
        _MONTHS["es"],
        day_first=True,
        joiner=" de ",
        quotes=("«", "»", "‘", "’"),  # ‘…’ for a word's sense, as the RAE has it
        and_word="y",
    ),
    "pt": Wording(
        "pt", _PORTUGUESE, _MONTHS["pt"], day_first=True, joiner=" de ", first_day="1º", and_word="e"
    ),
    "fr": Wording(
        "fr",
        _FRENCH,
        _MONTHS["fr"],
        day_first=True,
        joiner=" ",
        first_day="1er",
        zero_is_one=True,
        quotes=("«\u202f", "\u202f»", "“", "”"),
        and_word="et",
    ),
}
LANGUAGES = tuple(_WORDINGS)


# Every language's month names (and each without its accents: 'marco', 'fevrier'), to month
# numbers: a date a writer spelt out can be given back as the ISO date to write.
MONTH_NUMBERS = {
    spelling: number
    for wording in _WORDINGS.values()
    for number, name in enumerate(wording.months, 1)
    for spelling in (name.casefold(), without_accents(name).casefold())
}


@lru_cache(maxsize=8)
def wording_for(language: str) -> Wording:
    """The words of `language` (a tag: 'es', 'es-VE', 'pt-BR'), else English."""
    return _WORDINGS.get(language.split("-")[0].lower(), ENGLISH)
